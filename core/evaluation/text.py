"""Text helpers for evaluation: normalisation, sentences, and quote verification.

:func:`locate_quote` is the gate every cited quote passes: a quote counts only if, after
normalising case, whitespace and punctuation, it occurs in the transcript; it is then mapped
to the start/end time of the words it spans. Pure functions, thread-safe.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

from core.bank import keyword_span, keyword_spans
from core.i18n import tr
from core.protocols import Word

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_SENT_END = re.compile(r"[.!?。？！]$")
MIN_QUOTE_CHARS = 4  # shorter "quotes" (a particle, one word) prove nothing


def norm(text: str) -> str:
    """Lower-case, NFC, punctuation and whitespace removed (for substring matching)."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text).lower())


def tokens(text: str) -> list[str]:
    return [t for t in _NON_WORD.split(unicodedata.normalize("NFKC", text).lower()) if t]


def is_korean(text: str) -> bool:
    return bool(_HANGUL.search(text))


def words_from_text(text: str) -> list[Word]:
    """Words without timestamps, for an answer that only exists as text."""
    return [Word(text=t, start=float("nan"), end=float("nan")) for t in text.split()]


@dataclass
class Span:
    """Words ``[i, j)`` of the answer: the quote and its timing."""

    i: int
    j: int
    quote: str
    start: float | None
    end: float | None


def _time(v: float | None) -> float | None:
    return None if v is None or v != v else round(float(v), 2)  # NaN = no timestamp


def span_of(words: list[Word], i: int, j: int) -> Span:
    chunk = words[i:j]
    return Span(i, j, " ".join(w.text for w in chunk).strip(),
                _time(chunk[0].start) if chunk else None, _time(chunk[-1].end) if chunk else None)


def _char_index(words: list[Word]) -> tuple[str, list[int]]:
    joined: list[str] = []
    owner: list[int] = []
    for k, w in enumerate(words):
        n = norm(w.text)
        joined.append(n)
        owner.extend([k] * len(n))
    return "".join(joined), owner


def locate_quote(quote: str, words: list[Word]) -> Span | None:
    """The span of ``words`` that ``quote`` occurs in (normalised), or None (fabricated)."""
    q = norm(quote)
    if len(q) < MIN_QUOTE_CHARS:
        return None
    hay, owner = _char_index(words)
    pos = hay.find(q)
    if pos < 0:
        return None
    return span_of(words, owner[pos], owner[pos + len(q) - 1] + 1)


def sentences(words: list[Word]) -> list[Span]:
    """Split at sentence punctuation; Korean sentence endings (~다/~요/~까) end one too,
    because speech recognition often drops the full stop."""
    out: list[Span] = []
    start = 0
    for k, w in enumerate(words):
        t = w.text.strip()
        end = bool(_SENT_END.search(t)) or (is_korean(t) and re.search(r"(니다|어요|아요|에요|예요|까요|죠)$", t))
        if end:
            out.append(span_of(words, start, k + 1))
            start = k + 1
    if start < len(words):
        out.append(span_of(words, start, len(words)))
    return [s for s in out if s.quote]


def _joined(words: list[Word]) -> tuple[str, list[int]]:
    """The answer as one string (words joined by a space) and each word's start offset."""
    starts: list[int] = []
    pos = 0
    for w in words:
        starts.append(pos)
        pos += len(w.text) + 1
    return " ".join(w.text for w in words), starts


def _span_for_chars(words: list[Word], starts: list[int], a: int, b: int) -> Span:
    i = bisect_right(starts, a) - 1
    j = bisect_right(starts, max(a, b - 1))
    return span_of(words, max(i, 0), max(j, i + 1))


def find_terms(term: str, words: list[Word]) -> list[Span]:
    """Every place a rubric keyword / cue term occurs in the answer, by the bank's matching
    rule :func:`core.bank.keyword_in` (Korean eojeol-aware, English whole-word with simple
    inflection), each as the span of words it covers."""
    text, starts = _joined(words)
    return [_span_for_chars(words, starts, a, b) for a, b in keyword_spans(text, term)]


def find_term(term: str, words: list[Word], language: str = "") -> Span | None:
    """The first place ``term`` occurs in the answer (see :func:`find_terms`); ``language``
    is accepted for callers that pass it; the rule is chosen by the term's script."""
    text, starts = _joined(words)
    hit = keyword_span(text, term)
    return _span_for_chars(words, starts, *hit) if hit else None


def listing(items: list[str], ui: str, sep: str = "; ") -> str:
    """``items`` joined for a feedback sentence, or the word for none in ``ui`` ("none" /
    "없음"): a bare "-" read as a typo in the report ("partly: -).")."""
    return sep.join(items) if items else tr("eval.none", ui)


def split_long(sents: list[Span], words: list[Word]) -> list[Span]:
    """Speech recognition may give one endless sentence: cut any over 40 words into pieces
    of about 25 (a remainder under 10 words stays with the piece before it)."""
    out: list[Span] = []
    for s in sents:
        if s.j - s.i <= 40:
            out.append(s)
            continue
        i = s.i
        while i < s.j:
            j = min(s.j, i + 25)
            if s.j - j < 10:
                j = s.j
            out.append(span_of(words, i, j))
            i = j
    return out
