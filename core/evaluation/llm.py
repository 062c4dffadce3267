"""The LLM evaluator: rubric-guided scoring by a capable GGUF, with verified evidence.

The model gets the question, the rubric (key points, criteria focus, bands), the company's
ideal (culture fit) and the answer as timestamped words, and must return JSON under
:data:`EVAL_SCHEMA`. Then nothing is taken on trust: the output is validated (pydantic);
every quote must occur in the transcript (:func:`core.evaluation.text.locate_quote`) and is
mapped to its word timestamps; fabricated quotes are dropped; a criterion left with no
verified quote is "not evaluated"; if no criterion keeps a quote, the whole answer is "not
evaluated". Invalid output is retried once; a second failure gives
``AnswerEvaluation(evaluated=False, not_evaluated_reason=...)`` - never a default number.

Pure logic; the model is called on the caller's thread; ``cancel`` is checked per attempt.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.errors import EngineError
from core.evaluation.text import locate_quote
from core.i18n import tr
from core.interview.types import CRITERIA, AnswerEvaluation, CriterionScore, Evidence, PlannedQuestion
from core.protocols import ChatMessage, LanguageModel, Word

log = logging.getLogger(__name__)

_EVIDENCE = {"type": "object",
             "properties": {"quote": {"type": "string", "minLength": 4},
                            "rubric_point": {"type": "string", "minLength": 2}},
             "required": ["quote", "rubric_point"]}
EVAL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "criteria": {
            "type": "object",
            "properties": {c: {"type": "object",
                               "properties": {"score": {"type": "integer", "minimum": 0, "maximum": 100},
                                              "reason": {"type": "string"},
                                              "evidence": {"type": "array", "items": _EVIDENCE, "minItems": 1}},
                               "required": ["score", "reason", "evidence"]} for c in CRITERIA},
            "required": list(CRITERIA)},
        "feedback": {"type": "string", "minLength": 10},
        "strengths": {"type": "array", "items": {"type": "string"}},
        "improvements": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["criteria", "feedback", "strengths", "improvements"],
}


class _Ev(BaseModel):
    model_config = ConfigDict(extra="ignore")
    quote: str = Field(min_length=1)
    rubric_point: str = Field(min_length=1)


class _Crit(BaseModel):
    model_config = ConfigDict(extra="ignore")
    score: int = Field(ge=0, le=100)
    reason: str = ""
    evidence: list[_Ev] = Field(default_factory=list)


class EvalOutput(BaseModel):
    model_config = ConfigDict(extra="ignore")
    criteria: dict[str, _Crit]
    feedback: str = Field(min_length=10)
    strengths: list[str] = Field(default_factory=list)
    improvements: list[str] = Field(default_factory=list)


def build_messages(question: PlannedQuestion, words: list[Word], language: str,
                   company_ideal: str | None = None) -> list[ChatMessage]:
    rubric = question.rubric or {}
    lines = [f"- {p}" for p in rubric.get("key_points") or []]
    crit = "\n".join(f"- {c}: {v.get('focus', '')} (weight {v.get('weight', '')})"
                     for c, v in (rubric.get("criteria") or {}).items())
    bands = "\n".join(f"- {v.get('range')}: {v.get('description')}" for v in (rubric.get("bands") or {}).values())
    timed = " ".join(f"[{w.start:.1f}]{w.text}" if w.start == w.start else w.text for w in words)
    lang_name = "Korean" if language == "ko" else "English"
    system = ("You are a strict interview evaluator. Score the answer 0-100 on each criterion "
              f"({', '.join(CRITERIA)}) against the rubric. For every criterion cite evidence: quotes "
              "copied EXACTLY from the answer (no paraphrase) and the rubric key point each matches. "
              f"Write feedback, strengths and improvements in {lang_name}. Output JSON only.")
    user = (f"Question: {question.text}\nCategory: {question.category}\n"
            f"Rubric key points:\n" + "\n".join(lines) + f"\nCriteria:\n{crit}\nBands:\n{bands}\n"
            + (f"Company ideal (for culture fit): {company_ideal}\n" if company_ideal else "")
            + f"Answer (with start times in seconds): {timed}")
    return [ChatMessage("system", system), ChatMessage("user", user)]


def verify(output: EvalOutput, words: list[Word], model_id: str, ui: str) -> AnswerEvaluation:
    """Keep only quotes found in ``words``; criteria without any become not evaluated."""
    criteria: dict[str, CriterionScore] = {}
    for c in CRITERIA:
        got = output.criteria.get(c)
        if got is None:
            criteria[c] = CriterionScore(c, None, [], tr("eval.criterion.not_scored", ui))
            continue
        evidence = []
        for e in got.evidence:
            span = locate_quote(e.quote, words)
            if span is None:
                log.info("rejected a quote not found in the transcript (criterion %s)", c)
                continue
            evidence.append(Evidence(quote=span.quote, start=span.start, end=span.end,
                                     rubric_point=e.rubric_point, criterion=c))
        if evidence:
            criteria[c] = CriterionScore(c, float(got.score), evidence, got.reason)
        else:
            criteria[c] = CriterionScore(c, None, [], tr("eval.criterion.no_evidence", ui))
    if all(cs.score is None for cs in criteria.values()):
        reason = tr("eval.not_evaluated.no_evidence", ui)
        return AnswerEvaluation(criteria=criteria, feedback="", evaluator_model=model_id,
                                evaluated=False, not_evaluated_reason=reason)
    return AnswerEvaluation(criteria=criteria, feedback=output.feedback.strip(),
                            strengths=[s for s in output.strengths if s.strip()],
                            improvements=[s for s in output.improvements if s.strip()],
                            evaluator_model=model_id)


def evaluate_with_llm(llm: LanguageModel, question: PlannedQuestion, words: list[Word], language: str,
                      *, company_ideal: str | None = None, cancel: Any = None,
                      ui_lang: str | None = None, attempts: int = 2, max_tokens: int = 900) -> AnswerEvaluation:
    """Evaluate one answer; see the module docstring for the guarantees."""
    ui = ui_lang or language
    messages = build_messages(question, words, language, company_ideal)
    last = ""
    for _ in range(attempts):
        if cancel is not None:
            cancel.raise_if_cancelled()
        try:
            raw = llm.chat_json(messages, EVAL_SCHEMA, max_tokens=max_tokens, temperature=0.1)
            out = EvalOutput.model_validate(raw)
        except EngineError as exc:
            last = exc.params.get("reason", exc.code) if exc.params else exc.code
            continue
        except ValidationError as exc:
            last = f"schema: {exc.error_count()} errors"
            continue
        return verify(out, words, llm.model_id, ui)
    reason = tr("eval.not_evaluated.llm_failed", ui, reason=last)
    return AnswerEvaluation(criteria={c: CriterionScore(c, None, [], reason) for c in CRITERIA},
                            feedback="", evaluator_model=llm.model_id, evaluated=False,
                            not_evaluated_reason=reason)
