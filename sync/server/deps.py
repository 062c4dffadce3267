"""FastAPI dependencies: a database session per request, the current user, role checks, and
the interview a route reads or changes.

One session per request (:data:`SessionDep`), shared by every dependency of that request and
closed after the response; routes commit what they change. Async routes (live video) use the
same session from the threadpool, one block at a time (:func:`in_thread`); work that outlives
the request (a live stream's consent re-checks, its recording's last row) opens its own
sessions from :data:`SessionFactory`, the only other way to the database.

``CurrentUser`` answers 401 (with ``WWW-Authenticate: Bearer``) for a missing, malformed or
expired token or a deleted user. :func:`readable` and :func:`owned` give a route its interview
under the tenancy rules (core.services.sharing): a recruiter's read is written to the access
log and committed by the dependency; a missing and a forbidden interview are the same 404
(``NotFound`` through the app's handler).
"""

from __future__ import annotations

from typing import Annotated, AsyncIterator, Callable, TypeVar

from fastapi import Depends, HTTPException, Path, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.db.models import Interview, User, UserRole
from core.errors import InputError
from core.services import sharing
from core.services.tokens import session_open
from core.services.users import create_user, hash_password, password_problem
from sync.server.security import decode_access_token

# documented on every authenticated router, so clients (and schemathesis) know them
AUTH_RESPONSES: dict[int | str, dict] = {401: {"description": "not authenticated"},
                                         403: {"description": "not allowed for this role"}}

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


async def hashed_password(request: Request, password: str, *, username: str, email: str) -> str:
    """The bcrypt hash of a new account's password, computed on the server's own hashing pool;
    422 when the password policy refuses it (length, common list, the account's own name)."""
    problem = password_problem(password, username=username, email=email)
    if problem is not None:
        raise InputError("input.invalid", field="password", reason=problem)
    return await request.app.state.hasher.run(hash_password, password)


def new_user(session: Session, **fields) -> User:
    """core.services.users.create_user, committed (register and admin create). Its refusals go
    to the app's handlers: a taken e-mail or username (Conflict) is 409, bad input 422 naming the
    field; the request's session is closed uncommitted."""
    user = create_user(session, **fields)
    session.commit()
    return user


async def get_session(request: Request) -> AsyncIterator[Session]:
    # An async generator on purpose: its clean-up (returning the connection to the pool) runs
    # on the event loop right after the response. As a sync generator it would wait for a free
    # threadpool thread, and under load (measured: 200 concurrent clients) finished requests
    # held their connections while new requests held every thread waiting for a connection.
    # The session connects lazily, inside the route's worker thread.
    session = request.app.state.sessions()
    try:
        yield session
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def get_session_factory(request: Request) -> sessionmaker:
    return request.app.state.sessions


# For work that outlives the request (callbacks of a live stream): each use opens and closes
# its own session (``with sessions() as s``). Never for the request's own reads and writes.
SessionFactory = Annotated[sessionmaker, Depends(get_session_factory)]

T = TypeVar("T")


async def in_thread(session: Session, fn: Callable[..., T], *args: object) -> T:
    """``fn(session, *args)`` in the threadpool: how an async route uses the request's session.
    One call at a time per session (a session is not thread-safe, but sequential use from
    different threads is); the transaction ends with ``fn`` (what ``fn`` did not commit is
    rolled back) so the connection is not held while the route awaits the network. Objects
    ``fn`` returns stay readable (detached, as loaded)."""

    def call() -> T:
        try:
            return fn(session, *args)
        finally:
            session.close()  # the session stays usable: the next call begins a new transaction

    return await run_in_threadpool(call)


def unauthorized() -> HTTPException:
    """The 401 every route answers for a token it does not accept (or a user or session that
    ended)."""
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail="not authenticated",
                         headers={"WWW-Authenticate": "Bearer"})


async def token_claims(request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]) -> tuple[int, str]:
    """(user id, session id) of a valid access token, without touching the database; 401
    otherwise. For routes that resolve the user inside their own transaction (:func:`user_of`)."""
    if not token:
        raise unauthorized()
    claims = decode_access_token(token, secret=request.app.state.settings.secret_key)
    if claims is None:
        raise unauthorized()
    try:
        user_id = int(claims["sub"])
    except (TypeError, ValueError):
        raise unauthorized() from None
    sid = claims.get("sid")
    if not isinstance(sid, str) or not 0 < user_id < 2**31:
        raise unauthorized()
    return user_id, sid


Claims = Annotated[tuple[int, str], Depends(token_claims)]


def user_of(session: Session, claims: tuple[int, str]) -> User:
    """The user the claims name, in one statement: not disabled, and their session (which
    logout ends) still open; 401 otherwise. Runs in the caller's transaction."""
    user_id, sid = claims
    user = session.scalar(select(User).where(User.id == user_id, User.disabled_at.is_(None), session_open(sid)))
    if user is None:
        raise unauthorized()
    return user


def get_current_user(session: SessionDep, claims: Claims) -> User:
    user = user_of(session, claims)
    # End the read transaction: the connection goes back to the pool while the request waits
    # for a thread to run its route (sessions keep loaded objects: expire_on_commit=False).
    # Held across that wait, 200 concurrent requests pinned every connection in "idle in
    # transaction" while every thread waited for one (measured).
    session.commit()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require(*roles: UserRole):
    """A dependency that lets only ``roles`` through (403 otherwise)."""

    def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="not allowed for this role")
        return user

    return check


RecruiterUser = Annotated[User, Depends(require(UserRole.recruiter, UserRole.admin))]
# an interview in a URL is its public id (the uuid), never the integer key
InterviewId = Annotated[str, Path(min_length=36, max_length=36, pattern=r"^[0-9a-fA-F-]{36}$")]
CandidateUser = Annotated[User, Depends(require(UserRole.candidate, UserRole.admin))]
AdminUser = Annotated[User, Depends(require(UserRole.admin))]


def readable(what: str | None, *roles: UserRole) -> Callable[..., Interview]:
    """A dependency giving the interview of the path's ``interview_id`` when the user (of
    ``roles``, 403 otherwise; any role when none) may read it, else 404. A recruiter's read of
    ``what`` is written to the access log and committed here, so a route cannot forget it."""
    user_dep = require(*roles) if roles else get_current_user

    def dependency(session: SessionDep, interview_id: InterviewId, user: User) -> Interview:
        interview = sharing.readable_interview(session, user, interview_id, what=what)
        session.commit()
        return interview

    # a real object, not the string this module's annotations are (the role varies per call)
    dependency.__annotations__["user"] = Annotated[User, Depends(user_dep)]
    return dependency


def owned_interview(session: SessionDep, user: CurrentUser, interview_id: InterviewId) -> Interview:
    """The path's interview when the user is its candidate (or an admin), else 404."""
    return sharing.owned_interview(session, user, interview_id)


OwnedInterview = Annotated[Interview, Depends(owned_interview)]
