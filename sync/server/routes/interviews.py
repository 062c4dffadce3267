"""Interviews: create, list, read, status transitions, question generation, transcripts,
the report, sharing with a company (consent), the audit log of recruiter reads, and
recruiter notes / score overrides.

Tenancy (core.services.sharing): reads go through ``readable_interview`` (a recruiter needs an
active consent for their company; each recruiter read is logged), changes through
``owned_interview`` (the candidate only). Both answer 404 for somebody else's interview.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, status
from sqlalchemy.exc import IntegrityError

from core.bank import get_company, load_question_bank
from core.db.models import Interview, InterviewQuestion, InterviewStatus, RecruiterNote, ServerEvaluation, Speaker, \
    Transcript, UserRole
from core.errors import InputError
from core.interview.planner import PlanContext, plan_from_bank
from core.services import interviews as interviews_service
from core.services import sharing
from core.services.embeddings import answer_vs_model
from core.services.sync_ingest import lock_interview
from core.services.transcripts import transcript_for
from sync.server.deps import (
    AUTH_RESPONSES,
    CandidateUser,
    Claims,
    CurrentUser,
    InterviewId,
    OwnedInterview,
    SessionDep,
    readable,
)
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
CompanyId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
NOT_FOUND = {404: {"description": "no such interview (or not yours to see)"}}
# the path's interview as each read sees it (deps.readable: the tenancy rule; a recruiter's read
# of the named part written to the access log and committed)
ReadInterview = Annotated[Interview, Depends(readable("interview"))]
ReadQuestions = Annotated[Interview, Depends(readable("questions"))]
ReadTranscript = Annotated[Interview, Depends(readable("transcript"))]
ReadServerEvaluations = Annotated[Interview, Depends(readable("server_evaluations"))]
ReadModelAnswers = Annotated[Interview, Depends(readable("model_answers"))]
ReadNote = Annotated[Interview, Depends(readable("note", UserRole.recruiter, UserRole.admin))]
ReadNotes = Annotated[Interview, Depends(readable("notes", UserRole.recruiter, UserRole.admin))]


# The hot read first: FastAPI matches a request against the router's routes in order (each a
# regular expression and its convertors); ninth in this router, matching was 12% of a report
# read's Python time, first 2% (py-spy --gil).
@router.get("/{interview_id}/report", response_model=ReportOut, response_model_exclude_unset=True,
            responses={404: {"description": "no such interview, or no report yet"}})
async def get_report(interview_id: InterviewId, request: Request, claims: Claims) -> ReportOut:
    """The evaluation report in the seed's shape: summary (technical, communication, cultural),
    details (question, answer, feedback, score) and emotions (confidence, nervousness).

    The hot read of the recruiter screens (sync.server.reads): on PostgreSQL one statement on
    the event loop's own connection, in its own transaction, that checks the user and their
    session (disabled users and logged-out sessions get 401 on every request), applies the
    access rule, writes a recruiter's audit row and builds the answer; no request session."""
    got = await request.app.state.report_reads.report(claims, interview_id)
    if isinstance(got, bytes):  # PostgreSQL built the answer in ReportOut's shape
        return Response(got, media_type="application/json")
    if got is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no report yet")
    row = got["report"]
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
        existing = interviews_service.find_own(session, user.id, body.uuid)
        if existing is not None:
            response.status_code = status.HTTP_200_OK
            return existing
    resume_id = interviews_service.check_references(session, user.id, company_id=body.company_id,
                                                    resume_public_id=body.resume_id)
    try:
        interview = interviews_service.create_interview(
            session, candidate_id=user.id, position=body.position, company_id=body.company_id,
            resume_id=resume_id, language=body.language, uuid=body.uuid)
        session.commit()
    except IntegrityError:
        # a concurrent create of the same uuid won the unique index: answer its row
        session.rollback()
        existing = interviews_service.find_own(session, user.id, body.uuid) if body.uuid is not None else None
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
    return interviews_service.visible_interviews(
        session, user, status=InterviewStatus(status_filter) if status_filter else None, limit=limit, offset=offset)


@router.get("/{interview_id}", response_model=InterviewOut, responses=NOT_FOUND)
def get_interview(interview: ReadInterview) -> Interview:
    return interview


@router.post("/{interview_id}/status", response_model=InterviewOut,
             responses={**NOT_FOUND, 409: {"description": "transition not allowed from the current state"}})
def set_status(body: StatusIn, session: SessionDep, interview: OwnedInterview) -> Interview:
    interviews_service.transition(session, interview, body.status)
    session.commit()
    return interview


@router.post("/{interview_id}/questions", response_model=list[AskedQuestionOut],
             responses={**NOT_FOUND, 409: {"description": "questions can be generated only before the start"}})
