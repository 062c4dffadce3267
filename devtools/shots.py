"""Helpers the screenshot renderers share: the window size, grabbing a window to PNG, waiting
for a condition while Qt runs, and the gaze metrics of the drawn demo face. UI thread."""

from __future__ import annotations

import logging
import math
import time
from pathlib import Path
from typing import Any, Callable

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from core.vision.summary import answer_metrics
from desktop.controllers.live import _timeline_gaze
from devtools.demo import SyntheticFaceCamera
from engines.assembly import eye_tracker, model_manager

log = logging.getLogger(__name__)
SIZE = (1280, 860)


def wait_until(cond: Callable[[], bool], timeout_s: float = 60.0) -> bool:
    """Run Qt's event loop until ``cond()`` holds; False after ``timeout_s``."""
    end = time.monotonic() + timeout_s
    while not cond():
        if time.monotonic() > end:
            return False
        QTest.qWait(30)
    return True


DEMO_VISION_S = 12.0


def demo_vision(seconds: float = DEMO_VISION_S) -> dict[str, Any]:
    """Gaze metrics of the synthesised face, measured by the real tracker."""
    cam = SyntheticFaceCamera(realtime=False, max_frames=int(seconds * 15), fps=15)
    cam.open()
    tracker = eye_tracker(model_manager())
    samples = []
    while (f := cam.read()) is not None:
        samples.append(tracker.process(f))
    m = answer_metrics(samples, [], 0.0, seconds)
    g = m.as_json()
    g["timeline"] = _timeline_gaze(samples, 0.0, seconds)
    return g


def tiled(timeline: list[tuple[float, bool | None]], duration: float,
          period: float = DEMO_VISION_S) -> list[tuple[float, bool | None]]:
    """The measured ``period``-second gaze timeline repeated over ``duration`` (the demo face
    is measured once; an answer lasts longer)."""
    return [(round(t + k * period, 2), on) for k in range(math.ceil(duration / period))
            for t, on in timeline if t + k * period < duration]


def grab_window(window: QWidget, path: Path) -> None:
    """Save ``window`` as it is drawn now to ``path`` (PNG); OSError when it cannot be written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    log.info("screenshot %s", path)
