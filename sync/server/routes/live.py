"""Live video (WebRTC offer/answer, as in aiortc's examples/server) and recordings.

- ``POST /interviews/{id}/webrtc/offer``: the candidate who owns the interview publishes it
  (camera, microphone, data channel). Allowed while the interview is scheduled or live and
  shared with at least one company *with video* (else 409: the desktop records locally and
  uploads later). The server records it (``media_files``, source "live") and relays it. The
  consent is re-checked every few seconds: withdrawn, the stream ends (``revoked``).
- ``POST /interviews/{id}/webrtc/viewer``: a recruiter whose company the candidate shares the
  interview with, video included, watches it live (409 when nothing is live now). Each view
  is written to the audit log (``live_video``) and re-checked every few seconds.
- ``GET /interviews/{id}/recordings`` and ``.../recordings/{rid}/file``: the recordings (live
  segments and uploads); a recruiter's read is logged (``recordings``, ``recording``).
- Resumable, chunked upload of a desktop recording: ``POST .../recordings/uploads`` (size,
  SHA-256) returns an upload id and how much the server has; ``PUT .../uploads/{uid}?offset=N``
  appends one chunk (``X-Chunk-SHA256`` checked; an offset other than what the server has is
  409 with the server's count in the answer); ``GET`` tells the count after a crash. The last
  chunk checks the whole file and creates the recording. The same file uploaded again (same
  SHA-256) is answered with the existing recording: the server keeps exactly one copy.

Access as everywhere: 401 unauthenticated, 404 for an interview that is not yours to see
(recruiters without a video consent included), 403 for a role the route is not for.
Live routes run on the event loop (aiortc lives there); their database work runs in the
threadpool.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import uuid as uuidlib
from datetime import datetime, timezone
from pathlib import Path as FsPath
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Path, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core.db.models import Interview, InterviewStatus, MediaFile, MediaUpload, ShareConsent, User, UserRole
from core.errors import NotFound
from core.services import sharing
from sync.recording import mime_for, probe, sha256_file
from sync.server.deps import AUTH_RESPONSES, CurrentUser, RecruiterUser
from sync.server.live import NotLive
from sync.server.schemas import RecordingOut, SessionDescriptionIn, SessionDescriptionOut, UploadIn, UploadOut

log = logging.getLogger(__name__)
router = APIRouter(prefix="/interviews", tags=["live video"], responses=AUTH_RESPONSES)
InterviewId = Annotated[int, Path(ge=1, le=2**31 - 1)]
RecordingId = Annotated[int, Path(ge=1, le=2**31 - 1)]
UploadId = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$")]
NOT_FOUND = {404: {"description": "no such interview (or not yours to see)"}}
NO_MEDIA = {503: {"description": "the server has no media directory configured"}}
FMT = "webm"


def _not_found() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail="no such interview")


def _media_dir(request: Request) -> FsPath:
    media = request.app.state.settings.media_dir
    if not media:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                            detail="no media directory configured (BIG20_SERVER_MEDIA_DIR or --data-dir)")
    return FsPath(media)


def _video_consent(session, interview_id: int) -> bool:
    return session.scalar(select(ShareConsent.id).where(
        ShareConsent.interview_id == interview_id, ShareConsent.revoked_at.is_(None),
        ShareConsent.include_video.is_(True)).limit(1)) is not None


def _owned_shared(session, user: User, interview_id: int, *, live_only: bool) -> Interview:
    """The candidate's own interview, shared with a company with video (409 otherwise)."""
    try:
        interview = sharing.owned_interview(session, user, interview_id)
    except NotFound:
        raise _not_found() from None
    if live_only and interview.status not in (InterviewStatus.scheduled, InterviewStatus.live):
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"the interview is {interview.status.value}")
    if not _video_consent(session, interview.id):
        raise HTTPException(status.HTTP_409_CONFLICT,
                            detail="not shared with a company with video included (PUT .../shares/{company})")
    return interview