def generate_questions(body: QuestionsIn, session: SessionDep, interview: OwnedInterview) -> list[InterviewQuestion]:
    """Plan ``count`` questions from the bank, personalised from the resume, the position and
    the company's ideal (the planner's bank path, server-side); replaces an earlier plan."""
    if interview.status is not InterviewStatus.scheduled:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="questions can be generated only before the start")
    company = None
    if interview.company_id:
        try:
            company = get_company(interview.company_id)
        except InputError:
            company = None  # a company added on the server only: plan without its profile
    resume = interviews_service.resume_of(session, interview)
    ctx = PlanContext(language=interview.language, position=interview.position,
                      resume=resume.structured_data if resume else {}, company=company, seed=body.seed)
    plan = plan_from_bank(load_question_bank(), ctx, body.count)
    rows = interviews_service.replace_questions(session, interview, [(q.text, q.bank_key) for q in plan])
    session.commit()
    return rows


@router.get("/{interview_id}/questions", response_model=list[AskedQuestionOut], responses=NOT_FOUND)
def list_questions(session: SessionDep, interview: ReadQuestions) -> list[InterviewQuestion]:
    return interviews_service.asked_questions(session, interview.id)


@router.post("/{interview_id}/transcripts", response_model=TranscriptOut, status_code=status.HTTP_201_CREATED,
             responses={**NOT_FOUND, 409: {"description": "the interview is not live"},
                        404: {"description": "no such interview, or a question of another interview"}})
def add_transcript(body: TranscriptIn, session: SessionDep, interview: OwnedInterview) -> Transcript:
    if interview.status is not InterviewStatus.live:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="transcripts are written while the interview is live")
    row = interviews_service.add_transcript(
        session, interview, interview_question_id=body.interview_question_id, speaker=Speaker(body.speaker),
        text=body.text.strip() or body.text, start_s=body.start_s, end_s=body.end_s, confidence=body.confidence,
        sentiment_score=body.sentiment_score, emotion=body.emotion)
    session.commit()
    return row


@router.get("/{interview_id}/transcripts", response_model=list[TranscriptOut], responses=NOT_FOUND)
def list_transcripts(session: SessionDep, interview: ReadTranscript) -> list[Transcript]:
    return transcript_for(session, interview.id)


@router.get("/{interview_id}/server-evaluations", response_model=list[ServerEvaluationOut], responses=NOT_FOUND)
def server_evaluations(session: SessionDep, interview: ReadServerEvaluations) -> list[ServerEvaluation]:
    """Each answer as the server's configured evaluator scored it (``big20.reevaluate_interview``),
    beside the desktop's score in the report, never replacing it; [] until the worker ran."""
    return sharing.server_evaluations(session, interview.id)


@router.get("/{interview_id}/model-answers", response_model=list[AnswerSimilarityOut], responses=NOT_FOUND)
def model_answer_similarity(session: SessionDep, interview: ReadModelAnswers) -> list[dict]:
    """Each answer compared with its bank question's model answer (cosine of embeddings;
    None until the worker has embedded them, or when the question has no model answer)."""
    return answer_vs_model(session, interview.id)


@router.get("/{interview_id}/shares", response_model=list[ShareOut], responses=NOT_FOUND)
def list_shares(interview: OwnedInterview, session: SessionDep) -> list:
    return sharing.consents(session, interview.id)


@router.put("/{interview_id}/shares/{company_id}", response_model=ShareOut,
            responses={404: {"description": "no such interview or company"}})
def grant_share(interview: OwnedInterview, company_id: CompanyId, body: ShareIn, session: SessionDep):
    """Consent: recruiters of ``company_id`` may read this interview until it is revoked."""
    row = sharing.grant(session, interview, company_id, include_video=body.include_video)
    session.commit()
    return row


@router.delete("/{interview_id}/shares/{company_id}", status_code=status.HTTP_204_NO_CONTENT,
               responses=NOT_FOUND)
def revoke_share(interview: OwnedInterview, company_id: CompanyId, session: SessionDep) -> None:
    """Withdraw consent; effective for the company's next request. Idempotent."""
    sharing.revoke(session, interview, company_id)
    session.commit()


@router.get("/{interview_id}/access-log", response_model=list[AccessLogOut], responses=NOT_FOUND)
def access_log(interview: OwnedInterview, session: SessionDep) -> list[AccessLogOut]:
    """Every recruiter read of this interview: who, from which company, what, when."""
    return [AccessLogOut(viewer_id=v.id, viewer_name=v.full_name or v.username, viewer_company_id=v.company_id,
                         what=log.what, at=log.at) for log, v in sharing.access_log(session, interview.id)]


@router.post("/{interview_id}/notes", response_model=NoteOut, status_code=status.HTTP_201_CREATED,
             responses=NOT_FOUND)
def add_note(body: NoteIn, session: SessionDep, user: CurrentUser,
             interview: ReadNote) -> RecruiterNote:
    """A recruiter's note and optional score override (0-100) for one answer (``detail_index``)
    or the whole interview; kept beside the AI's score."""
    row = sharing.add_note(session, interview, user, detail_index=body.detail_index, note=body.note,
                           score_override=body.score_override)
    session.commit()
    return row


@router.get("/{interview_id}/notes", response_model=list[NoteOut], responses=NOT_FOUND)
def list_notes(session: SessionDep, user: CurrentUser,
               interview: ReadNotes) -> list[RecruiterNote]:
    return sharing.notes_for(session, interview.id, user)
