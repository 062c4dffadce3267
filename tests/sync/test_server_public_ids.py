"""Opaque ids in URLs (issue 23): interviews, resumes and recordings are addressed by random
public ids; the sequential integer keys stay inside the server and no URL takes them."""

from __future__ import annotations

import hashlib
import os
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from core.db.models import Interview, MediaFile, Resume, UserRole
from core.db.session import downgrade_database, session_factory, upgrade_database
from sync.server.app import create_app
from sync.server.settings import ServerSettings
from tests.sync.server_helpers import auth, login, make_user, sample_bundle

pytestmark = pytest.mark.postgres
API = "/api/v1"
# the path parameters that name a company (its public code), an upload (already a uuid), a sync
# uuid and an admin's target user: every other ``*_id`` in a path is a public id
NOT_ROW_IDS = {"company_id", "upload_id", "uuid", "user_id"}


def _random_uuid(value: object) -> bool:
    try:
        return isinstance(value, str) and uuid.UUID(value).version == 4 and str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


@pytest.fixture
def world(pg_engine, tmp_path):
    url = pg_engine.url.render_as_string(hide_password=False)
    settings = ServerSettings(database_url=url, secret_key="k" * 40, media_dir=str(tmp_path / "media"))
    with TestClient(create_app(settings, embedder=None)) as client:
        make_user(pg_engine, "alice")
        make_user(pg_engine, "kakao_rec", UserRole.recruiter, "KAKAO")
        tok = {name: login(client, name) for name in ("alice", "kakao_rec")}
        yield client, pg_engine, tok


def test_path_ids_in_the_published_schema_are_public_ids(world):
    client, _, _ = world
    schema = client.get(f"{API}/openapi.json").json()
    checked = 0
    for path, item in schema["paths"].items():
        for op in item.values():
            for p in op.get("parameters", ()):
                if p["in"] == "path" and p["name"].endswith("_id") and p["name"] not in NOT_ROW_IDS:
                    assert p["schema"]["type"] == "string" and p["schema"].get("pattern"), (path, p)
                    checked += 1
    assert checked > 20


def test_integer_urls_no_longer_resolve_and_ids_are_random(world, tmp_path):
    client, engine, tok = world
    alice, rec = auth(tok["alice"]), auth(tok["kakao_rec"])
    created = [client.post(f"{API}/interviews", json={"position": "Backend Engineer", "company_id": "KAKAO"},
                           headers=alice).json() for _ in range(3)]
    ids = [iv["id"] for iv in created]
    # random (version 4), not consecutive, and the same value the interview's uuid has
    assert all(_random_uuid(i) for i in ids) and len(set(ids)) == 3
    assert [iv["uuid"] for iv in created] == ids
    with session_factory(engine)() as s:
        internal = {iv.uuid: iv.id for iv in s.scalars(select(Interview))}
    assert sorted(internal.values()) == list(range(min(internal.values()), min(internal.values()) + 3))

    bundle = sample_bundle(shares=["KAKAO"])
    receipt = client.post(f"{API}/sync/interviews", json=bundle,
                          headers={**alice, "Idempotency-Key": "k-public-ids-1"}).json()
    iid = receipt["interview_id"]
    assert iid == bundle["uuid"]
    replayed = client.post(f"{API}/sync/interviews", json=bundle,
                           headers={**alice, "Idempotency-Key": "k-public-ids-1"}).json()
    assert replayed["replayed"] and replayed["interview_id"] == iid
    assert client.get(f"{API}/sync/interviews/{iid}", headers=alice).json()["interview_id"] == iid
    with session_factory(engine)() as s:
        key = s.scalar(select(Interview.id).where(Interview.uuid == iid))

    listed = client.get(f"{API}/recruiter/interviews", headers=rec).json()
    assert [r["id"] for r in listed] == [iid]
    report = client.get(f"{API}/interviews/{iid}/report", headers=rec)
    assert report.status_code == 200 and report.json()["interview_id"] == iid
    for path in ("", "/report", "/transcripts", "/questions", "/notes", "/server-evaluations"):
        assert client.get(f"{API}/interviews/{iid}{path}", headers=rec).status_code == 200, path
        # the integer key, or any number, is not an interview's address
        for bad in (key, str(key).zfill(36)):
            r = client.get(f"{API}/interviews/{bad}{path}", headers=rec)
            assert r.status_code in (404, 422), (path, bad, r.status_code)
    assert client.get(f"{API}/interviews/{key}/shares", headers=alice).status_code == 422
    assert client.put(f"{API}/interviews/{key}/shares/NAVER", json={}, headers=alice).status_code == 422
    # a well-formed but unknown id is the same 404 as somebody else's
    assert client.get(f"{API}/interviews/{uuid.uuid4()}/report", headers=rec).status_code == 404

    # a recording: its id in answers and URLs is public too
    data = b"\x1a\x45\xdf\xa3" + os.urandom(4000)  # a WebM by its container header
    sha = hashlib.sha256(data).hexdigest()
    client.put(f"{API}/interviews/{iid}/shares/KAKAO", json={"include_video": True}, headers=alice)
    up = client.post(f"{API}/interviews/{iid}/recordings/uploads",
                     json={"size": len(data), "sha256": sha, "mime": "video/webm"}, headers=alice).json()
    done = client.put(f"{API}/interviews/{iid}/recordings/uploads/{up['upload_id']}?offset=0", content=data,
                      headers={**alice, "X-Chunk-SHA256": sha, "Content-Type": "application/octet-stream"})
    assert done.status_code == 200, done.text
    rid = done.json()["recording_id"]
    assert _random_uuid(rid)
    rows = client.get(f"{API}/interviews/{iid}/recordings", headers=rec).json()
    assert client.get(f"{API}/interviews/{key}/recordings", headers=rec).status_code == 422
    assert [(r["id"], r["interview_id"]) for r in rows] == [(rid, iid)]
    assert client.get(f"{API}/interviews/{iid}/recordings/{rid}/file", headers=rec).content == data
    with session_factory(engine)() as s:
        rkey = s.scalar(select(MediaFile.id).where(MediaFile.public_id == rid))
    assert client.get(f"{API}/interviews/{iid}/recordings/{rkey}/file", headers=rec).status_code == 422
    # another interview's recording is not reachable under this one
    other = client.post(f"{API}/interviews", json={"position": "x", "company_id": "KAKAO"}, headers=alice).json()["id"]
    assert client.get(f"{API}/interviews/{other}/recordings/{rid}/file", headers=alice).status_code == 404


