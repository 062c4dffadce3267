"""How many layers of each GGUF to put on the GPU, and whether the two LLMs can share it.

A pure function of sizes, so it is tested with the VRAM of common cards and runs the same
wherever the numbers come from (``nvidia-smi`` on the user's machine, see
engines.llm.gpu). The model is a simple, conservative budget:

- a GGUF's weights are spread evenly over its ``n_layers`` repeating blocks plus about one
  block's worth of embeddings and output head (which llama.cpp offloads last, with the
  final layer), so one layer costs ``file_bytes / (n_layers + 1)``;
- the KV cache of the context (``kv_bytes``) and llama.cpp's compute buffers
  (:data:`COMPUTE_BYTES`) sit on the GPU for every offloaded model;
- :data:`RESERVE_BYTES` stay free for the CUDA context, the desktop and the driver.

Policy: both models resident ("together") when they fit; else each model fully offloaded
when loaded alone ("one_at_a_time": load, evaluate, unload); else as many layers as fit,
the rest on the CPU ("partial"); with under one layer of room, the CPU ("cpu").
"""

from __future__ import annotations

from dataclasses import dataclass

GIB = 1024 ** 3
MIB = 1024 ** 2
RESERVE_BYTES = 600 * MIB
COMPUTE_BYTES = 400 * MIB


@dataclass(frozen=True)
class GgufSpec:
    model_id: str
    file_bytes: int
    n_layers: int
    kv_bytes: int  # KV cache at the context the app uses (see kv_cache_bytes)

    @property
    def layer_bytes(self) -> float:
        return self.file_bytes / (self.n_layers + 1)

    @property
    def full_bytes(self) -> int:
        return self.file_bytes + self.kv_bytes + COMPUTE_BYTES


@dataclass(frozen=True)
class Offload:
    model_id: str
    n_gpu_layers: int  # llama.cpp's argument: -1 = every layer, 0 = CPU only
    gpu_bytes: int  # what this choice is expected to take on the GPU


@dataclass(frozen=True)
class OffloadPlan:
    mode: str  # together | one_at_a_time | partial | cpu
    models: tuple[Offload, ...]

    def for_model(self, model_id: str) -> Offload:
        return next(m for m in self.models if m.model_id == model_id)


def kv_cache_bytes(n_layers: int, n_ctx: int, n_kv_heads: int, head_dim: int, bytes_per: int = 2) -> int:
    """K and V, f16, for every layer: 2 x layers x ctx x kv_heads x head_dim x 2 bytes."""
    return 2 * n_layers * n_ctx * n_kv_heads * head_dim * bytes_per


def _layers_that_fit(spec: GgufSpec, budget: float) -> int:
    room = budget - spec.kv_bytes - COMPUTE_BYTES
    if room < spec.layer_bytes:
        return 0
    return min(spec.n_layers, int(room // spec.layer_bytes))


def plan_offload(specs: list[GgufSpec], free_vram_bytes: int | None) -> OffloadPlan:
    """The offload for ``specs`` (the question model and the evaluator) on a GPU with
    ``free_vram_bytes`` free (None: no usable GPU)."""
    if not specs:
        return OffloadPlan("cpu", ())
    if not free_vram_bytes or free_vram_bytes <= RESERVE_BYTES:
        return OffloadPlan("cpu", tuple(Offload(s.model_id, 0, 0) for s in specs))
    budget = free_vram_bytes - RESERVE_BYTES
    if sum(s.full_bytes for s in specs) <= budget:
        return OffloadPlan("together", tuple(Offload(s.model_id, -1, s.full_bytes) for s in specs))
    if all(s.full_bytes <= budget for s in specs):
        return OffloadPlan("one_at_a_time", tuple(Offload(s.model_id, -1, s.full_bytes) for s in specs))
    out = []
    for s in specs:
        if s.full_bytes <= budget:
            out.append(Offload(s.model_id, -1, s.full_bytes))
            continue
        n = _layers_that_fit(s, budget)
        used = int(n * s.layer_bytes + s.kv_bytes + COMPUTE_BYTES) if n else 0
        out.append(Offload(s.model_id, n, used))
    mode = "partial" if any(o.n_gpu_layers != 0 for o in out) else "cpu"
    return OffloadPlan(mode, tuple(out))


# faster-whisper (CTranslate2) on CUDA. CTranslate2's compute types by CUDA compute capability:
# tensor cores (7.0+) run float16
# fastest; Pascal consumer cards (6.1-6.x) have fast int8 (DP4A) but slow float16; older cards
# only float32. The set CTranslate2 reports as supported on the device has the last word.
_CUDA_PREFERENCE = ("float16", "int8_float16", "int8", "int8_float32", "float32")


def cuda_compute_type(capability: tuple[int, int] | None, supported: set[str] | frozenset[str]) -> str:
    """The compute type for a CUDA device of ``capability`` (None: unknown) among ``supported``
    (``ctranslate2.get_supported_compute_types("cuda")``). Pure."""
    if capability is None:
        wanted = "float16"
    elif capability >= (7, 0):
        wanted = "float16"
    elif capability >= (6, 1):
        wanted = "int8"
    else:
        wanted = "float32"
    if not supported or wanted in supported:
        return wanted
    for ct in _CUDA_PREFERENCE[_CUDA_PREFERENCE.index(wanted):] + _CUDA_PREFERENCE:
        if ct in supported:
            return ct
    return "float32"
