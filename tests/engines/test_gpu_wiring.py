"""GPU wiring: nvidia-smi parsing, the decision for the two LLMs on common cards, the GGUF
header reader on the real embedded GGUF, faster-whisper's compute type by capability, and
the one-at-a-time GPU lane swapping two real llama.cpp models.

No GPU is needed: the cards are their nvidia-smi rows (free memory as seen with a desktop
running); the decision and the layer choice are pure functions of those figures.
"""

from __future__ import annotations

import os
import shutil
import stat
import textwrap
from pathlib import Path

import pytest

from core.errors import ModelError
from core.gpu_plan import GgufSpec, kv_cache_bytes
from core.protocols import ChatMessage
from engines.llm.gpu import GpuInfo, GpuLane, GpuScan, decide, detect_gpus, parse_nvidia_smi, plan_models
from engines.stt.whisper_runtime import cuda_compute_type

LLAMA = GgufSpec("llama-3.1-8b-instruct-q4km", 4_920_000_000, 32, kv_cache_bytes(32, 4096, 8, 128))
SOLAR = GgufSpec("solar-10.7b-instruct-q4km", 6_460_000_000, 48, kv_cache_bytes(48, 4096, 8, 128))

# nvidia-smi --query-gpu=index,name,memory.total,memory.free,compute_cap --format=csv,noheader,nounits
CARDS = {
    "rtx4090": "0, NVIDIA GeForce RTX 4090, 24564, 23552, 8.9",
    "rtx3060": "0, NVIDIA GeForce RTX 3060, 12288, 11468, 8.6",
    "rtx4060": "0, NVIDIA GeForce RTX 4060 Laptop GPU, 8188, 7577, 8.9",
    "rtx2060": "0, NVIDIA GeForce RTX 2060, 6144, 5530, 7.5",
    "gtx1650": "0, NVIDIA GeForce GTX 1650, 4096, 3686, 7.5",
    "gtx1080": "0, NVIDIA GeForce GTX 1080, 8192, 7600, 6.1",
    "gt1030": "0, NVIDIA GeForce GT 1030, 2048, 1638, 6.1",
}


def _scan(card: str) -> GpuScan:
    return GpuScan(tuple(parse_nvidia_smi(CARDS[card])))


def test_nvidia_smi_rows_parse():
    (g,) = parse_nvidia_smi(CARDS["rtx3060"])
    assert g == GpuInfo(0, "NVIDIA GeForce RTX 3060", 12288 * 1024 ** 2, 11468 * 1024 ** 2, (8, 6))
    two = parse_nvidia_smi(CARDS["rtx4090"] + "\n" + CARDS["gtx1080"].replace("0,", "1,", 1) + "\n\n")
    assert [x.index for x in two] == [0, 1] and two[1].compute_capability == (6, 1)
    # an old driver without compute_cap, and [N/A] fields: still a GPU, capability unknown
    assert parse_nvidia_smi("0, Tesla K80, 11441, 11381")[0].compute_capability is None
    assert parse_nvidia_smi("0, GRID, 8192, 8000, [N/A]")[0].compute_capability is None
    assert parse_nvidia_smi("No devices were found") == []


def _fake_smi(tmp_path: Path, body: str) -> str:
    exe = tmp_path / "nvidia-smi"
    exe.write_text("#!/bin/sh\n" + textwrap.dedent(body))
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    return str(exe)


def test_detect_gpus_runs_nvidia_smi_and_retries_without_compute_cap(tmp_path):
    # a driver older than 510 rejects the compute_cap field; the query is repeated without it
    exe = _fake_smi(tmp_path, f"""
        case "$1" in *compute_cap*) echo 'Field "compute_cap" is not a valid field to query.' >&2; exit 2;; esac
        echo "{CARDS['rtx2060'].rsplit(',', 1)[0]}"
    """)
    scan = detect_gpus(exe)
    assert scan.reason == "" and scan.best.name == "NVIDIA GeForce RTX 2060"
    assert scan.best.compute_capability is None


def test_detect_gpus_says_why_there_is_none(tmp_path):
    if shutil.which("nvidia-smi") is None:
        assert "no nvidia-smi" in detect_gpus().reason
    broken = _fake_smi(tmp_path, "echo 'NVIDIA-SMI has failed because it could not communicate with the driver' >&2; exit 9\n")
    scan = detect_gpus(broken)
    assert scan.gpus == () and "exit 9" in scan.reason and "driver" in scan.reason


