"""The type checker's error baseline, which may only shrink: ``python -m installer.lint_baseline``.

Runs mypy with the project's configuration (pyproject.toml ``[tool.mypy]``: every package,
``--check-untyped-defs``, ``core`` and ``engines`` with ``disallow_untyped_defs``) and compares
the errors per file with :data:`BASELINE` (installer/mypy_baseline.json, checked in). It fails
when any file has more errors than recorded, or a file not recorded has any; it says which files
now have fewer, so the baseline can be lowered with ``--update`` (which refuses to raise a count
unless ``--allow-growth`` is given, for the rare accepted regression, named in the commit).

Part of ``make lint`` (run by ``make test`` and CI). Blocking (mypy takes about a minute).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "installer" / "mypy_baseline.json"
_ERROR = re.compile(r"^(?P<path>[^:\s]+\.py):\d+(?::\d+)?: error: ")


def run_mypy() -> tuple[Counter[str], str]:
    """(errors per file, mypy's output) under the project's configuration."""
    proc = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary", "--no-pretty"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):  # 2: mypy itself failed (bad configuration, crash)
        raise SystemExit(f"mypy failed to run (exit {proc.returncode}):\n{proc.stderr or proc.stdout}")
    counts: Counter[str] = Counter()
    for line in proc.stdout.splitlines():
        m = _ERROR.match(line)
        if m:
            counts[m.group("path")] += 1
    return counts, proc.stdout


def load_baseline(path: Path = BASELINE) -> dict[str, int]:
    return {str(k): int(v) for k, v in json.loads(path.read_text("utf-8"))["errors"].items()}


def compare(current: Counter[str], baseline: dict[str, int]) -> tuple[list[str], list[str]]:
    """(files over their baseline, files under it), each as a readable line."""
    grown, shrunk = [], []
    for path in sorted(set(current) | set(baseline)):
        now, was = current.get(path, 0), baseline.get(path, 0)
        if now > was:
            grown.append(f"{path}: {now} errors, baseline {was}")
        elif now < was:
            shrunk.append(f"{path}: {now} errors, baseline {was}")
    return grown, shrunk


def write_baseline(counts: Counter[str], path: Path = BASELINE) -> None:
    data = {"tool": "mypy (pyproject.toml [tool.mypy]: --check-untyped-defs)",
            "total": sum(counts.values()),
            "errors": {k: counts[k] for k in sorted(counts) if counts[k]}}
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m installer.lint_baseline", description=__doc__.split("\n")[0])
    ap.add_argument("--update", action="store_true", help="lower the baseline to the current counts")
    ap.add_argument("--allow-growth", action="store_true", help="with --update: accept counts that grew")
    args = ap.parse_args(argv)
    current, output = run_mypy()
    baseline = load_baseline() if BASELINE.is_file() else {}
    grown, shrunk = compare(current, baseline)
    total, was = sum(current.values()), sum(baseline.values())
    if args.update:
        if grown and baseline and not args.allow_growth:
            sys.stderr.write("not updating: these files have more errors than the baseline\n  "
                             + "\n  ".join(grown) + "\n")
            return 1
        write_baseline(current)
        sys.stdout.write(f"baseline: {total} mypy errors (was {was})\n")
        return 0
    if grown:
        files = {g.split(":")[0] for g in grown}
        sys.stdout.write("\n".join(line for line in output.splitlines() if line.split(":")[0] in files) + "\n")
        sys.stderr.write("mypy errors grew beyond the baseline (installer/mypy_baseline.json):\n  "
                         + "\n  ".join(grown) + "\n")
        return 1
    note = f"; {len(shrunk)} files improved: lower the baseline with --update" if shrunk else ""
    sys.stdout.write(f"mypy: {total} errors, baseline {was}{note}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
