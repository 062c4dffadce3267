"""Vision workers: camera capture, gaze tracking and emotion sampling on their own threads.

Threads (plain ``threading.Thread``; results leave through Qt signals, which Qt queues to
receivers living in other threads, so the UI thread only paints):

- capture: reads the source at its full rate and writes each frame into two
  :class:`LatestFrameSlot` s (gaze, emotion) and emits ``frame_ready`` for the preview.
  Writing a slot never blocks: a frame nobody took yet is replaced (counted as dropped).
- gaze: takes the newest frame and runs the tracker; if it falls behind, frames in between
  are skipped by the slot, which is "every Nth frame under load", adaptively.
- emotion: every ``emotion_interval_s`` of session time takes the newest frame and runs the
  emotion analyzer (built on this thread: TensorFlow import takes seconds).

Results carry the frame's session-clock time (``Frame.t``) so they line up with transcripts.
Results also go into bounded drop-oldest queues (``gaze_results``, ``emotion_results``) for
consumers that poll. ``stop()`` is safe from any thread and joins the threads.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable

from PySide6.QtCore import QObject, Signal

from core.errors import Big20Error, EngineError
from core.protocols import CameraSource, EmotionAnalyzer, EmotionSample, Frame, GazeSample, GazeTracker
from core.queues import DropOldestQueue

log = logging.getLogger(__name__)


class LatestFrameSlot:
    """One-frame mailbox: ``put`` replaces (never blocks), ``take`` waits for a new frame."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._frame: Frame | None = None
        self._closed = False
        self.dropped = 0

    def put(self, frame: Frame) -> None:
        with self._cond:
            if self._frame is not None:
                self.dropped += 1
            self._frame = frame
            self._cond.notify_all()

    def take(self, timeout: float | None = None) -> Frame | None:
        with self._cond:
            if self._frame is None and not self._closed:
                self._cond.wait(timeout)
            f, self._frame = self._frame, None
            return f

    def peek(self) -> Frame | None:
        with self._cond:
            return self._frame

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


class VisionWorker(QObject):
    frame_ready = Signal(object)  # Frame, for the preview
    gaze_sample = Signal(object)  # VisionSample (GazeSample subclass) with overlay()
    emotion_sample = Signal(object)  # EmotionSample
    failed = Signal(object)  # Big20Error
    finished = Signal()

    def __init__(self, source: CameraSource, tracker_factory: Callable[[], GazeTracker],
                 emotion_factory: Callable[[], EmotionAnalyzer] | None = None, *,
                 emotion_interval_s: float = 2.0, queue_size: int = 256,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self._tracker_factory = tracker_factory
        self._emotion_factory = emotion_factory
        self.emotion_interval_s = emotion_interval_s
        self.gaze_slot = LatestFrameSlot()
        self.emotion_slot = LatestFrameSlot()
        self.gaze_results: DropOldestQueue[GazeSample] = DropOldestQueue(queue_size)
        self.emotion_results: DropOldestQueue[EmotionSample] = DropOldestQueue(queue_size)
        self._stop = threading.Event()
        self._capture_done = threading.Event()
        self._threads: list[threading.Thread] = []
        self.frames_captured = 0
        self.frames_tracked = 0

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Open the source (raises DeviceError/InputError here, on the caller's thread)."""
        self.source.open()
        specs = [("capture", self._capture_loop), ("gaze", self._gaze_loop)]
        if self._emotion_factory is not None:
            specs.append(("emotion", self._emotion_loop))
        for name, fn in specs:
            t = threading.Thread(target=self._guard, args=(fn,), name=f"vision-{name}", daemon=True)
            self._threads.append(t)
            t.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self.gaze_slot.close()
        self.emotion_slot.close()
        for t in self._threads:
            if t is not threading.current_thread():
                t.join(timeout)
        self._threads.clear()

    def wait_capture_done(self, timeout: float | None = None) -> bool:
        return self._capture_done.wait(timeout)

    def _guard(self, fn: Callable[[], None]) -> None:
        try:
            fn()
        except Big20Error as exc:
            log.warning("vision worker error: %s", exc.code)
            self.failed.emit(exc)
        except Exception as exc:  # report any engine failure to the UI instead of dying silently
            log.exception("vision worker crashed")
            self.failed.emit(EngineError("engine.failed", engine="vision", reason=str(exc)))

    # ------------------------------------------------------------------ loops
    def _capture_loop(self) -> None:
        try:
            while not self._stop.is_set():
                frame = self.source.read()
                if frame is None:
                    break
                self.frames_captured += 1
                self.gaze_slot.put(frame)
                self.emotion_slot.put(frame)
                self.frame_ready.emit(frame)
        finally:
            self.source.close()
            self._capture_done.set()
            self.gaze_slot.close()
            self.emotion_slot.close()
            self.finished.emit()

    def _gaze_loop(self) -> None:
        tracker = self._tracker_factory()
        while not self._stop.is_set():
            frame = self.gaze_slot.take(timeout=0.5)
            if frame is None:
                if self._capture_done.is_set():
                    return
                continue
            sample = tracker.process(frame)
            self.frames_tracked += 1
            self.gaze_results.put(sample)
            self.gaze_sample.emit(sample)

    def _emotion_loop(self) -> None:
        assert self._emotion_factory is not None
        analyzer = self._emotion_factory()
        try:
            self._emotion_run(analyzer)
        finally:
            close = getattr(analyzer, "close", None)
            if callable(close):  # an analyzer in a child process ends it here
                close()

    def _emotion_run(self, analyzer: EmotionAnalyzer) -> None:
        next_t: float | None = None
        while not self._stop.is_set():
            frame = self.emotion_slot.take(timeout=0.5)
            if frame is None:
                if self._capture_done.is_set():
                    return
                continue
            if next_t is not None and frame.t < next_t:
                continue
            next_t = frame.t + self.emotion_interval_s
            sample = analyzer.analyze(frame)
            if sample is not None:
                self.emotion_results.put(sample)
                self.emotion_sample.emit(sample)
