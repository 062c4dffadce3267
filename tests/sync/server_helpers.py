"""Helpers for the server tests: an app on a fresh embedded-PostgreSQL database, users of
each role, and a pushed interview with a real report built by core.report.builder."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from fastapi.testclient import TestClient

from core.db.models import UserRole
from core.db.session import session_factory, transaction
from core.services.users import create_user

PASSWORD = "correct horse battery"


def make_user(engine, username: str, role: UserRole = UserRole.candidate, company_id: str | None = None) -> int:
    with transaction(session_factory(engine)) as s:
        return create_user(s, email=f"{username}@example.com", username=username, password=PASSWORD,
                           role=role, company_id=company_id, full_name=username.title()).id


def seeded_server_db(engine, *users: str | tuple[str, UserRole, str]):
    """``engine`` with the server's schema, the reference data and ``users`` (a name: a
    candidate; (name, role, company): a recruiter or admin), all with PASSWORD."""
    from core.bank import seed_reference_data
    from core.db.session import upgrade_database

    upgrade_database(engine)
    with transaction(session_factory(engine)) as s:
        seed_reference_data(s)
    for user in users:
        make_user(engine, *(user if isinstance(user, tuple) else (user,)))
    return engine


def login(client: TestClient, username: str, password: str = PASSWORD) -> dict:
    r = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return r.json()


def auth(tokens: dict) -> dict:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def sample_report(n: int = 2) -> dict:
    from core.interview.types import AnswerEvaluation, CriterionScore, PlannedQuestion
    from core.protocols import Word
    from core.report.builder import AnswerRecord, build_report

    recs = []
    for i in range(n):
        q = PlannedQuestion(text=f"Kafka 파티션 설계를 설명해 주세요 {i}", category="technical", question_type="직무지식")
        words = [Word(text=w, start=k * 0.5, end=k * 0.5 + 0.4, confidence=0.9)
                 for k, w in enumerate("파티션 키를 주문 번호로 잡아 순서를 보장했습니다".split())]
        ev = AnswerEvaluation(criteria={c: CriterionScore(criterion=c, score=60.0 + 10 * i)
                                        for c in ("technical_accuracy", "logic", "job_fit", "communication")},
                              feedback="근거가 구체적입니다.", evaluator_model="rubric-coverage/lexical")
        recs.append(AnswerRecord(index=i, question=q, answer_text=" ".join(w.text for w in words), words=words,
                                 language="ko", evaluation=ev, audio_duration=5.0))
    return build_report(recs, language="ko", position="Backend Engineer", company_id="KAKAO",
                        emotions={"confidence": 0.7, "nervousness": 0.2, "reliable": True}).to_json()


def sample_bundle(*, shares: list[str] = (), n_answers: int = 2, interview_uuid: str | None = None) -> dict:
    now = datetime.now(timezone.utc).isoformat()
    report = sample_report(n_answers)
    questions = [{"position": d["index"], "text": d["question"]} for d in report["details"]]
    transcripts = []
    for d in report["details"]:
        transcripts.append({"speaker": "AI", "text": d["question"], "question_position": d["index"],
                            "start_s": d["index"] * 60.0})
        transcripts.append({"speaker": "User", "text": d["answer"], "question_position": d["index"],
                            "start_s": d["index"] * 60.0 + 5, "end_s": d["index"] * 60.0 + 30, "confidence": 0.9})
    return {"uuid": interview_uuid or str(uuid.uuid4()), "position": "Backend Engineer", "company_id": "KAKAO",
            "language": "ko", "status": "completed", "started_at": now, "ended_at": now,
            "overall_score": report["summary"]["overall"], "emotion_summary": report["emotions"],
            "resume": {"file_name": "cv.pdf", "sha256": "a" * 64, "extracted_text": "Kafka 결제 시스템 백엔드 개발 5년",
                       "structured_data": {"language": "ko", "skills": ["Kafka"]}, "language": "ko"},
            "questions": questions, "transcripts": transcripts, "report": report,
            "shares": [{"company_id": c, "granted_at": now} for c in shares]}


# ----------------------------------------------------------------------------- live server process
import os  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import httpx  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SECRET = "test-secret-" + "x" * 32


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """``big20-server`` as a real process on a loopback port (killable, restartable)."""

    def __init__(self, database_url: str, port: int | None = None, *, extra_args: list[str] = (),
                 env: dict | None = None, scheme: str = "http") -> None:
        self.database_url = database_url
        self.port = port or free_port()
        self.extra_args = list(extra_args)
        self.env = env or {}
        self.scheme = scheme
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0, verify: bool | str = True) -> "ServerProcess":
        env = {**os.environ, "BIG20_SERVER_DATABASE_URL": self.database_url, "BIG20_SERVER_SECRET": SECRET,
               "BIG20_SERVER_BACKGROUND": "off", "PYTHONPATH": str(REPO), **self.env}
        # one process unless a test asks for more: kill -9 of a multi-process server would leave
        # its workers behind
        workers = [] if "--workers" in self.extra_args else ["--workers", "1"]
        self.proc = subprocess.Popen([sys.executable, "-m", "sync.server.main", "--port", str(self.port),
                                      *workers, *self.extra_args], cwd=REPO, env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if isinstance(verify, str):
            import ssl

            verify = ssl.create_default_context(cafile=verify)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + self.proc.stderr.read().decode()[-2000:])
            try:
                if httpx.get(self.url + "/api/v1/health", timeout=1.0, verify=verify).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)  # polling a condition (server up), bounded by the deadline
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        raise RuntimeError("server did not come up: " + err.decode(errors="replace")[-3000:])

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None and self.proc.stderr is not None:
            self.proc.stderr.close()


# ----------------------------------------------------------------------------- desktop database
def make_local_interview(engine, *, n_answers: int = 2, share_with: str | None = "KAKAO",
                         utterances_per_answer: int = 1) -> str:
    """A completed interview in a desktop (SQLite) database, with report and consent; its uuid."""
    from core.bank import seed_reference_data
    from core.db.models import Resume, ShareConsent, Speaker, Transcript
    from core.report.store import save_report
    from core.services.interviews import add_asked_question, create_interview, transition

    sessions = session_factory(engine)
    with transaction(sessions) as s:
        if not s.scalars(select_companies()).first():
            seed_reference_data(s)
        user = s.scalars(select_user()).first()
        if user is None:
            user = create_user(s, email="mei@example.com", username="mei", password=PASSWORD)
        resume = Resume(candidate_id=user.id, file_path="/tmp/cv.pdf", file_name="cv.pdf",
                        extracted_text="Kafka 결제 시스템", structured_data={"language": "ko"}, language="ko",
                        sha256="b" * 64)
        s.add(resume)
        s.flush()
        iv = create_interview(s, candidate_id=user.id, position="Backend Engineer", company_id="KAKAO",
                              resume_id=resume.id)
        transition(s, iv, "live")
        report = sample_report(n_answers)
        for d in report["details"]:
            q = add_asked_question(s, iv, text=d["question"], position=d["index"])
            s.add(Transcript(interview_id=iv.id, speaker=Speaker.AI, text=d["question"], interview_question_id=q.id,
                             start_s=d["index"] * 100.0))
            for k in range(utterances_per_answer):
                s.add(Transcript(interview_id=iv.id, speaker=Speaker.User, text=f"{d['answer']} ({k})",
                                 interview_question_id=q.id, start_s=d["index"] * 100.0 + 5 + k * 3,
                                 end_s=d["index"] * 100.0 + 7 + k * 3, confidence=0.9,
                                 words=[{"w": "파티션", "s": 0.0, "e": 0.4, "c": 0.9}]))
        transition(s, iv, "completed")
        save_report(s, iv.id, report)
        if share_with:
            s.add(ShareConsent(interview_id=iv.id, company_id=share_with))
        return iv.uuid


def select_companies():
    from sqlalchemy import select

    from core.db.models import Company

    return select(Company)


def select_user():
    from sqlalchemy import select

    from core.db.models import User

    return select(User)


def server_counts(engine, uuid: str) -> dict:
    """What the server database holds for ``uuid``: interviews, transcripts, questions, reports."""
    from sqlalchemy import text

    with engine.connect() as c:
        ids = [r[0] for r in c.execute(text("SELECT id FROM interviews WHERE uuid = :u"), {"u": uuid})]
        if not ids:
            return {"interviews": 0, "transcripts": 0, "questions": 0, "reports": 0}
        q = lambda t: c.execute(text(f"SELECT count(*) FROM {t} WHERE interview_id = :i"), {"i": ids[0]}).scalar()  # noqa: E731
        return {"interviews": len(ids), "transcripts": q("transcripts"), "questions": q("interview_questions"),
                "reports": q("evaluation_reports")}


# the first lines of an app child process in the sync fault tests: the refresh token lives in an
# in-memory keyring (test machines have no keyring service), set before the client reads it
CHILD_KEYRING = r"""
import sys, keyring
from keyring.backend import KeyringBackend
class Mem(KeyringBackend):
    priority = 1
    store = {}
    def get_password(self, s, u): return self.store.get((s, u))
    def set_password(self, s, u, p): self.store[(s, u)] = p
    def delete_password(self, s, u): self.store.pop((s, u), None)
keyring.set_keyring(Mem())
"""
