"""The rubric-coverage evaluator: the offline default, transparent by construction.

Each score is derived from what the answer demonstrably contains, and every number cites
the sentences (with timestamps) it came from. Formulas (per answer, 0-100):

- technical_accuracy = 100 * covered / total rubric key points. A key point is covered when
  one of its keywords occurs in the answer by exactly the bank's rule,
  :func:`core.bank.keyword_in` (Korean: at an eojeol start and followed only by a particle /
  ending / derivational suffix, so "지원자" is not "지원"; English: whole words with simple
  inflection). One keyword occurrence backs one key point; a sentence backs two points only
  through distinct, non-overlapping keywords. With an embedder, a point no keyword matched is
  covered when an otherwise unused answer sentence's cosine to it reaches
  ``semantic_threshold``.
- logic = 20 per structure cue found, capped at 100: conclusion first, enumeration
  (첫째/first ...), reasons (때문에/because ...), result (결과/as a result ...), example
  (예를 들어/for example ...), numbers.
- job_fit = 25 per distinct position/company/rubric term used (company values and ideal,
  the position's words, the question's keywords), capped at 100.
- communication = 60 * length factor + 40 * share of complete sentences. The length factor is
  1 inside the recommended window (ko 30-250 eojeol, en 40-300 words), scaled down linearly
  below it and gently above it.

An answer with no recognised words is "not evaluated" (no evidence); one under
``min_words`` words is "not evaluated" as too short; an "I don't know" answer is evaluated
and scores 0 on content (it is evidence, quoted). Pure and thread-safe; the optional
embedder is called on the caller's thread.
"""

from __future__ import annotations

import math
import re
from typing import Any, Mapping, Sequence

from core.evaluation.text import Span, find_term, find_terms, norm, sentences, span_of, tokens
from core.i18n import tr
from core.interview.types import CRITERIA, AnswerEvaluation, CriterionScore, Evidence, PlannedQuestion
from core.protocols import Embedder, Word

MODEL_LEXICAL = "rubric-coverage/lexical"

_CUES: dict[str, dict[str, tuple[str, ...]]] = {
    "conclusion_first": {"ko": ("결론부터", "결론적으로", "한마디로", "핵심은", "요약하면"),
                         "en": ("in short", "in summary", "the short answer", "my answer is", "to sum up",
                                "bottom line")},
    "enumeration": {"ko": ("첫째", "둘째", "셋째", "첫 번째", "두 번째", "먼저", "다음으로", "마지막으로"),
                    "en": ("first", "second", "third", "firstly", "secondly", "finally", "next")},
    "reason": {"ko": ("때문에", "왜냐하면", "이유는", "그래서", "따라서", "덕분에"),
               "en": ("because", "since", "therefore", "so that", "the reason", "thus")},
    "result": {"ko": ("결과", "개선", "단축", "증가", "감소", "달성", "성과"),
               "en": ("as a result", "result", "improved", "reduced", "increased", "achieved", "outcome")},
    "example": {"ko": ("예를 들어", "예를 들면", "예컨대", "프로젝트에서", "경험이"),
                "en": ("for example", "for instance", "such as", "in my project", "when i")},
}
# Korean forms end in an inflected stem (모르겠, 몰랐) so any ending may follow (keyword_in)
_DONT_KNOW = {"ko": ("모르겠", "모릅니다", "몰라요", "몰랐", "모르는"),
              "en": ("i don't know", "i do not know", "no idea", "not sure", "i dont know")}
_WINDOW = {"ko": (30, 250), "en": (40, 300)}


def _sentence_of(span: Span, sents: list[Span]) -> Span:
    for s in sents:
        if s.i <= span.i < s.j:
            return s
    return span


def _ev(span: Span, point: str, criterion: str) -> Evidence:
    return Evidence(quote=span.quote, start=span.start, end=span.end, rubric_point=point,
                    criterion=criterion)


