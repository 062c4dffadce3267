"""Run a native runtime once in a child process before trusting it in ours.

Why: llama.cpp is native code compiled for a CPU. On machines that advertise instructions
they then trap on (AMX on some Sapphire Rapids hosts), or with a wheel built natively on
another CPU, the first matrix multiply kills the whole process with SIGILL: in the app that
is the window vanishing at the first question. A child that loads the model and generates a
couple of tokens dies instead of us, and we refuse that engine with a message naming it and
saying what to do, while the bank planner and the rubric evaluator keep working.

Contract:
- :func:`probe` runs one probe in a child (``python -m engines.runtime_probe <runtime> <path>``)
  and classifies its end: ``ok``, ``crashed`` (killed by a signal: SIGILL, SIGSEGV, ...),
  ``failed`` (exited non-zero: an exception, a damaged file) or ``timeout`` (inconclusive).
- :func:`ensure_runtime` is the guard the adapters call before loading a runtime in-process.
  Its verdict is remembered per *build* (runtime version, the size and mtime of its native
  libraries, this CPU's flags, the model file's size), in memory and in
  ``<cache_dir>/runtime_probes.json``, so the child runs once per build and model, not per
  load. A crash or failure raises :class:`RuntimeRefused`; a timeout is logged and allowed,
  because a slow machine is not a broken one, and is not remembered.
- ``BIG20_RUNTIME_PROBE=off`` skips the guard (for the probe's own child and for debugging).

Threading: any thread; the memo is guarded by a lock and the child is waited on by the
calling thread, so call it from a worker, never from the UI thread (a first probe of a large
GGUF takes seconds).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, cast

from core.errors import ModelError
from core.gpu_plan import cuda_compute_type
from core.paths import app_paths

if TYPE_CHECKING:  # the probe's child starts bare: llama_cpp is imported there, the catalog never
    from llama_cpp.llama_types import CreateCompletionResponse

    from core.catalog import ModelEntry

log = logging.getLogger(__name__)

PROBE_TIMEOUT_S = 180.0
#: what each runtime's child does, to show the user (``doctor``) and to key the cache
RUNTIMES = ("llama.cpp", "llama.cpp-embed", "faster-whisper", "faster-whisper-cuda", "silero-vad", "opencv",
            "keras-fer", "espeak-ng")

_MEMO: dict[str, "ProbeResult"] = {}
_LOCK = threading.Lock()


class RuntimeRefused(ModelError):
    """A native runtime crashed or failed in its probe, so it is not loaded in this process."""

    code = "runtime.refused"


@dataclass(frozen=True)
class ProbeResult:
    runtime: str
    status: str  # ok | crashed | failed | timeout
    detail: str = ""  # signal name, exit code and the child's last words
    seconds: float = 0.0
    info: dict | None = None  # what the child reported (e.g. llama.cpp's CPU features)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def refused(self) -> bool:
        return self.status in ("crashed", "failed")


# ---------------------------------------------------------------------------- the parent side
def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["BIG20_RUNTIME_PROBE"] = "off"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return env


def run_probe_command(runtime: str, cmd: list[str], *, timeout: float = PROBE_TIMEOUT_S) -> ProbeResult:
    """Run ``cmd`` as the probe of ``runtime`` and classify how it ended.

    The child prints one JSON object as its last stdout line when it succeeds; anything it
    printed to stderr is kept (last 300 characters) as the detail of a failure."""
    t0 = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=_child_env(),
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return ProbeResult(runtime, "timeout", f"no answer in {timeout:.0f} s", time.monotonic() - t0)
    except OSError as exc:  # the interpreter itself could not start
        return ProbeResult(runtime, "failed", str(exc), time.monotonic() - t0)
    dt = time.monotonic() - t0
    tail = (proc.stderr or "").strip()[-300:]
    if proc.returncode < 0:
        try:
            name = signal.Signals(-proc.returncode).name
        except ValueError:
            name = f"signal {-proc.returncode}"
        return ProbeResult(runtime, "crashed", f"{name}{': ' + tail if tail else ''}", dt)
    if proc.returncode != 0:
        return ProbeResult(runtime, "failed", f"exit {proc.returncode}{': ' + tail if tail else ''}", dt)
    info = None
    lines = [ln for ln in (proc.stdout or "").splitlines() if ln.strip()]
    if lines:
        try:
            info = json.loads(lines[-1])
        except json.JSONDecodeError:
            info = None
    return ProbeResult(runtime, "ok", "", dt, info)


def probe(runtime: str, model_path: Path | str | None = None, *,
          timeout: float = PROBE_TIMEOUT_S) -> ProbeResult:
    """Probe ``runtime`` (one of :data:`RUNTIMES`) with ``model_path`` in a fresh child."""
    if runtime not in _EXERCISES:
        raise ValueError(f"unknown runtime {runtime!r}")
    cmd = [sys.executable, "-m", "engines.runtime_probe", runtime, str(model_path or "")]
    return run_probe_command(runtime, cmd, timeout=timeout)


def cpu_flags() -> str:
    """This CPU's feature flags as the OS lists them (Linux: /proc/cpuinfo)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine()


