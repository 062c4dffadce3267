"""Text helpers for evaluation: normalisation, sentences, and quote verification.

:func:`locate_quote` is the gate every cited quote passes: a quote counts only if, after
normalising case, whitespace and punctuation, it occurs in the transcript; it is then mapped
to the start/end time of the words it spans. Pure functions, thread-safe.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

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


def stem_en(tok: str) -> str:
    """A light English stemmer: enough to match index/indexes/indexing/indexed."""
    for suf in ("ing", "ed", "es", "s"):
        if len(tok) > len(suf) + 2 and tok.endswith(suf):
            return tok[: -len(suf)]
    return tok


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


def find_term(term: str, words: list[Word], language: str) -> Span | None:
    """Where a rubric keyword / term occurs in the answer.

    Korean: substring of the normalised text (a keyword followed by a particle, 인덱스를, still
    matches). English: the term's stemmed tokens as a contiguous run of the answer's stemmed
    tokens (so "index" matches "indexes" but not "reindexing" inside another word).
    Symbols such as "%" are matched on the raw text.
    """
    if not term.strip():
        return None
    if not norm(term):  # a symbol like "%": raw match
        for k, w in enumerate(words):
            if term in w.text:
                return span_of(words, k, k + 1)
        return None
    if language == "ko" or is_korean(term):
        return locate_term_ko(term, words)
    want = [stem_en(t) for t in tokens(term)]
    toks = [[stem_en(t) for t in tokens(w.text)] for w in words]
    flat: list[tuple[str, int]] = [(t, k) for k, ts in enumerate(toks) for t in ts]
    n = len(want)
    for p in range(len(flat) - n + 1):
        if [t for t, _ in flat[p:p + n]] == want:
            return span_of(words, flat[p][1], flat[p + n - 1][1] + 1)
    return None


def locate_term_ko(term: str, words: list[Word]) -> Span | None:
    """Like :func:`locate_quote` but for short keywords (배, 기여), which it would refuse."""
    q = norm(term)
    if not q:
        return None
    hay, owner = _char_index(words)
    pos = hay.find(q)
    if pos < 0:
        return None
    return span_of(words, owner[pos], owner[pos + len(q) - 1] + 1)