def _cos(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


class CoverageEvaluator:
    """Score answers by rubric coverage.

    ``embedder``: optional :class:`~core.protocols.Embedder`; when given, a key point no
    keyword matched may still be covered by an unused sentence whose cosine reaches the
    threshold for the answer's language. ``semantic_threshold``: one cosine for every
    language, or a per-language mapping (a language missing from it gets no semantic
    matching); the thresholds measured for the embedded model are in
    ``engines/embed/llama_embedder.py`` (``SEPARATION``), chosen by the caller because core
    does not import engines.
    """

    def __init__(self, embedder: Embedder | None = None,
                 semantic_threshold: float | Mapping[str, float] = 0.85, min_words: int = 3) -> None:
        self.embedder = embedder
        self.semantic_threshold = semantic_threshold
        self.min_words = min_words
        self.model_id = MODEL_LEXICAL + (f"+{embedder.model_id}" if embedder else "")

    def _threshold(self, lang: str) -> float | None:
        if isinstance(self.semantic_threshold, Mapping):
            return self.semantic_threshold.get(lang)
        return self.semantic_threshold

    def evaluate(self, question: PlannedQuestion, words: list[Word], language: str, *,
                 position: str = "", company_terms: Sequence[str] = (),
                 ui_lang: str | None = None) -> AnswerEvaluation:
        lang = "ko" if language == "ko" else "en"
        ui = ui_lang or lang
        words = [w for w in words if w.text.strip()]
        rubric = question.rubric or {}
        key_points: list[str] = list(rubric.get("key_points") or [])
        point_kw: list[list[str]] = list(rubric.get("point_keywords") or [[] for _ in key_points])
        if not words:
            return self._not_evaluated("eval.not_evaluated.empty", ui)
        if not key_points:
            return self._not_evaluated("eval.not_evaluated.no_rubric", ui)
        sents = sentences(words)
        text = " ".join(w.text for w in words)
        dont_know = self._dont_know(words, lang)
        if dont_know is not None and len(words) <= 12:
            return self._dont_know_eval(dont_know, len(key_points), ui)
        if len(words) < self.min_words:
            return self._not_evaluated("eval.not_evaluated.too_short", ui, words=len(words))

        # technical accuracy: key point coverage. One occurrence of a keyword is evidence for
        # one key point only, and a sentence backs a second point only through a distinct,
        # non-overlapping keyword: otherwise one phrase ("지원") shared by two points' keyword
        # lists would count twice.
        covered: list[tuple[str, Span]] = []
        missing: list[str] = []
        claimed: dict[int, list[tuple[int, int, str]]] = {}  # sentence i -> (word i, j, keyword)
        sent_vecs: list[list[float]] | None = None
        for idx, point in enumerate(key_points):
            hit = None
            for kw in (point_kw[idx] if idx < len(point_kw) else []):
                for span in find_terms(kw, words):
                    sent = _sentence_of(span, sents)
                    taken = claimed.get(sent.i, [])
                    if any(norm(kw) == k or (span.i < j and i < span.j) for i, j, k in taken):
                        continue
                    claimed.setdefault(sent.i, []).append((span.i, span.j, norm(kw)))
                    hit = span
                    break
                if hit:
                    break
            if hit is None and self.embedder is not None and sents and self._threshold(lang) is not None:
                if sent_vecs is None:
                    sent_vecs = self.embedder.embed([s.quote for s in sents])
                pvec = self.embedder.embed([point])[0]
                free = [k for k in range(len(sents)) if sents[k].i not in claimed]
                if free:
                    best = max(free, key=lambda k: _cos(sent_vecs[k], pvec))
                    if _cos(sent_vecs[best], pvec) >= self._threshold(lang):
                        hit = sents[best]
                        claimed.setdefault(hit.i, []).append((hit.i, hit.j, "~" + point))
            if hit is None:
                missing.append(point)
            else:
                covered.append((point, _sentence_of(hit, sents)))
        total = len(key_points)
        tech_score = round(100.0 * len(covered) / total, 1)
        tech = CriterionScore(
            "technical_accuracy", tech_score,
            [_ev(s, p, "technical_accuracy") for p, s in covered],
            tr("eval.cov.technical", ui, found=len(covered), total=total,
               points="; ".join(p for p, _ in covered)) if covered
            else tr("eval.cov.technical_none", ui, total=total))

        # logic: structure cues
        cue_hits: list[tuple[str, Span]] = []
        for cue, table in _CUES.items():
            for term in table[lang]:
                hit = find_term(term, words, lang)
                if hit:
                    cue_hits.append((cue, hit))
                    break
        if cue_hits == [] or all(c != "conclusion_first" for c, _ in cue_hits):
            # conclusion first also when the first sentence already covers a key point
            first = sents[0] if sents else None
            if first and any(s.i == first.i for _, s in covered):
                cue_hits.insert(0, ("conclusion_first", first))
        num = next((k for k, w in enumerate(words) if re.search(r"\d", w.text)), None)
        if num is not None:
            cue_hits.append(("numbers", span_of(words, num, num + 1)))
        cue_names = [tr(f"eval.cue.{c}", ui) for c, _ in cue_hits]
        logic = CriterionScore(
            "logic", float(min(100, 20 * len(cue_hits))),
            [_ev(_sentence_of(s, sents), tr(f"eval.cue.{c}", ui), "logic") for c, s in cue_hits],
            tr("eval.cov.logic", ui, cues=", ".join(cue_names)) if cue_hits else tr("eval.cov.logic_none", ui))

        # job fit: position / company / rubric vocabulary
        terms = _fit_terms(position, company_terms, rubric.get("keywords") or [], lang)
        fit_hits: list[tuple[str, Span]] = []
        seen: set[str] = set()
        for term in terms:
            key = norm(term)
            if not key or key in seen:
                continue
            hit = find_term(term, words, lang)
            if hit:
                seen.add(key)
                fit_hits.append((term, hit))
        job = CriterionScore(
            "job_fit", float(min(100, 25 * len(fit_hits))),
            [_ev(_sentence_of(s, sents), t, "job_fit") for t, s in fit_hits],
            tr("eval.cov.job_fit", ui, terms=", ".join(t for t, _ in fit_hits)) if fit_hits
            else tr("eval.cov.job_fit_none", ui))

        # communication: length in the window, complete sentences
        n = len(words)
        lo, hi = _WINDOW[lang]
        length_factor = n / lo if n < lo else (1.0 if n <= hi else max(0.5, hi / n))
        complete = [s for s in sents if _complete(s.quote, lang)]
        share = len(complete) / len(sents) if sents else 0.0
        comm_score = round(60 * length_factor + 40 * share, 1)
        comm_ev = [_ev(max(complete or sents, key=lambda s: s.j - s.i),
                       tr("eval.cov.communication", ui, words=n, sentences=len(sents), complete=len(complete)),
                       "communication")]
        comm = CriterionScore("communication", comm_score, comm_ev,
                              tr("eval.cov.communication", ui, words=n, sentences=len(sents),
                                 complete=len(complete)))

        criteria = {c.criterion: c for c in (tech, logic, job, comm)}
        feedback = (tr("eval.cov.feedback", ui, found=len(covered), total=total, missing="; ".join(missing))
                    if missing else tr("eval.cov.feedback_all", ui, total=total))
        strengths = [tr("eval.cov.strength_point", ui, point=p) for p, _ in covered]
        if len(cue_hits) >= 3:
            strengths.append(tr("eval.cov.strength_structure", ui, cues=", ".join(cue_names)))
        improvements = [tr("eval.cov.improve_point", ui, point=p) for p in missing]
        if len(cue_hits) < 2:
            improvements.append(tr("eval.cov.improve_structure", ui))
        return AnswerEvaluation(criteria=criteria, feedback=feedback, strengths=strengths,
                                improvements=improvements, evaluator_model=self.model_id)

    # ------------------------------------------------------------------ cases
    def _dont_know(self, words: list[Word], lang: str) -> Span | None:
        for phrase in _DONT_KNOW[lang]:
            hit = find_term(phrase, words, lang)
            if hit:
                return hit
        return None

    def _dont_know_eval(self, span: Span, total: int, ui: str) -> AnswerEvaluation:
        point = tr("eval.cov.dont_know", ui)
        crit = {c: CriterionScore(c, 0.0, [_ev(span, point, c)], point) for c in CRITERIA}
        crit["communication"].score = 10.0  # it was said clearly; nothing else was said
        return AnswerEvaluation(criteria=crit, feedback=point, strengths=[],
                                improvements=[tr("eval.cov.improve_structure", ui)],
                                evaluator_model=self.model_id)

    def _not_evaluated(self, key: str, ui: str, **params: Any) -> AnswerEvaluation:
        reason = tr(key, ui, **params)
        return AnswerEvaluation(
            criteria={c: CriterionScore(c, None, [], reason) for c in CRITERIA},
            feedback="", evaluator_model=self.model_id, evaluated=False, not_evaluated_reason=reason)


def _complete(sentence: str, lang: str) -> bool:
    s = sentence.strip()
    if lang == "ko":
        return bool(re.search(r"(다|요|까|죠)[.!?]?$", s))
    return bool(re.search(r"[.!?]$", s)) and len(tokens(s)) >= 3


_STOP = {"and", "the", "for", "with", "our", "who", "are", "that", "this", "you", "people", "their",
         "into", "from", "what", "they", "have", "more", "through", "사람", "사람을", "합니다", "찾습니다"}


def _fit_terms(position: str, company_terms: Sequence[str], keywords: Sequence[str], lang: str) -> list[str]:
    out: list[str] = []
    for t in list(company_terms) + [position] + list(keywords):
        for piece in re.split(r"[,/·()\s]+" if lang == "en" else r"[,/·()]+", t):
            piece = piece.strip()
            if len(norm(piece)) >= 2 and piece.lower() not in _STOP:
                out.append(piece)
    return out
