"""The ORM schema. The seed's eight tables are reproduced field for field (their enums too);
the product's additions follow them: interview_questions (what was asked, in order, with
follow-up links), answer_metrics (delivery, gaze, emotion per answer), media_files,
share_consents, consent_access_log and sync_outbox (idempotent upload queue).

Timestamps are timezone-aware UTC. Sessions are not thread-safe: one per thread or task.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column, relationship

from core.db.types import Embedding, JSONDoc


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_uuid() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True)}


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Store the values (what the seed lists), not the Python member names.
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e],
                validate_strings=True)


# ----------------------------------------------------------------------------- enums (seed)
class UserRole(str, enum.Enum):
    candidate = "candidate"
    recruiter = "recruiter"
    admin = "admin"


class InterviewStatus(str, enum.Enum):
    scheduled = "scheduled"
    live = "live"
    completed = "completed"
    cancelled = "cancelled"


class QuestionCategory(str, enum.Enum):
    technical = "technical"
    behavioral = "behavioral"
    situational = "situational"
    cultural_fit = "cultural_fit"


class Difficulty(str, enum.Enum):
    easy = "easy"
    medium = "medium"
    hard = "hard"


class Speaker(str, enum.Enum):
    AI = "AI"
    User = "User"


class OutboxStatus(str, enum.Enum):
    pending = "pending"
    sent = "sent"
    failed = "failed"


# ----------------------------------------------------------------------------- seed tables
class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True, index=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    role: Mapped[UserRole] = mapped_column(_enum(UserRole, "user_role"), default=UserRole.candidate)
    password_hash: Mapped[str] = mapped_column(String(100))
    full_name: Mapped[str | None] = mapped_column(String(200))
    # product: a recruiter belongs to one company; candidates have none
    company_id: Mapped[str | None] = mapped_column(ForeignKey("companies.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # server: set by an admin (``big20-server disable-user``); a disabled user cannot sign in and
    # their access tokens stop working on the next request
    disabled_at: Mapped[datetime | None] = mapped_column(default=None)


class Resume(Base):
    __tablename__ = "resumes"
    __table_args__ = (UniqueConstraint("public_id", name="uq_resumes_public_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    file_path: Mapped[str] = mapped_column(Text)
    file_name: Mapped[str] = mapped_column(String(255))
    extracted_text: Mapped[str] = mapped_column(Text, default="")
    structured_data: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    embedding: Mapped[list[float] | None] = mapped_column(Embedding())
    # product
    language: Mapped[str | None] = mapped_column(String(8))
    sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # server: the id clients see in URLs (random; the integer key stays internal)
    public_id: Mapped[str] = mapped_column(String(36), default=new_uuid)


class Company(Base):
    __tablename__ = "companies"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # e.g. "KAKAO"
    company_name: Mapped[str] = mapped_column(String(200))
    ideal: Mapped[str | None] = mapped_column(Text)  # 인재상
    description: Mapped[str | None] = mapped_column(Text)
    embedding: Mapped[list[float] | None] = mapped_column(Embedding())


class Interview(Base):
    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[str | None] = mapped_column(ForeignKey("companies.id"), index=True)
    resume_id: Mapped[int | None] = mapped_column(ForeignKey("resumes.id", ondelete="SET NULL"))
    position: Mapped[str] = mapped_column(String(200))
    status: Mapped[InterviewStatus] = mapped_column(
        _enum(InterviewStatus, "interview_status"), default=InterviewStatus.scheduled)
    overall_score: Mapped[float | None] = mapped_column(Float)
    emotion_summary: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    # product
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)  # id across stores and in URLs
    language: Mapped[str] = mapped_column(String(8), default="ko")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()
    # the planned questions (PlannedQuestion dicts) and the setup, so an interrupted interview
    # resumes where it stopped; why it was cancelled (free text in the user's language)
    plan: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    transcripts: Mapped[list["Transcript"]] = relationship(
        back_populates="interview", order_by="Transcript.id", cascade="all, delete-orphan")
    asked: Mapped[list["InterviewQuestion"]] = relationship(
        back_populates="interview", order_by="InterviewQuestion.position", cascade="all, delete-orphan")
    # the resume as clients know it (its public id; the integer key stays internal)
    resume_public_id: Mapped[str | None] = column_property(
        select(Resume.public_id).where(Resume.id == resume_id).correlate_except(Resume).scalar_subquery())


class Question(Base):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content: Mapped[str] = mapped_column(Text)
    category: Mapped[QuestionCategory] = mapped_column(_enum(QuestionCategory, "question_category"))
    difficulty: Mapped[Difficulty] = mapped_column(_enum(Difficulty, "difficulty"), default=Difficulty.medium)
    question_type: Mapped[str | None] = mapped_column(String(50))  # 자기소개, 직무지식, ...
    is_follow_up: Mapped[bool] = mapped_column(Boolean, default=False)
    rubric_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    embedding: Mapped[list[float] | None] = mapped_column(Embedding())
    # product
    parent_question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(8), default="ko")
    position_tag: Mapped[str | None] = mapped_column(String(50), index=True)  # backend, frontend, ...
    bank_key: Mapped[str | None] = mapped_column(String(64), unique=True)  # id in resources bank
    source: Mapped[str] = mapped_column(String(20), default="bank")  # bank | llm | template


class Transcript(Base):
    __tablename__ = "transcripts"
    __table_args__ = (
        CheckConstraint("sentiment_score IS NULL OR (sentiment_score >= -1.0 AND sentiment_score <= 1.0)",
                        name="ck_transcripts_sentiment_range"),
        Index("ix_transcripts_interview_start", "interview_id", "start_s"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    speaker: Mapped[Speaker] = mapped_column(_enum(Speaker, "speaker"))
    text: Mapped[str] = mapped_column(Text)
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    emotion: Mapped[str | None] = mapped_column(String(20))
    # product: where in the session, which question, what produced it
    interview_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_questions.id", ondelete="SET NULL"), index=True)
    start_s: Mapped[float | None] = mapped_column(Float)
    end_s: Mapped[float | None] = mapped_column(Float)
    words: Mapped[list[Any] | None] = mapped_column(JSONDoc)  # [{"w","s","e","c"}]
    confidence: Mapped[float | None] = mapped_column(Float)
    engine: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # server: the answer's embedding for recruiters' semantic search (migration 0003)
    embedding: Mapped[list[float] | None] = mapped_column(Embedding())

    interview: Mapped[Interview] = relationship(back_populates="transcripts")


class EvaluationReport(Base):
    __tablename__ = "evaluation_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    technical_score: Mapped[float | None] = mapped_column(Float)
    communication_score: Mapped[float | None] = mapped_column(Float)
    cultural_fit_score: Mapped[float | None] = mapped_column(Float)
    summary_text: Mapped[str | None] = mapped_column(Text)
    details_json: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    evaluator_model: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnswerBank(Base):
    __tablename__ = "answer_bank"
    __table_args__ = (CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)",
                                      name="ck_answer_bank_score_range"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    answer_text: Mapped[str] = mapped_column(Text)
    embedding: Mapped[list[float] | None] = mapped_column(Embedding())
    score: Mapped[float | None] = mapped_column(Float)


# ----------------------------------------------------------------------------- product tables
class InterviewQuestion(Base):
    """A question as asked in one interview, in order; follow-ups point to their parent."""

    __tablename__ = "interview_questions"
    __table_args__ = (UniqueConstraint("interview_id", "position", name="uq_interview_question_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)  # as asked (slots filled)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("interview_questions.id", ondelete="SET NULL"))
    asked_at_s: Mapped[float | None] = mapped_column(Float)
    answer_start_s: Mapped[float | None] = mapped_column(Float)
    answer_end_s: Mapped[float | None] = mapped_column(Float)

    interview: Mapped[Interview] = relationship(back_populates="asked")


class AnswerMetrics(Base):
    """Delivery, gaze and emotion measurements for one answer, each with its quality."""

    __tablename__ = "answer_metrics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_question_id: Mapped[int] = mapped_column(
        ForeignKey("interview_questions.id", ondelete="CASCADE"), unique=True)
    delivery: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    gaze: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    emotion: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    quality: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)


class MediaFile(Base):
    """A media file of an interview. Recordings (kind "video"): ``source`` "live" (recorded
    by the server from the WebRTC stream; ``status`` "recording" until the stream ends,
    then "complete", or "interrupted" when the server stopped first) or "upload" (recorded
    on the desktop while offline and uploaded in chunks). ``offset_s``: the session-clock
    time of the first frame, so segments line up with transcripts. One row per file content:
    (interview, sha256) is unique, so an upload sent twice is kept once."""

    __tablename__ = "media_files"
    __table_args__ = (UniqueConstraint("interview_id", "sha256", name="uq_media_files_interview_sha256"),
                      UniqueConstraint("public_id", name="uq_media_files_public_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # audio | video | report_pdf | report_html
    path: Mapped[str] = mapped_column(Text)
    mime: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    duration_s: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    source: Mapped[str | None] = mapped_column(String(20))  # live | upload
    status: Mapped[str | None] = mapped_column(String(20))  # recording | complete | interrupted
    frames: Mapped[int | None] = mapped_column(Integer)
    offset_s: Mapped[float | None] = mapped_column(Float)
    # server: the id clients see in URLs (random; the integer key stays internal)
    public_id: Mapped[str] = mapped_column(String(36), default=new_uuid)
    interview_uuid: Mapped[str] = column_property(
        select(Interview.uuid).where(Interview.id == interview_id).correlate_except(Interview).scalar_subquery())


class MediaUpload(Base):
    """A resumable, chunked upload of a recording (server side). Chunks are appended at
    ``received`` (each checked against its SHA-256); at ``size`` bytes the whole file is
    checked against ``sha256`` and becomes a :class:`MediaFile` (``media_file_id``)."""

    __tablename__ = "media_uploads"
    __table_args__ = (UniqueConstraint("interview_id", "sha256", name="uq_media_uploads_interview_sha256"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20), default="video")
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    received: Mapped[int] = mapped_column(Integer, default=0)
    offset_s: Mapped[float | None] = mapped_column(Float)
    media_file_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column()


class ShareConsent(Base):
    """The candidate's per-interview consent for a company to see it; revocable."""

    __tablename__ = "share_consents"
    __table_args__ = (UniqueConstraint("interview_id", "company_id", name="uq_consent_interview_company"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[str] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    include_video: Mapped[bool] = mapped_column(Boolean, default=False)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ConsentAccessLog(Base):
    """Who looked at a shared interview, so the candidate can see it."""

    __tablename__ = "consent_access_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    viewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    what: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncOutbox(Base):
    """Changes waiting to go to the server. ``idempotency_key`` makes a resend harmless."""

    __tablename__ = "sync_outbox"
    __table_args__ = (Index("ix_sync_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True, default=new_uuid)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(20))  # upsert | delete | revoke
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus, "outbox_status"),
                                                 default=OutboxStatus.pending)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()


# ----------------------------------------------------------------------------- server-side tables
class RefreshToken(Base):
    """A refresh token of the central server, stored as its SHA-256 only.

    Tokens rotate: each use revokes the token and issues its successor in the same ``family``.
    A revoked token presented again means it was copied, so the whole family is revoked."""

    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    family: Mapped[str] = mapped_column(String(36), index=True)
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncReceipt(Base):
    """What the server answered to one pushed outbox item: a resend with the same
    ``idempotency_key`` gets this answer again and changes nothing."""

    __tablename__ = "sync_receipts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecruiterNote(Base):
    """A recruiter's note on a shared interview, optionally with a score override for one
    answer (``detail_index``) or the whole interview (None). Kept beside the AI's score,
    never written into it."""

    __tablename__ = "recruiter_notes"
    __table_args__ = (CheckConstraint("score_override IS NULL OR (score_override >= 0 AND score_override <= 100)",
                                      name="ck_recruiter_notes_score_range"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    detail_index: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    score_override: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginFailure(Base):
    """One failed login, shared by every server process (the login rate limiter's window).

    ``key`` is the SHA-256 of (client address, login) or of (client address, "any"): the
    attempted login itself is never stored. Rows older than the window are pruned."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ServerEvaluation(Base):
    """An answer scored again on the server by its configured evaluator (Celery task
    ``big20.reevaluate_interview``). Stored beside the desktop's report, never in it:
    ``detail_index`` is the report detail's index; ``score`` None means not evaluated,
    with ``reason``. One row per (interview, answer, evaluator); a re-run replaces it."""

    __tablename__ = "server_evaluations"
    __table_args__ = (UniqueConstraint("interview_id", "detail_index", "evaluator",
                                       name="uq_server_evaluation_answer_evaluator"),
                      CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)",
                                      name="ck_server_evaluations_score_range"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    detail_index: Mapped[int] = mapped_column(Integer)
    evaluator: Mapped[str] = mapped_column(String(100))
    score: Mapped[float | None] = mapped_column(Float)
    criteria: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    feedback: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
