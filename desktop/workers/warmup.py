"""Getting the live interview's engines ready before the live screen opens.

Why (measured with ``python -m bench.ui --trace-stalls``, which splits each UI stall into the
UI thread running / waiting for a CPU / asleep on the GIL, and samples every thread's stack):

- loading a CTranslate2 model holds the GIL: the full-context model, loaded lazily at the end
  of the first answer, froze the UI for 222 ms;
- every first import after PySide6 is loaded goes through shiboken's feature hook, which reads
  and tokenises the module's source (``inspect.getsource``) with the GIL held: the keyring
  (with secretstorage, jeepney, cryptography, importlib_metadata), onnxruntime and
  multiprocessing imports at live-screen entry and at the first answer stalled it for
  60-120 ms;
- building an onnxruntime session (Silero VAD) holds the GIL for tens of ms;
- the speech model's compute threads compete with the UI thread for the two cores.

So :func:`warm_live_imports` imports what the live screen would import lazily, and the
planning job (already in the background, with its progress line, while the candidate checks
camera and microphone) loads the models there. :func:`run_niced` builds native engines on a
thread of lower CPU priority, so the worker threads a runtime spawns while loading (they
inherit their creator's priority on Linux) never take a core from the UI thread; the Python
threads that call them keep the normal priority, because a low-priority thread that holds the
GIL would make the UI wait longer.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
from typing import Any, Callable, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
# 5, not more: the compute threads get about a third of the UI thread's share when both want a
# core, yet captions still keep up when other programs load the machine (at 10 they lagged)
ENGINE_NICE = 5

# What the live screen and its workers import on first use (bench/ui.py --trace-stalls lists
# the modules first imported during a live session): the worker, the end-point detector and
# its runtime, the emotion child's plumbing, the summaries, stores and services it calls.
LIVE_MODULES = (
    "desktop.workers.interview", "desktop.workers.emotion_process", "desktop.workers.vision",
    "desktop.workers.lifecycle", "desktop.workers.tts",
    "engines.vad.endpoint", "engines.vad.silero", "onnxruntime",
    "engines.vision.tracker", "engines.capture.audio", "engines.capture.video",
    "core.vision.summary", "core.report.builder", "core.report.store", "core.services.interviews",
    "core.services.transcripts", "core.resume.store", "core.interview.recovery",
    "multiprocessing", "multiprocessing.connection", "multiprocessing.context", "multiprocessing.popen_spawn_posix",
    "multiprocessing.reduction", "multiprocessing.resource_tracker", "multiprocessing.spawn",
    "multiprocessing.synchronize", "multiprocessing.util",
    "keyring", "keyring.backends", "keyring.errors",
)


def warm_live_imports(modules: tuple[str, ...] = LIVE_MODULES) -> list[str]:
    """Import ``modules`` (missing optional ones are skipped); worker thread. Returns those
    that could not be imported."""
    missing = []
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            log.debug("warm-up import %s skipped: %s", name, exc)
            missing.append(name)
    if "keyring" not in missing:
        try:  # the backend is chosen (entry points scanned, backends imported) on first use
            import keyring

            keyring.get_keyring()
        except Exception:  # a broken keyring is reported where a secret is read
            log.debug("keyring backend not ready", exc_info=True)
    return missing


def lower_thread_priority(nice: int = ENGINE_NICE) -> bool:
    """Lower the calling thread's CPU priority by ``nice`` (Linux: per thread). False where
    not supported. Lowering never needs a privilege; it cannot be undone by the thread."""
    get_id = getattr(threading, "get_native_id", None)
    if get_id is None or not hasattr(os, "setpriority"):
        return False
    try:
        tid = get_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + nice))
        return True
    except OSError as exc:
        log.debug("could not lower the thread's priority: %s", exc)
        return False


def run_niced(fn: Callable[[], T], nice: int = ENGINE_NICE) -> T:
    """Run ``fn`` on a fresh thread of lower CPU priority and wait for it (any thread but the
    UI's: it blocks). Native threads ``fn`` creates inherit the lower priority."""
    box: dict[str, Any] = {}

    def run() -> None:
        lower_thread_priority(nice)
        try:
            box["result"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised on the caller's thread
            box["error"] = exc

    t = threading.Thread(target=run, name="engine-loader", daemon=True)
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    return box["result"]
