"""Follow-up questions (꼬리 질문): on what the answer said, whole phrases only, Korean
particles by the last sound, their own rubric, the LLM's quote checked, the draft ready while
the answer is spoken. Real answers: the issue's examples and the graded answers written by
other hands (../shared/data/graded_answers)."""

from __future__ import annotations

import csv
import re
import threading
import time

import pytest

from core.errors import EngineError
from core.interview.followup import (
    FollowUpDrafter,
    draft_follow_up,
    draft_follow_up_llm,
    find_focus,
    find_technology,
    fix_particles,
    follow_up_budget,
    is_dont_know,
    josa,
    quote_in_answer,
)
from core.interview.types import PlannedQuestion


def parent(lang: str, category: str = "behavioral") -> PlannedQuestion:
    return PlannedQuestion(text="Tell me about a project.", category=category, question_type="경험",
                           language=lang, rubric={"key_points": ["parent point A", "parent point B"]})


def quote_of(fu: PlannedQuestion) -> str:
    g = [x for x in fu.grounding if x.startswith("answer: ")]
    assert g, fu.grounding
    return g[0].split(": ", 1)[1]


# Korean particles that depend on the final consonant, each checked against the syllable before
_PARTICLE_AFTER = re.compile(r"([^\s“”\"']+?[”\"]?)(을|를|이|가|은|는|으로|로|이라고|라고)(?=[\s,.?])")


def _particle_ok(word: str, particle: str) -> bool:
    return josa(word, particle) == word + particle


# ----------------------------------------------------------------------------- the examples
def test_go_too_deep_is_not_the_language_go():
    assert find_technology("I sometimes go too deep into details, so I now timebox my research.") is None
    assert find_technology("Go is fine, I go home.") is None  # sentence-initial English: a verb
    assert find_technology("We wrote the ingestion service in Go because Python was slow.")[0] == "Go"
    fu = draft_follow_up(parent("en"), 0, "I sometimes go too deep into details, so I now timebox my research.", "en")
    assert fu is None or "Go" not in fu.text


def test_no_both_form_particles_and_no_school_as_technology():
    fu = draft_follow_up(parent("ko"), 0, "KAIST에서 전산학을 전공했고 정산 시스템을 개발했습니다.", "ko")
    assert fu is not None
    assert "(를)" not in fu.text and "을(를)" not in fu.text and "KAIST" not in fu.text
    assert quote_in_answer(quote_of(fu), "KAIST에서 전산학을 전공했고 정산 시스템을 개발했습니다.")


def test_an_initial_is_not_a_claim():
    assert draft_follow_up(parent("en"), 0, "My name is S. Kim and I like building things.", "en") is None


def test_particles_by_final_consonant():
    cases = {("Kafka", "을"): "Kafka를", ("Spring", "를"): "Spring을", ("Python", "은"): "Python은",
             ("MySQL", "으로"): "MySQL로", ("서울", "으로"): "서울로", ("학교", "으로"): "학교로",
             ("서버 개발자", "으로"): "서버 개발자로", ("엔지니어", "이"): "엔지니어가", ("KAIST", "을"): "KAIST를",
             ("C++", "은"): "C++은", ("40%", "가"): "40%가", ("10", "을"): "10을", ("3", "이"): "3이",
             ("Redis", "는"): "Redis는", ("카카오", "은"): "카카오는", ("팀장", "로"): "팀장으로"}
    for (word, particle), want in cases.items():
        assert josa(word, particle) == want, (word, particle)
    assert fix_particles("카카오페이에서 서버 개발자(으)로 일하며") == "카카오페이에서 서버 개발자로 일하며"
    assert fix_particles("팀장(으)로 KAIST을(를) 언급") == "팀장으로 KAIST를 언급"


