"""Recordings of interviews on the server: who may watch them, the rows of live recordings
and of resumable uploads, and each candidate's stored bytes (for the quota).

Watching needs more than reading: a recruiter's company must hold an active consent *with
video* (``share_consents.include_video``); a candidate watches their own, an admin any. A
missing and a forbidden interview are the same :class:`~core.errors.NotFound`.

Callers own the session (one per request or thread) and commit, except where a function
says it commits.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.db.models import Interview, MediaFile, MediaUpload, ShareConsent, User, UserRole
from core.errors import NotFound
from core.services import sharing

# the states of a recording a reader is shown (not the failed or empty ones)
SHOWN = ("complete", "interrupted", "recording")


def video_consent(session: Session, interview_id: int) -> bool:
    """Whether some company holds an active consent with video for the interview."""
    return session.scalar(select(ShareConsent.id).where(
        ShareConsent.interview_id == interview_id, ShareConsent.revoked_at.is_(None),
        ShareConsent.include_video.is_(True)).limit(1)) is not None


def may_watch(session: Session, user: User, interview_uuid: str) -> bool:
    """A recruiter needs an active consent for their company with video included; the others
    follow the read rule (core.services.sharing). ``interview_uuid``: the public id."""
    if user.role is UserRole.recruiter:
        if user.company_id is None:
            return False
        return session.scalar(select(ShareConsent.id).join(Interview, Interview.id == ShareConsent.interview_id).where(
            Interview.uuid == interview_uuid, ShareConsent.company_id == user.company_id,
            ShareConsent.revoked_at.is_(None), ShareConsent.include_video.is_(True)).limit(1)) is not None
    interview = session.scalar(select(Interview).where(Interview.uuid == interview_uuid))
    return interview is not None and sharing.can_read(session, user, interview)


def may_still_watch(session: Session, user_id: int, interview_uuid: str) -> bool:
    """:func:`may_watch` for a user known by id, asked again while a live view lasts: a user
    disabled or deleted since may not."""
    user = session.get(User, user_id)
    return user is not None and user.disabled_at is None and may_watch(session, user, interview_uuid)


def watchable(session: Session, user: User, interview_uuid: str, what: str) -> Interview:
    """The interview if ``user`` may watch it (a recruiter's view of ``what`` logged; the caller
    commits), else NotFound."""
    if not may_watch(session, user, interview_uuid):
        raise NotFound("db.not_found", what="interview", id=interview_uuid)
    return sharing.readable_interview(session, user, interview_uuid, what=what)


def shown(session: Session, interview_id: int) -> list[MediaFile]:
    """The interview's video recordings a reader is shown, oldest first."""
    return list(session.scalars(select(MediaFile).where(MediaFile.interview_id == interview_id,
                                                        MediaFile.kind == "video", MediaFile.status.in_(SHOWN))
                                .order_by(MediaFile.id)))


def video_of(session: Session, interview: Interview, recording_id: str) -> MediaFile:
    """The video recording of the interview whose public id is ``recording_id``, else NotFound."""
    row = session.scalar(select(MediaFile).where(MediaFile.public_id == recording_id))
    if row is None or row.interview_id != interview.id or row.kind != "video":
        raise NotFound("db.not_found", what="recording", id=recording_id)
    return row


def start_live(session: Session, interview: Interview, *, mime: str, fmt: str) -> MediaFile:
    """A "recording" row for a live stream, its path relative to the media directory
    (``interviews/<id>/live-<row>.<fmt>``); flushed, the caller commits."""
    row = MediaFile(interview_id=interview.id, kind="video", path="", mime=mime, source="live", status="recording")
    session.add(row)
    session.flush()
    row.path = f"interviews/{interview.id}/live-{row.id}.{fmt}"
    return row


def finish_live(session: Session, recording_id: int, *, frames: int, duration_s: float | None, size: int | None,
                offset_s: float | None, sha256: str | None) -> None:
    """What the recorder wrote, once the stream ended: "complete", or "empty" without frames.
    Commits."""
    row = session.get(MediaFile, recording_id)
    if row is None:
        return
    row.status = "complete" if frames else "empty"
    row.frames, row.duration_s, row.size, row.offset_s, row.sha256 = frames, duration_s, size, offset_s, sha256
    session.commit()


def mark(session: Session, recording_id: int, status: str) -> None:
    """Set a recording's status (a refused offer: "failed"). Commits."""
    session.execute(update(MediaFile).where(MediaFile.id == recording_id).values(status=status))
    session.commit()


def mark_interrupted(session: Session) -> None:
    """Live recordings still "recording" at start-up were cut by a server stop that could not
    finish them (killed): "interrupted", so nobody waits for them. The caller commits."""
    session.execute(update(MediaFile).where(MediaFile.source == "live", MediaFile.status == "recording")
                    .values(status="interrupted"))


def stored_bytes(session: Session, candidate_id: int) -> tuple[int, int]:
    """(bytes of the candidate's recordings, bytes announced by their unfinished uploads)."""
    stored = session.scalar(select(func.coalesce(func.sum(MediaFile.size), 0)).join(
        Interview, Interview.id == MediaFile.interview_id).where(Interview.candidate_id == candidate_id)) or 0
    pending = session.scalar(select(func.coalesce(func.sum(MediaUpload.size), 0)).join(
        Interview, Interview.id == MediaUpload.interview_id).where(
        Interview.candidate_id == candidate_id, MediaUpload.media_file_id.is_(None))) or 0
    return int(stored), int(pending)


def upload_of(session: Session, interview_id: int, sha256: str) -> MediaUpload | None:
    return session.scalar(select(MediaUpload).where(MediaUpload.interview_id == interview_id,
                                                    MediaUpload.sha256 == sha256))


def recording_with(session: Session, interview_id: int, sha256: str) -> MediaFile | None:
    return session.scalar(select(MediaFile).where(MediaFile.interview_id == interview_id,
                                                  MediaFile.sha256 == sha256))


def owned_upload(session: Session, user: User, interview_uuid: str, upload_id: str, *,
                 lock: bool = False) -> MediaUpload:
    """The upload of the user's own interview (its public id), else NotFound; ``lock``: the row
    locked for this transaction (one writer per upload)."""
    interview = sharing.owned_interview(session, user, interview_uuid)
    up = session.get(MediaUpload, upload_id, with_for_update=lock)
    if up is None or up.interview_id != interview.id:
        raise NotFound("db.not_found", what="upload", id=upload_id)
    return up


def recording_public_id(session: Session, media_file_id: int | None) -> str | None:
    """The public id of a recording row (what clients see), None for none."""
    if media_file_id is None:
        return None
    return session.scalar(select(MediaFile.public_id).where(MediaFile.id == media_file_id))


def now() -> datetime:
    return datetime.now(timezone.utc)