@pytest.mark.parametrize("card,mode", [("rtx4090", "together"), ("rtx3060", "one_at_a_time"),
                                       ("rtx4060", "partial"), ("rtx2060", "partial"),
                                       ("gtx1650", "partial"), ("gt1030", "cpu")])
def test_decision_on_common_cards(card, mode):
    d = decide([LLAMA, SOLAR], _scan(card), gpu_build=True)
    assert d.plan.mode == mode and d.note_key == f"gpu.note.{mode}"
    assert d.one_at_a_time == (mode == "one_at_a_time")
    free = d.gpu.free_bytes
    if mode == "together":
        assert sum(m.gpu_bytes for m in d.plan.models) <= free
    for m in d.plan.models:  # whatever the mode, one model at a time always fits the card
        assert m.gpu_bytes <= free
    assert d.gpu.name in d.note("en") and d.gpu.name in d.note("ko")


def test_six_to_eight_gb_cards_hold_llama_whole():
    # Llama-3.1-8B Q4_K_M (4.9 GB) fits an 8 GB card whole; Solar (6.5 GB) mostly
    d = decide([LLAMA, SOLAR], _scan("rtx4060"), gpu_build=True)
    assert d.offload(LLAMA.model_id).n_gpu_layers == -1
    assert 40 <= d.offload(SOLAR.model_id).n_gpu_layers < 48
    small = decide([LLAMA, SOLAR], _scan("gtx1650"), gpu_build=True)
    assert 0 < small.offload(LLAMA.model_id).n_gpu_layers < 32


def test_cpu_when_no_gpu_or_no_cuda_build_and_the_note_says_why():
    none = decide([LLAMA, SOLAR], GpuScan((), "no nvidia-smi (no NVIDIA driver)"), gpu_build=True)
    assert none.plan.mode == "cpu" and {m.n_gpu_layers for m in none.plan.models} == {0}
    assert "no NVIDIA driver" in none.note("en") and "NVIDIA GPU를 찾지 못했습니다" in none.note("ko")
    cpu_build = decide([LLAMA, SOLAR], _scan("rtx4090"), gpu_build=False)
    assert cpu_build.plan.mode == "cpu" and {m.n_gpu_layers for m in cpu_build.plan.models} == {0}
    assert "make gpu" in cpu_build.note("en") and "RTX 4090" in cpu_build.note("en")


@pytest.fixture(scope="module")
def gemma(model_manager):
    entry = model_manager.active("llm")
    if entry is None or entry.format != "gguf":
        pytest.skip("no GGUF installed (make install)")
    return entry.id, Path(model_manager.path(entry.id))


def test_gguf_header_of_the_real_embedded_model(gemma):
    from engines.llm.gguf_meta import read_layout

    layout = read_layout(gemma[1])
    assert layout.architecture == "gemma3"
    assert layout.n_layers == 18 and layout.n_heads == 4 and layout.n_kv_heads == 1 and layout.head_dim == 256


def test_truncated_gguf_header_is_a_clear_model_error(gemma, tmp_path):
    from engines.llm.gguf_meta import read_layout

    cut = tmp_path / "cut.gguf"
    with open(gemma[1], "rb") as fh:
        cut.write_bytes(fh.read(300))
    with pytest.raises(ModelError) as err:
        read_layout(cut)
    assert err.value.code == "planner.model_corrupt"


def test_plan_models_reads_the_files_and_counts_a_shared_file_once(gemma):
    model_id, path = gemma
    d = plan_models([(model_id, path), ("gemma-evaluator", path)], n_ctx=2048,
                    scan=GpuScan(tuple(parse_nvidia_smi("0, Small, 2048, 1900, 7.5"))), gpu_build=True)
    spec_bytes = os.path.getsize(path)
    # 1300 MiB of budget: 241 MiB of weights + 36 MiB of KV + 400 MiB of buffers fit once, not twice
    assert d.plan.mode == "together"
    assert d.offload(model_id).n_gpu_layers == -1 and d.offload("gemma-evaluator").n_gpu_layers == -1
    assert d.offload(model_id).gpu_bytes > spec_bytes


