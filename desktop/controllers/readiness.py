"""Start-up checks: the database schema, the models for each capability, devices.

Runs in a background job (the schema upgrade and model install touch the disk). Produces a
list of :class:`CapabilityState` rows for the main window; never raises for a missing part:
a missing part is a row that says what is missing and how to fix it.
"""

from __future__ import annotations

import glob
import logging
import shutil
from dataclasses import dataclass

from core.config import Settings
from core.db.session import make_engine, upgrade_database
from core.errors import Big20Error
from core.i18n import tr
from core.tasks import CancelToken
from engines.llm.gpu import gpus, llm_placement
from engines.models.defaults import install_defaults
from engines.models.manager import ModelManager

log = logging.getLogger(__name__)

CAPABILITY_KEYS = ("llm", "evaluator", "stt", "vad", "emotion", "eyes", "embed", "tts")


@dataclass
class CapabilityState:
    key: str  # capability or "database" / "camera" / "microphone" / "deepgram"
    ready: bool
    detail: str  # model name or what is missing, in the UI language
    hint: str = ""  # how to fix it


def run_checks(settings: Settings, progress, cancel: CancelToken) -> list[CapabilityState]:
    lang = settings.language
    rows: list[CapabilityState] = []
    steps = 3 + len(CAPABILITY_KEYS)
    progress(0, steps, tr("app.check.database", lang))
    try:
        engine = make_engine(settings.resolved_database_url())
        upgrade_database(engine)
        engine.dispose()
        rows.append(CapabilityState("database", True, settings.resolved_database_url().split("///")[-1]))
    except Exception as exc:  # the window must still open and say what is wrong
        log.exception("database upgrade failed")
        rows.append(CapabilityState("database", False, str(exc), tr("app.hint.database", lang)))
    cancel.raise_if_cancelled()

    progress(1, steps, tr("app.check.models", lang))
    manager = ModelManager(choice=settings.models)
    install_defaults(manager)  # offline: assembles packaged defaults that are not yet in place
    for i, cap in enumerate(CAPABILITY_KEYS):
        cancel.raise_if_cancelled()
        progress(2 + i, steps, tr(f"app.capability.{cap}", lang))
        entry = manager.active(cap)
        if entry is None:
            options = ", ".join(m.id for m in manager.catalog.for_capability(cap))
            rows.append(CapabilityState(cap, False, tr("app.missing", lang),
                                        tr("models.capability_missing", lang, capability=cap, options=options)))
        else:
            rows.append(CapabilityState(cap, True, entry.name))

    progress(steps - 1, steps, tr("app.check.devices", lang))
    rows.append(_microphone_state(lang))
    rows.append(_camera_state(lang))
    rows.append(_gpu_state(manager, lang))
    progress(steps, steps, "")
    return rows


def _microphone_state(lang: str) -> CapabilityState:
    try:
        import sounddevice as sd

        inputs = [d for d in sd.query_devices() if d.get("max_input_channels", 0) > 0]
    except Exception as exc:  # noqa: BLE001 - PortAudio missing or no audio system: report, do not crash
        return CapabilityState("microphone", False, type(exc).__name__, tr("app.hint.microphone", lang))
    if not inputs:
        return CapabilityState("microphone", False, tr("app.none_found", lang), tr("app.hint.microphone", lang))
    return CapabilityState("microphone", True, inputs[0]["name"])


def _gpu_state(manager, lang: str) -> CapabilityState:
    """Where the language models run (GPU layers, one at a time, or the CPU and why). The CPU
    is a working state, not a failure: ``ready`` says whether the GPU is used."""
    try:
        decision = llm_placement(manager)
    except Big20Error as exc:
        return CapabilityState("gpu", False, exc.localized(lang))
    scan = gpus()
    found = "; ".join(g.describe() for g in scan.gpus) or tr("doctor.no_gpu", lang)
    if decision is None:
        return CapabilityState("gpu", bool(scan.gpus), found)
    return CapabilityState("gpu", decision.on_gpu, found, decision.note(lang))


def _camera_state(lang: str) -> CapabilityState:
    # Probing /dev/video* is enough here: opening the camera would turn its light on at start-up.

    devices = sorted(glob.glob("/dev/video*"))
    if devices or shutil.which("system_profiler"):
        return CapabilityState("camera", bool(devices), ", ".join(devices) or "?")
    return CapabilityState("camera", False, tr("app.none_found", lang), tr("app.hint.camera", lang))
