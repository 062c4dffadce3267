"""The recruiter's recording playback and live view, in real Qt views (offscreen) against a real
server process (uvicorn on loopback, embedded PostgreSQL, a media directory).

Playback: a candidate's interview (report + transcript) with a recording uploaded through the
resumable upload; the report screen downloads it off the UI thread, QMediaPlayer plays it, the
playhead highlights the transcript line being spoken, switches the answer shown and moves the
timeline's cursor; a click on a line's time seeks. An interview without video says so plainly.

Live: an in-process publisher (aiortc, its own loop thread, a test-pattern camera fanned out)
goes live; the live view shows its frames, the question and the captions from the data
channel. ICE on 127.0.0.1 only, no STUN/TURN."""

from __future__ import annotations

import httpx
import numpy as np
import pytest

from core.bank import seed_reference_data
from core.db.models import UserRole
from core.db.session import session_factory, transaction, upgrade_database
from engines.capture.pattern import PatternCamera, read_stamp
from tests.desktop.ui_support import make_ctx
from tests.sync.server_helpers import ServerProcess, make_user, sample_bundle

pytest.importorskip("aiortc")
pytest.importorskip("PySide6.QtMultimedia")
pytestmark = pytest.mark.postgres
API = "/api/v1"
FPS, SIZE = 15, (320, 240)
STARTS = [0.0, 1.0, 2.0, 3.0]  # AI q1, answer 1, AI q2, answer 2 (session seconds)


@pytest.fixture
def server(pg_engine, tmp_path):
    upgrade_database(pg_engine)
    with transaction(session_factory(pg_engine)) as s:
        seed_reference_data(s)
    make_user(pg_engine, "mei")
    make_user(pg_engine, "rec", UserRole.recruiter, "KAKAO")
    proc = ServerProcess(pg_engine.url.render_as_string(hide_password=False),
                         env={"BIG20_SERVER_MEDIA_DIR": str(tmp_path / "media"),
                              "BIG20_SERVER_ICE_ADDRESSES": "127.0.0.1"}).start()
    yield proc
    proc.stop()


def _client(server, username):
    from tests.sync.live_helpers import client

    return client(server, username)


def _push(mei, *, video: bool) -> int:
    bundle = sample_bundle(shares=["KAKAO"])
    for row, start in zip(bundle["transcripts"], STARTS):
        row["start_s"] = start
        if row.get("end_s") is not None:
            row["end_s"] = start + 0.9
    body = mei.push_interview(bundle, bundle["uuid"])
    iid = body["interview_id"]
    mei.request("PUT", f"/interviews/{iid}/shares/KAKAO", json={"include_video": video})
    return iid


def _recording(path, seconds: float):
    from sync.recording import RecordingWriter

    cam = PatternCamera(SIZE, FPS, frames=int(seconds * FPS), realtime=False)
    cam.open()
    w = RecordingWriter(path, fps=FPS)
    while (f := cam.read()) is not None:
        w.write_video(f.image, f.t)
    return w.close()


def _screens(qtbot, tmp_path, server, navs):
    from desktop.controllers.shell import build_screen

    ctx = make_ctx(tmp_path)
    ctx.server = _client(server, "rec")
    screens = {name: build_screen(name, "en", ctx, lambda name, **kw: navs.append((name, kw)))
               for name in ("recruiter", "recruiter_report", "recruiter_compare", "recruiter_live")}
    for c in screens.values():
        qtbot.addWidget(c.view)
    return ctx, screens


def test_report_plays_the_recording_and_the_transcript_follows(qtbot, tmp_path, server):
    from PySide6.QtCore import QUrl
    from PySide6.QtMultimedia import QMediaPlayer

    from desktop.workers.jobs import wait_idle
    from sync.client.recording_upload import upload_recording
    from sync.recording import sha256_file

    mei = _client(server, "mei")
    iid = _push(mei, video=True)
    stats = _recording(tmp_path / "answer.webm", 4.5)
    path = stats.path
    state = upload_recording(mei, iid, path, sha256=sha256_file(path), size=path.stat().st_size, offset_s=0.0)
    assert state["complete"]
    no_video = _push(mei, video=False)

    navs: list = []
    ctx, screens = _screens(qtbot, tmp_path, server, navs)
    rr = screens["recruiter_report"]
    rv = rr.view
    rv.show()
    rv.player.audio.setMuted(True)
    rr.enter(interview={"id": iid, "candidate_name": "Mei", "status": "completed"})
    qtbot.waitUntil(lambda: rr.report is not None and bool(rv.player.segments), timeout=30_000)
    assert not rv.watch_live.isVisible()  # not live: nothing to watch
    seg = rv.player.segments[0]
    assert seg.path.is_file() and sha256_file(seg.path) == sha256_file(path)  # the very file uploaded
    folder = seg.path.parent
    assert rv.player.isVisible() and not rv.recording_state.isVisible() and not rv.player.message.isVisible()

    rv.player.play()
    qtbot.waitUntil(lambda: rv.player.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState,
                    timeout=10_000)
    seen: list[int | None] = []
    rv.player.playhead.connect(lambda _t: seen.append(rr.highlighted))
    # the playhead passes 2 s: the second question is highlighted and its answer shown
    qtbot.waitUntil(lambda: (rr.highlighted or 0) >= 2, timeout=20_000)
    assert [h for h in seen if h is not None] == sorted(h for h in seen if h is not None)  # moves forward only
    assert rv.report.answers.currentRow() == 1
    # the line at the playhead is marked in the theme's marker colour (legible in light and dark)
    from desktop.ui.theme import current_theme, palette

    assert palette(current_theme())["mark"].lstrip("#") in rv.transcript.toHtml()
    rv.player.pause()
    # a click on the first answer's time seeks there; the highlight and the answer follow
    rv.transcript.anchorClicked.emit(QUrl(f"t:{STARTS[1] + 0.3:.3f}"))
    qtbot.waitUntil(lambda: rr.highlighted == 1, timeout=10_000)
    assert abs(rv.player.session_time() - 1.3) < 0.3
    assert rv.report.answers.currentRow() == 0
    assert rv.report.timeline.cursor == pytest.approx(rv.player.session_time() - STARTS[1], abs=0.05)

    # an interview shared without video: said plainly, nothing to play
    rr.leave()
    assert not folder.exists()  # the downloaded copy does not outlive the view
    rr.enter(interview={"id": no_video, "candidate_name": "Mei", "status": "completed"})
    qtbot.waitUntil(lambda: rr.report is not None and rv.recording_state.text() != ""
                    and "Downloading" not in rv.recording_state.text(), timeout=30_000)
    assert rv.recording_state.text() == "No recording for this interview."
    assert rv.recording_state.isVisible() and not rv.player.isVisible() and not rv.player.segments
    rr.leave()
    wait_idle(30_000)
    log = httpx.get(f"{server.url}{API}/interviews/{iid}/access-log",
                    headers={"Authorization": f"Bearer {mei._access}"}).json()
    assert "recording" in {e["what"] for e in log}


