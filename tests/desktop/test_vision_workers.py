"""Vision workers with a real file source, the real tracker and the FER backend (offscreen)."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
from desktop.workers.vision import DropOldestQueue, LatestFrameSlot, VisionWorker


def test_slot_and_queue_never_block():
    from core.protocols import Frame

    s = LatestFrameSlot()
    for i in range(5):
        s.put(Frame(None, i, i))
    assert s.dropped == 4 and s.take(0).index == 4
    q = DropOldestQueue(3)
    for i in range(10):
        q.put(i)
    assert q.drain() == [7, 8, 9] and q.dropped == 7


@pytest.mark.slow
def test_worker_runs_a_clip(qtbot, shared_data, model_manager):
    from engines.capture.video import FileVideoSource
    from engines.emotion.fer_backend import FerEmotionAnalyzer
    from engines.vision.tracker import HaarEyeTracker

    src = FileVideoSource(shared_data / "video/sadtalker/WDA_KatieHill_000.mp4", realtime=False)
    w = VisionWorker(src, lambda: HaarEyeTracker(model_manager),
                     lambda: FerEmotionAnalyzer(model_manager), emotion_interval_s=2.0)
    gaze, emo = [], []
    w.gaze_sample.connect(gaze.append)
    w.emotion_sample.connect(emo.append)
    with qtbot.waitSignal(w.finished, timeout=60000):
        w.start()
    w.stop()
    qtbot.waitUntil(lambda: len(gaze) > 0, timeout=10000)
    assert w.frames_captured == 200
    assert all(g.t <= 8.0 for g in gaze) and any(g.face_found for g in gaze)
    ts = [g.t for g in gaze]
    assert ts == sorted(ts)
    # emotion is sampled on session time: at most one per 2 s of the 8 s clip
    assert len(emo) <= 4 and all(e.backend == "fer" for e in emo)


def test_worker_reports_missing_file(qtbot, tmp_path, model_manager):
    from core.errors import InputError
    from engines.capture.video import FileVideoSource

    w = VisionWorker(FileVideoSource(tmp_path / "x.mp4"), lambda: None)
    with pytest.raises(InputError):
        w.start()
