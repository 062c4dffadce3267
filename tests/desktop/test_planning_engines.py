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


def test_big20_evaluate_builds_its_evaluators_under_the_settings_choice(monkeypatch, tmp_path):
    """`big20 evaluate` used a manager that knew no choice; now the settings' model is the one
    asked for, and a wrong choice is an error naming its settings key."""
    from core.errors import ModelError
    from desktop.evaluate_cli import build_evaluators

    monkeypatch.setenv("BIG20_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("BIG20_MODELS__EVALUATOR", "faster-whisper-base")  # a speech model
    with pytest.raises(ModelError) as err:
        build_evaluators(lexical=True)
    assert "models.evaluator" in err.value.localized("en")
