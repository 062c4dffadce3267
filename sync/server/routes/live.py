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
Live routes run on the event loop; their database work runs in the threadpool on the request's
session (``deps.in_thread``). The route decides who may publish or watch, then hands the offer
to ``app.state.live`` (:mod:`sync.server.live_owner`): this process's streams, or the live-video
owner process's when several API processes serve, so any process may answer any live request.
The streams' callbacks, which outlive the request (the consent re-check every few seconds, the
recording's last row), are the streams' own. 503 when live video is unavailable (the owner
process not answering). SQL lives in :mod:`core.services.recordings`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import uuid as uuidlib
from pathlib import Path as FsPath
from typing import Annotated, Any, NamedTuple

from fastapi import APIRouter, Header, HTTPException, Path, Query, Request, status
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db.models import Interview, InterviewStatus, MediaFile, MediaUpload, User
from core.services import recordings, sharing
from sync.recording import mime_for, probe, sha256_file
from sync.server.deps import (
    AUTH_RESPONSES,
    CurrentUser,
    InterviewId,
    RecruiterUser,
    SessionDep,
    in_thread,
)
from sync.server.live import NotLive
from sync.server.live_owner import LiveUnavailable
from sync.server.schemas import RecordingOut, SessionDescriptionIn, SessionDescriptionOut, UploadIn, UploadOut

log = logging.getLogger(__name__)
router = APIRouter(prefix="/interviews", tags=["live video"], responses=AUTH_RESPONSES)
RecordingId = Annotated[str, Path(min_length=36, max_length=36, pattern=r"^[0-9a-f-]{36}$")]  # its public id
UploadId = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$")]
Responses = dict[int | str, dict[str, Any]]  # FastAPI's ``responses=`` type
NOT_FOUND: Responses = {404: {"description": "no such interview (or not yours to see)"}}
NO_MEDIA: Responses = {503: {"description": "the server has no media directory configured"}}
FMT = "webm"


def _not_found() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail="no such interview")


def _media_dir(request: Request) -> FsPath:
    media = request.app.state.settings.media_dir
    if not media:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                            detail="no media directory configured (BIG20_SERVER_MEDIA_DIR or --data-dir)")
    return FsPath(media)


def _owned_shared(session: Session, user: User, interview_id: str, *, live_only: bool) -> Interview:
    """The candidate's own interview (404 otherwise), shared with a company with video (409)."""
    interview = sharing.owned_interview(session, user, interview_id)
    if live_only and interview.status not in (InterviewStatus.scheduled, InterviewStatus.live):
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"the interview is {interview.status.value}")
    if not recordings.video_consent(session, interview.id):
        raise HTTPException(status.HTTP_409_CONFLICT,
                            detail="not shared with a company with video included (PUT .../shares/{company})")
    return interview


# ----------------------------------------------------------------------------- live
def _bad_sdp(exc: ValueError) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY,
                         detail=[{"loc": ["body", "sdp"], "msg": str(exc)[:200], "type": "value_error"}])


def _unavailable(exc: LiveUnavailable) -> HTTPException:
    log.warning("live video unavailable: %s", exc)
    return HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="live video is unavailable now; try again")


@router.post("/{interview_id}/webrtc/offer", response_model=SessionDescriptionOut,
             responses={**NOT_FOUND, **NO_MEDIA, 409: {"description": "not live-able now, or not shared with video"},
                        422: {"description": "the offer is not a usable SDP"},
                        503: {"description": "no media directory, or live video unavailable now"}})
async def publish_offer(interview_id: InterviewId, body: SessionDescriptionIn, request: Request,
                        session: SessionDep, user: CurrentUser) -> SessionDescriptionOut:
    """Publish the interview live: answer the desktop's offer; the stream is recorded."""
    app = request.app

    def prepare(s: Session) -> tuple[int, int, str, FsPath]:
        interview = _owned_shared(s, user, interview_id, live_only=True)
        media = _media_dir(request)  # after the access check: a stranger gets the 404
        row = recordings.start_live(s, interview, mime=mime_for(FMT), fmt=FMT)
        (media / row.path).parent.mkdir(parents=True, exist_ok=True)
        s.commit()
        return interview.id, row.id, row.public_id, media / row.path

    # the integer keys stay on the server (this process and the live-video owner); clients
    # see the public ids
    iid, recording_id, recording_public_id, path = await in_thread(session, prepare)
    try:
        answer = await app.state.live.publish(interview_id, interview_pk=iid, recording_pk=recording_id,
                                              recording_id=recording_public_id, path=str(path), fmt=FMT,
                                              offer=body.model_dump())
    except ValueError as exc:  # aiortc's SDP parser refuses it
        await in_thread(session, recordings.mark, recording_id, "failed")
        raise _bad_sdp(exc) from exc
    except LiveUnavailable as exc:
        await in_thread(session, recordings.mark, recording_id, "failed")
        raise _unavailable(exc) from exc
    return SessionDescriptionOut(**answer, recording_id=recording_public_id,
                                 ice_servers=list(app.state.settings.ice_servers))


