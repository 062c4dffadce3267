"""The question planner: N questions for one interview, personalised and grounded.

Bank path (the offline default), like a real interview: a self-introduction first, the
closing "any questions for us?" last, and in between (:data:`MIDDLE`) a resume question, a
technical question of the position's own field, the company's 인재상 in its own words
(``generic.culture_ideal_terms``), a second resume question, ... - so a default 6 holds two
resume questions when the resume has facts. Each slot takes the bank question most relevant
to the resume's skills, the position and the company (lexical overlap, plus cosine when an
embedder is given), the seed choosing among the best few (:data:`ROTATE_AMONG`): two seeds
ask different questions and name different resume facts. Resume slot questions ("이력서에
적힌 {project}에서 ...") are filled only with values copied from the structured resume that
pass its sanity check, each value at most once, the employer always the most recent job;
their ``grounding`` lists them as ``slot: value``; a question whose slot has no value is
skipped. No near-duplicate questions (:data:`NEAR_DUPLICATE`). Difficulty follows the
candidate's level (:func:`seniority`: title words, else years of experience): no easy or
``fundamentals`` technical question for a senior, no hard one for a junior. Positions:
:func:`position_pool` (Android and iOS kept apart; small fields backed by the general
engineering set). A ``business`` company is not asked about as a consumer product.

LLM path (a capable model only, see :attr:`core.catalog.ModelEntry.is_capable`): one chat_json call under a JSON
schema, validated; every grounding fact must occur in the resume; one retry; then the bank.

Pure logic, thread-safe per call; the LLM/embedder are called on the caller's thread and the
``cancel`` token is checked between model calls."""

from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Sequence

from core.bank import BankQuestion, Company, mobile_platform, position_tag
from core.errors import EngineError
from core.evaluation.text import norm, tokens
from core.interview.followup import fix_particles
from core.interview.rubrics import generated_rubric, resume_rubric, validate_generated
from core.interview.types import PlannedQuestion
from core.protocols import ChatMessage, Embedder, JsonObject, LanguageModel
from core.resume.structure import fact_ok, is_confident
from core.resume.structure import resume_facts as _facts
from core.tasks import CancelToken

log = logging.getLogger(__name__)

RESUME_SLOTS = ("project", "skill", "prev_company", "role", "certification")


@dataclass
class PlanContext:
    """What a plan is personalised from. ``resume`` is core.resume.structure output."""

    language: str
    position: str
    resume: JsonObject = field(default_factory=dict)  # the structured resume (core.resume.structure)
    company: Company | None = None
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


def resume_facts(resume: JsonObject) -> dict[str, list[str]]:
    """Slot values from the structured resume that pass the sanity check of
    :func:`core.resume.structure.fact_ok` (a garbled value is never offered)."""
    return _facts(resume or {})


CLOSING_KEY = "generic.closing_question"
IDEAL_KEY = "generic.culture_ideal_terms"
# The default plan's middle, between the self-introduction and the closing question: two
# resume questions, one technical and one on the company's ideal in a 6-question interview.
MIDDLE = ("resume", "technical", "ideal", "resume", "technical", "behavioral", "situational",
          "cultural", "technical", "behavioral", "resume", "situational", "technical")
SENIOR_YEARS = 7.0
JUNIOR_YEARS = 3.0
_SENIOR_TITLE = re.compile(r"(?i)\b(senior|staff|principal|lead|sr\.?|architect|head)\b|(시니어|수석|책임|리드|선임)")
_JUNIOR_TITLE = re.compile(r"(?i)\b(junior|jr\.?|intern|entry|graduate|new grad)\b|(주니어|신입|인턴)")
_PRODUCT_TAGS = frozenset({"product"})
ROTATE_AMONG = 5  # the seed chooses among this many best-ranked questions of a kind (a prime)
# a question whose text shares this much of its words with one already planned is a near-duplicate
NEAR_DUPLICATE = 0.5


