"""Face and eye tracking with OpenCV Haar cascades, within a per-frame budget.

Per frame (BGR uint8):
- every ``detect_every`` frames (or when the face is lost) the face cascade runs on a copy
  scaled to ``detect_width`` pixels wide and the eye cascade on the face's upper half;
- in between, the face box follows the image by template matching a small grey patch of
  the previous face in a window around it (translation only; cheap);
- every frame: pupil/iris centre in each eye box (dark-blob centroid), per eye an openness
  value (:func:`eye_openness`) and the similarity to that eye's recent look
  (:class:`core.vision.blink.OpenEyeReference`), blink detection over both
  (:class:`core.vision.blink.BlinkDetector`), and gaze relative to the per-user
  :class:`core.vision.calibration.GazeCalibration`.

Re-detections that agree with the tracked box within the cascade's jitter keep the tracked
box, and tracking moves it only by more than matching noise: each step of the eye boxes is a
step in the blink signals.

A full 640x480 Haar face + eyes pass costs ~30 ms on one core; the downscaled detection
plus tracking keeps the per-frame p95 under 10 ms (bench/vision.py measures it).

Not thread-safe: one tracker per worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.protocols import Frame, GazeSample
from core.vision.blink import BlinkDetector, BlinkEvent, OpenEyeReference
from core.vision.calibration import GazeCalibration
from engines.models.manager import ModelManager
from engines.vision.haar import EYE_FILE, FACE_FILE, cascade_paths, load_cascade

# Where the eyes sit in a Haar frontal-face box (fractions of its width/height); used when
# the eye cascade misses (closed eyes, glasses) so the eye boxes still follow the face.
_DEFAULT_EYES = ((0.30, 0.40), (0.70, 0.40))
_EYE_W, _EYE_H = 0.26, 0.16
# Re-detections that move the face box less than this share of its size (or an eye less than
# _KEEP_EYE of the face width) are taken as detector jitter, not motion.
_KEEP_BOX = 0.04
_KEEP_EYE = 0.03


@dataclass
class VisionSample(GazeSample):
    """A :class:`GazeSample` plus what the overlay and the aggregation need."""

    iris_points: list[tuple[float, float]] = field(default_factory=list)
    eye_boxes: list[tuple[int, int, int, int]] = field(default_factory=list)
    feature: tuple[float, float] | None = None  # raw iris offset before calibration
    openness: float | None = None
    openness_ratio: float | None = None
    blink_event: BlinkEvent | None = None
    detected: bool = False  # the cascades ran on this frame (vs tracked)

    def overlay(self) -> dict[str, object]:
        """Plain data for the UI overlay: face box, eye points, gaze vector."""
        return {"face_box": self.face_box, "eye_points": list(self.eye_points),
                "iris_points": list(self.iris_points), "gaze": self.gaze,
                "on_target": self.on_target, "eyes_closed": self.eyes_closed}


def _norm_patch(grey_eye: np.ndarray) -> np.ndarray:
    """Eye patch at the fixed 32x20 size the openness and similarity measures use."""
    import cv2

    if grey_eye.shape[:2] == (20, 32):
        return grey_eye.astype(np.float32)
    return cv2.resize(grey_eye, (32, 20), interpolation=cv2.INTER_AREA).astype(np.float32)


def eye_openness(grey_eye: np.ndarray) -> float:
    """Strength of the vertical edges in an eye patch (mean of its strongest |d/dx|).

    An open eye shows the iris's left and right borders against the sclera; closed lids
    leave mostly horizontal edges (the lash line). Chosen over patch contrast and dark-blob
    height by precision/recall on the annotated blink clips. Values are only comparable
    within one person and setting: the blink detector normalises them by a running baseline.
    """
    import cv2

    patch = _norm_patch(grey_eye)
    gx = np.abs(cv2.Sobel(patch, cv2.CV_32F, 1, 0, ksize=3))[2:18, 3:29]
    return float(np.partition(gx.ravel(), -40)[-40:].mean())


def iris_centre(grey_eye: np.ndarray) -> tuple[float, float] | None:
    """Centre of the darkest blob in an eye patch, in patch-relative [0, 1] coordinates."""
    import cv2

    h, w = grey_eye.shape[:2]
    if h < 4 or w < 4:
        return None
    patch = cv2.GaussianBlur(grey_eye, (5, 5), 0).astype(np.float32)
    # Skip the top fifth (brow shadow) and the outer corners.
    y0, x0, x1 = h // 5, w // 10, w - w // 10
    core = patch[y0:, x0:x1]
    thr = np.percentile(core, 12)
    mask = core <= thr
    if not mask.any():
        return None
    ys, xs = np.nonzero(mask)
    weights = (thr - core[ys, xs]) + 1.0
    cx = (xs * weights).sum() / weights.sum() + x0
    cy = (ys * weights).sum() / weights.sum() + y0
    return float(cx / w), float(cy / h)


def _subpixel(res: np.ndarray, loc: tuple[int, int], axis: int) -> float:
    """Offset (-0.5..0.5) of a correlation peak along one axis from a parabola fit."""
    x, y = loc
    if axis == 0:
        if not 0 < x < res.shape[1] - 1:
            return 0.0
        a, b, c = res[y, x - 1], res[y, x], res[y, x + 1]
    else:
        if not 0 < y < res.shape[0] - 1:
            return 0.0
        a, b, c = res[y - 1, x], res[y, x], res[y + 1, x]
    den = a - 2 * b + c
    return float(np.clip(0.5 * (a - c) / den, -0.5, 0.5)) if den < 0 else 0.0


class HaarEyeTracker:
    """:class:`core.protocols.GazeTracker` over Haar cascades. See the module docstring."""

    def __init__(self, manager: ModelManager | None = None, *, cascades: dict[str, Path] | None = None,
                 detect_every: int = 30, detect_width: int = 200,
                 calibration: GazeCalibration | None = None,
                 blink: BlinkDetector | None = None) -> None:
        import cv2

        if cascades is None and manager is None:
            raise ValueError("HaarEyeTracker needs a model manager or the cascade paths")
        paths = cascades or cascade_paths(manager)  # type: ignore[arg-type]
        self._cv2 = cv2
        self._face = load_cascade(paths[FACE_FILE])
        self._eye = load_cascade(paths[EYE_FILE])
        self.detect_every = max(1, detect_every)
        self.detect_width = detect_width
        self.calibration = calibration or GazeCalibration()
        self.blinks = blink or BlinkDetector()
        self.eye_reference = OpenEyeReference()
        self.reset()

    def reset(self) -> None:
        self._box: tuple[float, float, float, float] | None = None
        self._eyes_rel: list[tuple[float, float]] = list(_DEFAULT_EYES)
        self._eyes_seen = 0
        self._eyes_placed: set[int] = set()  # sides the eye cascade has placed at least once
        self._template: np.ndarray | None = None
        self._since_detect = 0
        self.blinks.reset()
        self.eye_reference.reset()

    # ------------------------------------------------------------------ detection
    def _detect(self, grey: np.ndarray) -> bool:
        cv2 = self._cv2
        h, w = grey.shape
        scale = min(1.0, self.detect_width / w)
        small = cv2.resize(grey, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA) \
            if scale < 1.0 else grey
        min_side = max(24, int(min(small.shape) * 0.2))
        faces = self._face.detectMultiScale(small, scaleFactor=1.15, minNeighbors=4,
                                            minSize=(min_side, min_side))
        if len(faces) == 0:
            self._box = None
            return False
        x, y, fw, fh = max(faces, key=lambda f: f[2] * f[3]) / scale
        new = (float(x), float(y), float(fw), float(fh))
        if self._box is not None:
            ox, oy, ow, oh = self._box
            if (abs(new[0] + new[2] / 2 - ox - ow / 2) < _KEEP_BOX * ow
                    and abs(new[1] + new[3] / 2 - oy - oh / 2) < _KEEP_BOX * oh
                    and abs(new[2] - ow) < _KEEP_BOX * ow):
                # The periodic re-detection agrees with the tracked box within the cascade's
                # own jitter: keep the tracked box. Moving it by a pixel or two shifts every
                # eye patch at once, a step in the openness signal that looks like a blink.
                new = self._box
            else:
                # Smooth the detector's jitter so the eye patches stay put between frames.
                a = 0.5
                new = tuple(a * n + (1 - a) * o for n, o in zip(new, self._box))  # type: ignore[assignment]
        self._box = new
        self._find_eyes(grey)
        self._remember_template(grey)
        return True

    def _find_eyes(self, grey: np.ndarray) -> None:
        cv2 = self._cv2
        x, y, fw, fh = self._box  # type: ignore[misc]
        top = grey[int(y + fh * 0.15):int(y + fh * 0.6), int(x):int(x + fw)]
        if top.size == 0:
            return
        s = min(1.0, 120.0 / max(1, top.shape[1]))
        roi = cv2.resize(top, None, fx=s, fy=s, interpolation=cv2.INTER_AREA) if s < 1 else top
        eyes = self._eye.detectMultiScale(roi, scaleFactor=1.1, minNeighbors=4,
                                          minSize=(max(8, int(roi.shape[1] * 0.14)),) * 2,
                                          maxSize=(int(roi.shape[1] * 0.45),) * 2)
        found: dict[int, tuple[float, float]] = {}
        for ex, ey, ew, eh in eyes:
            cx = (ex + ew / 2) / s / fw
            cy = ((ey + eh / 2) / s + fh * 0.15) / fh
            side = 0 if cx < 0.5 else 1
            if abs(cx - _DEFAULT_EYES[side][0]) < 0.15 and abs(cy - _DEFAULT_EYES[side][1]) < 0.15:
                found.setdefault(side, (cx, cy))
        self._eyes_seen = len(found)
        for side, (cx, cy) in found.items():
            ox, oy = self._eyes_rel[side]
            if side in self._eyes_placed and abs(cx - ox) < _KEEP_EYE and abs(cy - oy) < _KEEP_EYE:
                continue  # same place within the eye cascade's jitter: no step in the patch
            self._eyes_placed.add(side)
            self._eyes_rel[side] = (0.5 * cx + 0.5 * ox, 0.5 * cy + 0.5 * oy)

    # ------------------------------------------------------------------ tracking
    def _remember_template(self, grey: np.ndarray) -> None:
        x, y, fw, fh = self._box  # type: ignore[misc]
        # Eyes-and-nose band: most texture, least mouth motion.
        t = grey[int(y + fh * 0.25):int(y + fh * 0.7), int(x + fw * 0.15):int(x + fw * 0.85)]
        self._tscale = min(1.0, 48.0 / max(1, t.shape[1]))
        self._template = self._cv2.resize(t, None, fx=self._tscale, fy=self._tscale,
                                          interpolation=self._cv2.INTER_AREA) if t.size else None
        self._tpos = (x + fw * 0.15, y + fh * 0.25)

    def _track(self, grey: np.ndarray) -> bool:
        cv2 = self._cv2
        if self._template is None or self._box is None:
            return False
        x, y, fw, fh = self._box
        s = self._tscale
        th, tw = self._template.shape
        m = 0.12 * fw
        tx, ty = self._tpos
        x0, y0 = max(0, int(tx - m)), max(0, int(ty - m))
        x1 = min(grey.shape[1], int(tx + tw / s + m))
        y1 = min(grey.shape[0], int(ty + th / s + m))
        win = grey[y0:y1, x0:x1]
        if win.size == 0:
            return False
        win = cv2.resize(win, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
        if win.shape[0] < th or win.shape[1] < tw:
            return False
        res = cv2.matchTemplate(win, self._template, cv2.TM_CCOEFF_NORMED)
        _, score, _, loc = cv2.minMaxLoc(res)
        if score < 0.4:
            return False
        # Sub-pixel peak (parabola through the neighbours): an integer peak at half scale
        # quantises motion to ~2 px and makes a still face hop back and forth by a pixel
        # every frame, which shows up as openness noise at half the frame rate.
        px, py = loc[0] + _subpixel(res, loc, 0), loc[1] + _subpixel(res, loc, 1)
        nx, ny = x0 + px / s, y0 + py / s
        dx, dy = nx - tx, ny - ty
        # Dead band: moves under half a template pixel are matching noise, not head motion.
        if abs(dx) * s < 0.5 and abs(dy) * s < 0.5:
            return True
        self._box = (x + dx, y + dy, fw, fh)
        self._tpos = (nx, ny)
        return True

    # ------------------------------------------------------------------ per frame
    def process(self, frame: Frame) -> VisionSample:
        cv2 = self._cv2
        img = frame.image
        grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if img.ndim == 3 else img
        detected = False
        if self._box is None or self._since_detect >= self.detect_every - 1:
            ok = self._detect(grey)
            detected = True
            self._since_detect = 0
        else:
            self._since_detect += 1
            ok = self._track(grey)
            if not ok:
                ok = self._detect(grey)
                detected = True
                self._since_detect = 0
        if not ok or self._box is None:
            self.blinks.update(frame.t, frame.index, None)
            self.eye_reference.reset()
            return VisionSample(t=frame.t, face_found=False, detected=detected)
        x, y, fw, fh = self._box
        face_box = (int(x), int(y), int(fw), int(fh))
        eye_points, iris_pts, boxes, feats, opens, patches = [], [], [], [], [], []
        H, W = grey.shape  # noqa: N806 - image height and width, as in the geometry they bound
        for rx, ry in self._eyes_rel:
            cx, cy = x + rx * fw, y + ry * fh
            ew, eh = _EYE_W * fw, _EYE_H * fh
            bx0, by0 = int(max(0, cx - ew / 2)), int(max(0, cy - eh / 2))
            bx1, by1 = int(min(W, cx + ew / 2)), int(min(H, cy + eh / 2))
            patch = grey[by0:by1, bx0:bx1]
            if patch.shape[0] < 6 or patch.shape[1] < 8:
                continue
            eye_points.append((float(cx), float(cy)))
            boxes.append((bx0, by0, bx1 - bx0, by1 - by0))
            norm = _norm_patch(patch)
            # Inner part only, as for openness: the patch border is brow and cheek, which move
            # with speech and expression.
            patches.append(norm[2:18, 3:29])
            opens.append(eye_openness(norm))
            ic = iris_centre(patch)
            if ic is not None:
                iris_pts.append((bx0 + ic[0] * (bx1 - bx0), by0 + ic[1] * (by1 - by0)))
                feats.append(((ic[0] - 0.5) * 2.0, (ic[1] - 0.5) * 2.0))
        openness = float(np.mean(opens)) if opens else None
        sim = self.eye_reference.similarity(patches) if patches else None
        upd = self.blinks.update(frame.t, frame.index, opens or None, sim)
        feature = (float(np.mean([f[0] for f in feats])), float(np.mean([f[1] for f in feats]))) \
            if feats and not upd.closed else None
        gaze = self.calibration.relative(feature) if feature else None
        on_target = self.calibration.on_target(feature) if feature else None
        # Eyes the eye cascade confirmed at the last detection; tracked frames inherit it.
        eyes_found = self._eyes_seen
        return VisionSample(
            t=frame.t, face_found=True, eyes_found=eyes_found, face_box=face_box,
            eye_points=eye_points, gaze=gaze, on_target=on_target, eyes_closed=upd.closed,
            blink=upd.blink is not None, iris_points=iris_pts, eye_boxes=boxes,
            feature=feature, openness=openness, openness_ratio=upd.ratio,
            blink_event=upd.blink, detected=detected)
