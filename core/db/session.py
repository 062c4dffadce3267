"""Engines, sessions and schema upgrades for both stores.

SQLite runs in WAL mode with foreign keys on and a busy timeout, so the UI's reads and a
worker's transcript writes do not block each other. ``upgrade_database`` runs the Alembic
migrations to head; the desktop calls it on start (in a worker, before the main window opens
the database).

An ``Engine`` is thread-safe; a ``Session`` is not (one per thread/task).
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.errors import InputError

log = logging.getLogger(__name__)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url``; SQLite gets its pragmas and a created parent folder."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return create_engine(url, pool_pre_ping=True, **kwargs)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits on success and rolls back (and re-raises) on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(engine_or_url: Engine | str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("core.db").joinpath("migrations")))
    if isinstance(engine_or_url, Engine):
        cfg.attributes["connection_engine"] = engine_or_url
        cfg.set_main_option("sqlalchemy.url", engine_or_url.url.render_as_string(hide_password=False)
                            .replace("%", "%%"))
    else:
        cfg.set_main_option("sqlalchemy.url", engine_or_url.replace("%", "%%"))
    return cfg


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (default: the newest)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def downgrade_database(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown without anything after '@'
        return url.split("@")[-1] if "@" in url else url


def open_database(url: str, *, source: str = "database_url") -> Engine:
    """An engine for ``url`` with the schema at head, or a clear error: a URL that is not a
    database URL, a driver that is missing, a server that does not answer, a database file
    that cannot be created or written. ``source`` names where the URL came from (``--db``,
    the ``database_url`` setting) for the message. Passwords never appear in messages."""
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError


    shown = _safe_url(url)
    try:
        engine = make_engine(url)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise InputError("db.bad_url", source=source, url=shown, reason=str(exc).splitlines()[0]) from None
    except ModuleNotFoundError as exc:
        raise InputError("db.bad_url", source=source, url=shown, reason=f"driver missing: {exc.name}") from None
    except OSError as exc:  # the SQLite file's folder cannot be created
        raise InputError("db.unavailable", source=source, url=shown, reason=exc.strerror or str(exc)) from None
    try:
        upgrade_database(engine)
        if url.startswith("sqlite"):
            with engine.begin() as conn:  # a read-only file opens fine and fails at the first write
                conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS _big20_write_probe (x INTEGER)")
                conn.exec_driver_sql("DROP TABLE _big20_write_probe")
    except (DBAPIError, SQLAlchemyError, OSError) as exc:
        engine.dispose()
        reason = getattr(exc, "orig", None) or exc
        raise InputError("db.unavailable", source=source, url=shown,
                         reason=str(reason).splitlines()[0] if str(reason) else type(reason).__name__) from None
    return engine
