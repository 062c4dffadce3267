"""The engine assembly: the one place engines are built from the model manager and settings."""

from __future__ import annotations

import pytest

from core.bank import get_company
from core.catalog import Catalog, ModelEntry, ModelFile
from core.config import Settings
from core.errors import ModelError
from core.evaluation.coverage import CoverageEvaluator
from engines.assembly import (
    LLM_RUNTIMES,
    file_engines,
    language_model,
    manager_rubric_evaluator,
    rubric_evaluator,
    sentence_encoder,
    session_engines,
)
from engines.models.manager import ModelManager


def _entry(**kw) -> ModelEntry:
    base = dict(id="chat-x", capability="llm", name="Chat X", role="recommended", source="url", licence="MIT",
                files=[ModelFile(name="model.bin", size=4)], format="onnx")
    return ModelEntry(**{**base, **kw})


def _manager_with(tmp_path, entry: ModelEntry) -> ModelManager:
    folder = tmp_path / "models" / entry.id
    folder.mkdir(parents=True)
    (folder / entry.files[0].name).write_bytes(b"\0" * (entry.files[0].size or 0))
    return ModelManager(models_dir=tmp_path / "models", catalog=Catalog(version=1, models=[entry]))


def test_is_capable_is_the_catalog_entrys_own_answer():
    assert _entry(role="recommended").is_capable and not _entry(role="embedded").is_capable


def test_a_format_without_a_runtime_is_refused_naming_the_formats_that_load(tmp_path):
    manager = _manager_with(tmp_path, _entry())
    with pytest.raises(ModelError) as err:
        language_model(manager, "llm", probe=lambda entry, path: None)
    assert err.value.code == "models.no_runtime" and "onnx" in err.value.localized("en")
    assert ", ".join(sorted(LLM_RUNTIMES)) in err.value.localized("ko")


def test_a_model_that_may_not_write_questions_is_not_loaded_unless_forced(tmp_path):
    manager = _manager_with(tmp_path, _entry(role="embedded"))
    probed: list[str] = []
    assert language_model(manager, "llm", probe=lambda entry, path: probed.append(entry.id)) is None
    assert probed == []  # not even probed
    with pytest.raises(ModelError):  # forced: the runtime question is asked (and this format has none)
        language_model(manager, "llm", force=True, probe=lambda entry, path: probed.append(entry.id))


@pytest.mark.slow
def test_the_embedded_gguf_loads_through_the_probe_when_forced(model_manager):
    probed: list[str] = []
    assert language_model(model_manager, "llm", probe=lambda e, p: probed.append(e.id)) is None
    llm = language_model(model_manager, "llm", force=True, probe=lambda e, p: probed.append(e.id))
    assert llm is not None and llm.model_id == probed[0] == model_manager.active("llm").id


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_rubric_evaluator_uses_the_encoder_only_where_its_thresholds_were_measured(model_manager, lang):
    encoder, thresholds = sentence_encoder(model_manager)
    assert encoder is not None and lang in thresholds
    assert rubric_evaluator(encoder, thresholds, lang).embedder is encoder
    assert rubric_evaluator(encoder, {k: v for k, v in thresholds.items() if k != lang}, lang).embedder is None
    assert manager_rubric_evaluator(model_manager, lang).embedder is encoder
    assert manager_rubric_evaluator(model_manager, lang, lexical=True).embedder is None


def test_without_a_speech_model_the_session_still_runs_and_says_why(tmp_path):
    empty = ModelManager(models_dir=tmp_path / "none")
    engines, notes = session_engines(empty, Settings(language="en"), "en", get_company("KAKAO"),
                                     probe=lambda entry, path: None)
    assert engines.transcriber is None and engines.streaming is None and engines.planner_llm is None
    assert notes.speech is False and "stt" in notes.speech_note
    assert isinstance(engines.evaluator, CoverageEvaluator) and engines.second_evaluator is None


def test_replay_engines_refuse_a_missing_speech_model_naming_what_to_install(tmp_path):
    with pytest.raises(ModelError) as err:
        file_engines(Settings(), manager=ModelManager(models_dir=tmp_path / "none"))
    assert err.value.code == "models.capability_missing" and "stt" in err.value.localized("en")