# ----------------------------------------------------------------------------- what to ask about
@pytest.mark.parametrize("lang,answer,focus,must", [
    ("en", ("In my settlement project I cut batch time from six hours to fifty minutes because I rewrote "
            "the queries."), "number", "six hours to fifty minutes"),
    ("ko", "정산 배치를 맡았습니다. 수행 시간을 6시간에서 50분으로 단축했습니다.", "number", "6시간에서 50분으로"),
    ("en", "I decided to move our deployment to Kubernetes after two outages.", "decision", "decided"),
    ("ko", "이야기를 나눈 뒤 결국 그 팀원의 방안을 택했고 일정 안에 끝냈습니다.", "decision", "택했고"),
    ("en", "We wrote the ingestion service in Go because the old workers could not keep up.", "technology", "Go"),
    ("ko", "Kafka를 도입해서 주문 이벤트를 비동기로 처리했습니다.", "technology", "Kafka"),
    ("ko", "팀원들과 소통하면서 성능을 많이 개선했습니다.", "vague", "많이 개선했습니다"),
    ("en", "I built the admin dashboard for our support team.", "result", "built the admin dashboard"),
])
def test_focus_on_what_was_said(lang, answer, focus, must):
    hit = find_focus(answer)
    assert hit is not None and hit.focus == focus, hit
    assert must in (hit.term or hit.quote) or must in hit.quote
    fu = draft_follow_up(parent(lang), 3, answer, lang)
    assert fu.is_follow_up and fu.parent_index == 3 and fu.source == "follow_up" and fu.drafted_by == "template"
    assert quote_in_answer(quote_of(fu), answer)
    assert quote_of(fu) in fu.text


def test_move_on_after_dont_know_or_a_complete_answer():
    for text in ("I don't know.", "잘 모르겠습니다.", "솔직히 그 부분은 해 본 적이 없어서 모르겠습니다.", "Not sure."):
        assert is_dont_know(text) and draft_follow_up(parent("en"), 0, text, "en") is None
    complete = ("When our checkout API slowed down during sales, I profiled it and found the coupon lookup ran one "
                "query per item. Because the lookups were independent, I batched them into one query and added a "
                "Redis cache for the coupon rules. As a result the p95 latency dropped from 900 ms to 180 ms and "
                "timeouts fell by 95 percent over the next two sale events, which we checked on the dashboard.")
    assert find_focus(complete) is None


def test_own_rubric_built_from_the_focus_and_the_words():
    answer = "정산 배치를 맡았습니다. 수행 시간을 6시간에서 50분으로 단축했습니다."
    p = parent("ko")
    fu = draft_follow_up(p, 0, answer, "ko")
    r = fu.rubric
    assert r["key_points"] != p.rubric["key_points"] and r["bank_key"] is None and r["focus"] == "number"
    assert any("6시간에서 50분으로" in kp for kp in r["key_points"])
    assert len(r["point_keywords"]) == len(r["key_points"]) and r["keywords"]
    assert abs(sum(c["weight"] for c in r["criteria"].values()) - 1.0) < 1e-6
    assert set(r["bands"]) == {"excellent", "good", "fair", "poor"}
    en = draft_follow_up(parent("en"), 0, "We wrote the ingestion service in Go because the old workers "
                                          "could not keep up.", "en")
    assert en.category == "technical" and "Go" in en.rubric["key_points"][0]


