"""Delivery metrics of one spoken answer, from word timestamps.

Pure and thread-safe: :func:`compute_delivery` reads only its arguments and the (cached,
never mutated) lexicon in ``resources/delivery/fillers.json``. The result is a JSON-able dict.

What is measured, and why this way:

- Speaking rate over the speech span (first word start to last word end). English counts
  words per minute (Microsoft Speaker Coach: 100-165 comfortable); Korean counts Hangul
  syllables per minute (240-320 comfortable, see PRODUCT_NOTES), because Korean "words"
  (eojeol) vary too much in length. Latin-script words inside a Korean answer ("API") add
  their vowel groups as approximate syllables. Fewer than 3 words or under 3 s of speech is
  too little to judge: the rate is None, not a guess.
- Fillers: tokens from the lexicon. Tokens that are also ordinary words (Korean determiners
  그/저 "that", 막, 좀; English "like") count only with a cue: a pause of >= 0.3 s or
  punctuation next to them, or a repetition. English "so" counts only at a sentence start;
  "you know"/"I mean" not after "do/if/what ...".
- Pauses: gaps of >= 1 s between words, plus the silence before the first word (time to
  start answering). Silence after the last word is the recording's tail, not a pause.
- Korean honorifics (존댓말): each sentence (ended by . ? ! or a pause >= 1 s) is classed by
  its last word: formal (~습니다/ㅂ니다/ㅂ니까, ~요, ~죠) or informal (반말: ~다, ~어/아, ~야,
  ~지, ~냐, ~니, ~거든, ~잖아 ...); connective endings (~고, ~는데) are left unclassified.
- Hedges: ~것 같습니다/같아요, 아마, 좀 (ko); I think, maybe, kind of, sort of, I guess (en).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from importlib import resources
from typing import Literal, Sequence, cast

# pydantic reads these TypedDicts inside the report model (core.report.model), and on Python
# 3.11 it accepts only typing_extensions' TypedDict
from typing_extensions import NotRequired, TypedDict

from core.protocols import Word

PAUSE_MIN_S = 1.0
CUE_PAUSE_S = 0.3  # a gap this long next to an ambiguous token marks it as a filler
RATE_BANDS: dict[str, tuple[float, float]] = {"en": (100.0, 165.0), "ko": (240.0, 320.0)}
RATE_UNITS: dict[str, str] = {"en": "words_per_min", "ko": "syllables_per_min"}
MIN_RATE_WORDS = 3
MIN_RATE_SPAN_S = 3.0



class LanguageLexicon(TypedDict, total=False):
    """One language's lists in ``resources/delivery/fillers.json``."""

    fillers: list[str]
    cue_required: list[str]
    sentence_initial: list[str]
    quotative_before_like: list[str]
    phrases: list[list[str]]
    phrase_exclude_before: list[str]
    hedge_tokens: list[str]
    hedge_phrases: list[list[str]]
    hedge_patterns: list[str]


class FillerItem(TypedDict):
    word: str
    start: float


class HedgeItem(TypedDict):
    text: str
    start: float


class PauseItem(TypedDict):
    start: float
    end: float
    duration: float
    kind: Literal["leading", "internal"]


class RateMetrics(TypedDict):
    value: float | None  # None: too little speech to judge (MIN_RATE_WORDS, MIN_RATE_SPAN_S)
    articulation_value: float | None
    unit: str  # RATE_UNITS
    band: list[float]  # [low, high] comfortable rate
    verdict: Literal["slow", "ok", "fast"] | None


class FillerMetrics(TypedDict):
    count: int
    per_min: float | None
    items: list[FillerItem]
    top: list[tuple[str, int]]  # (filler, count), most frequent first, at most 5


class PauseMetrics(TypedDict):
    count: int
    longest_s: float
    total_s: float
    items: list[PauseItem]


class LengthMetrics(TypedDict):
    duration_s: float
    window: list[float]  # [shortest, longest] recommended answer length, seconds
    verdict: Literal["short", "ok", "long"]


class HonorificMetrics(TypedDict):
    formal_endings: int
    informal_endings: int
    consistency: float | None  # formal / classified sentences; None when none was classified
    verdict: Literal["consistent", "mostly", "inconsistent"] | None
    informal_items: list[str]


class HedgeMetrics(TypedDict):
    count: int
    per_100_words: float | None
    items: list[HedgeItem]


