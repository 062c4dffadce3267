"""Live video end to end: the desktop publisher and a recruiter's viewer (two in-process aiortc
peers) against a real server process (uvicorn on loopback, embedded PostgreSQL). ICE offers
127.0.0.1 only and no STUN/TURN: all traffic stays on loopback.

The camera is a test-pattern source whose frames carry their index and capture time in the
picture, so the recording read back with PyAV can be checked frame by frame."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, text

from core.db.models import MediaFile
from core.db.session import session_factory
from engines.capture.audio import FileAudioSource
from engines.capture.fanout import FanoutCamera, FanoutMicrophone
from engines.capture.pattern import PatternCamera, read_stamp
from sync.client.api import ServerRefused
from sync.client.webrtc_publisher import LivePublisher
from sync.client.webrtc_viewer import LiveViewer
from sync.recording import probe
from tests.sync.live_helpers import (FPS, LOOPBACK, SIZE, EngineReader, client, live_interview, live_server,
                                     recorded_indices, seeded_live_db, tone)

pytest.importorskip("aiortc")
pytestmark = pytest.mark.postgres


@pytest.fixture
def server_db(pg_engine):
    return seeded_live_db(pg_engine)


@pytest.fixture
def media(tmp_path):
    return tmp_path / "media"


@pytest.fixture
def server(server_db, media):
    proc = live_server(server_db, media)
    yield proc
    proc.stop()


def test_published_recorded_relayed_and_refused(server, server_db, media):
    mei, rec, navi = client(server, "mei"), client(server, "rec"), client(server, "navi")
    interview_id = live_interview(mei)
    n_frames = FPS * 4
    camera = FanoutCamera(PatternCamera(SIZE, FPS, frames=n_frames, realtime=True))
    mic = FanoutMicrophone(FileAudioSource(audio=tone(6.0), speed=1.0))
    engine_audio = []

    async def scenario():
        publisher = LivePublisher(mei, interview_id, camera=camera, microphone=mic, local_dir=media.parent / "local",
                                  ice_addresses=LOOPBACK)
        assert await publisher.start(), "the server should answer the offer"
        seen, messages = [], []
        viewer = LiveViewer(rec, interview_id, ice_addresses=LOOPBACK,
                            on_frame=lambda f: seen.append(read_stamp(f.to_ndarray(format="bgr24"))),
                            on_message=messages.append)
        await viewer.start()
        mic.start(lambda block, t: engine_audio.append(len(block)))  # the speech engine's own subscription
        reader = EngineReader(camera).start()
        # another company's recruiter is refused while the stream is live
        stranger = LiveViewer(navi, interview_id, ice_addresses=LOOPBACK)
        with pytest.raises(ServerRefused) as refused:
            await stranger.start()
        assert refused.value.status == 404
        publisher.send_event("question", index=0, text="Kafka 파티션 설계를 설명해 주세요")
        for i in range(20):
            publisher.send_caption(f"파티션 키를 주문 번호로 {i}", t=i * 0.1)
            await asyncio.sleep(0.05)
        await asyncio.get_running_loop().run_in_executor(None, reader.done.wait, 30)
        outcome = await publisher.stop()
        mic.stop()
        await asyncio.wait_for(viewer.ended.wait(), 10)
        await viewer.stop()
        return outcome, reader, seen, messages

    outcome, reader, seen, messages = asyncio.run(scenario())

    # one capture fanned out: opened once, the engines saw every frame, so did the stream
    assert camera.opens == 1 and mic.starts == 1 and reader.frames == n_frames
    assert engine_audio, "the local speech engine got the microphone too"
    assert outcome.live and outcome.local is None
    assert outcome.frames_sent >= n_frames - 3  # frames before the connection came up are not sent
    assert outcome.server_frames == outcome.frames_sent

    # the recording: in the media dir, linked to the interview, every frame sent, in order
    with session_factory(server_db)() as s:
        row = s.scalars(select(MediaFile).where(MediaFile.interview_uuid == interview_id)).one()
    assert row.source == "live" and row.status == "complete" and row.frames == outcome.frames_sent
    path = media / row.path
    info = probe(path)
    assert info.frames == outcome.frames_sent and info.has_audio
    assert info.duration_s == pytest.approx((info.frames - 1) / FPS, abs=0.15)
    assert row.duration_s == pytest.approx(info.duration_s, abs=0.01)
    indices = recorded_indices(path)
    assert indices == list(range(indices[0], indices[0] + len(indices))), "frames missing or out of order"

    # relayed: the viewer saw the stamped frames and the captions beside them
    # (the viewer gets the newest frame only: a slow machine skips some, never reorders them)
    stamps = [s[0] for s in seen if s is not None]
    assert len(stamps) >= 5 and stamps == sorted(set(stamps))
    captions = [m for m in messages if m.get("type") == "caption"]
    assert [c["text"] for c in captions] == [f"파티션 키를 주문 번호로 {i}" for i in range(20)]
    events = [m for m in messages if m.get("type") == "event"]
    assert events == [{"type": "event", "event": "question", "index": 0, "text": "Kafka 파티션 설계를 설명해 주세요"}]
    assert not [m for m in messages if m.get("type") in ("ping", "pong", "clock")]  # control stays between peers

    # audited: the candidate sees who watched
    log = mei.access_log(interview_id)
    assert [e["viewer_name"] for e in log if e["what"] == "live_video"] == ["Rec"]
    listed = rec.recordings(interview_id)
    assert [r["frames"] for r in listed] == [outcome.frames_sent]
    with server_db.connect() as c:
        assert c.execute(text("SELECT count(*) FROM consent_access_log WHERE viewer_id = "
                              "(SELECT id FROM users WHERE username = 'navi')")).scalar() == 0


def test_live_routes_refuse_who_may_not(server, server_db):
    import httpx

    mei, bob, rec = client(server, "mei"), client(server, "bob"), client(server, "rec")
    offer = {"sdp": "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\n", "type": "offer"}
    interview_id = live_interview(mei, video=False)
    # shared without video: the desktop is told to record locally
    with pytest.raises(ServerRefused) as exc:
        mei.webrtc_offer(interview_id, offer)
    assert exc.value.status == 409
    # somebody else's interview does not exist for you
    with pytest.raises(ServerRefused) as exc:
        bob.webrtc_offer(interview_id, offer)
    assert exc.value.status == 404
    # a recruiter of the company, but the consent does not include video
    with pytest.raises(ServerRefused) as exc:
        rec.webrtc_offer(interview_id, offer, viewer=True)
    assert exc.value.status == 404
    # a candidate cannot use the viewer route at all; no token is 401
    with pytest.raises(ServerRefused) as exc:
        mei.webrtc_offer(interview_id, offer, viewer=True)
    assert exc.value.status == 403
    r = httpx.post(f"{server.url}/api/v1/interviews/{interview_id}/webrtc/offer", json=offer)
    assert r.status_code == 401
    r = httpx.post(f"{server.url}/api/v1/interviews/{interview_id}/webrtc/viewer", json=offer)
    assert r.status_code == 401
    # with video shared but nothing live, the recruiter learns just that
    mei.request("PUT", f"/interviews/{interview_id}/shares/KAKAO", json={"include_video": True})
    with pytest.raises(ServerRefused) as exc:
        rec.webrtc_offer(interview_id, offer, viewer=True)
    assert exc.value.status == 409
    # a malformed SDP from the owner is a 422, and no recording is left "recording"
    with pytest.raises(ServerRefused) as exc:
        mei.webrtc_offer(interview_id, offer)
    assert exc.value.status == 422
    with server_db.connect() as c:
        assert c.execute(text("SELECT count(*) FROM media_files WHERE status = 'recording'")).scalar() == 0


def test_revoked_consent_cuts_the_view_and_the_candidates_stream(server, server_db, media):
    mei, rec = client(server, "mei"), client(server, "rec")
    interview_id = live_interview(mei)
    camera = FanoutCamera(PatternCamera(SIZE, FPS, frames=FPS * 12, realtime=True))
    states: list[str] = []

    async def scenario():
        publisher = LivePublisher(mei, interview_id, camera=camera, local_dir=media.parent / "local",
                                  ice_addresses=LOOPBACK, on_state=lambda st, _d: states.append(st))
        assert await publisher.start()
        reader = EngineReader(camera).start()
        viewer = LiveViewer(rec, interview_id, ice_addresses=LOOPBACK)
        await viewer.start()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, mei.revoke_share, interview_id, "KAKAO")
        revoked_at = loop.time()
        await asyncio.wait_for(viewer.ended.wait(), 10)  # the server re-checks every 5 s
        cut_after = loop.time() - revoked_at
        while not states or states[-1] != "revoked":  # the publisher is told in the same re-check
            assert loop.time() - revoked_at < 10, states
            await asyncio.sleep(0.05)
        publisher_cut_after = loop.time() - revoked_at
        await viewer.stop()
        with pytest.raises(ServerRefused) as again:
            await LiveViewer(rec, interview_id, ice_addresses=LOOPBACK).start()
        await loop.run_in_executor(None, reader.done.wait, 30)
        outcome = await publisher.stop()
        return cut_after, publisher_cut_after, again.value.status, outcome

    cut_after, publisher_cut_after, status, outcome = asyncio.run(scenario())
    assert cut_after <= 6.5 and publisher_cut_after <= 6.5 and status == 404
    # the candidate's stream ended too, and nothing was recorded locally to upload instead
    assert outcome.revoked and outcome.local_segments == [] and outcome.reconnects == 0
    assert outcome.frames_sent < FPS * 12 - 2 * FPS
    with session_factory(server_db)() as s:
        row = s.scalars(select(MediaFile).where(MediaFile.public_id == outcome.recording_id)).one()
        assert row.status == "complete" and 0 < row.frames <= outcome.frames_sent
    with pytest.raises(ServerRefused) as refused:  # and it cannot be published again without consent
        mei.webrtc_offer(interview_id, {"sdp": "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\n", "type": "offer"})
    assert refused.value.status == 409
