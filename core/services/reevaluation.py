"""Re-scoring a synced interview's answers with the server's own evaluator.

The desktop's report stays as the candidate's device computed it; the server's result is
stored beside it, one :class:`~core.db.models.ServerEvaluation` row per (answer, evaluator),
with the evaluator's name. An answer the evaluator could not score (no rubric, too short,
a model that returned junk twice) is stored with ``score`` None and the reason: never a
made-up number.

Inputs are what the server holds: the asked questions (``interview_questions``; the bank
question's rubric through ``question_id``), the candidate's utterances per question (their
word timings when synced, else the text split into words). The evaluator is any
:class:`core.protocols.AnswerEvaluator`; the caller (the Celery task) builds it. The caller
owns the session and commits; not thread-safe (one session per task).
"""

from __future__ import annotations

import logging
from typing import Any, Literal, cast

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.db.models import Interview, InterviewQuestion, Question, ServerEvaluation, Speaker, Transcript
from core.evaluation.text import words_from_text
from core.interview.types import PlannedQuestion
from core.protocols import Word

log = logging.getLogger(__name__)


def _words(rows: list[Transcript]) -> list[Word]:
    out: list[Word] = []
    for t in rows:
        stored = [w for w in (t.words or []) if isinstance(w, dict) and str(w.get("w") or "").strip()]
        # word timings cover the utterance only when they spell its text; otherwise use the text
        if stored and len(stored) >= len((t.text or "").split()):
            out += [Word(text=str(w["w"]), start=float(w.get("s") or 0.0), end=float(w.get("e") or 0.0),
                         confidence=w.get("c")) for w in stored]
        else:
            base = float(t.start_s or 0.0)
            out += [Word(text=w.text, start=base + w.start, end=base + w.end) for w in words_from_text(t.text or "")]
    return out


def _question(session: Session, iq: InterviewQuestion, language: str) -> PlannedQuestion:
    q = session.get(Question, iq.question_id) if iq.question_id else None
    category = cast(Literal["technical", "behavioral", "situational", "cultural_fit"],
                    q.category.value if q is not None else "technical")
    return PlannedQuestion(text=iq.text, category=category, question_type=(q.question_type if q else "") or "",
                           rubric=dict(q.rubric_json or {}) if q is not None else {},
                           bank_key=q.bank_key if q is not None else None, language=language,
                           is_follow_up=iq.parent_id is not None)


def reevaluate_interview(session: Session, evaluator: Any, interview_id: int) -> dict[str, Any]:
    """Score every asked question's answer with ``evaluator``; replace this evaluator's earlier
    rows for the interview. Returns ``{"evaluator", "evaluated", "not_evaluated", "answers"}``."""
    iv = session.get(Interview, interview_id)
    if iv is None:
        return {"evaluator": evaluator.model_id, "evaluated": 0, "not_evaluated": 0, "answers": 0,
                "skipped": "no such interview"}
    asked = list(session.scalars(select(InterviewQuestion).where(InterviewQuestion.interview_id == iv.id)
                                 .order_by(InterviewQuestion.position)))
    session.execute(delete(ServerEvaluation).where(ServerEvaluation.interview_id == iv.id,
                                                   ServerEvaluation.evaluator == evaluator.model_id[:100]))
    done = failed = 0
    for iq in asked:
        utterances = list(session.scalars(select(Transcript).where(
            Transcript.interview_question_id == iq.id, Transcript.speaker == Speaker.User)
            .order_by(Transcript.start_s.is_(None), Transcript.start_s, Transcript.id)))
        question = _question(session, iq, iv.language)
        ev = evaluator.evaluate(question, _words(utterances), iv.language, position=iv.position)
        evaluated = bool(ev.evaluated and ev.score is not None)
        session.add(ServerEvaluation(
            interview_id=iv.id, detail_index=iq.position, evaluator=evaluator.model_id[:100],
            score=ev.score if evaluated else None,
            criteria={name: {"score": c.score, "reason": c.reason} for name, c in ev.criteria.items()} or None,
            feedback=(ev.feedback or None) if evaluated else None,
            reason=None if evaluated else (ev.not_evaluated_reason or ev.feedback or "not evaluated")))
        done += evaluated
        failed += not evaluated
    session.flush()
    return {"evaluator": evaluator.model_id, "evaluated": done, "not_evaluated": failed, "answers": len(asked)}
