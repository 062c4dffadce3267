"""Blink detection from per-eye signals (pure numpy; no OpenCV).

Two per-eye signals come from the eye tracker each frame:

- **openness**: a measure that drops when the lids close (the tracker's vertical-edge
  strength of the eye patch). Absolute values differ per person, lighting and camera, so
  each eye is normalised by its own running baseline (a high percentile of its recent
  open-eye values) and the eyes are averaged: the *openness ratio*.
- **similarity** (optional): normalised cross-correlation of the eye patch with a reference
  of the same eye made from the recent patches (:class:`OpenEyeReference`). A blink changes
  the eye's appearance abruptly (iris gone, lid over it) even where edges barely change
  (small eyes, glasses); speech and slow head motion do not.

A closure is a *fast dip*: the dip signal (similarity when given, else the openness ratio),
normalised by its own baseline, falls by ``min_drop`` (or ``noise_k`` times its typical
frame-to-frame change, whichever is larger) below its highest value of the last
``onset_s`` seconds and below ``dip_level``. Blinks close in about 100 ms; drifts (looking
down, lighting, a head turn) are slower and fail the drop test. The closure ends when the
signal has recovered half its depth, which splits a double blink whose lids do not fully
reopen in between. It counts as a blink when it lasts at most ``max_seconds`` and the
openness ratio went below ``close_ratio`` during it: appearance change alone (a head turn)
is not a blink, the lids must have come down. Longer closures are "eyes closed".

Not thread-safe: one detector (and one reference) per stream.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class BlinkEvent:
    start: float  # session seconds of the first closed frame
    end: float  # session seconds of the last closed frame
    start_index: int
    end_index: int
    min_ratio: float  # lowest openness ratio during the closure

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class BlinkUpdate:
    ratio: float | None  # openness / baseline, None while the baseline is still forming
    closed: bool
    blink: BlinkEvent | None = None  # set on the frame a blink ends


def _as_array(v: float | Sequence[float] | None) -> np.ndarray | None:
    if v is None:
        return None
    a = np.atleast_1d(np.asarray(v, dtype=float))
    if a.size == 0 or not np.all(np.isfinite(a)):
        return None
    return a


class _Baseline:
    """Per-eye running high percentile over the last ``frames`` accepted values."""

    def __init__(self, frames: int, percentile: float, minimum: int) -> None:
        self._h: deque[np.ndarray] = deque(maxlen=frames)
        self.percentile = percentile
        self.minimum = minimum

    def clear(self) -> None:
        self._h.clear()

    def ratio(self, v: np.ndarray) -> float | None:
        """Mean over eyes of value / baseline; None while forming. A change in the number
        of eyes restarts the baseline (the values are per eye)."""
        if self._h and self._h[0].shape != v.shape:
            self._h.clear()
        if len(self._h) < self.minimum:
            return None
        base = np.percentile(np.stack(self._h), self.percentile, axis=0)
        if np.any(base <= 0):
            return None
        return float(np.mean(v / base))

    def add(self, v: np.ndarray) -> None:
        if self._h and self._h[0].shape != v.shape:
            self._h.clear()
        self._h.append(v)


class OpenEyeReference:
    """Per-eye reference patch (pixel-wise median of the last ``frames`` patches) and the
    normalised cross-correlation of each new patch with it.

    The median of ~1 s of frames is the eye as it usually looks (open; a blink lasts a few
    frames). Patches must have the same shape every frame (the tracker resizes them);
    :meth:`reset` when the eye boxes jump or the face is lost. Not thread-safe.
    """

    def __init__(self, frames: int = 30, min_frames: int = 3) -> None:
        self._h: deque[list[np.ndarray]] = deque(maxlen=frames)
        self.min_frames = min_frames

    def reset(self) -> None:
        self._h.clear()

    def similarity(self, patches: Sequence[np.ndarray]) -> list[float] | None:
        """NCC (-1..1) of each patch with its eye's reference, then remember the patches.
        None while the reference is forming or when the eye count changed."""
        ps = [np.asarray(p, dtype=np.float32) for p in patches]
        if self._h and (len(self._h[-1]) != len(ps)
                        or any(a.shape != b.shape for a, b in zip(self._h[-1], ps))):
            self._h.clear()
        out = None
        if len(self._h) >= self.min_frames and ps:
            out = []
            for e, p in enumerate(ps):
                ref = np.median(np.stack([h[e] for h in self._h]), axis=0)
                a, b = p - p.mean(), ref - ref.mean()
                out.append(float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum() + 1e-6)))
        self._h.append(ps)
        return out


class BlinkDetector:
    """See the module docstring. Defaults: ``close_ratio`` 0.8 is the first version's
    closing threshold; ``min_drop``, ``dip_level``, ``onset_s`` and ``recover`` were chosen
    on the 17 annotated clips in ../shared/data/video (results hold over min_drop
    0.05..0.15 and dip_level 0.8..0.9; see tests/engines/vision/test_eye_tracker.py)."""

    def __init__(self, close_ratio: float = 0.8, min_drop: float = 0.1, noise_k: float = 3.0,
                 dip_level: float = 0.85, onset_s: float = 0.1, recover: float = 0.5,
                 baseline_frames: int = 90, baseline_percentile: float = 80.0,
                 min_baseline: int = 8, max_seconds: float = 0.7) -> None:
        if not 0 < close_ratio < 1 or not 0 < min_drop < 1 or not 0 < recover < 1:
            raise ValueError("close_ratio, min_drop and recover must be in (0, 1)")
        self.close_ratio = close_ratio
        self.min_drop = min_drop
        self.noise_k = noise_k
        self.dip_level = dip_level
        self.onset_s = onset_s
        self.recover = recover
        self.max_seconds = max_seconds
        self._open = _Baseline(baseline_frames, baseline_percentile, min_baseline)
        self._sim = _Baseline(baseline_frames, baseline_percentile, min_baseline)
        self._diffs: deque[float] = deque(maxlen=baseline_frames)
        self._recent: deque[tuple[float, float]] = deque()
        self.reset()

    def reset(self) -> None:
        self._open.clear()
        self._sim.clear()
        self._diffs.clear()
        self._recent.clear()
        self._closure: dict | None = None
        self._last_dip: float | None = None
        self.blinks: list[BlinkEvent] = []

    def _interrupt(self) -> None:
        # No eyes this frame: a closure cannot be confirmed, and the frames before the gap
        # are no reference for the drop test after it.
        self._closure = None
        self._recent.clear()
        self._last_dip = None

    def update(self, t: float, index: int, openness: float | Sequence[float] | None,
               similarity: Sequence[float] | None = None) -> BlinkUpdate:
        """Feed one frame: openness per eye (or one value), optionally similarity per eye.
        ``openness`` None (no face/eyes) ends any closure without a blink."""
        ov = _as_array(openness)
        if ov is None:
            self._interrupt()
            return BlinkUpdate(None, False)
        sv = _as_array(similarity)
        ratio = self._open.ratio(ov)
        dip = self._sim.ratio(sv) if sv is not None else ratio
        if ratio is None or dip is None:
            # Baselines forming: learn, detect nothing yet.
            self._open.add(ov)
            if sv is not None:
                self._sim.add(sv)
            return BlinkUpdate(ratio, False)
        while self._recent and self._recent[0][0] < t - self.onset_s - 1e-9:
            self._recent.popleft()
        event = None
        c = self._closure
        if c is None:
            if self._recent:
                ref = max(v for _, v in self._recent)
                noise = float(np.median(self._diffs)) if len(self._diffs) >= 8 else 0.0
                drop = max(self.min_drop, self.noise_k * noise)
                if dip <= ref * (1 - drop) and dip < self.dip_level:
                    self._closure = {"t0": t, "i0": index, "ref": ref, "min": dip,
                                     "min_ratio": ratio, "t1": t, "i1": index}
        elif dip >= c["min"] + self.recover * (c["ref"] - c["min"]):
            self._closure = None
            if c["t1"] - c["t0"] <= self.max_seconds and c["min_ratio"] < self.close_ratio:
                event = BlinkEvent(c["t0"], c["t1"], c["i0"], c["i1"], c["min_ratio"])
                self.blinks.append(event)
        else:
            c["min"] = min(c["min"], dip)
            c["min_ratio"] = min(c["min_ratio"], ratio)
            c["t1"], c["i1"] = t, index
        closed = self._closure is not None
        if not closed:
            # Only open-eye frames feed the baselines, so a closure cannot drag them down.
            self._open.add(ov)
            if sv is not None:
                self._sim.add(sv)
            if self._last_dip is not None:
                self._diffs.append(abs(dip - self._last_dip))
            self._last_dip = dip
            self._recent.append((t, dip))
        return BlinkUpdate(ratio, closed, event)
