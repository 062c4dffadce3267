"""Follow-up (꼬리 질문) drafting from the answer just heard.

What a follow-up is about, in this order of preference: a claim with a number (how was it
measured, what was your part), a decision (why, which alternatives), a technology the answer
names (why it, which trade-offs), a vague claim ("많이 개선", "a lot faster": how much), a
described action without a result (what came of it). An answer that already gives a concrete
result and a reason is complete: no follow-up (:func:`find_focus` returns None). A "don't
know" answer gets none either (:func:`is_dont_know`).

Template path (no capable model): the quoted phrase is a clause of the answer cut at word
boundaries, so the question only repeats what was said, whole words only; a technology is
found as a whole word from a curated list or the resume's skills, and words that are also
plain English ("go", "rust", "swift", "spring") count only capitalised, not at the start of a
sentence, and next to a technology context ("written in Go", "Go 언어"). Korean particles
follow the last syllable (:func:`josa`: 을/를, 이/가, 은/는, (으)로 with ㄹ taking 로;
Latin words and digits by their Korean reading). ``grounding`` records the quote
(``answer: …``).

LLM path (:func:`draft_follow_up_llm`): one JSON call, validated by pydantic; its ``quote``
must occur in the answer as whole words, else the template path decides.

Each follow-up carries its own rubric (:func:`follow_up_rubric`): key points built from the
follow-up's focus and the candidate's words, never the parent question's rubric.

Pure logic, thread-safe per call; the LLM is called on the caller's thread.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from typing import Callable, Literal, Sequence

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.errors import EngineError
from core.i18n import tr
from core.interview.types import PlannedQuestion
from core.protocols import ChatMessage, JsonObject, LanguageModel, Word
from core.tasks import CancelToken

log = logging.getLogger(__name__)

Focus = Literal["number", "decision", "technology", "vague", "result"]
FOCUSES: tuple[str, ...] = ("number", "decision", "technology", "vague", "result")

# ----------------------------------------------------------------------------- Korean particles
_HANGUL0, _HANGUL1 = 0xAC00, 0xD7A3
_RIEUL = 8  # jongseong index of ㄹ
# Korean reading of a Latin letter said on its own (acronyms: "SQL" -> 에스큐엘, ends in ㄹ)
_LETTER_FINAL: dict[str, int | None] = {c: None for c in "abcdefghijkopqstuvwxyz"}
_LETTER_FINAL.update({"l": _RIEUL, "m": 16, "n": 4, "r": _RIEUL})
_DIGIT_FINAL = {"0": 21, "1": _RIEUL, "2": None, "3": 16, "4": None, "5": None, "6": 1,
                "7": _RIEUL, "8": _RIEUL, "9": None}
_PAIRS = {"을": ("을", "를"), "를": ("을", "를"), "이": ("이", "가"), "가": ("이", "가"),
          "은": ("은", "는"), "는": ("은", "는"), "과": ("과", "와"), "와": ("과", "와"),
          "으로": ("으로", "로"), "로": ("으로", "로"), "이라고": ("이라고", "라고"), "라고": ("이라고", "라고")}


def _latin_final(word: str) -> int | None:
    """Jongseong of the Korean reading of a Latin word (heuristic): acronyms by letter
    names, words by their last sounds (Spring 스프링 ㅇ, Python 파이썬 ㄴ, Oracle 오라클 ㄹ,
    Kafka 카프카 none, Redis 레디스 none)."""
    w = re.sub(r"[^A-Za-z]", "", word)
    if not w:
        return None
    if w.isupper() or len(w) <= 2:
        return _LETTER_FINAL.get(w[-1].lower())
    lw = w.lower()
    if lw.endswith("ng"):
        return 21
    if lw.endswith(("le", "l")):
        return _RIEUL
    if lw.endswith("m"):
        return 16
    if lw.endswith("n"):
        return 4
    if lw.endswith(("op", "ob")):  # Hadoop 하둡, Job 잡
        return 17
    return None


def final_consonant(word: str) -> int | None:
    """Jongseong index (0 none / None) of how ``word`` ends when read in Korean."""
    s = re.sub(r"[\s\"'”’)\].,!?]+$", "", word)
    if not s:
        return None
    last = s[-1]
    if _HANGUL0 <= ord(last) <= _HANGUL1:
        return (ord(last) - _HANGUL0) % 28 or None
    if last.isdigit() and (run := re.search(r"\d+$", s)) is not None:
        digits = run.group(0).lstrip("0") or "0"
        zeros = len(digits) - len(digits.rstrip("0"))
        if zeros and digits != "0":  # 10 십 (ㅂ), 100 백 (ㄱ), 1000 천 (ㄴ), 10000 만 (ㄴ)
            return {1: 17, 2: 1, 3: 4}.get(zeros, 4)
        return _DIGIT_FINAL[last]
    if last == "%":
        return None  # 퍼센트
    if last.isascii() and last.isalpha():
        m = re.search(r"[A-Za-z][A-Za-z.+#-]*$", s)
        return _latin_final(m.group(0) if m else last)
    if last in "+#":  # C++ 씨플플, C# 씨샵
        return _RIEUL if last == "+" else 17
    return None


def josa(word: str, particle: str) -> str:
    """``word`` with the particle form its last sound takes: josa("Kafka", "을") ->
    "Kafka를", josa("Spring", "를") -> "Spring을", josa("서울", "으로") -> "서울로"."""
    with_final, without = _PAIRS[particle]
    jong = final_consonant(word)
    if with_final == "으로":
        return word + ("으로" if jong and jong != _RIEUL else "로")
    return word + (with_final if jong else without)


_BOTH_FORMS = re.compile(r"(\S+?)(\(으\)로|\(을\)를|을\(를\)|\(이\)가|이\(가\)|\(은\)는|은\(는\)|\(이\)라고|\(과\)와|과\(와\))")
_FORM_PARTICLE = {"(으)로": "으로", "(을)를": "을", "을(를)": "을", "(이)가": "이", "이(가)": "이",
                  "(은)는": "은", "은(는)": "은", "(이)라고": "이라고", "(과)와": "과", "과(와)": "과"}


def fix_particles(text: str) -> str:
    """Korean text with both-form particles ("서버 개발자(으)로", "KAIST을(를)") resolved by
    the word before them ("서버 개발자로", "KAIST를")."""
    return _BOTH_FORMS.sub(lambda m: josa(m.group(1), _FORM_PARTICLE[m.group(2)]), text)


# ----------------------------------------------------------------------------- detection
DONT_KNOW = re.compile(
    r"(?i)\b(i\s+(really\s+)?(don'?t|do\s+not)\s+know|no\s+idea|not\s+sure|i\s+can'?t\s+(say|remember)|"
    r"i\s+(have|'ve)\s+never\s+(done|used|heard))\b|"
    r"(모르겠|모릅니다|몰라요|잘\s*모르|기억이\s*(안|나지)|해\s*본\s*적이\s*없|경험이\s*없)")

# Curated technology names (canonical spelling). Matching is whole-word and case-insensitive
# except for _AMBIGUOUS, which are also ordinary English words.
TECH_TERMS: tuple[str, ...] = (
    "Python", "Java", "Kotlin", "Swift", "Objective-C", "JavaScript", "TypeScript", "Go", "Golang",
    "Rust", "C++", "C#", "Scala", "Ruby", "PHP", "Dart", "Flutter", "React Native", "React", "Vue",
    "Angular", "Next.js", "Node.js", "Express", "NestJS", "Django", "Flask", "FastAPI", "Spring Boot",
    "Spring", "JPA", "Hibernate", "MyBatis", "MySQL", "PostgreSQL", "Oracle", "MongoDB", "Redis",
    "Elasticsearch", "Kafka", "RabbitMQ", "Spark", "Hadoop", "Airflow", "Flink", "Snowflake",
    "BigQuery", "dbt", "Docker", "Kubernetes", "Terraform", "Ansible", "Jenkins", "GitHub Actions",
    "AWS", "GCP", "Azure", "Lambda", "S3", "EC2", "gRPC", "GraphQL", "REST", "WebSocket", "Nginx",
    "Linux", "PyTorch", "TensorFlow", "Keras", "scikit-learn", "Pandas", "NumPy", "LangChain",
    "Unity", "Unreal", "OpenGL", "Vulkan", "RTOS", "FreeRTOS", "Zephyr", "Yocto", "CUDA", "ROS",
    "Selenium", "Cypress", "Playwright", "JUnit", "pytest", "Jest", "Prometheus", "Grafana",
    "SwiftUI", "Jetpack Compose", "Compose", "RxJava", "Coroutines", "Combine", "Firebase",
    "Redux", "Webpack", "Vite", "Tailwind", "Figma", "Jira", "Git", "MSA", "Microservices",
    "쿠버네티스", "도커", "카프카", "레디스", "스프링", "파이썬", "자바", "코틀린", "리액트", "테라폼",
)
_AMBIGUOUS = frozenset({"go", "rust", "swift", "spring", "express", "flask", "combine", "compose",
                        "lambda", "unity", "rest", "spark", "vue", "dart", "ruby", "oracle", "react",
                        "jest", "git", "figma", "jira"})
_TECH_CONTEXT = re.compile(
    r"(?i)\b(language|framework|library|stack|written|wrote|write|using|used|use|built|build|"
    r"migrat\w*|adopt\w*|chose|choose|switched|code|server|service|backend|frontend|api|sdk|"
    r"version|compiler|runtime|cluster|deploy\w*|program\w*)\b|(언어|프레임워크|라이브러리|사용|도입|"
    r"개발|구현|작성|전환|마이그레이션|서버|코드|적용|기반)")
_DECISION = re.compile(
    r"(?i)\b(decided|decide|chose|choose|opted|picked|went\s+with|switched\s+to|migrated\s+to|"
    r"replaced|moved\s+to|proposed|suggested)\b|"
    r"(결정했|결정하|결정한|결정을|선택했|선택하|선택한|선택을|택했|택하|도입했|도입하기로|전환했|전환하기로|제안했)")
_VAGUE = re.compile(
    r"(?i)\b(a\s+lot|lots\s+of|significantly|greatly|much\s+(faster|better|more)|many|various|"
    r"improved|better|faster|successfully|huge|dramatically|quite)\b|"
    r"(많이|크게|상당히|대폭|다양한|여러|개선|향상|성공적|빠르게|좋아졌|효율적)")
_RESULT = re.compile(
    r"(?i)\b(result|resulted|as\s+a\s+result|outcome|reduc\w+|increas\w+|decreas\w+|cut|saved|"
    r"grew|dropped|improv\w+|achiev\w+|led\s+to|launched|shipped|won)\b|"
    r"(결과|줄였|줄었|줄어들었|늘었|늘렸|감소했|증가했|단축|개선했|개선됐|개선되었|향상됐|향상되었|향상시켰|달성|절감|출시했|성과)")
# something the candidate did (past tense: a plan "만들겠습니다" is not an action taken)
_ACTION = re.compile(
    r"(?i)\b(built|implemented|developed|designed|wrote|created|made|led|worked\s+on|set\s+up|"
    r"refactored|rewrote|migrated|introduced|organized|ran|added|fixed|moved)\b|"
    r"(만들었|구현했|개발했|설계했|작성했|구축했|도입했|진행했|맡았|담당했|리팩터링했|이끌었|추가했|고쳤|수정했|옮겼)")
# a claim about the candidate's own work: first person, or a Korean past-tense statement
_OWN = re.compile(r"(?i)\b(i|we|my|our|me|us)\b|(제가|저는|저희|우리|본인|[했었았였]습니다|[했었았였]고|[했었았였]는데)")
_REASON = re.compile(r"(?i)\b(because|since|so\s+that|in\s+order\s+to|the\s+reason)\b|(때문|위해|이유|덕분)")
# a quantity: digits not glued to letters (L2, p95, S3 are names) or a number word with a unit
_UNITS_EN = (r"(percent|%|times|x|seconds?|minutes?|hours?|days?|weeks?|months?|years?|people|users|"
             r"customers|requests|ms|milliseconds?|engineers|members|teams?|services|servers)")
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9_])\d[\d,.]*(?![A-Za-z_])|(?<![A-Za-z0-9_])\d[\d,.]*\s?(?:%|x|k|ms|s|m|h|배|퍼센트)"
    r"|(?i:\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"sixty|seventy|eighty|ninety|hundred|thousand|million|half|double|twice)\b\s*" + _UNITS_EN + r"?\b)"
    r"|(절반|두\s*배|세\s*배|[일이삼사오육칠팔구십백천만]+\s*(배|퍼센트|시간|분|초|명|건|개월))")
# clause boundaries: punctuation, English conjunctions, Korean connective verb endings
# (했고, 하며, 해서, 했는데, 지만 - never a particle such as 에서)
_CLAUSE_SPLIT = re.compile(r"(?<=[,;:])\s+(?![^()]*\))|\s+(?=(?:and\s+(?:I|we|then|so|it|they|he|she)|but|so|then|"
                           r"because|which|while|그리고|하지만|그래서|그런데)\s)"
                           r"|(?:(?<=[했됐었았였하되]고)|(?<=[했었았였하되]며)|(?<=[해돼]서)|(?<=는데)|(?<=지만))\s+")
_SENT_SPLIT = re.compile(r"(?<=[.!?。])\s+|(?<=다\.)\s*|(?<=요\.)\s*|\n+")
_FILLER_START = re.compile(r"(?i)^(um+|uh+|so|well|and|but|then|also|음+|어+|그리고|그래서|그런데|또)\b[,\s]*")


@dataclass
class FocusHit:
    """What a follow-up is about: ``quote`` is a whole-word substring of the answer."""

    focus: str  # one of FOCUSES
    quote: str
    term: str | None = None  # the technology, for focus "technology"


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT_SPLIT.split(text) if s and s.strip()]


def _word_count(s: str) -> int:
    return len(s.split())


def _clause(sentence: str, pattern: re.Pattern[str] | None, max_words: int = 22) -> str:
    """The clause of ``sentence`` that holds ``pattern`` (or the sentence), cut at word
    boundaries to at most ``max_words`` words around the match, without a leading filler."""
    parts = [p for p in _CLAUSE_SPLIT.split(sentence) if p and p.strip()] or [sentence]
    pick = sentence
    if pattern is not None:
        for p in parts:
            if pattern.search(p) and _word_count(p) >= 2:
                pick = p
                break
    pick = pick.strip().strip(",;:")
    pick = _FILLER_START.sub("", pick).strip()
    words = pick.split()
    if len(words) > max_words:
        at = 0
        if pattern is not None:
            m = pattern.search(pick)
            if m:
                at = len(pick[:m.start()].split())
        lo = max(0, min(at - max_words // 3, len(words) - max_words))
        words = words[lo:lo + max_words]
    quote = " ".join(words).rstrip(".,;:!?")
    return quote


def _term_re(term: str, case_sensitive: bool) -> re.Pattern[str]:
    esc = re.escape(term).replace(r"\ ", r"[\s-]?")
    if re.match(r"[A-Za-z0-9]", term):
        pat = rf"(?<![A-Za-z0-9_.+#-]){esc}(?![A-Za-z0-9_+#]|\.[A-Za-z])"
    else:  # Hangul: an eojeol start; a particle may follow
        pat = rf"(?<![\uac00-\ud7a3]){esc}"
    return re.compile(pat, 0 if case_sensitive else re.IGNORECASE)


def find_technology(text: str, known_terms: Sequence[str] = ()) -> tuple[str, str] | None:
    """(term as written in the answer, the sentence holding it) for the first technology the
    answer names as a whole word; ambiguous words ("go", "swift") only capitalised, not
    sentence-initial, and with a technology context in the same sentence."""
    terms = list(dict.fromkeys([*(t for t in known_terms if t and len(t.strip()) >= 2), *TECH_TERMS]))
    best: tuple[int, str, str] | None = None
    for sent in _sentences(text):
        for term in terms:
            amb = term.lower() in _AMBIGUOUS
            for m in _term_re(term, case_sensitive=amb).finditer(sent):
                if amb:
                    # capitalised; at a sentence start only in a Korean sentence, where a
                    # Latin word is a name ("Spring 기반으로"), not an English verb
                    korean = re.search(r"[\uac00-\ud7a3]", sent) is not None
                    if not m.group(0)[0].isupper() or (m.start() == 0 and not korean):
                        continue
                    ctx = sent[:m.start()] + " " + sent[m.end():]
                    if not _TECH_CONTEXT.search(ctx):
                        continue
                pos = text.find(sent) + m.start()
                if best is None or pos < best[0]:
                    best = (pos, m.group(0), sent)
                break
    return (best[1], best[2]) if best else None


def is_dont_know(text: str) -> bool:
    """An answer that says it does not know (or is essentially empty)."""
    t = text.strip()
    return len(t.split()) < 3 or bool(DONT_KNOW.search(t)) and len(t.split()) < 40


def is_complete(text: str) -> bool:
    """An answer that already gives a concrete result (a number with a result word) and a
    reason, at some length: the interviewer moves on."""
    return (bool(_NUMBER.search(text)) and bool(_RESULT.search(text)) and bool(_REASON.search(text))
            and (len(text.split()) >= 45 or len(text) >= 220))


def find_focus(text: str, known_terms: Sequence[str] = ()) -> FocusHit | None:
    """What to ask about in ``text`` (see the module doc), or None when the answer is
    complete, a "don't know", or gives nothing to hold on to."""
    text = " ".join(text.split())
    if is_dont_know(text) or is_complete(text):
        return None
    sents = _sentences(text)
    for s in sents:
        if _NUMBER.search(s) and (_RESULT.search(s) or _ACTION.search(s)) and _OWN.search(s):
            return FocusHit("number", _clause(s, _NUMBER))
    for s in sents:
        if _DECISION.search(s) and _OWN.search(s):
            return FocusHit("decision", _clause(s, _DECISION))
    tech = find_technology(text, known_terms)
    if tech is not None and _OWN.search(tech[1]):
        return FocusHit("technology", tech[0], term=tech[0])
    for s in sents:
        if _VAGUE.search(s) and not _NUMBER.search(s) and _word_count(s) >= 3 and _OWN.search(s) \
                and (_RESULT.search(s) or _ACTION.search(s)):
            return FocusHit("vague", _clause(s, _VAGUE))
    if not _RESULT.search(text):
        for s in sents:
            if _ACTION.search(s) and _OWN.search(s) and _word_count(s) >= 3:
                return FocusHit("result", _clause(s, _ACTION))
    return None


# ----------------------------------------------------------------------------- wording
def _q(quote: str, lang: str) -> str:
    """The quoted words in curly quotes (both languages write them the same way)."""
    return f"\u201c{quote}\u201d"


def follow_up_text(hit: FocusHit, lang: str) -> str:
    """The question for ``hit`` in ``lang`` (Korean particles by the last sound)."""
    if lang == "ko":
        said = josa(_q(hit.quote, "ko"), "라고") + " 말씀하셨는데"
        return {
            "number": f"{said}, 그 수치는 어떻게 측정하셨고 그중 본인이 직접 한 부분은 무엇이었나요?",
            "decision": f"{said}, 그렇게 결정한 이유는 무엇이었고 함께 검토한 다른 선택지는 무엇이었나요?",
            "technology": f"답변에서 말씀하신 {josa(hit.term or hit.quote, '은')} 어떤 이유로 쓰게 되었고, "
                          "다른 대안과 비교했을 때 어떤 장단점이 있었나요?",
            "vague": f"{said}, 구체적으로 어느 정도였는지 수치나 사례로 설명해 주시겠어요?",
            "result": f"{said}, 그 결과는 어땠나요? 무엇이 달라졌고 그것을 어떻게 확인하셨나요?",
        }[hit.focus]
    q = _q(hit.quote, "en")
    return {
        "number": f"You said {q}. How did you measure that, and which part of it was your own work?",
        "decision": f"You said {q}. Why did you decide that way, and which alternatives did you weigh?",
        "technology": f"You mentioned {hit.term or hit.quote}. Why did you use it there, and what "
                      "trade-offs did you consider against the alternatives?",
        "vague": f"You said {q}. How much, concretely? Could you put a number or an example on it?",
        "result": f"You said {q}. What was the result, and how did you know it worked?",
    }[hit.focus]


_KP = {
    "number": {"ko": ["{q}의 측정 방법과 기준(비교 대상, 기간)을 설명한다", "그 결과에서 본인이 직접 한 일을 구분해 말한다",
                      "수치가 의미하는 영향(사용자, 비용, 팀)을 말한다"],
               "en": ["Explains how {q} was measured (baseline, method, period)",
                      "Separates their own contribution from the team's", "States what the figure meant (users, cost, team)"]},
    "decision": {"ko": ["{q}에 이른 이유(제약, 근거)를 말한다", "검토한 다른 선택지와 비교 기준을 말한다",
                        "결정의 결과나 아쉬운 점을 돌아본다"],
                 "en": ["Gives the reasons behind {q} (constraints, evidence)",
                        "Names the alternatives weighed and the criteria", "Reflects on how the decision turned out"]},
    "technology": {"ko": ["{q}을 쓴 이유를 문제와 연결해 설명한다", "대안 기술과 비교한 장단점을 말한다",
                          "사용하며 겪은 한계나 주의점을 말한다"],
                   "en": ["Ties the use of {q} to the problem it solved", "Compares it with an alternative (trade-offs)",
                          "Names a limitation or pitfall met in practice"]},
    "vague": {"ko": ["{q}을 수치나 구체적 사례로 뒷받침한다", "비교 기준(이전 상태)을 밝힌다", "그렇게 확인한 방법을 말한다"],
              "en": ["Backs {q} with a number or a concrete example", "States the baseline it is compared with",
                     "Says how it was checked"]},
    "result": {"ko": ["{q}의 결과를 구체적으로 말한다", "결과를 확인한 방법(지표, 피드백)을 말한다", "배운 점이나 다음에 바꿀 점을 말한다"],
               "en": ["States the concrete result of {q}", "Says how the result was checked (metric, feedback)",
                      "Names a lesson or what they would change"]},
}
_KW = {
    "number": {"ko": ["측정", "기준", "비교", "모니터링", "지표", "직접", "제가", "담당", "기여"],
               "en": ["measured", "baseline", "compared", "metric", "monitoring", "my part", "i did", "contribution", "myself"]},
    "decision": {"ko": ["이유", "때문", "대안", "비교", "검토", "트레이드오프", "결과", "아쉬"],
                 "en": ["because", "reason", "alternative", "compared", "considered", "trade-off", "tradeoff", "instead", "in hindsight"]},
    "technology": {"ko": ["이유", "때문", "대안", "비교", "장점", "단점", "한계", "트레이드오프"],
                   "en": ["because", "alternative", "compared", "instead", "advantage", "downside", "limitation", "trade-off", "tradeoff"]},
    "vague": {"ko": ["퍼센트", "%", "배", "이전", "기준", "비교", "측정", "확인"],
              "en": ["percent", "%", "times", "before", "baseline", "compared", "measured", "checked"]},
    "result": {"ko": ["결과", "줄였", "늘었", "개선", "지표", "피드백", "확인", "배운", "배웠"],
               "en": ["result", "reduced", "increased", "improved", "metric", "feedback", "checked", "learned", "lesson"]},
}
_WEIGHTS = {"technology": {"technical_accuracy": 0.4, "logic": 0.3, "job_fit": 0.15, "communication": 0.15}}
_DEFAULT_WEIGHTS = {"technical_accuracy": 0.25, "logic": 0.35, "job_fit": 0.2, "communication": 0.2}
_BANDS = {
    "ko": {"excellent": "질문한 부분에 구체적 근거와 본인의 역할로 정확히 답한다",
           "good": "구체적으로 답하지만 근거나 역할 중 하나가 약하다",
           "fair": "질문에 답하지만 일반론에 머문다", "poor": "질문한 부분에 답하지 않거나 앞의 말을 되풀이한다"},
    "en": {"excellent": "Answers exactly what was asked with concrete evidence and their own role",
           "good": "Concrete, but either the evidence or their own role is thin",
           "fair": "Answers in general terms only", "poor": "Does not answer what was asked or repeats the earlier answer"},
}


def follow_up_rubric(hit: FocusHit, lang: str) -> JsonObject:
    """The follow-up's own rubric (shape of :meth:`core.bank.BankQuestion.rubric_for`):
    key points from the focus and the candidate's quoted words."""
    lang = "ko" if lang == "ko" else "en"
    subject = hit.term or hit.quote
    if lang == "ko":
        points = [p.replace("{q}을", josa(_q(subject, "ko"), "을")).replace("{q}", _q(subject, "ko"))
                  for p in _KP[hit.focus]["ko"]]
    else:
        points = [p.replace("{q}", _q(subject, "en")) for p in _KP[hit.focus]["en"]]
    base_kw = _KW[hit.focus][lang]
    # the first point is about the quoted words themselves: their content words count
    quoted = [w for w in re.findall(r"[A-Za-z][A-Za-z0-9+#.-]{2,}|[\uac00-\ud7a3]{2,}|\d+%?", subject)
              if w.lower() not in {"the", "and", "with", "that", "this", "our", "was", "were"}][:6]
    point_kw = [list(dict.fromkeys(quoted + base_kw[:3])), base_kw[3:6] or base_kw[:2], base_kw[5:] or base_kw[:2]]
    flat: list[str] = []
    for kws in point_kw:
        flat += [k for k in kws if k not in flat]
    weights = _WEIGHTS.get(hit.focus, _DEFAULT_WEIGHTS)
    category = "technical" if hit.focus == "technology" else "behavioral"
    return {
        "version": 1, "bank_key": None, "language": lang, "focus": hit.focus,
        "key_points": points, "point_keywords": point_kw, "keywords": flat, "misconceptions": [],
        "criteria": {c: {"weight": w, "focus": tr(f"bank.focus.{category}.{c}", lang)} for c, w in weights.items()},
        "bands": {b: {"range": list(r), "description": _BANDS[lang][b]}
                  for b, r in (("excellent", (85, 100)), ("good", (70, 84)), ("fair", (50, 69)), ("poor", (0, 49)))},
    }


