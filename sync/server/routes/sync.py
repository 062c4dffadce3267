"""Sync endpoints: the desktop's outbox pushes one interview bundle per request.

``POST /sync/interviews`` needs an ``Idempotency-Key`` header (the outbox item's key). The
bundle is applied and its receipt stored in one transaction, so either both exist or
neither: a resend after a lost response, a crash of either side or a duplicate delivery
gets the stored receipt back (``replayed: true``) and changes nothing. A key reused by
another user is a 409. Concurrent pushes of one interview are serialised by an advisory lock
on its uuid (:func:`core.services.sync_ingest.lock_interview`): each replaces the previous
content whole, and a second delivery of one key answers the first one's receipt. Two keys
pushed at once for different uuids still race on the receipt's unique index: one insert wins,
the other rolls back and answers the winner's receipt.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Path, Request, status
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db.models import SyncReceipt
from core.services.sync_ingest import InterviewBundle, apply_bundle, held_for, lock_interview, receipt_of
from sync.server.deps import AUTH_RESPONSES, CandidateUser, SessionDep
from sync.server.schemas import SyncReceiptOut, SyncStateOut

router = APIRouter(prefix="/sync", tags=["sync"], responses=AUTH_RESPONSES)
IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", min_length=8, max_length=64,
                                       pattern=r"^[A-Za-z0-9_.:\-]+$")]


def _replay(session: Session, key: str, user_id: int) -> SyncReceiptOut | None:
    receipt = receipt_of(session, key)
    if receipt is None:
        return None
    if receipt.user_id != user_id:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="idempotency key already used")
    # receipts stored before public ids held the integer key: the answer names the uuid
    return SyncReceiptOut(**{**receipt.response, "interview_id": receipt.response["uuid"]}, idempotency_key=key,
                          replayed=True)


@router.post("/interviews", response_model=SyncReceiptOut,
             responses={404: {"description": "the uuid belongs to somebody else"},
                        409: {"description": "key used by another user, or the bundle conflicts with the "
                                             "server (unknown company, repeated question position)"}})
def push_interview(request: Request, bundle: InterviewBundle, key: IdempotencyKey, session: SessionDep,
                   user: CandidateUser) -> SyncReceiptOut:
    # One writer per interview: concurrent pushes of a uuid wait here in turn; a loser holding
    # the winner's key then finds the winner's receipt (read after the lock) and replays it.
    lock_interview(session, bundle.uuid)
    done = _replay(session, key, user.id)
    if done is not None:
        return done
    # NotFound (somebody else's uuid) and BundleConflict leave through the app's handlers
    body = apply_bundle(session, user, bundle)
    internal_id = body["interview_id"]
    body = {**body, "interview_id": body["uuid"]}  # clients see the public id
    session.add(SyncReceipt(idempotency_key=key, user_id=user.id, entity="interview", entity_id=bundle.uuid,
                            response=body))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        done = _replay(session, key, user.id)
        if done is None:
            raise
        return done
    request.app.state.background.after_sync(internal_id)
    return SyncReceiptOut(**body, idempotency_key=key)


@router.get("/interviews/{uuid}", response_model=SyncStateOut,
            responses={404: {"description": "not on the server (or not yours)"}})
def interview_state(uuid: Annotated[str, Path(pattern=r"^[0-9a-fA-F-]{36}$")], session: SessionDep,
                    user: CandidateUser) -> SyncStateOut:
    """What the server holds for one of your interviews (the desktop's check after a push)."""
    held = held_for(session, user.id, uuid)
    return SyncStateOut(**{**held, "interview_id": held["uuid"]})  # clients see the public id
