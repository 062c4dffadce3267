"""Companies (reference data, readable by every signed-in user) and similar companies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status
from core.db.models import Company
from core.services.companies import all_companies, company as find_company
from core.services.embeddings import similar_companies
from sync.server.deps import AUTH_RESPONSES, CurrentUser, SessionDep
from sync.server.schemas import CompanyOut, SimilarCompanyOut

router = APIRouter(prefix="/companies", tags=["companies"], responses=AUTH_RESPONSES)
CompanyId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]


@router.get("", response_model=list[CompanyOut])
def list_companies(session: SessionDep, _user: CurrentUser) -> list[Company]:
    return all_companies(session)


@router.get("/{company_id}", response_model=CompanyOut, responses={404: {"description": "no such company"}})
def get_company(company_id: CompanyId, session: SessionDep, _user: CurrentUser) -> Company:
    return find_company(session, company_id)


@router.get("/{company_id}/similar", response_model=list[SimilarCompanyOut],
            responses={404: {"description": "no such company"},
                       409: {"description": "embeddings not computed yet"}})
def similar(company_id: CompanyId, session: SessionDep, _user: CurrentUser,
            limit: Annotated[int, Query(ge=1, le=50)] = 5) -> list[SimilarCompanyOut]:
    """Nearest companies by the cosine of their profile embeddings (pgvector)."""
    company = find_company(session, company_id)
    if company.embedding is None:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="embeddings not computed yet")
    return [SimilarCompanyOut(id=c.id, company_name=c.company_name, ideal=c.ideal, description=c.description,
                              similarity=round(sim, 4)) for c, sim in similar_companies(session, company, limit)]
