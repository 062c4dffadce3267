"""Rubrics made for the question that is asked: resume-slot questions and generated ones.

A bank question carries its own rubric (:meth:`core.bank.BankQuestion.rubric_for`). A question
filled from the resume ("your time at {prev_company}") is about the candidate's own story, so
it is judged against a rubric for its *slot* (:func:`resume_rubric`): for a job, the
situation there, the candidate's own role and action, and a result; for a project, its goal,
the candidate's part and the outcome; and so on. The rubric names the resume facts the
question was built from (``facts``) so the evaluator can treat an answer about that job as on
topic and check it names the same facts (:mod:`core.evaluation.behavioural`).

The rubrics built here carry a ``kind`` the evaluator dispatches on (:func:`rubric_kind`; a bank
rubric takes its kind from its bank question's category and type):

- ``"technical"``: judged by claims against key points and misconceptions
  (:class:`core.evaluation.coverage.CoverageEvaluator`);
- ``"behavioural"``: a story or a self-introduction, judged on relevance, specificity and
  structure (:class:`core.evaluation.behavioural.BehaviouralEvaluator`);
- ``"resume"``: behavioural, plus the resume facts the question names.

``point_roles[i]`` says which part of a story key point ``i`` asks for (situation, action,
result, lesson, identity, aspiration, reason), so a role described in the abstract ("a
result") is credited by a sentence that *has* that role ("from 100 to 300 a minute"), which a
sentence encoder alone does not see.

Generated questions (:func:`generated_rubric`) must bring their key points; the model output
is validated with pydantic and refused otherwise (the planner then uses the bank).

Pure data; thread-safe.
"""

from __future__ import annotations

import re
from typing import Literal, Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.bank import get_question
from core.errors import InputError
from core.protocols import JsonObject

KINDS = ("technical", "behavioural", "resume")
ROLES = ("situation", "action", "result", "lesson", "identity", "strength", "aspiration", "reason")
# the slot a resume question is about, when it names several ("as {role} at {prev_company}")
SLOT_PRIORITY = ("prev_company", "project", "role", "certification", "skill")

# Key points per slot: (role, ko, en, ko keywords, en keywords). Keywords are what candidates
# say for that part; the evaluator credits a part by meaning and by its form, not by them alone.
_SLOT_POINTS: dict[str, list[tuple[str, str, str, list[str], list[str]]]] = {
    "prev_company": [
        ("situation", "{v}에서 맡았던 일의 상황과 맥락(팀, 서비스, 문제)을 설명한다",
         "Sets the situation at {v}: the team, the product and the problem",
         ["당시", "팀", "서비스", "문제", "입사"], ["team", "product", "problem", "joined", "at the time"]),
        ("action", "본인이 맡은 역할과 직접 한 행동을 구체적으로 말한다",
         "States their own role and what they personally did",
         ["제가", "직접", "담당", "맡았", "주도"], ["i built", "i led", "i owned", "my role", "responsible"]),
        ("result", "그 결과를 수치나 구체적 변화로 말한다",
         "Gives the result, with numbers or a concrete change",
         ["결과", "성과", "줄였", "늘렸", "개선", "%", "배"], ["result", "reduced", "increased", "improved", "%", "times"]),
    ],
    "project": [
        ("situation", "{v}의 목표와 배경을 설명한다", "Explains the goal and background of {v}",
         ["목표", "배경", "문제", "위해"], ["goal", "background", "problem", "to help"]),
        ("action", "그 안에서 본인의 역할과 직접 한 일을 구분해 말한다",
         "Separates their own role and actions from the team's",
         ["제가", "직접", "담당", "맡았"], ["i built", "my part", "i wrote", "responsible"]),
        ("result", "결과나 영향을 수치나 구체적 변화로 말한다", "Gives the outcome or impact, with numbers or a concrete change",
         ["결과", "성과", "줄였", "늘렸", "개선", "%"], ["result", "reduced", "increased", "improved", "%"]),
    ],
    "role": [
        ("situation", "{v} 역할에서 맡은 책임과 상황을 설명한다", "Explains the responsibilities and situation as {v}",
         ["담당", "책임", "업무", "당시"], ["responsible", "in charge", "my job", "at the time"]),
        ("action", "그 역할에서 직접 한 구체적 행동을 말한다", "Describes concrete actions they took in that role",
         ["제가", "직접", "주도", "맡았"], ["i built", "i led", "i drove", "i set up"]),
        ("result", "그 행동의 결과를 수치나 구체적 변화로 말한다", "Gives the result of those actions, with numbers or a concrete change",
         ["결과", "성과", "줄였", "늘렸", "개선", "%"], ["result", "reduced", "increased", "improved", "%"]),
    ],
    "skill": [
        ("situation", "{v} 기술을 실제로 쓴 상황이나 프로젝트를 말한다", "Names a real situation or project where they used {v}",
         ["프로젝트", "실무", "사용", "당시"], ["project", "at work", "used", "when"]),
        ("action", "그 기술로 직접 무엇을 만들거나 해결했는지 구체적으로 말한다",
         "Says concretely what they built or solved with {v}",
         ["제가", "직접", "구현", "해결"], ["i built", "i implemented", "i solved", "i wrote"]),
        ("result", "결과와 함께 자신의 수준과 한계를 말한다", "Gives the result and an honest view of their level and gaps",
         ["결과", "수준", "한계", "부족"], ["result", "level", "gap", "still learning"]),
    ],
    "certification": [
        ("reason", "{v} 자격증을 준비한 이유를 말한다", "Says why they prepared for {v}",
         ["이유", "위해", "필요"], ["because", "why", "needed"]),
        ("action", "준비하며 익힌 구체적 지식과 그것을 적용한 일을 말한다",
         "Names specific knowledge gained and where they applied it",
         ["적용", "활용", "제가", "익혔"], ["applied", "used", "learned", "i set up"]),
        ("result", "적용한 결과를 구체적으로 말한다", "Gives the result of applying it",
         ["결과", "개선", "줄였", "%"], ["result", "improved", "reduced", "%"]),
    ],
}

