"""The LLM evaluator's contract (issue 20, item 4): claims checked, quotes verified against the
answer's words, and "not evaluated" with the reason when the model fails - never a made-up
score. Crafted model outputs go through the real validation and ``verify()`` path (a scripted
model stands in for the GGUF only by returning them); the real gemma-270m GGUF shows the honest
not-evaluated path end to end.
"""

from __future__ import annotations

import pytest

from core.errors import EngineError
from core.evaluation.llm import EVAL_SCHEMA, evaluate_with_llm
from core.evaluation.text import words_from_text
from core.interview.types import CRITERIA, PlannedQuestion

CWV = PlannedQuestion(
    "What are Core Web Vitals and how do you improve them?", "technical", "직무지식", language="en",
    rubric={"key_points": ["LCP measures how fast the largest content element renders",
                           "CLS measures unexpected layout shifts",
                           "INP measures responsiveness to user input",
                           "Optimise images and defer non-critical JavaScript to improve them"],
            "misconceptions": [{"wrong": "Core Web Vitals measure server CPU usage",
                                "correct": "Core Web Vitals measure loading, visual stability and responsiveness "
                                           "as users experience them"}],
            "criteria": {}, "bands": {}})
# the three false sentences of the issue
FALSE = ("To improve Core Web Vitals you add more JavaScript libraries and load them synchronously in the head. "
         "Core Web Vitals measure server CPU usage. Bigger uncompressed images improve LCP.")
GOOD = ("LCP is the time until the largest image or text block is painted, and I improve it by compressing "
        "images and preloading the hero image. CLS counts layout shifts, so I reserve space for ads and images.")


class Scripted:
    """A LanguageModel that returns the given outputs in turn (an exception is raised)."""

    model_id = "scripted"

    def __init__(self, *outputs):
        self.outputs, self.calls = list(outputs), 0

    def chat_json(self, messages, schema, **kw):
        assert schema is EVAL_SCHEMA
        self.calls += 1
        out = self.outputs.pop(0)
        if isinstance(out, Exception):
            raise out
        return out


def _out(score, quotes, point="LCP measures how fast the largest content element renders", wrong=()):
    crit = {c: {"score": score, "reason": "r", "evidence": [{"quote": q, "rubric_point": point} for q in quotes]}
            for c in CRITERIA}
    return {"criteria": crit, "feedback": "Feedback for the candidate.", "strengths": [], "improvements": [],
            "wrong_claims": [{"quote": q, "correct": c} for q, c in wrong]}


def test_verified_quotes_keep_the_score_and_map_to_key_points():
    words = words_from_text(GOOD)
    ev = evaluate_with_llm(Scripted(_out(50, ["LCP is the time until the largest image or text block is painted"])),
                           CWV, words, "en")
    assert ev.evaluated and ev.criteria["technical_accuracy"].score == 25.0  # 1 of 4 points backed
    assert ev.criteria["logic"].score == 50
    assert ev.criteria["technical_accuracy"].evidence[0].rubric_point == CWV.rubric["key_points"][0]


def test_a_high_score_is_capped_by_the_points_its_evidence_backs():
    """The model says 95 but cites one point: technical accuracy is 25, and says why."""
    words = words_from_text(GOOD)
    ev = evaluate_with_llm(Scripted(_out(95, ["CLS counts layout shifts"],
                                         point="CLS measures unexpected layout shifts")), CWV, words, "en")
    tech = ev.criteria["technical_accuracy"]
    assert tech.score == 25.0 and "1 of 4" in tech.reason


def test_evidence_for_a_point_the_rubric_lacks_is_no_evidence():
    words = words_from_text(GOOD)
    ev = evaluate_with_llm(Scripted(_out(90, ["CLS counts layout shifts"], point="Understands databases deeply")),
                           CWV, words, "en")
    assert ev.criteria["technical_accuracy"].score is None
    assert ev.criteria["logic"].score == 90  # other criteria cite any rubric line


def test_fabricated_quotes_give_not_evaluated_with_the_reason():
    words = words_from_text(FALSE)
    ev = evaluate_with_llm(Scripted(_out(96, ["I preload the hero image and compress every picture"])),
                           CWV, words, "en")
    assert not ev.evaluated and ev.score is None and ev.not_evaluated_reason
    assert all(c.score is None for c in ev.criteria.values())


def test_wrong_claims_are_named_only_when_said():
    words = words_from_text(FALSE)
    out = _out(10, ["Bigger uncompressed images improve LCP"],
               wrong=[("Core Web Vitals measure server CPU usage", "They measure what users experience"),
                      ("LCP is measured in kilobytes", "It is a time")])  # the second was never said
    ev = evaluate_with_llm(Scripted(out), CWV, words, "en")
    assert ev.evaluated and ev.criteria["technical_accuracy"].score == 10
    assert "Core Web Vitals measure server CPU usage" in ev.feedback and "users experience" in ev.feedback
    assert "kilobytes" not in ev.feedback
    assert any("server CPU" in e.quote for e in ev.criteria["technical_accuracy"].evidence)


def test_invalid_output_is_retried_once_then_not_evaluated():
    words = words_from_text(GOOD)
    junk = {"criteria": {"technical_accuracy": {"score": "high"}}, "feedback": "x"}
    model = Scripted(junk, EngineError("planner.bad_json", reason="truncated"))
    ev = evaluate_with_llm(model, CWV, words, "en")
    assert model.calls == 2 and not ev.evaluated and ev.score is None
    assert "truncated" in ev.not_evaluated_reason
    model = Scripted(junk, _out(60, ["CLS counts layout shifts"], point="CLS measures unexpected layout shifts"))
    ev = evaluate_with_llm(model, CWV, words, "en")
    assert model.calls == 2 and ev.evaluated and ev.criteria["technical_accuracy"].score == 25.0


@pytest.mark.slow
def test_real_small_gguf_is_not_evaluated(model_manager):
    """gemma-3-270m returns junk under the schema: the answer is "not evaluated" with the
    reason, after one retry, and no criterion carries a number."""
    from engines.llm.llama_cpp_model import LlamaCppModel

    entry, path = model_manager.require("llm")
    gguf = LlamaCppModel.shared(path, model_id=entry.id, n_ctx=2048)
    ev = evaluate_with_llm(gguf, CWV, words_from_text(FALSE), "en", max_tokens=48)
    assert not ev.evaluated and ev.score is None and ev.not_evaluated_reason
    assert all(c.score is None for c in ev.criteria.values())
    assert ev.evaluator_model == entry.id


def test_story_questions_tell_the_model_how_to_judge():
    from core.evaluation.llm import build_messages
    from core.evaluation.typed import planned_question
    from core.interview.rubrics import resume_rubric

    q = planned_question("generic.self_intro_resume_walk", "en")
    q.rubric = resume_rubric(q.rubric, {"prev_company": "Toss"}, "en")
    user = build_messages(q, words_from_text("I joined Toss in 2021."), "en")[1].content
    assert "Toss" in user and "on topic" in user and "situation, action, result" in user
    tech = build_messages(CWV, words_from_text(GOOD), "en")[1].content
    assert "own experience" not in tech and "server CPU usage" in tech  # misconceptions are given
