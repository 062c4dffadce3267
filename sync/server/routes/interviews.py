"""Interviews: create, list, read, status transitions, question generation, transcripts,
the report, sharing with a company (consent), the audit log of recruiter reads, and
recruiter notes / score overrides.

Tenancy (core.services.sharing): reads go through ``readable_interview`` (a recruiter needs an
active consent for their company; each recruiter read is logged), changes through
``owned_interview`` (the candidate only). Both answer 404 for somebody else's interview.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Response, status
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from core.bank import get_company, load_question_bank
from core.db.models import (
    Company,
    Interview,
    InterviewQuestion,
    InterviewStatus,
    Question,
    RecruiterNote,
    Resume,
    ServerEvaluation,
    Speaker,
    Transcript,
    User,
    UserRole,
)
from core.errors import InputError, InvalidTransition, NotFound
from core.interview.planner import PlanContext, plan_from_bank
from core.services import sharing
from core.services.embeddings import answer_vs_model
from core.services.interviews import create_interview, transition
from core.services.sync_ingest import lock_interview
from sync.server.deps import AUTH_RESPONSES, CandidateUser, Claims, CurrentUser, RecruiterUser, SessionDep, user_of
from sync.server.schemas import (
    AccessLogOut,
    AnswerSimilarityOut,
    AskedQuestionOut,
    InterviewCreateIn,
    InterviewOut,
    NoteIn,
    NoteOut,
    QuestionsIn,
    ReportOut,
    ServerEvaluationOut,
    ShareIn,
    ShareOut,
    StatusIn,
    TranscriptIn,
    TranscriptOut,
)

router = APIRouter(prefix="/interviews", tags=["interviews"], responses=AUTH_RESPONSES)
InterviewId = Annotated[int, Path(ge=1, le=2**31 - 1)]
CompanyId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
NOT_FOUND = {404: {"description": "no such interview (or not yours to see)"}}


def _not_found(exc: NotFound) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail="no such interview")


def _readable(session, user: User, interview_id: int, what: str | None = None) -> Interview:
    try:
        return sharing.readable_interview(session, user, interview_id, what=what)
    except NotFound as exc:
        raise _not_found(exc) from exc


def _owned(session, user: User, interview_id: int) -> Interview:
    try:
        return sharing.owned_interview(session, user, interview_id)
    except NotFound as exc:
        raise _not_found(exc) from exc


def _existing(session, user: User, uuid: str) -> Interview | None:
    """The interview ``uuid`` names if it is ``user``'s; None if there is none. Somebody
    else's is the 404 the sync route answers for it (its existence is not revealed)."""
    interview = session.scalar(select(Interview).where(Interview.uuid == uuid))
    if interview is not None and interview.candidate_id != user.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such interview")
    return interview


@router.post("", response_model=InterviewOut, status_code=status.HTTP_201_CREATED,
             responses={200: {"model": InterviewOut, "description": "already created with this uuid: "
                                                                   "returned unchanged"},
                        404: {"description": "unknown company or resume, or the uuid is somebody else's"}})
def create(body: InterviewCreateIn, response: Response, session: SessionDep, user: CandidateUser) -> Interview:
    """A scheduled interview (201). With ``uuid`` (the desktop's id) the create is idempotent:
    a resend, or an interview the desktop made live meanwhile, answers the stored one with 200
    and changes nothing, whatever its state; the later sync bundle of that uuid fills it in."""
    if body.uuid is not None:
        lock_interview(session, body.uuid)  # the same writer lock as a sync push of that uuid
        existing = _existing(session, user, body.uuid)
        if existing is not None:
            response.status_code = status.HTTP_200_OK
            return existing
    if body.company_id is not None and session.get(Company, body.company_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="unknown company_id")
    if body.resume_id is not None:
        resume = session.get(Resume, body.resume_id)
        if resume is None or resume.candidate_id != user.id:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="unknown resume_id")
    try:
        interview = create_interview(session, candidate_id=user.id, position=body.position,
                                     company_id=body.company_id, resume_id=body.resume_id,
                                     language=body.language, uuid=body.uuid)
        session.commit()
    except IntegrityError:
        # a concurrent create of the same uuid won the unique index: answer its row
        session.rollback()
        existing = _existing(session, user, body.uuid) if body.uuid is not None else None
        if existing is None:
            raise
        response.status_code = status.HTTP_200_OK
        return existing
    return interview


