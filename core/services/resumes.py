"""Resumes on the server: a candidate's own (an admin reads any)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import Resume, User, UserRole
from core.errors import NotFound


def resumes_of(session: Session, candidate_id: int) -> list[Resume]:
    return list(session.scalars(select(Resume).where(Resume.candidate_id == candidate_id).order_by(Resume.id)))


def readable_resume(session: Session, user: User, resume_id: str) -> Resume:
    """The resume whose public id is ``resume_id`` if it is ``user``'s (or ``user`` is an
    admin), else NotFound."""
    row = session.scalar(select(Resume).where(Resume.public_id == resume_id))
    if row is None or (row.candidate_id != user.id and user.role is not UserRole.admin):
        raise NotFound("db.not_found", what="resume", id=resume_id)
    return row
