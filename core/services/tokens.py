"""Rotating, revocable refresh tokens (the server's session store).

A refresh token is 32 random bytes (URL-safe text); only its SHA-256 is stored. ``rotate``
revokes the presented token and issues its successor in the same family; presenting a
token that was already rotated or revoked is treated as theft and revokes the whole family
(OAuth 2.0 Security BCP, refresh token rotation). The caller owns the session and commits.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Exists

from core.db.models import RefreshToken, User


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc)


def issue(session: Session, user: User, *, days: float, family: str | None = None) -> tuple[str, str]:
    """A new refresh token for ``user`` (flushed). Returns (token text, shown once; its family,
    the session id access tokens carry)."""
    token = secrets.token_urlsafe(32)
    family = family or str(uuid.uuid4())
    session.add(RefreshToken(user_id=user.id, token_hash=_hash(token), family=family,
                             expires_at=_now() + timedelta(days=days)))
    session.flush()
    return token, family


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def rotate(session: Session, token: str, *, days: float) -> tuple[User, str, str] | None:
    """(user, successor token, family) for a valid ``token``; None when unknown, expired or
    reused (a reuse revokes every token of its family), or when the user is disabled."""
    row = session.scalar(select(RefreshToken).where(RefreshToken.token_hash == _hash(token)))
    if row is None:
        return None
    if row.revoked_at is not None:
        revoke_family(session, row.family)
        return None
    if _aware(row.expires_at) <= _now():
        return None
    user = session.get(User, row.user_id)
    if user is None or user.disabled_at is not None:
        return None
    row.revoked_at = _now()
    return (user, *issue(session, user, days=days, family=row.family))


def revoke_family(session: Session, family: str) -> None:
    session.execute(update(RefreshToken).where(RefreshToken.family == family, RefreshToken.revoked_at.is_(None))
                    .values(revoked_at=_now()))
    session.flush()


def session_open(session_id: str) -> Exists:
    """A SQL condition: the session (refresh-token family) ``session_id`` still has a live token."""
    return select(RefreshToken.id).where(RefreshToken.family == session_id,
                                         RefreshToken.revoked_at.is_(None)).exists()


def revoke_user(session: Session, user_id: int) -> int:
    """End every session of ``user_id`` (an admin disabling a user); how many tokens."""
    done = cast("CursorResult[Any]", session.execute(update(RefreshToken).where(RefreshToken.user_id == user_id,
                                                      RefreshToken.revoked_at.is_(None)).values(revoked_at=_now())))
    session.flush()
    return done.rowcount or 0


def revoke(session: Session, token: str) -> bool:
    """Log out: revoke ``token``'s family. True if the token was known."""
    row = session.scalar(select(RefreshToken).where(RefreshToken.token_hash == _hash(token)))
    if row is None:
        return False
    revoke_family(session, row.family)
    return True
