"""Embeddings in the database: fill missing vectors, resume-to-company fit, similar
companies, and recruiters' semantic search over what candidates shared with them.

Vectors come from any :class:`core.protocols.Embedder`; their width must equal the schema's
(:func:`core.catalog.embedding_dim`, from the configured model) or ModelError is raised
before anything is written. On PostgreSQL the nearest-neighbour queries use pgvector's
cosine distance (``<=>``, HNSW indexes from migrations 0002/0003); on SQLite they are
computed here, exactly. The caller owns the session (one per thread) and commits.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from core.catalog import embedding_dim
from core.db.models import (
    AnswerBank,
    Company,
    Interview,
    InterviewQuestion,
    Question,
    Resume,
    ShareConsent,
    Speaker,
    Transcript,
)
from core.errors import ModelError
from core.protocols import Embedder

_MAX_CHARS = 2000


def _texts(rows: Sequence[Any], kind: str) -> list[str]:
    if kind == "companies":
        return [" ".join(filter(None, (r.company_name, r.ideal, r.description)))[:_MAX_CHARS] for r in rows]
    if kind == "questions":
        return [r.content[:_MAX_CHARS] for r in rows]
    if kind == "answer_bank":
        return [r.answer_text[:_MAX_CHARS] for r in rows]
    if kind == "resumes":
        return [(r.extracted_text or r.file_name)[:_MAX_CHARS] for r in rows]
    return [r.text[:_MAX_CHARS] for r in rows]


_Embedded = Company | Question | AnswerBank | Resume | Transcript  # the rows that carry an embedding
_TABLES: dict[str, type[_Embedded]] = {"companies": Company, "questions": Question, "answer_bank": AnswerBank, "resumes": Resume,
           "transcripts": Transcript}


def check_dim(embedder: Embedder) -> None:
    want = embedding_dim()
    if embedder.dim != want:
        raise ModelError("server.embed_dim_mismatch", model=embedder.model_id, got=embedder.dim, want=want)


def embed_pending(session: Session, embedder: Embedder, *, interview_ids: Sequence[int] | None = None,
                  tables: Sequence[str] | None = None, batch: int = 32) -> dict[str, int]:
    """Compute the embeddings still NULL in ``tables`` (default all: companies, questions,
    answer_bank, resumes, transcripts); with ``interview_ids`` only those interviews' resumes
    and candidate answers. Flushes after each batch; returns counts per table."""
    check_dim(embedder)
    counts: dict[str, int] = {}
    for kind, model in _TABLES.items():
        if tables is not None and kind not in tables:
            continue
        stmt = select(model).where(model.embedding.is_(None))
        if kind == "transcripts":
            stmt = stmt.where(Transcript.speaker == Speaker.User)
        if interview_ids is not None:
            if kind == "transcripts":
                stmt = stmt.where(Transcript.interview_id.in_(interview_ids))
            elif kind == "resumes":
                stmt = stmt.where(Resume.id.in_(select(Interview.resume_id).where(Interview.id.in_(interview_ids))))
            elif kind == "answer_bank":  # model answers of the questions these interviews asked
                stmt = stmt.where(AnswerBank.question_id.in_(select(InterviewQuestion.question_id).where(
                    InterviewQuestion.interview_id.in_(interview_ids))))
            else:
                continue
        rows: list[_Embedded] = list(session.scalars(stmt))
        for i in range(0, len(rows), batch):
            chunk = rows[i:i + batch]
            vectors = embedder.embed(_texts(chunk, kind))
            for row, vec in zip(chunk, vectors):
                row.embedding = list(vec)
            session.flush()
        counts[kind] = len(rows)
    return counts


def _cos(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


def _nearest(session: Session, model: Any, vec: Sequence[float], stmt: Select[Any],
             limit: int) -> list[tuple[Any, float]]:
    if session.get_bind().dialect.name == "postgresql":
        dist = model.embedding.cosine_distance(list(vec))
        # a zero vector's cosine distance is NaN (PostgreSQL sorts NaN above every number):
        # ``<= 2`` keeps exactly the rows with a similarity, so none comes back as null
        found = session.execute(stmt.add_columns(dist.label("d")).where(model.embedding.is_not(None), dist <= 2.0)
                                .order_by(dist).limit(limit))
        return [(r[0], 1.0 - float(r[-1])) for r in found]
    rows = [r for r in session.scalars(stmt) if getattr(r, "embedding", None) is not None]
    scored = sorted(((r, _cos(r.embedding, vec)) for r in rows), key=lambda t: -t[1])
    return [(r, sim) for r, sim in scored if math.isfinite(sim)][:limit]


def similar_companies(session: Session, company: Company, limit: int = 5) -> list[tuple[Company, float]]:
    """Companies nearest to ``company`` (itself excluded); [] when it has no embedding yet."""
    if company.embedding is None:
        return []
    return _nearest(session, Company, company.embedding, select(Company).where(Company.id != company.id), limit)


def company_fit(session: Session, resume: Resume, limit: int = 5) -> list[tuple[Company, float]]:
    """Companies ranked by cosine between the resume and the company profile."""
    if resume.embedding is None:
        return []
    return _nearest(session, Company, resume.embedding, select(Company), limit)


def answer_vs_model(session: Session, interview_id: int) -> list[dict[str, Any]]:
    """Per asked bank question: cosine between the candidate's answer (mean of its utterance
    embeddings) and the question's model answer in answer_bank. ``similarity`` None when the
    question has no model answer or the embeddings are not computed yet."""
    out = []
    asked = list(session.scalars(select(InterviewQuestion).where(InterviewQuestion.interview_id == interview_id)
                                 .order_by(InterviewQuestion.position)))
    for iq in asked:
        model = session.scalars(select(AnswerBank).where(AnswerBank.question_id == iq.question_id)
                                .order_by(AnswerBank.id)).first() if iq.question_id else None
        vecs = [t.embedding for t in session.scalars(select(Transcript).where(
            Transcript.interview_question_id == iq.id, Transcript.speaker == Speaker.User)) if t.embedding]
        sim = None
        if model is not None and model.embedding is not None and vecs:
            mean = [sum(col) / len(vecs) for col in zip(*vecs)]
            sim = round(_cos(mean, model.embedding), 4)
        out.append({"position": iq.position, "question": iq.text, "has_model_answer": model is not None,
                    "similarity": sim})
    return out


def search_shared(session: Session, company_id: str, query_vec: Sequence[float], limit: int = 10
                  ) -> list[tuple[str, Any, Interview, float]]:
    """Candidate answers and resumes of the interviews actively shared with ``company_id``,
    nearest to ``query_vec``: (kind, row, interview, similarity), best first. Every hit has a
    finite similarity: a blank answer (nothing said) and a vector without a direction (all
    zeros, whose cosine is undefined) are not hits."""
    shared = select(ShareConsent.interview_id).where(ShareConsent.company_id == company_id,
                                                     ShareConsent.revoked_at.is_(None))
    answers = _nearest(session, Transcript, query_vec, select(Transcript).where(
        Transcript.interview_id.in_(shared), Transcript.speaker == Speaker.User,
        func.length(func.trim(Transcript.text)) > 0), limit)
    hits: list[tuple[str, Any, Interview, float]] = [
        ("answer", t, iv, s) for t, s in answers if (iv := session.get(Interview, t.interview_id)) is not None]
    interviews = list(session.scalars(select(Interview).where(Interview.id.in_(shared),
                                                               Interview.resume_id.is_not(None))))
    by_resume: dict[int, Interview] = {iv.resume_id: iv for iv in interviews if iv.resume_id is not None}
    if by_resume:
        resumes = _nearest(session, Resume, query_vec, select(Resume).where(Resume.id.in_(list(by_resume))), limit)
        hits += [("resume", r, by_resume[r.id], s) for r, s in resumes]
    hits.sort(key=lambda h: -h[3])
    return hits[:limit]
