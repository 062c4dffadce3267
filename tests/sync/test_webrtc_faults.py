"""Live video under network faults, against a real server process on a real PostgreSQL:

- the connection is cut mid-interview (no packet leaves the desktop's ICE sockets any more):
  the publisher notices within its heartbeat timeout and records locally from the next
  frame, so the server's live segment plus the local file miss no more than that time; it
  reconnects (a second live segment, overlapping the local file: no gap there); the local
  file is uploaded later through the outbox, in checksummed chunks, kept once;
- the app is killed in the middle of an upload: the restarted app resumes where the server
  stopped, and the server ends with exactly one copy, byte for byte the local file."""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
import time

import httpx
import pytest
from sqlalchemy import select, text

from core.db.models import MediaFile, MediaUpload, OutboxStatus, SyncOutbox
from core.db.session import session_factory, transaction, upgrade_database
from engines.capture.fanout import FanoutCamera
from engines.capture.pattern import PatternCamera
from sync.client.outbox import Outbox
from sync.client.recording_upload import enqueue_recording
from sync.client.webrtc_publisher import LivePublisher
from sync.recording import RecordingWriter, probe, sha256_file
from tests.sync.server_helpers import CHILD_KEYRING, PASSWORD, REPO, ServerProcess, seeded_server_db
from tests.sync.live_helpers import FPS, LOOPBACK, SIZE, EngineReader, client, live_interview, recorded_indices

pytest.importorskip("aiortc")
pytestmark = pytest.mark.postgres
HEARTBEAT_S, DROP_AFTER_S, RECONNECT_S = 0.25, 1.0, 1.0


@pytest.fixture
def server_db(pg_engine):
    return seeded_server_db(pg_engine, "mei")


@pytest.fixture
def media(tmp_path):
    return tmp_path / "media"


@pytest.fixture
def server(server_db, media):
    proc = ServerProcess(server_db.url.render_as_string(hide_password=False),
                         env={"BIG20_SERVER_MEDIA_DIR": str(media), "BIG20_SERVER_ICE_ADDRESSES": "127.0.0.1"}).start()
    yield proc
    proc.stop()


@pytest.fixture
def local(sqlite_engine):
    upgrade_database(sqlite_engine)
    return sqlite_engine


def cut_network(pc) -> None:
    """Pull the cable for one peer: close the UDP sockets under its ICE transport, so nothing
    more leaves or arrives, and nobody says goodbye (no DTLS close, no RTCP BYE)."""
    ice = pc.sctp.transport.transport  # RTCSctpTransport -> RTCDtlsTransport -> RTCIceTransport
    for protocol in ice._connection._protocols:
        protocol.transport.close()


def wait_for(cond, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)  # polling a condition, bounded by the deadline
    return cond()