def is_closing(q: PlannedQuestion | BankQuestion) -> bool:
    """The closing "any questions for us?" question (planned or bank)."""
    return getattr(q, "bank_key", None) == CLOSING_KEY or getattr(q, "key", None) == CLOSING_KEY


def _bucket(q: BankQuestion) -> str:
    if q.key == CLOSING_KEY:
        return "closing"
    if q.key == IDEAL_KEY:
        return "ideal"
    if q.question_type == "자기소개":
        # opening questions are introductions proper; a weakness question is not an opener
        return "intro" if "self_intro" in q.key else "behavioral"
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


def _month_index(point: str | None, today: date) -> int | None:
    if not point:
        return None
    if point == "present":
        return today.year * 12 + today.month - 1
    m = re.match(r"(\d{4})(?:-(\d{2}))?", point)
    if not m:
        return None
    return int(m.group(1)) * 12 + (int(m.group(2)) - 1 if m.group(2) else 0)


def _recency(e: JsonObject, today: date) -> tuple[int, int]:
    end = _month_index(e.get("end"), today)
    start = _month_index(e.get("start"), today)
    if end is None and start is not None and e.get("end") is None and e.get("start"):
        end = start  # a single date: a point, not an open period
    return (end if end is not None else -1, start if start is not None else -1)


def years_of_experience(resume: JsonObject, today: date | None = None) -> float | None:
    """Years covered by the resume's experience periods (overlaps merged); None when no
    period parses."""
    today = today or date.today()
    spans = []
    for e in (resume or {}).get("experience") or []:
        if not isinstance(e, dict):
            continue
        a, b = _month_index(e.get("start"), today), _month_index(e.get("end"), today)
        if a is not None and b is not None and b >= a:
            spans.append((a, b + 1))
    if not spans:
        return None
    spans.sort()
    total, cur_a, cur_b = 0, spans[0][0], spans[0][1]
    for a, b in spans[1:]:
        if a > cur_b:
            total += cur_b - cur_a
            cur_a, cur_b = a, b
        else:
            cur_b = max(cur_b, b)
    total += cur_b - cur_a
    return round(total / 12, 1)


def seniority(ctx: "PlanContext") -> str | None:
    """"junior", "mid" or "senior" from the position's title words, else the resume's years
    of experience; None when neither says."""
    if _SENIOR_TITLE.search(ctx.position):
        return "senior"
    if _JUNIOR_TITLE.search(ctx.position):
        return "junior"
    years = years_of_experience(ctx.resume)
    if years is None:
        return None
    return "senior" if years >= SENIOR_YEARS else ("junior" if years < JUNIOR_YEARS else "mid")


def _fits_level(q: BankQuestion, level: str | None) -> bool:
    """Difficulty follows experience: no easy or fundamentals technical question for a senior
    ("what happens after typing a URL"), no hard one for a junior."""
    if q.category not in ("technical", "situational") or level is None:
        return True
    if level == "senior":
        return q.difficulty != "easy" and "fundamentals" not in q.tags
    if level == "junior":
        return q.difficulty != "hard"
    return True


def experience_pairs(resume: JsonObject, today: date | None = None) -> list[tuple[str, str]]:
    """(company, role) of the same experience entry, both passing the sanity check, most
    recent job first (an open period, then the latest end): a question naming both ("as
    {role} at {prev_company}") must not mix two jobs. Only the most recent entry is offered:
    when it does not parse, an older job is not asked about as if it were the current one."""
    today = today or date.today()
    entries = [e for e in (resume or {}).get("experience") or [] if isinstance(e, dict)]
    if not entries:
        return []
    dated = [e for e in entries if e.get("start") or e.get("end")]
    latest = max(dated, key=lambda e: _recency(e, today)) if dated else entries[0]
    if not is_confident(latest):
        return []  # intake is unsure of this job: a generic question instead
    c, r = (latest.get("company") or "").strip(), (latest.get("role") or "").strip()
    return [(c, r)] if fact_ok("prev_company", c) and fact_ok("role", r) else []


