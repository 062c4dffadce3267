"""Registration, OAuth2 password login, refresh-token rotation and logout."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status

from core.db.models import User, UserRole
from core.services import tokens
from core.services.users import authenticate
from core.services.sync_ingest import drop_nul
from sync.server.deps import SessionDep, new_user
from sync.server.schemas import RefreshIn, RegisterIn, TokenOut, UserOut
from sync.server.security import create_access_token

router = APIRouter(prefix="/auth", tags=["auth"])


def issue_tokens(request: Request, session, user: User) -> TokenOut:
    s = request.app.state.settings
    refresh = tokens.issue(session, user, days=s.refresh_token_days)
    session.commit()
    access = create_access_token(user.id, user.role.value, secret=s.secret_key, minutes=s.access_token_minutes)
    return TokenOut(access_token=access, refresh_token=refresh, expires_in=s.access_token_minutes * 60)


@router.post("/register", response_model=UserOut, status_code=status.HTTP_201_CREATED,
             responses={409: {"description": "e-mail or username taken"}})
def register(body: RegisterIn, session: SessionDep) -> User:
    """Create a candidate account (recruiters and admins are created by an admin)."""
    return new_user(session, email=body.email, username=body.username, password=body.password,
                    full_name=body.full_name, role=UserRole.candidate)


def _login(request: Request, session, username: str, password: str) -> TokenOut:
    # no stored login or password contains NUL (PostgreSQL text cannot); such a try simply fails
    username, password = drop_nul(username), drop_nul(password)
    limiter = request.app.state.login_limiter
    address = request.client.host if request.client else "?"
    wait = limiter.retry_after(address, username)
    if wait:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, detail="too many login attempts",
                            headers={"Retry-After": str(wait)})
    user = authenticate(session, username, password)
    if user is None:
        limiter.failed(address, username)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="wrong login or password",
                            headers={"WWW-Authenticate": "Bearer"})
    limiter.succeeded(address, username)
    return issue_tokens(request, session, user)


_LOGIN_RESPONSES = {401: {"description": "wrong login or password"},
                    429: {"description": "too many attempts; see Retry-After"}}


# The OAuth2 password grant's form fields (RFC 6749 4.3.2); empty values are not in the schema.
Username = Annotated[str, Form(min_length=1, max_length=320)]
Password = Annotated[str, Form(min_length=1, max_length=200)]
GrantType = Annotated[str | None, Form(pattern="^password$")]


@router.post("/token", response_model=TokenOut, responses=_LOGIN_RESPONSES)
def token(request: Request, session: SessionDep, username: Username, password: Password,
          grant_type: GrantType = None) -> TokenOut:
    """OAuth2 password flow: ``username`` (or e-mail) and ``password`` as a form."""
    return _login(request, session, username, password)


@router.post("/login", response_model=TokenOut, responses=_LOGIN_RESPONSES)
def login(request: Request, session: SessionDep, username: Username, password: Password,
          grant_type: GrantType = None) -> TokenOut:
    """Same as ``/auth/token`` (the name the original spec uses)."""
    return _login(request, session, username, password)


@router.post("/refresh", response_model=TokenOut, responses={401: {"description": "invalid refresh token"}})
def refresh(request: Request, body: RefreshIn, session: SessionDep) -> TokenOut:
    """Rotate: the presented refresh token stops working and a new pair is returned."""
    s = request.app.state.settings
    rotated = tokens.rotate(session, body.refresh_token, days=s.refresh_token_days)
    session.commit()
    if rotated is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="invalid refresh token",
                            headers={"WWW-Authenticate": "Bearer"})
    user, new_refresh = rotated
    access = create_access_token(user.id, user.role.value, secret=s.secret_key, minutes=s.access_token_minutes)
    return TokenOut(access_token=access, refresh_token=new_refresh, expires_in=s.access_token_minutes * 60)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(body: RefreshIn, session: SessionDep) -> None:
    """Revoke the refresh token's whole session (idempotent: unknown tokens are fine)."""
    tokens.revoke(session, body.refresh_token)
    session.commit()