@router.get("", response_model=list[InterviewOut])
def list_interviews(session: SessionDep, user: CurrentUser,
                    status_filter: Annotated[Literal["scheduled", "live", "completed", "cancelled"] | None,
                                             Query(alias="status")] = None,
                    limit: Annotated[int, Query(ge=1, le=500)] = 100,
                    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> list[Interview]:
    """Your interviews (candidate), those shared with your company (recruiter), all (admin)."""
    if user.role is UserRole.candidate:
        stmt = select(Interview).where(Interview.candidate_id == user.id)
    elif user.role is UserRole.recruiter:
        stmt = sharing.shared_with_company(session, user.company_id)
    else:
        stmt = select(Interview)
    if status_filter is not None:
        stmt = stmt.where(Interview.status == InterviewStatus(status_filter))
    return list(session.scalars(stmt.order_by(Interview.id.desc()).limit(limit).offset(offset)))


@router.get("/{interview_id}", response_model=InterviewOut, responses=NOT_FOUND)
def get_interview(interview_id: InterviewId, session: SessionDep, user: CurrentUser) -> Interview:
    interview = _readable(session, user, interview_id, what="interview")
    session.commit()
    return interview


@router.post("/{interview_id}/status", response_model=InterviewOut,
             responses={**NOT_FOUND, 409: {"description": "transition not allowed from the current state"}})
def set_status(interview_id: InterviewId, body: StatusIn, session: SessionDep, user: CurrentUser) -> Interview:
    interview = _owned(session, user, interview_id)
    try:
        transition(session, interview, body.status)
    except InvalidTransition as exc:
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, detail=exc.localized("en")) from exc
    session.commit()
    return interview


@router.post("/{interview_id}/questions", response_model=list[AskedQuestionOut],
             responses={**NOT_FOUND, 409: {"description": "questions can be generated only before the start"}})
def generate_questions(interview_id: InterviewId, body: QuestionsIn, session: SessionDep,
                       user: CurrentUser) -> list[InterviewQuestion]:
    """Plan ``count`` questions from the bank, personalised from the resume, the position and
    the company's ideal (the planner's bank path, server-side); replaces an earlier plan."""
    interview = _owned(session, user, interview_id)
    if interview.status is not InterviewStatus.scheduled:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="questions can be generated only before the start")
    resume = session.get(Resume, interview.resume_id) if interview.resume_id else None
    company = None
    if interview.company_id:
        try:
            company = get_company(interview.company_id)
        except InputError:
            company = None  # a company added on the server only: plan without its profile
    ctx = PlanContext(language=interview.language, position=interview.position,
                      resume=resume.structured_data if resume else {}, company=company, seed=body.seed)
    plan = plan_from_bank(load_question_bank(), ctx, body.count)
    session.execute(delete(InterviewQuestion).where(InterviewQuestion.interview_id == interview.id))
    keys = [f"{q.bank_key}:{interview.language}" for q in plan if q.bank_key]
    ids = {k: i for k, i in session.execute(select(Question.bank_key, Question.id)
                                            .where(Question.bank_key.in_(keys)))} if keys else {}
    rows = []
    for i, q in enumerate(plan):
        row = InterviewQuestion(interview_id=interview.id, position=i, text=q.text,
                                question_id=ids.get(f"{q.bank_key}:{interview.language}"))
        session.add(row)
        rows.append(row)
    session.commit()
    return rows


@router.get("/{interview_id}/questions", response_model=list[AskedQuestionOut], responses=NOT_FOUND)
def list_questions(interview_id: InterviewId, session: SessionDep, user: CurrentUser) -> list[InterviewQuestion]:
    interview = _readable(session, user, interview_id, what="questions")
    session.commit()
    return list(session.scalars(select(InterviewQuestion).where(InterviewQuestion.interview_id == interview.id)
                                .order_by(InterviewQuestion.position)))


