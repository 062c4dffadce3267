"""Evaluate a typed answer to a bank question (``big20 evaluate``, ``bench.eval_quality``).

:func:`planned_question` turns a bank key into the :class:`PlannedQuestion` an interview
would ask (slots filled with neutral placeholders the candidate can read), and
:func:`evaluate_typed` scores text with whichever evaluator is given. Pure; thread-safe as
far as the evaluator is.
"""

from __future__ import annotations

from typing import Any

from core.bank import get_question
from core.errors import InputError
from core.evaluation.text import words_from_text
from core.interview.types import AnswerEvaluation, PlannedQuestion

# The position a bank file's questions are asked for, when the user gives none.
POSITION_NAMES: dict[str, dict[str, str]] = {
    "backend": {"en": "Backend Developer", "ko": "백엔드 개발자"},
    "frontend": {"en": "Frontend Developer", "ko": "프론트엔드 개발자"},
    "data_ml": {"en": "Data Scientist", "ko": "데이터 사이언티스트"},
    "mobile": {"en": "Mobile App Developer", "ko": "모바일 앱 개발자"},
    "devops_cloud": {"en": "DevOps Engineer", "ko": "DevOps 엔지니어"},
    "product_manager": {"en": "Product Manager", "ko": "프로덕트 매니저"},
    "generic": {"en": "", "ko": ""},
}
_SLOT_TEXT = {"en": {"company": "the company", "position": "this position", "project": "your project",
                     "skill": "your main skill", "prev_company": "your previous company", "role": "your role",
                     "certification": "your certification"},
              "ko": {"company": "지원 회사", "position": "지원 직무", "project": "본인 프로젝트", "skill": "주요 기술",
                     "prev_company": "이전 회사", "role": "본인 역할", "certification": "보유 자격증"}}


def planned_question(key: str, lang: str) -> PlannedQuestion:
    """The bank question ``key`` as asked in ``lang`` (raises InputError for an unknown key
    or language)."""
    if lang not in ("ko", "en"):
        raise InputError("bank.unknown_language", lang=lang, known="ko, en")
    q = get_question(key)
    text = q.text_for(lang, **{s: _SLOT_TEXT[lang][s] for s in q.slots})
    return PlannedQuestion(text=text, category=q.category, question_type=q.question_type,
                           difficulty=q.difficulty, rubric=q.rubric_for(lang), bank_key=q.key,
                           language=lang)


def free_question(text: str, reference: str, lang: str) -> PlannedQuestion:
    """A question that is not in the bank, asked as ``text`` and judged against its reference
    answer: the whole reference is the only key point (as ``bench.eval_quality --tsv`` and the
    batch contract of issue 20 have it) and the rubric is ``reference_only`` (no bank key
    points, keywords or misconceptions), so the rubric evaluator grades technical accuracy
    with the reference grader (:mod:`core.evaluation.reference`, fitted on human grades of
    short answers) instead of its key-point rules.

    Before the reference grader each sentence of the reference was a key point (Spearman
    0.788 against 0.716 for the whole reference as one point, rules only, ``python -m
    bench.eval_free_question --limit 40``); with it, technical accuracy no longer depends on
    the split (the grader reads the reference and its sentences itself) and one point keeps
    the CLI and the bench the same question (figures: resources/evaluation/README.md). Raises
    InputError for an empty question or reference, or an unknown language."""
    if lang not in ("ko", "en"):
        raise InputError("bank.unknown_language", lang=lang, known="ko, en")
    if not text.strip() or not reference.strip():
        raise InputError("evaluate.free_question_empty")
    ref = " ".join(reference.split())
    rubric: dict[str, Any] = {"version": 1, "bank_key": None, "language": lang, "kind": "technical",
                              "key_points": [ref], "point_keywords": [[]], "keywords": [],
                              "misconceptions": [], "criteria": {}, "bands": {},
                              "reference_only": True, "reference": ref}
    return PlannedQuestion(text=text.strip(), category="technical", question_type="직무지식", rubric=rubric,
                           language=lang)


def default_position(key: str, lang: str) -> str:
    return POSITION_NAMES.get(get_question(key).position, {}).get(lang, "")


def evaluate_typed(evaluator: Any, key: str, lang: str, text: str, *, position: str | None = None,
                   company_terms: tuple[str, ...] = (), ui_lang: str | None = None) -> AnswerEvaluation:
    """Score ``text`` as the answer to bank question ``key`` with ``evaluator`` (a
    CoverageEvaluator; ``evaluate(question, words, lang, position=..., company_terms=...)``)."""
    question = planned_question(key, lang)
    pos = default_position(key, lang) if position is None else position
    return evaluator.evaluate(question, words_from_text(text), lang, position=pos,
                              company_terms=company_terms, ui_lang=ui_lang)
