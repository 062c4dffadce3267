"""The answer grader: one calibrated technical-accuracy score from claim-level evidence.

The rubric evaluator (:mod:`core.evaluation.coverage`) measures an answer on a few features
(:data:`FEATURES`: how much of each key point some sentence entails, the strongest
contradiction of a key point or of its perturbed opposite, misconceptions stated, meaning
coverage, whole-answer closeness, share of statements and of on-topic sentences, length); the
grader maps them to 0-100 with a ridge regression onto human grades (0-3) fitted by
``python -m bench.train_claims grader`` on graded answers written by other people
(``resources/evaluation/grader.npz``; data, split and held-out figures in
``resources/evaluation/README.md``). Learned weights, not hand-set ones: the hand rules did
not carry to questions they were not written for (Spearman 0.22 on unseen questions).

Pure numpy; a loaded grader is read-only and thread-safe.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import numpy as np

FEATURES: tuple[str, ...] = (
    "cov_rule",      # rule credit: sum of key point credits / points (0-1)
    "ent_cov",       # mean over key points of the best sentence's P(entails the point)
    "ent_max",       # best P(entailment) of any sentence for any key point
    "contra",        # strongest contradiction of a key point (P(contra) or entails its opposite)
    "contra_share",  # share of on-topic sentences that contradict some key point
    "misc",          # strongest P(entails wrong statement) - P(entails its correct statement)
    "misc_rule",     # a misconception of the bank stated (rule, 0/1)
    "sim_cov",       # mean over key points of the best unit's cosine margin
    "whole",         # whole answer vs all key points: cosine margin over the baseline
    "stmt_share",    # sentences that are statements
    "on_share",      # statements on the question
    "log_words",     # log(1 + words)
)


# Score a person would give each grade (0 wrong or empty, 1 vague, 2 partial, 3 complete):
# the grader's mean prediction for the training answers of grade g is placed at GRADE_SCORES[g]
# (piecewise linear between them, the end slopes extended, clipped to 0-100). A complete answer
# reads about 90, not 100 at the mean: half the complete answers sit below their class mean.
GRADE_SCORES: tuple[float, ...] = (5.0, 40.0, 65.0, 90.0)


class Grader:
    """``grade(features)``: ridge prediction of the human grade, ``((x - mu) / sd) @ w + b``;
    ``score(features)``: that grade placed on 0-100 through ``knots`` (the mean prediction
    of the training answers of each grade 0..3) onto :data:`GRADE_SCORES`, piecewise linear:
    ridge predictions shrink towards the mean grade and are not evenly spaced between grades,
    and the scale reads near 0 for a wrong answer and about 90 for a complete one, as a person
    grades. Without knots (an older file) the grade is placed linearly between ``lo`` (score
    0) and ``hi`` (score 100)."""

    def __init__(self, w: np.ndarray, b: float, mu: np.ndarray, sd: np.ndarray,
                 names: tuple[str, ...] = FEATURES, lo: float = 0.0, hi: float = 3.0,
                 knots: np.ndarray | None = None) -> None:
        self.w, self.b, self.mu, self.sd, self.names = w, float(b), mu, sd, tuple(names)
        self.lo, self.hi = float(lo), float(hi)
        self.knots = None if knots is None else np.asarray(knots, dtype=np.float64)

    @classmethod
    def load(cls, path: str | Path) -> "Grader":
        z = np.load(path, allow_pickle=False)
        lo = float(z["lo"]) if "lo" in z.files else 0.0
        hi = float(z["hi"]) if "hi" in z.files else 3.0
        knots = z["knots"] if "knots" in z.files else None
        return cls(z["w"], float(z["b"]), z["mu"], z["sd"], tuple(str(n) for n in z["names"]), lo, hi, knots)

    def save(self, path: str | Path, **meta: str) -> None:
        arrays: dict[str, Any] = {k: np.array(v) for k, v in meta.items()}
        if self.knots is not None:
            arrays["knots"] = self.knots
        np.savez_compressed(path, w=self.w.astype(np.float64), b=np.array(self.b), mu=self.mu, sd=self.sd,
                            names=np.array(self.names), lo=np.array(self.lo), hi=np.array(self.hi), **arrays)

    def vector(self, feats: Mapping[str, float]) -> np.ndarray:
        return np.array([float(feats.get(n, 0.0)) for n in self.names])

    def grade(self, feats: Mapping[str, float]) -> float:
        """Predicted human grade (unclipped)."""
        z = (self.vector(feats) - self.mu) / self.sd
        return float(z @ self.w + self.b)

    def score(self, feats: Mapping[str, float]) -> float:
        return self.score_of_grade(self.grade(feats))

    def score_of_grade(self, g: float) -> float:
        """0-100 for a predicted grade (see the class docstring)."""
        if self.knots is None or len(self.knots) != len(GRADE_SCORES):
            return round(100.0 * float(np.clip((g - self.lo) / max(1e-6, self.hi - self.lo), 0.0, 1.0)), 1)
        xs, ys = self.knots, GRADE_SCORES
        if g <= xs[0]:
            s = ys[0] + (g - xs[0]) * (ys[1] - ys[0]) / max(1e-6, xs[1] - xs[0])
        elif g >= xs[-1]:
            s = ys[-1] + (g - xs[-1]) * (ys[-1] - ys[-2]) / max(1e-6, xs[-1] - xs[-2])
        else:
            s = float(np.interp(g, xs, ys))
        return round(float(np.clip(s, 0.0, 100.0)), 1)


def fit_ridge(X: np.ndarray, y: np.ndarray, l2: float = 1.0, names: tuple[str, ...] = FEATURES) -> Grader:
    """Ridge regression on standardised features (closed form)."""
    mu, sd = X.mean(0), X.std(0) + 1e-6
    Z = (X - mu) / sd
    ym = y.mean()
    w = np.linalg.solve(Z.T @ Z + l2 * np.eye(Z.shape[1]), Z.T @ (y - ym))
    return Grader(w, ym, mu, sd, names)


def default_grader_path() -> Path:
    return Path(__file__).resolve().parents[2] / "resources" / "evaluation" / "grader.npz"
