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
                        emotions={"confidence": 0.7, "nervousness": 0.2, "reliable": True})


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
