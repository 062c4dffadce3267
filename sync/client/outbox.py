"""The desktop's sync outbox: completed, shared interviews go to the server exactly once.

Flow. :func:`enqueue_interview` snapshots a completed interview that the candidate shared
(its resume data, questions, transcripts, latest report, metrics inside the report, and
its consent rows) into one ``sync_outbox`` row with a fresh idempotency key, in the local
database: the queue survives app restarts. :meth:`Outbox.run_once` pushes the due rows in
order; each push carries its row's key (``Idempotency-Key``), the server applies a bundle
and stores its receipt in one transaction, so a push that was delivered but whose answer
was lost (server killed, network cut, app killed) is answered from the receipt when resent:
nothing is applied twice.

Retries: network errors, timeouts, 5xx and 429 keep the row pending with exponential backoff
(2 s, 4 s, 8 s ... capped at 15 min, +-20 % jitter so many desktops do not return together).
A 4xx the server will give again (invalid bundle, unknown company) marks the row failed with
the server's reason; a 401 that a token refresh cannot fix stops the run and leaves rows
pending until the user logs in again.

Conflict rules:

1. The device owns an interview's content. Completed interviews are final locally, so two
   snapshots of one interview differ only by a re-evaluation or a consent change; the later
   snapshot replaces the earlier on the server (questions, transcripts, report as one unit).
2. A row already attempted is never edited (its key may have been applied); a newer snapshot
   gets a new row and key. A never-attempted pending row of the same interview is replaced in
   place, so the queue holds one pending snapshot per interview.
3. Consent: each grant/revoke carries its time; the later action wins on the server, so a
   revocation made on the server (or another device) is not undone by an older snapshot.
4. Recruiter notes and score overrides exist only on the server; sync never touches them.
5. An interview uuid owned by another account on the server is refused (failed, "not found").

Sharing from the desktop: ``core.services.sharing.grant(session, interview, company_id)`` then
:func:`enqueue_interview`; withdrawing: ``sharing.revoke(...)`` then :func:`enqueue_interview`
(the revocation travels in the snapshot; ``ServerClient.revoke_share`` is the immediate path
when online).

Recordings (entity "recording", :mod:`sync.client.recording_upload`) travel in the same
queue: a row holds a local file's path and SHA-256, and each run resumes its chunked upload
from what the server already holds.

State for the desktop: :func:`sync_state` / :func:`sync_states` give per interview
``synced`` / ``pending`` / ``failed`` / ``not_shared`` with the reason and the next try.

Threading: ``Outbox`` runs on one worker thread (the desktop's network lane) with its own
sessions; the UI reads states through its own session. SQLite WAL lets both proceed.
"""

from __future__ import annotations

import logging
import random
import uuid as uuidlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import (
    EvaluationReport,
    Interview,
    InterviewQuestion,
    InterviewStatus,
    OutboxStatus,
    Question,
    Resume,
    ShareConsent,
    SyncOutbox,
    Transcript,
)
from core.db.session import transaction
from core.errors import InputError
from core.services.sync_ingest import InterviewBundle
from core.tasks import CancelToken
from sync.client import recording_upload
from sync.client.api import LoginRequired, ServerClient, ServerRefused, ServerUnreachable

log = logging.getLogger(__name__)

ENTITY = "interview"
BASE_DELAY_S = 2.0
MAX_DELAY_S = 15 * 60.0


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(v: datetime | None) -> datetime | None:
    if v is None:
        return None
    return v if v.tzinfo is not None else v.replace(tzinfo=timezone.utc)


def _iso(v: datetime | None) -> str | None:
    return _aware(v).isoformat() if v is not None else None


def backoff(attempts: int, rng: random.Random | None = None) -> float:
    """Seconds before try ``attempts + 1``: 2, 4, 8 ... capped at 15 min, +-20 % jitter."""
    base = min(MAX_DELAY_S, BASE_DELAY_S * 2 ** max(0, attempts - 1))
    return base * (0.8 + 0.4 * (rng or random).random())