def test_connection_cut_mid_interview_falls_back_reconnects_and_uploads_later(server, server_db, media, local,
                                                                             tmp_path):
    mei = client(server, "mei")
    interview_id = live_interview(mei)
    n_frames = FPS * 9
    camera = FanoutCamera(PatternCamera(SIZE, FPS, frames=n_frames, realtime=True))
    states: list[str] = []

    async def scenario():
        publisher = LivePublisher(mei, interview_id, camera=camera, local_dir=tmp_path / "local",
                                  ice_addresses=LOOPBACK, heartbeat_s=HEARTBEAT_S, drop_after_s=DROP_AFTER_S,
                                  reconnect_s=RECONNECT_S, on_state=lambda st, _d: states.append(st))
        assert await publisher.start()
        reader = EngineReader(camera).start()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, wait_for, lambda: publisher._video.sent >= 2 * FPS, 20)
        cut_network(publisher._pc)
        cut_at = time.monotonic()
        await loop.run_in_executor(None, wait_for, lambda: publisher.recording_locally, 10)
        detected_after = time.monotonic() - cut_at
        await loop.run_in_executor(None, wait_for, lambda: publisher.live, 15)  # back on a new connection
        back_after = time.monotonic() - cut_at
        await loop.run_in_executor(None, reader.done.wait, 30)
        return await publisher.stop(), reader, detected_after, back_after

    outcome, reader, detected_after, back_after = asyncio.run(scenario())
    assert reader.frames == n_frames  # the local engines never noticed
    assert outcome.live and outcome.reason and "no answer" in outcome.reason
    assert outcome.reconnects == 1 and len(outcome.recording_ids) == 2
    assert states[:2] == ["connecting", "live"] and "local" in states and states[-2:] == ["live", "ended"]
    assert detected_after <= DROP_AFTER_S + 2 * HEARTBEAT_S + 0.5
    assert back_after < n_frames / FPS - 2  # live again well before the end
    assert len(outcome.local_segments) == 1
    seg = outcome.local_segments[0]
    local_idx = recorded_indices(seg.stats.path)
    # every frame from the switch until a little after the reconnect went into the local file, in order
    assert local_idx == list(range(seg.first_index, local_idx[-1] + 1))

    # later: the outbox uploads the local file in chunks; the server keeps it once
    with transaction(session_factory(local)) as s:
        enqueue_recording(s, interview_uuid="00000000-0000-0000-0000-000000000000", path=seg.stats.path,
                          server_interview_id=interview_id, offset_s=seg.offset_s)
    outbox = Outbox(session_factory(local), mei)
    outbox.chunk_size = 64 * 1024
    assert outbox.run_once().sent == 1
    with transaction(session_factory(local)) as s:  # the same file queued again: no second copy
        enqueue_recording(s, interview_uuid="00000000-0000-0000-0000-000000000000", path=seg.stats.path,
                          server_interview_id=interview_id)
    assert outbox.run_once().sent == 1

    server.stop()
    with session_factory(server_db)() as s:
        rows = list(s.scalars(select(MediaFile).where(MediaFile.interview_uuid == interview_id)
                              .order_by(MediaFile.id)))
        assert s.scalar(select(text("count(*)")).select_from(MediaUpload)) == 1
    assert [r.source for r in rows] == ["live", "live", "upload"]
    first, second, up = rows
    assert up.sha256 == sha256_file(seg.stats.path) == sha256_file(media / up.path)
    assert up.frames == len(local_idx) and up.offset_s == pytest.approx(seg.offset_s)
    first_idx, second_idx = recorded_indices(media / first.path), recorded_indices(media / second.path)
    for idx in (first_idx, second_idx):
        assert idx and idx == list(range(idx[0], idx[-1] + 1))
    assert second_idx[-1] == n_frames - 1 and outcome.server_frames == len(second_idx) == second.frames
    gap_frames = seg.first_index - first_idx[-1] - 1
    assert gap_frames >= 0
    # nothing lost beyond the time it took to notice the cut ...
    assert gap_frames / FPS <= detected_after + 2 / FPS, (gap_frames, detected_after)
    # ... and nothing at the reconnect: the local segment overlaps the new live segment
    assert local_idx[-1] >= second_idx[0]
    covered = set(first_idx) | set(local_idx) | set(second_idx)
    assert set(range(first_idx[0], n_frames)) - covered == set(range(first_idx[-1] + 1, seg.first_index))


CHILD = CHILD_KEYRING + r"""
from core.db.session import make_engine, session_factory
from core.secrets import SecretStore
from sync.client.api import ServerClient
from sync.client.outbox import Outbox
url, db, refresh, marker = sys.argv[1:5]
SecretStore().set("server_refresh_token", refresh)
client = ServerClient(url)
real = client.upload_chunk
def chunk(*args, **kw):
    state = real(*args, **kw)
    if state["received"] >= 3 * 65536:
        open(marker, "w").write(str(state["received"]))  # the server holds 3 chunks; the app dies now
        import time
        time.sleep(600)
    return state
client.upload_chunk = chunk
outbox = Outbox(session_factory(make_engine(db)), client)
outbox.chunk_size = 65536
outbox.run_once()
"""