def current_company(resume: JsonObject, today: date | None = None) -> str | None:
    """The most recent employer when it passes the sanity check (see experience_pairs)."""
    today = today or date.today()
    entries = [e for e in (resume or {}).get("experience") or [] if isinstance(e, dict)]
    dated = [e for e in entries if e.get("start") or e.get("end")]
    if not entries:
        return None
    latest = max(dated, key=lambda e: _recency(e, today)) if dated else entries[0]
    if not is_confident(latest):
        return None  # intake is unsure of this job
    c = (latest.get("company") or "").strip()
    return c if fact_ok("prev_company", c) else None


def company_values(ctx: "PlanContext", k: int = 3) -> str | None:
    """``k`` of the company's own 인재상 keywords (chosen by the seed, the file's order kept),
    comma-joined ("a, b and c" in English), or None without a company."""
    if ctx.company is None:
        return None
    values = list(ctx.company.values.get(ctx.language))
    if not values:
        return None
    # consecutive values from a seed-chosen start: another seed names other values
    k = min(k, len(values))
    picked = [values[i] for i in sorted({(ctx.seed + j) % len(values) for j in range(k)})]
    if ctx.language == "en" and len(picked) > 1:
        return ", ".join(picked[:-1]) + " and " + picked[-1]
    return ", ".join(picked)


def _fill_slots(q: BankQuestion, ctx: PlanContext, facts: dict[str, list[str]], used: set[str],
                rng: random.Random | None = None) -> tuple[dict[str, str], list[str]] | None:
    """Slot values for ``q`` copied from resume/setup, never a value already used in this
    plan, the choice among the rest rotating with the seed (``rng``); None when a slot has
    no value. The employer is always the most recent job."""
    values: dict[str, str] = {}
    grounding: list[str] = []
    if "prev_company" in q.slots and "role" in q.slots:
        pairs = experience_pairs(ctx.resume)
        if not pairs or pairs[0][0] in used:  # one question per job
            return None
        values["prev_company"], values["role"] = pairs[0]
        grounding += [f"prev_company: {pairs[0][0]}", f"role: {pairs[0][1]}"]
    elif "prev_company" in q.slots:
        c = current_company(ctx.resume)
        if c is None or c in used:
            return None
        values["prev_company"] = c
        grounding.append(f"prev_company: {c}")
    for slot in q.slots:
        if slot in values:
            continue
        if slot == "company":
            if not ctx.company_name:
                return None
            values[slot] = ctx.company_name
            continue
        if slot == "company_values":
            v = company_values(ctx)
            if v is None:
                return None
            values[slot] = v  # the setup's, not the resume's: not grounding
            continue
        if slot == "position":
            if not ctx.position.strip():
                return None
            values[slot] = ctx.position.strip()
            continue
        # only values of this slot's type that pass the sanity check and are not used yet
        options = [v for v in facts.get(slot, []) if v and v.strip() and fact_ok(slot, v) and v not in used]
        if not options:
            return None
        pick = options[rng.randrange(len(options))] if rng is not None else options[0]
        values[slot] = pick
        grounding.append(f"{slot}: {pick}")
    return values, grounding


def _planned(q: BankQuestion, lang: str, values: dict[str, str], grounding: list[str]) -> PlannedQuestion:
    """The PlannedQuestion for bank question ``q`` with its slots filled."""
    text = q.text_for(lang, **values)
    return PlannedQuestion(
        text=fix_particles(text) if lang == "ko" else text, category=q.category, question_type=q.question_type,
        difficulty=q.difficulty, rubric=q.rubric_for(lang), bank_key=q.key,
        source="template" if q.slots else "bank", language=lang, grounding=grounding)


def _similar(a: str, b: str) -> float:
    ta = {t for t in tokens(a) if len(t) >= 2}
    tb = {t for t in tokens(b) if len(t) >= 2}
    return len(ta & tb) / min(len(ta), len(tb)) if ta and tb else 0.0


