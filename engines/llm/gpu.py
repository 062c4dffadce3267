"""NVIDIA GPUs on this machine, and where each GGUF goes (GPU layers, or the CPU) and why.

- :func:`detect_gpus` asks ``nvidia-smi`` (it ships with every NVIDIA driver, on Linux and
  Windows) for each GPU's name, total and free memory and compute capability. No driver, no
  ``nvidia-smi``, or an error: no GPU, and the reason is kept for the doctor.
  Parsing is :func:`parse_nvidia_smi`, a pure function.
- :func:`plan_models` turns the question model and the evaluator (their GGUF files) and the
  free VRAM of the first GPU into :class:`core.gpu_plan.OffloadPlan` (the pure planner), and
  adds what the user is told (:class:`GpuDecision.note`): on the GPU, one at a time, partly,
  or on the CPU and why (no NVIDIA GPU, llama.cpp built without CUDA: ``make gpu``, a card too
  small).
- :class:`GpuLane`: when the two models do not fit together ("one_at_a_time"), both share one
  lane: a model is loaded onto the GPU when it is used, and the other one is unloaded first.

Threading: detection runs a child process (up to a few seconds): call it off the UI thread.
Its answer is cached per process (:func:`gpus` / ``refresh=True``). :class:`GpuLane` may be
used from any thread.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Protocol, Sequence

from typing_extensions import TypedDict

from core.errors import ModelError
from core.gpu_plan import MIB, GgufSpec, Offload, OffloadPlan, kv_cache_bytes, plan_offload
from core.i18n import tr
from engines.llm.gguf_meta import read_layout

if TYPE_CHECKING:
    from engines.models.manager import ModelManager

log = logging.getLogger(__name__)

_QUERY_FIELDS = "index,name,memory.total,memory.free,compute_cap"


@dataclass(frozen=True)
class GpuInfo:
    index: int
    name: str
    total_bytes: int
    free_bytes: int
    compute_capability: tuple[int, int] | None = None

    def describe(self) -> str:
        cc = f", compute {self.compute_capability[0]}.{self.compute_capability[1]}" if self.compute_capability else ""
        return (f"GPU {self.index} {self.name}: {self.free_bytes / 1024 ** 3:.1f} of "
                f"{self.total_bytes / 1024 ** 3:.1f} GiB free{cc}")


@dataclass(frozen=True)
class GpuScan:
    gpus: tuple[GpuInfo, ...]
    reason: str = ""  # why none were found ("" when some were)

    @property
    def best(self) -> GpuInfo | None:
        """The GPU with the most free memory (llama.cpp uses device 0 unless told otherwise,
        so the planner budgets the first GPU; see :func:`plan_models`)."""
        return self.gpus[0] if self.gpus else None


def _mib(text: str) -> int:
    return int(float(text.strip().split()[0]) * MIB)


def _capability(text: str) -> tuple[int, int] | None:
    text = text.strip()
    if not text or not text[0].isdigit():
        return None
    major, _, minor = text.partition(".")
    return int(major), int(minor or 0)


def parse_nvidia_smi(text: str) -> list[GpuInfo]:
    """Rows of ``nvidia-smi --query-gpu=index,name,memory.total,memory.free[,compute_cap]
    --format=csv,noheader,nounits`` (MiB). Lines that do not parse are skipped."""
    out = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.split(",")]
        if len(cells) < 4:
            continue
        try:
            out.append(GpuInfo(int(cells[0]), cells[1], _mib(cells[2]), _mib(cells[3]),
                               _capability(cells[4]) if len(cells) > 4 else None))
        except (ValueError, IndexError):
            log.debug("nvidia-smi line not understood: %r", line)
    return out


def detect_gpus(exe: str | None = None, *, timeout: float = 15.0) -> GpuScan:
    """Ask ``nvidia-smi`` (``exe``, default: the one on PATH). Never raises."""
    exe = exe or shutil.which("nvidia-smi")
    if not exe:
        return GpuScan((), "no nvidia-smi (no NVIDIA driver)")
    fields = _QUERY_FIELDS
    for _attempt in range(2):  # drivers before 510 do not know compute_cap
        try:
            out = subprocess.run([exe, f"--query-gpu={fields}", "--format=csv,noheader,nounits"],
                                 capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return GpuScan((), f"nvidia-smi did not answer in {timeout:.0f} s")
        except OSError as exc:
            return GpuScan((), f"nvidia-smi: {exc}")
        if out.returncode == 0:
            found = parse_nvidia_smi(out.stdout)
            return GpuScan(tuple(found), "" if found else "nvidia-smi lists no GPU")
        if fields.endswith(",compute_cap"):
            fields = fields.rsplit(",", 1)[0]
            continue
        break
    tail = (out.stderr or out.stdout or "").strip().splitlines()
    return GpuScan((), f"nvidia-smi exit {out.returncode}: {tail[-1] if tail else ''}".strip())


_scan: GpuScan | None = None
_scan_lock = threading.Lock()


def gpus(refresh: bool = False) -> GpuScan:
    """:func:`detect_gpus`, cached for the process (free memory changes; the planner asks
    again with ``refresh=True`` before loading models)."""
    global _scan
    with _scan_lock:
        if _scan is None or refresh:
            _scan = detect_gpus()
        return _scan


def llama_gpu_build() -> bool:
    """Whether the installed llama-cpp-python was built with GPU offload (CUDA, Metal...)."""
    try:
        import llama_cpp
    except ImportError:
        return False
    try:
        return bool(llama_cpp.llama_supports_gpu_offload())
    except AttributeError:
        return False


# ------------------------------------------------------------------------------- the plan
def gguf_spec(model_id: str, path: Path, n_ctx: int = 4096) -> GgufSpec:
    """The planner's view of a GGUF file: its size, layers and KV cache at ``n_ctx``."""
    layout = read_layout(path)
    return GgufSpec(model_id, Path(path).stat().st_size, layout.n_layers,
                    kv_cache_bytes(layout.n_layers, n_ctx, layout.n_kv_heads, layout.head_dim))


