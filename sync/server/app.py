"""The central server's FastAPI application (REST under /api/v1).

``create_app`` upgrades the schema on start-up and keeps one engine for the process; each
request gets its own session. Recruiter review, auth and sync routes build on this app.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import text

from core import __version__
from core.db.session import current_revision, make_engine, upgrade_database
from sync.server.settings import ServerSettings

log = logging.getLogger(__name__)


def create_app(settings: ServerSettings) -> FastAPI:
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if engine.dialect.name != "postgresql":
            log.warning("server database is %s; production uses PostgreSQL + pgvector", engine.dialect.name)
        upgrade_database(engine)
        yield
        engine.dispose()

    app = FastAPI(title="Big20 AI Interview server", version=__version__, lifespan=lifespan,
                  openapi_url="/api/v1/openapi.json", docs_url="/api/v1/docs")
    app.state.engine = engine
    app.state.settings = settings

    @app.get("/api/v1/health")
    def health() -> dict:
        """Liveness plus what the server runs on: schema revision and pgvector version."""
        with engine.connect() as conn:
            conn.execute(text("select 1"))
            vector = None
            if engine.dialect.name == "postgresql":
                vector = conn.execute(text("select extversion from pg_extension where extname='vector'")).scalar()
        return {"status": "ok", "version": __version__, "database": engine.dialect.name,
                "schema_revision": current_revision(engine), "pgvector": vector}

    return app
