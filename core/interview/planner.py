"""The question planner: N questions for one interview, personalised and grounded.

Bank path (the offline default): slots of the plan are filled in a fixed rhythm -
self-introduction first, then resume-specific, position-technical, behavioural,
culture-fit, situational, ... - each with the bank question most relevant to the resume's
skills, the position and the company's ideal (lexical overlap, plus cosine when an embedder
is given; a seeded jitter breaks ties so a seed gives the same plan). Resume slot questions
("이력서에 적힌 {project}에서 ...") are filled only with values copied from the structured
resume; their ``grounding`` lists them; a question whose slot has no value is skipped.

LLM path (a capable model only, see :func:`is_capable`): one chat_json call under a JSON
schema, validated; every grounding fact must occur in the resume; one retry; then the bank.

Pure logic, thread-safe per call; the LLM/embedder are called on the caller's thread and the
``cancel`` token is checked between model calls.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from typing import Any, Sequence

from core.evaluation.text import norm, tokens
from core.interview.rubrics import generated_rubric, resume_rubric, validate_generated
from core.interview.types import PlannedQuestion
from core.protocols import Embedder, LanguageModel

log = logging.getLogger(__name__)

RESUME_SLOTS = ("project", "skill", "prev_company", "role", "certification")
RHYTHM = ("intro", "resume", "technical", "behavioral", "cultural", "technical", "resume",
          "situational", "technical", "behavioral", "cultural", "technical")


@dataclass
class PlanContext:
    """What a plan is personalised from. ``resume`` is core.resume.structure output."""

    language: str
    position: str
    resume: dict[str, Any] = field(default_factory=dict)
    company: Any = None  # core.bank.Company or None
    seed: int = 0

    @property
    def company_name(self) -> str | None:
        return self.company.company_name.get(self.language) if self.company is not None else None

    def company_terms(self) -> list[str]:
        if self.company is None:
            return []
        return list(self.company.values.get(self.language)) + [self.company.ideal.get(self.language)]

    def profile_terms(self) -> list[str]:
        r = self.resume or {}
        terms = list(r.get("skills") or [])
        for p in r.get("projects") or []:
            terms += [p.get("name") or ""] + list(p.get("tech") or [])
        for e in r.get("experience") or []:
            terms += [e.get("role") or ""] + list(e.get("achievements") or [])
        return [t for t in terms + [self.position] + self.company_terms() if t]


def resume_facts(resume: dict[str, Any]) -> dict[str, list[str]]:
    """Slot values from the structured resume that pass the sanity check of
    :func:`core.resume.structure.fact_ok` (a garbled value is never offered)."""
    from core.resume.structure import resume_facts as _facts

    return _facts(resume or {})


def experience_pairs(resume: dict[str, Any]) -> list[tuple[str, str]]:
    """(company, role) of the same experience entry, both passing the sanity check: a
    question naming both ("as {role} at {prev_company}") must not mix two jobs."""
    from core.resume.structure import fact_ok

    out = []
    for e in (resume or {}).get("experience") or []:
        if not isinstance(e, dict):
            continue
        c, r = (e.get("company") or "").strip(), (e.get("role") or "").strip()
        if fact_ok("prev_company", c) and fact_ok("role", r) and (c, r) not in out:
            out.append((c, r))
    return out


def _bucket(q: Any) -> str:
    if q.question_type == "자기소개":
        return "intro"
    if set(q.slots) & set(RESUME_SLOTS):
        return "resume"
    return {"technical": "technical", "behavioral": "behavioral", "situational": "situational",
            "cultural_fit": "cultural"}[q.category]


def _lexical(a: set[str], text: str) -> float:
    toks = {t for t in tokens(text) if len(t) >= 2}
    if not toks:
        return 0.0
    hits = sum(1 for t in toks if t in a or any(t in x or x in t for x in a if len(x) >= 3))
    return hits / len(toks) ** 0.5


def _cos(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    na = sum(x * x for x in a) ** 0.5
    nb = sum(y * y for y in b) ** 0.5
    return dot / (na * nb) if na and nb else 0.0


def _fill_slots(q: Any, ctx: PlanContext, facts: dict[str, list[str]], used: set[str]) -> tuple[dict, list[str]] | None:
    """Slot values for ``q`` copied from resume/setup, preferring values not used yet and
    values that overlap the question's keywords; None when a slot has no value."""
    from core.resume.structure import fact_ok

    values: dict[str, str] = {}
    grounding: list[str] = []
    rubric_kw = {norm(k) for k in q.rubric_for(ctx.language).get("keywords", [])}
    if "prev_company" in q.slots and "role" in q.slots:
        pairs = experience_pairs(ctx.resume)
        if not pairs:
            return None
        pairs.sort(key=lambda cr: (cr[0] in used) + (cr[1] in used))
        values["prev_company"], values["role"] = pairs[0]
        grounding += [f"prev_company: {pairs[0][0]}", f"role: {pairs[0][1]}"]
    for slot in q.slots:
        if slot in values:
            continue
        if slot == "company":
            if not ctx.company_name:
                return None
            values[slot] = ctx.company_name
            continue
        if slot == "position":
            if not ctx.position.strip():
                return None
            values[slot] = ctx.position.strip()
            continue
        # only values of this slot's type that pass the sanity check; none: another question
        options = [v for v in facts.get(slot, []) if v and v.strip() and fact_ok(slot, v)]
        if not options:
            return None
        options.sort(key=lambda v: (v in used, -(norm(v) in rubric_kw)))
        values[slot] = options[0]
        grounding.append(f"{slot}: {options[0]}")
    return values, grounding