@router.post("/{interview_id}/transcripts", response_model=TranscriptOut, status_code=status.HTTP_201_CREATED,
             responses={**NOT_FOUND, 409: {"description": "the interview is not live"},
                        404: {"description": "no such interview, or a question of another interview"}})
def add_transcript(interview_id: InterviewId, body: TranscriptIn, session: SessionDep,
                   user: CurrentUser) -> Transcript:
    interview = _owned(session, user, interview_id)
    if interview.status is not InterviewStatus.live:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="transcripts are written while the interview is live")
    if body.interview_question_id is not None:
        iq = session.get(InterviewQuestion, body.interview_question_id)
        if iq is None or iq.interview_id != interview.id:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such question in this interview")
    row = Transcript(interview_id=interview.id, speaker=Speaker(body.speaker), text=body.text.strip() or body.text,
                     start_s=body.start_s, end_s=body.end_s, interview_question_id=body.interview_question_id,
                     confidence=body.confidence, sentiment_score=body.sentiment_score, emotion=body.emotion)
    session.add(row)
    session.commit()
    return row


@router.get("/{interview_id}/transcripts", response_model=list[TranscriptOut], responses=NOT_FOUND)
def list_transcripts(interview_id: InterviewId, session: SessionDep, user: CurrentUser) -> list[Transcript]:
    interview = _readable(session, user, interview_id, what="transcript")
    session.commit()
    return list(session.scalars(select(Transcript).where(Transcript.interview_id == interview.id)
                                .order_by(Transcript.start_s.is_(None), Transcript.start_s, Transcript.id)))


def _notes_for(session, interview: Interview, user: User) -> list[RecruiterNote]:
    """Notes are the reviewing company's own: a recruiter sees their company's, an admin all."""
    stmt = select(RecruiterNote).where(RecruiterNote.interview_id == interview.id)
    if user.role is UserRole.recruiter:
        stmt = stmt.join(User, User.id == RecruiterNote.author_id).where(User.company_id == user.company_id)
    elif user.role is not UserRole.admin:
        return []
    return list(session.scalars(stmt.order_by(RecruiterNote.id)))


@router.get("/{interview_id}/report", response_model=ReportOut,
            responses={404: {"description": "no such interview, or no report yet"}})
async def get_report(interview_id: InterviewId, session: SessionDep, claims: Claims) -> ReportOut:
    """The evaluation report in the seed's shape: summary (technical, communication, cultural),
    details (question, answer, feedback, score) and emotions (confidence, nervousness).

    The hot read of the recruiter screens: one thread hop, one connection, one transaction of
    two statements (the user; the access rule, audit row and report together)."""

    def read() -> str | dict | None:
        user = user_of(session, claims)
        if session.get_bind().dialect.name == "postgresql":
            got = sharing.read_report_json(session, user, interview_id)
        else:
            got = sharing.read_report(session, user, interview_id)
        session.commit()
        return got

    got = await run_in_threadpool(read)
    if isinstance(got, str):  # PostgreSQL built the answer in ReportOut's shape
        return Response(got, media_type="application/json")
    row = got["report"] if got else None
    report = (row or {}).get("details") or {}
    if row is None or not report:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no report yet")
    return ReportOut(server_evaluations=got["server_evaluations"], interview_id=got["interview_id"],
                     summary=report.get("summary") or {"technical": row["technical"],
                                                       "communication": row["communication"],
                                                       "cultural": row["cultural"]},
                     details=report.get("details") or [],
                     emotions=report.get("emotions") or {"confidence": None, "nervousness": None},
                     meta=report.get("meta") or {}, recruiter_notes=got["notes"])


def _server_evaluations(session, interview_id: int) -> list[ServerEvaluation]:
    return list(session.scalars(select(ServerEvaluation).where(ServerEvaluation.interview_id == interview_id)
                                .order_by(ServerEvaluation.detail_index, ServerEvaluation.evaluator)))


