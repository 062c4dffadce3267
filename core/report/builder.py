"""Assemble the interview report JSON from per-answer records.

Pure and thread-safe: :func:`build_report` reads only its arguments (and the read-only i18n
catalog); it never invents a number. Scores come from the evaluations; an answer without
one is "not evaluated" with its reason and is left out of every mean.

Summary rules (docs/ARCHITECTURE.md §6):

- ``criteria``: per criterion (CRITERIA), the mean over the evaluated answers that scored it.
  This is the ONE computation every screen and export shows (core.report.scores).
- ``technical`` / ``communication`` / ``cultural``: the seed's names for the
  ``technical_accuracy`` / ``communication`` / ``job_fit`` criteria: the same numbers, so no
  surface can show a second "culture fit" figure beside "job fit".
- ``overall``: mean of the per-answer scores of the evaluated answers; None when none.
- ``text``: states how many answers were evaluated, and warns when fewer than half were.

The result is a :class:`core.report.model.Report`, which keeps the seed's shape
(``summary``, ``details``, ``emotions``) and adds evidence, delivery metrics and measurement
quality; ``Report.to_json()`` is the stored form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone

from core.delivery import DeliveryMetrics, compute_delivery
from core.i18n import LANGUAGES, tr
from core.interview.types import CRITERIA, AnswerEvaluation, PlannedQuestion
from core.protocols import Word
from core.report.model import (
    CompanyRef,
    CriterionResult,
    DeliverySummary,
    Detail,
    Emotions,
    EvidenceQuote,
    Meta,
    Report,
    SecondOpinion,
    SttInfo,
    Summary,
    VisionMetrics,
)
from core.report.scores import criterion_name, score_text

SCHEMA_VERSION = 1


@dataclass
class AnswerRecord:
    index: int  # 0-based order of the answer files
    question: PlannedQuestion
    answer_text: str
    words: list[Word]  # seconds relative to the answer start
    language: str  # "ko" | "en"
    evaluation: AnswerEvaluation | None  # None = evaluator failed/not run -> "not evaluated"
    not_evaluated_reason: str | None = None
    audio_duration: float | None = None
    stt_confidence: float | None = None
    stt_engine: str | None = None
    gaze: VisionMetrics | None = None  # per-answer vision metrics; may be None
    emotion: VisionMetrics | None = None
    answer_mode: str = "speech"  # "speech" | "typed" (typed: delivery metrics do not apply)
    warnings: list[str] = field(default_factory=list)  # translated quality warnings (wrong language ...)
    # second opinions (e.g. the rubric evaluator beside the LLM): shown, not averaged in
    other_evaluations: list[AnswerEvaluation] = field(default_factory=list)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _scored(rec: AnswerRecord) -> AnswerEvaluation | None:
    """The record's evaluation when it was evaluated and has a score, else None."""
    ev = rec.evaluation
    return ev if ev is not None and ev.evaluated and ev.score is not None else None


def _reason(rec: AnswerRecord, lang: str) -> str:
    raw = rec.not_evaluated_reason or (rec.evaluation.not_evaluated_reason if rec.evaluation else None)
    if not raw:
        raw = "report.reason.no_evaluation" if rec.evaluation is None else "report.reason.no_scores"
    return tr(raw, lang)  # a catalog key is translated; free text passes through unchanged


def _criterion_score(ev: AnswerEvaluation, name: str) -> float | None:
    c = ev.criteria.get(name)
    return c.score if c is not None else None


def _scores(ev: AnswerEvaluation, order: tuple[str, ...] = ()) -> dict[str, CriterionResult]:
    """The criteria's scores, those named in ``order`` first."""
    names = [n for n in order if n in ev.criteria] + [n for n in ev.criteria if n not in order]
    return {n: CriterionResult(score=ev.criteria[n].score, reason=ev.criteria[n].reason) for n in names}


def _evidence(ev: AnswerEvaluation) -> list[EvidenceQuote]:
    return [EvidenceQuote(quote=e.quote, start=e.start, end=e.end, rubric_point=e.rubric_point,
                          criterion=e.criterion or n)
            for n, c in ev.criteria.items() for e in c.evidence]


def _detail(rec: AnswerRecord, lang: str) -> Detail:
    q = rec.question
    ev = rec.evaluation
    scored = _scored(rec)
    delivery: DeliveryMetrics = compute_delivery(rec.words, rec.language, duration=rec.audio_duration)
    if rec.answer_mode == "typed":
        delivery = {**delivery, "applicable": False, "reason": tr("report.delivery.typed", lang)}
    else:
        delivery["applicable"] = True
    return Detail(
        index=rec.index,
        question=q.text,
        question_type=q.question_type,
        category=q.category,
        difficulty=q.difficulty,
        is_follow_up=q.is_follow_up,
        parent_index=q.parent_index,
        # where the question came from and the resume facts / answer words it used
        source=q.source,
        grounding=list(q.grounding),
        answer=rec.answer_text,
        answer_mode=rec.answer_mode,
        warnings=list(rec.warnings),
        evaluated=scored is not None,
        not_evaluated_reason=None if scored is not None else _reason(rec, lang),
        score=scored.score if scored is not None else None,
        feedback=scored.feedback if scored is not None else None,
        scores=_scores(scored, CRITERIA) if scored is not None else {},
        strengths=list(scored.strengths) if scored is not None else [],
        improvements=list(scored.improvements) if scored is not None else [],
        evidence=_evidence(scored) if scored is not None else [],
        evaluator_model=(ev.evaluator_model or None) if ev is not None else None,
        delivery=delivery,
        stt=SttInfo(engine=rec.stt_engine, confidence=rec.stt_confidence),
        gaze=rec.gaze,
        emotion=rec.emotion,
        other_evaluations=[_second(o) for o in rec.other_evaluations],
    )