def build_bundle(session: Session, interview: Interview) -> dict[str, Any]:
    """The JSON bundle for ``interview`` from the local database (validated)."""
    asked = list(session.scalars(select(InterviewQuestion).where(InterviewQuestion.interview_id == interview.id)
                                 .order_by(InterviewQuestion.position)))
    pos_by_id = {q.id: q.position for q in asked}
    qids = [q.question_id for q in asked if q.question_id]
    bank_keys = {i: k for i, k in session.execute(select(Question.id, Question.bank_key)
                                                  .where(Question.id.in_(qids)))} if qids else {}
    transcripts = list(session.scalars(select(Transcript).where(Transcript.interview_id == interview.id)
                                       .order_by(Transcript.id)))
    report = session.scalars(select(EvaluationReport).where(EvaluationReport.interview_id == interview.id)
                             .order_by(EvaluationReport.id.desc())).first()
    resume = session.get(Resume, interview.resume_id) if interview.resume_id else None
    shares = list(session.scalars(select(ShareConsent).where(ShareConsent.interview_id == interview.id)))
    bundle = {
        "uuid": interview.uuid, "position": interview.position, "company_id": interview.company_id,
        "language": interview.language, "status": interview.status.value,
        "created_at": _iso(interview.created_at), "started_at": _iso(interview.started_at),
        "ended_at": _iso(interview.ended_at), "overall_score": interview.overall_score,
        "emotion_summary": interview.emotion_summary,
        "resume": None if resume is None or not resume.sha256 else {
            "file_name": resume.file_name[:255], "sha256": resume.sha256, "extracted_text": resume.extracted_text,
            "structured_data": resume.structured_data or {}, "language": resume.language},
        "questions": [{"position": q.position, "text": q.text,
                       "parent_position": pos_by_id.get(q.parent_id) if q.parent_id else None,
                       "asked_at_s": q.asked_at_s, "answer_start_s": q.answer_start_s,
                       "answer_end_s": q.answer_end_s,
                       "bank_key": bank_keys.get(q.question_id)} for q in asked],
        "transcripts": [{"speaker": t.speaker.value, "text": t.text,
                         "question_position": pos_by_id.get(t.interview_question_id),
                         "start_s": t.start_s, "end_s": t.end_s, "words": t.words, "confidence": t.confidence,
                         "engine": t.engine, "sentiment_score": t.sentiment_score, "emotion": t.emotion}
                        for t in transcripts],
        "report": report.details_json if report is not None else None,
        "shares": [{"company_id": s.company_id, "include_video": s.include_video,
                    "granted_at": _iso(s.granted_at), "revoked_at": _iso(s.revoked_at)} for s in shares],
    }
    InterviewBundle.model_validate_json(InterviewBundle.model_validate(bundle, strict=False).model_dump_json())
    return bundle


def enqueue_interview(session: Session, interview: Interview) -> SyncOutbox:
    """Queue a snapshot of a completed interview that has consent rows (flushed; the caller
    commits). InputError if it is not completed or was never shared."""
    if interview.status is not InterviewStatus.completed:
        raise InputError("sync.not_completed")
    if session.scalar(select(ShareConsent.id).where(ShareConsent.interview_id == interview.id)) is None:
        raise InputError("sync.not_shared")
    payload = build_bundle(session, interview)
    fresh = session.scalar(select(SyncOutbox).where(
        SyncOutbox.entity == ENTITY, SyncOutbox.entity_id == interview.uuid,
        SyncOutbox.status == OutboxStatus.pending, SyncOutbox.attempts == 0))
    if fresh is not None:  # rule 2: never sent, so its key was never applied
        fresh.payload = payload
        session.flush()
        return fresh
    row = SyncOutbox(idempotency_key=str(uuidlib.uuid4()), entity=ENTITY, entity_id=interview.uuid,
                     operation="upsert", payload=payload, status=OutboxStatus.pending, attempts=0,
                     next_attempt_at=_now())
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class SyncState:
    status: str  # synced | pending | failed | not_shared
    reason: str | None = None
    attempts: int = 0
    next_attempt_at: datetime | None = None
    sent_at: datetime | None = None


def _state(row: SyncOutbox | None) -> SyncState:
    if row is None:
        return SyncState("not_shared")
    status = {OutboxStatus.sent: "synced", OutboxStatus.pending: "pending", OutboxStatus.failed: "failed"}[row.status]
    return SyncState(status, row.last_error, row.attempts, _aware(row.next_attempt_at), _aware(row.sent_at))


def sync_state(session: Session, interview_uuid: str) -> SyncState:
    """The newest outbox row's state for one interview."""
    row = session.scalars(select(SyncOutbox).where(SyncOutbox.entity == ENTITY, SyncOutbox.entity_id == interview_uuid)
                          .order_by(SyncOutbox.id.desc())).first()
    return _state(row)


def sync_states(session: Session) -> dict[str, SyncState]:
    """uuid -> state for every interview that has outbox rows (newest row wins)."""
    out: dict[str, SyncState] = {}
    for row in session.scalars(select(SyncOutbox).where(SyncOutbox.entity == ENTITY).order_by(SyncOutbox.id)):
        out[row.entity_id] = _state(row)
    return out


@dataclass
class RunResult:
    sent: int = 0
    retry: int = 0
    failed: int = 0
    login_required: bool = False