@router.post("/{interview_id}/webrtc/viewer", response_model=SessionDescriptionOut,
             responses={**NOT_FOUND, 409: {"description": "nothing is live for this interview now"},
                        422: {"description": "the offer is not a usable SDP"},
                        503: {"description": "live video unavailable now"}})
async def viewer_offer(interview_id: InterviewId, body: SessionDescriptionIn, request: Request,
                       session: SessionDep, user: RecruiterUser) -> SessionDescriptionOut:
    """Watch the interview live (recruiters of a company it is shared with, video included)."""
    app = request.app
    live = app.state.live
    unavailable: LiveUnavailable | None = None
    try:
        streaming = await live.is_live(interview_id)
    except LiveUnavailable as exc:
        streaming, unavailable = False, exc
    if not streaming:
        # checked before logging, but only after access: a stranger learns nothing either way
        if not await in_thread(session, recordings.may_watch, user, interview_id):
            raise _not_found()
        if unavailable is not None:
            raise _unavailable(unavailable)
        raise HTTPException(status.HTTP_409_CONFLICT, detail="nothing is live for this interview now")

    def check_and_log(s: Session) -> None:
        recordings.watchable(s, user, interview_id, "live_video")
        s.commit()

    await in_thread(session, check_and_log)
    try:
        answer = await live.view(interview_id, viewer_id=user.id, offer=body.model_dump())
    except NotLive:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="nothing is live for this interview now") from None
    except ValueError as exc:
        raise _bad_sdp(exc) from exc
    except LiveUnavailable as exc:
        raise _unavailable(exc) from exc
    return SessionDescriptionOut(**answer, ice_servers=list(app.state.settings.ice_servers))


# ----------------------------------------------------------------------------- recordings
@router.get("/{interview_id}/recordings", response_model=list[RecordingOut], responses=NOT_FOUND)
def list_recordings(interview_id: InterviewId, session: SessionDep, user: CurrentUser) -> list[MediaFile]:
    interview = recordings.watchable(session, user, interview_id, "recordings")
    rows = recordings.shown(session, interview.id)
    session.commit()
    return rows


@router.get("/{interview_id}/recordings/{recording_id}/file", response_class=FileResponse,
            responses={**NOT_FOUND, **NO_MEDIA, 200: {"content": {"video/webm": {}, "video/mp4": {}}}})
def recording_file(interview_id: InterviewId, recording_id: RecordingId, request: Request, session: SessionDep,
                   user: CurrentUser) -> FileResponse:
    interview = recordings.watchable(session, user, interview_id, "recording")
    row = recordings.video_of(session, interview, recording_id)
    session.commit()
    path = _media_dir(request) / row.path
    mime = row.mime or "application/octet-stream"
    if not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="the recording's file is missing")
    # a download, never rendered in the browser's origin (with nosniff from SecurityHeaders)
    return FileResponse(path, media_type=mime, content_disposition_type="attachment",
                        filename=f"interview-{interview_id}-recording-{recording_id}.{FMT if 'webm' in mime else 'mp4'}")


# ----------------------------------------------------------------------------- chunked upload
def _upload_out(session: Session, up: MediaUpload, chunk_max: int) -> UploadOut:
    return UploadOut(upload_id=up.id, size=up.size, received=up.received, complete=up.media_file_id is not None,
                     recording_id=recordings.recording_public_id(session, up.media_file_id), chunk_max=chunk_max)


@router.post("/{interview_id}/recordings/uploads", response_model=UploadOut,
             responses={**NOT_FOUND, **NO_MEDIA, 409: {"description": "not shared with a company with video"},
                        413: {"description": "the candidate's recording quota is reached"}})
def start_upload(interview_id: InterviewId, body: UploadIn, request: Request, session: SessionDep,
                 user: CurrentUser) -> UploadOut:
    """Start (or find again) the upload of one recording, keyed by its SHA-256."""
    chunk_max = request.app.state.settings.upload_chunk_max
    interview = _owned_shared(session, user, interview_id, live_only=False)
    media = _media_dir(request)
    up = recordings.upload_of(session, interview.id, body.sha256)
    if up is None:
        done = recordings.recording_with(session, interview.id, body.sha256)
        if done is None:
            _check_quota(session, request, interview.candidate_id, body.size)
        up = MediaUpload(id=str(uuidlib.uuid4()), interview_id=interview.id, owner_id=user.id, mime=body.mime,
                         size=body.size, sha256=body.sha256, received=0, offset_s=body.offset_s,
                         media_file_id=done.id if done else None)
        if done is not None:
            up.received = up.size
            up.completed_at = recordings.now()
        session.add(up)
        try:
            session.commit()
        except IntegrityError:  # the same file started twice at once: answer the first
            session.rollback()
            first = recordings.upload_of(session, interview.id, body.sha256)
            if first is None:  # and it is gone again (cancelled meanwhile): the client retries
                raise HTTPException(status.HTTP_409_CONFLICT, detail="a concurrent upload of this file") from None
            up = first
    elif up.size != body.size:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="this checksum was announced with another size")
    if up.media_file_id is None:
        _check_quota(session, request, interview.candidate_id)
    (media / "uploads").mkdir(parents=True, exist_ok=True)
    return _upload_out(session, up, chunk_max)