@dataclass(frozen=True)
class GpuDecision:
    """Where the LLMs run, and the sentence that says so (an i18n key and its values)."""

    plan: OffloadPlan
    note_key: str  # gpu.note.* in resources/i18n/gpu.json
    note_args: dict[str, str] = field(default_factory=dict)
    gpu: GpuInfo | None = None

    @property
    def on_gpu(self) -> bool:
        return self.plan.mode != "cpu"

    @property
    def one_at_a_time(self) -> bool:
        return self.plan.mode == "one_at_a_time"

    def offload(self, model_id: str) -> Offload:
        return self.plan.for_model(model_id)

    def note(self, lang: str) -> str:
        return tr(self.note_key, lang, **self.note_args)


def decide(specs: Sequence[GgufSpec], scan: GpuScan, gpu_build: bool) -> GpuDecision:
    """The offload for ``specs`` on ``scan``'s first GPU; pure (given the scan and the build)."""
    gpu = scan.best
    cpu_plan = plan_offload(list(specs), None)
    if gpu is None:
        return GpuDecision(cpu_plan, "gpu.note.cpu_no_gpu", {"reason": scan.reason or "-"})
    if not gpu_build:
        return GpuDecision(cpu_plan, "gpu.note.cpu_no_cuda_build", {"gpu": gpu.name}, gpu)
    plan = plan_offload(list(specs), gpu.free_bytes)
    args = {"gpu": gpu.name, "free": f"{gpu.free_bytes / 1024 ** 3:.1f}",
            "models": ", ".join(f"{o.model_id} ({'all' if o.n_gpu_layers == -1 else o.n_gpu_layers} layers)"
                                for o in plan.models)}
    return GpuDecision(plan, f"gpu.note.{plan.mode}", args, gpu)


def capacity_decision(scan: GpuScan, gpu_build: bool) -> GpuDecision:
    """What the machine offers when no LLM that would load is installed yet (only the small
    built-in model): the GPU the recommended models would use, or why the CPU. Pure."""
    d = decide([], scan, gpu_build)
    if d.note_key == "gpu.note.cpu" and scan.best is not None:  # a GPU, a CUDA build, no models yet
        g = scan.best
        return GpuDecision(d.plan, "gpu.note.available", {"gpu": g.name, "free": f"{g.free_bytes / 1024 ** 3:.1f}"}, g)
    return d


