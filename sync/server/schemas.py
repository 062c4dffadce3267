"""Request and response models of the REST API.

Requests are strict (``strict=True, extra="forbid"``): a string where a number belongs, or an
unknown field, is a 422 rather than a silent coercion (schemathesis checks exactly that).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core.report.model import Report
from core.services.sync_ingest import Int, Position, RowId, _without_nul, clean_json


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        return clean_json(data)

    @model_validator(mode="after")
    def _no_nul(self) -> Any:
        return _without_nul(self)


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# ----------------------------------------------------------------------------- auth and users
class RegisterIn(Strict):
    # ASCII only, stated the same way in JSON Schema and Python (``\s`` differs between them)
    email: str = Field(min_length=6, max_length=320, pattern=r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
    username: str = Field(pattern=r"^[A-Za-z0-9_.\-]{3,64}$")
    # 10+ characters (NIST SP 800-63B); the common-password list and the account's own name
    # are checked by the route (core.services.users.password_problem)
    password: str = Field(min_length=10, max_length=72)
    full_name: str | None = Field(default=None, max_length=200)


class UserCreateIn(RegisterIn):
    role: Literal["candidate", "recruiter", "admin"]
    company_id: str | None = Field(default=None, max_length=64)


class UserOut(Out):
    id: int
    email: str
    username: str
    role: str
    full_name: str | None
    company_id: str | None


class UserDisabledOut(BaseModel):
    id: int
    username: str
    disabled_at: datetime
    sessions_ended: int


class TokenOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class RefreshIn(Strict):
    refresh_token: str = Field(min_length=10, max_length=200)


# ----------------------------------------------------------------------------- companies, resumes
class CompanyOut(Out):
    id: str
    company_name: str
    ideal: str | None
    description: str | None


class SimilarCompanyOut(CompanyOut):
    similarity: float


# Ids clients see (in answers, and so in the URLs they build) are public ids: an interview's
# uuid, a resume's or a recording's random ``public_id``. The integer keys stay internal
# (sequential ids told how many interviews the server holds and invited guessing).
PUBLIC_ID = r"^[0-9a-fA-F-]{36}$"


class ResumeOut(Out):
    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    id: str = Field(validation_alias="public_id", description="the resume's public id")
    file_name: str
    language: str | None
    sha256: str | None
    structured_data: dict[str, Any]
    created_at: datetime


# ----------------------------------------------------------------------------- interviews
Status = Literal["scheduled", "live", "completed", "cancelled"]


class InterviewCreateIn(Strict):
    """``uuid``: the desktop's own id of the interview, so that this live record and the later
    sync bundle (applied by uuid) are one interview; stored lower-cased. Omitted: a new one."""

    position: str = Field(min_length=1, max_length=200)
    company_id: str | None = Field(default=None, max_length=64)
    resume_id: str | None = Field(default=None, pattern=PUBLIC_ID, description="a resume's public id")
    language: Literal["ko", "en"] = "ko"
    uuid: str | None = Field(default=None, pattern=r"^[0-9a-fA-F-]{36}$")

    @field_validator("uuid")
    @classmethod
    def _lower(cls, v: str | None) -> str | None:
        return v.lower() if v is not None else None


class InterviewOut(Out):
    """``id``: the interview's public id (its uuid, also in ``uuid``), what its URLs take."""

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    id: str = Field(validation_alias="uuid")
    uuid: str
    candidate_id: int
    company_id: str | None
    resume_id: str | None = Field(validation_alias="resume_public_id", description="the resume's public id")
    position: str
    status: str
    language: str
    overall_score: float | None
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None


class RecruiterInterviewOut(InterviewOut):
    """A shared interview as a recruiter lists it: who the candidate is and since when it is shared."""

    candidate_name: str
    shared_at: datetime


class StatusIn(Strict):
    status: Status


class QuestionsIn(Strict):
    count: Int = Field(default=5, ge=1, le=20)
    seed: Int = Field(default=0, ge=0, le=2**31 - 1)


class AskedQuestionOut(Out):
    id: int
    position: int
    text: str
    parent_id: int | None
    question_id: int | None