def _second(ev: AnswerEvaluation) -> SecondOpinion:
    """A second evaluator's result with its verified quotes (not part of any mean)."""
    return SecondOpinion(evaluator_model=ev.evaluator_model, evaluated=ev.evaluated, score=ev.score,
                         not_evaluated_reason=ev.not_evaluated_reason, feedback=ev.feedback,
                         scores=_scores(ev), evidence=_evidence(ev))


def _delivery_summary(details: list[Detail]) -> DeliverySummary:
    spoken = [d.delivery for d in details if d.delivery is not None and d.spoken]  # typed answers were not spoken
    rates = [v for dl in spoken if (v := dl["rate"]["value"]) is not None]
    speech_min = sum(dl["speech_s"] for dl in spoken) / 60.0
    fillers = sum(dl["fillers"]["count"] for dl in spoken)
    cons = [c for dl in spoken if (h := dl["honorifics"]) and (c := h["consistency"]) is not None]
    return DeliverySummary(
        rate_mean=_mean(rates),
        rate_unit=spoken[0]["rate"]["unit"] if spoken else None,
        fillers_total=fillers,
        fillers_per_min=round(fillers / speech_min, 1) if speech_min > 0 else None,
        pauses_total=sum(dl["pauses"]["count"] for dl in spoken),
        longest_pause_s=max((dl["pauses"]["longest_s"] for dl in spoken), default=0.0),
        honorific_consistency=_mean(cons) if cons else None,
    )


def _summary_text(summary: Summary, lang: str) -> str:
    n, total = summary.evaluated_answers, summary.total_answers
    if total == 0:
        return tr("report.summary.no_answers", lang)
    if n == 0:
        return tr("report.summary.none_evaluated", lang, total=total)
    parts = [tr("report.summary.evaluated", lang, n=n, total=total, overall=score_text(summary.overall))]
    if n * 2 < total:
        parts.append(tr("report.summary.few_evaluated", lang, n=n, total=total))
    crit = {k: v for k, v in summary.criteria.items() if v is not None}
    if len(crit) >= 2:
        best = max(crit, key=lambda k: crit[k])
        worst = min(crit, key=lambda k: crit[k])
        if crit[best] - crit[worst] >= 5:
            parts.append(tr("report.summary.best_worst", lang,
                            best=criterion_name(best, lang), best_score=score_text(crit[best]),
                            worst=criterion_name(worst, lang), worst_score=score_text(crit[worst])))
    return " ".join(parts)


def _scope(model: str) -> dict[str, str]:
    if model.startswith("rubric-coverage/"):
        return {lg: tr("eval.scope.coverage", lg) for lg in LANGUAGES}
    return {lg: tr("eval.scope.llm", lg, model=model) for lg in LANGUAGES}


def build_report(answers: list[AnswerRecord], *, language: str, position: str, company_id: str | None,
                 company_name: str | None = None, candidate_name: str | None = None,
                 emotions: Mapping[str, object] | None = None,
                 meta: Mapping[str, object] | None = None) -> Report:
    """The report for ``answers``, details in answer order. ``emotions``: the vision pipeline's
    interview-wide measures (None: no video); ``meta``: the caller's keys added to ``meta``
    (they win over the builder's). Pure, thread-safe."""
    lang = "ko" if language.lower().startswith("ko") else "en"
    ordered = sorted(answers, key=lambda r: r.index)
    details = [_detail(r, lang) for r in ordered]
    evaluated = [ev for r in ordered if (ev := _scored(r)) is not None]

    def crit_mean(name: str) -> float | None:
        return _mean([s for ev in evaluated if (s := _criterion_score(ev, name)) is not None])

    criteria = {name: crit_mean(name) for name in CRITERIA}
    summary = Summary(
        # the seed's names for three of the criteria: the same numbers (one computation)
        technical=criteria["technical_accuracy"],
        communication=criteria["communication"],
        cultural=criteria["job_fit"],
        overall=_mean([s for ev in evaluated if (s := ev.score) is not None]),
        evaluated_answers=len(evaluated),
        total_answers=len(ordered),
        criteria=criteria,
        delivery=_delivery_summary(details),
    )
    summary.text = _summary_text(summary, lang)

    if emotions is None:
        emo = Emotions(confidence=None, nervousness=None, reliable=False, reason=tr("report.emotions.no_video", lang))
    else:
        emo = Emotions.model_validate({"confidence": None, "nervousness": None, **emotions})

    models = sorted({r.evaluation.evaluator_model for r in ordered
                     if r.evaluation is not None and r.evaluation.evaluator_model}
                    | {o.evaluator_model for r in ordered for o in r.other_evaluations if o.evaluator_model})
    meta_out = Meta.model_validate({
        "schema_version": SCHEMA_VERSION,
        "language": lang,
        "position": position,
        "company": CompanyRef(id=company_id, name=company_name),
        "candidate_name": candidate_name,
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "evaluator_models": models,
        # what each evaluator checks and cannot check, in both languages (docs/ARCHITECTURE.md §6)
        "evaluator_scope": {m: _scope(m) for m in models},
        "stt_engines": sorted({r.stt_engine for r in ordered if r.stt_engine}),
        **(meta or {}),
    })
    return Report(summary=summary, details=details, emotions=emo, meta=meta_out)
