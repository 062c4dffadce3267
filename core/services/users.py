"""Users: creation with a bcrypt hash, authentication, the server's password policy."""

from __future__ import annotations

import functools
import re
from datetime import datetime, timezone
from pathlib import Path

import bcrypt
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db.models import User, UserRole
from core.errors import Conflict, InputError, NotFound
from core.services.tokens import revoke_user

MIN_PASSWORD = 8
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{3,64}$")
# bcrypt only reads the first 72 bytes; longer secrets are refused rather than silently cut.
_BCRYPT_MAX = 72


# The server's policy, in the spirit of NIST SP 800-63B 5.1.1.2: long enough, not a known
# common password, not the account's own name; no composition rules.
POLICY_MIN = 10


@functools.lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))


def password_problem(password: str, *, username: str = "", email: str = "") -> str | None:
    """Why ``password`` is refused for a server account (English), or None when it is fine.
    Thread-safe (the shipped list is read once)."""
    if len(password) < POLICY_MIN:
        return f"a password needs at least {POLICY_MIN} characters"
    if len(password.encode("utf-8", "surrogatepass")) > _BCRYPT_MAX:
        return "a password may be at most 72 bytes"
    folded = password.strip().lower()
    if len(set(folded)) < 3:
        return "a password needs more than one or two different characters"
    if folded in _common_passwords():
        return "this password is on the list of commonly used passwords; choose another"
    names = {n.strip().lower() for n in (username, email, email.partition("@")[0]) if n and len(n.strip()) >= 3}
    if any(n in folded for n in names):
        return "a password may not contain the username or e-mail address"
    return None


def hash_password(password: str) -> str:
    raw = password.encode("utf-8")
    if len(password) < MIN_PASSWORD:
        raise InputError("user.bad_password", field="password", min=MIN_PASSWORD)
    if len(raw) > _BCRYPT_MAX:
        raise InputError("input.invalid", field="password", reason="password longer than 72 bytes")
    return bcrypt.hashpw(raw, bcrypt.gensalt(rounds=12)).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), password_hash.encode("ascii"))
    except ValueError:  # malformed hash in the database: treat as a failed login, never crash
        return False


def create_user(session: Session, *, email: str, username: str, password: str,
                role: UserRole = UserRole.candidate, full_name: str | None = None,
                company_id: str | None = None, password_hash: str | None = None) -> User:
    """Create and flush a user (the caller commits). Raises InputError on bad or duplicate input.
    ``password_hash``: already hashed by the caller (the server hashes on its own pool)."""
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise InputError("input.invalid", field="email", reason=f"e-mail address '{email}'")
    if not _USERNAME.match(username):
        raise InputError("input.invalid", field="username", reason="username: 3-64 letters, digits, '.', '_' or '-'")
    exists = session.scalar(select(User.id).where(or_(User.email == email, User.username == username)))
    if exists is not None:
        raise Conflict("user.duplicate")
    user = User(email=email, username=username, password_hash=password_hash or hash_password(password), role=role,
                full_name=full_name, company_id=company_id)
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent insert won the race
        session.rollback()
        raise Conflict("user.duplicate") from exc
    return user


def find_login(session: Session, login: str) -> User | None:
    """The user whose e-mail or username is ``login``."""
    login = login.strip()
    return session.scalar(select(User).where(or_(User.email == login.lower(), User.username == login)))


def check_password(user: User | None, password: str) -> bool:
    """bcrypt's verdict; for no user the same time is spent, so timing reveals no login."""
    if user is None:
        bcrypt.checkpw(b"x", b"$2b$12$C6UzMDM.H6dfI/f/IKcEeO5aAOxGHhtiXlE4YLxbLvcRCa6Xk0xHm")
        return False
    return verify_password(password, user.password_hash)


def authenticate(session: Session, login: str, password: str) -> User | None:
    """The user for ``login`` (e-mail or username) if the password matches, else None."""
    login = login.strip()
    user = session.scalar(select(User).where(or_(User.email == login.lower(), User.username == login)))
    if user is None:
        # Spend the same time as a real check so response time does not reveal which logins exist.
        bcrypt.checkpw(b"x", b"$2b$12$C6UzMDM.H6dfI/f/IKcEeO5aAOxGHhtiXlE4YLxbLvcRCa6Xk0xHm")
        return None
    return user if verify_password(password, user.password_hash) else None


def disable_user(session: Session, user_id: int) -> tuple[User, int]:
    """Disable ``user_id`` and end every session of theirs (flushed; the caller commits).
    Returns (the user, how many sessions were ended). NotFound for no such user."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("db.not_found", what="user", id=user_id)
    if user.disabled_at is None:
        user.disabled_at = datetime.now(timezone.utc)
    ended = revoke_user(session, user.id)
    session.flush()
    return user, ended
