"""The central server's FastAPI application (REST under /api/v1, OpenAPI at /api/v1/openapi.json
and /openapi.json).

``create_app`` upgrades the schema on start-up (and seeds the companies and question bank),
keeps one engine for the process and opens one session per request (``deps.get_session``).
Routes live in :mod:`sync.server.routes` (one APIRouter per resource) over ``core.services``.
Domain errors map to HTTP here and nowhere else: NotFound 404, InvalidTransition and
Conflict (a taken name, a bundle that contradicts the data) 409, InputError 422 naming its field.
"""

from __future__ import annotations

import inspect
import logging
import os
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import Scope
from sqlalchemy import text

from core import __version__
from core.db.session import make_engine, session_factory
from core.errors import Conflict, InputError, InvalidTransition, NotFound
from sync.server.background import _UNSET, Background
from sync.server.deps import SessionDep
from sync.server.limits import BodyLimit, SecurityHeaders, rules_for
from sync.server.live import LiveHub
from sync.server.live_owner import LiveLink, LiveStreams
from sync.server.reads import ReportReads, ThreadedReportReads
from sync.server.routes import admin, auth, companies, interviews, live, recruiter, resumes, sync, users
from sync.server.schema import mark_interrupted_recordings, migrate_once
from sync.server.security import ClientAddress, LoginLimiter, PasswordHasher
from sync.server.settings import ServerSettings

log = logging.getLogger(__name__)
API = "/api/v1"


def _error_without_input(error: dict) -> dict:
    loc = [part if isinstance(part, int) else str(part)[:64] for part in error.get("loc", ())][:8]
    return {"loc": loc, "msg": str(error.get("msg", ""))[:300], "type": str(error.get("type", ""))[:64]}


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    """Every method some route of ``app`` answers for the request's path: each asked of the
    router as a full match (included routers are nested objects in FastAPI, so their routes
    are not walked by hand)."""
    return sorted(m for m in _METHODS
                  if any(route.matches({**scope, "method": m})[0] is Match.FULL for route in app.router.routes))


def _telemetry_args() -> dict[str, Any]:
    """FastAPI's native OpenTelemetry hooks (FastAPI >= 0.16x), off unless OpenTelemetry is
    configured (an ``OTEL_*`` variable): otherwise FastAPI asks OpenTelemetry on every request
    whether a provider is configured, 6% of a report read's Python time (py-spy --gil), to
    learn each time that none is."""
    if "telemetry" not in inspect.signature(FastAPI.__init__).parameters:
        return {}
    if any(name.startswith("OTEL_") for name in os.environ):
        return {}
    return {"telemetry": {"tracing": False, "metrics": False, "logs": False}}


def app_from_env() -> FastAPI:
    """The app configured from the environment (uvicorn's factory for ``--workers N``)."""
    return create_app(ServerSettings.from_env())


def create_app(settings: ServerSettings, *, embedder: Any = _UNSET) -> FastAPI:
    """``embedder``: an Embedder for search/fit (None: none; default: the configured model,
    loaded on first use)."""
    # more connections than FastAPI's 40 threadpool threads, so a route never waits for one
    pool = {"pool_size": 20, "max_overflow": 30} if settings.database_url.startswith("postgresql") else {}
    engine = make_engine(settings.database_url, **pool, **settings.engine_args())
    sessions = session_factory(engine)
    background = Background(sessions, settings.worker(), embedder=embedder, enabled=settings.background)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if engine.dialect.name != "postgresql":
            log.warning("server database is %s; production uses PostgreSQL + pgvector", engine.dialect.name)
        migrate_once(engine, sessions)
        if not settings.live_socket:  # else the live-video owner marks them (sync.server.live_owner)
            mark_interrupted_recordings(sessions)
        yield
        await app.state.report_reads.close()
        await app.state.live.close()
        background.close()
        hasher.close()
        engine.dispose()

    docs_url = f"{API}/docs" if settings.docs_enabled else None
    app = FastAPI(title="Big20 AI Interview server", version=__version__, lifespan=lifespan,
                  openapi_url=f"{API}/openapi.json", docs_url=docs_url, redoc_url=None, **_telemetry_args())
    # outermost first: the body limit answers before routing, authentication and parsing
    app.add_middleware(BodyLimit, rules=rules_for(settings, API), default=settings.json_max)
    app.add_middleware(SecurityHeaders, docs_path=docs_url)
    hasher = PasswordHasher(settings.hash_workers, settings.hash_queue)
    app.state.hasher = hasher
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.settings = settings
    app.state.background = background
    app.state.login_limiter = LoginLimiter(sessions, settings)
    # the hot read on the event loop's own connections (PostgreSQL), else through the ORM
    app.state.report_reads = (ReportReads(settings.database_url) if engine.dialect.name == "postgresql"
                              else ThreadedReportReads(sessions))
    app.state.client_address = ClientAddress(settings.trusted_proxies)
    # the live streams: this process's own, or the live-video owner's when several processes
    # serve (a viewer's offer must reach the process holding the publisher's stream)
    app.state.live = (LiveLink(settings.live_socket) if settings.live_socket else
                      LiveStreams(LiveHub(ice_servers=settings.ice_servers, ice_addresses=settings.ice_addresses),
                                  sessions))

    @app.exception_handler(NotFound)
    async def _not_found(_request: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"detail": "not found"}, status_code=404)

    @app.exception_handler(InvalidTransition)
    async def _conflict(_request: Request, exc: InvalidTransition) -> JSONResponse:
        return JSONResponse({"detail": exc.localized("en")}, status_code=409)

    @app.exception_handler(Conflict)  # input the stored data refuses (a taken name, a bundle conflict)
    async def _input_conflict(_request: Request, exc: Conflict) -> JSONResponse:
        return JSONResponse({"detail": exc.localized("en")}, status_code=409)

    @app.exception_handler(InputError)
    async def _input(_request: Request, exc: InputError) -> JSONResponse:
        # the shape every 422 has (FastAPI's HTTPValidationError): one documented answer
        loc = ["body", exc.field] if exc.field else ["body"]
        return JSONResponse({"detail": [{"loc": loc, "msg": exc.localized("en"), "type": "value_error"}]},
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:
            # Starlette names only the first route matching the path; several routes share a
            # path here (GET and PUT of one resource): Allow lists every method the path has
            exc.headers = {**(exc.headers or {}), "Allow": ", ".join(allowed_methods(app, request.scope))}
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own handler repeats each refused value ("input"): a 100 MB string came back
        # as a 209 MB answer. Where and why, never what.
        return JSONResponse({"detail": [_error_without_input(e) for e in exc.errors()]}, status_code=422)

    # a body that is not JSON / form at all is a 400 (before validation), on every route
    common: dict[int | str, dict[str, Any]] = {400: {"description": "malformed request body"},
                                               413: {"description": "request body over the route's size limit"}}
    health_router = APIRouter(tags=["health"])

    @health_router.get("/health")
    def health(session: SessionDep) -> dict:
        """Liveness: the database answers (one query). Versions are for admins (``/admin/status``)."""
        session.execute(text("select 1"))
        return {"status": "ok"}

    # Each resource's router straight under /api/v1, the interviews first: FastAPI matches a
    # request against the included routers in order, level by level, and an intermediate
    # /api/v1 router (and the reports' router coming fifth) made matching 15% of a report
    # read's Python time (py-spy --gil).
    for module in (interviews, live, recruiter, sync, auth, users, companies, resumes, admin):
        app.include_router(module.router, prefix=API, responses=common)
    app.include_router(health_router, prefix=API, responses=common)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi_alias() -> dict:
        return app.openapi()

    return app
