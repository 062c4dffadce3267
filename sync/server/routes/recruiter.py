"""The recruiter's side: interviews shared with their company (filters, sorting) and
semantic search over the shared candidates' answers and resumes."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request, status

from core.db.models import Interview, InterviewStatus
from core.services import sharing
from core.services.embeddings import search_shared
from sync.server.deps import AUTH_RESPONSES, RecruiterUser, SessionDep
from sync.server.schemas import InterviewOut, RecruiterInterviewOut, SearchHit

router = APIRouter(prefix="/recruiter", tags=["recruiter"], responses=AUTH_RESPONSES)

_SORTS = {"created": Interview.created_at.desc(), "-created": Interview.created_at.asc(),
          "score": Interview.overall_score.desc().nulls_last(), "-score": Interview.overall_score.asc().nulls_last()}


@router.get("/interviews", response_model=list[RecruiterInterviewOut])
def shared_interviews(session: SessionDep, user: RecruiterUser,
                      position: Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00%_\\]*$")] = None,
                      status_filter: Annotated[Literal["scheduled", "live", "completed", "cancelled"] | None,
                                               Query(alias="status")] = None,
                      min_score: Annotated[float | None, Query(ge=0, le=100)] = None,
                      sort: Literal["created", "-created", "score", "-score"] = "created",
                      limit: Annotated[int, Query(ge=1, le=500)] = 100,
                      offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> list[RecruiterInterviewOut]:
    """Interviews whose candidates share them with your company now (revoked ones vanish),
    with the candidate's name and when the consent was given."""
    stmt = sharing.shared_with_company(session, user.company_id)
    if position:
        stmt = stmt.where(Interview.position.ilike(f"%{position}%"))
    if status_filter is not None:
        stmt = stmt.where(Interview.status == InterviewStatus(status_filter))
    if min_score is not None:
        stmt = stmt.where(Interview.overall_score >= min_score)
    listed = sharing.shared_listing(session, user, stmt.order_by(_SORTS[sort], Interview.id).limit(limit).offset(offset))
    out = [RecruiterInterviewOut(**{**InterviewOut.model_validate(iv).model_dump(), "status": iv.status.value},
                                 candidate_name=name, shared_at=shared_at) for iv, name, shared_at in listed]
    session.commit()
    return out


@router.get("/search", response_model=list[SearchHit],
            responses={503: {"description": "no embedding model configured on the server"}})
def search(request: Request, session: SessionDep, user: RecruiterUser,
           q: Annotated[str, Query(min_length=1, max_length=500)],
           limit: Annotated[int, Query(ge=1, le=50)] = 10) -> list[SearchHit]:
    """Answers and resumes of shared candidates nearest in meaning to ``q`` ("Kafka 경험")."""
    embedder = request.app.state.background.embedder()
    if embedder is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="no embedding model configured")
    # e5-style encoders embed a search query differently from the stored passages
    vec = embedder.embed_query(q) if hasattr(embedder, "embed_query") else embedder.embed([q])[0]
    hits = search_shared(session, user.company_id or "", vec, limit)
    out = []
    for kind, row, iv, sim in hits:
        text = row.text if kind == "answer" else (row.extracted_text or "")[:500]
        out.append(SearchHit(interview_id=iv.uuid, candidate_id=iv.candidate_id, position=iv.position, kind=kind,
                             text=text, similarity=round(sim, 4)))
    sharing.log_reads(session, user, [iv.id for _, _, iv, _ in hits], "search")
    session.commit()
    return out