@pytest.mark.parametrize("cc,supported,expected", [
    ((8, 9), {"float32", "float16", "int8", "int8_float16", "bfloat16"}, "float16"),  # RTX 4090
    ((7, 5), {"float32", "float16", "int8", "int8_float16"}, "float16"),  # RTX 2060 / T4
    ((6, 1), {"float32", "int8", "int8_float32"}, "int8"),  # GTX 1080: fast int8, slow fp16
    ((5, 2), {"float32"}, "float32"),  # GTX 970
    ((7, 0), {"float32", "int8"}, "int8"),  # float16 not offered: the next that is
    (None, set(), "float16"),
])
def test_whisper_compute_type_by_capability(cc, supported, expected):
    assert cuda_compute_type(cc, supported) == expected


def test_whisper_stays_on_the_cpu_without_cuda():
    from engines.stt.whisper_runtime import whisper_placement

    import ctranslate2

    placed = whisper_placement(refresh=True)
    if ctranslate2.get_cuda_device_count() == 0:
        assert (placed.device, placed.compute_type) == ("cpu", "int8")


@pytest.mark.slow
def test_gpu_lane_keeps_one_model_loaded_and_swaps(gemma):
    """Two real llama.cpp models on one lane (CPU layers here; the lane is what a 6-12 GB card
    uses): each call loads its model and unloads the other, and both still answer."""
    from engines.llm.llama_cpp_model import LlamaCppModel

    model_id, path = gemma
    lane = GpuLane()
    a = LlamaCppModel(path, model_id="question", n_ctx=512, n_gpu_layers=0, lane=lane)
    b = LlamaCppModel(path, model_id="evaluator", n_ctx=512, n_gpu_layers=0, lane=lane)
    assert not a.loaded and not b.loaded  # nothing on the GPU until used
    msg = [ChatMessage("user", "Hello")]
    assert isinstance(a.chat(msg, max_tokens=4, temperature=0.0), str)
    assert a.loaded and not b.loaded and lane.resident is a
    assert isinstance(b.chat(msg, max_tokens=4, temperature=0.0), str)
    assert b.loaded and not a.loaded and lane.resident is b
    a.chat(msg, max_tokens=2, temperature=0.0)
    assert (a.loads, b.loads, lane.swaps) == (2, 1, 3)
    lane.release(a)
    assert not a.loaded


def test_doctor_says_where_the_models_run():
    from installer.doctor import Diagnosis, render

    scan = _scan("rtx3060")
    d = decide([LLAMA, SOLAR], scan, gpu_build=True)
    diag = Diagnosis(gpus=[g.describe() for g in scan.gpus], llm_placement=d.note("en"),
                     stt_placement="Speech recognition on the GPU (CUDA, float16).")
    text = "\n".join(render(diag, "en"))
    assert "GPU: GPU 0 NVIDIA GeForce RTX 3060: 11.2 of 12.0 GiB free, compute 8.6" in text
    assert "take turns" in text and "float16" in text
    ko = decide([LLAMA, SOLAR], scan, gpu_build=True).note("ko")
    assert "번갈아" in ko


def test_capacity_note_before_any_recommended_model_is_installed():
    from engines.llm.gpu import capacity_decision

    assert capacity_decision(_scan("rtx3060"), True).note_key == "gpu.note.available"
    assert "RTX 3060" in capacity_decision(_scan("rtx3060"), True).note("en")
    assert capacity_decision(_scan("rtx3060"), False).note_key == "gpu.note.cpu_no_cuda_build"
    assert capacity_decision(GpuScan((), "no nvidia-smi"), True).note_key == "gpu.note.cpu_no_gpu"


def test_doctor_machine_check_runs_here_and_names_the_placements(model_manager):
    """check_machine as the wizard and `big20 doctor` call it, on this machine (no GPU)."""
    from installer.doctor import check_machine, render

    diag = check_machine(model_manager, lang="en")
    assert diag.free_disk_gb is not None and diag.free_disk_gb > 0
    assert diag.llm_placement and diag.stt_placement
    if shutil.which("nvidia-smi") is None:
        assert diag.gpus == [] and "no nvidia-smi" in diag.gpu_reason
        assert "CPU" in diag.llm_placement and diag.stt_placement.startswith("Speech recognition on the CPU")
    text = "\n".join(render(diag, "en"))
    assert diag.llm_placement in text and diag.stt_placement in text