def _may_watch(session, user: User, interview_id: int) -> bool:
    """A recruiter needs an active consent for their company with video included."""
    if user.role is UserRole.recruiter:
        consent = sharing.active_consent(session, interview_id, user.company_id)
        return consent is not None and consent.include_video
    interview = session.get(Interview, interview_id)
    return interview is not None and sharing.can_read(session, user, interview)


def _watchable(session, user: User, interview_id: int, what: str) -> Interview:
    if not _may_watch(session, user, interview_id):
        raise _not_found()
    try:
        return sharing.readable_interview(session, user, interview_id, what=what)
    except NotFound:
        raise _not_found() from None


# ----------------------------------------------------------------------------- live
@router.post("/{interview_id}/webrtc/offer", response_model=SessionDescriptionOut,
             responses={**NOT_FOUND, **NO_MEDIA, 409: {"description": "not live-able now, or not shared with video"},
                        422: {"description": "the offer is not a usable SDP"}})
async def publish_offer(interview_id: InterviewId, body: SessionDescriptionIn, request: Request,
                        user: CurrentUser) -> SessionDescriptionOut:
    """Publish the interview live: answer the desktop's offer; the stream is recorded."""
    app = request.app

    def prepare() -> tuple[int, FsPath]:
        with app.state.sessions() as s:
            interview = _owned_shared(s, user, interview_id, live_only=True)
            media = _media_dir(request)  # after the access check: a stranger gets the 404
            row = MediaFile(interview_id=interview.id, kind="video", path="", mime=mime_for(FMT), source="live",
                            status="recording")
            s.add(row)
            s.flush()
            rel = FsPath("interviews") / str(interview.id) / f"live-{row.id}.{FMT}"
            (media / rel).parent.mkdir(parents=True, exist_ok=True)
            row.path = str(rel)
            s.commit()
            return row.id, media / rel

    recording_id, path = await run_in_threadpool(prepare)

    def finish(stats, video_t0: float | None) -> None:
        with app.state.sessions() as s:
            row = s.get(MediaFile, recording_id)
            if row is None:
                return
            row.status = "complete" if stats.frames else "empty"
            row.frames = stats.frames
            row.duration_s = stats.duration_s
            row.size = stats.size
            row.offset_s = video_t0
            row.sha256 = sha256_file(stats.path) if stats.path.exists() else None
            s.commit()

    async def on_finish(stats, video_t0) -> None:
        await run_in_threadpool(finish, stats, video_t0)

    def consent_kept() -> bool:
        with app.state.sessions() as s:
            return _video_consent(s, interview_id)

    async def still_allowed() -> bool:
        return await run_in_threadpool(consent_kept)

    try:
        answer = await app.state.live.publish(interview_id, recording_id, path, body.model_dump(),
                                              on_finish=on_finish, still_allowed=still_allowed, fmt=FMT)
    except ValueError as exc:  # aiortc's SDP parser refuses it
        def drop() -> None:
            with app.state.sessions() as s:
                s.execute(update(MediaFile).where(MediaFile.id == recording_id).values(status="failed"))
                s.commit()
        await run_in_threadpool(drop)
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY,
                            detail=[{"loc": ["body", "sdp"], "msg": str(exc)[:200], "type": "value_error"}]) from exc
    return SessionDescriptionOut(**answer, recording_id=recording_id, ice_servers=list(app.state.settings.ice_servers))


@router.post("/{interview_id}/webrtc/viewer", response_model=SessionDescriptionOut,
             responses={**NOT_FOUND, 409: {"description": "nothing is live for this interview now"},
                        422: {"description": "the offer is not a usable SDP"}})
