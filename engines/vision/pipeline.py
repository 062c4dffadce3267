"""Synchronous vision pipeline for replay, tests and benchmarks: gaze on every frame,
emotion when the session clock passes the next sampling time (default every 2 s).

The desktop workers (desktop/workers/vision.py) run the same two engines on separate
threads; this class is their single-threaded equivalent (``big20 replay``). Not thread-safe.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from core.protocols import EmotionAnalyzer, EmotionSample, Frame, GazeSample

S = TypeVar("S", bound=GazeSample)
S_co = TypeVar("S_co", bound=GazeSample, covariant=True)


class SampleTracker(Protocol[S_co]):
    """A :class:`core.protocols.GazeTracker` whose samples are ``S_co`` (engines.vision.tracker's
    HaarEyeTracker: VisionSample, with the raw features a calibration needs)."""

    def process(self, frame: Frame) -> S_co: ...

    def reset(self) -> None: ...


@dataclass
class PipelineResult(Generic[S]):
    gaze: S
    emotion: EmotionSample | None


class EmotionCadence:
    """Decides when an emotion sample is due on the session clock."""

    def __init__(self, interval_s: float = 2.0) -> None:
        if interval_s <= 0:
            raise ValueError("interval_s must be > 0")
        self.interval_s = interval_s
        self._next: float | None = None

    def due(self, t: float) -> bool:
        if self._next is None or t >= self._next:
            self._next = (t if self._next is None else self._next) + self.interval_s
            if self._next <= t:  # after a stall, realign instead of firing a burst
                self._next = t + self.interval_s
            return True
        return False


class VisionPipeline(Generic[S]):
    def __init__(self, tracker: SampleTracker[S], emotion: EmotionAnalyzer | None,
                 emotion_interval_s: float = 2.0) -> None:
        self.tracker = tracker
        self.emotion = emotion
        self.cadence = EmotionCadence(emotion_interval_s)

    def process(self, frame: Frame) -> PipelineResult[S]:
        g = self.tracker.process(frame)
        e = self.emotion.analyze(frame) if self.emotion is not None and self.cadence.due(frame.t) else None
        return PipelineResult(g, e)
