"""The question bank and company profiles (``resources/questions/*.json``,
``resources/companies.json``): data, not code. The format is documented in
``resources/questions/README.md``.

Loading validates everything up front (strict pydantic models plus cross-field checks) and
fails with a :class:`BankFormatError` that names the file and the question key, so a broken
content file is caught by the tests, never half-way through an interview.

Read-only after load and safe from any thread: the default bank is parsed once and cached;
the models are frozen and the functions hand out fresh lists.
"""

from __future__ import annotations

import json
import re
import string
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import AnswerBank, Question
from core.db.models import Company as CompanyRow
from core.errors import Big20Error, InputError
from core.i18n import LANGUAGES, tr
from core.protocols import JsonObject

LANGS: tuple[str, ...] = LANGUAGES
CRITERIA: tuple[str, ...] = ("technical_accuracy", "logic", "job_fit", "communication")
BANDS: tuple[str, ...] = ("excellent", "good", "fair", "poor")
# score range each band stands for (0-100), for evaluators that map bands to numbers
BAND_RANGES: dict[str, tuple[int, int]] = {
    "excellent": (85, 100), "good": (70, 84), "fair": (50, 69), "poor": (0, 49)}
CATEGORIES: tuple[str, ...] = ("technical", "behavioral", "situational", "cultural_fit")
DIFFICULTIES: tuple[str, ...] = ("easy", "medium", "hard")
QUESTION_TYPES: tuple[str, ...] = ("자기소개", "지원동기", "직무지식", "경험", "협업·갈등", "상황")
POSITIONS: tuple[str, ...] = (
    "generic", "backend", "frontend", "data_ml", "mobile", "devops_cloud", "product_manager",
    "software", "embedded", "data_engineering", "qa", "security", "game")
# Slots a question text may use; the planner fills them from the resume / the interview setup
# and never invents a value (a question whose slot cannot be filled is not asked).
SLOTS: dict[str, str] = {
    "company": "target company name (interview setup)",
    "position": "target position as the candidate wrote it (interview setup)",
    "project": "a project name from the resume",
    "skill": "a skill / technology from the resume",
    "prev_company": "an employer from the resume's experience",
    "role": "a role / job title from the resume's experience",
    "certification": "a certification from the resume",
    "company_values": "a few of the target company's own 인재상 keywords, comma-joined (interview setup)",
}
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
MAX_KEY_LEN = 60  # questions.bank_key is String(64) and holds "<key>:<lang>"

Lang = Literal["ko", "en"]


class BankFormatError(Big20Error):
    """A question bank or company file that does not follow the documented format."""

    code = "bank.invalid"


