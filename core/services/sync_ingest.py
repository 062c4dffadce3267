"""The sync bundle (one interview with everything it owns) and how the server applies it.

The desktop's outbox (``sync.client.outbox``) snapshots a completed, shared interview into an
:class:`InterviewBundle`; the server applies it with :func:`apply_bundle`. One definition
serves both ends, so the two cannot drift apart.

Apply rules (also the conflict rules, see ``sync.client.outbox``):

- an interview is identified by its ``uuid`` across stores; a bundle for a uuid the server
  holds for *another* user is refused as not found (no existence leak);
- a bundle replaces the interview's questions, transcripts, report and answer metrics as one
  unit inside the caller's transaction, so applying the same bundle twice, or an older and a
  newer one, leaves exactly one copy of every record (the newer content wins);
- a resume is stored once per candidate and SHA-256;
- consent is the server's (:func:`_apply_shares`): timestamps are the server's clock, a share
  revoked on the server returns only through the candidate's explicit grant, never a sync;
- recruiter notes and score overrides live only on the server and are never touched.

The caller owns the session and commits. Not thread-safe (one session per request).
"""

from __future__ import annotations

import hashlib
import math
import re
from datetime import datetime, timezone
from typing import Annotated, Any, Literal, overload

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from core.db.models import (
    Company,
    EvaluationReport,
    Interview,
    InterviewQuestion,
    InterviewStatus,
    Question,
    Resume,
    ShareConsent,
    Speaker,
    SyncReceipt,
    Transcript,
    User,
)
from core.errors import Conflict, NotFound
from core.report.model import Report
from core.report.store import save_report

BUNDLE_VERSION: Literal[1] = 1


class BundleConflict(Conflict):
    """A bundle the schema accepts but the server's data refuses (an unknown company, a
    question position twice): the server answers it 409, since resending cannot help."""


