"""``big20 doctor``: does each part of the app run on *this* machine, and what to do if not.

Per capability: the active model, whether its native runtime loads and runs here (each one
exercised in a child process by :mod:`engines.runtime_probe`, so a runtime that crashes the
CPU cannot take the doctor down with it), and the fix for each failure. Then the machine:
the CPU features llama.cpp was built to use against those the CPU advertises, the camera, the
microphone, an NVIDIA GPU, and the free disk in the data folder.

:func:`diagnose` returns plain data (also what the first-run wizard shows); :func:`render`
turns it into lines in the user's language. Fresh probes are written to the probe cache, so
after a runtime is reinstalled the doctor also clears an earlier refusal.
Threading: blocking (child processes, device enumeration): call it off the UI thread.
"""

from __future__ import annotations

import argparse
import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from core.errors import Big20Error, DeviceError
from core.i18n import tr
from core.paths import app_paths
from engines.capture.audio import list_input_devices
from engines.capture.video import OpenCVCamera
from engines.llm.gpu import capacity_decision, gpus, llama_gpu_build, llm_placement
from engines.models.manager import ModelManager
from engines.runtime_probe import ProbeResult, cpu_flags, probe, remember, runtime_for
from engines.stt.whisper_runtime import whisper_placement

CAPABILITIES = ("llm", "evaluator", "embed", "stt", "vad", "eyes", "emotion", "tts")
# CPU features that matter to llama.cpp's CPU kernels, in the order we print them
_CPU_FLAGS = ("avx", "avx2", "fma", "f16c", "avx512f", "avx512_vnni", "amx_tile", "amx_int8", "amx_bf16")


@dataclass
class CapabilityCheck:
    capability: str
    model_id: str | None
    runtime: str | None
    status: str  # ok | crashed | failed | timeout | missing | not_probed
    detail: str = ""
    seconds: float = 0.0
    info: dict | None = None


@dataclass
class Diagnosis:
    capabilities: list[CapabilityCheck] = field(default_factory=list)
    cpu_flags: list[str] = field(default_factory=list)
    llama_features: str = ""
    cameras: list[str] = field(default_factory=list)
    microphones: list[str] = field(default_factory=list)
    microphone_error: str = ""
    gpus: list[str] = field(default_factory=list)
    gpu_reason: str = ""  # why no GPU was found
    llm_placement: str = ""  # where the language models run and why (engines.llm.gpu), UI language
    stt_placement: str = ""  # where faster-whisper runs
    free_disk_gb: float | None = None

    @property
    def ok(self) -> bool:
        return not any(c.status in ("crashed", "failed", "missing") for c in self.capabilities)

    def as_json(self) -> dict[str, object]:
        return {**asdict(self), "ok": self.ok}


def _cpu_flags() -> list[str]:
    present = set(cpu_flags().split())
    return [f for f in _CPU_FLAGS if f in present]


def _cameras() -> list[str]:
    """Video capture devices the OS exposes (Linux: /dev/video*, each opened briefly)."""
    found = []
    for dev in sorted(Path("/dev").glob("video*")):
        try:
            index = int(dev.name[len("video"):])
        except ValueError:
            continue
        cam = OpenCVCamera(index)
        try:
            cam.open()
        except DeviceError:
            continue
        found.append(f"{dev} {cam.size[0]}x{cam.size[1]}")
        cam.close()
    return found


def _microphones() -> tuple[list[str], str]:
    try:
        return [d.name for d in list_input_devices()], ""
    except DeviceError as exc:
        return [], str(exc)


def _gpus() -> tuple[list[str], str]:
    scan = gpus(refresh=True)
    return [g.describe() for g in scan.gpus], scan.reason


def _placements(manager: ModelManager, lang: str) -> tuple[str, str]:
    """Where the LLMs and speech recognition run on this machine, as the app would place them."""
    try:
        decision = llm_placement(manager) or capacity_decision(gpus(), llama_gpu_build())
        llm = decision.note(lang)
    except Big20Error as exc:
        llm = exc.localized(lang)
    try:
        _, stt_dir = manager.require("stt")
    except Big20Error:
        stt_dir = None  # no speech model: nothing to run on a GPU
    placed = whisper_placement(model_dir=stt_dir)
    if placed.device == "cuda":
        stt = tr("gpu.whisper.cuda", lang, compute_type=placed.compute_type)
    else:
        stt = tr("gpu.whisper.cpu", lang, why=f" ({placed.note})" if placed.note else "")
    return llm, stt


def diagnose(manager: ModelManager, *, on_check: Callable[[CapabilityCheck], None] | None = None,
             prober: Callable[[str, Path | None], ProbeResult] | None = None, lang: str = "en") -> Diagnosis:
    """Probe every capability's active model and look at the machine."""
    diag = Diagnosis(cpu_flags=_cpu_flags())
    seen: dict[tuple[str, str], ProbeResult] = {}  # the llm and evaluator often share one file
    for cap in CAPABILITIES:
        entry = manager.active(cap)
        if entry is None:
            check = CapabilityCheck(cap, None, None, "missing")
        else:
            runtime = runtime_for(entry)
            path = manager.path(entry.id)
            if runtime is None:
                check = CapabilityCheck(cap, entry.id, None, "not_probed")
            else:
                result = seen.get((runtime, str(path)))
                if result is None:
                    result = seen[(runtime, str(path))] = (prober or probe)(runtime, path)
                    remember(runtime, path, result)
                check = CapabilityCheck(cap, entry.id, runtime, result.status, result.detail,
                                        round(result.seconds, 2), result.info)
                if result.info and result.info.get("cpu_features") and not diag.llama_features:
                    diag.llama_features = result.info["cpu_features"]
        diag.capabilities.append(check)
        if on_check is not None:
            on_check(check)
    return check_machine(manager, lang=lang, into=diag)


