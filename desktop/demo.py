"""Demo material for screenshots and the benchmark: a synthesised face camera, a synthesised
microphone (a tone shaped like speech), and a demo database with a few finished interviews.

Nothing here reads the shared test media: the face is drawn with OpenCV primitives (skin
gradient, eyes with irises that wander, brows, mouth), so screenshots never show a real
person. Sources follow core.protocols.CameraSource / MicrophoneSource; one reader thread each.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any, Callable

from core.protocols import SAMPLE_RATE, Frame


class SyntheticFaceCamera:
    """A drawn face at ``fps`` (paced in real time when ``realtime``), 640x480 BGR."""

    def __init__(self, *, fps: float = 30.0, realtime: bool = True, max_frames: int | None = None,
                 size: tuple[int, int] = (640, 480)) -> None:
        self.fps = fps
        self.size = size
        self.realtime = realtime
        self.max_frames = max_frames
        self._i = 0
        self._t0 = 0.0
        self._open = False

    def open(self) -> None:
        self._i = 0
        self._t0 = time.monotonic()
        self._open = True

    def draw(self, i: int) -> Any:
        import cv2
        import numpy as np

        w, h = self.size
        if getattr(self, "_bg", None) is None:
            yy, xx = np.mgrid[0:h, 0:w]
            self._bg = np.ascontiguousarray(np.stack([150 + 40 * yy / h, 130 + 30 * xx / w, 120 + 20 * yy / h],
                                                     axis=-1).astype(np.uint8))
        img = self._bg.copy()
        t = i / self.fps
        cx, cy = int(w / 2 + 6 * math.sin(t * 0.7)), int(h * 0.47 + 3 * math.sin(t * 1.1))
        fw, fh = 118, 150
        cv2.rectangle(img, (cx - 150, cy + 120), (cx + 150, h), (90, 70, 60), -1)  # shoulders
        cv2.rectangle(img, (cx - 40, cy + 100), (cx + 40, cy + 170), (150, 175, 215), -1)  # neck
        cv2.ellipse(img, (cx, cy), (fw, fh), 0, 0, 360, (160, 190, 228), -1)
        cv2.ellipse(img, (cx, cy - 95), (fw + 8, 70), 0, 180, 360, (40, 40, 55), -1)  # hair
        look = 5 * math.sin(t * 0.9)
        blink = (i % 120) < 4
        for side in (-1, 1):
            ex, ey = cx + side * 45, cy - 20
            cv2.ellipse(img, (ex, ey - 26), (26, 7), 0, 180, 360, (50, 50, 60), -1)  # brow
            if blink:
                cv2.line(img, (ex - 22, ey), (ex + 22, ey), (60, 60, 70), 3)
            else:
                cv2.ellipse(img, (ex, ey), (24, 12), 0, 0, 360, (245, 245, 245), -1)
                cv2.circle(img, (int(ex + look), ey), 9, (70, 50, 30), -1)
                cv2.circle(img, (int(ex + look), ey), 4, (10, 10, 10), -1)
                cv2.ellipse(img, (ex, ey), (24, 12), 0, 0, 360, (60, 60, 70), 1)
        cv2.line(img, (cx, cy - 5), (cx - 8, cy + 32), (120, 140, 180), 2)  # nose
        cv2.ellipse(img, (cx, cy + 62), (34, 12), 0, 0, 180, (90, 90, 170), 3)  # mouth
        return cv2.GaussianBlur(img, (3, 3), 0)

    def read(self) -> Frame | None:
        if not self._open or (self.max_frames is not None and self._i >= self.max_frames):
            return None
        t = self._i / self.fps
        if self.realtime:
            wait = self._t0 + t - time.monotonic()
            if wait > 0:
                time.sleep(wait)  # paced like a camera
        f = Frame(image=self.draw(self._i), t=t, index=self._i)
        self._i += 1
        return f

    def close(self) -> None:
        self._open = False


class SyntheticMicrophone:
    """A speech-like signal (a voiced tone with syllable-rate amplitude) in real time."""

    sample_rate = SAMPLE_RATE

    def __init__(self, block_samples: int = 512) -> None:
        self.block_samples = block_samples
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, on_audio: Callable[[Any, float], None]) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(on_audio,), name="synthetic-mic", daemon=True)
        self._thread.start()

    def _run(self, on_audio) -> None:
        import numpy as np

        n, i, t0 = self.block_samples, 0, time.monotonic()
        while not self._stop.is_set():
            t = (np.arange(i, i + n) / SAMPLE_RATE).astype(np.float32)
            env = 0.5 + 0.5 * np.sin(2 * np.pi * 4.0 * t)
            block = (0.2 * env * np.sin(2 * np.pi * 180 * t)).astype(np.float32)
            due = t0 + (i + n) / SAMPLE_RATE
            if self._stop.wait(max(0.0, due - time.monotonic())):
                break
            on_audio(block, i / SAMPLE_RATE)
            i += n

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