def test_resume_ids_are_public(world, tmp_path):
    fitz = pytest.importorskip("pymupdf")
    client, engine, tok = world
    alice = auth(tok["alice"])
    doc = fitz.open()
    doc.new_page().insert_text((72, 72), "Jane Doe\nSkills\nPython, Kafka\nExperience\nAcme 2019.03 - 2023.02")
    pdf = tmp_path / "cv.pdf"
    doc.save(pdf)
    r = client.post(f"{API}/resumes", files={"file": ("cv.pdf", pdf.read_bytes(), "application/pdf")}, headers=alice)
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    assert _random_uuid(rid)
    assert client.get(f"{API}/resumes/{rid}", headers=alice).status_code == 200
    with session_factory(engine)() as s:
        key = s.scalar(select(Resume.id).where(Resume.public_id == rid))
    assert client.get(f"{API}/resumes/{key}", headers=alice).status_code == 422
    iv = client.post(f"{API}/interviews", json={"position": "Backend", "resume_id": rid}, headers=alice)
    assert iv.status_code == 201, iv.text
    assert iv.json()["resume_id"] == rid
    assert client.get(f"{API}/interviews/{iv.json()['id']}", headers=alice).json()["resume_id"] == rid
    # the integer key is refused as a resume reference too
    assert client.post(f"{API}/interviews", json={"position": "Backend", "resume_id": key},
                       headers=alice).status_code == 422


def test_existing_rows_get_public_ids_on_upgrade(pg_engine):
    """A database from before public ids (0008) keeps working: every resume and recording gets
    its own random public id, and the rest of each row is unchanged."""
    upgrade_database(pg_engine, "0008")
    uid = make_user(pg_engine, "old")
    with pg_engine.begin() as c:
        for n in range(3):
            c.execute(text("INSERT INTO resumes (candidate_id, file_path, file_name, extracted_text, structured_data, "
                           "created_at) VALUES (:u, 'cv.pdf', :n, '', '{}', now())"), {"u": uid, "n": f"cv{n}.pdf"})
        iid = c.execute(text("INSERT INTO interviews (candidate_id, position, status, uuid, language, created_at) "
                             "VALUES (:u, 'x', 'completed', :uuid, 'ko', now()) RETURNING id"),
                        {"u": uid, "uuid": str(uuid.uuid4())}).scalar()
        c.execute(text("INSERT INTO media_files (interview_id, kind, path, created_at) "
                       "VALUES (:i, 'video', 'a.webm', now()), (:i, 'video', 'b.webm', now())"), {"i": iid})
    upgrade_database(pg_engine)
    with session_factory(pg_engine)() as s:
        resumes = list(s.scalars(select(Resume).order_by(Resume.id)))
        files = list(s.scalars(select(MediaFile).order_by(MediaFile.id)))
    assert [r.file_name for r in resumes] == ["cv0.pdf", "cv1.pdf", "cv2.pdf"]
    ids = [r.public_id for r in resumes] + [f.public_id for f in files]
    assert len(ids) == 5 and len(set(ids)) == 5 and all(_random_uuid(i) for i in ids)
    downgrade_database(pg_engine, "0008")
    upgrade_database(pg_engine)