# ----------------------------------------------------------------------------- real answers
def test_graded_answers_whole_phrases_and_grammatical(shared_data):
    """Every follow-up drafted on the 60 graded answers (written by other hands) quotes the
    answer as whole words, names a technology only as a whole word, and puts every
    consonant-dependent Korean particle right after the quoted words."""
    with open(shared_data / "graded_answers" / "answers.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    asked = 0
    for r in rows:
        fu = draft_follow_up(parent(r["lang"]), 0, r["answer"], r["lang"])
        if fu is None:
            continue
        asked += 1
        q = quote_of(fu)
        assert quote_in_answer(q, r["answer"]), (q, r["answer"])
        assert "(" + "을)" not in fu.text and "(를)" not in fu.text and "(으)" not in fu.text
        if r["lang"] == "ko":
            for m in _PARTICLE_AFTER.finditer(fu.text):
                word, particle = m.group(1), m.group(2)
                if word.endswith("”") or word in q:
                    assert _particle_ok(word, particle), (word, particle, fu.text)
        if r["kind"] in ("salad",):
            assert fu.grounding  # even then, only words the answer holds
    assert asked >= 5  # it does ask: on claims about the candidate's own work


# ----------------------------------------------------------------------------- LLM path
class ScriptedModel:
    """Stands in for the 8B chat model (not runnable in CI): returns the given JSON replies
    in order, or raises EngineError for a reply of None; records the calls."""

    def __init__(self, replies, delay: float = 0.0):
        self.replies = list(replies)
        self.calls = 0
        self.delay = delay

    def chat_json(self, messages, schema, **kw):
        self.calls += 1
        time.sleep(self.delay)
        reply = self.replies.pop(0) if self.replies else None
        if reply is None:
            raise EngineError("llm.failed", reason="scripted failure")
        return reply


ANSWER = "We moved the payment service to Kotlin coroutines and cut p99 latency by 40 percent."


def test_llm_follow_up_must_quote_the_answer():
    good = ScriptedModel([{"ask": True, "focus": "number", "quote": "cut p99 latency by 40 percent",
                           "question": "How did you measure the 40 percent?"}])
    fu = draft_follow_up_llm(good, parent("en"), 1, ANSWER, "en")
    assert fu.drafted_by == "llm" and fu.text == "How did you measure the 40 percent?"
    assert fu.grounding[0] == "answer: cut p99 latency by 40 percent" and fu.parent_index == 1
    # a quote the answer does not hold (or only inside other words) -> the template decides
    for bad_quote in ("reduced costs by half", "40 perc"):
        bad = ScriptedModel([{"ask": True, "focus": "number", "quote": bad_quote, "question": "Why half?"}])
        fu = draft_follow_up_llm(bad, parent("en"), 1, ANSWER, "en")
        assert fu.drafted_by == "template" and quote_in_answer(quote_of(fu), ANSWER)
    # the model says the answer is complete: move on
    assert draft_follow_up_llm(ScriptedModel([{"ask": False, "focus": "number", "quote": "", "question": ""}]),
                               parent("en"), 1, ANSWER, "en") is None
    # an invalid reply or a failed call -> template
    for reply in ({"ask": "maybe"}, None):
        fu = draft_follow_up_llm(ScriptedModel([reply]), parent("en"), 1, ANSWER, "en")
        assert fu is not None and fu.drafted_by == "template"
    # no call at all after "I don't know"
    m = ScriptedModel([])
    assert draft_follow_up_llm(m, parent("en"), 1, "I don't know.", "en") is None and m.calls == 0


def test_drafter_prepares_while_spoken_and_settles_within_a_second():
    model = ScriptedModel([{"ask": True, "focus": "number", "quote": "cut p99 latency by 40 percent",
                            "question": "How did you measure the 40 percent?"}] * 5, delay=0.3)
    d = FollowUpDrafter(lambda text: draft_follow_up_llm(model, parent("en"), 0, text, "en"), min_new_words=4)
    words = ANSWER.split()
    for i in range(1, len(words) + 1):  # interim text as it grows
        d.update(" ".join(words[:i]))
        time.sleep(0.05)
    t0 = time.perf_counter()
    done, fu = d.settled(ANSWER, wait_s=0.9)
    waited = time.perf_counter() - t0
    d.close()
    assert done and fu is not None and fu.drafted_by == "llm" and waited <= 1.0
    assert model.calls >= 2  # drafted more than once while the answer grew, never per word
    assert model.calls < len(words)
    # a draft that cannot finish in time is given up: the caller uses the template
    slow = FollowUpDrafter(lambda text: (time.sleep(2.0), None)[1], min_new_words=1)
    slow.update(ANSWER)
    t0 = time.perf_counter()
    assert slow.settled(ANSWER, wait_s=0.3) == (False, None)
    assert time.perf_counter() - t0 < 0.6
    slow.close()
    assert threading.active_count() >= 1


def test_budget_scales_with_length():
    assert follow_up_budget(2, 6) == 2
    assert follow_up_budget(2, 3) == 1
    assert follow_up_budget(2, 12) == 4
    assert follow_up_budget(0, 6) == 0 and follow_up_budget(2, 1) == 0
