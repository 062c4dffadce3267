"""Live video with several API processes: ``big20-server --workers 2`` on a real PostgreSQL,
the desktop publisher and recruiters' viewers as in-process aiortc peers on loopback.

Which worker answers a request is chosen by the kernel; the test chooses it instead by pausing
the other worker (SIGSTOP) while a request is sent, so the publisher's offer, each viewer's
offer and the candidate's revocation are answered by the worker the test names. The peer
connections are the live-video owner process's (its UDP sockets; the workers have none), a
worker killed mid-stream changes nothing for the stream, and a restarted worker does not mark
the recording being made as interrupted."""

from __future__ import annotations

import asyncio
import threading
import time
from contextlib import contextmanager

import httpx
import psutil
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from core.db.models import Interview, MediaFile, UserRole
from core.db.session import session_factory, transaction
from core.services import recordings
from engines.capture.fanout import FanoutCamera
from engines.capture.pattern import PatternCamera, read_stamp
from sync.client.api import ServerRefused
from sync.client.webrtc_publisher import LivePublisher
from sync.client.webrtc_viewer import LiveViewer
from sync.server.app import create_app
from sync.server.settings import ServerSettings
from tests.sync.live_helpers import FPS, LOOPBACK, SIZE, client, live_interview, live_server, recorded_indices, seeded_live_db
from tests.sync.server_helpers import auth, login, seeded_server_db

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
    proc = live_server(server_db, media, "--workers", "2")
    yield proc
    proc.stop()


def _cmdline(p: psutil.Process) -> str:
    try:
        return " ".join(p.cmdline())
    except psutil.Error:
        return ""


def workers_of(server, count: int = 2, timeout: float = 60.0) -> list[psutil.Process]:
    """The server's running uvicorn workers (spawned children), once there are ``count``."""
    main = psutil.Process(server.proc.pid)
    deadline = time.monotonic() + timeout
    while True:
        found = [c for c in main.children() if "spawn_main" in _cmdline(c) and c.is_running()
                 and c.status() != psutil.STATUS_ZOMBIE]
        if len(found) == count or time.monotonic() > deadline:
            assert len(found) == count, [_cmdline(c) for c in main.children()]
            return found
        time.sleep(0.05)  # polling a condition (a worker started), bounded by the deadline


def owner_of(server) -> psutil.Process:
    [owner] = [c for c in psutil.Process(server.proc.pid).children() if "sync.server.live_owner" in _cmdline(c)]
    return owner


@contextmanager
def answered_by(worker: psutil.Process, workers: list[psutil.Process]):
    """Every connection opened in the block is accepted by ``worker``: the others are paused
    meanwhile. Keep it short: uvicorn replaces a worker that misses its 5 s health ping."""
    others = [w for w in workers if w.pid != worker.pid]
    for w in others:
        w.suspend()
    try:
        yield
    finally:
        for w in others:
            try:
                w.resume()
            except psutil.NoSuchProcess:
                pass


def wait_serving(server, worker: psutil.Process, workers: list[psutil.Process], timeout: float = 60.0) -> None:
    """Until ``worker`` answers a request itself (its start-up done), asked with the others
    paused for at most a second at a time."""
    deadline = time.monotonic() + timeout
    while True:
        with answered_by(worker, workers):
            try:
                served = httpx.get(server.url + "/api/v1/health", timeout=1.0).status_code == 200
            except httpx.TransportError:  # still starting: the connection waited in the backlog
                served = False
        if served:
            return
        assert time.monotonic() < deadline, f"worker {worker.pid} never answered"
        time.sleep(0.2)  # polling a condition (the worker started), bounded by the deadline


def udp_sockets(p: psutil.Process) -> int:
    return len(p.net_connections(kind="udp"))


class Reader:
    """Reads the fanned-out camera on its own thread (the vision worker) until told to stop."""

    def __init__(self, camera) -> None:
        self.camera = camera
        self.stop = threading.Event()
        self.done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "Reader":
        self.camera.open()
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            while not self.stop.is_set() and self.camera.read() is not None:
                pass
        finally:
            self.camera.close()
            self.done.set()


