"""Video analysis for ``big20 replay --video``: eye tracking on every frame, emotion every
2 s of video time, aggregated per answer and for the session.

Alignment: the replay's answers are separate audio files, spoken one after another while the
video ran, so answer *i* covers ``[sum of earlier durations, + its duration)`` on the video's
clock. A video shorter than the answers leaves the late answers without frames, and their
metrics are marked unreliable rather than invented.

Calibration: the live app calibrates at session start (camera, then the question area's
corners). A recorded video has no such step, so the first ``calibration_s`` seconds, when a
candidate looks at the camera to start, serve as the camera point. The report's ``method``
says so.

Blocking and CPU-heavy (imports OpenCV and TensorFlow); call from a worker thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from core.tasks import CancelToken
from core.vision.calibration import GazeCalibration
from core.vision.summary import answer_metrics, emotion_summary, emotions_section
from engines.assembly import emotion_analyzer, eye_tracker, model_manager
from engines.capture.video import FileVideoSource
from engines.models.manager import ModelManager
from engines.vision.pipeline import VisionPipeline

log = logging.getLogger(__name__)


@dataclass
class VideoAnalysis:
    per_answer: list[dict[str, Any]]  # AnswerVisionMetrics.as_json() per answer window
    summary: dict[str, Any]  # core.vision.summary.emotion_summary
    emotions: dict[str, Any]  # the report's ``emotions`` section
    frames: int = 0
    duration_s: float = 0.0
    calibration: dict[str, Any] = field(default_factory=dict)


def answer_windows(durations: Sequence[float]) -> list[tuple[float, float]]:
    windows, t = [], 0.0
    for d in durations:
        windows.append((t, t + max(0.0, d)))
        t += max(0.0, d)
    return windows


def analyze_video(path: Path, windows: Sequence[tuple[float, float]], lang: str, *,
                  manager: ModelManager | None = None, emotion_interval_s: float = 2.0, calibration_s: float = 2.0,
                  cancel: CancelToken | None = None,
                  progress: Callable[[int], None] | None = None) -> VideoAnalysis:
    manager = manager or model_manager()
    source = FileVideoSource(path, realtime=False)
    source.open()
    pipeline = VisionPipeline(eye_tracker(manager), emotion_analyzer(manager),
                              emotion_interval_s=emotion_interval_s)
    gaze, emotions = [], []
    try:
        while (frame := source.read()) is not None:
            if cancel is not None and frame.index % 30 == 0:
                cancel.raise_if_cancelled()
            result = pipeline.process(frame)
            gaze.append(result.gaze)
            if result.emotion is not None:
                emotions.append(result.emotion)
            if progress is not None and frame.index % 30 == 0:
                progress(frame.index)
    finally:
        source.close()

    cam = [s.feature for s in gaze if s.t < calibration_s and s.feature is not None]
    calibration = {"method": "first_seconds_at_camera", "seconds": calibration_s, "samples": len(cam)}
    if cam:
        cal = GazeCalibration.from_samples(cam)
        for s in gaze:  # judge every frame against this person's own camera point
            if s.feature is not None:
                s.gaze = cal.relative(s.feature)
                s.on_target = cal.on_target(s.feature)
    else:
        for s in gaze:  # no calibration: gaze direction is not judged at all
            s.on_target = None
    metrics = [answer_metrics(gaze, emotions, a, b) for a, b in windows]
    summary = emotion_summary(metrics)
    duration = gaze[-1].t if gaze else 0.0
    return VideoAnalysis(per_answer=[m.as_json() for m in metrics], summary=summary,
                         emotions=emotions_section(summary, lang), frames=len(gaze),
                         duration_s=round(duration, 2), calibration=calibration)
