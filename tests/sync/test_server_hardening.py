"""The server under attack (issue 23): each finding of the review as a test on a real
PostgreSQL 18 + pgvector. Size limits before authentication, error bodies that never repeat
the input, 422 (not 500) for lone surrogates and non-finite numbers, consent on the server's
clock, password policy, throttles per account and per address, bcrypt on its own pool,
logout ending the access token, disabled users, recordings checked by content, headers."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from core.db.models import UserRole
from sync.server.app import create_app
from sync.server.security import ClientAddress
from sync.server.settings import ServerSettings
from tests.sync.server_helpers import PASSWORD, auth, login, make_user, sample_bundle

pytestmark = pytest.mark.postgres
API = "/api/v1"


def _settings(engine, **kw) -> ServerSettings:
    return ServerSettings(database_url=engine.url.render_as_string(hide_password=False), secret_key="k" * 40, **kw)


@pytest.fixture
def server(pg_engine, tmp_path):
    app = create_app(_settings(pg_engine, media_dir=str(tmp_path / "media"), recording_quota=3 * 1024 * 1024,
                               hash_workers=1, hash_queue=1), embedder=None)
    with TestClient(app) as client:
        yield app, client, pg_engine


def _push(client, tokens, bundle, key):
    return client.post(f"{API}/sync/interviews", json=bundle, headers={**auth(tokens), "Idempotency-Key": key})


# ----------------------------------------------------------------------------- 1. limits before work
def test_oversized_bodies_are_refused_with_413_before_authentication(server):
    _, client, engine = server
    big = b"{" + b" " * (9 * 1024 * 1024) + b"}"
    # unauthenticated: the size answers first (was: the body parsed, 1.58 GB, then 401)
    r = client.post(f"{API}/sync/interviews", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "at most" in r.json()["detail"]
    r = client.post(f"{API}/auth/refresh", content=b'{"refresh_token": "' + b"x" * 300_000 + b'"}',
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    # a chunk over the chunk limit, before the upload's owner is even looked up
    r = client.put(f"{API}/interviews/1/recordings/uploads/{'0' * 36}?offset=0", content=b"\0" * (8 * 1024 * 1024 + 1),
                   headers={"X-Chunk-SHA256": "0" * 64})
    assert r.status_code == 413
    # no Content-Length (chunked): counted as it streams and cut at the limit
    def stream():
        for _ in range(40):
            yield b" " * 10_000
    r = client.post(f"{API}/auth/logout", content=stream(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    # an authenticated bundle over the bundle limit: 413, nothing stored
    make_user(engine, "alice")
    bundle = sample_bundle()
    bundle["transcripts"] = [{"speaker": "User", "text": "가" * 90_000} for _ in range(40)]
    assert _push(client, login(client, "alice"), bundle, "big-bundle-1").status_code == 413


def test_validation_errors_never_repeat_the_input(server):
    _, client, _ = server
    secret = "S3cr3t-" + "Z" * 5000
    r = client.post(f"{API}/auth/refresh", json={"refresh_token": secret})
    assert r.status_code == 422
    assert "ZZZZZZZZ" not in r.text and "S3cr3t" not in r.text
    assert r.json()["detail"][0]["loc"] == ["body", "refresh_token"]
    r = client.post(f"{API}/auth/register", json={"email": "x@example.com", "username": "x" * 500,
                                                  "password": "Q" * 60, "k" * 1000: 1})
    assert r.status_code == 422 and "QQQQQQ" not in r.text and "k" * 100 not in r.text


# ----------------------------------------------------------------------------- 5. 422, never 500
@pytest.mark.parametrize("raw", ['"\\ud800"', '"a\\udfffb"'])
def test_lone_surrogates_are_422_everywhere(server, raw):
    _, client, engine = server
    refresh = json.dumps({"refresh_token": "x" * 20})[:-2] + raw[1:-1] + '"}'
    for path in ("/auth/refresh", "/auth/logout"):
        r = client.post(API + path, content=refresh, headers={"Content-Type": "application/json"})
        assert r.status_code == 422, (path, r.text)
    reg = '{"email": "s@example.com", "username": "surro", "password": "long enough pw 1", "full_name": ' + raw + '}'
    assert client.post(f"{API}/auth/register", content=reg,
                       headers={"Content-Type": "application/json"}).status_code == 422
    make_user(engine, "alice")
    tok = login(client, "alice")
    text = json.dumps(sample_bundle()).replace('"Backend Engineer"', raw, 1)
    r = client.post(f"{API}/sync/interviews", content=text,
                    headers={**auth(tok), "Idempotency-Key": "surrogate-1", "Content-Type": "application/json"})
    assert r.status_code == 422


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e309"])
def test_non_finite_numbers_are_422_and_never_stored(server, number):
    _, client, engine = server
    make_user(engine, "alice")
    tok = login(client, "alice")
    bundle = sample_bundle()
    bundle["transcripts"][0]["start_s"] = "@@N@@"
    r = client.post(f"{API}/sync/interviews", content=json.dumps(bundle).replace('"@@N@@"', number),
                    headers={**auth(tok), "Idempotency-Key": "nonfinite-1", "Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    bundle = sample_bundle()
    bundle["report"]["meta"]["x"] = "@@N@@"  # inside free-form JSON too
    r = client.post(f"{API}/sync/interviews", content=json.dumps(bundle).replace('"@@N@@"', number),
                    headers={**auth(tok), "Idempotency-Key": "nonfinite-2", "Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    from sqlalchemy import text

    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM interviews")).scalar() == 0


# ----------------------------------------------------------------------------- 3. consent is the server's
def test_consent_uses_the_server_clock_and_a_revocation_survives_replays_and_future_dates(server):
    _, client, engine = server
    make_user(engine, "alice")
    make_user(engine, "kakao_rec", UserRole.recruiter, "KAKAO")
    alice, rec = login(client, "alice"), login(client, "kakao_rec")
    bundle = sample_bundle(shares=["KAKAO"])
    next_year = (datetime.now(timezone.utc) + timedelta(days=365)).isoformat()
    bundle["shares"][0]["granted_at"] = next_year
    iid = _push(client, alice, bundle, "consent-1").json()["interview_id"]
    share = client.get(f"{API}/interviews/{iid}/shares", headers=auth(alice)).json()[0]
    granted = datetime.fromisoformat(share["granted_at"])
    assert abs((granted - datetime.now(timezone.utc)).total_seconds()) < 120  # not a year ahead
    assert client.get(f"{API}/interviews/{iid}/report", headers=auth(rec)).status_code == 200
    assert client.delete(f"{API}/interviews/{iid}/shares/KAKAO", headers=auth(alice)).status_code == 204
    # the same snapshot replayed under a new key, and a snapshot dated next year: still revoked
    assert _push(client, alice, bundle, "consent-2").status_code == 200
    assert _push(client, alice, dict(bundle, shares=[{"company_id": "KAKAO", "granted_at": next_year,
                                                       "include_video": True}]), "consent-3").status_code == 200
    assert client.get(f"{API}/interviews/{iid}/report", headers=auth(rec)).status_code == 404
    assert client.get(f"{API}/interviews/{iid}/shares", headers=auth(alice)).json()[0]["revoked_at"] is not None
    # the candidate's explicit grant restores it
    assert client.put(f"{API}/interviews/{iid}/shares/KAKAO", json={}, headers=auth(alice)).status_code == 200
    assert client.get(f"{API}/interviews/{iid}/report", headers=auth(rec)).status_code == 200


# ----------------------------------------------------------------------------- 2. passwords and throttles
@pytest.mark.parametrize("password", ["password", "12345678", " " * 12, "1234567890", "qwertyuiop",
                                      "aaaaaaaaaaaa", "newcomer-2026", "newcomer@example.com!"])
def test_weak_passwords_are_refused(server, password):
    _, client, _ = server
    r = client.post(f"{API}/auth/register", json={"email": "newcomer@example.com", "username": "newcomer",
                                                  "password": password})
    assert r.status_code == 422, password
    assert r.json()["detail"][0]["loc"] == ["body", "password"]


def test_a_good_password_is_accepted(server):
    _, client, _ = server
    r = client.post(f"{API}/auth/register", json={"email": "newcomer@example.com", "username": "newcomer",
                                                  "password": "violet tram 42 sings"})
    assert r.status_code == 201, r.text


def test_registrations_are_throttled_per_address(server):
    _, client, _ = server
    codes = [client.post(f"{API}/auth/register", json={"email": f"n{i}@example.com", "username": f"n{i}-user",
                                                       "password": "violet tram 42 sings"}).status_code
             for i in range(12)]
    assert codes[:10] == [201] * 10 and codes[10:] == [429, 429]
    other = TestClient(server[0], client=("10.1.1.1", 5000))  # another address is not affected
    assert other.post(f"{API}/auth/register", json={"email": "o@example.com", "username": "other-user",
                                                    "password": "violet tram 42 sings"}).status_code == 201


class _Clock:
    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _from(app, address: str) -> TestClient:
    return TestClient(app, client=(address, 40000))


def _try(app, address: str, username: str, password: str = "wrong password!") -> int:
    return _from(app, address).post(f"{API}/auth/token", data={"username": username, "password": password}).status_code


def test_one_account_is_throttled_across_addresses_then_locked_and_told(server):
    app, _, engine = server
    make_user(engine, "victim")
    clock = _Clock()
    app.state.login_limiter.clock = clock
    # five wrong passwords from five addresses, then a sixth from a sixth address: delayed
    assert [_try(app, f"10.0.0.{i}", "victim") for i in range(5)] == [401] * 5
    r = _from(app, "10.0.0.99").post(f"{API}/auth/token", data={"username": "victim", "password": "x" * 12})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    # spaced out by the growing delay, the attacker reaches the lock (20 failures)
    n = 5
    while n < 20:
        clock.advance(61)
        assert _try(app, f"10.0.1.{n}", "victim") == 401
        n += 1
    clock.advance(61)
    r = _from(app, "10.0.2.1").post(f"{API}/auth/token", data={"username": "victim", "password": PASSWORD})
    assert r.status_code == 429 and "locked" in r.json()["detail"]  # even the right password waits
    clock.advance(901)
    assert _try(app, "10.0.2.1", "victim", PASSWORD) == 200


def test_one_address_is_slowed_without_locking_out_everybody_behind_it(server):
    app, _, engine = server
    make_user(engine, "colleague")
    clock = _Clock()
    app.state.login_limiter.clock = clock
    nat = "192.0.2.7"
    for i in range(50):  # a sprayer behind the office NAT: 50 logins, one try each
        assert _try(app, nat, f"ghost{i}") == 401
    r = _from(app, nat).post(f"{API}/auth/token", data={"username": "ghost99", "password": "wrong password!"})
    assert r.status_code == 429 and int(r.headers["retry-after"]) <= 2  # a pause, not 5 minutes
    clock.advance(2.5)
    assert _try(app, nat, "colleague", PASSWORD) == 200  # the colleague behind the same address signs in


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy():
    def request(peer: str, xff: str | None) -> Request:
        headers = [(b"x-forwarded-for", xff.encode())] if xff else []
        return Request({"type": "http", "client": (peer, 1), "headers": headers, "method": "GET", "path": "/"})

    assert ClientAddress()(request("203.0.113.5", "1.2.3.4")) == "203.0.113.5"  # default: none trusted
    proxies = ClientAddress(("10.0.0.0/8",))
    assert proxies(request("10.0.0.2", "198.51.100.9, 10.0.0.3")) == "198.51.100.9"
    assert proxies(request("10.0.0.2", "6.6.6.6, 198.51.100.9")) == "198.51.100.9"  # spoofed first hop ignored
    assert proxies(request("203.0.113.5", "1.2.3.4")) == "203.0.113.5"  # not from our proxy


def test_bcrypt_runs_on_its_own_bounded_pool_and_never_starves_other_routes(server):
    app, client, _ = server
    gate = threading.Event()
    # fill the hashing pool (1 worker + 1 waiting) with work that waits
    busy = [client.portal.start_task_soon(app.state.hasher.run, gate.wait) for _ in range(2)]
    try:
        r = client.post(f"{API}/auth/register", json={"email": "b@example.com", "username": "busy-user",
                                                      "password": "violet tram 42 sings"})
        assert r.status_code == 503 and r.headers["retry-after"]
        assert client.get(f"{API}/health").status_code == 200  # the request threads are free
    finally:
        gate.set()
        for f in busy:
            f.result(timeout=10)
    assert client.post(f"{API}/auth/register", json={"email": "b@example.com", "username": "busy-user",
                                                     "password": "violet tram 42 sings"}).status_code == 201


# ----------------------------------------------------------------------------- 7. sessions
def test_logout_ends_the_access_token_and_disabling_a_user_ends_every_session(server):
    _, client, engine = server
    make_user(engine, "alice")
    make_user(engine, "bob")
    make_user(engine, "root", UserRole.admin)
    tok = login(client, "alice")
    assert client.get(f"{API}/users/me", headers=auth(tok)).status_code == 200
    assert client.post(f"{API}/auth/logout", json={"refresh_token": tok["refresh_token"]}).status_code == 204
    assert client.get(f"{API}/users/me", headers=auth(tok)).status_code == 401
    # a refreshed access token keeps working (same session)
    bob = login(client, "bob")
    bob2 = client.post(f"{API}/auth/refresh", json={"refresh_token": bob["refresh_token"]}).json()
    assert client.get(f"{API}/users/me", headers=auth(bob2)).status_code == 200
    root = login(client, "root")
    bob_id = client.get(f"{API}/users/me", headers=auth(bob2)).json()["id"]
    assert client.post(f"{API}/admin/users/{bob_id}/disable", headers=auth(bob2)).status_code == 403
    r = client.post(f"{API}/admin/users/{bob_id}/disable", headers=auth(root))
    assert r.status_code == 200 and r.json()["sessions_ended"] >= 1
    assert client.get(f"{API}/users/me", headers=auth(bob2)).status_code == 401
    assert client.post(f"{API}/auth/refresh", json={"refresh_token": bob2["refresh_token"]}).status_code == 401
    assert client.post(f"{API}/auth/token", data={"username": "bob", "password": PASSWORD}).status_code == 401


# ----------------------------------------------------------------------------- recordings, headers, docs
def _upload(client, tok, iid, data: bytes, mime: str = "video/webm"):
    sha = hashlib.sha256(data).hexdigest()
    up = client.post(f"{API}/interviews/{iid}/recordings/uploads", json={"size": len(data), "sha256": sha, "mime": mime},
                     headers=auth(tok))
    if up.status_code != 200:
        return up
    return client.put(f"{API}/interviews/{iid}/recordings/uploads/{up.json()['upload_id']}?offset=0", content=data,
                      headers={**auth(tok), "X-Chunk-SHA256": sha, "Content-Type": "application/octet-stream"})


def test_recordings_are_sniffed_quoted_and_served_as_attachments(server):
    _, client, engine = server
    make_user(engine, "alice")
    tok = login(client, "alice")
    bundle = sample_bundle()
    bundle["shares"] = [{"company_id": "KAKAO", "granted_at": datetime.now(timezone.utc).isoformat(),
                         "include_video": True}]
    r = _push(client, tok, bundle, "recording-1")
    assert r.status_code == 200, r.text
    iid = r.json()["interview_id"]
    r = _upload(client, tok, iid, b"\x00random bytes, not a video" * 100)
    assert r.status_code == 422 and "container" in r.text
    webm = b"\x1a\x45\xdf\xa3" + b"\x00" * 2000  # an EBML header: a WebM by its container
    r = _upload(client, tok, iid, webm)
    assert r.status_code == 200 and r.json()["complete"], r.text
    f = client.get(f"{API}/interviews/{iid}/recordings/{r.json()['recording_id']}/file", headers=auth(tok))
    assert f.status_code == 200 and f.headers["x-content-type-options"] == "nosniff"
    assert f.headers["content-disposition"].startswith("attachment")
    # the quota (3 MiB here) counts what is stored and announced
    big = client.post(f"{API}/interviews/{iid}/recordings/uploads",
                      json={"size": 3 * 1024 * 1024, "sha256": "c" * 64, "mime": "video/webm"}, headers=auth(tok))
    assert big.status_code == 413 and "quota" in big.json()["detail"]


def test_security_headers_and_no_docs_in_production(server, pg_engine):
    _, client, _ = server
    r = client.get(f"{API}/health")
    assert r.json() == {"status": "ok"}
    for header in ("x-content-type-options", "x-frame-options", "referrer-policy", "content-security-policy"):
        assert header in r.headers
    assert client.get(f"{API}/docs").status_code == 404
    assert client.get(f"{API}/openapi.json").status_code == 200


# ----------------------------------------------------------------------------- 8. the report read
def test_a_report_read_is_one_statement_without_thread_or_session_and_keeps_its_shape(server):
    from sqlalchemy import event, text

    from sync.server.schemas import ReportOut

    app, client, engine = server
    make_user(engine, "alice")
    make_user(engine, "kakao_rec", UserRole.recruiter, "KAKAO")
    alice, rec = login(client, "alice"), login(client, "kakao_rec")
    iid = _push(client, alice, sample_bundle(shares=["KAKAO"]), "report-read-1").json()["interview_id"]
    assert client.post(f"{API}/interviews/{iid}/notes", json={"note": "좋음", "score_override": 80},
                       headers=auth(rec)).status_code == 201
    statements, checkouts, on_loop = [], [], []
    app_engine = app.state.engine
    pool = app.state.report_reads.pool  # the event loop's own connections (sync.server.reads)
    fetchone = pool.fetchone

    async def counted(sql, params, **kw):
        on_loop.append(sql)
        return await fetchone(sql, params, **kw)

    on_stmt = lambda *a: statements.append(a[2])  # noqa: E731
    on_checkout = lambda *a: checkouts.append(1)  # noqa: E731
    event.listen(app_engine, "before_cursor_execute", on_stmt)
    event.listen(app_engine.pool, "checkout", on_checkout)
    pool.fetchone = counted
    try:
        r = client.get(f"{API}/interviews/{iid}/report", headers=auth(rec))
    finally:
        event.remove(app_engine, "before_cursor_execute", on_stmt)
        event.remove(app_engine.pool, "checkout", on_checkout)
        del pool.fetchone
    assert r.status_code == 200
    # one statement (the user and their session, the rule, the audit row, the answer) on an
    # autocommit connection of the event loop: no BEGIN/COMMIT round trips, no ORM session, no
    # checkout from the request pool (before: the user's ORM load, then this, then COMMIT)
    assert len(on_loop) == 1 and statements == [] and checkouts == [], (on_loop, statements)
    assert pool._idle and all(c.autocommit for c in pool._idle)
    body = ReportOut.model_validate(r.json())
    assert body.summary.technical is not None and len(body.details) == 2
    assert [n.note for n in body.recruiter_notes] == ["좋음"]
    # the candidate sees no recruiter notes; the read was logged once for the recruiter
    mine = client.get(f"{API}/interviews/{iid}/report", headers=auth(alice)).json()
    assert mine["recruiter_notes"] == [] and mine["details"] == r.json()["details"]
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM consent_access_log WHERE what = 'report'")).scalar() == 1
    # revoked: the recruiter's read is a 404 and is not logged
    client.delete(f"{API}/interviews/{iid}/shares/KAKAO", headers=auth(alice))
    assert client.get(f"{API}/interviews/{iid}/report", headers=auth(rec)).status_code == 404
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM consent_access_log WHERE what = 'report'")).scalar() == 1
    # the same statement checks the session: after logout the access token reads nothing (401)
    assert client.get(f"{API}/interviews/{iid}/report", headers=auth(alice)).status_code == 200
    assert client.post(f"{API}/auth/logout", json={"refresh_token": alice["refresh_token"]}).status_code in (200, 204)
    r = client.get(f"{API}/interviews/{iid}/report", headers=auth(alice))
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    # and the user: a disabled recruiter's still-valid access token reads nothing either
    client.put(f"{API}/interviews/{iid}/shares/KAKAO", json={}, headers=auth(login(client, "alice")))
    assert client.get(f"{API}/interviews/{iid}/report", headers=auth(rec)).status_code == 200
    make_user(engine, "root", UserRole.admin)
    rec_id = client.get(f"{API}/users/me", headers=auth(rec)).json()["id"]
    assert client.post(f"{API}/admin/users/{rec_id}/disable", headers=auth(login(client, "root"))).status_code == 200
    assert client.get(f"{API}/interviews/{iid}/report", headers=auth(rec)).status_code == 401


def test_a_report_read_survives_its_kept_connection_being_cut(server):
    """A kept read connection that the database ended while it was idle (a restart, an admin's
    pg_terminate_backend) costs the next read nothing: the statement runs again on a new one."""
    from sqlalchemy import text

    app, client, engine = server
    make_user(engine, "alice")
    alice = login(client, "alice")
    iid = _push(client, alice, sample_bundle(), "report-read-cut").json()["interview_id"]
    assert client.get(f"{API}/interviews/{iid}/report", headers=auth(alice)).status_code == 200
    pool = app.state.report_reads.pool
    [kept] = pool._idle
    with engine.connect() as c:
        assert c.execute(text("SELECT pg_terminate_backend(:p)"), {"p": kept.info.backend_pid}).scalar()
    r = client.get(f"{API}/interviews/{iid}/report", headers=auth(alice))
    assert r.status_code == 200 and len(r.json()["details"]) == 2
    assert len(pool._idle) == 1 and pool._idle[0] is not kept and kept.closed


def test_a_kept_report_part_is_used_only_while_current_and_only_after_the_checks(server):
    """The report's reader-independent part is kept between reads: the database sends it only
    when the stored report changed (a newer sync), while the reader, the rule and the audit
    row are checked on every read."""
    from sqlalchemy import text

    app, client, engine = server
    make_user(engine, "alice")
    make_user(engine, "kakao_rec", UserRole.recruiter, "KAKAO")
    make_user(engine, "naver_rec", UserRole.recruiter, "NAVER")
    alice, rec, other = login(client, "alice"), login(client, "kakao_rec"), login(client, "naver_rec")
    bundle = sample_bundle(shares=["KAKAO"])
    r = _push(client, alice, bundle, "kept-report-1")
    assert r.status_code == 200, r.text
    iid = r.json()["interview_id"]
    pool = app.state.report_reads.pool
    fetchone = pool.fetchone
    sent: list[bool] = []  # per read: did the database send the report part

    async def watched(sql, params, **kw):
        row = await fetchone(sql, params, **kw)
        sent.append(row is not None and row[5] is not None)
        return row

    pool.fetchone = watched
    try:
        first = client.get(f"{API}/interviews/{iid}/report", headers=auth(rec))
        second = client.get(f"{API}/interviews/{iid}/report", headers=auth(rec))
        assert first.status_code == second.status_code == 200 and first.json() == second.json()
        assert sent == [True, False]
        # another company's recruiter gets the 404, kept part or not, and is not logged
        assert client.get(f"{API}/interviews/{iid}/report", headers=auth(other)).status_code == 404
        # a newer snapshot of the interview: its report is read, never the kept one
        bundle["report"]["summary"]["technical"] = 12.5
        assert _push(client, alice, bundle, "kept-report-2").status_code == 200
        third = client.get(f"{API}/interviews/{iid}/report", headers=auth(rec))
        assert third.json()["summary"]["technical"] == 12.5 and sent[-1] is True
        assert {k: v for k, v in third.json().items() if k != "summary"} == {
            k: v for k, v in first.json().items() if k != "summary"}
        # a report row changed in place (no code does today): its new version is read too
        with engine.begin() as c:
            c.execute(text("UPDATE evaluation_reports SET details_json = jsonb_set(details_json, "
                           "'{summary,technical}', '33.0')"))
        assert client.get(f"{API}/interviews/{iid}/report", headers=auth(rec)).json()["summary"]["technical"] == 33
        assert sent[-1] is True
        # revoked: the kept part serves nobody
        client.delete(f"{API}/interviews/{iid}/shares/KAKAO", headers=auth(alice))
        assert client.get(f"{API}/interviews/{iid}/report", headers=auth(rec)).status_code == 404
    finally:
        del pool.fetchone
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM consent_access_log WHERE what = 'report'")).scalar() == 4


def test_a_synced_report_must_be_a_report_and_is_served_as_one(server):
    """The bundle's report is checked against core.report.model.Report (the one report model):
    a document that is not a report is refused with 422 naming where, without echoing it, and
    nothing is stored; a report is stored as sent and served in ReportOut's shape."""
    from sqlalchemy import text

    from core.report.model import Report

    app, client, engine = server
    make_user(engine, "alice")
    alice = login(client, "alice")
    good = sample_bundle()
    for broken in ({"details": [], "emotions": {"confidence": None, "nervousness": None}},  # no summary
                   {**good["report"], "details": [{"question": "q"}]},  # an answer without its text
                   {**good["report"], "summary": "SECRET-TEXT"}):
        bad = {**good, "uuid": sample_bundle()["uuid"], "report": broken}
        r = _push(client, alice, bad, f"bad-report-{len(str(broken))}")
        assert r.status_code == 422, r.text
        assert "not a report" in r.text and "SECRET-TEXT" not in r.text
        with engine.connect() as c:
            assert c.execute(text("SELECT count(*) FROM interviews WHERE uuid = :u"), {"u": bad["uuid"]}).scalar() == 0
    iid = _push(client, alice, good, "good-report").json()["interview_id"]
    body = client.get(f"{API}/interviews/{iid}/report", headers=auth(alice)).json()
    assert Report.from_json(body).summary.technical == good["report"]["summary"]["technical"]
    assert body["details"] == good["report"]["details"]  # served as the desktop stored it


def test_registration_refusals_come_from_the_apps_handlers_and_name_their_field(server):
    """A taken name is a Conflict (409) and bad input a 422 naming the field at fault, both
    through the app's handlers (deps.new_user no longer maps them; it named every refusal
    "password", the e-mail's included)."""
    _, client, _ = server
    good = {"email": "dana@example.com", "username": "dana", "password": "a long passphrase 2026"}
    assert client.post(f"{API}/auth/register", json=good).status_code in (200, 201)
    r = client.post(f"{API}/auth/register", json={**good, "email": "other@example.com"})
    assert r.status_code == 409 and "already exists" in r.json()["detail"]
    r = client.post(f"{API}/auth/register", json={**good, "email": "not-an-address", "username": "dana2"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "email"]
    r = client.post(f"{API}/auth/register", json={**good, "username": "x!", "email": "x@example.com"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "username"]
