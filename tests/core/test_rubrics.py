"""Rubric kinds, resume-slot rubrics and generated-question validation (core.interview.rubrics)."""

from __future__ import annotations

import pytest

from core.errors import InputError

from core.evaluation.typed import free_question, planned_question
from core.interview.planner import PlanContext, validate_plan
from core.interview.rubrics import point_role, resume_rubric, rubric_kind, validate_generated
from core.interview.types import PlannedQuestion


def test_kinds():
    assert rubric_kind(planned_question("generic.self_intro_1min", "ko")) == "behavioural"
    assert rubric_kind(planned_question("generic.conflict_teammate", "en")) == "behavioural"
    assert rubric_kind(planned_question("backend.db_index", "en")) == "technical"
    assert rubric_kind(planned_question("generic.situ_deadline_risk", "en")) == "technical"
    assert rubric_kind(free_question("What is X?", "X is Y.", "en")) == "technical"
    # a hand-made rubric without kind or bank key is judged by its claims
    assert rubric_kind(PlannedQuestion("q", "behavioral", "경험", rubric={"key_points": ["a b"]})) == "technical"


def test_resume_rubric_for_a_job():
    base = planned_question("generic.prev_role_achievement", "en").rubric
    r = resume_rubric(base, {"prev_company": "Toss", "role": "Backend Engineer"}, "en")
    assert r["kind"] == "resume" and r["slot"] == "prev_company" and r["facts"] == ["Toss", "Backend Engineer"]
    assert r["point_roles"] == ["situation", "action", "result"] and "Toss" in r["key_points"][0]
    assert r["criteria"] == base["criteria"] and r["bands"] == base["bands"]
    # a culture-fit question about the job keeps the bank's points, which fit it better
    why = planned_question("generic.why_leave", "ko").rubric
    r = resume_rubric(why, {"prev_company": "토스"}, "ko", category="cultural_fit")
    assert r["key_points"] == why["key_points"] and r["facts"] == ["토스"]


def test_point_roles_from_bank_wording():
    assert point_role("Quantified result and its impact on the organisation") == "result"
    assert point_role("What they personally did") == "action"
    assert point_role("The context and goal") == "situation"
    assert point_role("Opens with a one-line identity tied to the role") == "identity"
    assert point_role("Tried to understand the other side's reasons") is None
    assert point_role("A B-tree narrows the search to logarithmic time") is None


def test_generated_questions_must_bring_key_points():
    ok = {"text": "How does Kafka keep message order?", "category": "technical", "question_type": "직무지식",
          "difficulty": "medium", "key_points": ["Order is kept within a partition", "The key picks the partition"],
          "grounding": []}
    assert validate_generated(ok).key_points == ok["key_points"]
    for bad in ({**ok, "key_points": []}, {**ok, "key_points": ["a", "b"]}, {**ok, "key_points": ["Order kept"] * 2},
                {**ok, "category": "trivia"}, {k: v for k, v in ok.items() if k != "key_points"}):
        with pytest.raises(ValueError):
            validate_generated(bad)
    ctx = PlanContext("en", "Backend Developer", {})
    plan = validate_plan({"questions": [ok]}, ctx, 1)
    assert plan[0].rubric["kind"] == "technical" and plan[0].rubric["key_points"] == ok["key_points"]
    with pytest.raises(ValueError):
        validate_plan({"questions": [{**ok, "key_points": ["one"]}]}, ctx, 1)


def test_free_question_reference_is_the_only_key_point():
    # issue 20: the reference is the only key point (as bench.eval_quality --tsv has it); the
    # rubric is reference-only, graded by core.evaluation.reference
    q = free_question("What does HTTP 404 mean?", "The server found no resource at that URL. Yes. "
                      "The client should not retry the same request.", "en")
    assert q.rubric["key_points"] == ["The server found no resource at that URL. Yes. "
                                      "The client should not retry the same request."]
    assert q.rubric["kind"] == "technical" and len(q.rubric["point_keywords"]) == 1
    assert q.rubric["reference_only"] is True
    with pytest.raises(InputError):
        free_question("What?", " ", "en")
