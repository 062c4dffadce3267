"""Who may read an interview, per-interview consent to share it, and the audit of reads.

Rules (the server's tenancy, docs/ARCHITECTURE.md §1):

- an admin reads everything; a candidate reads only their own interviews;
- a recruiter reads an interview only while its candidate's consent for the recruiter's
  company is active (``share_consents.revoked_at IS NULL``). The check runs on every request
  against the database, so a revocation takes effect on the next request;
- every recruiter read is written to ``consent_access_log`` (what was read, when, by whom),
  which the candidate can list.

Callers own the session (one per thread or request) and commit. ``readable_interview``
raises :class:`~core.errors.NotFound` both for a missing and for a forbidden interview, so a
response never reveals that somebody else's interview exists.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from core.db.models import (
    Company,
    ConsentAccessLog,
    Interview,
    ShareConsent,
    User,
    UserRole,
)
from core.errors import InputError, NotFound


def _now() -> datetime:
    return datetime.now(timezone.utc)


def active_consent(session: Session, interview_id: int, company_id: str | None) -> ShareConsent | None:
    if company_id is None:
        return None
    return session.scalar(select(ShareConsent).where(
        ShareConsent.interview_id == interview_id, ShareConsent.company_id == company_id,
        ShareConsent.revoked_at.is_(None)))


def can_read(session: Session, user: User, interview: Interview) -> bool:
    if user.role is UserRole.admin:
        return True
    if user.role is UserRole.candidate:
        return interview.candidate_id == user.id
    return active_consent(session, interview.id, user.company_id) is not None


def readable_interview(session: Session, user: User, interview_id: int, *, what: str | None = None) -> Interview:
    """The interview if ``user`` may read it, else NotFound. A recruiter's read of ``what``
    (e.g. "report") is logged (flushed; the caller commits)."""
    interview = session.get(Interview, interview_id)
    if interview is None or not can_read(session, user, interview):
        raise NotFound("db.not_found", what="interview", id=interview_id)
    if what is not None and user.role is UserRole.recruiter:
        session.add(ConsentAccessLog(interview_id=interview.id, viewer_id=user.id, what=what[:40]))
        session.flush()
    return interview


def owned_interview(session: Session, user: User, interview_id: int) -> Interview:
    """The interview if ``user`` is its candidate (or an admin), else NotFound: changes to an
    interview (status, questions, transcripts, sharing) are the candidate's alone."""
    interview = session.get(Interview, interview_id)
    if interview is None or (user.role is not UserRole.admin and interview.candidate_id != user.id):
        raise NotFound("db.not_found", what="interview", id=interview_id)
    return interview


def grant(session: Session, interview: Interview, company_id: str, *, include_video: bool = False,
          at: datetime | None = None) -> ShareConsent:
    """Share ``interview`` with ``company_id`` (re-granting a revoked consent reactivates it)."""
    if session.get(Company, company_id) is None:
        raise InputError("bank.unknown_company", id=company_id, known="GET /api/v1/companies")
    row = session.scalar(select(ShareConsent).where(
        ShareConsent.interview_id == interview.id, ShareConsent.company_id == company_id))
    if row is None:
        row = ShareConsent(interview_id=interview.id, company_id=company_id)
        session.add(row)
    row.include_video = include_video
    row.granted_at = at or _now()
    row.revoked_at = None
    session.flush()
    return row


def revoke(session: Session, interview: Interview, company_id: str, *, at: datetime | None = None) -> bool:
    """Withdraw the consent; True if there was an active one."""
    row = active_consent(session, interview.id, company_id)
    if row is None:
        return False
    row.revoked_at = at or _now()
    session.flush()
    return True


def consents(session: Session, interview_id: int) -> list[ShareConsent]:
    return list(session.scalars(select(ShareConsent).where(ShareConsent.interview_id == interview_id)
                                .order_by(ShareConsent.id)))


def access_log(session: Session, interview_id: int) -> list[tuple[ConsentAccessLog, User]]:
    rows = session.execute(select(ConsentAccessLog, User).join(User, User.id == ConsentAccessLog.viewer_id)
                           .where(ConsentAccessLog.interview_id == interview_id)
                           .order_by(ConsentAccessLog.id))
    return [(log, user) for log, user in rows]


def shared_with_company(session: Session, company_id: str | None) -> Select:
    """A select of the interviews actively shared with ``company_id`` (filter/sort on top)."""
    return (select(Interview).join(ShareConsent, ShareConsent.interview_id == Interview.id)
            .where(ShareConsent.company_id == (company_id or ""), ShareConsent.revoked_at.is_(None)))
