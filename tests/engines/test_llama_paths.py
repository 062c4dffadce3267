"""The LLM planner and evaluator through the REAL small GGUF (llama-cpp-python).

gemma-3-270m is a base model: its output under a schema is junk, so these tests show the
plumbing end to end: the call goes through llama.cpp, the output is validated, a failure is
retried once, then the planner falls back to the bank and the evaluator says "not evaluated"
(never a number). The model is loaded once per session.
"""

from __future__ import annotations

import pytest

from core.bank import get_company, load_question_bank
from core.errors import EngineError, ModelError
from core.evaluation.llm import evaluate_with_llm
from core.interview.planner import PlanContext, plan_from_bank, plan_with_llm
from core.interview.types import PlannedQuestion
from core.protocols import ChatMessage, Word

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def gguf(model_manager):
    from engines.llm.llama_cpp_model import LlamaCppModel

    entry, path = model_manager.require("llm")
    return LlamaCppModel.shared(path, model_id=entry.id, n_ctx=2048)


class Counting:
    """Counts calls into the real model (to show the retry), delegating everything."""

    def __init__(self, inner):
        self.inner, self.calls, self.model_id = inner, 0, inner.model_id

    def chat_json(self, *a, **kw):
        self.calls += 1
        return self.inner.chat_json(*a, **kw)


def test_chat_and_json_validation(gguf):
    assert not gguf.has_template  # base model: plain-prompt fallback
    assert isinstance(gguf.chat([ChatMessage("user", "Hello")], max_tokens=8), str)
    with pytest.raises(EngineError):  # truncated or empty under the schema -> EngineError
        gguf.chat_json([ChatMessage("user", "Give a JSON object")],
                       {"type": "object", "properties": {"answer": {"type": "string", "minLength": 40}},
                        "required": ["answer"]}, max_tokens=12)


def test_planner_retries_then_bank(gguf):
    ctx = PlanContext("en", "Backend Developer", {"skills": ["Kafka"]}, get_company("KAKAO"))
    model = Counting(gguf)
    assert plan_with_llm(model, ctx, 2, max_tokens=24) is None
    assert model.calls == 2  # one retry
    assert len(plan_from_bank(load_question_bank(), ctx, 2)) == 2


def test_evaluator_not_evaluated_on_failure(gguf):
    q = PlannedQuestion("What is an index?", "technical", "직무지식",
                        rubric={"key_points": ["B-tree lookup"], "criteria": {}, "bands": {}})
    words = [Word("An", 0, .2), Word("index", .2, .6), Word("speeds", .6, 1), Word("lookups.", 1, 1.5)]
    model = Counting(gguf)
    ev = evaluate_with_llm(model, q, words, "en", max_tokens=24)
    assert model.calls == 2
    assert not ev.evaluated and ev.score is None and ev.not_evaluated_reason
    assert all(c.score is None for c in ev.criteria.values())
    assert ev.evaluator_model == gguf.model_id


def test_corrupt_gguf(tmp_path):
    from engines.llm.llama_cpp_model import LlamaCppModel

    junk = tmp_path / "model.gguf"
    junk.write_bytes(b"not a model at all" * 10)
    with pytest.raises(ModelError) as exc:
        LlamaCppModel(junk, model_id="x")
    assert exc.value.code == "planner.model_corrupt"
    trunc = tmp_path / "trunc.gguf"
    trunc.write_bytes(b"GGUF" + b"\x03\x00\x00\x00" + b"\x00" * 64)
    with pytest.raises(ModelError):
        LlamaCppModel(trunc, model_id="x")