class TimestampQuality(TypedDict):
    words_with_timestamps: float | None  # share of words with usable timestamps
    mean_confidence: float | None


class DeliveryMetrics(TypedDict):
    """What :func:`compute_delivery` returns; the report adds ``applicable`` (False for a typed
    answer, with the translated ``reason``)."""

    language: str
    duration_s: float
    speech_s: float
    word_count: int
    rate: RateMetrics
    fillers: FillerMetrics
    pauses: PauseMetrics
    length: LengthMetrics
    honorifics: HonorificMetrics | None  # Korean answers only
    hedges: HedgeMetrics
    quality: TimestampQuality
    applicable: NotRequired[bool]
    reason: NotRequired[str]


_PUNCT_END = re.compile(r"[.?!。？！…]+[\"'”’)]*$")
_STRIP = re.compile(r"[^\w'가-힣]+", re.UNICODE)
_HANGUL = re.compile(r"[가-힣]")
_LATIN_VOWELS = re.compile(r"[aeiouy]+", re.IGNORECASE)


@lru_cache(maxsize=1)
def lexicon() -> dict[str, LanguageLexicon]:
    """The filler and hedge lists per language (``resources/delivery/fillers.json``), read once."""
    text = resources.files("resources").joinpath("delivery", "fillers.json").read_text("utf-8")
    data = json.loads(text)
    return {lang: cast(LanguageLexicon, lists) for lang, lists in data.items() if isinstance(lists, dict)}


def _norm(text: str) -> str:
    # Whisper words carry leading spaces and punctuation ("Um," "음..."); compare bare forms.
    return _STRIP.sub("", text.strip().lower().replace("’", "'")).strip("'")


def _has_timestamps(w: Word) -> bool:
    return w.start is not None and w.end is not None and w.end >= w.start >= 0


def _syllables(token: str, language: str) -> int:
    if language == "ko":
        n = len(_HANGUL.findall(token))
        latin = re.sub(r"[^A-Za-z]", " ", token).split()
        return n + sum(max(1, len(_LATIN_VOWELS.findall(x))) for x in latin)
    return 1


def _gap_before(words: Sequence[Word], i: int) -> float:
    if i == 0:
        return float("inf")
    return max(0.0, words[i].start - words[i - 1].end)


def _gap_after(words: Sequence[Word], i: int) -> float:
    if i + 1 >= len(words):
        return float("inf")
    return max(0.0, words[i + 1].start - words[i].end)


def _sentence_start(words: Sequence[Word], i: int) -> bool:
    return i == 0 or bool(_PUNCT_END.search(words[i - 1].text.strip())) or _gap_before(words, i) >= PAUSE_MIN_S


def _cued(words: Sequence[Word], toks: list[str], i: int) -> bool:
    raw = words[i].text.strip()
    prev_raw = words[i - 1].text.strip() if i else ""
    if re.search(r"[,.…~?!-]$", raw) or re.search(r"[,…~-]$", prev_raw):
        return True
    if _gap_before(words, i) >= CUE_PAUSE_S and i > 0 or _gap_after(words, i) >= CUE_PAUSE_S and i + 1 < len(words):
        return True
    if i + 1 >= len(words):  # a determiner cannot end an utterance
        return True
    return (i > 0 and toks[i - 1] == toks[i]) or (i + 1 < len(toks) and toks[i + 1] == toks[i])


def _fillers(words: Sequence[Word], toks: list[str], language: str) -> list[FillerItem]:
    lex = lexicon().get(language, {})
    single = set(lex.get("fillers", []))
    cue = set(lex.get("cue_required", []))
    initial = set(lex.get("sentence_initial", []))
    quotative = set(lex.get("quotative_before_like", []))
    phrases = [tuple(p) for p in lex.get("phrases", [])]
    excl = set(lex.get("phrase_exclude_before", []))
    items: list[FillerItem] = []
    i = 0
    while i < len(toks):
        matched = False
        for ph in phrases:
            n = len(ph)
            if tuple(toks[i:i + n]) == ph and not (i > 0 and toks[i - 1] in excl):
                items.append({"word": " ".join(ph), "start": round(words[i].start, 2)})
                i += n
                matched = True
                break
        if matched:
            continue
        t = toks[i]
        if t in single:
            ok = True
            if t in initial:
                ok = _sentence_start(words, i)
            elif t in cue:
                ok = _cued(words, toks, i) or (t == "like" and i > 0 and toks[i - 1] in quotative)
                if ok and t == "like" and i > 0 and toks[i - 1] in {"i", "you", "we", "they", "would", "'d", "looks", "look", "feel", "sounds", "seems"}:
                    ok = bool(re.search(r"[,…-]$", words[i].text.strip()))
            if ok:
                items.append({"word": t, "start": round(words[i].start, 2)})
        i += 1
    return items