async def viewer_offer(interview_id: InterviewId, body: SessionDescriptionIn, request: Request,
                       user: RecruiterUser) -> SessionDescriptionOut:
    """Watch the interview live (recruiters of a company it is shared with, video included)."""
    app = request.app
    hub = app.state.live
    if hub.stream(interview_id) is None:
        # checked before logging, but only after access: a stranger learns nothing either way
        def allowed_only() -> bool:
            with app.state.sessions() as s:
                return _may_watch(s, user, interview_id)
        if not await run_in_threadpool(allowed_only):
            raise _not_found()
        raise HTTPException(status.HTTP_409_CONFLICT, detail="nothing is live for this interview now")

    def check_and_log() -> None:
        with app.state.sessions() as s:
            _watchable(s, user, interview_id, "live_video")
            s.commit()

    await run_in_threadpool(check_and_log)

    def still() -> bool:
        with app.state.sessions() as s:
            return _may_watch(s, user, interview_id)

    async def still_allowed() -> bool:
        return await run_in_threadpool(still)

    try:
        answer = await hub.view(interview_id, user.id, body.model_dump(), still_allowed=still_allowed)
    except NotLive:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="nothing is live for this interview now") from None
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY,
                            detail=[{"loc": ["body", "sdp"], "msg": str(exc)[:200], "type": "value_error"}]) from exc
    return SessionDescriptionOut(**answer, ice_servers=list(app.state.settings.ice_servers))


# ----------------------------------------------------------------------------- recordings
@router.get("/{interview_id}/recordings", response_model=list[RecordingOut], responses=NOT_FOUND)
def list_recordings(interview_id: InterviewId, request: Request, user: CurrentUser) -> list[MediaFile]:
    with request.app.state.sessions() as s:
        interview = _watchable(s, user, interview_id, "recordings")
        rows = list(s.scalars(select(MediaFile).where(MediaFile.interview_id == interview.id,
                                                      MediaFile.kind == "video",
                                                      MediaFile.status.in_(("complete", "interrupted", "recording")))
                              .order_by(MediaFile.id)))
        s.commit()
        return rows


@router.get("/{interview_id}/recordings/{recording_id}/file", response_class=FileResponse,
            responses={**NOT_FOUND, **NO_MEDIA, 200: {"content": {"video/webm": {}, "video/mp4": {}}}})
def recording_file(interview_id: InterviewId, recording_id: RecordingId, request: Request,
                   user: CurrentUser) -> FileResponse:
    with request.app.state.sessions() as s:
        row = s.get(MediaFile, recording_id)
        if row is None or row.interview_id != interview_id or row.kind != "video":
            raise _not_found()
        _watchable(s, user, interview_id, "recording")
        s.commit()
        media = _media_dir(request)
        path = media / row.path
        mime = row.mime or "application/octet-stream"
    if not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="the recording's file is missing")
    # a download, never rendered in the browser's origin (with nosniff from SecurityHeaders)
    return FileResponse(path, media_type=mime, content_disposition_type="attachment",
                        filename=f"interview-{interview_id}-recording-{recording_id}.{FMT if 'webm' in mime else 'mp4'}")


# ----------------------------------------------------------------------------- chunked upload
def _upload_out(up: MediaUpload, chunk_max: int) -> UploadOut:
    return UploadOut(upload_id=up.id, size=up.size, received=up.received, complete=up.media_file_id is not None,
                     recording_id=up.media_file_id, chunk_max=chunk_max)


@router.post("/{interview_id}/recordings/uploads", response_model=UploadOut,
             responses={**NOT_FOUND, **NO_MEDIA, 409: {"description": "not shared with a company with video"},
                        413: {"description": "the candidate's recording quota is reached"}})
def start_upload(interview_id: InterviewId, body: UploadIn, request: Request, user: CurrentUser) -> UploadOut:
    """Start (or find again) the upload of one recording, keyed by its SHA-256."""
    chunk_max = request.app.state.settings.upload_chunk_max
    with request.app.state.sessions() as s:
        interview = _owned_shared(s, user, interview_id, live_only=False)
        media = _media_dir(request)
        up = s.scalar(select(MediaUpload).where(MediaUpload.interview_id == interview.id,
                                                MediaUpload.sha256 == body.sha256))
        if up is None:
            done = s.scalar(select(MediaFile).where(MediaFile.interview_id == interview.id,
                                                    MediaFile.sha256 == body.sha256))
            if done is None:
                _check_quota(s, request, interview.candidate_id, None, body.size)
            up = MediaUpload(id=str(uuidlib.uuid4()), interview_id=interview.id, owner_id=user.id, mime=body.mime,
                             size=body.size, sha256=body.sha256, received=0, offset_s=body.offset_s,
                             media_file_id=done.id if done else None)
            if done is not None:
                up.received = up.size
                up.completed_at = datetime.now(timezone.utc)
            s.add(up)
            try:
                s.commit()
            except IntegrityError:  # the same file started twice at once: answer the first
                s.rollback()
                up = s.scalar(select(MediaUpload).where(MediaUpload.interview_id == interview.id,
                                                        MediaUpload.sha256 == body.sha256))
        elif up.size != body.size:
            raise HTTPException(status.HTTP_409_CONFLICT, detail="this checksum was announced with another size")
        if up.media_file_id is None:
            _check_quota(s, request, interview.candidate_id, up.id)
        (media / "uploads").mkdir(parents=True, exist_ok=True)
        return _upload_out(up, chunk_max)


