"""Eye tracker on real faces from ../shared/data: faces/eyes found, gaze direction on
shifted/mirrored images, eyes-closed vs open frames, blinks against the annotated clips."""

from __future__ import annotations

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")

from core.protocols import Frame  # noqa: E402
from core.vision.calibration import GazeCalibration  # noqa: E402
from engines.vision.tracker import HaarEyeTracker, eye_openness  # noqa: E402

FRONTAL = ["grid_frames/bbaf2n_f010_eyes_open.jpg", "grid_frames/lbbc2a_f010_eyes_open.jpg",
           "grid_frames/sbia1a_f010_eyes_open.jpg", "liveportrait_frames/d3_t0.0_neutral_frontal.jpg",
           "face_recognition/obama.jpg", "deepface/img11.jpg"]


def _tracker(model_manager, **kw):
    return HaarEyeTracker(model_manager, **kw)


@pytest.mark.parametrize("rel", FRONTAL)
def test_face_and_eyes_found(shared_data, model_manager, rel):
    img = cv2.imread(str(shared_data / "faces" / rel))
    s = _tracker(model_manager).process(Frame(img, 0.0, 0))
    assert s.face_found and s.face_box is not None
    assert s.eyes_found == 2
    x, y, w, h = s.face_box
    for ex, ey in s.eye_points:  # eyes inside the upper part of the face box
        assert x < ex < x + w and y < ey < y + h * 0.6


def test_no_face_in_blank_image(model_manager):
    s = _tracker(model_manager).process(Frame(np.full((480, 640, 3), 128, np.uint8), 0.0, 0))
    assert not s.face_found and s.gaze is None


def _shift_irises(img, sample, dx):
    """Move the content of each eye box horizontally by dx pixels (the iris moves, the
    face does not): a synthetic gaze to one side."""
    out = img.copy()
    for bx, by, bw, bh in sample.eye_boxes:
        patch = img[by:by + bh, bx:bx + bw]
        m = np.float32([[1, 0, dx], [0, 1, 0]])
        out[by:by + bh, bx:bx + bw] = cv2.warpAffine(patch, m, (bw, bh), borderMode=cv2.BORDER_REPLICATE)
    return out


@pytest.mark.parametrize("rel", ["grid_frames/bbaf2n_f010_eyes_open.jpg",
                                 "liveportrait_frames/d3_t0.0_neutral_frontal.jpg"])
def test_gaze_left_right_centre_with_calibration(shared_data, model_manager, rel):
    img = cv2.imread(str(shared_data / "faces" / rel))
    base = _tracker(model_manager).process(Frame(img, 0.0, 0))
    assert base.feature is not None
    # camera point only; a tight tolerance stands for a small question area
    calib = GazeCalibration(camera=base.feature, default_tolerance=(0.1, 0.1), calibrated=True)
    dx = max(3, int(base.eye_boxes[0][2] * 0.2))
    results = {}
    for name, shift in (("centre", 0), ("right", dx), ("left", -dx)):
        tr = _tracker(model_manager, calibration=calib)
        s = tr.process(Frame(_shift_irises(img, base, shift), 0.0, 0))
        results[name] = s
    assert abs(results["centre"].gaze[0]) < 0.3 and results["centre"].on_target
    assert results["right"].gaze[0] > 0.3  # image-right
    assert results["left"].gaze[0] < -0.3
    assert results["right"].on_target is False and results["left"].on_target is False


def test_gaze_side_image_and_its_mirror_point_opposite_ways(shared_data, model_manager):
    img = cv2.imread(str(shared_data / "faces/liveportrait_frames/d0_t1.0_gaze_side.jpg"))
    a = _tracker(model_manager).process(Frame(img, 0.0, 0))
    b = _tracker(model_manager).process(Frame(cv2.flip(img, 1), 0.0, 0))
    assert a.feature is not None and b.feature is not None
    assert np.sign(a.feature[0]) == -np.sign(b.feature[0])
    assert abs(a.feature[0] - b.feature[0]) > 0.2


def test_question_area_is_not_looking_away():
    calib = GazeCalibration.from_samples([(0.0, 0.0)], [[(-0.3, 0.2)], [(0.3, 0.2)], [(-0.3, 0.5)], [(0.3, 0.5)]])
    assert calib.on_target((0.2, 0.4))  # reading the question
    assert not calib.on_target((0.8, 0.0))  # far to the side
    assert not calib.on_target((0.0, -0.5))  # far up


def test_eyes_closed_frames_have_lower_openness(shared_data, model_manager):
    folder = shared_data / "faces" / "grid_frames"
    pairs = lower = 0
    for closed in sorted(folder.glob("*_eyes_closed.jpg")):
        stem = closed.name.split("_f")[0]
        opened = next(folder.glob(f"{stem}_f010_eyes_open.jpg"))
        tr = _tracker(model_manager)
        so = tr.process(Frame(cv2.imread(str(opened)), 0.0, 0))
        # same boxes for both frames: the speaker barely moves; compare the eye patches
        g_c = cv2.cvtColor(cv2.imread(str(closed)), cv2.COLOR_BGR2GRAY)
        g_o = cv2.cvtColor(cv2.imread(str(opened)), cv2.COLOR_BGR2GRAY)
        o_open = np.mean([eye_openness(g_o[y:y + h, x:x + w]) for x, y, w, h in so.eye_boxes])
        _tracker(model_manager).process(Frame(cv2.imread(str(closed)), 0.0, 0))
        o_closed = np.mean([eye_openness(g_c[y:y + h, x:x + w]) for x, y, w, h in so.eye_boxes])
        pairs += 1
        print(closed.name, round(o_closed / o_open, 2))
        assert o_closed < o_open, closed.name
        lower += o_closed < 0.85 * o_open
    # Every closed frame reads lower; lbax4n (glasses: the frame keeps vertical edges) and
    # sbwe5n drop less than 15% on a single still, which is why blinks use a per-person baseline.
    assert pairs == 6 and lower >= 4


@pytest.mark.slow
def test_blinks_against_annotations(shared_data, model_manager):
    from engines.vision.blink_eval import score_blinks

    score = score_blinks(shared_data, lambda: _tracker(model_manager))
    tp, fp, fn, per_clip = score.tp, score.fp, score.fn, score.per_clip
    assert tp + fn == 27
    precision, recall = tp / max(1, tp + fp), tp / (tp + fn)
    print(f"blinks: precision {precision:.2f} recall {recall:.2f} (tp {tp} fp {fp} fn {fn}) {per_clip}")
    # Achieved 0.81 / 0.81 (22 hits, 5 false, 5 missed) with the defaults; floor = that
    # minus one event's worth of margin.
    assert precision >= 0.77 and recall >= 0.77
