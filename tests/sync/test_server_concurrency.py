"""One writer per interview (issue 23, finding 4): many desktops (or one desktop's retries)
pushing the same interview at once, against a real ``big20-server`` process on PostgreSQL.
Measured before: two concurrent pushes stored 2000 transcripts for 1000, six stored 6000 and
two reports with three 500s; six with one key gave one 200 and five 500s."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.sync.server_helpers import ServerProcess, sample_bundle, seeded_server_db, server_counts

pytestmark = pytest.mark.postgres


@pytest.fixture
def server(pg_engine):
    seeded_server_db(pg_engine, "alice")
    proc = ServerProcess(pg_engine.url.render_as_string(hide_password=False)).start(timeout=90)
    try:
        yield proc, pg_engine
    finally:
        proc.stop()


def test_concurrent_pushes_of_one_interview_store_one_copy_and_losers_get_the_winners_receipt(server):
    proc, engine = server
    with httpx.Client(base_url=proc.url + "/api/v1", timeout=60) as c:
        tok = c.post("/auth/token", data={"username": "alice", "password": "correct horse battery"}).json()
    bundle = sample_bundle(shares=["KAKAO"])
    bundle["transcripts"] = [{"speaker": "User", "text": f"utterance {i}", "question_position": i % 2,
                              "start_s": float(i)} for i in range(1000)]
    # 6 pushes under distinct keys and 6 deliveries of one key, all released at once
    keys = [f"distinct-key-{i}" for i in range(6)] + ["shared-key-0001"] * 6
    start = threading.Barrier(len(keys))

    def push(key: str) -> httpx.Response:
        with httpx.Client(base_url=proc.url + "/api/v1", timeout=120) as c:
            start.wait()
            return c.post("/sync/interviews", json=bundle,
                          headers={"Authorization": f"Bearer {tok['access_token']}", "Idempotency-Key": key})

    with ThreadPoolExecutor(len(keys)) as pool:
        answers = list(pool.map(push, keys))
    assert [r.status_code for r in answers] == [200] * len(keys), [r.text[:200] for r in answers if r.status_code != 200]
    counts = server_counts(engine, bundle["uuid"])
    assert counts == {"interviews": 1, "transcripts": 1000, "questions": 2, "reports": 1}
    shared = [r.json() for r, k in zip(answers, keys) if k == "shared-key-0001"]
    assert sum(not r["replayed"] for r in shared) == 1  # one applied it, five got its receipt
    assert len({(r["interview_id"], r["transcripts"]) for r in shared}) == 1
    assert len({r.json()["interview_id"] for r in answers}) == 1
    from sqlalchemy import text

    with engine.connect() as c:
        unlinked = c.execute(text("SELECT count(*) FROM transcripts WHERE interview_question_id IS NULL")).scalar()
        consents = c.execute(text("SELECT count(*) FROM share_consents")).scalar()
    assert unlinked == 0 and consents == 1
