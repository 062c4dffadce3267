"""Access tokens (short-lived JWT, HS256), the client's address, password hashing on its own
pool, and the login / registration throttles.

Refresh tokens are opaque and stored hashed (:mod:`core.services.tokens`); only access
tokens are JWTs. An access token names its session (``sid``: the refresh-token family), and
every request checks, in the same statement that loads the user, that the session is still
open and the user not disabled: logging out or being disabled ends the access token too.

:class:`LoginLimiter` keeps its counters in the database (table ``login_failures``), so every
server process - uvicorn ``--workers N`` or servers on several machines - enforces one shared
window. Three counters, each a SHA-256 key (the attempted login, maybe a mistyped password,
is never stored):

- per (address, login): ``login_attempts`` failures in ``login_window_s``, then 429;
- per account, across addresses: after ``account_delay_after`` failures a growing delay
  (1, 2, 4 ... 60 s since the last failure), after ``account_lock_after`` a lock of
  ``account_lock_s`` - the answer says the account is locked and until when;
- per address, over all logins: past 10 x ``login_attempts`` failures, one failing try per
  ``address_interval_s``: a slowdown for a sprayer, never a lock-out of everybody behind one
  NAT address.

Two processes checking at the same instant may each let one more try through (check and
record are two statements); the windows still hold within a try or two. Thread-safe (each
call uses its own short transaction).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import ipaddress
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import jwt
from fastapi import HTTPException, Request, status
from sqlalchemy import delete, func, select

from core.db.models import LoginFailure

ALGORITHM = "HS256"


def create_access_token(user_id: int, role: str, *, secret: str, minutes: int, session_id: str | None = None) -> str:
    now = datetime.now(timezone.utc)
    claims = {"sub": str(user_id), "role": role, "type": "access", "jti": uuid.uuid4().hex,
              "iat": now, "exp": now + timedelta(minutes=minutes)}
    if session_id is not None:
        claims["sid"] = session_id
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_access_token(token: str, *, secret: str) -> dict[str, Any] | None:
    """The claims of a valid, unexpired access token; None otherwise. Thread-safe.

    A token's signature is checked once: a client sends the same token with every request for
    its 15 minutes, and PyJWT's check (it also tries the secret as a JSON key each time) was 6%
    of a report read's samples (py-spy, measured). The expiry is checked on every call; what
    logout and disabling revoke is checked in the database (``deps.user_of``)."""
    claims = _verified(token, secret)
    if claims is None or claims["exp"] <= time.time():
        return None
    return dict(claims)


@functools.lru_cache(maxsize=4096)
def _verified(token: str, secret: str) -> dict[str, Any] | None:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
    except jwt.PyJWTError:
        return None
    if claims.get("type") != "access" or not isinstance(claims.get("exp"), (int, float)):
        return None
    return claims


# ----------------------------------------------------------------------------- client address
def _networks(trusted: tuple) -> list:
    return [ipaddress.ip_network(t, strict=False) for t in trusted]


class ClientAddress:
    """The client's address: the peer, unless the peer is a trusted proxy, then the last
    ``X-Forwarded-For`` hop that is not one (RFC 7239's rule: trust only what your own proxies
    appended). No trusted proxies (the default): the header is ignored."""

    def __init__(self, trusted: tuple = ()) -> None:
        self._trusted = _networks(trusted)

    def _is_trusted(self, host: str) -> bool:
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(ip in net for net in self._trusted)

    def __call__(self, request: Request) -> str:
        peer = request.client.host if request.client else "?"
        if not self._trusted or not self._is_trusted(peer):
            return peer
        hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",") if h.strip()]
        for hop in reversed(hops):
            if not self._is_trusted(hop):
                try:
                    return str(ipaddress.ip_address(hop))
                except ValueError:
                    return peer  # a forged, malformed hop: fall back to what we know
        return peer


# ----------------------------------------------------------------------------- password hashing
class PasswordHasher:
    """bcrypt on its own bounded pool, so registrations and logins never take the threads that
    serve every other request (measured: 40 concurrent registrations pushed /health to 9.2 s).

    ``workers`` threads; at most ``queue`` calls waiting, beyond which :meth:`run` answers 503
    with Retry-After. Safe from any number of coroutines on one event loop."""

    def __init__(self, workers: int, queue: int) -> None:
        self._workers = max(1, workers)
        self._pool: ThreadPoolExecutor | None = None  # made on first use, again after close()
        self._limit = self._workers + max(0, queue)
        self._pending = 0
        self._lock = threading.Lock()

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        with self._lock:
            if self._pending >= self._limit:
                raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="server busy; try again shortly",
                                    headers={"Retry-After": "2"})
            self._pending += 1
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="big20-bcrypt")
            pool = self._pool
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)
        finally:
            with self._lock:
                self._pending -= 1

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


# ----------------------------------------------------------------------------- throttles
def _key(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


class Refusal:
    """Why a try is refused now: seconds to wait and the message for the 429."""

    def __init__(self, wait: float, detail: str) -> None:
        self.wait = max(1, int(wait + 0.999))
        self.detail = detail

    def http(self) -> HTTPException:
        return HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, detail=self.detail,
                             headers={"Retry-After": str(self.wait)})


class LoginLimiter:
    """See the module docstring. ``sessions``: a session factory on the server's database
    (its own transactions, so a failure is recorded even though the request answers 401);
    ``settings``: the ServerSettings; ``clock``: the time now (tests pass their own)."""

    def __init__(self, sessions, settings, clock: Callable[[], datetime] | None = None) -> None:
        self.sessions = sessions
        self.s = settings
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    def _keys(self, address: str, login: str) -> dict[str, str]:
        login = login.strip().lower()
        return {"pair": _key("pair", address, login), "account": _key("account", login),
                "address": _key("address", address)}

    def _recent(self, s, key: str, since: datetime, limit: int) -> list[datetime]:
        return [_aware(t) for t in s.scalars(select(LoginFailure.at).where(LoginFailure.key == key,
                                                                            LoginFailure.at > since)
                                              .order_by(LoginFailure.at.desc()).limit(limit))]

    def check(self, address: str, login: str) -> Refusal | None:
        """None when a try is allowed now, else why not."""
        s_ = self.s
        now = self.clock()
        keys = self._keys(address, login)
        with self.sessions() as s:
            pair = self._recent(s, keys["pair"], now - timedelta(seconds=s_.login_window_s), s_.login_attempts)
            if len(pair) >= s_.login_attempts:
                wait = s_.login_window_s - (now - pair[-1]).total_seconds()
                if wait > 0:
                    return Refusal(wait, "too many login attempts")
            acct = self._recent(s, keys["account"], now - timedelta(seconds=s_.account_window_s),
                                s_.account_lock_after)
            if len(acct) >= s_.account_lock_after:
                until = acct[0] + timedelta(seconds=s_.account_lock_s)
                if until > now:
                    return Refusal((until - now).total_seconds(),
                                   f"this account is locked after {len(acct)} failed sign-ins; "
                                   f"it opens again at {until.isoformat(timespec='seconds')}")
            if len(acct) >= s_.account_delay_after:
                delay = min(60.0, 2.0 ** (len(acct) - s_.account_delay_after))
                wait = delay - (now - acct[0]).total_seconds()
                if wait > 0:
                    return Refusal(wait, "too many failed sign-ins for this account; wait before the next try")
            over = s_.login_attempts * 10
            addr = self._recent(s, keys["address"], now - timedelta(seconds=s_.login_window_s), over)
            if len(addr) >= over:
                wait = s_.address_interval_s - (now - addr[0]).total_seconds()
                if wait > 0:
                    return Refusal(wait, "too many failed sign-ins from this address; wait before the next try")
        return None

    def failed(self, address: str, login: str) -> None:
        now = self.clock()
        keys = self._keys(address, login)
        oldest = now - timedelta(seconds=max(self.s.login_window_s, self.s.account_window_s))
        with self.sessions() as s:
            # keep the table small: these keys' tries that left every window go as new ones come
            s.execute(delete(LoginFailure).where(LoginFailure.key.in_(list(keys.values())), LoginFailure.at <= oldest))
            s.add_all([LoginFailure(key=k, at=now) for k in keys.values()])
            s.commit()

    def succeeded(self, address: str, login: str) -> None:
        keys = self._keys(address, login)
        with self.sessions() as s:
            s.execute(delete(LoginFailure).where(LoginFailure.key.in_([keys["pair"], keys["account"]])))
            s.commit()

    # registrations share the table: one row per registration try, per address
    def register_refusal(self, address: str) -> Refusal | None:
        now = self.clock()
        key = _key("register", address)
        with self.sessions() as s:
            count = s.scalar(select(func.count()).select_from(LoginFailure).where(
                LoginFailure.key == key, LoginFailure.at > now - timedelta(hours=1)))
            if count >= self.s.register_per_hour:
                return Refusal(3600 / max(1, self.s.register_per_hour), "too many registrations from this address")
            s.execute(delete(LoginFailure).where(LoginFailure.key == key, LoginFailure.at <= now - timedelta(hours=1)))
            s.add(LoginFailure(key=key, at=now))
            s.commit()
        return None
