"""Does the active embedder separate an answer sentence's own key point from another
question's key point? ``python -m bench.embed --json`` prints one JSON object last.

Pairs come from the bank, not from hand-picked examples: for ``--n`` questions per language
with a model answer, the first model-answer sentence that the lexical rule
(:func:`core.bank.keyword_in`) ties to a key point is paired with that key point (matching)
and with a key point of another position's question (non-matching). Reported: the mean
cosine of each group, the AUC (probability a matching pair scores above a non-matching one)
per language the highest non-matching cosine (a threshold no non-matching pair reaches) and
the share of matching pairs above it; pooled, the threshold at a 10% false-hit rate.
"""

from __future__ import annotations

import argparse
import json
import re
import time


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def pairs(lang: str, n: int) -> list[tuple[str, str, str]]:
    """(sentence, own key point, other question's key point) for ``n`` bank questions."""
    from core.bank import keyword_in, load_question_bank

    bank = [q for q in load_question_bank() if q.model_answer]
    out: list[tuple[str, str, str]] = []
    used_positions: list[str] = []
    for q in bank:
        if len(out) >= n:
            break
        if used_positions.count(q.position) >= 2:  # spread over positions
            continue
        found = None
        for sent in _sentences(q.model_answer_for(lang) or ""):
            for kp in q.rubric.key_points:
                if any(keyword_in(sent, k) for k in kp.keywords.get(lang)):
                    found = (sent, getattr(kp, lang))
                    break
            if found:
                break
        if not found:
            continue
        # a key point from a question of another position, deterministic
        other_q = next(o for o in bank[::-1] if o.position != q.position)
        other = getattr(other_q.rubric.key_points[len(out) % len(other_q.rubric.key_points)], lang)
        out.append((found[0], found[1], other))
        used_positions.append(q.position)
    return out


def auc(pos: list[float], neg: list[float]) -> float:
    wins = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg)
    return wins / (len(pos) * len(neg)) if pos and neg else float("nan")


def measure(embedder, n: int = 10) -> dict:
    res: dict = {"model": embedder.model_id, "dim": embedder.dim}
    all_pos: list[float] = []
    all_neg: list[float] = []
    t0 = time.perf_counter()
    for lang in ("ko", "en"):
        ps = pairs(lang, n)
        sv = embedder.embed([s for s, _, _ in ps])
        mv = embedder.embed([m for _, m, _ in ps])
        ov = embedder.embed([o for _, _, o in ps])
        pos = [sum(a * b for a, b in zip(s, m)) for s, m in zip(sv, mv)]
        neg = [sum(a * b for a, b in zip(s, o)) for s, o in zip(sv, ov)]
        all_pos += pos
        all_neg += neg
        thr = max(neg)  # no non-matching pair of the sample reaches it
        res[lang] = {"pairs": len(ps), "mean_match": round(sum(pos) / len(pos), 4),
                     "mean_other": round(sum(neg) / len(neg), 4), "auc": round(auc(pos, neg), 3),
                     "max_other": round(thr, 4), "min_match": round(min(pos), 4),
                     "recall_above_max_other": round(sum(p > thr for p in pos) / len(pos), 2)}
    neg_sorted = sorted(all_neg)
    res["all"] = {"mean_match": round(sum(all_pos) / len(all_pos), 4),
                  "mean_other": round(sum(all_neg) / len(all_neg), 4),
                  "auc": round(auc(all_pos, all_neg), 3),
                  "threshold_fpr10": round(neg_sorted[int(0.9 * (len(neg_sorted) - 1))], 4),
                  "recall_at_threshold": round(
                      sum(p > neg_sorted[int(0.9 * (len(neg_sorted) - 1))] for p in all_pos) / len(all_pos), 3)}
    res["embed_s"] = round(time.perf_counter() - t0, 2)
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--n", type=int, default=10, help="pairs per language")
    ap.add_argument("--show", action="store_true", help="print the pairs")
    args = ap.parse_args()
    if args.show:
        for lang in ("ko", "en"):
            for p in pairs(lang, args.n):
                print(lang, " | ".join(p))
    from engines.embed.llama_embedder import LlamaEmbedder
    from engines.models.manager import ModelManager

    t0 = time.perf_counter()
    emb = LlamaEmbedder.from_manager(ModelManager())
    load_s = round(time.perf_counter() - t0, 2)
    res = measure(emb, args.n)
    res["load_s"] = load_s
    print(json.dumps(res, ensure_ascii=False))


if __name__ == "__main__":
    main()