def _follow(parent: PlannedQuestion, parent_index: int, hit: FocusHit, text: str, language: str,
            source: str) -> PlannedQuestion:
    return PlannedQuestion(
        text=text, category="technical" if hit.focus == "technology" else parent.category,
        question_type=parent.question_type, difficulty=parent.difficulty,
        rubric=follow_up_rubric(hit, language), bank_key=None, source="follow_up", is_follow_up=True,
        parent_index=parent_index, language=language,
        grounding=[f"answer: {hit.quote}"] + ([f"skill: {hit.term}"] if hit.term and hit.term != hit.quote else []),
        drafted_by=source)


def _text_of(answer: str | Sequence[Word]) -> str:
    if isinstance(answer, str):
        return " ".join(answer.split())
    return " ".join(w.text.strip() for w in answer if w.text.strip())


def draft_follow_up(parent: PlannedQuestion, parent_index: int, answer: str | Sequence[Word],
                    language: str, *, known_terms: Sequence[str] = ()) -> PlannedQuestion | None:
    """A template follow-up about something the answer itself said, or None (complete
    answer, "don't know", nothing to hold on to)."""
    hit = find_focus(_text_of(answer), known_terms)
    if hit is None or not hit.quote:
        return None
    return _follow(parent, parent_index, hit, follow_up_text(hit, language), language, "template")


