"""The candidate's live sharing in the real Qt app (offscreen) against a real server process
(uvicorn on loopback, embedded PostgreSQL, a media directory): the consent on the new-interview
screen, the interview published from the same camera the vision worker reads, a recruiter
watching it (frames and the question over the data channel), and at the end one server
record for the interview (the live copy and the sync are the same uuid) with its recording.

The server unreachable when the interview starts: recorded on this computer, queued, and
uploaded when the server is back. ICE on 127.0.0.1 only, no STUN/TURN."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text

from core.db.models import MediaFile, OutboxStatus, SyncOutbox, UserRole
from core.db.session import session_factory
from engines.capture.pattern import PatternCamera
from sync.recording import probe
from tests.desktop.ui_support import MissingMicrophone, close_shell, make_ctx, open_shell, server_sign_in
from tests.sync.server_helpers import PASSWORD, ServerProcess, seeded_server_db

pytest.importorskip("aiortc")
pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.usefixtures("model_manager")]
FPS, SIZE = 15, (320, 240)
ANSWER = ("I would profile the endpoint first, find the N+1 query in the ORM and fetch the rows "
          "with one join, then check the query plan uses the index.")


@pytest.fixture
def server_db(pg_engine):
    return seeded_server_db(pg_engine, "mei", ("rec", UserRole.recruiter, "KAKAO"))


def _server(server_db, media):
    return ServerProcess(server_db.url.render_as_string(hide_password=False),
                         env={"BIG20_SERVER_MEDIA_DIR": str(media), "BIG20_SERVER_ICE_ADDRESSES": "127.0.0.1"})


def _ctx(tmp_path):
    ctx = make_ctx(tmp_path, camera=lambda: PatternCamera(SIZE, FPS, realtime=True),
                   microphone=lambda: MissingMicrophone())  # typed answers: the test is about the video
    ctx.settings.ui.read_questions_aloud = False
    ctx.recordings_dir = tmp_path / "recordings"
    return ctx


def _shot(shell, name: str) -> None:
    """With BIG20_SCREENSHOT_DIR set (``xvfb-run -a ... pytest``), the window as it is now:
    the real screens of a live-shared interview, for the docs."""
    folder = os.environ.get("BIG20_SCREENSHOT_DIR")
    if folder:
        from PySide6.QtWidgets import QApplication

        from devtools.shots import SIZE, grab_window

        shell.window.resize(*SIZE)
        QApplication.processEvents()
        grab_window(shell.window, Path(folder) / f"{name}_{shell.ctx.lang}.png")


def _signed_in(qtbot, tmp_path, server):
    """The app on its home screen, signed in as the candidate "mei" with her server account."""
    ctx = _ctx(tmp_path)
    shell = open_shell(qtbot, ctx)
    server_sign_in(qtbot, shell, server.url, "mei", PASSWORD)
    qtbot.waitUntil(lambda: shell.current == "home", timeout=60_000)
    return ctx, shell


def _answer_and_finish(qtbot, shell, live):
    """Type the one answer, wait for the report and for the live share's end; the LiveShare."""
    live.view.typed.setPlainText(ANSWER)
    live.view.send_typed.click()
    qtbot.waitUntil(lambda: shell.current == "report", timeout=180_000)
    share = live.share
    qtbot.waitUntil(lambda: share.done, timeout=120_000)
    return share


def _new_interview(qtbot, shell, *, share: bool):
    shell.move_to("new")
    new = shell.screens["new"]
    v = new.view
    v.company.setCurrentIndex(v.company.findData("KAKAO"))
    v.count.setValue(1)
    assert v.share_live.isVisible() and not v.share_live.isChecked()  # asked each time, off by default
    assert "카카오" in v.share_live.text() or "Kakao" in v.share_live.text()
    v.share_live.setChecked(share)
    qtbot.waitUntil(lambda: new.plan is not None or v.banner.isVisible(), timeout=120_000)
    assert new.plan is not None, v.banner.text()
    _shot(shell, "new_interview_share_live")
    v.start.click()
    return shell.screens["live"]


class _Watcher:
    """A recruiter's viewer on its own asyncio loop thread (as the recruiter's app would be)."""

    def __init__(self, client, interview_id: int) -> None:
        from sync.client.webrtc_viewer import LiveViewer

        self.frames = 0
        self.messages: list[dict] = []
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.viewer = LiveViewer(client, interview_id, on_frame=self._frame, on_message=self.messages.append,
                                 ice_addresses=["127.0.0.1"])
        asyncio.run_coroutine_threadsafe(self.viewer.start(), self.loop).result(30)

    def _frame(self, _frame) -> None:
        self.frames += 1

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.viewer.stop(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)