def position_pool(bank: Sequence[BankQuestion], position: str) -> list[BankQuestion]:
    """The bank questions a position may be asked: its own file's (mobile kept apart by
    platform: no Swift question for Android), the generic ones, and for a position whose
    file holds few technical questions, the general engineering ones (``software``)."""
    tag = position_tag(position)
    platform = mobile_platform(position)
    other = {"android": {"ios", "swift"}, "ios": {"android", "kotlin"}}.get(platform or "", set())
    own = {"android": {"android", "kotlin"}, "ios": {"ios", "swift"}}.get(platform or "", set())

    def fits(q: BankQuestion) -> bool:
        tags = set(q.tags)
        return not (tags & other) or bool(tags & own)

    pool = [q for q in bank if q.position in (tag, "generic") and fits(q)]
    technical = [q for q in pool if q.position == tag and q.category == "technical" and not q.slots]
    if tag not in ("generic", "product_manager") and len(technical) < 6 and tag != "software":
        pool += [q for q in bank if q.position == "software"]
    return pool


def plan_from_bank(bank: Sequence[BankQuestion], ctx: PlanContext, n: int, *,
                   embedder: Embedder | None = None) -> list[PlannedQuestion]:
    """Plan ``n`` questions from ``bank`` (core.bank.BankQuestion items): the
    self-introduction first, the closing question last, in between (see MIDDLE) at least two
    resume questions when the resume has facts, the company's ideal in its own words, and the
    position's technical questions at the candidate's level. The seed rotates the choice of
    questions and of resume facts. Fewer than ``n`` only when the bank has fewer usable
    questions."""
    lang = ctx.language
    tag = position_tag(ctx.position)
    level = seniority(ctx)
    business = ctx.company is not None and getattr(ctx.company, "audience", "consumer") == "business"
    pool = [q for q in position_pool(bank, ctx.position)
            if _fits_level(q, level) and not (business and _PRODUCT_TAGS & set(q.tags) and "company" in q.slots)]
    facts = resume_facts(ctx.resume)
    profile = {t for term in ctx.profile_terms() for t in tokens(term) if len(t) >= 2}
    rng = random.Random(ctx.seed)
    # a seeded jitter breaks ties; the seed's choice among the best is rotate() below
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

    by_bucket: dict[str, list[BankQuestion]] = {}
    for q in sorted(pool, key=lambda q: -scores[q.key]):
        by_bucket.setdefault(_bucket(q), []).append(q)
    # the position's own technical questions before the shared engineering ones
    technical = by_bucket.pop("technical", [])
    by_bucket["technical"] = [q for q in technical if q.position == tag]
    by_bucket["technical_shared"] = [q for q in technical if q.position != tag]
    fact_rng = random.Random(f"facts:{ctx.seed}")
    plan: list[PlannedQuestion] = []
    used_keys: set[str] = set()
    used_values: set[str] = set()

    calls = [0]

    def rotate(candidates: list[BankQuestion]) -> list[BankQuestion]:
        # The seed picks which of the best few still open comes first, so interviews differ
        # but stay relevant. The pick is arithmetic, not random: for two seeds that differ
        # by less than ROTATE_AMONG**2 it differs in almost every slot of the plan (with a
        # prime ROTATE_AMONG, (s - s')(b + 1) is 0 mod it only when s - s' is).
        b = calls[0]
        calls[0] += 1
        # only questions that can be asked (slots fillable): a pick never falls through to
        # the question another seed picked
        open_ = [q for q in candidates if q.key not in used_keys and _fill_slots(q, ctx, facts, used_values) is not None]
        head = open_[:ROTATE_AMONG]
        if len(head) < 2:
            return open_
        s_ = ctx.seed
        idx = (s_ * (b + 1) + (s_ // ROTATE_AMONG) * (b + 2)) % len(head)
        return head[idx:] + head[:idx] + open_[ROTATE_AMONG:]

    def take(candidates: list[BankQuestion], at: int | None = None) -> bool:
        for q in rotate(candidates):
            if q.key in used_keys:
                continue
            filled = _fill_slots(q, ctx, facts, used_values, fact_rng)
            if filled is None:
                continue
            values, grounding = filled
            text = _planned(q, lang, values, grounding).text
            if any(_similar(text, p.text) >= NEAR_DUPLICATE for p in plan):
                continue
            used_keys.add(q.key)
            used_values.update(v for k, v in values.items() if k in RESUME_SLOTS)
            planned = _planned(q, lang, values, grounding)
            if set(q.slots) & set(RESUME_SLOTS):  # judged against a rubric for the resume item
                planned = replace(planned, rubric=resume_rubric(
                    planned.rubric, {s: v for s, v in values.items() if s in RESUME_SLOTS}, lang,
                    category=q.category, facts=[v for s, v in values.items() if s not in RESUME_SLOTS]))
            plan.insert(len(plan) if at is None else at, planned)
            return True
        return False

    if n <= 0:
        return []
    take(by_bucket.get("intro", []))
    closing = by_bucket.get("closing", []) if n >= 3 else []
    middle_n = n - len(plan) - (1 if closing else 0)
    k = 0
    start = len(plan)
    while len(plan) - start < middle_n and k < middle_n * 4 + len(MIDDLE):
        bucket = MIDDLE[k % len(MIDDLE)]
        k += 1
        if bucket == "ideal" and take(by_bucket.get("ideal", [])):
            continue
        if bucket == "ideal":
            bucket = "cultural"
        if take(by_bucket.get(bucket, [])):
            continue
        if bucket == "technical" and take(by_bucket.get("technical_shared", [])):
            continue
        if bucket == "resume":
            continue  # no resume fact left: the next slot of the rhythm
        # the bucket ran dry: the most relevant question of any kind except intro/closing
        rest = sorted((q for q in pool if _bucket(q) not in ("intro", "closing")), key=lambda q: -scores[q.key])
        if not take(rest):
            break
    if closing:
        take(closing)
    return plan[:n]



# ----------------------------------------------------------------------------- LLM path
PLAN_SCHEMA: JsonObject = {
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


def build_plan_messages(ctx: PlanContext, n: int) -> list[ChatMessage]:
    facts = resume_facts(ctx.resume)
    lang_name = "Korean (polite 존댓말)" if ctx.language == "ko" else "English"
    fact_lines = "\n".join(f"- {k}: {', '.join(v)}" for k, v in facts.items() if v)
    ideal = ctx.company.ideal.get(ctx.language) if ctx.company is not None else ""
    system = (f"You are an interviewer. Plan {n} interview questions in {lang_name}: the first is a "
              "self-introduction and the last asks whether the candidate has any questions for us; mix "
              "resume-specific (at least two when facts are given; the most recent job first), technical "
              "questions at the candidate's level, behavioral ones and one on the company's ideal in its "
              "own words. "
              "Resume-specific questions may only mention facts from the list given; put each fact you "
              "use in 'grounding' exactly as written there. Output JSON only.")
    user = (f"Position: {ctx.position}\nCompany: {ctx.company_name or '-'}\nCompany ideal: {ideal}\n"
            f"Resume facts:\n{fact_lines or '- (none)'}")
    return [ChatMessage("system", system), ChatMessage("user", user)]


def validate_plan(raw: JsonObject, ctx: PlanContext, n: int) -> list[PlannedQuestion]:
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


def plan_with_llm(llm: LanguageModel, ctx: PlanContext, n: int, *, cancel: CancelToken | None = None,
                  attempts: int = 2, max_tokens: int | None = None) -> list[PlannedQuestion] | None:
    """The LLM's plan, or None after ``attempts`` failures (the caller uses the bank)."""
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