# ----------------------------------------------------------------------------- LLM path
class _FollowUpOut(BaseModel):
    model_config = ConfigDict(extra="ignore")
    ask: bool
    focus: Literal["number", "decision", "technology", "vague", "result"] | None = None
    quote: str = Field(default="", max_length=200)
    question: str = Field(default="", max_length=400)


FOLLOW_UP_SCHEMA: JsonObject = {
    "type": "object",
    "properties": {"ask": {"type": "boolean"},
                   "focus": {"type": "string", "enum": list(FOCUSES)},
                   "quote": {"type": "string"},
                   "question": {"type": "string"}},
    "required": ["ask", "focus", "quote", "question"],
}


def quote_in_answer(quote: str, answer: str) -> bool:
    """``quote`` occurs in ``answer`` as whole words (case- and space-insensitive)."""
    q = " ".join(quote.strip().strip("\"'“”").split())
    if len(q) < 2:
        return False
    esc = re.escape(q).replace(r"\ ", r"\s+")
    return re.search(rf"(?<![\w]){esc}(?![A-Za-z0-9])", " ".join(answer.split()), re.IGNORECASE) is not None


def build_follow_up_messages(parent: PlannedQuestion, answer: str, language: str) -> list[ChatMessage]:
    lang_name = "Korean (존댓말)" if language == "ko" else "English"
    return [
        ChatMessage("system", "You are a job interviewer. Read the candidate's answer. If it is complete "
                    "(a concrete result and a reason) or says they do not know, return ask=false. Otherwise "
                    f"write ONE short follow-up question in {lang_name} about one thing the answer actually "
                    "said: a number (how measured, own part), a decision (why, alternatives), a technology "
                    "(why, trade-offs), a vague claim (how much), or a missing result. 'quote' must be "
                    "words copied exactly from the answer. Return JSON {ask, focus, quote, question}."),
        ChatMessage("user", f"Question: {parent.text}\nAnswer: {answer}"),
    ]