def test_two_workers_one_stream_any_worker_answers(server, server_db, media):
    w1, w2 = workers_of(server)
    owner = owner_of(server)
    for w in (w1, w2):
        wait_serving(server, w, [w1, w2])
    camera = FanoutCamera(PatternCamera(SIZE, FPS, frames=FPS * 60, realtime=True))
    states: list[str] = []
    frames1: list[int] = []
    frames2: list[int] = []

    def stamp_into(out: list[int]):
        def on_frame(frame) -> None:
            stamp = read_stamp(frame.to_ndarray(format="bgr24"))
            if stamp is not None:
                out.append(stamp[0])
        return on_frame

    async def until(cond, timeout: float, what: str) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not cond():
            assert asyncio.get_running_loop().time() < deadline, what
            await asyncio.sleep(0.05)

    async def scenario():
        loop = asyncio.get_running_loop()
        login_as = lambda name: loop.run_in_executor(None, client, server, name)  # noqa: E731

        # the candidate publishes through worker 1
        with answered_by(w1, [w1, w2]):
            mei = await login_as("mei")
            interview_id = await loop.run_in_executor(None, live_interview, mei)
            publisher = LivePublisher(mei, interview_id, camera=camera, local_dir=media.parent / "local",
                                      ice_addresses=LOOPBACK, on_state=lambda st, _d: states.append(st))
            assert await publisher.start(), "the server should answer the offer"
        reader = Reader(camera).start()

        # a recruiter watches through worker 2: the stream is not in worker 2's memory
        with answered_by(w2, [w1, w2]):
            rec = await login_as("rec")
            viewer1 = LiveViewer(rec, interview_id, ice_addresses=LOOPBACK, on_frame=stamp_into(frames1))
            await viewer1.start()
            # another company's recruiter is refused by the same worker
            navi = await login_as("navi")
            with pytest.raises(ServerRefused) as refused:
                await LiveViewer(navi, interview_id, ice_addresses=LOOPBACK).start()
            assert refused.value.status == 404
        # a second view through worker 1, of the same stream
        with answered_by(w1, [w1, w2]):
            rec2 = await login_as("rec")
            viewer2 = LiveViewer(rec2, interview_id, ice_addresses=LOOPBACK, on_frame=stamp_into(frames2))
            await viewer2.start()
        await until(lambda: publisher.viewers == 2, 10, "the publisher hears of both viewers")
        await until(lambda: len(frames1) >= FPS and len(frames2) >= FPS, 15, "both viewers see frames")

        # the peer connections are the owner's: it holds UDP sockets, the API workers none
        assert udp_sockets(owner) >= 3  # the publisher's and two viewers' ICE transports
        assert udp_sockets(w1) == 0 and udp_sockets(w2) == 0

        # the worker that answered the publisher's offer dies: the stream goes on
        w1.kill()
        seen = len(frames1)
        await until(lambda: len(frames1) >= seen + FPS, 15, "frames after worker 1 died")
        assert publisher.live and not viewer1.ended.is_set() and not viewer2.ended.is_set()

        # uvicorn starts a new worker; its start marks no recording of a live stream interrupted
        w3 = next(w for w in await loop.run_in_executor(None, workers_of, server) if w.pid != w2.pid)
        await loop.run_in_executor(None, wait_serving, server, w3, [w2, w3])
        with session_factory(server_db)() as s:
            row = s.scalars(select(MediaFile).where(MediaFile.interview_uuid == interview_id)).one()
            assert row.status == "recording"

        # the candidate revokes through worker 2: both views and the stream end
        with answered_by(w2, [w2, w3]):
            mei2 = await login_as("mei")
            await loop.run_in_executor(None, mei2.revoke_share, interview_id, "KAKAO")
        revoked_at = loop.time()
        await asyncio.wait_for(viewer1.ended.wait(), 10)
        await asyncio.wait_for(viewer2.ended.wait(), 10)
        await until(lambda: states and states[-1] == "revoked", 10, f"the publisher is told: {states}")
        cut_after = loop.time() - revoked_at
        await viewer1.stop()
        await viewer2.stop()
        with pytest.raises(ServerRefused) as again:
            await LiveViewer(rec, interview_id, ice_addresses=LOOPBACK).start()
        reader.stop.set()
        await loop.run_in_executor(None, reader.done.wait, 30)
        outcome = await publisher.stop()
        return interview_id, outcome, cut_after, again.value.status, mei2

    interview_id, outcome, cut_after, status, mei = asyncio.run(scenario())
    assert cut_after <= 6.5 and status == 404
    assert outcome.revoked and outcome.reconnects == 0 and outcome.local_segments == []
    # both viewers saw the stream's own frames in order (newest frame only: some skipped)
    for frames in (frames1, frames2):
        assert frames == sorted(set(frames)) and len(frames) >= 2 * FPS
    # one recording, finished by the owner, every frame in order; both views in the access log
    with session_factory(server_db)() as s:
        row = s.scalars(select(MediaFile).where(MediaFile.interview_uuid == interview_id)).one()
    assert row.source == "live" and row.status == "complete" and 0 < row.frames <= outcome.frames_sent
    indices = recorded_indices(media / row.path)
    assert len(indices) == row.frames and indices == list(range(indices[0], indices[0] + len(indices)))
    assert [e["viewer_name"] for e in mei.access_log(interview_id) if e["what"] == "live_video"] == ["Rec", "Rec"]