# What a key point's text asks for, when the rubric does not say (bank rubrics). Checked in
# order; the first role whose pattern hits is the point's role.
_ROLE_OF_POINT: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("situation", re.compile(r"(situation|context|background|the problem|goal and|why it was hard|trigger|"
                             r"상황|맥락|배경|목표와)", re.I)),
    ("result", re.compile(r"(result|outcome|impact|metric|quantif|numbers|measurable|성과|결과|수치|영향|지표|정량)", re.I)),
    ("lesson", re.compile(r"(lesson|learned|learnt|retrospective|교훈|배운|회고)", re.I)),
    ("identity", re.compile(r"(identity|one-line|정체성|한 문장 요약)", re.I)),
    ("strength", re.compile(r"(strength|강점|역량)", re.I)),
    ("aspiration", re.compile(r"(contribute|goal after|want to|after joining|기여|포부|입사 후|하고 싶은)", re.I)),
    ("action", re.compile(r"(personally|their own|own role|own actions|what they did|concrete actions|their part|"
                          r"role and|본인이 직접|직접 한|본인의 역할|본인 역할|역할과|행동)", re.I)),
    ("reason", re.compile(r"(reasons? for|sincere reason|why they|why (he|she|it) |trigger|선택의 이유|이유를|계기)", re.I)),
)


def point_role(text: str) -> str | None:
    """The story role a key point's text asks for, or None (a point about content)."""
    for role, pattern in _ROLE_OF_POINT:
        if pattern.search(text):
            return role
    return None


def rubric_kind(question: object) -> str:
    """The kind of judgement a question's rubric asks for: its ``kind`` when set; for a bank
    rubric (``bank_key``, also in rubrics stored before kinds existed) behavioural when the
    bank question is a self-introduction or behavioural; technical otherwise (knowledge,
    situational and culture-fit questions, and hand-made rubrics, are judged by their claims)."""
    rubric = getattr(question, "rubric", None) or {}
    kind = rubric.get("kind")
    if kind in KINDS:
        return kind
    key = rubric.get("bank_key")
    if key:
        try:
            q = get_question(str(key).split(":", 1)[0])
        except InputError:
            return "technical"
        return bank_kind(q.category, q.question_type)
    return "technical"


