"""The question plan, built in the background while the candidate checks camera and mic.

``build_plan`` runs on a worker thread (it may load a GGUF). The LLM is used only when the
active model is capable (core.interview.planner.is_capable) and the runtime probe lets it
load; a refused runtime or a failed generation falls back to the question bank and says why
in ``PlanResult.note`` (never silently). "Practise again" plans exactly the questions given,
looked up in the bank so their rubric comes along.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from core.errors import Big20Error, InputError
from core.i18n import tr
from core.interview.types import PlannedQuestion

log = logging.getLogger(__name__)


@dataclass
class PlanResult:
    questions: list[PlannedQuestion]
    source: str  # "llm" | "bank" | "practise"
    note: str = ""  # why the bank was used instead of the LLM, in the UI language
    llm: Any = None  # the loaded LanguageModel (reused for follow-ups), or None
    previous: dict[int, dict] = field(default_factory=dict)  # plan index -> earlier answer


def default_runtime_probe(entry: Any, path: Any) -> None:
    """Raise a Big20Error when the native runtime for ``entry`` may not be loaded here
    (engines.runtime_probe, when this build has it)."""
    try:
        from engines.runtime_probe import ensure_runtime, runtime_for
    except ModuleNotFoundError:
        return
    runtime = runtime_for(entry)
    if runtime:
        ensure_runtime(runtime, path, engine=entry.id)


def _template_re(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[a-z_]+\})", template)
    return re.compile("^" + "".join("(.+?)" if p.startswith("{") and p.endswith("}") else re.escape(p)
                                    for p in parts) + "$")


def bank_question_for(text: str, lang: str, bank: list[Any], key: str | None = None) -> PlannedQuestion | None:
    """The bank question ``text`` was asked from (by key, else by its filled template)."""
    for q in bank:
        if key and q.key != key:
            continue
        template = q.text.get(lang)
        if (key and q.key == key) or template == text or (q.slots and _template_re(template).match(text)):
            return PlannedQuestion(text=text, category=q.category, question_type=q.question_type,
                                   difficulty=q.difficulty, rubric=q.rubric_for(lang), bank_key=q.key,
                                   source="bank", language=lang)
    return None


def build_plan(*, lang: str, company_id: str | None, position: str, resume: dict[str, Any], n: int,
               manager: Any, practise: list[Any] | None = None, seed: int = 0,
               probe: Callable[[Any, Any], None] | None = None, progress=None, cancel=None) -> PlanResult:
    from core.bank import get_company, load_question_bank
    from core.interview.planner import PlanContext, is_capable, plan_from_bank, plan_with_llm

    bank = load_question_bank()
    if practise:
        questions, previous = [], {}
        for w in practise:
            q = bank_question_for(w.question, lang, bank, w.bank_key)
            if q is None:
                raise InputError("ui.new.practise_unknown", question=w.question[:60])
            previous[len(questions)] = {"answer": w.answer, "score": w.score, "interview_id": w.interview_id}
            questions.append(q)
        return PlanResult(questions, "practise", previous=previous)

    if not position.strip():
        raise InputError("ui.new.position_missing")
    company = get_company(company_id) if company_id else None
    ctx = PlanContext(language=lang, position=position, resume=resume or {}, company=company, seed=seed)
    note, llm = "", None
    entry = manager.active("llm")
    if entry is not None and is_capable(entry):
        try:
            _, path = manager.require("llm")
            (probe or default_runtime_probe)(entry, path)
            from engines.llm.llama_cpp_model import LlamaCppModel

            if progress:
                progress(0, 0, tr("ui.new.loading_llm", lang, name=entry.name))
            llm = LlamaCppModel.shared(path, model_id=entry.id)
            plan = plan_with_llm(llm, ctx, n, cancel=cancel)
            if plan and len(plan) >= n:
                return PlanResult(plan[:n], "llm", llm=llm)
            note = tr("ui.new.llm_short", lang)
        except Big20Error as exc:
            log.warning("LLM planning unavailable: %s", exc.code)
            note = tr("ui.new.llm_refused", lang, reason=exc.localized(lang))
            llm = None
    elif entry is not None:
        note = tr("ui.new.llm_small", lang, name=entry.name)
    plan = plan_from_bank(bank, ctx, n)
    if not plan:
        raise InputError("replay.too_few_questions", planned=0, n=n)
    return PlanResult(plan, "bank", note=note, llm=llm)