# ----------------------------------------------------------------------------- models
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class I18nText(_Strict):
    ko: str
    en: str

    @field_validator("ko", "en")
    @classmethod
    def _non_empty(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("text must not be empty")
        return v.strip()

    def get(self, lang: str) -> str:
        return getattr(self, _lang(lang))


class I18nList(_Strict):
    ko: list[str]
    en: list[str]

    @field_validator("ko", "en")
    @classmethod
    def _non_empty(cls, v: list[str]) -> list[str]:
        v = [s.strip() for s in v]
        if not v or any(not s for s in v):
            raise ValueError("list must be non-empty and hold no empty strings")
        return v

    def get(self, lang: str) -> list[str]:
        return list(getattr(self, _lang(lang)))


class KeyPoint(_Strict):
    """One thing a good answer says, with the words that show it was said (synonyms,
    Korean and English forms of a term) for coverage matching."""

    ko: str
    en: str
    keywords: I18nList

    @field_validator("ko", "en")
    @classmethod
    def _non_empty(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("key point must not be empty")
        return v.strip()


class Misconception(_Strict):
    """What candidates commonly get wrong on a question (``wrong``) and the correct statement
    it is confused with (``correct``), both bilingual. The coverage evaluator matches answer
    sentences to ``wrong`` by meaning, contrasted with ``correct``; the report names it."""

    wrong: I18nText
    correct: I18nText


class Rubric(_Strict):
    key_points: list[KeyPoint] = Field(min_length=2, max_length=8)
    misconceptions: list[Misconception] = Field(default_factory=list, max_length=6)
    weights: dict[str, float]
    focus: dict[str, I18nText] = Field(default_factory=dict)  # optional per-criterion override
    bands: dict[str, I18nText]

    @model_validator(mode="after")
    def _check(self) -> "Rubric":
        if set(self.weights) != set(CRITERIA):
            raise ValueError(f"weights must name exactly the criteria {list(CRITERIA)}, "
                             f"got {sorted(self.weights)}")
        if any(w < 0 for w in self.weights.values()):
            raise ValueError("weights must not be negative")
        total = sum(self.weights.values())
        if abs(total - 1.0) > 0.01:
            raise ValueError(f"weights must sum to 1 (±0.01), got {total:.3f}")
        if not set(self.focus) <= set(CRITERIA):
            raise ValueError(f"focus names unknown criteria {sorted(set(self.focus) - set(CRITERIA))}")
        if set(self.bands) != set(BANDS):
            raise ValueError(f"bands must be exactly {list(BANDS)}, got {sorted(self.bands)}")
        return self


class BankQuestion(_Strict):
    key: str
    position: str = ""  # filled from the file's "position"
    category: Literal["technical", "behavioral", "situational", "cultural_fit"]
    question_type: Literal["자기소개", "지원동기", "직무지식", "경험", "협업·갈등", "상황"]
    difficulty: Literal["easy", "medium", "hard"]
    tags: tuple[str, ...] = ()
    slots: tuple[str, ...] = ()
    text: I18nText
    rubric: Rubric
    model_answer: I18nText | None = None
    follow_ups: tuple[I18nText, ...] = ()  # generic 꼬리 질문 ideas; the planner may use them

    @model_validator(mode="after")
    def _check(self) -> "BankQuestion":
        if not _KEY_RE.match(self.key) or len(self.key) > MAX_KEY_LEN:
            raise ValueError(f"key must match {_KEY_RE.pattern} and be <= {MAX_KEY_LEN} chars")
        unknown = set(self.slots) - set(SLOTS)
        if unknown:
            raise ValueError(f"unknown slots {sorted(unknown)}; known: {sorted(SLOTS)}")
        declared = set(self.slots)
        for lang in LANGS:
            used = _fields(self.text.get(lang))
            if used != declared:
                raise ValueError(f"text.{lang} uses slots {sorted(used)} but slots declares "
                                 f"{sorted(declared)}")
        for fu in self.follow_ups:
            for lang in LANGS:
                if not _fields(fu.get(lang)) <= declared:
                    raise ValueError(f"follow_ups.{lang} uses undeclared slots")
        if self.category in ("technical", "situational") and not self.rubric.misconceptions:
            # the evaluator must be able to name what candidates typically get wrong
            raise ValueError("technical and situational questions need rubric.misconceptions")
        return self

    # -- helpers
    def text_for(self, lang: str, /, **slots: object) -> str:
        """The question in ``lang`` with its slots filled; every declared slot is required
        (a question is never asked with a placeholder or an invented value)."""
        missing = [s for s in self.slots if not str(slots.get(s) or "").strip()]
        if missing:
            raise InputError("bank.missing_slot", key=self.key, slots=", ".join(missing))
        values = {s: str(slots[s]).strip() for s in self.slots}
        return self.text.get(lang).format(**values)

    def rubric_for(self, lang: str) -> JsonObject:
        """The single-language rubric dict stored in PlannedQuestion.rubric and
        questions.rubric_json (shape documented in resources/questions/README.md)."""
        lang = _lang(lang)
        point_kw = [kp.keywords.get(lang) for kp in self.rubric.key_points]
        flat: list[str] = []
        for kws in point_kw:
            for k in kws:
                if k not in flat:
                    flat.append(k)
        criteria = {
            c: {"weight": round(self.rubric.weights[c], 4),
                "focus": (self.rubric.focus[c].get(lang) if c in self.rubric.focus
                          else tr(f"bank.focus.{self.category}.{c}", lang))}
            for c in CRITERIA}
        return {
            "version": 1,
            "bank_key": self.key,
            "language": lang,
            "key_points": [getattr(kp, lang) for kp in self.rubric.key_points],
            "point_keywords": point_kw,
            "keywords": flat,
            "misconceptions": [{"wrong": m.wrong.get(lang), "correct": m.correct.get(lang)}
                               for m in self.rubric.misconceptions],
            "criteria": criteria,
            "bands": {b: {"range": list(BAND_RANGES[b]), "description": self.rubric.bands[b].get(lang)}
                      for b in BANDS},
        }

    def model_answer_for(self, lang: str) -> str | None:
        return self.model_answer.get(lang) if self.model_answer else None


class BankFile(_Strict):
    position: str
    questions: list[JsonObject] = Field(min_length=1)

    @field_validator("position")
    @classmethod
    def _pos(cls, v: str) -> str:
        if v not in POSITIONS:
            raise ValueError(f"position must be one of {list(POSITIONS)}")
        return v


class Company(_Strict):
    id: str
    company_name: I18nText
    ideal: I18nText  # 인재상
    description: I18nText
    values: I18nList  # culture keywords for culture-fit matching
    industry: I18nText | None = None
    # who uses its products: a "business" company (IT services) is not asked about as a consumer app
    audience: Literal["consumer", "business", "both"] = "consumer"

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", v):
            raise ValueError("company id must be UPPERCASE letters, digits and _")
        return v


class CompaniesFile(_Strict):
    note: str = ""
    companies: list[Company] = Field(min_length=1)


# ----------------------------------------------------------------------------- matching
_ASCII_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 .+#/_-]*$")
_HANGUL_CH = "\uac00-\ud7a3"
_LATIN_END = re.compile(r"[a-z0-9+#]$")

# What may follow a Korean keyword inside the same eojeol: the next morpheme must be a
# particle, the copula, a 하다/되다 derivation or a derivational suffix; anything else
# ("지원" + "자") means the eojeol is a different word. Longest first (regex alternation
# takes the first that fits, and any of them may be followed by more endings: 인덱스에서는).
KO_SUFFIXES: tuple[str, ...] = tuple(sorted({
    # case / auxiliary particles
    "을", "를", "이", "가", "은", "는", "에", "에서", "에게", "께", "한테", "의", "도", "로", "으로",
    "와", "과", "랑", "이랑", "하고", "이나", "나", "까지", "부터", "만", "마다", "보다", "처럼",
    "만큼", "조차", "밖에", "라도", "이라도", "이든", "든", "요", "께서", "엔", "에선", "으론", "론",
    # copula
    "이다", "입니다", "이에요", "예요", "이었", "였", "이고", "이며", "이라", "라는", "인",
    # 하다 / 되다 / 시키다 derivations and their common forms
    "하", "했", "한", "할", "함", "합", "해", "하는", "하여", "하면", "하며",
    "되", "된", "될", "됨", "됩", "돼", "됐", "시키", "시킨", "시켰", "받", "당하",
    # derivational suffixes that keep the keyword's meaning (성능 -> 성능적, 자동화, 개발자들)
    "적", "화", "들", "성", "상", "별", "간", "내", "용", "률", "율",
}, key=lambda x: (-len(x), x)))
# A keyword that already ends in an inflected verb form (배웠, 해결했, 경험한) is a stem plus
# ending; the rest of the eojeol can only be more ending (배웠습니다, 해결했고), so any Hangul
# may follow. Detected by a final ㅆ (past/future tense) or a final conjugated 하다/되다 syllable.
_VERBAL_LAST = frozenset("하한해할함합되된될됨돼됐운던")
# Negating / reversing prefixes: "비정규화" is the opposite of "정규화", never a hit.
_NEG_PREFIX = frozenset("비미무불반탈")


def _ends_verbal(keyword: str) -> bool:
    last = keyword[-1]
    if not ("\uac00" <= last <= "\ud7a3"):
        return False
    jong = (ord(last) - 0xAC00) % 28
    return jong == 20 or last in _VERBAL_LAST  # 20 = ㅆ


def _stem_alternation(kw: str) -> str:
    """English: the keyword whole, or with a plural / -ing / -ed (cache -> caching,
    dependency -> dependencies)."""
    esc = re.escape(kw).replace(r"\ ", r"[\s-]*")
    if re.search(r"[a-z]$", kw) is None:
        return esc
    if kw.endswith("e"):
        return rf"{esc[:-1]}(?:e|es|ed|ing|er|ers)"
    if re.search(r"[^aeiou]y$", kw):
        return rf"{esc[:-1]}(?:y|ies|ied|ying)"
    return rf"{esc}(?:s|es|ed|ing|er|ers)?"


@lru_cache(maxsize=8192)
def _keyword_re(keyword: str) -> re.Pattern[str]:
    kw = unicodedata.normalize("NFC", keyword.strip().lower())
    if not re.search(r"\w", kw):
        # a symbol keyword ("%"): it is its own boundary ("62%로")
        return re.compile(re.escape(kw))
    if _ASCII_WORD.match(kw):
        # Latin terms match as words ("ca" must not hit "because"); Hangul may follow
        # directly (a particle: "index를") because the script change is a morpheme boundary.
        return re.compile(rf"(?<![a-z0-9]){_stem_alternation(kw)}(?![a-z0-9])")
    esc = re.escape(kw).replace(r"\ ", r"[\s-]*")
    hangul_syllables = len(re.findall(f"[{_HANGUL_CH}]", kw))
    # Left edge: the start of an eojeol, or right after Latin/digits ("DB인덱스"). A keyword
    # of three or more syllables may also head-match after a compound boundary ("쿼리최적화"):
    # such Sino-Korean compounds are long enough not to occur by accident inside another
    # word, except after a negating prefix (비정규화 is not 정규화).
    if kw[0] >= "\uac00" and kw[0] <= "\ud7a3":
        left = rf"(?<![{_HANGUL_CH}])"
        if hangul_syllables >= 3:
            neg = "".join(sorted(_NEG_PREFIX))
            left = rf"(?:(?<![{_HANGUL_CH}])|(?<=[{_HANGUL_CH}])(?<![{neg}]))"
    else:
        left = r"(?<![a-z0-9])"
    # Right edge.
    if _LATIN_END.search(kw):
        right = r"(?![a-z0-9])"
    elif _ends_verbal(kw):
        right = ""
    else:
        suffixes = "|".join(re.escape(x) for x in KO_SUFFIXES)
        right = rf"(?:(?![{_HANGUL_CH}])|(?={suffixes}))"
    return re.compile(left + esc + right)


def keyword_span(text: str, keyword: str) -> tuple[int, int] | None:
    """Character range of the first match of ``keyword`` in ``text`` under the bank's
    matching rule (see :func:`keyword_in`), or None. Offsets index ``text`` itself (lower-
    casing and NFC do not change the length of the Hangul/Latin text answers hold)."""
    if not keyword.strip():
        return None
    m = _keyword_re(keyword).search(unicodedata.normalize("NFC", text).lower())
    return (m.start(), m.end()) if m else None


def keyword_spans(text: str, keyword: str) -> list[tuple[int, int]]:
    """Every match of ``keyword`` in ``text`` (same rule as :func:`keyword_span`)."""
    if not keyword.strip():
        return []
    return [(m.start(), m.end())
            for m in _keyword_re(keyword).finditer(unicodedata.normalize("NFC", text).lower())]


def keyword_in(text: str, keyword: str) -> bool:
    """The matching rule the bank's keywords are written for; pure and thread-safe.

    Case-insensitive, NFC. A space in a keyword also matches a hyphen or no space
    ("B Tree" ~ "b-tree", "btree").

    - Latin-only keywords match whole words, with a plural / -ing / -ed / -er form
      ("index" ~ "indexes", "cache" ~ "caching"; "ca" never hits "because").
    - Korean keywords respect eojeol boundaries: a keyword starts an eojeol (or follows
      Latin/digits, "DB인덱스"; a keyword of 3+ syllables may also follow a compound
      boundary, "쿼리최적화", unless a negating prefix precedes, "비정규화"), and what follows
      it in the eojeol must begin with a particle, copula, 하다/되다 form or derivational
      suffix from :data:`KO_SUFFIXES` ("인덱스를", "최적화했습니다"), so "지원자" is not
      "지원". A keyword that ends in an inflected verb form ("배웠", "해결한") may be
      followed by any ending.
    """
    return keyword_span(text, keyword) is not None


def matched_points(text: str, rubric: JsonObject) -> list[tuple[str, list[str]]]:
    """For a single-language rubric dict (:meth:`BankQuestion.rubric_for`): each key point
    with the keywords of it found in ``text``, in rubric order (points with none omitted)."""
    out = []
    for point, kws in zip(rubric.get("key_points", []), rubric.get("point_keywords", [])):
        hits = [k for k in kws if keyword_in(text, k)]
        if hits:
            out.append((point, hits))
    return out


# ----------------------------------------------------------------------------- loading
def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise InputError("bank.unknown_language", lang=lang, known=", ".join(LANGS))
    return lang


def _fields(text: str) -> set[str]:
    try:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError as exc:  # unbalanced braces
        raise ValueError(f"bad placeholder syntax in {text!r}: {exc}") from None


def _err(file: str, key: str, exc: Exception | str) -> BankFormatError:
    if isinstance(exc, ValidationError):
        reason = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in exc.errors())
    else:
        reason = str(exc)
    return BankFormatError(file=file, key=key, reason=reason)


def _iter_json(root: Path | None, pattern: str) -> list[tuple[str, str]]:
    if root is not None:
        return [(p.name, p.read_text("utf-8")) for p in sorted(Path(root).glob(pattern))]
    folder = resources.files("resources").joinpath("questions")
    return [(item.name, item.read_text("utf-8"))
            for item in sorted(folder.iterdir(), key=lambda p: p.name)
            if item.name.endswith(".json")]


def _parse_bank(files: Iterable[tuple[str, str]]) -> tuple[BankQuestion, ...]:
    out: list[BankQuestion] = []
    seen: dict[str, str] = {}
    for name, raw in files:
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise _err(name, "-", f"not valid JSON: {exc}") from None
        try:
            bank_file = BankFile.model_validate(data)
        except ValidationError as exc:
            raise _err(name, "-", exc) from None
        for i, q in enumerate(bank_file.questions):
            key = q.get("key") if isinstance(q, dict) else None
            label = key if isinstance(key, str) else f"#{i}"
            if isinstance(q, dict) and "position" in q:
                raise _err(name, label, "position is set per file, not per question")
            try:
                question = BankQuestion.model_validate({**q, "position": bank_file.position})
            except ValidationError as exc:
                raise _err(name, label, exc) from None
            if question.key in seen:
                raise _err(name, question.key, f"duplicate key (also in {seen[question.key]})")
            seen[question.key] = name
            out.append(question)
    if not out:
        raise _err("resources/questions", "-", "no question files found")
    return tuple(out)


@lru_cache(maxsize=1)
def _default_bank() -> tuple[BankQuestion, ...]:
    return _parse_bank(_iter_json(None, "*.json"))


def load_question_bank(root: str | Path | None = None) -> list[BankQuestion]:
    """Every question of every ``*.json`` in ``root`` (default: the packaged
    ``resources/questions``), validated. Raises :class:`BankFormatError` naming file and key."""
    if root is None:
        return list(_default_bank())
    return list(_parse_bank(_iter_json(Path(root), "*.json")))


def get_question(key: str, root: str | Path | None = None) -> BankQuestion:
    for q in load_question_bank(root):
        if q.key == key:
            return q
    raise InputError("bank.unknown_question", key=key)


# Free-text position names (what the user types, CLI --position) -> position tag.
_POSITION_ALIASES: dict[str, tuple[str, ...]] = {
    "embedded": ("embedded", "firmware", "임베디드", "펌웨어", "rtos", "mcu", "bsp", "device driver",
                 "디바이스 드라이버", "hardware", "하드웨어"),
    "data_engineering": ("data engineer", "data engineering", "데이터 엔지니어", "데이터엔지니어",
                         "etl", "data platform", "데이터 플랫폼", "analytics engineer", "빅데이터 엔지니어"),
    "qa": ("qa", "quality assurance", "test engineer", "sdet", "tester", "test automation",
           "품질", "테스트 엔지니어", "테스트 자동화", "qa 엔지니어"),
    "security": ("security", "보안", "penetration", "pentest", "appsec", "infosec", "정보보호",
                 "모의해킹", "security engineer", "보안 엔지니어"),
    "game": ("game", "게임", "game client", "game server", "unity", "unreal", "게임 클라이언트",
             "게임 서버", "언리얼", "유니티"),
    "backend": ("backend", "back-end", "back end", "server", "백엔드", "서버", "java", "spring"),
    "frontend": ("frontend", "front-end", "front end", "web developer", "프론트엔드", "프런트엔드",
                 "프론트", "웹 개발", "react"),
    "data_ml": ("data", "machine learning", "ml", "ml engineer", "ai engineer", "ai", "scientist",
                "analyst", "데이터", "머신러닝", "인공지능", "ai 엔지니어", "분석", "딥러닝"),
    "mobile": ("mobile", "android", "ios", "flutter", "react native", "모바일", "안드로이드", "앱 개발",
               "swift", "kotlin"),
    "devops_cloud": ("devops", "cloud", "sre", "site reliability", "infra", "infrastructure",
                     "platform engineer", "kubernetes", "k8s", "데브옵스", "클라우드", "인프라"),
    "product_manager": ("product manager", "product owner", "pm", "po", "기획", "프로덕트",
                        "서비스 기획", "제품 관리", "프로덕트 매니저"),
}
# Longest alias first, over all tags: the most specific phrase decides ("React Native
# Developer" is mobile although "react" alone is frontend; "Java Android" is mobile).
_ALIAS_ORDER: tuple[tuple[str, str], ...] = tuple(sorted(
    ((a, tag) for tag, aliases in _POSITION_ALIASES.items() for a in aliases),
    key=lambda at: -len(at[0])))


# A job title that names no field ("Software Engineer", "소프트웨어 개발자", "Developer"): the
# general engineering set; checked only after every field alias, so "Embedded Software
# Engineer" is embedded and "Backend Engineer" backend.
_SOFTWARE_ALIASES: tuple[str, ...] = (
    "software engineer", "software developer", "software engineering", "full stack", "full-stack",
    "fullstack", "developer", "engineer", "programmer", "swe", "sde", "소프트웨어", "개발자", "엔지니어",
    "프로그래머", "풀스택", "sw 개발", "sw개발", "sw 엔지니어", "개발")


def position_tag(position: str) -> str:
    """Map a free-text position ("Data Scientist", "백엔드 개발자", "iOS 개발자") to a bank
    position tag by its most specific (longest) alias; Latin aliases match whole words;
    a title naming no field ("Software Engineer", "개발자") is "software" (the general
    engineering set); "generic" when nothing matches (non-technical: generic questions only)."""
    p = " " + position.strip().lower() + " "
    if p.strip() in POSITIONS:
        return p.strip()
    for alias, tag in _ALIAS_ORDER:
        if re.fullmatch(r"[a-z0-9 .+-]+", alias):
            if re.search(rf"(?<![a-z0-9]){re.escape(alias)}(?![a-z0-9])", p):
                return tag
        elif alias in p:
            return tag
    for alias in _SOFTWARE_ALIASES:
        if re.fullmatch(r"[a-z0-9 .+-]+", alias):
            if re.search(rf"(?<![a-z0-9]){re.escape(alias)}(?![a-z0-9])", p):
                return "software"
        elif alias in p:
            return "software"
    return "generic"


def mobile_platform(position: str) -> str | None:
    """"android" or "ios" for a mobile position that names one platform ("Android 개발자",
    "iOS Engineer", "Swift developer"), None when it names both or neither: the planner keeps
    the other platform's questions out (no Swift ARC for an Android developer)."""
    p = " " + position.strip().lower() + " "
    android = bool(re.search(r"(?<![a-z])(android|kotlin|aos)(?![a-z])", p)) or "안드로이드" in p
    ios = bool(re.search(r"(?<![a-z])(ios|swift|swiftui|iphone)(?![a-z])", p)) or "아이폰" in p
    if android == ios:
        return None
    return "android" if android else "ios"


def questions_for(position: str, lang: str | None = None, *, include_generic: bool = False,
                  category: str | None = None, question_type: str | None = None,
                  difficulty: str | None = None, root: str | Path | None = None) -> list[BankQuestion]:
    """Questions for a position tag (or a free-text position, mapped by :func:`position_tag`),
    optionally with the generic ones and filtered. Every question is bilingual, so ``lang``
    is only checked."""
    if lang is not None:
        _lang(lang)
    tag = position if position in POSITIONS else position_tag(position)
    wanted = {tag, "generic"} if include_generic else {tag}
    return [q for q in load_question_bank(root)
            if q.position in wanted
            and (category is None or q.category == category)
            and (question_type is None or q.question_type == question_type)
            and (difficulty is None or q.difficulty == difficulty)]


# ----------------------------------------------------------------------------- companies
def _parse_companies(name: str, raw: str) -> tuple[Company, ...]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _err(name, "-", f"not valid JSON: {exc}") from None
    try:
        parsed = CompaniesFile.model_validate(data)
    except ValidationError as exc:
        raise _err(name, "-", exc) from None
    ids = [c.id for c in parsed.companies]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise _err(name, ",".join(dup), "duplicate company id")
    return tuple(parsed.companies)


@lru_cache(maxsize=1)
def _default_companies() -> tuple[Company, ...]:
    item = resources.files("resources").joinpath("companies.json")
    return _parse_companies("companies.json", item.read_text("utf-8"))


def load_companies(path: str | Path | None = None) -> list[Company]:
    if path is None:
        return list(_default_companies())
    p = Path(path)
    return list(_parse_companies(p.name, p.read_text("utf-8")))


def get_company(company_id: str) -> Company:
    """The profile for ``company_id`` (case-insensitive); unknown id -> InputError listing
    the known ids."""
    cid = company_id.strip().upper()
    companies = load_companies()
    for c in companies:
        if c.id == cid:
            return c
    raise InputError("bank.unknown_company", id=company_id, known=", ".join(c.id for c in companies))


def company_name(company_id: str | None, lang: str) -> str:
    """The company's name in ``lang`` for display: its id when only the server knows it, "—"
    when there is none."""
    if not company_id:
        return "—"
    try:
        return get_company(company_id).company_name.get(lang)
    except InputError:  # a company known to the server only
        return company_id


# ----------------------------------------------------------------------------- seeding
def seed_reference_data(session: Session, lang: str | None = None) -> dict[str, int]:
    """Upsert companies, bank questions (one row per question per language, ``bank_key``
    "<key>:<lang>") and their model answers (answer_bank, score NULL: a model answer is a
    reference, not a scored answer) into ``session``. Idempotent. ``lang`` None = both
    languages for questions, Korean for company text (the companies table holds one
    language). Flushes; the caller commits. Returns counts of rows created/updated."""

    langs = LANGS if lang is None else (_lang(lang),)
    company_lang = langs[0]
    counts = {"companies": 0, "questions": 0, "answers": 0}

    existing_c = {c.id: c for c in session.scalars(select(CompanyRow))}
    for c in load_companies():
        row = existing_c.get(c.id)
        if row is None:
            row = CompanyRow(id=c.id)
            session.add(row)
        name, ideal, desc = (c.company_name.get(company_lang), c.ideal.get(company_lang),
                             c.description.get(company_lang))
        if (row.company_name, row.ideal, row.description) != (name, ideal, desc):
            row.company_name, row.ideal, row.description = name, ideal, desc
            counts["companies"] += 1

    keys = [f"{q.key}:{lg}" for q in load_question_bank() for lg in langs]
    existing_q = {q.bank_key: q for q in session.scalars(
        select(Question).where(Question.bank_key.in_(keys)))}
    pending_answers: list[tuple[Question, str]] = []
    for q in load_question_bank():
        for lg in langs:
            bk = f"{q.key}:{lg}"
            qrow = existing_q.get(bk)
            if qrow is None:
                qrow = Question(bank_key=bk)
                session.add(qrow)
            values = {
                "content": q.text.get(lg), "category": q.category, "difficulty": q.difficulty,
                "question_type": q.question_type, "is_follow_up": False,
                "rubric_json": q.rubric_for(lg), "language": lg, "position_tag": q.position,
                "source": "template" if q.slots else "bank",
            }
            changed = False
            for k, v in values.items():
                cur = getattr(qrow, k)
                cur = cur.value if hasattr(cur, "value") else cur
                if cur != v:
                    setattr(qrow, k, v)
                    changed = True
            counts["questions"] += changed
            answer = q.model_answer_for(lg)
            if answer:
                pending_answers.append((qrow, answer))
    session.flush()  # question ids for the answers

    qids = [qrow.id for qrow, _ in pending_answers]
    by_q: dict[int, list[AnswerBank]] = {}
    if qids:
        for a in session.scalars(select(AnswerBank).where(AnswerBank.question_id.in_(qids))):
            by_q.setdefault(a.question_id, []).append(a)
    for qrow, answer in pending_answers:
        have = by_q.get(qrow.id, [])
        if any(a.answer_text == answer for a in have):
            continue
        # the bank holds one reference answer per question and language: update in place
        reference = next((a for a in have if a.score is None), None)
        if reference is None:
            session.add(AnswerBank(question_id=qrow.id, answer_text=answer, score=None))
        else:
            reference.answer_text = answer
            reference.embedding = None  # stale: the embedder recomputes it
        counts["answers"] += 1
    session.flush()
    return counts
