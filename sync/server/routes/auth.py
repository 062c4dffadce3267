"""Registration, OAuth2 password login, refresh-token rotation and logout.

bcrypt never runs in the request threadpool: it runs on the server's own bounded pool
(:class:`sync.server.security.PasswordHasher`), so a burst of registrations or logins slows
only itself. Registrations are throttled per address, logins per (address, login), per
account and per address (:class:`sync.server.security.LoginLimiter`). The client address is
the peer's unless the peer is a configured trusted proxy.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool

from core.db.models import User, UserRole
from core.services import tokens
from core.services.sync_ingest import drop_nul
from core.services.users import check_password, find_login
from sync.server.deps import SessionDep, hashed_password, new_user
from sync.server.schemas import RefreshIn, RegisterIn, TokenOut, UserOut
from sync.server.security import create_access_token

router = APIRouter(prefix="/auth", tags=["auth"])
_THROTTLED = {429: {"description": "too many attempts; see Retry-After"},
              503: {"description": "the password hashing pool is full; see Retry-After"}}


def _address(request: Request) -> str:
    return request.app.state.client_address(request)


def _token_pair(request: Request, user: User, refresh: str, session_id: str) -> TokenOut:
    s = request.app.state.settings
    access = create_access_token(user.id, user.role.value, secret=s.secret_key, minutes=s.access_token_minutes,
                                 session_id=session_id)
    return TokenOut(access_token=access, refresh_token=refresh, expires_in=s.access_token_minutes * 60)


def issue_tokens(request: Request, session, user: User) -> TokenOut:
    refresh, family = tokens.issue(session, user, days=request.app.state.settings.refresh_token_days)
    session.commit()
    return _token_pair(request, user, refresh, family)


@router.post("/register", response_model=UserOut, status_code=status.HTTP_201_CREATED,
             responses={409: {"description": "e-mail or username taken"}, **_THROTTLED})
async def register(request: Request, body: RegisterIn, session: SessionDep) -> User:
    """Create a candidate account (recruiters and admins are created by an admin). The password:
    10+ characters, not a common password, not the username or e-mail."""
    refusal = await run_in_threadpool(request.app.state.login_limiter.register_refusal, _address(request))
    if refusal is not None:
        raise refusal.http()
    digest = await hashed_password(request, body.password, username=body.username, email=body.email)
    return await run_in_threadpool(new_user, session, email=body.email, username=body.username,
                                   password=body.password, password_hash=digest, full_name=body.full_name,
                                   role=UserRole.candidate)


async def _login(request: Request, session, username: str, password: str) -> TokenOut:
    # no stored login or password contains NUL (PostgreSQL text cannot); such a try simply fails
    username, password = drop_nul(username), drop_nul(password)
    limiter = request.app.state.login_limiter
    address = _address(request)
    refusal = await run_in_threadpool(limiter.check, address, username)
    if refusal is not None:
        raise refusal.http()
    user = await run_in_threadpool(find_login, session, username)
    ok = await request.app.state.hasher.run(check_password, user, password)
    if not ok or user is None or user.disabled_at is not None:
        await run_in_threadpool(limiter.failed, address, username)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="wrong login or password",
                            headers={"WWW-Authenticate": "Bearer"})
    await run_in_threadpool(limiter.succeeded, address, username)
    return await run_in_threadpool(issue_tokens, request, session, user)


_LOGIN_RESPONSES = {401: {"description": "wrong login or password"}, **_THROTTLED}


# The OAuth2 password grant's form fields (RFC 6749 4.3.2); empty values are not in the schema.
Username = Annotated[str, Form(min_length=1, max_length=320)]
Password = Annotated[str, Form(min_length=1, max_length=200)]
GrantType = Annotated[str | None, Form(pattern="^password$")]


@router.post("/token", response_model=TokenOut, responses=_LOGIN_RESPONSES)
async def token(request: Request, session: SessionDep, username: Username, password: Password,
                grant_type: GrantType = None) -> TokenOut:
    """OAuth2 password flow: ``username`` (or e-mail) and ``password`` as a form."""
    return await _login(request, session, username, password)


@router.post("/login", response_model=TokenOut, responses=_LOGIN_RESPONSES)
async def login(request: Request, session: SessionDep, username: Username, password: Password,
                grant_type: GrantType = None) -> TokenOut:
    """Same as ``/auth/token`` (the name the original spec uses)."""
    return await _login(request, session, username, password)


@router.post("/refresh", response_model=TokenOut, responses={401: {"description": "invalid refresh token"}})
def refresh(request: Request, body: RefreshIn, session: SessionDep) -> TokenOut:
    """Rotate: the presented refresh token stops working and a new pair is returned."""
    rotated = tokens.rotate(session, body.refresh_token, days=request.app.state.settings.refresh_token_days)
    session.commit()
    if rotated is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="invalid refresh token",
                            headers={"WWW-Authenticate": "Bearer"})
    user, new_refresh, family = rotated
    return _token_pair(request, user, new_refresh, family)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(body: RefreshIn, session: SessionDep) -> None:
    """End the refresh token's whole session (idempotent: unknown tokens are fine); the access
    tokens of that session stop working on their next request."""
    tokens.revoke(session, body.refresh_token)
    session.commit()