class TranscriptIn(Strict):
    speaker: Literal["AI", "User"]
    text: str = Field(min_length=1, max_length=20_000)
    start_s: float | None = Field(default=None, ge=0, le=86_400)
    end_s: float | None = Field(default=None, ge=0, le=86_400)
    interview_question_id: RowId | None = None
    confidence: float | None = Field(default=None, ge=0, le=1)
    sentiment_score: float | None = Field(default=None, ge=-1, le=1)
    emotion: str | None = Field(default=None, max_length=20)


class TranscriptOut(Out):
    id: int
    speaker: str
    text: str
    start_s: float | None
    end_s: float | None
    interview_question_id: int | None
    confidence: float | None
    created_at: datetime


# ----------------------------------------------------------------------------- report
class NoteOut(Out):
    id: int
    author_id: int
    detail_index: int | None
    note: str
    score_override: float | None
    created_at: datetime


class ServerEvaluationOut(Out):
    """One answer re-scored by the server's evaluator; ``score`` None: not evaluated (``reason``)."""

    detail_index: int
    evaluator: str
    score: float | None
    criteria: dict[str, Any] | None
    feedback: str | None
    reason: str | None
    created_at: datetime


class ReportOut(Report):
    """The interview's report (:class:`core.report.model.Report`, the one model the builder, the
    store, the exporters and the sync bundle share: the seed's summary / details / emotions plus
    what the product adds) and what the server adds around it: ``recruiter_notes`` sit beside
    the AI's scores, never replacing them."""

    interview_id: str  # the interview's public id
    recruiter_notes: list[NoteOut] = Field(default_factory=list)
    # the server's re-evaluation (when a server-side evaluator is configured), beside the desktop's
    server_evaluations: list[ServerEvaluationOut] = Field(default_factory=list)


# ----------------------------------------------------------------------------- sharing, audit, notes
class ShareIn(Strict):
    include_video: bool = False


class ShareOut(Out):
    company_id: str
    include_video: bool
    granted_at: datetime
    revoked_at: datetime | None


class AccessLogOut(BaseModel):
    viewer_id: int
    viewer_name: str
    viewer_company_id: str | None
    what: str
    at: datetime


class NoteIn(Strict):
    note: str = Field(default="", max_length=10_000)
    detail_index: Position | None = None
    score_override: float | None = Field(default=None, ge=0, le=100)


class AnswerSimilarityOut(BaseModel):
    position: int
    question: str
    has_model_answer: bool
    similarity: float | None


class SearchHit(BaseModel):
    interview_id: str  # the public id
    candidate_id: int
    position: str
    kind: Literal["resume", "answer"]
    text: str
    similarity: float


# ----------------------------------------------------------------------------- sync
class SyncReceiptOut(BaseModel):
    idempotency_key: str
    interview_id: str  # the public id (the uuid)
    uuid: str
    questions: int
    transcripts: int
    report: bool
    replayed: bool = False


class SyncStateOut(BaseModel):
    uuid: str
    interview_id: str  # the public id (the uuid)
    questions: int
    transcripts: int
    report: bool


# ----------------------------------------------------------------------------- live video, recordings
class SessionDescriptionIn(Strict):
    """A WebRTC offer (SDP) from the desktop or a recruiter's viewer."""

    sdp: str = Field(min_length=10, max_length=100_000)
    type: Literal["offer"]


class SessionDescriptionOut(BaseModel):
    sdp: str
    type: str
    recording_id: str | None = None  # the recording's public id
    ice_servers: list[dict] = []


class RecordingOut(Out):
    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    id: str = Field(validation_alias="public_id")
    interview_id: str = Field(validation_alias="interview_uuid")
    kind: str
    mime: str | None
    size: int | None
    sha256: str | None
    duration_s: float | None
    frames: int | None
    offset_s: float | None
    source: str | None
    status: str | None
    created_at: datetime


class UploadIn(Strict):
    size: int = Field(ge=1, le=2**30)  # one recording is at most 1 GiB (the quota is per candidate)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    mime: Literal["video/webm", "video/mp4"] = "video/webm"
    offset_s: float | None = Field(default=None, ge=0, le=86_400)


class UploadOut(BaseModel):
    upload_id: str
    size: int
    received: int
    complete: bool
    recording_id: str | None = None  # the recording's public id
    chunk_max: int
