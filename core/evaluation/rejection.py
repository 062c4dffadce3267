"""Rejected practices: a sentence that tells the listener to drop what a key point recommends.

A confident wrong answer often names every term of the rubric and turns the advice around:
"remove regularization and dropout ... and skip cross-validation because it wastes data",
"정규화와 드롭아웃을 빼고 ... 교차 검증은 하지 않는 것이 좋습니다". The encoder puts such a
sentence right next to the key point it names (same words, same topic) and the NLI-trained
claim judge, which learned contradiction from sentence pairs that differ by a negation or an
antonym, gives it well under an even chance; the bank's keyword rules would credit the point.
:func:`rejected_keywords` reads the construction itself: a key point's keyword governed by a
cue that discards it (English: "remove / skip / disable / turn off / get rid of /
stop using / don't use / no need for X", "X is unnecessary / not needed / useless"; Korean:
"X를 빼고 / 제거하고 / 없애고 / 생략하고 / 건너뛰고 / 쓰지 않고 / 하지 않는 / 필요 없는"),
within the same clause.

What it does not count, because correct answers say it:
- a cue that is itself negated ("never skip validation", "드롭아웃을 빼지 않고");
- a condition and its consequence ("if you remove dropout it overfits", "weak를 쓰지 않는 한
  누수가 생긴다");
- a keyword the question already contains (the topic itself: "drop unused indexes" in an
  answer about indexes is advice, not a rejection of indexing);
- a key point that is itself a "don't" (:func:`point_rejects`): rejecting what it rejects
  agrees with it;
- "without X", "avoid X" and "drop": said of problems and measures as often as of practices
  ("without an index the database scans the table", "to avoid overfitting", "the validation
  loss drops").

Pure functions over strings; thread-safe.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Sequence

from core.bank import keyword_in, keyword_spans

_CLAUSE = re.compile(r"[,.;:!?\n]|\s(?:but|however|instead|whereas)\s", re.I)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")

# English: the cue comes before the keyword, at most _EN_GAP words earlier in the clause
_EN_BEFORE = re.compile(
    r"\b(?:remov(?:e|es|ed|ing)|skip(?:s|ped|ping)?|disabl(?:e|es|ed|ing)|"
    r"turn(?:s|ed|ing)? off|get(?:s|ting)? rid of|stop(?:s|ped|ping)? using|ditch(?:es|ed|ing)?|"
    r"(?:do not|don't|never|no need to) (?:use|add|apply|do|bother with)|no need for|"
    r"(?:there is|there's) no need for)\b", re.I)
# ... or after it: "cross-validation is unnecessary"
_EN_AFTER = re.compile(
    r"^\W*(?:\w+\W+){0,2}?(?:is|are|was|were)\s+(?:completely\s+|totally\s+|really\s+)?"
    r"(?:unnecessary|not needed|not necessary|not required|useless|pointless|a waste of)\b", re.I)
_EN_GAP = 4
_EN_NEG_BEFORE = re.compile(r"\b(?:not|never|don't|do not|doesn't|shouldn't|should not|must not|mustn't|"
                            r"without|cannot|can't|no)\s+(?:\w+\s+)?$", re.I)
# Korean: the cue follows the keyword, within _KO_GAP eojeol of the same clause
_KO_CUE = re.compile(
    r"(?:빼|제거|없애|생략|건너뛰|건너 뛰|쓰지\s?않|사용하지\s?않|적용하지\s?않|하지\s?않|하지\s?말|"
    r"필요\s?(?:가\s?)?없|불필요|쓸모\s?없|안\s?(?:해도|써도|쓰고|하고))")
_KO_NEED = re.compile(r"필요|불필요|쓸모")
_EN_CONDITION = re.compile(r"\b(?:if|unless|when|whenever|once)\b", re.I)
_KO_CONDITION = re.compile(r"^\S*?(?:는\s?한|은\s?한|으면|면|다면|을\s?경우|ㄹ\s?경우|는\s?경우)(?:\s|$)")
_KO_CUE_NEGATED = re.compile(r"^(?:하)?(?:지\s?(?:않|말|마)|면\s?안)")
_KO_GAP = 4
# the keyword must be an argument of the cue: bare, or with an object / topic / coordinating
# particle ("정규화와 드롭아웃을 빼고", "교차 검증은 ... 하지 않는")
_KO_ARGUMENT = re.compile(r"(?:을|를|은|는|도|와|과|나|이나|랑|이랑|만|까지)?")


def _clauses(text: str) -> list[tuple[int, str]]:
    """The clauses of ``text`` with their start offsets (NFC)."""
    text = unicodedata.normalize("NFC", text)
    out, at = [], 0
    for m in _CLAUSE.finditer(text):
        out.append((at, text[at:m.start()]))
        at = m.end()
    out.append((at, text[at:]))
    return [(a, c) for a, c in out if c.strip()]


def _en_rejects(clause: str, keyword: str) -> list[tuple[int, int]]:
    low, out = clause.lower(), []
    for a, b in keyword_spans(low, keyword):
        window = " ".join(low[:a].split()[-(_EN_GAP + 3):])
        before = False
        for m in _EN_BEFORE.finditer(window):
            if len(window[m.end():].split()) > _EN_GAP:
                continue
            if _EN_NEG_BEFORE.search(window[:m.start()]):
                continue  # "never skip", "do not remove"
            if _EN_CONDITION.search(low[:a]):
                continue  # "if you remove dropout, it overfits": a consequence, not advice
            before = True
        if before or _EN_AFTER.search(low[b:]):
            out.append((a, b))
    return out


def _ko_rejects(clause: str, keyword: str) -> list[tuple[int, int]]:
    out = []
    for a, b in keyword_spans(clause, keyword):
        after = clause[b:]
        words = after.split()
        rest = words[0] if words and not after[0].isspace() else ""
        subject = rest in ("이", "가")  # "동기화가 필요 없다": only "not needed" drops a subject
        if rest:
            if not (subject or _KO_ARGUMENT.fullmatch(rest)):
                continue  # "멱등성" for "멱등": part of a longer word
            words = words[1:]
        elif not (words and _KO_CUE.match(words[0])):
            continue  # "연관 데이터를 ... 쓰지 않았다": the keyword modifies the object, it is not it
        window = " ".join(words[:_KO_GAP + 1])
        denied_until = -1
        for m in _KO_CUE.finditer(window):
            if m.start() < denied_until:
                continue  # the "하지 않" of a denied removal ("제거하지 않고")
            if any(len(w) > 1 and w.endswith(("이", "가")) for w in window[:m.start()].split()):
                break  # "메모리를 가지므로 동기화가 필요 없다": the subject in between is what is dropped
            if subject and not _KO_NEED.match(m.group(0)):
                continue  # "캐시가 동작하지 않는다" describes; it does not advise
            if _KO_CONDITION.match(window[m.end():]):
                denied_until = len(window)  # "weak를 쓰지 않는 한 누수가 생긴다": a consequence, not advice
                continue
            neg = _KO_CUE_NEGATED.match(window[m.end():])
            if neg and not m.group(0).replace(" ", "").endswith(("않", "말", "없")):
                denied_until = m.end() + neg.end()  # "빼지 않고", "생략하면 안": the cue itself is denied
                continue
            out.append((a, b))
            break
    return out


def rejections(text: str, keyword: str) -> list[tuple[int, int]]:
    """Where ``text`` tells the listener to drop ``keyword`` (character spans of the
    keyword in the NFC text), each within one clause."""
    if not keyword.strip():
        return []
    out = []
    for at, clause in _clauses(text):
        ko = bool(_HANGUL.search(clause))
        out += [(at + a, at + b) for a, b in (_ko_rejects if ko else _en_rejects)(clause, keyword)]
    return out


def rejects(text: str, keyword: str) -> bool:
    """Does ``text`` tell the listener to drop ``keyword`` (within one clause)?"""
    return bool(rejections(text, keyword))


_POINT_NEG_EN = re.compile(r"\b(?:never|avoid\w*|don't|do not|not|no|without|instead of|rather than|"
                          r"unnecessary|not needed|useless|pointless)\b", re.I)
_POINT_NEG_KO = re.compile(r"(?:없이|대신|않|말고|피한|피하)")


def point_rejects(key_point: str) -> bool:
    """Does the key point itself speak against something ("never store tokens in plain
    storage", "lookups take logarithmic time instead of a full scan", "전체 스캔 없이")?
    Then some of its keywords name what it rejects, and an answer that rejects them agrees
    with it ("lookups skip the full table scan"): such a point is left to the claim judge."""
    text = unicodedata.normalize("NFC", key_point)
    if _HANGUL.search(text):
        return bool(_KO_CUE.search(text) or _POINT_NEG_KO.search(text))
    return bool(_EN_BEFORE.search(text) or _POINT_NEG_EN.search(text))


def rejectable(point_keywords: Sequence[Sequence[str]], key_points: Sequence[str],
               question: str) -> list[list[str]]:
    """Per key point, the keywords whose rejection contradicts it (once per question): none
    for a point that is itself a "don't", and no keyword the question already names."""
    return [[] if p < len(key_points) and point_rejects(key_points[p]) else
            [k for k in kws if k.strip() and not keyword_in(question, k)]
            for p, kws in enumerate(point_keywords)]


def rejected_points(sentence: str, keywords: Sequence[Sequence[str]]) -> dict[int, list[str]]:
    """``{point index: [its keywords that sentence tells the listener to drop]}`` for the
    per-point ``keywords`` of :func:`rejectable`; a keyword found inside a longer rejected
    keyword of another point does not count ("validation" inside "skip cross-validation"
    rejects cross-validation, not validation curves)."""
    hits = [(p, k, span) for p, kws in enumerate(keywords) for k in kws for span in rejections(sentence, k)]
    out: dict[int, list[str]] = {}
    for p, k, (a, b) in hits:
        if any((c <= a and b <= d) and (d - c) > (b - a) for _, _, (c, d) in hits):
            continue
        if k not in out.setdefault(p, []):
            out[p].append(k)
    return out
