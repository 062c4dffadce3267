"""A test-pattern camera whose frames carry their index and capture time in the picture.

:class:`PatternCamera` implements :class:`core.protocols.CameraSource` (like a webcam: paced
at ``fps`` in real time, or as fast as asked). Each frame shows a moving gradient (so an
encoder has real work) under a stamp: two 32-bit words drawn as black/white blocks across
the top (16 blocks per row, 4 rows), big enough to survive VP8/H.264 at modest bitrates:

- word 0: the frame index (24 bits) and a checksum byte;
- word 1: the capture time in milliseconds of ``time.monotonic()`` modulo 2^24, and a checksum.

:func:`read_stamp` recovers ``(index, capture_ms)`` from a decoded frame (None when the
checksum fails), which is how recordings are counted frame by frame and how glass-to-glass
latency is measured (bench.webrtc). numpy only; not thread-safe (one reader thread).
"""

from __future__ import annotations

import time
from typing import Callable

import numpy as np

from core.errors import DeviceError
from core.protocols import Frame

COLS, ROWS = 16, 4  # 2 words x 32 bits
_MASK24 = (1 << 24) - 1


def _word(value: int) -> int:
    value &= _MASK24
    check = (value * 2654435761 >> 7) & 0xFF
    return (value << 8) | check


def _unword(word: int) -> int | None:
    value = word >> 8
    return value if _word(value) == word else None


def _block(size: tuple[int, int]) -> tuple[int, int]:
    w, h = size
    return w // COLS, max(4, h // (ROWS * 4))


def draw_stamp(img: np.ndarray, index: int, capture_ms: int) -> None:
    """Draw the stamp into the top rows of a BGR/grey image in place."""
    h, w = img.shape[:2]
    bw, bh = _block((w, h))
    bits = [(_word(index) >> (31 - i)) & 1 for i in range(32)] + \
        [(_word(capture_ms) >> (31 - i)) & 1 for i in range(32)]
    for k, bit in enumerate(bits):
        r, c = divmod(k, COLS)
        img[r * bh:(r + 1) * bh, c * bw:(c + 1) * bw] = 255 if bit else 0


def read_stamp(img: np.ndarray) -> tuple[int, int] | None:
    """``(index, capture_ms)`` from a decoded BGR (or grey / Y-plane) image; None if unreadable."""
    grey = img if img.ndim == 2 else img[..., 1]
    h, w = grey.shape[:2]
    bw, bh = _block((w, h))
    words = [0, 0]
    for k in range(64):
        r, c = divmod(k, COLS)
        y0, x0 = r * bh + bh // 4, c * bw + bw // 4
        bit = 1 if grey[y0:y0 + max(1, bh // 2), x0:x0 + max(1, bw // 2)].mean() > 127 else 0
        words[k // 32] = (words[k // 32] << 1) | bit
    index, ms = _unword(words[0]), _unword(words[1])
    if index is None or ms is None:
        return None
    return index, ms


def now_ms() -> int:
    """The capture clock written into word 1 (monotonic milliseconds, modulo 2^24)."""
    return int(time.monotonic() * 1000) & _MASK24


def age_ms(capture_ms: int, at_ms: int | None = None) -> int:
    """Milliseconds from ``capture_ms`` to ``at_ms`` (default now), across the 2^24 wrap."""
    return ((now_ms() if at_ms is None else at_ms) - capture_ms) & _MASK24


class PatternCamera:
    """``frames``: how many frames before end of stream (None: endless); ``realtime`` paces
    ``read()`` at ``fps`` on ``time.monotonic`` (a camera), False returns at once.
    ``clock``: the session clock for ``Frame.t`` (default: seconds since ``open``)."""

    def __init__(self, size: tuple[int, int] = (640, 480), fps: float = 30.0, *, frames: int | None = None,
                 realtime: bool = True, clock: Callable[[], float] | None = None) -> None:
        self.size = size
        self.fps = fps
        self.frames = frames
        self.realtime = realtime
        self._clock = clock
        self._index = 0
        self._t0 = 0.0
        self._open = False
        w, h = size
        yy, xx = np.mgrid[0:h, 0:w]
        self._base = ((xx + yy) % 256).astype(np.uint8)

    def open(self) -> None:
        self._index = 0
        self._t0 = time.monotonic()
        self._open = True

    def read(self) -> Frame | None:
        if not self._open:
            raise DeviceError("capture.not_open", device="pattern")
        if self.frames is not None and self._index >= self.frames:
            return None
        media_t = self._index / self.fps
        if self.realtime:
            wait = self._t0 + media_t - time.monotonic()
            if wait > 0:
                time.sleep(wait)  # pacing like a camera
        shift = (self._index * 4) % 256
        grey = self._base + np.uint8(shift)
        img = np.stack([grey, np.roll(grey, self._index, axis=1), 255 - grey], axis=-1)
        draw_stamp(img, self._index, now_ms())
        t = self._clock() if self._clock else (time.monotonic() - self._t0 if self.realtime else media_t)
        f = Frame(image=img, t=t, index=self._index)
        self._index += 1
        return f

    def close(self) -> None:
        self._open = False
