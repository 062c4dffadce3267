"""Administration: what the server runs on, and disabling a user (which ends their sessions).

Admins only (403 for other roles). ``big20-server disable-user --username U`` does the same
from the command line."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from core.services.server_info import server_status as status_of
from core.services.users import disable_user
from sync.server.deps import AUTH_RESPONSES, AdminUser, SessionDep
from sync.server.schemas import UserDisabledOut


router = APIRouter(prefix="/admin", tags=["admin"], responses=AUTH_RESPONSES)
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/status")
def server_status(request: Request, _admin: AdminUser) -> dict:
    """Version, database, schema revision and pgvector version (kept off the public health route)."""
    return status_of(request.app.state.engine)


@router.post("/users/{user_id}/disable", response_model=UserDisabledOut,
             responses={404: {"description": "no such user"}})
def disable(user_id: UserId, session: SessionDep, _admin: AdminUser) -> UserDisabledOut:
    """Disable the user: they cannot sign in, every session ends, their access tokens stop
    working on the next request. Idempotent."""
    user, ended = disable_user(session, user_id)
    session.commit()
    return UserDisabledOut(id=user.id, username=user.username, disabled_at=user.disabled_at, sessions_ended=ended)
