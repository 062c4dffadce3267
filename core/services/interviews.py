"""Interviews and their state machine: scheduled -> live -> completed | cancelled.

``scheduled -> cancelled`` is allowed too (the candidate gave up before starting). Completed
and cancelled are final. An illegal transition raises :class:`InvalidTransition` naming the
states, and changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.db.models import (
    Company,
    Interview,
    InterviewQuestion,
    InterviewStatus,
    Question,
    Resume,
    Transcript,
    User,
    UserRole,
)
from core.errors import InvalidTransition, NotFound
from core.services.sharing import shared_with_company

ALLOWED: dict[InterviewStatus, frozenset[InterviewStatus]] = {
    InterviewStatus.scheduled: frozenset({InterviewStatus.live, InterviewStatus.cancelled}),
    InterviewStatus.live: frozenset({InterviewStatus.completed, InterviewStatus.cancelled}),
    InterviewStatus.completed: frozenset(),
    InterviewStatus.cancelled: frozenset(),
}


def create_interview(session: Session, *, candidate_id: int, position: str,
                     company_id: str | None = None, resume_id: int | None = None,
                     language: str = "ko", uuid: str | None = None) -> Interview:
    """Create and flush a scheduled interview (the caller commits). ``uuid``: an id the caller
    already gave it (the desktop's, for a live server copy); None makes a new one. A uuid
    already taken fails at the flush (IntegrityError, the column is unique)."""
    interview = Interview(candidate_id=candidate_id, position=position.strip(), company_id=company_id,
                          resume_id=resume_id, language=language, status=InterviewStatus.scheduled)
    if uuid is not None:
        interview.uuid = uuid
    session.add(interview)
    session.flush()
    return interview


def get_interview(session: Session, interview_id: int) -> Interview:
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise NotFound("db.not_found", what="interview", id=interview_id)
    return interview


def transition(session: Session, interview: Interview, target: InterviewStatus | str) -> Interview:
    """Move ``interview`` to ``target`` (flushes; the caller commits)."""
    target = InterviewStatus(target)
    current = interview.status
    if target not in ALLOWED[current]:
        allowed = ", ".join(sorted(s.value for s in ALLOWED[current])) or "none (final state)"
        raise InvalidTransition(current=current.value, target=target.value, allowed=allowed)
    now = datetime.now(timezone.utc)
    if target is InterviewStatus.live:
        interview.started_at = now
    elif target in (InterviewStatus.completed, InterviewStatus.cancelled):
        interview.ended_at = now
    interview.status = target
    session.flush()
    return interview


def add_asked_question(session: Session, interview: Interview, *, text: str, position: int,
                       question_id: int | None = None, parent_id: int | None = None,
                       asked_at_s: float | None = None) -> InterviewQuestion:
    asked = InterviewQuestion(interview_id=interview.id, text=text, position=position,
                              question_id=question_id, parent_id=parent_id, asked_at_s=asked_at_s)
    session.add(asked)
    session.flush()
    return asked


def find_own(session: Session, candidate_id: int, uuid: str) -> Interview | None:
    """The interview ``uuid`` names if it is ``candidate_id``'s; None if there is none;
    NotFound if it is somebody else's (its existence is not revealed)."""
    interview = session.scalar(select(Interview).where(Interview.uuid == uuid))
    if interview is not None and interview.candidate_id != candidate_id:
        raise NotFound("db.not_found", what="interview", id=uuid)
    return interview


def check_references(session: Session, candidate_id: int, *, company_id: str | None,
                     resume_public_id: str | None) -> int | None:
    """The internal id of the resume whose public id is ``resume_public_id`` (None for none);
    NotFound for an unknown company, or a resume that is not ``candidate_id``'s."""
    if company_id is not None and session.get(Company, company_id) is None:
        raise NotFound("db.not_found", what="company", id=company_id)
    if resume_public_id is None:
        return None
    resume_id = session.scalar(select(Resume.id).where(Resume.public_id == resume_public_id,
                                                       Resume.candidate_id == candidate_id))
    if resume_id is None:
        raise NotFound("db.not_found", what="resume", id=resume_public_id)
    return resume_id


def resume_of(session: Session, interview: Interview) -> Resume | None:
    return session.get(Resume, interview.resume_id) if interview.resume_id else None


def visible_interviews(session: Session, user: User, *, status: InterviewStatus | None = None,
                       limit: int = 100, offset: int = 0) -> list[Interview]:
    """Newest first: a candidate's own, those shared with a recruiter's company, all (admin)."""
    if user.role is UserRole.candidate:
        stmt = select(Interview).where(Interview.candidate_id == user.id)
    elif user.role is UserRole.recruiter:
        stmt = shared_with_company(session, user.company_id)
    else:
        stmt = select(Interview)
    if status is not None:
        stmt = stmt.where(Interview.status == status)
    return list(session.scalars(stmt.order_by(Interview.id.desc()).limit(limit).offset(offset)))


def replace_questions(session: Session, interview: Interview, planned: list[tuple[str, str | None]]
                      ) -> list[InterviewQuestion]:
    """Replace the interview's asked questions by ``planned`` ((text, bank key) in order),
    linking each to its bank question in the interview's language (flushes; the caller commits)."""
    session.execute(delete(InterviewQuestion).where(InterviewQuestion.interview_id == interview.id))
    keys = [f"{key}:{interview.language}" for _, key in planned if key]
    ids = dict(session.execute(select(Question.bank_key, Question.id).where(Question.bank_key.in_(keys))).all()) \
        if keys else {}
    rows = [InterviewQuestion(interview_id=interview.id, position=i, text=text,
                              question_id=ids.get(f"{key}:{interview.language}") if key else None)
            for i, (text, key) in enumerate(planned)]
    session.add_all(rows)
    session.flush()
    return rows


def asked_questions(session: Session, interview_id: int) -> list[InterviewQuestion]:
    return list(session.scalars(select(InterviewQuestion).where(InterviewQuestion.interview_id == interview_id)
                                .order_by(InterviewQuestion.position)))


def add_transcript(session: Session, interview: Interview, *, interview_question_id: int | None,
                   **fields: object) -> Transcript:
    """One utterance of a live interview (flushes; the caller commits). NotFound when
    ``interview_question_id`` is not a question of this interview."""
    if interview_question_id is not None:
        asked = session.get(InterviewQuestion, interview_question_id)
        if asked is None or asked.interview_id != interview.id:
            raise NotFound("db.not_found", what="question", id=interview_question_id)
    row = Transcript(interview_id=interview.id, interview_question_id=interview_question_id, **fields)
    session.add(row)
    session.flush()
    return row
