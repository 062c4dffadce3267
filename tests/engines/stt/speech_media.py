"""Speech test fixtures: the real faster-whisper base model, real recordings, espeak-ng."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest


@pytest.fixture(scope="session")
def whisper_model(model_manager):
    from engines.stt.whisper_stream import load_whisper_model

    _, path = model_manager.require("stt")
    return load_whisper_model(path)


def reference(shared_data: Path, lang: str, name: str) -> str:
    with open(shared_data / "speech" / lang / "transcripts.tsv", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["file"] == name:
                return row.get("reference_transcript") or row["reference_transcript_spelled_out"]
    raise KeyError(name)


def clip(shared_data: Path, lang: str, name: str, tail_s: float = 0.0) -> np.ndarray:
    from engines.capture.audio import load_audio

    a = load_audio(shared_data / "speech" / lang / name)
    return np.concatenate([a, np.zeros(int(tail_s * 16000), np.float32)]) if tail_s else a


def last_voiced_s(audio: np.ndarray, floor_db: float = 35.0) -> float:
    """Independent reference for the end of speech: the end of the last 20 ms frame whose
    energy is within ``floor_db`` of the loudest frame."""
    n = len(audio) // 320 * 320
    fr = audio[:n].reshape(-1, 320)
    db = 20 * np.log10(np.sqrt((fr ** 2).mean(1)) + 1e-9)
    return (int(np.nonzero(db > db.max() - floor_db)[0][-1]) + 1) * 0.02


@pytest.fixture(scope="session")
def espeak(tmp_path_factory):
    """synth(text_or_ssml, lang) -> 16 kHz mono float32 audio from espeak-ng."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        pytest.skip("espeak-ng not installed")
    folder = tmp_path_factory.mktemp("espeak")

    def synth(text: str, lang: str = "en", ssml: bool = False) -> np.ndarray:
        from engines.capture.audio import load_audio

        out = folder / f"s{abs(hash((text, lang)))}.wav"
        cmd = [exe, "-v", lang, "-s", "150", "-w", str(out)] + (["-m"] if ssml else []) + [text]
        subprocess.run(cmd, check=True, capture_output=True)
        return load_audio(out)

    return synth
