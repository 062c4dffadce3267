"""A candidate's history for the home screen, and deleting their data.

Reads completed interviews with their latest stored report (evaluation_reports.details_json,
core.report.builder's shape). Nothing here computes a new score: progress points, weakest
areas and worst answers are the stored numbers, and a report without a number stays None.
The caller owns the session (one per thread).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import Company, EvaluationReport, Interview, InterviewStatus, MediaFile, Resume
from core.interview.types import CRITERIA

log = logging.getLogger(__name__)


@dataclass
class PastInterview:
    id: int
    created_at: Any
    company: str | None
    position: str
    language: str
    overall: float | None
    criteria: dict[str, float | None] = field(default_factory=dict)
    evaluated: int = 0
    total: int = 0


@dataclass
class WorstAnswer:
    interview_id: int
    index: int
    question: str
    answer: str
    score: float
    category: str | None
    question_type: str | None
    bank_key: str | None
    language: str


def _latest_reports(session: Session, ids: list[int]) -> dict[int, EvaluationReport]:
    out: dict[int, EvaluationReport] = {}
    if not ids:
        return out
    for row in session.scalars(select(EvaluationReport).where(EvaluationReport.interview_id.in_(ids))
                               .order_by(EvaluationReport.id)):
        out[row.interview_id] = row  # later rows win: the newest report of each interview
    return out


def interview_history(session: Session, user_id: int) -> list[PastInterview]:
    """Completed interviews of ``user_id``, oldest first, with their stored summary. ``overall``
    is the report's (the number the report shows); ``evaluated`` 0 means no score at all, and
    such an interview is no point of progress (the home screen leaves it out of the chart)."""
    rows = list(session.execute(
        select(Interview, Company.company_name).outerjoin(Company, Company.id == Interview.company_id)
        .where(Interview.candidate_id == user_id, Interview.status == InterviewStatus.completed)
        .order_by(Interview.created_at, Interview.id)))
    reports = _latest_reports(session, [i.id for i, _ in rows])
    out = []
    for interview, company_name in rows:
        rep = reports.get(interview.id)
        summary = ((rep.details_json or {}).get("summary") or {}) if rep else {}
        out.append(PastInterview(
            id=interview.id, created_at=interview.created_at, company=company_name,
            position=interview.position, language=interview.language,
            overall=summary.get("overall", interview.overall_score) if rep else interview.overall_score,
            criteria={k: (summary.get("criteria") or {}).get(k) for k in CRITERIA},
            evaluated=int(summary.get("evaluated_answers") or 0), total=int(summary.get("total_answers") or 0)))
    return out


def weakest_areas(history: list[PastInterview], n: int = 2, last: int = 5) -> list[tuple[str, float]]:
    """The ``n`` criteria with the lowest mean over the ``last`` sessions that scored them
    (sessions with no evaluated answer are not sessions of progress and are left out)."""
    recent = [h for h in history if any(v is not None for v in h.criteria.values())][-last:]
    means = []
    for crit in CRITERIA:
        vals = [v for h in recent if (v := h.criteria.get(crit)) is not None]
        if vals:
            means.append((crit, round(sum(vals) / len(vals), 1)))
    return sorted(means, key=lambda kv: kv[1])[:n]


def worst_answers(session: Session, user_id: int, n: int = 5) -> list[WorstAnswer]:
    """The ``n`` lowest-scored questions across the user's completed interviews, each at its
    LATEST evaluated attempt: after practising a question, its new score is what shows."""
    ids = [i for (i,) in session.execute(select(Interview.id).where(
        Interview.candidate_id == user_id, Interview.status == InterviewStatus.completed))]
    out = []
    for iid, rep in _latest_reports(session, ids).items():
        report = rep.details_json or {}
        lang = (report.get("meta") or {}).get("language") or "ko"
        for d in report.get("details") or []:
            if d.get("is_follow_up"):
                continue  # it followed an answer that will not be given again: not practisable
            if d.get("evaluated") and d.get("score") is not None:
                out.append(WorstAnswer(interview_id=iid, index=int(d.get("index", 0)), question=d.get("question", ""),
                                       answer=d.get("answer", ""), score=float(d["score"]),
                                       category=d.get("category"), question_type=d.get("question_type"),
                                       bank_key=d.get("bank_key"), language=lang))
    latest: dict[str, WorstAnswer] = {}
    for w in sorted(out, key=lambda w: (w.interview_id, w.index)):  # later attempts win
        latest[w.question] = w
    return sorted(latest.values(), key=lambda w: w.score)[:n]


def latest_report(session: Session, interview_id: int) -> dict[str, Any] | None:
    row = session.scalars(select(EvaluationReport).where(EvaluationReport.interview_id == interview_id)
                          .order_by(EvaluationReport.id.desc())).first()
    return row.details_json if row is not None else None


def _unlink(path: str | None) -> None:
    if not path:
        return
    try:
        Path(path).unlink(missing_ok=True)
    except OSError as exc:  # keep deleting the rest; the caller reports what stayed
        log.warning("could not delete a media file: %s", exc.strerror)


def delete_interview(session: Session, interview_id: int, *, media_root: Path | None = None) -> int:
    """Delete one interview and everything of it (transcripts, questions, metrics, reports,
    consents, media rows and their files on disk). Returns the number of files removed.
    The resume file the candidate chose stays where it was; its row goes when no other
    interview uses it. Flushes; the caller commits."""
    interview = session.get(Interview, interview_id)
    if interview is None:
        return 0
    files = [m.path for m in session.scalars(select(MediaFile).where(MediaFile.interview_id == interview_id))]
    resume_id = interview.resume_id
    session.delete(interview)
    session.flush()
    if resume_id is not None:
        still = session.scalar(select(Interview.id).where(Interview.resume_id == resume_id).limit(1))
        if still is None and (r := session.get(Resume, resume_id)) is not None:
            session.delete(r)
    session.flush()
    for p in files:
        _unlink(p)
    return len(files)


def delete_all_of_user(session: Session, user_id: int) -> int:
    """Delete every interview and resume row of ``user_id`` (the account stays). Flushes."""
    removed = 0
    for (iid,) in list(session.execute(select(Interview.id).where(Interview.candidate_id == user_id))):
        removed += delete_interview(session, iid)
    for r in session.scalars(select(Resume).where(Resume.candidate_id == user_id)):
        session.delete(r)
    session.flush()
    return removed
