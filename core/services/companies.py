"""Companies on the server (reference data seeded from the bank, readable by every user)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import Company
from core.errors import NotFound


def all_companies(session: Session) -> list[Company]:
    return list(session.scalars(select(Company).order_by(Company.id)))


def company(session: Session, company_id: str) -> Company:
    """The company, else NotFound."""
    row = session.get(Company, company_id)
    if row is None:
        raise NotFound("db.not_found", what="company", id=company_id)
    return row
