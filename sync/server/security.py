"""Access tokens (short-lived JWT, HS256) and the login rate limiter.

Refresh tokens are opaque and stored hashed (:mod:`core.services.tokens`); only access
tokens are JWTs, so revoking a session is one database update and an access token is
worth at most ``access_token_minutes``.

:class:`LoginLimiter` counts failed logins per (client address, login) in a sliding window,
in this process's memory: with several server processes each enforces its own window
(an attacker gets at most N x limit tries; put Redis behind it before scaling out far).
Thread-safe (one lock).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from datetime import datetime, timedelta, timezone
from typing import Any

import jwt

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
    all logins (10 x ``attempts``, against spraying many accounts from one place)."""

    ANY = "\x00any"

    def __init__(self, attempts: int, window_s: float) -> None:
        self.attempts = attempts
        self.window_s = window_s
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _prune(self, key: tuple[str, str], now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and now - q[0] > self.window_s:
            q.popleft()
        return q

    def retry_after(self, address: str, login: str) -> int:
        """Seconds until another try is allowed; 0 when allowed now."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for key, limit in (((address, login.strip().lower()), self.attempts),
                               ((address, self.ANY), self.attempts * 10)):
                q = self._prune(key, now)
                if len(q) >= limit:
                    wait = max(wait, self.window_s - (now - q[0]))
                elif not q:
                    self._failures.pop(key, None)  # keep the table small
        return max(1, int(wait) + 1) if wait > 0 else 0

    def failed(self, address: str, login: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._prune((address, login.strip().lower()), now).append(now)
            self._prune((address, self.ANY), now).append(now)

    def succeeded(self, address: str, login: str) -> None:
        with self._lock:
            self._failures.pop((address, login.strip().lower()), None)