def drop_nul(value: Any) -> Any:
    """``value`` with NUL characters removed from every string in it (keys too): PostgreSQL
    text and JSONB cannot hold U+0000, and it carries no meaning in interview text."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {drop_nul(k): drop_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [drop_nul(v) for v in value]
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_json(value: Any) -> Any:
    """``value`` (parsed JSON), unchanged; ValueError for what JSON parsers let through but no
    store can hold: a lone UTF-16 surrogate in a string ("\\ud800"), NaN, Infinity or a number
    too large for a float (1e309 parses as infinity). Pydantic turns the ValueError into a 422
    that names neither value. (NUL characters are dropped after validation, :func:`_without_nul`,
    so a length limit counts what the client sent.)"""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise ValueError("text contains a lone UTF-16 surrogate (not valid Unicode)")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("numbers must be finite (no NaN, Infinity or overflow)")
    elif isinstance(value, dict):
        for k, v in value.items():
            clean_json(k)
            clean_json(v)
    elif isinstance(value, list):
        for v in value:
            clean_json(v)
    return value


def _without_nul(model: BaseModel) -> BaseModel:
    """``model`` with NUL removed from its own text, dict and list fields (nested models did
    their own): PostgreSQL text and JSONB cannot hold U+0000."""
    for name, value in model.__dict__.items():
        if isinstance(value, (str, dict, list)):
            object.__setattr__(model, name, drop_nul(value))
    return model


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        return clean_json(data)

    @model_validator(mode="after")
    def _no_nul(self) -> Any:
        return _without_nul(self)


def _whole_number(v: Any) -> Any:
    # JSON Schema's "integer" includes 4.0; strict pydantic would refuse it. Text and booleans
    # stay refused (no "4" -> 4 coercion); 4.5 is refused by the int validator itself.
    if isinstance(v, (str, bytes, bool)):
        raise ValueError("a number is required, not text or a boolean")
    return v


# An integer field: no coercion from text or booleans, 4.0 accepted as 4.
Int = Annotated[int, BeforeValidator(_whole_number), Field(strict=False)]
# bounds on the int inside the validator, not on the optional field: on ``Int | None`` (after
# the BeforeValidator) pydantic published them as the keywords "ge"/"le", which JSON Schema
# does not have; here they are "minimum"/"maximum"
Position = Annotated[int, Field(ge=0, le=10_000), BeforeValidator(_whole_number), Field(strict=False)]
RowId = Annotated[int, Field(ge=1, le=2**31 - 1), BeforeValidator(_whole_number), Field(strict=False)]


def _dt(**kw: Any) -> Any:
    # Datetimes arrive as ISO-8601 text in JSON; strict mode would refuse every string.
    return Field(strict=False, **kw)


class ResumeBundle(_Strict):
    file_name: str = Field(min_length=1, max_length=255)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    extracted_text: str = ""
    structured_data: dict[str, Any] = Field(default_factory=dict)
    language: str | None = Field(default=None, max_length=8)


class QuestionBundle(_Strict):
    position: Int = Field(ge=0, le=10_000)
    text: str = Field(max_length=20_000)
    parent_position: Position | None = None
    asked_at_s: float | None = None
    answer_start_s: float | None = None
    answer_end_s: float | None = None
    # the bank question it was asked from ("<key>:<lang>"), so answers can be compared with its model answer
    bank_key: str | None = Field(default=None, max_length=64)


class TranscriptBundle(_Strict):
    speaker: Literal["AI", "User"]
    text: str = Field(max_length=100_000)
    question_position: Position | None = None
    start_s: float | None = None
    end_s: float | None = None
    words: list[dict[str, Any]] | None = None
    confidence: float | None = None
    engine: str | None = Field(default=None, max_length=40)
    sentiment_score: float | None = Field(default=None, ge=-1.0, le=1.0)
    emotion: str | None = Field(default=None, max_length=20)


class ShareBundle(_Strict):
    company_id: str = Field(min_length=1, max_length=64)
    include_video: bool = False
    granted_at: datetime = _dt()
    revoked_at: datetime | None = _dt(default=None)


class InterviewBundle(_Strict):
    version: Literal[1] = BUNDLE_VERSION
    uuid: str = Field(pattern=r"^[0-9a-fA-F-]{36}$")
    position: str = Field(min_length=1, max_length=200)
    company_id: str | None = Field(default=None, max_length=64)
    language: str = Field(default="ko", max_length=8)
    status: Literal["scheduled", "live", "completed", "cancelled"]
    created_at: datetime | None = _dt(default=None)
    started_at: datetime | None = _dt(default=None)
    ended_at: datetime | None = _dt(default=None)
    overall_score: float | None = Field(default=None, ge=0, le=100)
    emotion_summary: dict[str, Any] | None = None
    resume: ResumeBundle | None = None
    questions: list[QuestionBundle] = Field(default_factory=list, max_length=1000)
    transcripts: list[TranscriptBundle] = Field(default_factory=list, max_length=100_000)
    # the report as the desktop stored it (core.report.model.Report's JSON form): checked
    # against the model here, so what the server serves as ReportOut is a report; stored as sent
    report: dict[str, Any] | None = None
    shares: list[ShareBundle] = Field(default_factory=list, max_length=100)

    @field_validator("report")
    @classmethod
    def _is_a_report(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        problem = Report.problem(v) if v is not None else None
        if problem is not None:  # named by place, never echoing the input
            raise ValueError(f"not a report: {problem}")
        return v


@overload
def _aware(v: datetime) -> datetime: ...
@overload
def _aware(v: None) -> None: ...
@overload
def _aware(v: datetime | None) -> datetime | None: ...
def _aware(v: datetime | None) -> datetime | None:
    if v is None:
        return None
    return v if v.tzinfo is not None else v.replace(tzinfo=timezone.utc)


def _apply_shares(session: Session, interview: Interview, shares: list[ShareBundle]) -> None:
    """Consent is the server's: the device's clock is never believed. A share the server has
    never seen is granted now (server clock); a share the device withdrew is revoked now; a
    share revoked on the server stays revoked whatever a bundle says (a replayed or older
    snapshot, or one dated in the future) - only the candidate's explicit grant
    (``PUT .../shares/{company}``, :func:`core.services.sharing.grant`) restores it. A sync may
    narrow an active share (video off), never widen it."""
    now = datetime.now(timezone.utc)
    for s in shares:
        if session.get(Company, s.company_id) is None:
            raise BundleConflict("bank.unknown_company", id=s.company_id, known="GET /api/v1/companies")
        row = session.scalar(select(ShareConsent).where(ShareConsent.interview_id == interview.id,
                                                        ShareConsent.company_id == s.company_id))
        if row is None:
            row = ShareConsent(interview_id=interview.id, company_id=s.company_id, include_video=s.include_video,
                               granted_at=now, revoked_at=now if s.revoked_at is not None else None)
            session.add(row)
            continue
        if row.revoked_at is not None:
            continue  # withdrawn on the server: a sync never brings it back
        if s.revoked_at is not None:
            row.revoked_at = now
        elif row.include_video and not s.include_video:
            row.include_video = False


def lock_interview(session: Session, interview_uuid: str) -> None:
    """Serialise every writer of one interview (a sync push, a create with that uuid) until the
    caller's transaction ends: PostgreSQL's transaction-scoped advisory lock on a 64-bit hash
    of the uuid. Without it two concurrent pushes each deleted and re-inserted the rows and
    both copies stayed (measured: 2000 transcripts for 1000). No-op on SQLite (one writer)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(f"interview:{interview_uuid.lower()}".encode()).digest()
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": int.from_bytes(digest[:8], "big", signed=True)})