def draft_follow_up_llm(llm: LanguageModel, parent: PlannedQuestion, parent_index: int,
                        answer: str | Sequence[Word], language: str, *, known_terms: Sequence[str] = (),
                        cancel: CancelToken | None = None) -> PlannedQuestion | None:
    """One JSON call, pydantic-validated; a follow-up whose quote is not whole words of the
    answer, or a failed call, falls back to the template path (never a question about
    something the answer did not say). ``ask=false`` -> None (the model judged it complete)."""
    text = _text_of(answer)
    if is_dont_know(text):
        return None
    if cancel is not None:
        cancel.raise_if_cancelled()
    try:
        out = _FollowUpOut.model_validate(
            llm.chat_json(build_follow_up_messages(parent, text, language), FOLLOW_UP_SCHEMA,
                          max_tokens=200, temperature=0.2))
    except (EngineError, ValidationError):
        out = None
    if out is not None:
        if not out.ask:
            return None
        quote = " ".join(out.quote.strip().strip("\"'“”").split())
        if out.focus and len(out.question.strip()) >= 8 and quote_in_answer(quote, text):
            hit = FocusHit(out.focus, quote, term=quote if out.focus == "technology" else None)
            return _follow(parent, parent_index, hit, out.question.strip(), language, "llm")
    return draft_follow_up(parent, parent_index, text, language, known_terms=known_terms)