def _hedges(words: Sequence[Word], toks: list[str], language: str) -> list[HedgeItem]:
    lex = lexicon().get(language, {})
    items: list[HedgeItem] = []
    single = set(lex.get("hedge_tokens", []))
    phrases = [tuple(p) for p in lex.get("hedge_phrases", [])]
    for i, t in enumerate(toks):
        if t in single:
            items.append({"text": t, "start": round(words[i].start, 2)})
        for ph in phrases:
            if tuple(toks[i:i + len(ph)]) == ph:
                items.append({"text": " ".join(ph), "start": round(words[i].start, 2)})
    patterns = [re.compile(p) for p in lex.get("hedge_patterns", [])]
    if patterns:
        # Patterns may span two words (것 같습니다): search the joined text, map back to a word.
        offsets, text = [], ""
        for w in words:
            offsets.append(len(text))
            text += w.text.strip() + " "
        for pat in patterns:
            for m in pat.finditer(text):
                idx = max(k for k, off in enumerate(offsets) if off <= m.start())
                items.append({"text": m.group(0).strip(), "start": round(words[idx].start, 2)})
    items.sort(key=lambda x: x["start"])
    return items


def _jong_b(ch: str) -> bool:
    """True if the Hangul syllable ends in ㅂ (합, 입 ...): the -ㅂ니다 formal ending."""
    code = ord(ch) - 0xAC00
    return 0 <= code < 11172 and code % 28 == 17


_INFORMAL_ENDINGS = ("거든", "잖아", "다", "어", "아", "야", "지", "냐", "니", "해", "래", "게", "까", "자", "음", "함", "임", "대")
_CONNECTIVE_ENDINGS = ("고", "는데", "은데", "서", "면", "며", "지만")
_NON_SENTENCES = {"네", "예", "아니요", "아니오", "응", "음", "어", "아"}


def classify_ending(last_word: str) -> str | None:
    """'formal', 'informal' or None (connective, unknown) for a Korean sentence's last word.

    Pure."""
    w = re.sub(r"[^가-힣]", "", last_word)
    if not w or w in _NON_SENTENCES:
        return None
    if w.endswith(("니다", "니까")) and len(w) >= 3 and (w[-3] == "습" or _jong_b(w[-3])):
        return "formal"
    if w.endswith(("요", "죠", "십시오", "세요")):
        return "formal"
    if w.endswith(_CONNECTIVE_ENDINGS) or w in lexicon()["ko"]["fillers"]:
        return None
    if w.endswith("니까"):  # ~으니까 without ㅂ: a causal connective used as a 반말 ending
        return "informal"
    if w.endswith(_INFORMAL_ENDINGS):
        return "informal"
    return None


def _sentences(words: Sequence[Word]) -> list[list[Word]]:
    out: list[list[Word]] = [[]]
    for i, w in enumerate(words):
        out[-1].append(w)
        if _PUNCT_END.search(w.text.strip()) or _gap_after(words, i) >= PAUSE_MIN_S:
            out.append([])
    return [s for s in out if s]


def honorifics(words: Sequence[Word]) -> HonorificMetrics:
    """Consistency of 존댓말 over the sentences of a Korean answer. Pure."""
    formal = informal = 0
    informal_items: list[str] = []
    for sent in _sentences(words):
        # The last word that is not a bare filler carries the ending.
        body = [w for w in sent if _norm(w.text) not in _NON_SENTENCES] or sent
        kind = classify_ending(body[-1].text)
        if kind == "formal":
            formal += 1
        elif kind == "informal":
            informal += 1
            informal_items.append(body[-1].text.strip())
    total = formal + informal
    consistency = round(formal / total, 2) if total else None
    verdict: Literal["consistent", "mostly", "inconsistent"] | None
    if consistency is None:
        verdict = None
    elif consistency >= 0.9:
        verdict = "consistent"
    elif consistency >= 0.6:
        verdict = "mostly"
    else:
        verdict = "inconsistent"
    return {"formal_endings": formal, "informal_endings": informal, "consistency": consistency,
            "verdict": verdict, "informal_items": informal_items[:10]}


