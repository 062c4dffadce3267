"""`big20 models verify` on a real model folder with real damage: a GGUF truncated to half,
the emotion model deleted, a whisper file missing; every active model is listed and the exit
code says whether the active set is sound."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _cli(models_dir: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "desktop.cli", "models", "verify", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=180,
                          env={**os.environ, "BIG20_LANGUAGE": "en", "BIG20_MODELS_DIR": str(models_dir),
                               **(env or {})})


@pytest.fixture
def models(tmp_path, model_manager):
    """A model folder of links to the installed defaults (no copies of 400 MB)."""
    root = tmp_path / "models"
    for model_id in ("gemma3-270m-q4km", "faster-whisper-base", "fer-mini-xception"):
        src = model_manager.models_dir / model_id
        dst = root / model_id
        dst.mkdir(parents=True)
        for f in model_manager.get(model_id).files:
            (dst / f.name).symlink_to(src / f.name)
    return root, model_manager


def _line(out: str, model_id: str) -> str:
    return next(ln for ln in out.splitlines() if f" {model_id}" in ln)


def test_sound_folder_lists_every_active_model_ok(models):
    root, _ = models
    out = _cli(root)
    assert out.returncode == 0, out.stdout + out.stderr
    for cap in ("llm", "evaluator", "stt", "vad", "emotion", "eyes", "embed", "tts"):
        assert any(ln.startswith("OK ") and f" {cap} " in ln and "(active)" in ln for ln in out.stdout.splitlines()), cap


def test_truncated_gguf_deleted_emotion_and_missing_file_are_reported(models):
    root, manager = models
    gguf = root / "gemma3-270m-q4km" / "gemma-3-270m-q4_k_m.gguf"
    data_path = gguf.resolve()
    gguf.unlink()
    with data_path.open("rb") as src, gguf.open("wb") as dst:  # a real copy, cut in half
        size = data_path.stat().st_size
        remaining = size // 2
        while remaining:
            chunk = src.read(min(remaining, 1 << 22))
            dst.write(chunk)
            remaining -= len(chunk)
    (root / "fer-mini-xception" / "emotion_model.hdf5").unlink()
    (root / "faster-whisper-base" / "tokenizer.json").unlink()

    out = _cli(root)
    assert out.returncode == 1, out.stdout
    text = out.stdout
    llm = _line(text, "gemma3-270m-q4km")
    assert llm.startswith("BAD") and "(active)" in llm and f"size {size // 2} != {size}" in llm, llm
    assert _line(text, "gemma3-270m-q4km-evaluator").startswith("BAD")  # same file, other role
    assert _line(text, "fer-mini-xception").startswith("MISSING") and "(active)" in _line(text, "fer-mini-xception")
    stt = _line(text, "faster-whisper-base")
    assert stt.startswith("BAD") and "required file tokenizer.json missing" in stt, stt
    assert "Traceback" not in out.stderr


def test_settings_choice_missing_or_wrong_capability_names_the_key(models):
    root, _ = models
    out = _cli(root, env={"BIG20_MODELS__STT": "faster-whisper-small"})
    assert out.returncode == 1
    line = _line(out.stdout, "faster-whisper-small")
    assert line.startswith("MISSING") and "models.stt" in line and "(active)" in line, line
    out = _cli(root, env={"BIG20_MODELS__EMOTION": "gemma3-270m-q4km"})
    assert out.returncode == 1
    assert "models.emotion" in out.stdout and "'llm'" in out.stdout, out.stdout
