"""Shared parts of the live-video tests: a logged-in client, an interview ready to go live,
a reader standing in for the vision worker, and frame-by-frame reading of a recording."""

from __future__ import annotations

import threading

import numpy as np

from engines.capture.pattern import read_stamp
from sync.client.api import ServerClient
from core.db.models import UserRole
from tests.sync.server_helpers import PASSWORD, ServerProcess, seeded_server_db

LOOPBACK = ["127.0.0.1"]  # ICE host candidates: loopback only
FPS = 15
SIZE = (320, 240)


def seeded_live_db(pg_engine):
    """Two candidates (mei, bob) and a recruiter of each of two companies (rec: KAKAO, navi: NAVER)."""
    return seeded_server_db(pg_engine, "mei", "bob", ("rec", UserRole.recruiter, "KAKAO"),
                            ("navi", UserRole.recruiter, "NAVER"))


def live_server(server_db, media, *extra_args: str) -> ServerProcess:
    """A started ``big20-server`` on ``server_db`` recording into ``media``, ICE on loopback."""
    return ServerProcess(server_db.url.render_as_string(hide_password=False), extra_args=list(extra_args),
                         env={"BIG20_SERVER_MEDIA_DIR": str(media), "BIG20_SERVER_ICE_ADDRESSES": "127.0.0.1"}).start()


def client(server, username: str) -> ServerClient:
    c = ServerClient(server.url)
    c.login(username, PASSWORD)
    return c


def live_interview(mei: ServerClient, *, video: bool = True, company: str = "KAKAO") -> int:
    iv = mei.request("POST", "/interviews", json={"position": "Backend Engineer", "company_id": company,
                                                  "language": "ko"}).json()
    mei.request("PUT", f"/interviews/{iv['id']}/shares/{company}", json={"include_video": video})
    mei.request("POST", f"/interviews/{iv['id']}/status", json={"status": "live"})
    return iv["id"]


class EngineReader:
    """Stands in for the vision worker: reads the (fanned-out) camera on its own thread."""

    def __init__(self, camera) -> None:
        self.camera = camera
        self.frames = 0
        self.done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "EngineReader":
        self.camera.open()
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            while self.camera.read() is not None:
                self.frames += 1
        finally:
            self.camera.close()
            self.done.set()


def tone(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * 16000)) / 16000
    return (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def recorded_indices(path) -> list[int]:
    import av

    out = []
    with av.open(str(path)) as c:
        for f in c.decode(video=0):
            stamp = read_stamp(f.to_ndarray(format="bgr24"))
            assert stamp is not None, "a recorded frame lost its stamp"
            out.append(stamp[0])
    return out
