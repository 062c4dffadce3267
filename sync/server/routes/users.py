"""The signed-in user, and user creation by an admin (recruiters, admins)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool

from core.db.models import Company, User, UserRole
from sync.server.deps import AUTH_RESPONSES, AdminUser, CurrentUser, SessionDep, hashed_password, new_user
from sync.server.schemas import UserCreateIn, UserOut

router = APIRouter(prefix="/users", tags=["users"], responses=AUTH_RESPONSES)


@router.get("/me", response_model=UserOut)
def me(user: CurrentUser) -> User:
    return user


@router.post("", response_model=UserOut, status_code=status.HTTP_201_CREATED,
             responses={404: {"description": "recruiter without an existing company"},
                        409: {"description": "e-mail or username taken"},
                        503: {"description": "the password hashing pool is full; see Retry-After"}})
async def create(request: Request, body: UserCreateIn, session: SessionDep, _admin: AdminUser) -> User:
    """Admin only. A recruiter needs the company they recruit for."""
    role = UserRole(body.role)

    def company_missing() -> bool:
        return body.company_id is None or session.get(Company, body.company_id) is None

    if role is UserRole.recruiter and await run_in_threadpool(company_missing):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="a recruiter needs an existing company_id")
    digest = await hashed_password(request, body.password, username=body.username, email=body.email)
    return await run_in_threadpool(new_user, session, email=body.email, username=body.username,
                                   password=body.password, password_hash=digest, role=role,
                                   full_name=body.full_name,
                                   company_id=body.company_id if role is UserRole.recruiter else None)