def apply_bundle(session: Session, user: User, bundle: InterviewBundle) -> dict[str, Any]:
    """Create or replace the interview ``bundle`` describes, owned by ``user``; flushed, not
    committed. Returns the receipt body {interview_id, uuid, questions, transcripts, report}."""
    if bundle.company_id is not None and session.get(Company, bundle.company_id) is None:
        raise BundleConflict("bank.unknown_company", id=bundle.company_id, known="GET /api/v1/companies")
    interview = session.scalar(select(Interview).where(Interview.uuid == bundle.uuid))
    if interview is not None and interview.candidate_id != user.id:
        raise NotFound("db.not_found", what="interview", id=bundle.uuid)
    if interview is None:
        interview = Interview(uuid=bundle.uuid, candidate_id=user.id, position=bundle.position,
                              status=InterviewStatus(bundle.status))
        session.add(interview)
    interview.position = bundle.position
    interview.company_id = bundle.company_id
    interview.language = bundle.language
    interview.status = InterviewStatus(bundle.status)
    if bundle.created_at is not None:
        interview.created_at = _aware(bundle.created_at)
    interview.started_at = _aware(bundle.started_at)
    interview.ended_at = _aware(bundle.ended_at)
    interview.overall_score = bundle.overall_score
    interview.emotion_summary = bundle.emotion_summary

    if bundle.resume is not None:
        r = bundle.resume
        resume = session.scalar(select(Resume).where(Resume.candidate_id == user.id, Resume.sha256 == r.sha256))
        if resume is None:
            resume = Resume(candidate_id=user.id, file_path=f"synced:{r.file_name}", file_name=r.file_name,
                            extracted_text=r.extracted_text, structured_data=r.structured_data,
                            language=r.language, sha256=r.sha256)
            session.add(resume)
            session.flush()
        interview.resume_id = resume.id
    session.flush()

    # Replace what the interview owns as one unit: a resend or a newer snapshot never adds a copy.
    session.execute(delete(Transcript).where(Transcript.interview_id == interview.id))
    session.execute(delete(EvaluationReport).where(EvaluationReport.interview_id == interview.id))
    session.execute(delete(InterviewQuestion).where(InterviewQuestion.interview_id == interview.id))
    session.expire(interview, ["transcripts", "asked"])
    by_pos: dict[int, InterviewQuestion] = {}
    keys = [q.bank_key for q in bundle.questions if q.bank_key]
    bank_ids = {k: i for k, i in session.execute(select(Question.bank_key, Question.id)
                                                 .where(Question.bank_key.in_(keys)))} if keys else {}
    for q in sorted(bundle.questions, key=lambda q: q.position):
        if q.position in by_pos:
            raise BundleConflict("input.invalid", reason=f"question position {q.position} appears twice")
        parent = by_pos.get(q.parent_position) if q.parent_position is not None else None
        row = InterviewQuestion(interview_id=interview.id, position=q.position, text=q.text,
                                parent_id=parent.id if parent else None, asked_at_s=q.asked_at_s,
                                question_id=bank_ids.get(q.bank_key) if q.bank_key else None,
                                answer_start_s=q.answer_start_s, answer_end_s=q.answer_end_s)
        session.add(row)
        session.flush()
        by_pos[q.position] = row
    for t in bundle.transcripts:
        iq = by_pos.get(t.question_position) if t.question_position is not None else None
        session.add(Transcript(interview_id=interview.id, speaker=Speaker(t.speaker), text=t.text,
                               interview_question_id=iq.id if iq else None, start_s=t.start_s, end_s=t.end_s,
                               words=t.words, confidence=t.confidence, engine=t.engine,
                               sentiment_score=t.sentiment_score, emotion=t.emotion))
    session.flush()
    if bundle.report is not None:
        save_report(session, interview.id, bundle.report)
        # save_report copies the report's overall; the bundle's own value is the device's truth
        if bundle.overall_score is not None:
            interview.overall_score = bundle.overall_score
    _apply_shares(session, interview, bundle.shares)
    session.flush()
    return {"interview_id": interview.id, "uuid": interview.uuid, "questions": len(bundle.questions),
            "transcripts": len(bundle.transcripts), "report": bundle.report is not None}


def receipt_of(session: Session, key: str) -> SyncReceipt | None:
    """The stored receipt of an idempotency key, if any."""
    return session.scalar(select(SyncReceipt).where(SyncReceipt.idempotency_key == key))


def held_for(session: Session, candidate_id: int, uuid: str) -> dict[str, Any]:
    """What the server holds of the candidate's interview ``uuid``: {uuid, interview_id,
    questions, transcripts, report}; NotFound when it has none (or it is somebody else's)."""
    iv = session.scalar(select(Interview).where(Interview.uuid == uuid))
    if iv is None or iv.candidate_id != candidate_id:
        raise NotFound("db.not_found", what="interview", id=uuid)

    def count(model: Any) -> int:
        return session.scalar(select(func.count()).select_from(model).where(model.interview_id == iv.id)) or 0

    return {"uuid": iv.uuid, "interview_id": iv.id, "questions": count(InterviewQuestion),
            "transcripts": count(Transcript), "report": count(EvaluationReport) > 0}
