"""Verdicts every offline judge gives the same way (the rubric and the behavioural judges).

Pure functions; safe from any thread.
"""

from __future__ import annotations

from typing import Any, Sequence

from core.evaluation.text import Span, find_term
from core.i18n import tr
from core.interview.types import CRITERIA, AnswerEvaluation, CriterionScore, Evidence
from core.protocols import Word


def evidence(span: Span, point: str, criterion: str) -> Evidence:
    """The answer's words in ``span`` cited for ``point`` under ``criterion``."""
    return Evidence(quote=span.quote, start=span.start, end=span.end, rubric_point=point, criterion=criterion)


def dont_know_span(words: list[Word], lang: str, phrases: Sequence[str]) -> Span | None:
    """Where the answer says it does not know (the first of ``phrases`` found), or None."""
    for phrase in phrases:
        hit = find_term(phrase, words, lang)
        if hit:
            return hit
    return None


def dont_know_eval(span: Span, ui: str, model_id: str) -> AnswerEvaluation:
    """An honest "I don't know": no content credit, the words cited, 10 for saying it clearly."""
    point = tr("eval.cov.dont_know", ui)
    crit = {c: CriterionScore(c, 0.0, [evidence(span, point, c)], point) for c in CRITERIA}
    crit["communication"].score = 10.0  # it was said clearly; nothing else was said
    return AnswerEvaluation(criteria=crit, feedback=point, improvements=[tr("eval.cov.improve_structure", ui)],
                            evaluator_model=model_id)


def not_evaluated(key: str, ui: str, model_id: str, **params: Any) -> AnswerEvaluation:
    """No score, and why (message ``key`` in ``ui``): never a made-up number."""
    reason = tr(key, ui, **params)
    return AnswerEvaluation(criteria={c: CriterionScore(c, None, [], reason) for c in CRITERIA}, feedback="",
                            evaluator_model=model_id, evaluated=False, not_evaluated_reason=reason)
