"""Capture sources and emotion backends on real media; the 30-minute memory replay."""

from __future__ import annotations

import gc
import os

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")

from core.errors import DeviceError, InputError, ModelError  # noqa: E402
from core.protocols import EMOTIONS, Frame  # noqa: E402
from engines.capture.video import FileVideoSource, OpenCVCamera  # noqa: E402


def test_missing_camera_is_a_device_error():
    cam = OpenCVCamera(device=57)
    with pytest.raises(DeviceError) as err:
        cam.open()
    assert err.value.code == "capture.camera_unavailable"
    assert "57" in err.value.localized("ko")


def test_file_source_errors(tmp_path):
    with pytest.raises(InputError) as e1:
        FileVideoSource(tmp_path / "nope.mp4").open()
    assert e1.value.code == "capture.file_missing"
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video")
    with pytest.raises(InputError) as e2:
        FileVideoSource(bad).open()
    assert e2.value.code == "capture.file_unreadable"
    with pytest.raises(InputError) as e3:
        FileVideoSource(tmp_path).open()
    assert e3.value.code == "capture.folder_empty"


def test_file_source_video_and_folder(shared_data):
    src = FileVideoSource(shared_data / "video/grid/bbaf2n.mpg")
    src.open()
    frames = []
    while (f := src.read()) is not None:
        frames.append(f)
    src.close()
    assert len(frames) == 75 and src.fps == 25.0 and src.size == (360, 288)
    assert frames[10].t == pytest.approx(0.4)
    looped = FileVideoSource(shared_data / "video/grid/bbaf2n.mpg", loop=True, max_frames=160)
    looped.open()
    n = sum(1 for _ in iter(looped.read, None))
    assert n == 160
    folder = FileVideoSource(shared_data / "faces/grid_frames", fps=10)
    folder.open()
    imgs = list(iter(folder.read, None))
    assert len(imgs) == 17 and imgs[1].t == pytest.approx(0.1)


@pytest.fixture(scope="module")
def fer(model_manager):
    from engines.emotion.fer_backend import FerEmotionAnalyzer

    return FerEmotionAnalyzer(model_manager)


def test_fer_accuracy_on_labelled_fer2013(shared_data, fer):
    files = sorted((shared_data / "emotions/fer2013").glob("*/*.jpg"))
    assert len(files) == 42
    hits = 0
    for p in files:
        scores = fer.scores_for_face(cv2.imread(str(p)))
        assert set(scores) == set(EMOTIONS) and abs(sum(scores.values()) - 1) < 1e-3
        hits += max(scores, key=scores.get) == p.parent.name
    acc = hits / len(files)
    print(f"FER accuracy on fer2013 sample: {hits}/{len(files)} = {acc:.2f}")
    assert acc >= 0.5  # chance is 1/7


def test_fer_on_real_face_and_no_face(shared_data, fer):
    img = cv2.imread(str(shared_data / "faces/deepface/img11.jpg"))
    s = fer.analyze(Frame(img, 3.0, 0))
    assert s.face_found and s.dominant in EMOTIONS and s.t == 3.0 and s.backend == "fer"
    blank = fer.analyze(Frame(np.zeros((240, 320, 3), np.uint8), 4.0, 1))
    assert not blank.face_found and blank.scores == {}


def test_deepface_refuses_without_weights(tmp_path):
    from engines.emotion.deepface_backend import DeepFaceEmotionAnalyzer

    with pytest.raises(ModelError) as err:
        DeepFaceEmotionAnalyzer(home=tmp_path)
    assert err.value.code == "emotion.weights_missing"


def test_factory_uses_fer_when_deepface_absent(model_manager):
    from engines.assembly import emotion_analyzer

    if model_manager.is_installed("deepface-emotion"):
        pytest.skip("trained DeepFace weights are installed here")
    assert emotion_analyzer(model_manager).backend == "fer"


@pytest.mark.slow
def test_deepface_real_code_with_architecture_weights(shared_data, tmp_path):
    """The trained weights cannot be downloaded here: untrained weights of DeepFace's own
    architecture let the real DeepFace.analyze path run; scores are not meaningful."""
    from engines.emotion.deepface_backend import DeepFaceEmotionAnalyzer, write_architecture_weights

    write_architecture_weights(tmp_path)
    a = DeepFaceEmotionAnalyzer(home=tmp_path)
    assert os.environ["DEEPFACE_HOME"] == str(tmp_path)
    s = a.analyze(Frame(cv2.imread(str(shared_data / "faces/deepface/img11.jpg")), 1.0, 0))
    assert s.face_found and s.backend == "deepface" and set(s.scores) == set(EMOTIONS)
    assert abs(sum(s.scores.values()) - 1) < 1e-3
    none = a.analyze(Frame(np.full((240, 320, 3), 90, np.uint8), 2.0, 1))
    assert not none.face_found


@pytest.mark.slow
def test_thirty_minute_session_memory_is_flat(shared_data, model_manager, fer):
    """30 min at 30 fps of session time, replayed fast from a looped clip: gaze on every
    10th frame (the rest of the session's gaze work is the same code path) and emotion at
    the 2 s cadence: 900 emotion calls. RSS sampled; growth after warm-up must be noise."""
    import psutil

    from engines.vision.pipeline import VisionPipeline
    from engines.vision.tracker import HaarEyeTracker

    proc = psutil.Process()
    gc.collect()
    start_rss = proc.memory_info().rss  # before the pipeline and the clip are loaded
    fps, minutes = 30.0, 30
    total = int(fps * 60 * minutes)
    src = FileVideoSource(shared_data / "video/sadtalker/WDA_KatieHill_000.mp4", loop=True, fps=fps)
    src.open()
    pipe = VisionPipeline(HaarEyeTracker(model_manager), fer, emotion_interval_s=2.0)
    first = src.read()
    rss, emo = [], 0
    stride = 10
    for i in range(0, total, stride):
        f = Frame(first.image if (i // stride) % 2 else src.read().image, i / fps, i)
        r = pipe.process(f)
        emo += r.emotion is not None
        # the cadence fires once per 2 s of session time; gaze stride does not change that
        if i % (stride * 300) == 0:
            gc.collect()
            rss.append(proc.memory_info().rss)
    src.close()
    mb = 2**20
    warm = rss[len(rss) // 5]
    growth_mb = (max(rss[len(rss) // 5:]) - warm) / mb
    figures = (f"30-min replay: {emo} emotion calls; RSS start {start_rss / mb:.1f} MB, after warm-up "
               f"{warm / mb:.1f} MB, end {rss[-1] / mb:.1f} MB, growth after warm-up (max) "
               f"{growth_mb:.1f} MB, end-warm {(rss[-1] - warm) / mb:.1f} MB; samples "
               f"{[round(x / mb) for x in rss]}")
    print(figures)
    assert emo == 900, figures
    assert growth_mb < 20, figures