def _native_libs(runtime: str) -> list[Path]:
    import importlib.util

    module = {"llama.cpp": "llama_cpp", "llama.cpp-embed": "llama_cpp"}.get(runtime)
    if module is None:
        return []
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return []
    root = Path(list(spec.submodule_search_locations)[0])
    return sorted(p for p in root.rglob("*") if p.suffix in (".so", ".dylib", ".dll"))


def build_key(runtime: str, model_path: Path | str | None) -> str:
    """What identifies one build of ``runtime`` on this machine with this model file."""
    parts = [runtime, sys.executable, hashlib.sha256(cpu_flags().encode()).hexdigest()[:16]]
    for lib in _native_libs(runtime):
        st = lib.stat()
        parts.append(f"{lib.name}:{st.st_size}:{int(st.st_mtime)}")
    if model_path:
        p = Path(model_path)
        try:
            st = p.stat()
            parts.append(f"{p.resolve()}:{st.st_size}:{int(st.st_mtime)}")
        except OSError:
            parts.append(str(p))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _cache_file() -> Path:
    return app_paths().cache_dir / "runtime_probes.json"


def _load_cache() -> dict[str, dict]:
    try:
        return json.loads(_cache_file().read_text("utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def remember(runtime: str, model_path: Path | str | None, result: ProbeResult) -> None:
    """Store ``result`` as the verdict for this build (a fresh probe, e.g. by ``doctor``);
    a timeout says nothing about the build and is not stored."""
    if result.status == "timeout":
        return
    key = build_key(runtime, model_path)
    with _LOCK:
        _MEMO[key] = result
    _save_cache(key, result)


def _save_cache(key: str, result: ProbeResult) -> None:
    path = _cache_file()
    data = _load_cache()
    data[key] = asdict(result)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1), "utf-8")
        os.replace(tmp, path)
    except OSError:  # a read-only cache folder costs a re-probe next time, nothing more
        log.warning("could not remember the runtime probe in %s", path, exc_info=True)


def checked(runtime: str, model_path: Path | str | None = None, *,
            prober: Callable[[str, Path | str | None], ProbeResult] | None = None) -> ProbeResult:
    """The remembered verdict for this build, probing once when there is none."""
    key = build_key(runtime, model_path)
    with _LOCK:
        hit = _MEMO.get(key)
        if hit is None:
            stored = _load_cache().get(key)
            if stored:
                hit = ProbeResult(**stored)
        if hit is None:
            log.info("probing %s with %s in a child process", runtime, model_path)
            hit = (prober or probe)(runtime, model_path)
            log.info("probe of %s: %s %s (%.1f s)", runtime, hit.status, hit.detail, hit.seconds)
            if hit.status != "timeout":
                _save_cache(key, hit)
        _MEMO[key] = hit
        return hit


def ensure_runtime(runtime: str, model_path: Path | str | None = None, *, engine: str = "",
                   prober: Callable[[str, Path | str | None], ProbeResult] | None = None) -> None:
    """Raise :class:`RuntimeRefused` if ``runtime`` crashed or failed in its probe on this build."""
    if os.environ.get("BIG20_RUNTIME_PROBE", "").lower() in ("off", "0", "no"):
        return
    result = checked(runtime, model_path, prober=prober)
    if result.refused:
        raise RuntimeRefused(runtime=runtime, engine=engine or runtime, status=result.status,
                             detail=result.detail or "-")
    if result.status == "timeout":
        log.warning("the %s probe did not finish (%s); loading it anyway", runtime, result.detail)


def forget() -> None:
    """Drop the in-memory verdicts (tests; after the runtime was reinstalled)."""
    with _LOCK:
        _MEMO.clear()


# ---------------------------------------------------------------------------- the child side
def _llama_info() -> dict:
    import llama_cpp

    try:
        features = llama_cpp.llama_print_system_info().decode("utf-8", "replace").strip()
    except (AttributeError, UnicodeError):
        features = ""
    try:
        gpu = bool(llama_cpp.llama_supports_gpu_offload())
    except AttributeError:
        gpu = False
    return {"version": getattr(llama_cpp, "__version__", "?"), "cpu_features": features, "gpu_offload": gpu}


def _exercise_llama(path: str) -> dict:
    from llama_cpp import Llama

    llm = Llama(model_path=path, n_ctx=128, n_threads=1, verbose=False)
    out = cast("CreateCompletionResponse", llm("Hello", max_tokens=2, temperature=0.0))  # not streamed
    return {**_llama_info(), "tokens": out["usage"]["completion_tokens"]}


def _exercise_llama_embed(path: str) -> dict:
    from llama_cpp import Llama

    llm = Llama(model_path=path, n_ctx=128, n_threads=1, embedding=True, verbose=False)
    vec = llm.embed("Hello")
    dim = len(vec[0]) if vec and isinstance(vec[0], list) else len(vec)
    return {**_llama_info(), "dim": dim}


