"""Video sources with one interface (:class:`core.protocols.CameraSource`).

- :class:`OpenCVCamera`: a webcam through ``cv2.VideoCapture`` (device index, resolution,
  fps). A missing or busy camera raises :class:`core.errors.DeviceError` at ``open()``.
- :class:`FileVideoSource`: a video file or a folder of images, either paced in real time
  (as a camera would deliver it) or as fast as possible (replay, tests, benchmarks), and
  optionally looped (long-session replays from a short clip).

Frames are stamped on the session clock given to the source (``clock()`` -> seconds); a
file source without a clock stamps media time (index / fps), which is what fast replay needs.
Not thread-safe: one reader thread per source.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from core.errors import DeviceError, InputError
from core.protocols import Frame

if TYPE_CHECKING:  # cv2 itself is imported when a source opens (start-up time)
    import cv2
    import numpy as np

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}


class OpenCVCamera:
    def __init__(self, device: int = 0, size: tuple[int, int] = (640, 480), fps: float = 30.0,
                 clock: Callable[[], float] | None = None, backend: int | None = None) -> None:
        self.device = device
        self.size = size
        self.fps = fps
        self._clock = clock or time.monotonic
        self._backend = backend
        self._cap: cv2.VideoCapture | None = None  # while open
        self._index = 0

    def open(self) -> None:
        import cv2

        cap = cv2.VideoCapture(self.device) if self._backend is None \
            else cv2.VideoCapture(self.device, self._backend)
        if not cap.isOpened():
            cap.release()
            raise DeviceError("capture.camera_unavailable", device=self.device)
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.size[0])
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.size[1])
        cap.set(cv2.CAP_PROP_FPS, self.fps)
        ok, img = cap.read()
        if not ok or img is None:  # opened but another program holds the stream
            cap.release()
            raise DeviceError("capture.camera_busy", device=self.device)
        self.size = (img.shape[1], img.shape[0])
        got = cap.get(cv2.CAP_PROP_FPS)
        if got and got > 0:
            self.fps = float(got)
        self._cap = cap
        self._index = 0

    def read(self) -> Frame | None:
        if self._cap is None:
            raise DeviceError("capture.not_open", device=self.device)
        ok, img = self._cap.read()
        if not ok:
            return None
        f = Frame(image=img, t=self._clock(), index=self._index)
        self._index += 1
        return f

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


class FileVideoSource:
    """A video file or a folder of images (sorted by name) as a camera.

    ``realtime`` True paces ``read()`` at ``fps`` (waiting on ``time.monotonic``);
    False returns frames as fast as they decode. ``loop`` restarts at the end
    (``max_frames`` bounds a looped replay). Folder sources use ``fps`` (default 30).
    """

    def __init__(self, path: Path | str, *, realtime: bool = False, loop: bool = False,
                 fps: float | None = None, max_frames: int | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        self.path = Path(path)
        self.realtime = realtime
        self.loop = loop
        self.max_frames = max_frames
        self._clock = clock
        self.fps = fps or 30.0
        self.size = (0, 0)
        self._fps_override = fps
        self._cap: cv2.VideoCapture | None = None  # while open
        self._images: list[Path] | None = None
        self._pending: np.ndarray | None = None  # the probe frame, returned first
        self._pos = 0
        self._index = 0
        self._t0 = 0.0

    def open(self) -> None:
        import cv2

        if not self.path.exists():
            raise InputError("capture.file_missing", path=str(self.path))
        if self.path.is_dir():
            imgs = sorted(p for p in self.path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
            if not imgs:
                raise InputError("capture.folder_empty", path=str(self.path))
            first = cv2.imread(str(imgs[0]))
            if first is None:
                raise InputError("capture.file_unreadable", path=str(imgs[0]))
            self._images = imgs
            self.size = (first.shape[1], first.shape[0])
        else:
            cap = cv2.VideoCapture(str(self.path))
            ok, first = cap.read() if cap.isOpened() else (False, None)
            if not ok or first is None:
                cap.release()
                raise InputError("capture.file_unreadable", path=str(self.path))
            # Keep the probe frame instead of seeking back: seeking is unreliable for MPEG.
            self._pending = first
            self._cap = cap
            self.size = (first.shape[1], first.shape[0])
            if self._fps_override is None:
                got = cap.get(cv2.CAP_PROP_FPS)
                self.fps = float(got) if got and got > 0 else 25.0
        self._pos = 0
        self._index = 0
        self._t0 = time.monotonic()

    def _reopen(self) -> bool:
        import cv2

        if self._cap is not None:
            self._cap.release()
        self._cap = cv2.VideoCapture(str(self.path))
        return self._cap.isOpened()

    def _next_image(self) -> np.ndarray | None:
        import cv2

        if self._images is not None:
            if self._pos >= len(self._images):
                if not self.loop:
                    return None
                self._pos = 0
            img = cv2.imread(str(self._images[self._pos]))
            self._pos += 1
            return img
        assert self._cap is not None
        if self._pending is not None:
            img, self._pending = self._pending, None
            self._pos += 1
            return img
        ok, img = self._cap.read()
        if not ok and self.loop and self._pos > 0 and self._reopen():
            self._pos = 0
            ok, img = self._cap.read()
        if not ok:
            return None
        self._pos += 1
        return img

    def read(self) -> Frame | None:
        if self._cap is None and self._images is None:
            raise InputError("capture.not_open_file", path=str(self.path))
        if self.max_frames is not None and self._index >= self.max_frames:
            return None
        img = self._next_image()
        if img is None:
            return None
        media_t = self._index / self.fps
        if self.realtime:
            wait = self._t0 + media_t - time.monotonic()
            if wait > 0:
                time.sleep(wait)  # pacing like a camera; only in realtime mode
        t = self._clock() if self._clock else media_t
        f = Frame(image=img, t=t, index=self._index)
        self._index += 1
        return f

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
        self._images = None