def _stamp_of(image) -> int | None:
    img = image.convertToFormat(image.Format.Format_BGR888)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())[:, : img.width() * 3]
    got = read_stamp(arr.reshape(img.height(), img.width(), 3).copy())
    return got[0] if got else None


def test_live_view_shows_video_question_and_captions(qtbot, tmp_path, server):
    from desktop.workers.net_loop import NetLoop
    from engines.capture.fanout import FanoutCamera
    from sync.client.webrtc_publisher import LivePublisher
    from tests.sync.live_helpers import LOOPBACK, EngineReader, live_interview

    mei = _client(server, "mei")
    iid = live_interview(mei)
    camera = FanoutCamera(PatternCamera(SIZE, FPS, frames=FPS * 20, realtime=True))
    candidate = NetLoop()  # the candidate's own process, in miniature: its own loop thread
    publisher = LivePublisher(mei, iid, camera=camera, local_dir=tmp_path / "local", ice_addresses=LOOPBACK)
    assert candidate.submit(publisher.start()).result(30), "the server should answer the offer"
    reader = EngineReader(camera).start()

    navs: list = []
    ctx, screens = _screens(qtbot, tmp_path, server, navs)
    lc = screens["recruiter_live"]
    lv = lc.view
    lv.show()
    lc.enter(interview={"id": iid, "candidate_name": "Mei", "position": "Backend Engineer", "status": "live"})
    assert "Connecting" in lv.state.text()  # enter returned at once: the connection is not up yet
    qtbot.waitUntil(lambda: "Watching" in lv.state.text(), timeout=20_000)
    publisher.send_event("question", index=0, text="Kafka 파티션 설계를 설명해 주세요")
    for i in range(5):
        publisher.send_caption(f"파티션 키를 주문 번호로 {i}", t=i * 0.1)
    qtbot.waitUntil(lambda: lc.frames_shown >= 10 and lv.captions.count() == 5, timeout=20_000)
    assert lv.question.text() == "Q1. Kafka 파티션 설계를 설명해 주세요"
    assert [lv.captions.item(i).text() for i in range(5)] == [f"파티션 키를 주문 번호로 {i}" for i in range(5)]
    assert _stamp_of(lv.video._image) is not None  # the candidate's own frames, on screen
    # a caption still being spoken is the last line, grey, until its final text replaces it
    publisher.send_caption("그래서 순서가", t=0.6, final=False)
    qtbot.waitUntil(lambda: lv.captions.count() == 6, timeout=10_000)
    assert lv.captions.item(5).foreground().color().name() == "#9aa3af"
    publisher.send_caption("그래서 순서가 보장됩니다", t=0.7)
    qtbot.waitUntil(lambda: lv.captions.item(lv.captions.count() - 1).text() == "그래서 순서가 보장됩니다",
                    timeout=10_000)
    assert lv.captions.count() == 6 and len(lc.captions) == 6
    assert "Mei" in lv.title.text()

    lc.leave()  # stops the viewer; the publisher goes on (the candidate is still live)
    reader.done.wait(40)
    outcome = candidate.submit(publisher.stop()).result(30)
    assert outcome.live and outcome.server_frames == outcome.frames_sent
    watched = [e["viewer_name"] for e in mei.access_log(iid) if e["what"] == "live_video"]
    assert watched == ["Rec"]

    # an interview shared without video: refused, said plainly
    other = live_interview(mei, video=False)
    lc.enter(interview={"id": other, "candidate_name": "Mei", "status": "live"})
    qtbot.waitUntil(lambda: lv.banner.isVisible(), timeout=20_000)
    assert "has not shared video" in lv.banner.text()
    lc.leave()
    candidate.loop.call_soon_threadsafe(candidate.loop.stop)