def test_a_live_owner_that_dies_is_started_again(server, server_db, media):
    """kill -9 of the live-video owner: big20-server starts a new one (the streams it held are
    lost; the desktop falls back to recording locally), and the next publication is live again."""
    first = owner_of(server)
    first.kill()
    deadline = time.monotonic() + 60
    while True:
        owners = [c for c in psutil.Process(server.proc.pid).children() if "sync.server.live_owner" in _cmdline(c)
                  and c.pid != first.pid and c.status() != psutil.STATUS_ZOMBIE]
        if owners:
            break
        assert time.monotonic() < deadline, "no new live-video owner"
        time.sleep(0.1)  # polling a condition (the owner restarted), bounded by the deadline
    mei = client(server, "mei")
    interview_id = live_interview(mei)
    camera = FanoutCamera(PatternCamera(SIZE, FPS, frames=FPS * 3, realtime=True))

    async def scenario():
        publisher = None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        while True:  # until the new owner answers (it migrates and opens its socket first)
            publisher = LivePublisher(mei, interview_id, camera=camera, local_dir=media.parent / "local",
                                      ice_addresses=LOOPBACK)
            if await publisher.start():
                break
            await publisher.stop()
            assert loop.time() < deadline, "the new owner never answered"
            await asyncio.sleep(0.5)
        reader = Reader(camera).start()
        await loop.run_in_executor(None, reader.done.wait, 30)
        return await publisher.stop()

    outcome = asyncio.run(scenario())
    assert outcome.live and outcome.server_frames and outcome.server_frames == outcome.frames_sent
    with session_factory(server_db)() as s:
        statuses = [m.status for m in s.scalars(select(MediaFile).where(MediaFile.interview_uuid == interview_id))]
    assert statuses[-1] == "complete"


# ----------------------------------------------------------------------------- in one process
@pytest.fixture
def app_db(pg_engine):
    return seeded_server_db(pg_engine, "mei", ("rec", UserRole.recruiter, "KAKAO"), ("navi", UserRole.recruiter,
                                                                                      "NAVER"))


def _live_row(engine) -> tuple[str, int]:
    """An interview being recorded live: (its uuid, the "recording" row's id)."""
    from core.services.interviews import create_interview

    with transaction(session_factory(engine)) as s:
        mei = s.execute(text("SELECT id FROM users WHERE username = 'mei'")).scalar_one()
        interview = create_interview(s, candidate_id=mei, position="Backend Engineer", company_id="KAKAO")
        row = recordings.start_live(s, interview, mime="video/webm", fmt="webm")
        return interview.uuid, row.id


def _status(engine, row_id: int) -> str:
    with engine.connect() as c:
        return c.execute(text("SELECT status FROM media_files WHERE id = :i"), {"i": row_id}).scalar_one()


def test_only_the_process_that_owns_the_streams_marks_recordings_interrupted(app_db, tmp_path):
    url = app_db.url.render_as_string(hide_password=False)
    _, row_id = _live_row(app_db)
    # an API worker of a multi-process server (re)starting: the stream is the owner's, still recording
    worker = create_app(ServerSettings(database_url=url, secret_key="k" * 40, background=False,
                                       live_socket=str(tmp_path / "owner.sock")), embedder=None)
    with TestClient(worker):
        pass
    assert _status(app_db, row_id) == "recording"
    # a one-process server starting owns its streams: what was recording before was cut
    alone = create_app(ServerSettings(database_url=url, secret_key="k" * 40, background=False), embedder=None)
    with TestClient(alone):
        pass
    assert _status(app_db, row_id) == "interrupted"


def test_live_owner_not_answering_is_503_after_the_access_check(app_db, tmp_path):
    url = app_db.url.render_as_string(hide_password=False)
    app = create_app(ServerSettings(database_url=url, secret_key="k" * 40, background=False,
                                    media_dir=str(tmp_path / "media"), live_socket=str(tmp_path / "none.sock")),
                     embedder=None)
    offer = {"sdp": "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\n", "type": "offer"}
    with TestClient(app) as c:
        mei, rec, navi = auth(login(c, "mei")), auth(login(c, "rec")), auth(login(c, "navi"))
        iv = c.post("/api/v1/interviews", json={"position": "Backend Engineer", "company_id": "KAKAO"},
                    headers=mei).json()["id"]
        assert c.put(f"/api/v1/interviews/{iv}/shares/KAKAO", json={"include_video": True},
                     headers=mei).status_code == 200
        r = c.post(f"/api/v1/interviews/{iv}/webrtc/offer", json=offer, headers=mei)
        assert r.status_code == 503, r.text
        # a recruiter of another company learns nothing; one of the company hears "unavailable"
        assert c.post(f"/api/v1/interviews/{iv}/webrtc/viewer", json=offer, headers=navi).status_code == 404
        assert c.post(f"/api/v1/interviews/{iv}/webrtc/viewer", json=offer, headers=rec).status_code == 503
    # the refused publication left no recording "recording"
    with session_factory(app_db)() as s:
        interview = s.scalars(select(Interview).where(Interview.uuid == iv)).one()
        assert [m.status for m in s.scalars(select(MediaFile).where(MediaFile.interview_id == interview.id))] == [
            "failed"]
