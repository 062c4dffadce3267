"""``big20 doctor`` on this machine: every active model's runtime exercised in a child."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from engines import runtime_probe as rp
from installer.doctor import CapabilityCheck, Diagnosis, diagnose, render

pytestmark = pytest.mark.slow


def test_doctor_json_reports_every_capability_with_its_runtime(model_manager):
    env = {**os.environ}
    proc = subprocess.run([sys.executable, "-m", "desktop.cli", "doctor", "--json"], capture_output=True,
                          text=True, env=env, timeout=600)
    diag = json.loads(proc.stdout.strip().splitlines()[-1])
    caps = {c["capability"]: c for c in diag["capabilities"]}
    assert set(caps) == {"llm", "evaluator", "embed", "stt", "vad", "eyes", "emotion", "tts"}
    # the embedded defaults installed by `make` all run here
    for cap in ("llm", "stt", "vad", "eyes", "emotion", "tts"):
        assert caps[cap]["status"] == "ok", caps[cap]
    assert "avx2" in diag["cpu_flags"]
    assert "AVX2 = 1" in diag["llama_features"]
    assert diag["cameras"] == []  # no camera on these machines
    assert proc.returncode == (0 if diag["ok"] else 1)


def test_a_crashing_runtime_is_shown_with_what_to_do(model_manager, monkeypatch, tmp_path):
    monkeypatch.setenv("BIG20_HOME", str(tmp_path))  # the remembered crash stays in this test's cache
    def prober(runtime, path):
        if runtime.startswith("llama.cpp"):
            return rp.run_probe_command(runtime, [sys.executable, "-c",
                                                  "import os, signal; os.kill(os.getpid(), signal.SIGILL)"])
        return rp.ProbeResult(runtime, "ok")

    diag = diagnose(model_manager, prober=prober)
    llm = next(c for c in diag.capabilities if c.capability == "llm")
    assert llm.status == "crashed" and llm.detail.startswith("SIGILL")
    assert not diag.ok
    for lang, word in (("en", "make clean run"), ("ko", "다시 빌드")):
        text = "\n".join(render(diag, lang))
        assert "SIGILL" in text and word in text
    rp.forget()


def test_render_is_translated():
    diag = Diagnosis(capabilities=[CapabilityCheck("stt", "faster-whisper-base", "faster-whisper", "ok")],
                     cpu_flags=["avx2", "amx_tile"], llama_features="CPU : AVX2 = 1 | AMX_INT8 = 0")
    en, ko = "\n".join(render(diag, "en")), "\n".join(render(diag, "ko"))
    assert "Speech to text" in en and "음성 인식" in ko
    assert "AMX" in en and "no NVIDIA GPU" in en and "Camera: none found" in en
    assert "카메라: 찾지 못함" in ko
