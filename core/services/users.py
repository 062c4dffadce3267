"""Users: creation with a bcrypt hash, authentication."""

from __future__ import annotations

import re

import bcrypt
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db.models import User, UserRole
from core.errors import InputError

MIN_PASSWORD = 8
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{3,64}$")
# bcrypt only reads the first 72 bytes; longer secrets are refused rather than silently cut.
_BCRYPT_MAX = 72


def hash_password(password: str) -> str:
    raw = password.encode("utf-8")
    if len(password) < MIN_PASSWORD:
        raise InputError("user.bad_password", min=MIN_PASSWORD)
    if len(raw) > _BCRYPT_MAX:
        raise InputError("input.invalid", reason="password longer than 72 bytes")
    return bcrypt.hashpw(raw, bcrypt.gensalt(rounds=12)).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), password_hash.encode("ascii"))
    except ValueError:  # malformed hash in the database: treat as a failed login, never crash
        return False


def create_user(session: Session, *, email: str, username: str, password: str,
                role: UserRole = UserRole.candidate, full_name: str | None = None,
                company_id: str | None = None) -> User:
    """Create and flush a user (the caller commits). Raises InputError on bad or duplicate input."""
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise InputError("input.invalid", reason=f"e-mail address '{email}'")
    if not _USERNAME.match(username):
        raise InputError("input.invalid", reason="username: 3-64 letters, digits, '.', '_' or '-'")
    exists = session.scalar(select(User.id).where(or_(User.email == email, User.username == username)))
    if exists is not None:
        raise InputError("user.duplicate")
    user = User(email=email, username=username, password_hash=hash_password(password), role=role,
                full_name=full_name, company_id=company_id)
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent insert won the race
        session.rollback()
        raise InputError("user.duplicate") from exc
    return user


def authenticate(session: Session, login: str, password: str) -> User | None:
    """The user for ``login`` (e-mail or username) if the password matches, else None."""
    login = login.strip()
    user = session.scalar(select(User).where(or_(User.email == login.lower(), User.username == login)))
    if user is None:
        # Spend the same time as a real check so response time does not reveal which logins exist.
        bcrypt.checkpw(b"x", b"$2b$12$C6UzMDM.H6dfI/f/IKcEeO5aAOxGHhtiXlE4YLxbLvcRCa6Xk0xHm")
        return None
    return user if verify_password(password, user.password_hash) else None
