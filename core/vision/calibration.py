"""Per-user gaze calibration (pure).

At session start the candidate looks at the camera, then at the corners of the question
area on screen. Each target yields the tracker's raw gaze *feature* (iris offset inside the
eye boxes, about [-1, 1]). Afterwards:

- ``relative(f)`` is the gaze relative to the camera point, scaled by the spread of the
  calibration targets, so +-1 is about the edge of the question area;
- ``on_target(f)`` is True when ``f`` falls inside the box spanned by the camera point and
  the question-area corners, widened by ``margin``: reading the question is not "looking away".

Without calibration the camera point is (0, 0) and a default tolerance applies; the report
says the gaze was uncalibrated (``calibrated`` False). Immutable once built; thread-safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median
from typing import Sequence

Point = tuple[float, float]


def _centre(samples: Sequence[Point]) -> Point:
    if not samples:
        raise ValueError("a calibration target needs at least one sample")
    return (median(p[0] for p in samples), median(p[1] for p in samples))


@dataclass(frozen=True)
class GazeCalibration:
    camera: Point = (0.0, 0.0)
    corners: tuple[Point, ...] = ()
    margin: float = 0.12
    default_tolerance: Point = (0.25, 0.3)
    calibrated: bool = False
    _lo: Point = field(default=(0.0, 0.0), repr=False)
    _hi: Point = field(default=(0.0, 0.0), repr=False)

    @classmethod
    def from_samples(cls, camera: Sequence[Point], corners: Sequence[Sequence[Point]] = (),
                     margin: float = 0.12) -> "GazeCalibration":
        """Build from the raw features gathered while looking at each target (medians, so a
        blink or a detector miss during calibration does not shift the point)."""
        cam = _centre(camera)
        cs = tuple(_centre(c) for c in corners if c)
        pts = (cam,) + cs
        lo = (min(p[0] for p in pts), min(p[1] for p in pts))
        hi = (max(p[0] for p in pts), max(p[1] for p in pts))
        return cls(camera=cam, corners=cs, margin=margin, calibrated=True, _lo=lo, _hi=hi)

    def _scale(self) -> Point:
        if self.corners:
            sx = max(self._hi[0] - self._lo[0], 0.1) / 2
            sy = max(self._hi[1] - self._lo[1], 0.1) / 2
            return sx, sy
        return self.default_tolerance

    def relative(self, feature: Point) -> Point:
        sx, sy = self._scale()
        return ((feature[0] - self.camera[0]) / sx, (feature[1] - self.camera[1]) / sy)

    def on_target(self, feature: Point) -> bool:
        if self.corners:
            m = self.margin
            return (self._lo[0] - m <= feature[0] <= self._hi[0] + m
                    and self._lo[1] - m <= feature[1] <= self._hi[1] + m)
        tx, ty = self.default_tolerance
        return abs(feature[0] - self.camera[0]) <= tx and abs(feature[1] - self.camera[1]) <= ty