def _exercise_whisper(path: str) -> dict:
    import numpy as np
    from faster_whisper import WhisperModel

    model = WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=1)
    t = np.arange(16000, dtype=np.float32) / 16000.0
    segments, info = model.transcribe(0.05 * np.sin(2 * np.pi * 220 * t).astype(np.float32),
                                      language="en", beam_size=1, vad_filter=False)
    list(segments)
    import ctranslate2

    return {"ctranslate2": ctranslate2.__version__, "duration": info.duration}


def _exercise_whisper_cuda(path: str) -> dict:
    """faster-whisper's encoder and decoder on the GPU: a missing cuDNN or cuBLAS aborts the
    process here, in the child, instead of in the app. ``path``: a CTranslate2 model folder."""
    import ctranslate2
    import numpy as np
    from faster_whisper import WhisperModel

    if not path:
        raise ValueError("faster-whisper-cuda needs a model folder to run on the GPU")
    folder = path
    ct = cuda_compute_type(None, set(ctranslate2.get_supported_compute_types("cuda")))
    model = WhisperModel(folder, device="cuda", compute_type=ct)
    t = np.arange(16000, dtype=np.float32) / 16000.0
    segments, info = model.transcribe(0.05 * np.sin(2 * np.pi * 220 * t).astype(np.float32),
                                      language="en", beam_size=1, vad_filter=False)
    list(segments)
    return {"ctranslate2": ctranslate2.__version__, "compute_type": ct,
            "cuda_devices": ctranslate2.get_cuda_device_count()}


def _exercise_silero(path: str) -> dict:
    import numpy as np
    from faster_whisper.vad import get_speech_timestamps

    get_speech_timestamps(np.zeros(16000, dtype=np.float32))
    import onnxruntime

    return {"onnxruntime": onnxruntime.__version__}


def _exercise_opencv(path: str) -> dict:
    import cv2
    import numpy as np

    if path.endswith(".onnx"):  # YuNet
        detector = cv2.FaceDetectorYN.create(path, "", (160, 120))
        detector.detect(np.zeros((120, 160, 3), dtype=np.uint8))
        return {"opencv": cv2.__version__}
    cascade = cv2.CascadeClassifier(path or (cv2.data.haarcascades  # type: ignore[attr-defined]
                                             + "haarcascade_frontalface_default.xml"))
    if cascade.empty():
        raise RuntimeError(f"cascade {path} did not load")
    cascade.detectMultiScale(np.zeros((120, 160), dtype=np.uint8))
    return {"opencv": cv2.__version__}


def _exercise_keras_fer(path: str) -> dict:
    import numpy as np
    import tf_keras

    model = tf_keras.models.load_model(path, compile=False)
    model.predict_on_batch(np.zeros((1, 64, 64, 1), dtype=np.float32))
    return {"tf_keras": tf_keras.__version__}


def _exercise_espeak(path: str) -> dict:
    exe = path or "espeak-ng"
    out = subprocess.run([exe, "--stdout", "test"], capture_output=True, timeout=30, check=True)
    if len(out.stdout) < 100:
        raise RuntimeError("espeak-ng produced no audio")
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30).stdout
    return {"espeak-ng": version.strip()[:80]}


_EXERCISES: dict[str, Callable[[str], dict]] = {
    "llama.cpp": _exercise_llama,
    "llama.cpp-embed": _exercise_llama_embed,
    "faster-whisper": _exercise_whisper,
    "faster-whisper-cuda": _exercise_whisper_cuda,
    "silero-vad": _exercise_silero,
    "opencv": _exercise_opencv,
    "keras-fer": _exercise_keras_fer,
    "espeak-ng": _exercise_espeak,
}


def runtime_for(entry: ModelEntry) -> str | None:
    """The probe that exercises catalog model ``entry`` (a ModelEntry), or None when there is
    none for it (DeepFace builds its network in code and loads weights into it: no file-level probe)."""
    cap, fmt = entry.capability, entry.format
    if fmt == "gguf":
        return "llama.cpp-embed" if cap == "embed" else "llama.cpp"
    if (cap, fmt) == ("emotion", "keras-h5"):
        return None if entry.id.startswith("deepface") else "keras-fer"
    return {("stt", "ct2"): "faster-whisper", ("vad", "onnx"): "silero-vad", ("eyes", "haar"): "opencv",
            ("eyes", "onnx"): "opencv", ("tts", "binary"): "espeak-ng"}.get((cap, fmt))


def _child_main(argv: list[str]) -> int:
    runtime, path = argv[0], (argv[1] if len(argv) > 1 else "")
    info = _EXERCISES[runtime](path)
    sys.stdout.write(json.dumps(info, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    # skip interpreter teardown: some runtimes (TensorFlow, CTranslate2) are slow or noisy at exit
    os._exit(0)


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