def compute_delivery(words: list[Word], language: str, *, duration: float | None = None,
                     recommended_window: tuple[float, float] = (30.0, 120.0)) -> DeliveryMetrics:
    """Delivery metrics for one answer; ``words`` in seconds relative to the answer start.

    ``duration`` is the answer's audio length (else the last word's end). Pure, thread-safe.
    """
    lang = "ko" if language.lower().startswith("ko") else "en"
    # Recognisers hand out numpy floats; plain floats keep the result JSON-able everywhere.
    all_words = [Word(w.text, float(w.start) if w.start is not None else None,
                      float(w.end) if w.end is not None else None,
                      float(w.confidence) if w.confidence is not None else None)
                 for w in words if _norm(w.text)]
    timed = sorted((w for w in all_words if _has_timestamps(w)), key=lambda w: w.start)
    toks = [_norm(w.text) for w in timed]
    last_end = timed[-1].end if timed else 0.0
    total = float(duration) if duration is not None else float(last_end)

    pauses: list[PauseItem] = []
    if timed and timed[0].start >= PAUSE_MIN_S:
        pauses.append({"start": 0.0, "end": round(timed[0].start, 2),
                       "duration": round(timed[0].start, 2), "kind": "leading"})
    for a, b in zip(timed, timed[1:]):
        gap = b.start - a.end
        if gap >= PAUSE_MIN_S:
            pauses.append({"start": round(a.end, 2), "end": round(b.start, 2),
                           "duration": round(gap, 2), "kind": "internal"})
    span = (last_end - timed[0].start) if timed else 0.0
    internal_pause_s = sum(p["duration"] for p in pauses if p["kind"] == "internal")
    speech_s = max(0.0, span - internal_pause_s)

    units = sum(_syllables(t, lang) for t in toks)
    rate: float | None
    articulation: float | None
    rate_verdict: Literal["slow", "ok", "fast"] | None
    if len(timed) >= MIN_RATE_WORDS and span >= MIN_RATE_SPAN_S:
        rate = round(units / (span / 60.0), 1)
        articulation = round(units / (speech_s / 60.0), 1) if speech_s > 0 else None
        lo, hi = RATE_BANDS[lang]
        rate_verdict = "slow" if rate < lo else "fast" if rate > hi else "ok"
    else:
        rate = articulation = rate_verdict = None

    minutes = span / 60.0 if span > 0 else None
    fill = _fillers(timed, toks, lang)
    hedge = _hedges(timed, toks, lang)
    lo_w, hi_w = recommended_window
    confs = [w.confidence for w in all_words if w.confidence is not None]
    return {
        "language": lang,
        "duration_s": round(total, 2),
        "speech_s": round(speech_s, 2),
        "word_count": len(all_words),
        "rate": {"value": rate, "articulation_value": articulation, "unit": RATE_UNITS[lang],
                 "band": list(RATE_BANDS[lang]), "verdict": rate_verdict},
        "fillers": {"count": len(fill),
                    "per_min": round(len(fill) / minutes, 1) if minutes else None,
                    "items": fill,
                    "top": [(w, n) for w, n in Counter(x["word"] for x in fill).most_common(5)]},
        "pauses": {"count": len(pauses),
                   "longest_s": max((p["duration"] for p in pauses), default=0.0),
                   "total_s": round(float(sum(p["duration"] for p in pauses)), 2),
                   "items": pauses},
        "length": {"duration_s": round(total, 2), "window": [lo_w, hi_w],
                   "verdict": "short" if total < lo_w else "long" if total > hi_w else "ok"},
        "honorifics": honorifics(timed or all_words) if lang == "ko" else None,
        "hedges": {"count": len(hedge),
                   "per_100_words": round(100.0 * len(hedge) / len(all_words), 1) if all_words else None,
                   "items": hedge},
        "quality": {"words_with_timestamps": round(len(timed) / len(all_words), 3) if all_words else None,
                    "mean_confidence": round(sum(confs) / len(confs), 3) if confs else None},
    }
