"""The desktop app scores answers with the same meaning-aware rubric evaluator as replay."""

from __future__ import annotations

import pytest

from core.bank import get_company
from core.config import Settings
from core.evaluation.coverage import CoverageEvaluator

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_app_evaluator_uses_the_sentence_encoder(model_manager, lang):
    from engines.assembly import session_engines

    engines, notes = session_engines(model_manager, Settings(language=lang), lang, get_company("KAKAO"),
                                     probe=lambda entry, path: None)
    assert isinstance(engines.evaluator, CoverageEvaluator)
    assert engines.evaluator.embedder is not None and lang in engines.evaluator.thresholds
    assert engines.second_evaluator is None  # no capable LLM evaluator among the defaults


def test_replay_and_app_build_the_same_encoder(model_manager):
    from engines.assembly import sentence_encoder

    encoder, thresholds = sentence_encoder(model_manager)
    assert encoder is not None and {"ko", "en"} <= set(thresholds)
    vec = encoder.embed(["I added an index on the join column."])[0]
    assert len(vec) == 384 and abs(sum(v * v for v in vec) - 1.0) < 1e-3
