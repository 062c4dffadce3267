"""Interviews and their state machine: scheduled -> live -> completed | cancelled.

``scheduled -> cancelled`` is allowed too (the candidate gave up before starting). Completed
and cancelled are final. An illegal transition raises :class:`InvalidTransition` naming the
states, and changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import Session

from core.db.models import Interview, InterviewQuestion, InterviewStatus
from core.errors import InvalidTransition, NotFound

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