def _check_quota(s, request: Request, candidate_id: int, upload_id: str | None, extra: int = 0) -> None:
    """413 when the candidate's recordings plus open uploads (plus ``extra``) pass the quota."""
    quota = request.app.state.settings.recording_quota
    stored = s.scalar(select(func.coalesce(func.sum(MediaFile.size), 0)).join(
        Interview, Interview.id == MediaFile.interview_id).where(Interview.candidate_id == candidate_id)) or 0
    pending = s.scalar(select(func.coalesce(func.sum(MediaUpload.size), 0)).join(
        Interview, Interview.id == MediaUpload.interview_id).where(
        Interview.candidate_id == candidate_id, MediaUpload.media_file_id.is_(None))) or 0
    if stored + pending + extra > quota:
        raise HTTPException(413,
                            detail=f"recording quota of {quota} bytes reached ({stored} stored, {pending} uploading)")


def _owned_upload(s, user: User, interview_id: int, upload_id: str, *, lock: bool = False) -> MediaUpload:
    try:
        sharing.owned_interview(s, user, interview_id)
    except NotFound:
        raise _not_found() from None
    up = s.get(MediaUpload, upload_id, with_for_update=lock)
    if up is None or up.interview_id != interview_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such upload")
    return up


@router.get("/{interview_id}/recordings/uploads/{upload_id}", response_model=UploadOut, responses=NOT_FOUND)
def upload_state(interview_id: InterviewId, upload_id: UploadId, request: Request, user: CurrentUser) -> UploadOut:
    """How many bytes the server holds (resume from there)."""
    with request.app.state.sessions() as s:
        return _upload_out(_owned_upload(s, user, interview_id, upload_id), request.app.state.settings.upload_chunk_max)


