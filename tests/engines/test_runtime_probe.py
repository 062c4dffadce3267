"""The native-runtime probe: a runtime that crashes is refused with a message, and we live.

The crashing child is real: a Python process that sends itself SIGILL, exactly how a
llama.cpp build with instructions this CPU traps on dies (exit 132 in a shell).
"""

from __future__ import annotations

import json
import os
import sys

import pytest

from engines import runtime_probe as rp

SIGILL_CHILD = [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGILL)"]


@pytest.fixture(autouse=True)
def _fresh(monkeypatch, tmp_path):
    monkeypatch.setenv("BIG20_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("BIG20_RUNTIME_PROBE", raising=False)
    rp.forget()
    yield
    rp.forget()


def sigill_prober(calls):
    def prober(runtime, path):
        calls.append((runtime, path))
        return rp.run_probe_command(runtime, SIGILL_CHILD)
    return prober


def test_a_child_killed_by_sigill_is_reported_as_crashed_and_the_parent_lives():
    result = rp.run_probe_command("llama.cpp", SIGILL_CHILD)
    assert result.status == "crashed"
    assert result.refused and not result.ok
    assert result.detail.startswith("SIGILL")
    assert os.getpid()  # still here


def test_exit_codes_and_timeouts_are_told_apart():
    failed = rp.run_probe_command("llama.cpp", [sys.executable, "-c", "raise SystemExit('bad file')"])
    assert failed.status == "failed" and "bad file" in failed.detail
    slow = rp.run_probe_command("llama.cpp", [sys.executable, "-c", "import time; time.sleep(30)"],
                                timeout=0.5)
    assert slow.status == "timeout" and not slow.refused
    ok = rp.run_probe_command("llama.cpp", [sys.executable, "-c", "print('{\"x\": 1}')"])
    assert ok.ok and ok.info == {"x": 1}


def test_ensure_runtime_refuses_with_a_message_naming_the_engine_and_remembers(tmp_path):
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF" + b"\0" * 64)
    calls: list = []
    with pytest.raises(rp.RuntimeRefused) as info:
        rp.ensure_runtime("llama.cpp", model, engine="my-model", prober=sigill_prober(calls))
    err = info.value
    assert "my-model" in str(err) and "SIGILL" in str(err) and "llama.cpp" in str(err)
    assert "rubric" in str(err) and "big20 doctor" in str(err)
    assert "SIGILL" in err.localized("ko") and "루브릭" in err.localized("ko")
    # remembered per build: in memory, and on disk for the next process
    with pytest.raises(rp.RuntimeRefused):
        rp.ensure_runtime("llama.cpp", model, prober=sigill_prober(calls))
    assert len(calls) == 1
    stored = json.loads((tmp_path / "home" / "cache" / "runtime_probes.json").read_text())
    assert [v["status"] for v in stored.values()] == ["crashed"]
    rp.forget()
    with pytest.raises(rp.RuntimeRefused):
        rp.ensure_runtime("llama.cpp", model, prober=sigill_prober(calls))
    assert len(calls) == 1
    # a changed model file is another build: probed again
    model.write_bytes(b"GGUF" + b"\0" * 128)
    with pytest.raises(rp.RuntimeRefused):
        rp.ensure_runtime("llama.cpp", model, prober=sigill_prober(calls))
    assert len(calls) == 2


def test_a_timeout_is_allowed_and_not_remembered(tmp_path):
    calls = []

    def slow(runtime, path):
        calls.append(1)
        return rp.ProbeResult(runtime, "timeout", "no answer in 1 s")

    rp.ensure_runtime("llama.cpp", tmp_path / "x.gguf", prober=slow)
    rp.forget()
    rp.ensure_runtime("llama.cpp", tmp_path / "x.gguf", prober=slow)
    assert len(calls) == 2


@pytest.mark.slow
def test_the_real_llm_adapter_is_refused_before_llama_cpp_loads_in_process(model_manager):
    """A build remembered as crashing makes LlamaCppModel raise instead of loading the GGUF."""
    from engines.llm.llama_cpp_model import LlamaCppModel

    entry, path = model_manager.require("llm")
    assert rp.checked("llama.cpp", path, prober=sigill_prober([])).status == "crashed"
    with pytest.raises(rp.RuntimeRefused) as info:
        LlamaCppModel(path, model_id=entry.id)
    assert entry.id in str(info.value)


@pytest.mark.slow
def test_the_real_llama_cpp_build_runs_here_without_amx(model_manager):
    """The portable build (Makefile LLAMA_CMAKE_ARGS) generates in a child on this CPU."""
    entry, path = model_manager.require("llm")
    result = rp.probe("llama.cpp", path)
    assert result.ok, result.detail
    assert result.info["tokens"] >= 1
    features = result.info["cpu_features"]
    assert "AMX_INT8 = 1" not in features and "AMX = 1" not in features, features
    embed = rp.probe("llama.cpp-embed", path)
    assert embed.ok and embed.info["dim"] > 0, embed.detail


@pytest.mark.slow
def test_replay_carries_on_with_the_bank_when_the_llm_runtime_is_refused(tmp_path, model_manager, capsys):
    """--force-llm would load the GGUF in-process; with its build remembered as crashing the
    run still completes (bank plan, rubric evaluator) and says which engine was left out."""
    from desktop.cli import main
    from tests.core.test_resume_structure import EN, make_pdf

    entry, path = model_manager.require("llm")
    assert rp.checked("llama.cpp", path, prober=sigill_prober([])).status == "crashed"
    pdf, answer, out = tmp_path / "r.pdf", tmp_path / "a1.txt", tmp_path / "report.json"
    make_pdf(pdf, EN, False)
    answer.write_text("I rebuilt the checkout flow in React because users dropped off at the "
                      "payment step; conversion went up by eight percent.", "utf-8")
    rc = main(["replay", "--resume", str(pdf), "--company", "KAKAO", "--position", "Frontend Engineer",
               "--lang", "en", "--answers", str(answer), "--out", str(out), "--force-llm",
               "--db", f"sqlite:///{tmp_path / 'db.sqlite3'}"])
    err = capsys.readouterr().err
    assert rc == 0
    assert entry.id in err and "SIGILL" in err and "question bank" in err
    assert json.loads(out.read_text("utf-8"))["details"]
