"""The LLM evaluator: rubric-guided scoring by a capable GGUF, with verified evidence.

The model gets the question, the rubric (key points, criteria focus, bands), the company's
ideal (culture fit) and the answer as timestamped words, and must return JSON under
:data:`EVAL_SCHEMA`. Then nothing is taken on trust: the output is validated (pydantic);
every quote must occur in the transcript (:func:`core.evaluation.text.locate_quote`) and is
mapped to its word timestamps; fabricated quotes are dropped; a criterion left with no
verified quote is "not evaluated"; if no criterion keeps a quote, the whole answer is "not
evaluated". Invalid output is retried once; a second failure gives
``AnswerEvaluation(evaluated=False, not_evaluated_reason=...)`` - never a default number.

Claims are checked too: technical-accuracy evidence must name one of the rubric's key points
(a point the rubric does not have is no evidence), and the technical score cannot exceed the
share of key points that verified quotes back (``100 * backed / points``; the reason says when
it was capped). Claims the model marks wrong (``wrong_claims``: a verified quote and the
accepted view) are named in the feedback ("this says X; the accepted view is Y"); one whose
quote is not in the answer is dropped like any other fabricated quote.

Pure logic; the model is called on the caller's thread; ``cancel`` is checked per attempt.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.errors import EngineError
from core.evaluation.text import locate_quote, norm, tokens
from core.i18n import tr
from core.interview.rubrics import rubric_kind
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
        "wrong_claims": {"type": "array", "items": {
            "type": "object", "properties": {"quote": {"type": "string", "minLength": 4},
                                             "correct": {"type": "string", "minLength": 4}},
            "required": ["quote", "correct"]}},
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


class _Wrong(BaseModel):
    model_config = ConfigDict(extra="ignore")
    quote: str = Field(min_length=1)
    correct: str = Field(min_length=1)


class EvalOutput(BaseModel):
    model_config = ConfigDict(extra="ignore")
    criteria: dict[str, _Crit]
    wrong_claims: list[_Wrong] = Field(default_factory=list)
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
    misc = "\n".join(f"- wrong: {m.get('wrong')} / correct: {m.get('correct')}" for m in rubric.get("misconceptions") or [])
    timed = " ".join(f"[{w.start:.1f}]{w.text}" if w.start == w.start else w.text for w in words)
    lang_name = "Korean" if language == "ko" else "English"
    story = ""
    if rubric_kind(question) != "technical":
        facts = ", ".join(str(f) for f in rubric.get("facts") or [])
        story = ("This question asks for the candidate's own experience or a self-introduction: judge relevance "
                 "(an answer about the job, company or project named"
                 + (f" ({facts})" if facts else "") + " is on topic even without the question's words), "
                 "specificity (numbers, names, their own actions) and structure (situation, action, result, "
                 "conclusion first); the order of sentences alone must not change the score.\n")
    system = ("You are a strict interview evaluator. Score the answer 0-100 on each criterion "
              f"({', '.join(CRITERIA)}) against the rubric. For every criterion cite evidence: quotes "
              "copied EXACTLY from the answer (no paraphrase) and, for technical_accuracy, the rubric key "
              "point each states, copied from the rubric. A sentence that only names a topic is not evidence. "
              "List every false claim in wrong_claims (its exact quote and the correct statement); "
              "a false claim earns nothing. "
              f"Write feedback, strengths and improvements in {lang_name}. Output JSON only.")
    user = (f"Question: {question.text}\nCategory: {question.category}\n" + story +
            "Rubric key points:\n" + "\n".join(lines) + f"\nCriteria:\n{crit}\nBands:\n{bands}\n"
            + (f"Common misconceptions:\n{misc}\n" if misc else "")
            + (f"Company ideal (for culture fit): {company_ideal}\n" if company_ideal else "")
            + f"Answer (with start times in seconds): {timed}")
    return [ChatMessage("system", system), ChatMessage("user", user)]


def _point_of(cited: str, key_points: list[str]) -> str | None:
    """The rubric key point a cited ``rubric_point`` names (normalised containment either way,
    or most of its words), or None."""
    c = norm(cited)
    if not c:
        return None
    for p in key_points:
        n = norm(p)
        if n and (c in n or n in c):
            return p
    ct = set(tokens(cited))
    best = max(key_points, key=lambda p: len(ct & set(tokens(p))), default=None)
    if best is not None and len(ct & set(tokens(best))) >= max(2, 0.6 * len(set(tokens(best)))):
        return best
    return None


def verify(output: EvalOutput, words: list[Word], model_id: str, ui: str,
           key_points: list[str] | None = None) -> AnswerEvaluation:
    """Keep only quotes found in ``words`` (and, for technical accuracy, evidence naming one of
    ``key_points`` when given); criteria without any become not evaluated; the technical score
    is capped by the key points its verified evidence backs."""
    criteria: dict[str, CriterionScore] = {}
    points = [p for p in (key_points or []) if p.strip()]
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
            point = e.rubric_point
            if c == "technical_accuracy" and points:
                matched = _point_of(e.rubric_point, points)
                if matched is None:
                    log.info("rejected evidence for a point the rubric does not have")
                    continue
                point = matched
            evidence.append(Evidence(quote=span.quote, start=span.start, end=span.end,
                                     rubric_point=point, criterion=c))
        if not evidence:
            criteria[c] = CriterionScore(c, None, [], tr("eval.criterion.no_evidence", ui))
            continue
        score, reason = float(got.score), got.reason
        if c == "technical_accuracy" and points:
            backed = len({e.rubric_point for e in evidence})
            cap = round(100.0 * backed / len(points), 1)
            if score > cap:
                score = cap
                reason = (reason + " " if reason else "") + tr("eval.llm.capped", ui, backed=backed, total=len(points))
        criteria[c] = CriterionScore(c, score, evidence, reason)
    if all(cs.score is None for cs in criteria.values()):
        reason = tr("eval.not_evaluated.no_evidence", ui)
        return AnswerEvaluation(criteria=criteria, feedback="", evaluator_model=model_id,
                                evaluated=False, not_evaluated_reason=reason)
    wrong = []
    for w in output.wrong_claims:
        span = locate_quote(w.quote, words)
        if span is None:
            continue
        wrong.append(tr("eval.sem.misconception", ui, wrong=span.quote, correct=w.correct.strip()))
        tech = criteria["technical_accuracy"]
        tech.evidence.append(Evidence(quote=span.quote, start=span.start, end=span.end,
                                      rubric_point=tr("eval.sem.misconception_point", ui, wrong=span.quote),
                                      criterion="technical_accuracy"))
    feedback = " ".join([output.feedback.strip(), *wrong]).strip()
    return AnswerEvaluation(criteria=criteria, feedback=feedback,
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
        return verify(out, words, llm.model_id, ui, list((question.rubric or {}).get("key_points") or []))
    reason = tr("eval.not_evaluated.llm_failed", ui, reason=last)
    return AnswerEvaluation(criteria={c: CriterionScore(c, None, [], reason) for c in CRITERIA},
                            feedback="", evaluator_model=llm.model_id, evaluated=False,
                            not_evaluated_reason=reason)
