"""Uploading a local recording to the server: resumable, chunked, checksummed, from the outbox.

:func:`enqueue_recording` puts a recording (a file the live publisher wrote while offline or
refused) into the same ``sync_outbox`` as the interviews (entity "recording"), with its
SHA-256 and size taken now: a file changed afterwards is refused rather than uploaded.
:class:`sync.client.outbox.Outbox` hands such rows to :func:`upload_recording`.

:func:`upload_recording` asks the server how much of this file (by SHA-256) it holds, then
sends the rest in chunks, each with its own SHA-256 (``X-Chunk-SHA256``). A connection lost
mid-chunk, an app killed mid-upload or a server restarted: the next run asks again and goes
on from the server's count, never from the start and never twice (the server keeps one
upload and one recording per checksum). Threading: runs on the outbox's worker thread.
"""

from __future__ import annotations

import hashlib
import logging
import uuid as uuidlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from sqlalchemy.orm import Session

from core.db.models import OutboxStatus, SyncOutbox
from core.errors import InputError
from sync.client.api import ServerClient, ServerRefused
from sync.recording import sha256_file

log = logging.getLogger(__name__)

ENTITY = "recording"
CHUNK = 1 << 20  # 1 MiB: a lost chunk costs little, a 30-minute WebM is a few hundred requests


def enqueue_recording(session: Session, *, interview_uuid: str, path: Path | str, mime: str = "video/webm",
                      server_interview_id: str | None = None, offset_s: float | None = None) -> SyncOutbox:
    """Queue ``path`` for upload (flushed; the caller commits). The interview is found on the
    server by ``server_interview_id`` (its public id) or else by its uuid (once it has been
    synced)."""
    path = Path(path)
    if not path.is_file():
        raise InputError("rtc.recording_missing", path=str(path))
    sha = sha256_file(path)
    row = SyncOutbox(idempotency_key=str(uuidlib.uuid4()), entity=ENTITY, entity_id=sha, operation="upload",
                     payload={"interview_uuid": interview_uuid, "server_interview_id": server_interview_id,
                              "path": str(path), "sha256": sha, "size": path.stat().st_size, "mime": mime,
                              "offset_s": offset_s},
                     status=OutboxStatus.pending, attempts=0, next_attempt_at=datetime.now(timezone.utc))
    session.add(row)
    session.flush()
    return row


def upload_recording(client: ServerClient, interview_id: str, path: Path | str, *, sha256: str, size: int,
                     mime: str = "video/webm", offset_s: float | None = None, chunk_size: int = CHUNK,
                     on_chunk: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Send what the server does not have yet; the final state (``complete``, ``recording_id``).

    ``on_chunk(received, size)`` runs after each chunk the server accepted. Raises
    ServerUnreachable (retry later), ServerRefused (won't work as is), InputError when the
    file is gone or no longer the one queued."""
    path = Path(path)
    if not path.is_file():
        raise InputError("rtc.recording_missing", path=str(path))
    if path.stat().st_size != size:
        raise InputError("rtc.upload_mismatch", what=f"{path.name} changed size since it was queued")
    state = client.start_upload(interview_id, size=size, sha256=sha256, mime=mime, offset_s=offset_s)
    chunk_size = max(1, min(chunk_size, int(state.get("chunk_max") or chunk_size)))
    upload_id = state["upload_id"]
    pos = int(state["received"])
    with open(path, "rb") as f:
        while not state.get("complete") and pos < size:
            f.seek(pos)
            data = f.read(chunk_size)
            try:
                state = client.upload_chunk(interview_id, upload_id, pos, data, hashlib.sha256(data).hexdigest())
            except ServerRefused as exc:
                if exc.status != 409:
                    raise
                state = client.upload_state(interview_id, upload_id)  # another try got further
            pos = int(state["received"])
            if on_chunk is not None:
                on_chunk(pos, size)
    if not state.get("complete"):
        raise InputError("rtc.upload_mismatch", what="the server did not finish the file")
    return state