@router.put("/{interview_id}/recordings/uploads/{upload_id}", response_model=UploadOut,
            responses={**NOT_FOUND, **NO_MEDIA, 409: {"description": "offset is not what the server holds"},
                       422: {"description": "chunk checksum or size wrong"}},
            openapi_extra={"requestBody": {"required": True,
                                           "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                                                "format": "binary"}}}}})
async def upload_chunk(interview_id: InterviewId, upload_id: UploadId, request: Request, user: CurrentUser,
                       offset: Annotated[int, Query(ge=0, le=2**31 - 1)],
                       chunk_sha256: Annotated[str, Header(alias="X-Chunk-SHA256", pattern=r"^[0-9a-f]{64}$")]):
    """Append the bytes at ``offset`` (which must be what the server holds). The chunk streams
    to a file beside the upload while its SHA-256 is computed; it is never held in memory whole
    (the ASGI body limit has already refused anything over ``upload_chunk_max``)."""
    chunk_max = request.app.state.settings.upload_chunk_max

    def owned() -> None:
        with request.app.state.sessions() as s:
            _owned_upload(s, user, interview_id, upload_id)  # a stranger gets the 404, not the 503

    await run_in_threadpool(owned)
    media = _media_dir(request)
    spool_dir = media / "uploads"
    spool_dir.mkdir(parents=True, exist_ok=True)
    spool = spool_dir / f".chunk-{uuidlib.uuid4().hex}"
    digest = hashlib.sha256()
    size = 0
    try:
        with open(spool, "wb") as f:
            async for piece in request.stream():
                size += len(piece)
                if size > chunk_max:
                    raise HTTPException(413,
                                        detail=f"a chunk is at most {chunk_max} bytes")
                digest.update(piece)
                f.write(piece)
        return await run_in_threadpool(_append, request, user, interview_id, upload_id, offset, spool, size,
                                       digest.hexdigest(), chunk_sha256, chunk_max)
    finally:
        spool.unlink(missing_ok=True)


def _append(request: Request, user: User, interview_id: int, upload_id: str, offset: int,
            spool: FsPath, size: int, got_sha256: str, chunk_sha256: str, chunk_max: int):
    with request.app.state.sessions() as s:
        up = _owned_upload(s, user, interview_id, upload_id, lock=True)  # one writer per upload
        media = _media_dir(request)
        if not size or size > chunk_max:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, detail=[
                {"loc": ["body"], "msg": f"a chunk is 1..{chunk_max} bytes", "type": "value_error"}])
        if got_sha256 != chunk_sha256:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, detail=[
                {"loc": ["header", "X-Chunk-SHA256"], "msg": "chunk checksum mismatch", "type": "value_error"}])
        if up.media_file_id is not None:
            return _upload_out(up, chunk_max)
        if offset != up.received:
            return JSONResponse(status_code=409, content={
                "detail": f"the server holds {up.received} bytes; send from there",
                **_upload_out(up, chunk_max).model_dump()})
        if offset + size > up.size:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY,
                                detail=[{"loc": ["body"], "msg": "chunk goes past the announced size",
                                         "type": "value_error"}])
        part = media / "uploads" / f"{up.id}.part"
        part.parent.mkdir(parents=True, exist_ok=True)
        with open(part, "r+b" if part.exists() else "wb") as f, open(spool, "rb") as src:
            f.seek(offset)
            shutil.copyfileobj(src, f, 1024 * 1024)
            f.truncate()  # bytes past ``received`` from a write whose commit was lost
            f.flush()
            os.fsync(f.fileno())  # on disk before the count says so
        up.received = offset + size
        if up.received == up.size:
            _complete(s, media, up, part)
        s.commit()
        return _upload_out(up, chunk_max)


def sniff_video(path: FsPath) -> str | None:
    """"webm" or "mp4" from the file's first bytes (EBML header; ISO BMFF ``ftyp`` box), else None."""
    with open(path, "rb") as f:
        head = f.read(12)
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if head[4:8] == b"ftyp":
        return "mp4"
    return None


def _complete(s, media: FsPath, up: MediaUpload, part: FsPath) -> None:
    got = sha256_file(part)
    if got != up.sha256:
        # the chunks were each right but the whole is not: start the upload over
        part.unlink(missing_ok=True)
        up.received = 0
        s.commit()
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY,
                            detail=[{"loc": ["body"], "msg": "file checksum mismatch; upload restarted",
                                     "type": "value_error"}])
    kind = sniff_video(part)
    if kind is None or mime_for(kind) != up.mime:
        # checksummed and complete, but not the container announced: never stored or served
        part.unlink(missing_ok=True)
        up.received = 0
        s.commit()
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY,
                            detail=[{"loc": ["body"], "msg": f"the file is not a {up.mime} container; upload restarted",
                                     "type": "value_error"}])
    ext = "mp4" if up.mime == "video/mp4" else "webm"
    rel = FsPath("interviews") / str(up.interview_id) / f"upload-{up.sha256[:16]}.{ext}"
    (media / rel).parent.mkdir(parents=True, exist_ok=True)
    os.replace(part, media / rel)
    try:
        info = probe(media / rel, decode=False)
        frames, duration = info.frames, info.duration_s
    except Exception:  # noqa: BLE001 - not a readable video: kept (checksummed), without figures
        log.warning("uploaded recording %s is not readable by PyAV", rel)
        frames, duration = None, None
    row = MediaFile(interview_id=up.interview_id, kind="video", path=str(rel), mime=up.mime, size=up.size,
                    sha256=up.sha256, duration_s=duration, frames=frames, offset_s=up.offset_s, source="upload",
                    status="complete")
    s.add(row)
    s.flush()
    up.media_file_id = row.id
    up.completed_at = datetime.now(timezone.utc)