def test_upload_resumes_after_the_app_is_killed(server, server_db, media, local, tmp_path):
    mei = client(server, "mei")
    interview_id = live_interview(mei)
    path = tmp_path / "offline.webm"
    cam = PatternCamera(SIZE, FPS, frames=FPS * 10, realtime=False)
    cam.open()
    writer = RecordingWriter(path)
    while (f := cam.read()) is not None:
        writer.write_video(f.image, f.t)
    stats = writer.close()
    assert stats.size > 5 * 65536, "the file must need several chunks"
    with transaction(session_factory(local)) as s:
        enqueue_recording(s, interview_uuid="00000000-0000-0000-0000-000000000000", path=path,
                          server_interview_id=interview_id)
    tokens = httpx.post(server.url + "/api/v1/auth/token", data={"username": "mei", "password": PASSWORD}).json()
    marker = tmp_path / "uploaded"
    child = subprocess.Popen([sys.executable, "-c", CHILD, server.url, str(local.url), tokens["refresh_token"],
                              str(marker)], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert wait_for(lambda: marker.exists() or child.poll() is not None, 60) and marker.exists()
    finally:
        child.kill()
        child.wait()
    held = int(marker.read_text())
    with session_factory(local)() as s:
        assert [r.status for r in s.scalars(select(SyncOutbox))] == [OutboxStatus.pending]

    # the restarted app: asks the server, sends only the rest
    offsets = []
    real = mei.upload_chunk

    def counting(interview, upload, offset, data, sha):
        offsets.append(offset)
        return real(interview, upload, offset, data, sha)

    mei.upload_chunk = counting
    outbox = Outbox(session_factory(local), mei)
    outbox.chunk_size = 65536
    assert outbox.run_once().sent == 1
    assert offsets[0] == held and sum(1 for _ in offsets) == -(-(stats.size - held) // 65536)
    with session_factory(server_db)() as s:
        files = list(s.scalars(select(MediaFile).where(MediaFile.interview_uuid == interview_id)))
    assert len(files) == 1 and files[0].source == "upload" and files[0].status == "complete"
    stored = media / files[0].path
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha256_file(path)
    assert files[0].frames == probe(path).frames == FPS * 10
    assert not list((media / "uploads").glob("*.part"))  # no partial copy left behind


def test_refused_stream_is_recorded_locally_from_the_first_frame(server, server_db, tmp_path):
    mei = client(server, "mei")
    interview_id = live_interview(mei, video=False)  # shared, but without video: the server says no
    n_frames = FPS * 2
    camera = FanoutCamera(PatternCamera(SIZE, FPS, frames=n_frames, realtime=True))

    async def scenario():
        publisher = LivePublisher(mei, interview_id, camera=camera, local_dir=tmp_path / "local",
                                  ice_addresses=LOOPBACK)
        assert not await publisher.start()
        reader = EngineReader(camera).start()
        await asyncio.get_running_loop().run_in_executor(None, reader.done.wait, 30)
        return await publisher.stop()

    outcome = asyncio.run(scenario())
    assert not outcome.live and outcome.recording_id is None and "409" in outcome.reason
    assert recorded_indices(outcome.local.path) == list(range(n_frames))  # nothing missing
    assert outcome.local_offset_s == pytest.approx(0.0, abs=0.2)
    with server_db.connect() as c:
        assert c.execute(text("SELECT count(*) FROM media_files")).scalar() == 0


def test_server_killed_mid_stream_keeps_what_arrived(server, server_db, media, tmp_path):
    mei = client(server, "mei")
    interview_id = live_interview(mei)
    n_frames = FPS * 5
    camera = FanoutCamera(PatternCamera(SIZE, FPS, frames=n_frames, realtime=True))

    async def scenario():
        publisher = LivePublisher(mei, interview_id, camera=camera, local_dir=tmp_path / "local",
                                  ice_addresses=LOOPBACK, heartbeat_s=HEARTBEAT_S, drop_after_s=DROP_AFTER_S)
        assert await publisher.start()
        reader = EngineReader(camera).start()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, wait_for, lambda: publisher._video.sent >= 3 * FPS, 20)
        await loop.run_in_executor(None, server.kill)
        await loop.run_in_executor(None, reader.done.wait, 30)
        return await publisher.stop()

    outcome = asyncio.run(scenario())
    assert outcome.local is not None and outcome.local_first_index < n_frames
    server.start()  # the restarted server marks the cut recording; its file holds what arrived
    with session_factory(server_db)() as s:
        row = s.scalars(select(MediaFile).where(MediaFile.interview_uuid == interview_id)).one()
    assert row.status == "interrupted"
    idx = recorded_indices(media / row.path)
    # WebM clusters of 1 s: at most about a second before the kill is missing
    assert len(idx) >= 2 * FPS and idx == list(range(idx[0], idx[-1] + 1))