def plan_models(models: Sequence[tuple[str, Path]], *, n_ctx: int = 4096, scan: GpuScan | None = None,
                gpu_build: bool | None = None) -> GpuDecision:
    """The decision for the question model and the evaluator (``(model id, GGUF path)``; the
    same file twice counts once). Blocking (nvidia-smi, file headers)."""
    seen: dict[str, GgufSpec] = {}
    by_path: dict[str, str] = {}
    for model_id, path in models:
        key = str(Path(path).resolve())
        if key in by_path:
            continue
        by_path[key] = model_id
        seen[model_id] = gguf_spec(model_id, path, n_ctx)
    decision = decide(list(seen.values()), scan if scan is not None else gpus(refresh=True),
                      llama_gpu_build() if gpu_build is None else gpu_build)
    # a model that shares another's file gets that file's offload
    extra = [Offload(mid, decision.offload(by_path[str(Path(p).resolve())]).n_gpu_layers, 0)
             for mid, p in models if mid not in seen]
    if extra:
        decision = GpuDecision(OffloadPlan(decision.plan.mode, decision.plan.models + tuple(extra)),
                               decision.note_key, decision.note_args, decision.gpu)
    log.info("GPU plan: %s (%s)", decision.plan, decision.note_key)
    return decision


class LaneModel(Protocol):
    """What :class:`GpuLane` needs of a model (engines.llm.llama_cpp_model.LlamaCppModel)."""

    model_id: str

    def load(self) -> None: ...

    def unload(self) -> None: ...


class GpuLane:
    """One GPU slot shared by models that do not fit together.

    ``with lane.use(model):`` makes ``model`` the resident one (``model.unload()`` on the
    previous resident, ``model.load()`` on this one) and holds the lane for the duration, so
    the other model waits instead of loading beside it. A model must take its own lock
    *before* the lane (one order everywhere: no deadlock); ``unload`` is called without the
    evicted model's lock, which is safe because a model only touches its weights inside the
    lane."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._resident: LaneModel | None = None
        self.swaps = 0

    @property
    def resident(self) -> LaneModel | None:
        return self._resident

    @contextmanager
    def use(self, model: LaneModel) -> Iterator[None]:
        with self._lock:
            if self._resident is not model:
                if self._resident is not None:
                    log.info("GPU lane: unloading %s for %s", self._resident.model_id, model.model_id)
                    self._resident.unload()
                    self._resident = None
                model.load()
                self._resident = model
                self.swaps += 1
            yield

    def release(self, model: LaneModel) -> None:
        with self._lock:
            if self._resident is model:
                model.unload()
                self._resident = None


_lane: GpuLane | None = None
_decisions: dict[tuple, GpuDecision] = {}
_process_lock = threading.Lock()


def shared_lane() -> GpuLane:
    """The process's one lane (the app has one GPU budget); made on first use."""
    global _lane
    with _process_lock:
        if _lane is None:
            _lane = GpuLane()
        return _lane


def process_plan(models: Sequence[tuple[str, Path]], *, n_ctx: int = 4096) -> GpuDecision:
    """:func:`plan_models`, decided once per process for a set of models: once our own models
    sit on the GPU its free memory shrinks, and planning again would load a second copy."""
    key = (tuple((m, str(Path(p).resolve())) for m, p in models), n_ctx)
    with _process_lock:
        hit = _decisions.get(key)
    if hit is not None:
        return hit
    decision = plan_models(models, n_ctx=n_ctx)
    with _process_lock:
        return _decisions.setdefault(key, decision)


class Placement(TypedDict, total=False):
    """Keyword arguments of a language-model loader (engines.assembly.LLM_RUNTIMES)."""

    n_gpu_layers: int | None  # None: decided by the adapter; -1: every layer
    lane: GpuLane | None  # the shared lane when the models take turns on the GPU
    n_ctx: int


def offload_kwargs(decision: GpuDecision, model_id: str) -> Placement:
    """``n_gpu_layers`` and ``lane`` for :meth:`LlamaCppModel.shared` under ``decision``."""
    return {"n_gpu_layers": decision.offload(model_id).n_gpu_layers,
            "lane": shared_lane() if decision.one_at_a_time else None}


def llm_placement(manager: ModelManager, *, n_ctx: int = 4096, force: bool = False) -> GpuDecision | None:
    """The decision for the LLMs an interview loads under ``manager``'s choice: the active
    question model and evaluator when they are GGUFs that will be used (recommended models,
    or any with ``force``). None when no LLM will load. Blocking (see :func:`process_plan`)."""
    models: list[tuple[str, Path]] = []
    for cap in ("llm", "evaluator"):
        try:
            entry = manager.active(cap)
        except ModelError:
            continue
        if entry is None or entry.format != "gguf" or not (force or entry.is_capable):
            continue
        path = manager.path(entry.id)
        if path is not None and Path(path).is_file():
            models.append((entry.id, Path(path)))
    if not models:
        return None
    return process_plan(models, n_ctx=n_ctx)