def plan_from_bank(bank: Sequence[Any], ctx: PlanContext, n: int, *,
                   embedder: Embedder | None = None) -> list[PlannedQuestion]:
    """Plan ``n`` questions from ``bank`` (core.bank.BankQuestion items). Fewer than ``n``
    only when the bank has fewer usable questions."""
    from core.bank import position_tag

    lang = ctx.language
    tag = position_tag(ctx.position)
    pool = [q for q in bank if q.position in (tag, "generic")]
    facts = resume_facts(ctx.resume)
    profile = {t for term in ctx.profile_terms() for t in tokens(term) if len(t) >= 2}
    rng = random.Random(ctx.seed)
    jitter = {q.key: rng.random() * 0.05 for q in pool}
    scores: dict[str, float] = {}
    for q in pool:
        rub = q.rubric_for(lang)
        text = q.text.get(lang) + " " + " ".join(rub.get("keywords", []))
        s = _lexical(profile, text) + (0.3 if q.position == tag and tag != "generic" else 0.0)
        scores[q.key] = s + jitter[q.key]
    if embedder is not None and pool:
        prof_vec = embedder.embed([" ".join(ctx.profile_terms())[:2000]])[0]
        vecs = embedder.embed([q.text.get(lang) for q in pool])
        for q, v in zip(pool, vecs):
            scores[q.key] += 0.5 * _cos(prof_vec, v)

    by_bucket: dict[str, list[Any]] = {}
    for q in sorted(pool, key=lambda q: -scores[q.key]):
        by_bucket.setdefault(_bucket(q), []).append(q)
    plan: list[PlannedQuestion] = []
    used_keys: set[str] = set()
    used_texts: set[str] = set()
    used_values: set[str] = set()

    def take(candidates: list[Any]) -> bool:
        for q in candidates:
            if q.key in used_keys:
                continue
            filled = _fill_slots(q, ctx, facts, used_values)
            if filled is None:
                continue
            values, grounding = filled
            text = q.text_for(lang, **values)
            if norm(text) in used_texts:
                continue
            used_keys.add(q.key)
            used_texts.add(norm(text))
            used_values.update(values.values())
            rubric = q.rubric_for(lang)
            if set(q.slots) & set(RESUME_SLOTS):  # judged against a rubric for the resume item
                rubric = resume_rubric(rubric, {s: v for s, v in values.items() if s in RESUME_SLOTS}, lang,
                                       category=q.category, facts=[v for s, v in values.items() if s not in RESUME_SLOTS])
            plan.append(PlannedQuestion(
                text=text, category=q.category, question_type=q.question_type,
                difficulty=q.difficulty, rubric=rubric, bank_key=q.key,
                source="template" if q.slots else "bank", language=lang, grounding=grounding))
            return True
        return False

    k = 0
    while len(plan) < n and k < n * 4:
        # after the first pass the rhythm repeats without the self-introduction
        bucket = RHYTHM[k] if k < len(RHYTHM) else RHYTHM[1 + (k - 1) % (len(RHYTHM) - 1)]
        k += 1
        if take(by_bucket.get(bucket, [])):
            continue
        # the bucket ran dry: the most relevant question of any kind except another intro
        rest = sorted((q for q in pool if _bucket(q) != "intro"), key=lambda q: -scores[q.key])
        if not take(rest):
            break
    return plan[:n]


