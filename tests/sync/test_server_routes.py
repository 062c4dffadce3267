"""Every REST route on a real PostgreSQL 18 + pgvector, and the tenancy rules: a candidate
reads only their own interviews; a recruiter only those shared with their company, until
the candidate revokes; every recruiter read lands in the candidate's access log."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from core.db.models import UserRole
from sync.server.app import create_app
from sync.server.settings import ServerSettings
from tests.sync.server_helpers import auth, login, make_user, sample_bundle

pytestmark = pytest.mark.postgres
API = "/api/v1"


@pytest.fixture
def app_engine(pg_engine):
    url = pg_engine.url.render_as_string(hide_password=False)
    app = create_app(ServerSettings(database_url=url, secret_key="k" * 40, login_attempts=3), embedder=None)
    with TestClient(app) as client:  # lifespan: migrations and seeding
        yield client, pg_engine


@pytest.fixture
def world(app_engine):
    client, engine = app_engine
    ids = {"alice": make_user(engine, "alice"), "bob": make_user(engine, "bob"),
           "kakao_rec": make_user(engine, "kakao_rec", UserRole.recruiter, "KAKAO"),
           "naver_rec": make_user(engine, "naver_rec", UserRole.recruiter, "NAVER"),
           "root": make_user(engine, "root", UserRole.admin)}
    tok = {name: login(client, name) for name in ids}
    return client, engine, ids, tok


def push(client, tokens, bundle, key):
    return client.post(f"{API}/sync/interviews", json=bundle, headers={**auth(tokens), "Idempotency-Key": key})


def test_unauthenticated_requests_get_401(app_engine):
    client, _ = app_engine
    for path in ("/users/me", "/companies", "/interviews", "/interviews/1/report", "/recruiter/interviews"):
        r = client.get(API + path)
        assert r.status_code == 401, path
        assert r.headers["www-authenticate"] == "Bearer"
    assert client.get(f"{API}/users/me", headers={"Authorization": "Bearer not.a.jwt"}).status_code == 401


def test_register_login_refresh_rotation_and_logout(app_engine):
    client, _ = app_engine
    r = client.post(f"{API}/auth/register", json={"email": "c@example.com", "username": "cand",
                                                  "password": "long enough pw"})
    assert r.status_code == 201 and r.json()["role"] == "candidate"
    assert client.post(f"{API}/auth/register", json={"email": "c@example.com", "username": "cand2",
                                                     "password": "long enough pw"}).status_code == 409
    # strict models: a number where a string belongs is refused, not coerced
    assert client.post(f"{API}/auth/register", json={"email": "d@example.com", "username": 12345,
                                                     "password": "long enough pw"}).status_code == 422
    t1 = client.post(f"{API}/auth/login", data={"username": "cand", "password": "long enough pw"}).json()
    me = client.get(f"{API}/users/me", headers=auth(t1)).json()
    assert me["username"] == "cand" and "password_hash" not in me
    t2 = client.post(f"{API}/auth/refresh", json={"refresh_token": t1["refresh_token"]}).json()
    assert t2["refresh_token"] != t1["refresh_token"]
    # the rotated token is dead; presenting it again revokes the whole family (theft)
    assert client.post(f"{API}/auth/refresh", json={"refresh_token": t1["refresh_token"]}).status_code == 401
    assert client.post(f"{API}/auth/refresh", json={"refresh_token": t2["refresh_token"]}).status_code == 401
    t3 = login(client, "cand", "long enough pw")
    assert client.post(f"{API}/auth/logout", json={"refresh_token": t3["refresh_token"]}).status_code == 204
    assert client.post(f"{API}/auth/refresh", json={"refresh_token": t3["refresh_token"]}).status_code == 401


def test_login_rate_limit(app_engine):
    client, engine = app_engine
    make_user(engine, "victim")
    codes = [client.post(f"{API}/auth/token", data={"username": "victim", "password": "wrong password"}).status_code
             for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    r = client.post(f"{API}/auth/token", data={"username": "victim", "password": "correct horse battery"})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0  # even the right password waits
    # spraying other accounts from the same address is limited too (10 x the per-login limit)
    codes = [client.post(f"{API}/auth/token", data={"username": f"nobody{i}", "password": "x"}).status_code
             for i in range(28)]
    assert codes[-1] == 429 and 401 in codes


def test_login_rate_limit_is_shared_by_server_processes(app_engine):
    """Two app instances (as two uvicorn workers are) on one database: failures counted by
    one refuse the next try on the other, and nothing identifying the login is stored."""
    client, engine = app_engine
    make_user(engine, "target")
    url = engine.url.render_as_string(hide_password=False)
    other = create_app(ServerSettings(database_url=url, secret_key="k" * 40, login_attempts=3), embedder=None)
    with TestClient(other) as client2:
        codes = [c.post(f"{API}/auth/token", data={"username": "target", "password": "wrong password"}).status_code
                 for c in (client, client2, client)]
        assert codes == [401, 401, 401]
        r = client2.post(f"{API}/auth/token", data={"username": "target", "password": "correct horse battery"})
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
        assert client.post(f"{API}/auth/token", data={"username": "target",
                                                      "password": "wrong password"}).status_code == 429
    from sqlalchemy import text

    with engine.connect() as c:
        keys = c.execute(text("SELECT key FROM login_failures")).scalars().all()
    assert len(keys) == 9 and all(len(k) == 64 and "target" not in k for k in keys)  # pair, account, address


def test_companies_list_get_and_similar_without_embeddings(world):
    client, _, _, tok = world
    rows = client.get(f"{API}/companies", headers=auth(tok["alice"])).json()
    assert {"KAKAO", "NAVER"} <= {c["id"] for c in rows}
    assert client.get(f"{API}/companies/KAKAO", headers=auth(tok["alice"])).json()["company_name"]
    assert client.get(f"{API}/companies/NOPE", headers=auth(tok["alice"])).status_code == 404
    assert client.get(f"{API}/companies/KAKAO/similar", headers=auth(tok["alice"])).status_code == 409


def test_interview_lifecycle_questions_transcripts(world):
    client, _, _, tok = world
    h = auth(tok["alice"])
    iv = client.post(f"{API}/interviews", json={"position": "Backend Engineer", "company_id": "KAKAO",
                                                "language": "ko"}, headers=h)
    assert iv.status_code == 201, iv.text
    iid = iv.json()["id"]
    assert client.post(f"{API}/interviews", json={"position": "x", "resume_id": "1"}, headers=h).status_code == 422
    qs = client.post(f"{API}/interviews/{iid}/questions", json={"count": 4}, headers=h)
    assert qs.status_code == 200 and len(qs.json()) == 4
    assert [q["position"] for q in qs.json()] == [0, 1, 2, 3]
    assert len({q["text"] for q in qs.json()}) == 4
    assert client.get(f"{API}/interviews/{iid}/questions", headers=h).json() == qs.json()
    # transcripts only while live
    tr = {"speaker": "User", "text": "안녕하세요", "start_s": 1.0, "end_s": 2.0}
    assert client.post(f"{API}/interviews/{iid}/transcripts", json=tr, headers=h).status_code == 409
    assert client.post(f"{API}/interviews/{iid}/status", json={"status": "live"}, headers=h).json()["status"] == "live"
    assert client.post(f"{API}/interviews/{iid}/questions", json={"count": 2}, headers=h).status_code == 409
    r = client.post(f"{API}/interviews/{iid}/transcripts",
                    json={**tr, "interview_question_id": qs.json()[0]["id"]}, headers=h)
    assert r.status_code == 201
    assert [t["text"] for t in client.get(f"{API}/interviews/{iid}/transcripts", headers=h).json()] == ["안녕하세요"]
    assert client.post(f"{API}/interviews/{iid}/status", json={"status": "completed"}, headers=h).status_code == 200
    bad = client.post(f"{API}/interviews/{iid}/status", json={"status": "live"}, headers=h)
    assert bad.status_code == 409 and "completed" in bad.json()["detail"]
    assert client.get(f"{API}/interviews/{iid}/report", headers=h).status_code == 404  # no report yet
    assert [i["id"] for i in client.get(f"{API}/interviews", headers=h).json()] == [iid]


def test_resume_upload_parses_a_real_pdf(world, tmp_path):
    fitz = pytest.importorskip("pymupdf")
    client, _, _, tok = world
    doc = fitz.open()
    page = doc.new_page()
    page.insert_text((72, 72), "John Doe\nSkills\nPython, Kafka, PostgreSQL\nExperience\n"
                               "Acme Corp - Backend Engineer 2019.03 - 2023.02", fontsize=11)
    pdf = tmp_path / "cv.pdf"
    doc.save(pdf)
    r = client.post(f"{API}/resumes", files={"file": ("cv.pdf", pdf.read_bytes(), "application/pdf")},
                    headers=auth(tok["alice"]))
    assert r.status_code == 201, r.text
    data = r.json()["structured_data"]
    assert data["language"] == "en" and "Kafka" in data["skills"]
    rid = r.json()["id"]
    assert client.get(f"{API}/resumes/{rid}", headers=auth(tok["alice"])).status_code == 200
    assert client.get(f"{API}/resumes/{rid}", headers=auth(tok["bob"])).status_code == 404
    bad = client.post(f"{API}/resumes", files={"file": ("x.pdf", b"not a pdf", "application/pdf")},
                      headers=auth(tok["alice"]))
    assert bad.status_code == 422


def test_tenant_isolation_sharing_revocation_and_audit(world):
    client, _, ids, tok = world
    bundle = sample_bundle(shares=["KAKAO"])
    r = push(client, tok["alice"], bundle, "key-alice-1")
    assert r.status_code == 200, r.text
    iid = r.json()["interview_id"]
    report_path = f"{API}/interviews/{iid}/report"

    # the owner reads the seed's shape
    rep = client.get(report_path, headers=auth(tok["alice"])).json()
    assert set(rep["summary"]) >= {"technical", "communication", "cultural"}
    assert {"question", "answer", "feedback", "score"} <= set(rep["details"][0])
    assert set(rep["emotions"]) >= {"confidence", "nervousness"}
    assert rep["summary"]["technical"] == bundle["report"]["summary"]["technical"]

    # another candidate and another company's recruiter: 404 (existence not revealed)
    for other in ("bob", "naver_rec"):
        assert client.get(report_path, headers=auth(tok[other])).status_code == 404
        assert client.get(f"{API}/interviews/{iid}", headers=auth(tok[other])).status_code == 404
        assert client.get(f"{API}/interviews/{iid}/transcripts", headers=auth(tok[other])).status_code == 404
    missing = client.get(f"{API}/interviews/{uuid.uuid4()}/report", headers=auth(tok["bob"]))
    assert missing.status_code == 404 and missing.json() == client.get(report_path, headers=auth(tok["bob"])).json()
    # a recruiter cannot change the candidate's interview
    assert client.post(f"{API}/interviews/{iid}/status", json={"status": "cancelled"},
                       headers=auth(tok["kakao_rec"])).status_code == 404
    # candidates cannot use recruiter routes
    assert client.get(f"{API}/recruiter/interviews", headers=auth(tok["alice"])).status_code == 403

    # the company it was shared with reads it, and the candidate sees that in the access log
    assert client.get(report_path, headers=auth(tok["kakao_rec"])).status_code == 200
    listed = client.get(f"{API}/recruiter/interviews", headers=auth(tok["kakao_rec"])).json()
    assert [i["id"] for i in listed] == [iid]
    assert listed[0]["candidate_name"] == "Alice" and listed[0]["shared_at"]  # who, and since when
    # the server's own re-scoring: readable by the same rules ([] until a configured worker ran)
    evals_path = f"{API}/interviews/{iid}/server-evaluations"
    assert client.get(evals_path, headers=auth(tok["kakao_rec"])).json() == []
    assert client.get(evals_path, headers=auth(tok["naver_rec"])).status_code == 404
    assert client.get(evals_path, headers=auth(tok["bob"])).status_code == 404
    # notes are the recruiters' own: a candidate cannot write or list them
    assert client.post(f"{API}/interviews/{iid}/notes", json={"note": "x"},
                       headers=auth(tok["alice"])).status_code == 403
    assert client.get(f"{API}/interviews/{iid}/notes", headers=auth(tok["alice"])).status_code == 403
    # an override outside 0-100 or a string score is refused (strict schema)
    for bad in ({"score_override": 101.0}, {"score_override": "80"}, {"detail_index": -1}):
        assert client.post(f"{API}/interviews/{iid}/notes", json=bad,
                           headers=auth(tok["kakao_rec"])).status_code == 422
    # another company's recruiter cannot annotate it, nor see that it exists
    assert client.post(f"{API}/interviews/{iid}/notes", json={"note": "x"},
                       headers=auth(tok["naver_rec"])).status_code == 404
    assert client.get(f"{API}/recruiter/interviews", headers=auth(tok["naver_rec"])).json() == []
    note = client.post(f"{API}/interviews/{iid}/notes", json={"note": "좋은 설계", "detail_index": 0,
                                                              "score_override": 80.0},
                       headers=auth(tok["kakao_rec"]))
    assert note.status_code == 201
    rep_rec = client.get(report_path, headers=auth(tok["kakao_rec"])).json()
    assert rep_rec["recruiter_notes"][0]["score_override"] == 80.0
    assert rep_rec["details"][0]["score"] == rep["details"][0]["score"]  # the AI score is untouched
    assert client.get(report_path, headers=auth(tok["alice"])).json()["recruiter_notes"] == []
    # notes stay with the company that wrote them: a second KAKAO recruiter sees them, NAVER never
    assert [n["note"] for n in client.get(f"{API}/interviews/{iid}/notes",
                                          headers=auth(tok["kakao_rec"])).json()] == ["좋은 설계"]
    log = client.get(f"{API}/interviews/{iid}/access-log", headers=auth(tok["alice"])).json()
    assert {e["what"] for e in log} >= {"report", "listed", "note"}
    assert {e["viewer_id"] for e in log} == {ids["kakao_rec"]}
    assert client.get(f"{API}/interviews/{iid}/access-log", headers=auth(tok["kakao_rec"])).status_code == 404

    # revocation takes effect on the very next request
    assert client.delete(f"{API}/interviews/{iid}/shares/KAKAO", headers=auth(tok["alice"])).status_code == 204
    assert client.get(report_path, headers=auth(tok["kakao_rec"])).status_code == 404
    assert client.get(f"{API}/recruiter/interviews", headers=auth(tok["kakao_rec"])).json() == []
    assert client.post(f"{API}/interviews/{iid}/notes", json={"note": "x"},
                       headers=auth(tok["kakao_rec"])).status_code == 404
    shares = client.get(f"{API}/interviews/{iid}/shares", headers=auth(tok["alice"])).json()
    assert shares[0]["revoked_at"] is not None
    # re-granting restores access
    assert client.put(f"{API}/interviews/{iid}/shares/KAKAO", json={"include_video": False},
                      headers=auth(tok["alice"])).status_code == 200
    assert client.get(report_path, headers=auth(tok["kakao_rec"])).status_code == 200
    assert client.put(f"{API}/interviews/{iid}/shares/NOPE", json={}, headers=auth(tok["alice"])).status_code == 404
    # the admin reads everything
    assert client.get(report_path, headers=auth(tok["root"])).status_code == 200


def test_sync_push_is_idempotent_and_replaces_not_duplicates(world):
    client, _, _, tok = world
    bundle = sample_bundle(shares=["KAKAO"])
    first = push(client, tok["alice"], bundle, "key-dup-1").json()
    again = push(client, tok["alice"], bundle, "key-dup-1").json()
    assert again["replayed"] is True and again["interview_id"] == first["interview_id"]
    # a new key for the same interview (a newer snapshot) replaces, never adds
    newer = dict(bundle, transcripts=bundle["transcripts"][:3])
    third = push(client, tok["alice"], newer, "key-dup-2").json()
    assert third["interview_id"] == first["interview_id"] and third["replayed"] is False
    state = client.get(f"{API}/sync/interviews/{bundle['uuid']}", headers=auth(tok["alice"])).json()
    assert state["transcripts"] == 3 and state["questions"] == 2 and state["report"] is True
    ts = client.get(f"{API}/interviews/{first['interview_id']}/transcripts", headers=auth(tok["alice"])).json()
    assert len(ts) == 3
    # another user cannot overwrite the uuid, nor replay somebody's key
    assert push(client, tok["bob"], bundle, "key-bob-1").status_code == 404
    assert push(client, tok["bob"], sample_bundle(), "key-dup-1").status_code == 409
    assert client.get(f"{API}/sync/interviews/{bundle['uuid']}", headers=auth(tok["bob"])).status_code == 404
    # strict bundle: a string where a number belongs is a 422
    bad = dict(bundle, overall_score="80")
    assert push(client, tok["alice"], bad, "key-bad-1").status_code == 422
    assert push(client, tok["alice"], bundle, "short").status_code == 422  # key too short


def test_admin_creates_recruiters_only(world):
    client, _, _, tok = world
    body = {"email": "r2@example.com", "username": "rec2", "password": "long enough pw", "role": "recruiter",
            "company_id": "KAKAO"}
    assert client.post(f"{API}/users", json=body, headers=auth(tok["alice"])).status_code == 403
    r = client.post(f"{API}/users", json=body, headers=auth(tok["root"]))
    assert r.status_code == 201 and r.json()["company_id"] == "KAKAO"
    assert client.post(f"{API}/users", json={**body, "email": "r3@example.com", "username": "rec3",
                                             "company_id": None}, headers=auth(tok["root"])).status_code == 404


def test_server_revocation_is_not_undone_by_an_older_snapshot(world):
    client, _, _, tok = world
    bundle = sample_bundle(shares=["KAKAO"])
    iid = push(client, tok["alice"], bundle, "key-conflict-1").json()["interview_id"]
    assert client.delete(f"{API}/interviews/{iid}/shares/KAKAO", headers=auth(tok["alice"])).status_code == 204
    # the desktop resends its older snapshot (granted before the revocation): still revoked
    assert push(client, tok["alice"], bundle, "key-conflict-2").status_code == 200
    assert client.get(f"{API}/interviews/{iid}/report", headers=auth(tok["kakao_rec"])).status_code == 404
    # a bundle dated after the revocation does not bring it back either: consent is the server's
    from datetime import datetime, timedelta, timezone

    later = (datetime.now(timezone.utc) + timedelta(seconds=5)).isoformat()
    regrant = dict(bundle, shares=[{"company_id": "KAKAO", "granted_at": later}])
    assert push(client, tok["alice"], regrant, "key-conflict-3").status_code == 200
    assert client.get(f"{API}/interviews/{iid}/report", headers=auth(tok["kakao_rec"])).status_code == 404
    # only the candidate's explicit grant does
    assert client.put(f"{API}/interviews/{iid}/shares/KAKAO", json={}, headers=auth(tok["alice"])).status_code == 200
    assert client.get(f"{API}/interviews/{iid}/report", headers=auth(tok["kakao_rec"])).status_code == 200


def test_create_with_the_desktop_uuid_is_idempotent_and_the_bundle_fills_the_same_record(world):
    """A live interview created under the desktop's uuid and its later sync bundle are one row."""
    from tests.sync.server_helpers import server_counts

    client, engine, ids, tok = world
    local = "6F1C2B9E-3A4D-4E5F-8A9B-0C1D2E3F4A5B"  # upper case: stored lower-cased
    body = {"position": "Backend Engineer", "company_id": "KAKAO", "language": "ko", "uuid": local}
    first = client.post(f"{API}/interviews", json=body, headers=auth(tok["alice"]))
    assert first.status_code == 201, first.text
    assert first.json()["uuid"] == local.lower() and first.json()["status"] == "scheduled"
    iid = first.json()["id"]
    # a resend (other fields ignored) answers the stored interview unchanged, with 200
    again = client.post(f"{API}/interviews", json={**body, "position": "Other", "uuid": local.lower()},
                        headers=auth(tok["alice"]))
    assert again.status_code == 200 and again.json() == first.json()
    # somebody else's uuid: the same 404 as the sync route, and nothing changes
    other = client.post(f"{API}/interviews", json={**body, "position": "Bob's"}, headers=auth(tok["bob"]))
    assert other.status_code == 404 and other.json() == {"detail": "not found"}  # as every 404 of a resource
    assert client.get(f"{API}/interviews", headers=auth(tok["bob"])).json() == []
    # already final: still answered as it is
    h = auth(tok["alice"])
    assert client.post(f"{API}/interviews/{iid}/status", json={"status": "live"}, headers=h).status_code == 200
    live = client.post(f"{API}/interviews", json=body, headers=h)
    assert live.status_code == 200 and live.json()["status"] == "live" and live.json()["id"] == iid

    # the desktop's sync bundle of that uuid lands on the same row and carries its content
    bundle = sample_bundle(interview_uuid=local.lower())
    receipt = push(client, tok["alice"], bundle, "key-live-1")
    assert receipt.status_code == 200, receipt.text
    assert receipt.json()["interview_id"] == iid
    assert server_counts(engine, local.lower()) == {"interviews": 1, "transcripts": 4, "questions": 2, "reports": 1}
    got = client.get(f"{API}/interviews/{iid}", headers=h).json()
    assert got["status"] == "completed" and got["overall_score"] == bundle["overall_score"]
    done = client.post(f"{API}/interviews", json=body, headers=h)
    assert done.status_code == 200 and done.json()["status"] == "completed"

    # without a uuid: a new interview each time, as before
    a = client.post(f"{API}/interviews", json={"position": "x"}, headers=h).json()
    b = client.post(f"{API}/interviews", json={"position": "x"}, headers=h).json()
    assert a["id"] != b["id"] and a["uuid"] != b["uuid"]
    for bad in ("not-a-uuid", "6f1c2b9e-3a4d-4e5f-8a9b-0c1d2e3f4a5", 12345, "g" * 36):
        assert client.post(f"{API}/interviews", json={"position": "x", "uuid": bad}, headers=h).status_code == 422


def test_concurrent_creates_of_one_uuid_make_one_row(world, monkeypatch):
    """The loser of the unique index rolls back and answers the winner's row (200)."""
    from core.services import interviews as service
    from tests.sync.server_helpers import server_counts

    client, engine, _, tok = world
    local = "0b7a3c1e-9d2f-4a6b-8c5d-1e2f3a4b5c6d"
    body = {"position": "Backend Engineer", "uuid": local}
    winner = client.post(f"{API}/interviews", json=body, headers=auth(tok["alice"]))
    assert winner.status_code == 201
    # the second request read "no such uuid" before the first one committed
    real, calls = service.find_own, []

    def late(session, candidate_id, uuid):
        calls.append(uuid)
        return None if len(calls) == 1 else real(session, candidate_id, uuid)

    monkeypatch.setattr(service, "find_own", late)
    loser = client.post(f"{API}/interviews", json=body, headers=auth(tok["alice"]))
    assert loser.status_code == 200 and loser.json()["id"] == winner.json()["id"] and len(calls) == 2
    calls.clear()
    assert client.post(f"{API}/interviews", json=body, headers=auth(tok["bob"])).status_code == 404
    assert server_counts(engine, local)["interviews"] == 1