def _check_quota(session: Session, request: Request, candidate_id: int, extra: int = 0) -> None:
    """413 when the candidate's recordings plus open uploads (plus ``extra``) pass the quota."""
    quota = request.app.state.settings.recording_quota
    stored, pending = recordings.stored_bytes(session, candidate_id)
    if stored + pending + extra > quota:
        raise HTTPException(413,
                            detail=f"recording quota of {quota} bytes reached ({stored} stored, {pending} uploading)")


@router.get("/{interview_id}/recordings/uploads/{upload_id}", response_model=UploadOut, responses=NOT_FOUND)
def upload_state(interview_id: InterviewId, upload_id: UploadId, request: Request, session: SessionDep,
                 user: CurrentUser) -> UploadOut:
    """How many bytes the server holds (resume from there)."""
    up = recordings.owned_upload(session, user, interview_id, upload_id)
    return _upload_out(session, up, request.app.state.settings.upload_chunk_max)


@router.put("/{interview_id}/recordings/uploads/{upload_id}", response_model=UploadOut,
            responses={**NOT_FOUND, **NO_MEDIA, 409: {"description": "offset is not what the server holds"},
                       422: {"description": "chunk checksum or size wrong"}},
            openapi_extra={"requestBody": {"required": True,
                                           "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                                                "format": "binary"}}}}})
async def upload_chunk(interview_id: InterviewId, upload_id: UploadId, request: Request, session: SessionDep,
                       user: CurrentUser, offset: Annotated[int, Query(ge=0, le=2**31 - 1)],
                       chunk_sha256: Annotated[str, Header(alias="X-Chunk-SHA256", pattern=r"^[0-9a-f]{64}$")]):
    """Append the bytes at ``offset`` (which must be what the server holds). The chunk streams
    to a file beside the upload while its SHA-256 is computed; it is never held in memory whole
    (the ASGI body limit has already refused anything over ``upload_chunk_max``). The request's
    session is used twice (the owner check, then the append), holding no connection between."""
    chunk_max = request.app.state.settings.upload_chunk_max
    # a stranger gets the 404, not the 503
    await in_thread(session, recordings.owned_upload, user, interview_id, upload_id)
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
        chunk = _Chunk(offset, spool, size, digest.hexdigest(), chunk_sha256, chunk_max)
        return await in_thread(session, _append, media, user, interview_id, upload_id, chunk)
    finally:
        spool.unlink(missing_ok=True)


class _Chunk(NamedTuple):
    offset: int
    spool: FsPath
    size: int
    got_sha256: str
    sha256: str
    chunk_max: int


def _append(s: Session, media: FsPath, user: User, interview_id: str, upload_id: str, chunk: _Chunk):
    up = recordings.owned_upload(s, user, interview_id, upload_id, lock=True)  # one writer per upload
    offset, size, chunk_max = chunk.offset, chunk.size, chunk.chunk_max
    if not size or size > chunk_max:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, detail=[
            {"loc": ["body"], "msg": f"a chunk is 1..{chunk_max} bytes", "type": "value_error"}])
    if chunk.got_sha256 != chunk.sha256:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, detail=[
            {"loc": ["header", "X-Chunk-SHA256"], "msg": "chunk checksum mismatch", "type": "value_error"}])
    if up.media_file_id is not None:
        return _upload_out(s, up, chunk_max)
    if offset != up.received:
        return JSONResponse(status_code=409, content={
            "detail": f"the server holds {up.received} bytes; send from there",
            **_upload_out(s, up, chunk_max).model_dump()})
    if offset + size > up.size:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY,
                            detail=[{"loc": ["body"], "msg": "chunk goes past the announced size",
                                     "type": "value_error"}])
    part = media / "uploads" / f"{up.id}.part"
    part.parent.mkdir(parents=True, exist_ok=True)
    with open(part, "r+b" if part.exists() else "wb") as f, open(chunk.spool, "rb") as src:
        f.seek(offset)
        shutil.copyfileobj(src, f, 1024 * 1024)
        f.truncate()  # bytes past ``received`` from a write whose commit was lost
        f.flush()
        os.fsync(f.fileno())  # on disk before the count says so
    up.received = offset + size
    if up.received == up.size:
        _complete(s, media, up, part)
    s.commit()
    return _upload_out(s, up, chunk_max)


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
    up.completed_at = recordings.now()