def is_capable(entry: Any) -> bool:
    """Whether a catalog model may write questions / scores itself: recommended models only.
    The embedded gemma-270m is a base model without a chat template (DESIGN §9)."""
    return getattr(entry, "role", None) == "recommended"


# ----------------------------------------------------------------------------- LLM path
PLAN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"questions": {"type": "array", "minItems": 1, "items": {
        "type": "object",
        "properties": {
            "text": {"type": "string", "minLength": 8},
            "category": {"type": "string", "enum": ["technical", "behavioral", "situational", "cultural_fit"]},
            "question_type": {"type": "string", "enum": ["자기소개", "지원동기", "직무지식", "경험", "협업·갈등", "상황"]},
            "difficulty": {"type": "string", "enum": ["easy", "medium", "hard"]},
            "key_points": {"type": "array", "items": {"type": "string"}, "minItems": 2},
            "grounding": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["text", "category", "question_type", "difficulty", "key_points", "grounding"]}}},
    "required": ["questions"],
}


def build_plan_messages(ctx: PlanContext, n: int) -> list[Any]:
    from core.protocols import ChatMessage

    facts = resume_facts(ctx.resume)
    lang_name = "Korean (polite 존댓말)" if ctx.language == "ko" else "English"
    fact_lines = "\n".join(f"- {k}: {', '.join(v)}" for k, v in facts.items() if v)
    ideal = ctx.company.ideal.get(ctx.language) if ctx.company is not None else ""
    system = (f"You are an interviewer. Plan {n} interview questions in {lang_name}: the first is a "
              "self-introduction; mix resume-specific, technical, behavioral and culture-fit questions. "
              "Resume-specific questions may only mention facts from the list given; put each fact you "
              "use in 'grounding' exactly as written there. Output JSON only.")
    user = (f"Position: {ctx.position}\nCompany: {ctx.company_name or '-'}\nCompany ideal: {ideal}\n"
            f"Resume facts:\n{fact_lines or '- (none)'}")
    return [ChatMessage("system", system), ChatMessage("user", user)]


def validate_plan(raw: dict[str, Any], ctx: PlanContext, n: int) -> list[PlannedQuestion]:
    """Turn model output into questions; raises ValueError when it is unusable (wrong count,
    duplicates, a grounding fact not in the resume)."""
    facts = {norm(v) for vals in resume_facts(ctx.resume).values() for v in vals}
    facts |= {norm(x) for x in (ctx.company_name, ctx.position) if x}
    items = raw.get("questions") if isinstance(raw, dict) else None
    if not isinstance(items, list) or len(items) < n:
        raise ValueError("too few questions")
    out: list[PlannedQuestion] = []
    seen: set[str] = set()
    for item in items[:n]:
        text = str(item.get("text", "")).strip()
        if len(text) < 8 or norm(text) in seen:
            raise ValueError("empty or duplicate question")
        seen.add(norm(text))
        grounding = [str(g) for g in item.get("grounding") or []]
        for g in grounding:
            value = g.split(":", 1)[-1]
            if norm(value) not in facts and norm(g) not in facts:
                raise ValueError("grounding fact not in the resume")
        gq = validate_generated(item)  # key points are required: else the bank plans
        cat = gq.category
        out.append(PlannedQuestion(
            text=text, category=cat, question_type=str(item.get("question_type") or "직무지식"),
            difficulty=item.get("difficulty") if item.get("difficulty") in ("easy", "medium", "hard") else "medium",
            rubric=generated_rubric(gq, ctx.language),
            source="llm", language=ctx.language, grounding=grounding))
    return out


def plan_with_llm(llm: LanguageModel, ctx: PlanContext, n: int, *, cancel: Any = None,
                  attempts: int = 2, max_tokens: int | None = None) -> list[PlannedQuestion] | None:
    """The LLM's plan, or None after ``attempts`` failures (the caller uses the bank)."""
    from core.errors import EngineError

    messages = build_plan_messages(ctx, n)
    for attempt in range(attempts):
        if cancel is not None:
            cancel.raise_if_cancelled()
        try:
            raw = llm.chat_json(messages, PLAN_SCHEMA, max_tokens=max_tokens or 220 * n, temperature=0.3)
            return validate_plan(raw, ctx, n)
        except (EngineError, ValueError) as exc:
            log.info("LLM plan attempt %d rejected: %s", attempt + 1, exc)
    return None
