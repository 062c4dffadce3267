"""GPU layer choice for the two recommended GGUFs on the VRAM of common cards."""

from __future__ import annotations

import pytest

from core.gpu_plan import GIB, RESERVE_BYTES, GgufSpec, kv_cache_bytes, plan_offload

# Llama-3.1-8B-Instruct Q4_K_M: 32 layers, 8 KV heads of 128; SOLAR-10.7B Q4_K_M: 48 layers, 8 x 128
LLAMA = GgufSpec("llama-3.1-8b-instruct-q4km", 4_920_000_000, 32, kv_cache_bytes(32, 4096, 8, 128))
SOLAR = GgufSpec("solar-10.7b-instruct-q4km", 6_460_000_000, 48, kv_cache_bytes(48, 4096, 8, 128))

# (card, free VRAM as nvidia-smi shows it with a desktop running)
CARDS = [("RTX 4090 24 GB", 23.0), ("RTX 3090 24 GB", 22.8), ("RTX 4070 12 GB", 11.4),
         ("RTX 3060 12 GB", 11.2), ("RTX 4060 8 GB", 7.4), ("RTX 3070 8 GB", 7.3),
         ("RTX 2060 6 GB", 5.4), ("GTX 1650 4 GB", 3.6), ("GT 1030 2 GB", 1.6), ("none", 0.0)]


def test_kv_cache_of_llama_8b_at_4k_is_half_a_gib():
    assert LLAMA.kv_bytes == 512 * 1024 ** 2


@pytest.mark.parametrize("card,free_gib", CARDS)
def test_every_plan_fits_the_card(card, free_gib):
    plan = plan_offload([LLAMA, SOLAR], int(free_gib * GIB))
    budget = free_gib * GIB - RESERVE_BYTES
    if plan.mode == "together":
        assert sum(m.gpu_bytes for m in plan.models) <= budget
    for m in plan.models:
        assert m.gpu_bytes <= max(budget, 0), (card, m)
        assert m.n_gpu_layers == -1 or 0 <= m.n_gpu_layers <= 48


def test_the_modes_on_common_cards():
    modes = {card: plan_offload([LLAMA, SOLAR], int(free * GIB)).mode for card, free in CARDS}
    assert modes["RTX 4090 24 GB"] == "together"
    assert modes["RTX 3060 12 GB"] == "one_at_a_time"  # 5.9 + 7.7 GB do not fit 12 GB at once
    assert modes["RTX 4060 8 GB"] == "partial"  # Llama whole, Solar all but a layer or two
    assert modes["none"] == "cpu"
    eight = plan_offload([LLAMA, SOLAR], int(7.4 * GIB))
    assert eight.for_model(LLAMA.model_id).n_gpu_layers == -1
    assert 40 <= eight.for_model(SOLAR.model_id).n_gpu_layers < 48
    four = plan_offload([LLAMA, SOLAR], int(3.6 * GIB))
    assert 8 <= four.for_model(LLAMA.model_id).n_gpu_layers <= 24


def test_more_vram_never_means_fewer_layers():
    def layers(free, spec):
        n = plan_offload([LLAMA, SOLAR], int(free * GIB)).for_model(spec.model_id).n_gpu_layers
        return spec.n_layers if n == -1 else n

    for spec in (LLAMA, SOLAR):
        seq = [layers(f / 4, spec) for f in range(0, 100)]
        assert seq == sorted(seq)


def test_a_card_with_less_than_the_reserve_is_the_cpu():
    plan = plan_offload([LLAMA], RESERVE_BYTES // 2)
    assert plan.mode == "cpu" and plan.models[0].n_gpu_layers == 0
    assert plan_offload([], 8 * GIB).mode == "cpu"
