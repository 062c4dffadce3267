"""Access tokens (short-lived JWT, HS256) and the login rate limiter.

Refresh tokens are opaque and stored hashed (:mod:`core.services.tokens`); only access
tokens are JWTs, so revoking a session is one database update and an access token is
worth at most ``access_token_minutes``.

:class:`LoginLimiter` counts failed logins per (client address, login) in a sliding window,
in the database (table ``login_failures``), so every server process - uvicorn ``--workers N``
or servers on several machines - enforces one shared window: an attacker gets ``attempts``
tries, not N x ``attempts``. Two processes checking at the same instant may each let one more
try through (check and record are two statements); the window still holds within a try or two.
Keys are SHA-256 hashes: the attempted login (maybe a mistyped password) is never stored.
Thread-safe (each call uses its own short transaction).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import jwt
from sqlalchemy import delete, select

from core.db.models import LoginFailure

ALGORITHM = "HS256"


def create_access_token(user_id: int, role: str, *, secret: str, minutes: int) -> str:
    now = datetime.now(timezone.utc)
    claims = {"sub": str(user_id), "role": role, "type": "access", "jti": uuid.uuid4().hex,
              "iat": now, "exp": now + timedelta(minutes=minutes)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_access_token(token: str, *, secret: str) -> dict[str, Any] | None:
    """The claims of a valid, unexpired access token; None otherwise."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
    except jwt.PyJWTError:
        return None
    if claims.get("type") != "access":
        return None
    return claims


class LoginLimiter:
    """Failed logins per (address, login) - ``attempts`` in ``window_s`` - and per address over
    all logins (10 x ``attempts``, against spraying many accounts from one place).

    ``sessions``: a session factory on the server's database (its own transactions, so a
    failure is recorded even though the request that caused it answers 401)."""

    ANY = "\x00any"

    def __init__(self, sessions, attempts: int, window_s: float) -> None:
        self.sessions = sessions
        self.attempts = attempts
        self.window_s = window_s

    @staticmethod
    def _key(address: str, login: str) -> str:
        return hashlib.sha256(f"{address}\x00{login}".encode("utf-8", "surrogatepass")).hexdigest()

    def _keys(self, address: str, login: str) -> list[tuple[str, int]]:
        return [(self._key(address, login.strip().lower()), self.attempts),
                (self._key(address, self.ANY), self.attempts * 10)]

    def retry_after(self, address: str, login: str) -> int:
        """Seconds until another try is allowed; 0 when allowed now."""
        now = datetime.now(timezone.utc)
        since = now - timedelta(seconds=self.window_s)
        wait = 0.0
        with self.sessions() as s:
            for key, limit in self._keys(address, login):
                times = list(s.scalars(select(LoginFailure.at).where(LoginFailure.key == key, LoginFailure.at > since)
                                       .order_by(LoginFailure.at.desc()).limit(limit)))
                if len(times) >= limit:
                    oldest = times[-1] if times[-1].tzinfo else times[-1].replace(tzinfo=timezone.utc)
                    wait = max(wait, self.window_s - (now - oldest).total_seconds())
        return max(1, int(wait) + 1) if wait > 0 else 0

    def failed(self, address: str, login: str) -> None:
        now = datetime.now(timezone.utc)
        keys = [k for k, _ in self._keys(address, login)]
        with self.sessions() as s:
            # keep the table small: this key's tries that left the window go as new ones come
            s.execute(delete(LoginFailure).where(LoginFailure.key.in_(keys),
                                                 LoginFailure.at <= now - timedelta(seconds=self.window_s)))
            s.add_all([LoginFailure(key=k, at=now) for k in keys])
            s.commit()

    def succeeded(self, address: str, login: str) -> None:
        with self.sessions() as s:
            s.execute(delete(LoginFailure).where(LoginFailure.key == self._key(address, login.strip().lower())))
            s.commit()
