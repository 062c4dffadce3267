"""Blink detection from a per-frame eye-openness signal (pure; no OpenCV).

The signal is any measure that drops when the lids close (the eye tracker's contrast of the
eye region). Absolute values differ per person, lighting and camera, so each value is
normalised by a running baseline: a high percentile of the recent open-eye values. A closure
starts when the normalised value falls below ``close_ratio`` and ends when it rises above
``open_ratio`` (hysteresis, so noise near one threshold does not flicker). A closure of
``min_frames``..``max_seconds`` is a blink; a longer one is "eyes closed", not a blink.

Not thread-safe: one detector per stream.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np


@dataclass
class BlinkEvent:
    start: float  # session seconds of the first closed frame
    end: float  # session seconds of the last closed frame
    start_index: int
    end_index: int
    min_ratio: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class BlinkUpdate:
    ratio: float | None  # openness / baseline, None while the baseline is still forming
    closed: bool
    blink: BlinkEvent | None = None  # set on the frame a blink ends


class BlinkDetector:
    def __init__(self, close_ratio: float = 0.8, open_ratio: float = 0.9,
                 baseline_frames: int = 90, baseline_percentile: float = 70.0,
                 min_baseline: int = 8, min_frames: int = 1, max_seconds: float = 0.7) -> None:
        if not 0 < close_ratio < open_ratio <= 1.5:
            raise ValueError("need 0 < close_ratio < open_ratio")
        self.close_ratio = close_ratio
        self.open_ratio = open_ratio
        self.baseline_percentile = baseline_percentile
        self.min_baseline = min_baseline
        self.min_frames = min_frames
        self.max_seconds = max_seconds
        self._history: deque[float] = deque(maxlen=baseline_frames)
        self.reset()

    def reset(self) -> None:
        self._history.clear()
        self._closed_since: tuple[float, int] | None = None
        self._closed_frames = 0
        self._min_ratio = 1.0
        self._last: tuple[float, int] = (0.0, 0)
        self.blinks: list[BlinkEvent] = []

    def baseline(self) -> float | None:
        if len(self._history) < self.min_baseline:
            return None
        return float(np.percentile(np.fromiter(self._history, float), self.baseline_percentile))

    def update(self, t: float, index: int, openness: float | None) -> BlinkUpdate:
        """Feed one frame. ``openness`` None (no face/eyes) ends any closure without a blink."""
        if openness is None or not np.isfinite(openness):
            self._closed_since = None
            return BlinkUpdate(None, False)
        base = self.baseline()
        ratio = None if base is None or base <= 0 else openness / base
        event = None
        if ratio is not None and self._closed_since is None and ratio < self.close_ratio:
            self._closed_since = (t, index)
            self._closed_frames = 0
            self._min_ratio = ratio
        if self._closed_since is not None and ratio is not None:
            if ratio > self.open_ratio:
                t0, i0 = self._closed_since
                t1, i1 = self._last
                self._closed_since = None
                if self._closed_frames >= self.min_frames and (t1 - t0) <= self.max_seconds:
                    event = BlinkEvent(t0, t1, i0, i1, self._min_ratio)
                    self.blinks.append(event)
            else:
                self._closed_frames += 1
                self._min_ratio = min(self._min_ratio, ratio)
        closed = self._closed_since is not None
        # Only open-eye frames feed the baseline, so a long closure cannot drag it down.
        if not closed:
            self._history.append(float(openness))
        self._last = (t, index)
        return BlinkUpdate(ratio, closed, event)
