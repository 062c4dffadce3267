"""What the central server runs on, for its administrators: version, database, schema revision
and pgvector's version (docs/ARCHITECTURE.md §8). Kept off the public health route, which
reveals nothing. Opens one short connection of ``engine``; any thread."""

from __future__ import annotations

from sqlalchemy import Engine, text

from core import __version__
from core.db.session import current_revision


def server_status(engine: Engine) -> dict[str, str | None]:
    """What the server runs on (admins only): version, database, schema revision, pgvector."""
    with engine.connect() as conn:
        vector = None
        if engine.dialect.name == "postgresql":
            vector = conn.execute(text("select extversion from pg_extension where extname='vector'")).scalar()
    return {"version": __version__, "database": engine.dialect.name, "schema_revision": current_revision(engine),
            "pgvector": vector}