# ----------------------------------------------------------------------------- budget, drafting
def follow_up_budget(per_interview: int, n_questions: int, default_length: int = 6) -> int:
    """Follow-ups for an interview of ``n_questions`` when the setting gives
    ``per_interview`` per ``default_length``-question interview (2 per 6 -> 1 per 3)."""
    if per_interview <= 0 or n_questions <= 1:
        return 0
    return max(1, round(per_interview * n_questions / default_length))


class FollowUpDrafter:
    """Drafts a follow-up on the latest interim transcript while the answer is spoken.

    ``update(text)`` (any thread, non-blocking) hands over the text so far; a draft runs on a
    "follow-up" thread whenever the text grew by ``min_new_words``, never two at once (the
    newest text wins). ``settled(final_text, wait_s)`` (the controller thread, at the
    answer's end) waits at most ``wait_s`` for a running draft and returns (True, draft or
    None) when a draft of nearly the whole answer is ready, (False, None) otherwise: the
    caller then drafts on the final text itself. ``close()`` lets a running draft finish
    unseen."""

    def __init__(self, draft: Callable[[str], PlannedQuestion | None], *, min_new_words: int = 8, wait_s: float = 0.8) -> None:
        self._draft = draft
        self.min_new_words = min_new_words
        self.wait_s = wait_s
        self._cond = threading.Condition()
        self._latest: str | None = None
        self._busy = False
        self._closed = False
        self._result: PlannedQuestion | None = None
        self._result_words = -1
        self.drafts = 0

    def _stale(self) -> bool:
        return self._latest is not None and \
            len(self._latest.split()) - max(self._result_words, 0) >= self.min_new_words

    def update(self, text: str) -> None:
        with self._cond:
            if self._closed:
                return
            self._latest = text
            if self._busy or not self._stale():
                return
            self._busy = True
        threading.Thread(target=self._run, name="follow-up", daemon=True).start()

    def _run(self) -> None:
        while True:
            with self._cond:
                text = self._latest
                if self._closed or text is None:
                    self._busy = False
                    self._cond.notify_all()
                    return
            try:
                fu = self._draft(text)
            except Exception:  # a failed draft only means the final text decides (logged, not raised)
                log.exception("follow-up draft failed")
                fu = None
            with self._cond:
                self.drafts += 1
                self._result, self._result_words = fu, len(text.split())
                if self._closed or not self._stale():
                    self._busy = False
                    self._cond.notify_all()
                    return

    def settled(self, final_text: str, wait_s: float | None = None) -> tuple[bool, PlannedQuestion | None]:
        with self._cond:
            self._latest = final_text
            self._cond.wait_for(lambda: not self._busy, timeout=self.wait_s if wait_s is None else wait_s)
            if self._busy or self._result_words < 0:
                return False, None
            if len(final_text.split()) - self._result_words >= self.min_new_words:
                return False, None
            return True, self._result

    def close(self) -> None:
        with self._cond:
            self._closed = True


__all__ = [
    "FOCUSES",
    "FocusHit",
    "FollowUpDrafter",
    "draft_follow_up",
    "draft_follow_up_llm",
    "find_focus",
    "find_technology",
    "fix_particles",
    "follow_up_budget",
    "follow_up_rubric",
    "follow_up_text",
    "is_complete",
    "is_dont_know",
    "josa",
    "quote_in_answer",
]