@router.get("/{interview_id}/server-evaluations", response_model=list[ServerEvaluationOut], responses=NOT_FOUND)
def server_evaluations(interview_id: InterviewId, session: SessionDep, user: CurrentUser) -> list[ServerEvaluation]:
    """Each answer as the server's configured evaluator scored it (``big20.reevaluate_interview``),
    beside the desktop's score in the report, never replacing it; [] until the worker ran."""
    interview = _readable(session, user, interview_id, what="server_evaluations")
    rows = _server_evaluations(session, interview.id)
    session.commit()
    return rows


@router.get("/{interview_id}/model-answers", response_model=list[AnswerSimilarityOut], responses=NOT_FOUND)
def model_answer_similarity(interview_id: InterviewId, session: SessionDep, user: CurrentUser) -> list[dict]:
    """Each answer compared with its bank question's model answer (cosine of embeddings;
    None until the worker has embedded them, or when the question has no model answer)."""
    interview = _readable(session, user, interview_id, what="model_answers")
    out = answer_vs_model(session, interview.id)
    session.commit()
    return out


@router.get("/{interview_id}/shares", response_model=list[ShareOut], responses=NOT_FOUND)
def list_shares(interview_id: InterviewId, session: SessionDep, user: CurrentUser) -> list:
    interview = _owned(session, user, interview_id)
    return sharing.consents(session, interview.id)


@router.put("/{interview_id}/shares/{company_id}", response_model=ShareOut,
            responses={404: {"description": "no such interview or company"}})
def grant_share(interview_id: InterviewId, company_id: CompanyId, body: ShareIn, session: SessionDep,
                user: CurrentUser):
    """Consent: recruiters of ``company_id`` may read this interview until it is revoked."""
    interview = _owned(session, user, interview_id)
    try:
        row = sharing.grant(session, interview, company_id, include_video=body.include_video)
    except InputError as exc:
        session.rollback()
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=exc.localized("en")) from exc
    session.commit()
    return row


@router.delete("/{interview_id}/shares/{company_id}", status_code=status.HTTP_204_NO_CONTENT,
               responses=NOT_FOUND)
def revoke_share(interview_id: InterviewId, company_id: CompanyId, session: SessionDep, user: CurrentUser) -> None:
    """Withdraw consent; effective for the company's next request. Idempotent."""
    interview = _owned(session, user, interview_id)
    sharing.revoke(session, interview, company_id)
    session.commit()


@router.get("/{interview_id}/access-log", response_model=list[AccessLogOut], responses=NOT_FOUND)
def access_log(interview_id: InterviewId, session: SessionDep, user: CurrentUser) -> list[AccessLogOut]:
    """Every recruiter read of this interview: who, from which company, what, when."""
    interview = _owned(session, user, interview_id)
    return [AccessLogOut(viewer_id=v.id, viewer_name=v.full_name or v.username, viewer_company_id=v.company_id,
                         what=log.what, at=log.at) for log, v in sharing.access_log(session, interview.id)]


@router.post("/{interview_id}/notes", response_model=NoteOut, status_code=status.HTTP_201_CREATED,
             responses=NOT_FOUND)
def add_note(interview_id: InterviewId, body: NoteIn, session: SessionDep, user: RecruiterUser) -> RecruiterNote:
    """A recruiter's note and optional score override (0-100) for one answer (``detail_index``)
    or the whole interview; kept beside the AI's score."""
    interview = _readable(session, user, interview_id, what="note")
    row = RecruiterNote(interview_id=interview.id, author_id=user.id, detail_index=body.detail_index,
                        note=body.note, score_override=body.score_override)
    session.add(row)
    session.commit()
    return row


@router.get("/{interview_id}/notes", response_model=list[NoteOut], responses=NOT_FOUND)
def list_notes(interview_id: InterviewId, session: SessionDep, user: RecruiterUser) -> list[RecruiterNote]:
    interview = _readable(session, user, interview_id, what="notes")
    notes = _notes_for(session, interview, user)
    session.commit()
    return notes