class Outbox:
    """Pushes due outbox rows through ``client``. ``sessions``: a sessionmaker of the local DB."""

    def __init__(self, sessions, client: ServerClient, *, rng: random.Random | None = None) -> None:
        self.sessions = sessions
        self.client = client
        self.rng = rng or random.Random()
        self.chunk_size = recording_upload.CHUNK

    def run_once(self, now: datetime | None = None, limit: int = 100) -> RunResult:
        """Push every row due at ``now`` (default: the clock), oldest first."""
        now = now or _now()
        result = RunResult()
        with self.sessions() as s:
            due = [r.id for r in s.scalars(select(SyncOutbox).where(
                SyncOutbox.status == OutboxStatus.pending, SyncOutbox.next_attempt_at <= now)
                .order_by(SyncOutbox.id).limit(limit))]
        for row_id in due:
            with transaction(self.sessions) as s:
                row = s.get(SyncOutbox, row_id)
                payload, key = row.payload, row.idempotency_key
                # Counted before the request: if the app dies mid-push the row is no longer
                # "never attempted", so rule 2 will not rewrite its payload under the same key.
                row.attempts += 1
                attempts = row.attempts
                entity = row.entity
            try:
                if entity == recording_upload.ENTITY:
                    receipt = self._upload(payload)
                else:
                    receipt = self.client.push_interview(payload, key)
                    self._regrant(payload, receipt)
            except LoginRequired:
                self._mark(row_id, retry_at=now, error="login required")
                result.login_required = True
                break
            except ServerUnreachable as exc:
                self._mark(row_id, retry_at=now + timedelta(seconds=backoff(attempts, self.rng)),
                           error=exc.localized("en"))
                result.retry += 1
                continue
            except (ServerRefused, InputError) as exc:
                self._mark(row_id, failed=True, error=exc.localized("en"))
                result.failed += 1
                continue
            with transaction(self.sessions) as s:
                row = s.get(SyncOutbox, row_id)
                row.status = OutboxStatus.sent
                row.sent_at = _now()
                row.last_error = None
            if entity == recording_upload.ENTITY:
                log.info("uploaded recording of interview %s (server recording %s)", payload["interview_uuid"],
                         receipt.get("recording_id"))
            else:
                log.info("synced interview %s (server id %s%s)", payload["uuid"],
                         receipt.get("interview_id"), ", replayed" if receipt.get("replayed") else "")
            result.sent += 1
        return result

    def _regrant(self, payload: dict[str, Any], receipt: dict[str, Any]) -> None:
        """The server never lets a sync bring back a share it holds revoked (consent is the
        server's). A share the candidate granted here *after* that revocation is the
        candidate's explicit act: it is sent as one (``PUT .../shares/{company}``). An old
        snapshot (granted before the revocation) is left revoked."""
        wanted = {s["company_id"]: s for s in payload.get("shares") or ()
                  if s.get("revoked_at") is None and s.get("granted_at")}
        if not wanted:
            return
        iid = str(receipt["interview_id"])  # the interview's public id
        for held in self.client.shares(iid):
            local = wanted.get(held["company_id"])
            if local is None or held.get("revoked_at") is None:
                continue
            if _aware(datetime.fromisoformat(local["granted_at"])) > _aware(datetime.fromisoformat(held["revoked_at"])):
                self.client.grant_share(iid, held["company_id"], include_video=bool(local.get("include_video")))
                log.info("shared interview %s with %s again (granted after the server's revocation)",
                         payload.get("uuid"), held["company_id"])

    def _upload(self, payload: dict[str, Any]) -> dict[str, Any]:
        """A queued recording: resumed from what the server holds (sync.client.recording_upload)."""
        interview_id = payload.get("server_interview_id")
        # rows queued before public ids hold the server's integer key, which no URL takes now:
        # those find the interview by its uuid like the rest
        if not isinstance(interview_id, str):
            state = self.client.interview_state(payload["interview_uuid"])
            if state is None:  # its interview is not on the server yet: after the next sync
                raise ServerUnreachable(url=self.client.base_url, reason="interview not on the server yet")
            interview_id = state["interview_id"]
        return recording_upload.upload_recording(
            self.client, interview_id, payload["path"], sha256=payload["sha256"], size=int(payload["size"]),
            mime=payload.get("mime") or "video/webm", offset_s=payload.get("offset_s"),
            chunk_size=self.chunk_size)

    def _mark(self, row_id: int, *, retry_at: datetime | None = None, failed: bool = False, error: str) -> None:
        with transaction(self.sessions) as s:
            row = s.get(SyncOutbox, row_id)
            row.last_error = error[:500]
            if failed:
                row.status = OutboxStatus.failed
            else:
                row.next_attempt_at = retry_at

    def run_forever(self, cancel: CancelToken, *, interval_s: float = 30.0) -> None:
        """The worker loop: push, then wait ``interval_s`` (or less when a retry is due) until cancelled."""
        while not cancel.cancelled:
            result = self.run_once()
            if result.login_required:
                return
            with self.sessions() as s:
                nxt = s.scalar(select(SyncOutbox.next_attempt_at).where(SyncOutbox.status == OutboxStatus.pending)
                               .order_by(SyncOutbox.next_attempt_at).limit(1))
            wait = interval_s
            if nxt is not None:
                wait = max(0.5, min(interval_s, (_aware(nxt) - _now()).total_seconds()))
            cancel.wait(wait)
