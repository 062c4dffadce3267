"""Per-route authorisation for every route and role (issue 22, build item 4): walks the app's
routes, so a route added later is covered without editing this file. Without a token every
route but the public ones is 401; with a token of a role the route does not admit it is 403
(before any body is read); an admitted role is never 401/403-for-role and never 5xx. Every
request opens at most one database session (the request's, shared by its dependencies:
issue 22's one route pattern), and an anonymous one touches no database at all."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import event
from fastapi.testclient import TestClient

from core.db.models import UserRole
from sync.server.app import create_app
from sync.server.settings import ServerSettings
from tests.sync.server_helpers import auth, login, make_user

pytestmark = pytest.mark.postgres
PUBLIC = {("GET", "/api/v1/health"), ("POST", "/api/v1/auth/register"), ("POST", "/api/v1/auth/token"),
          ("POST", "/api/v1/auth/login"), ("POST", "/api/v1/auth/refresh"), ("POST", "/api/v1/auth/logout")}
ROLES = ("candidate", "recruiter", "admin")


def _admitted(route: APIRoute) -> set[str]:
    """The roles the route's ``require(...)`` dependency lets through (all, when it has none)."""
    allowed = set(ROLES)
    stack = [route.dependant]
    while stack:
        dep = stack.pop()
        for cell in getattr(dep.call, "__closure__", None) or ():
            value = cell.cell_contents
            if isinstance(value, tuple) and value and all(isinstance(v, UserRole) for v in value):
                allowed &= {v.value for v in value}
        stack.extend(dep.dependencies)
    return allowed


def _url(path: str) -> str:
    some = "00000000-0000-4000-8000-000000000001"  # a public id (of nothing)
    return (path.replace("{interview_id}", some).replace("{recording_id}", some).replace("{resume_id}", some)
            .replace("{user_id}", "999").replace("{company_id}", "KAKAO")
            .replace("{upload_id}", "00000000-0000-0000-0000-000000000000")
            .replace("{uuid}", "00000000-0000-0000-0000-000000000000"))


def _operations(app) -> list[tuple[str, str, APIRoute]]:
    """Every API operation: the route modules' routers (included under /api/v1), checked
    against the published schema so none is missed."""
    from sync.server.routes import admin, auth as auth_routes, companies, interviews, live, recruiter, resumes, sync, users

    out = []
    for module in (auth_routes, users, companies, resumes, interviews, live, recruiter, sync, admin):
        for route in module.router.routes:
            if isinstance(route, APIRoute):
                out += [(m, "/api/v1" + route.path, route) for m in sorted(route.methods)]
    published = {(m.upper(), p) for p, item in app.openapi()["paths"].items() for m in item}
    assert published - {("GET", "/api/v1/health")} == {(m, p) for m, p, _ in out}
    return out


def test_every_route_admits_exactly_its_roles(pg_engine):
    app = create_app(ServerSettings(database_url=pg_engine.url.render_as_string(hide_password=False),
                                    secret_key="k" * 40), embedder=None)
    with TestClient(app) as client:
        make_user(pg_engine, "cand")
        make_user(pg_engine, "rec", UserRole.recruiter, "KAKAO")
        make_user(pg_engine, "root", UserRole.admin)
        tokens = {"candidate": login(client, "cand"), "recruiter": login(client, "rec"), "admin": login(client, "root")}
        ops = _operations(app)
        assert len(ops) >= 35
        problems = []
        checkouts: list[int] = []  # connections taken from the pool
        opened: list[int] = []  # sessions made
        event.listen(app.state.engine, "checkout", lambda *_: checkouts.append(1))
        real_sessions = app.state.sessions

        def counting_sessions(**kw):
            opened.append(1)
            return real_sessions(**kw)

        app.state.sessions = counting_sessions
        for method, path, route in ops:
            url = _url(path)
            if (method, path) in PUBLIC:
                continue
            checkouts.clear()
            anon = client.request(method, url)
            if checkouts:
                problems.append(f"{method} {path}: anonymous request touched the database")
            if anon.status_code != 401:
                problems.append(f"{method} {path}: anonymous got {anon.status_code}")
            admitted = _admitted(route)
            for role in ROLES:
                if route.path == "/api/v1/admin/users/{user_id}/disable" and role == "admin":
                    continue  # would disable a user; covered in test_server_hardening
                opened.clear()
                r = client.request(method, url, headers=auth(tokens[role]))
                if len(opened) > 1:
                    problems.append(f"{method} {path}: {role}'s request opened {len(opened)} sessions")
                if role not in admitted and r.status_code != 403:
                    problems.append(f"{method} {path}: {role} got {r.status_code}, expected 403")
                if role in admitted and (r.status_code in (401, 403) or r.status_code >= 500):
                    problems.append(f"{method} {path}: {role} got {r.status_code}")
        assert not problems, "\n".join(problems)
        assert _admitted(next(r for m, p, r in ops if p == "/api/v1/sync/interviews")) == {"candidate", "admin"}
        assert _admitted(next(r for m, p, r in ops if p == "/api/v1/admin/status")) == {"admin"}