def test_interview_shared_live_is_watched_recorded_and_synced_as_one_record(qtbot, tmp_path, server_db):
    from tests.sync.live_helpers import client

    media = tmp_path / "media"
    server = _server(server_db, media).start()
    try:
        ctx, shell = _signed_in(qtbot, tmp_path, server)

        live = _new_interview(qtbot, shell, share=True)
        qtbot.waitUntil(lambda: live.share is not None and live.share.publisher is not None
                        and live.share.publisher.live, timeout=60_000)
        assert "카카오" in live.view.share_state.text() or "Kakao" in live.view.share_state.text()
        uuid = live.share.uuid
        server_id = live.share.server_interview_id
        with server_db.connect() as c:
            row = c.execute(text("SELECT i.uuid, i.status, s.include_video FROM interviews i JOIN share_consents s "
                                 "ON s.interview_id = i.id WHERE i.uuid = :i"), {"i": server_id}).one()
        assert tuple(row) == (uuid, "live", True)

        # a recruiter of the company watches: frames and the question on screen
        qtbot.waitUntil(lambda: live.index == 0, timeout=30_000)
        watcher = _Watcher(client(server, "rec"), server_id)
        qtbot.waitUntil(lambda: watcher.frames >= FPS, timeout=30_000)
        # the candidate sees that somebody watches
        qtbot.waitUntil(lambda: "1 from" in live.view.share_state.text(), timeout=10_000)
        _shot(shell, "live_shared")
        questions = [m for m in watcher.messages if m.get("event") == "question"]
        assert questions and questions[-1]["text"] == live.view.question.text()
        # the local engines read the same camera all along (one capture, fanned out)
        fan = live.share.fan_camera
        assert fan.opens == 1 and live.vision is not None and live.vision.source is fan

        watcher.stop()
        qtbot.waitUntil(lambda: live.view.share_state.text() == "● Live: Kakao can watch", timeout=10_000)

        share = _answer_and_finish(qtbot, shell, live)
        outcome = share.outcome
        assert outcome.live and outcome.local_segments == [] and outcome.server_frames == outcome.frames_sent > 0

        # the outbox pushed the snapshot into the same server record (one interview for the uuid)
        def synced() -> bool:
            with server_db.connect() as c:
                return c.execute(text("SELECT status FROM interviews WHERE uuid = :u"), {"u": uuid}).scalar() \
                    == "completed"
        qtbot.waitUntil(synced, timeout=60_000)
        with server_db.connect() as c:
            assert c.execute(text("SELECT count(*) FROM interviews WHERE uuid = :u"), {"u": uuid}).scalar() == 1
            assert c.execute(text("SELECT count(*) FROM evaluation_reports r JOIN interviews i "
                                  "ON i.id = r.interview_id WHERE i.uuid = :i"), {"i": server_id}).scalar() == 1
        with session_factory(server_db)() as s:
            rec = s.scalars(select(MediaFile).where(MediaFile.interview_uuid == server_id)).one()
        assert rec.source == "live" and rec.status == "complete" and rec.frames == outcome.frames_sent
        assert probe(media / rec.path).frames == outcome.frames_sent
        # the report says it is shared (the consent was stored with the interview)
        rv = shell.screens["report"].view
        qtbot.waitUntil(lambda: rv.share.isVisible(), timeout=30_000)
        assert "중단" in rv.share.text() or "Stop" in rv.share.text()
        close_shell(shell)
    finally:
        server.stop()


def test_server_unreachable_at_the_start_records_here_and_uploads_later(qtbot, tmp_path, server_db):
    media = tmp_path / "media"
    server = _server(server_db, media).start()
    ctx, shell = _signed_in(qtbot, tmp_path, server)
    server.stop()  # the network is gone before the interview starts
    try:
        live = _new_interview(qtbot, shell, share=True)
        qtbot.waitUntil(lambda: live.share is not None and live.share.publisher is not None
                        and live.share.publisher.recording_locally, timeout=60_000)
        qtbot.waitUntil(lambda: live.index == 0, timeout=30_000)
        assert "이 컴퓨터" in live.view.share_state.text() or "this computer" in live.view.share_state.text()
        qtbot.wait(2000)  # two seconds of video recorded here
        assert live.view.share_state.toolTip()  # the reason, on hover
        _shot(shell, "live_recorded_here")
        share = _answer_and_finish(qtbot, shell, live)
        outcome = share.outcome
        assert not outcome.live and len(outcome.local_segments) == 1
        seg = outcome.local_segments[0]
        assert seg.stats.frames >= 2 * FPS - 3
        # queued: the snapshot first, then the recording; both wait for the server
        with ctx.sessions() as s:
            rows = list(s.scalars(select(SyncOutbox).where(SyncOutbox.id.in_(share.queued)).order_by(SyncOutbox.id)))
        assert [r.entity for r in rows] == ["interview", "recording"]
        assert all(r.status is OutboxStatus.pending for r in rows)

        # the server is back: the next pushes send both; the recording lands once, whole
        server.start()
        from desktop.services.outbox import push_outbox

        def all_sent() -> bool:
            with ctx.sessions() as s:
                return all(s.get(SyncOutbox, r.id).status is OutboxStatus.sent for r in rows)

        for _ in range(30):  # each push sends what is due (the failed tries back off 2 s, 4 s ...)
            op = push_outbox(ctx, shell.window)
            qtbot.waitUntil(lambda: op.done, timeout=60_000)
            if all_sent():
                break
            qtbot.wait(1000)
        assert all_sent(), "the outbox did not send everything once the server was back"
        with server_db.connect() as c:
            server_id = c.execute(text("SELECT id FROM interviews WHERE uuid = :u"), {"u": share.uuid}).scalar()
        with session_factory(server_db)() as s:
            recs = list(s.scalars(select(MediaFile).where(MediaFile.interview_id == server_id)))
        assert [(r.source, r.frames) for r in recs] == [("upload", seg.stats.frames)]
        assert recs[0].offset_s == pytest.approx(seg.offset_s)
        close_shell(shell)
    finally:
        server.stop()