def check_machine(manager: ModelManager, *, lang: str = "en", into: Diagnosis | None = None) -> Diagnosis:
    """The machine part of the diagnosis (camera, microphone, GPU and where the models would
    run, free disk) without the runtime probes: what the first-run wizard checks."""
    diag = into or Diagnosis(cpu_flags=_cpu_flags())
    diag.cameras = _cameras()
    diag.microphones, diag.microphone_error = _microphones()
    diag.gpus, diag.gpu_reason = _gpus()
    diag.llm_placement, diag.stt_placement = _placements(manager, lang)
    diag.free_disk_gb = free_disk_gb()
    return diag


def free_disk_gb() -> float | None:
    """Free space (GB) where models and recordings are kept."""
    try:
        paths = app_paths().ensure()
        return round(min(shutil.disk_usage(paths.data_dir).free, shutil.disk_usage(paths.models_dir).free) / 1e9, 1)
    except OSError:
        return None


def _llama_used(features: str) -> str:
    """``AVX2 = 1 | AMX_INT8 = 0 | ...`` -> the features set to 1, e.g. ``AVX2 FMA F16C``."""
    used = []
    for part in features.replace("CPU :", "|").split("|"):
        name, _, value = part.partition("=")
        if value.strip() == "1":
            used.append(name.strip())
    return " ".join(used)


def render_check(c: CapabilityCheck, lang: str) -> list[str]:
    name = tr(f"doctor.cap.{c.capability}", lang)
    state = tr(f"doctor.state.{c.status}", lang)
    head = f"{state:8} {name}: {c.model_id or '-'}"
    if c.runtime:
        head += f"  [{c.runtime}{f', {c.seconds:.1f} s' if c.seconds else ''}]"
    lines = [head]
    if c.status in ("crashed", "failed", "timeout"):
        lines.append("         " + tr("doctor.detail", lang, detail=c.detail or "-"))
    if c.status != "ok" and c.status != "not_probed":
        lines.append("         " + tr(f"doctor.fix.{c.status}", lang, capability=c.capability,
                                      runtime=c.runtime or "", id=c.model_id or ""))
    return lines


def render(diag: Diagnosis, lang: str, *, checks_printed: bool = False) -> list[str]:
    lines: list[str] = []
    if not checks_printed:
        for c in diag.capabilities:
            lines += render_check(c, lang)
    lines.append("")
    lines.append(tr("doctor.cpu", lang, flags=" ".join(diag.cpu_flags) or "-"))
    if diag.llama_features:
        lines.append(tr("doctor.llama_features", lang, features=_llama_used(diag.llama_features) or "-"))
        if {"amx_tile", "amx_int8"} & set(diag.cpu_flags) and "AMX" not in _llama_used(diag.llama_features):
            lines.append("  " + tr("doctor.amx_off", lang))
    lines.append(tr("doctor.camera", lang, found=", ".join(diag.cameras)) if diag.cameras
                 else tr("doctor.no_camera", lang))
    if diag.microphones:
        lines.append(tr("doctor.microphone", lang, found=", ".join(diag.microphones)))
    else:
        reason = diag.microphone_error or tr("doctor.no_input_device", lang)
        lines.append(tr("doctor.no_microphone", lang, reason=reason))
    lines.append(tr("doctor.gpu", lang, found="; ".join(diag.gpus)) if diag.gpus else tr("doctor.no_gpu", lang))
    for placement in (diag.llm_placement, diag.stt_placement):
        if placement:
            lines.append("  " + placement)
    if diag.free_disk_gb is not None:
        lines.append(tr("doctor.disk", lang, gb=diag.free_disk_gb))
    lines.append("")
    lines.append(tr("doctor.all_ok" if diag.ok else "doctor.some_bad", lang))
    return lines


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctor", help="check that every engine runs on this machine, and say what to fix")
    p.add_argument("--json", action="store_true", help="print the diagnosis as one JSON object")
    p.set_defaults(func=cmd_doctor)


def cmd_doctor(args: argparse.Namespace) -> int:
    lang = args.settings.language
    manager = ModelManager(choice=args.settings.models)
    if args.json:
        diag = diagnose(manager, lang=lang)
        print(json.dumps(diag.as_json(), ensure_ascii=False))
    else:
        print(tr("doctor.heading", lang), flush=True)

        def show(c: CapabilityCheck) -> None:
            print("\n".join(render_check(c, lang)), flush=True)

        diag = diagnose(manager, on_check=show, lang=lang)
        print("\n".join(render(diag, lang, checks_printed=True)))
    return 0 if diag.ok else 1
