"""Store a built report: evaluation_reports, interviews.overall_score/emotion_summary and,
when the interview's questions were recorded, one answer_metrics row per answer.

Not thread-safe in the SQLAlchemy sense: the caller owns ``session`` (one per thread) and
commits; this only adds and flushes, so a failing caller transaction stores nothing half-way.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import AnswerMetrics, EvaluationReport, Interview, InterviewQuestion
from core.protocols import JsonObject
from core.report.model import Report

# The stored document as the JSON column gives it back: nested values of any JSON type.
JsonDoc = JsonObject


def _evaluator_models(report: JsonDoc) -> str | None:
    models = report.get("meta", {}).get("evaluator_models")
    if models is None:
        models = sorted({d["evaluator_model"] for d in report.get("details", []) if d.get("evaluator_model")})
    return ", ".join(models)[:100] or None  # the column holds 100 characters


def save_report(session: Session, interview_id: int, report: Report | Mapping[str, object]) -> EvaluationReport:
    """Write ``report`` (from :func:`core.report.builder.build_report`, or its stored JSON form as
    a synced bundle carries it, written as given) for ``interview_id``.

    Raises ``LookupError`` when the interview does not exist. answer_metrics rows are written
    only for answers whose interview_questions row exists (matched by position = answer index);
    an existing row for the same question is updated, so saving twice does not duplicate.
    """
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise LookupError(f"interview {interview_id} not found")
    doc: JsonDoc = report.to_json() if isinstance(report, Report) else dict(report)
    summary = doc.get("summary", {})
    row = EvaluationReport(
        interview_id=interview_id,
        technical_score=summary.get("technical"),
        communication_score=summary.get("communication"),
        cultural_fit_score=summary.get("cultural"),
        summary_text=summary.get("text"),
        details_json=doc,
        evaluator_model=_evaluator_models(doc),
    )
    session.add(row)
    interview.overall_score = summary.get("overall")
    interview.emotion_summary = doc.get("emotions")

    asked = {q.position: q for q in session.scalars(
        select(InterviewQuestion).where(InterviewQuestion.interview_id == interview_id))}
    if asked:
        for d in doc.get("details", []):
            iq = asked.get(d["index"])
            if iq is None:
                continue
            metrics = session.scalars(select(AnswerMetrics).where(
                AnswerMetrics.interview_question_id == iq.id)).first() or AnswerMetrics(interview_question_id=iq.id)
            delivery = d.get("delivery") or {}
            metrics.delivery = delivery
            metrics.gaze = d.get("gaze")
            metrics.emotion = d.get("emotion")
            metrics.quality = {"stt": d.get("stt"), "timestamps": delivery.get("quality")}
            session.add(metrics)
    session.flush()
    return row
