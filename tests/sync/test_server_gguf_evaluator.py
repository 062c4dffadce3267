"""The AI worker's GGUF evaluator setting (``BIG20_SERVER_EVALUATOR=llm:<path>``): a real GGUF
loads as the desktop's LLM evaluator; a missing or damaged file is refused with a log line
naming it (answers are then not re-scored; nothing is made up). Scoring with the tiny embedded
GGUF is not run here: it takes minutes on 2 cores and ends "not evaluated" (invalid JSON),
which tests/core covers on the evaluator itself."""

from __future__ import annotations

import logging

import pytest

from sync.server.embedding import load_evaluator
from sync.server.gguf_evaluator import is_gguf_spec


def test_spec_parsing():
    assert is_gguf_spec("llm:/models/solar.gguf")
    assert not is_gguf_spec("llm:") and not is_gguf_spec("rubric")


def test_missing_gguf_is_refused_with_its_name(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        assert load_evaluator(f"llm:{tmp_path / 'solar-10.7b.gguf'}") is None
    assert "solar-10.7b.gguf" in caplog.text and "not re-scored" in caplog.text


def test_damaged_gguf_is_refused(tmp_path, caplog):
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + bytes(range(256)) * 64)
    with caplog.at_level(logging.WARNING):
        assert load_evaluator(f"llm:{bad}") is None
    assert "broken.gguf" in caplog.text


@pytest.mark.slow
def test_real_gguf_loads_as_the_llm_evaluator(model_manager):
    pytest.importorskip("llama_cpp")
    from core.evaluation.pipeline import LlmEvaluator

    path = model_manager.path("gemma3-270m-q4km")
    ev = load_evaluator(f"llm:{path}")
    assert isinstance(ev, LlmEvaluator) and ev.model_id == path.stem