def bank_kind(category: str, question_type: str) -> str:
    """The kind for a bank question of this category and type."""
    return "behavioural" if question_type == "자기소개" or category == "behavioral" else "technical"


def primary_slot(slots: Sequence[str]) -> str | None:
    """The resume slot a question is about (None when it has no resume slot)."""
    return next((s for s in SLOT_PRIORITY if s in slots), None)


def resume_rubric(base: JsonObject, values: Mapping[str, str], lang: str, *,
                  category: str = "behavioral", facts: Sequence[str] = ()) -> JsonObject:
    """The rubric for a question filled from the resume.

    ``base``: the bank question's single-language rubric (its criteria, bands, weights and
    misconceptions are kept); ``values``: the slot values the question was filled with (copied
    from the resume); ``facts``: further resume facts about the same item (an experience's
    role, a project's technologies) that an answer may name. A behavioural question about a
    resume item is judged against the slot's story points (situation, own action, result); a
    culture-fit one ("why did you leave {prev_company}") keeps the bank's points, which fit
    its question better than a story would.
    """
    lang = "ko" if lang == "ko" else "en"
    slot = primary_slot(list(values))
    rubric = dict(base)
    rubric["kind"] = "resume"
    rubric["slot"] = slot
    named = [v for v in values.values() if v and v.strip()]
    rubric["facts"] = list(dict.fromkeys([*named, *(f for f in facts if f and f.strip())]))
    if slot is None or category != "behavioral" or slot not in _SLOT_POINTS:
        rubric["point_roles"] = [point_role(p) for p in rubric.get("key_points") or []]
        return rubric
    value = values[slot].strip()
    points = _SLOT_POINTS[slot]
    rubric["key_points"] = [(p[1] if lang == "ko" else p[2]).format(v=value) for p in points]
    rubric["point_keywords"] = [list(p[3] if lang == "ko" else p[4]) for p in points]
    rubric["keywords"] = list(dict.fromkeys(kw for kws in rubric["point_keywords"] for kw in kws))
    rubric["point_roles"] = [p[0] for p in points]
    return rubric


# ----------------------------------------------------------------------------- generated
class GeneratedQuestion(BaseModel):
    """One question as a model must return it: text, category and at least two key points
    that are sentences, not single words (else the planner falls back to the bank)."""

    model_config = ConfigDict(extra="ignore")
    text: str = Field(min_length=8)
    category: Literal["technical", "behavioral", "situational", "cultural_fit"]
    question_type: str = "직무지식"
    difficulty: str = "medium"
    key_points: list[str] = Field(min_length=2, max_length=8)
    grounding: list[str] = Field(default_factory=list)


    @field_validator("key_points")
    @classmethod
    def _points(cls, v: list[str]) -> list[str]:
        out = [p.strip() for p in v if p and p.strip()]
        # a key point is something an answer states: a phrase of a few words, not one term
        if len(out) < 2 or any(len(p) < 6 or len(p.split()) < 2 for p in out):
            raise ValueError("key points must be at least two phrases of two or more words")
        if len({p.lower() for p in out}) < len(out):
            raise ValueError("duplicate key points")
        return out


def validate_generated(item: Mapping[str, object]) -> GeneratedQuestion:
    """The model's question, validated; raises ValueError (pydantic's message) when unusable."""
    try:
        return GeneratedQuestion.model_validate(dict(item))
    except ValidationError as exc:
        raise ValueError(f"generated question rejected: {exc.error_count()} errors") from exc


def generated_rubric(q: GeneratedQuestion, lang: str) -> JsonObject:
    """The rubric for a validated generated question (the bank's shape, ``bank_key`` None)."""
    kind = bank_kind(q.category, q.question_type)
    return {"version": 1, "bank_key": None, "language": lang, "kind": kind,
            "key_points": list(q.key_points), "point_keywords": [[] for _ in q.key_points], "keywords": [],
            "point_roles": [point_role(p) for p in q.key_points],
            "misconceptions": [], "criteria": {}, "bands": {}}
