"""DeepFace emotion backend (model id 'deepface-emotion').

Runs the real ``deepface.DeepFace.analyze(actions=['emotion'], detector_backend='opencv')``
with ``DEEPFACE_HOME`` pointed at the model manager's folder for 'deepface-emotion'
(``<models_dir>/deepface-emotion/.deepface/weights/facial_expression_model_weights.h5``).
If that file is absent this class refuses to start (:class:`core.errors.ModelError`) and
never calls DeepFace, which would otherwise download from GitHub / Hugging Face by itself.

Memory: DeepFace caches the built model in its module (``modeling.build_model``), and for one
face it calls the Keras model eagerly, so repeated calls reuse one model; the model is built
once in ``__init__`` (warm-up) rather than on the first sample. tests/engines/vision and
bench/vision.py sample RSS over many calls.

Import cost: tensorflow + deepface (~10 s); construct on the emotion worker's thread.
Not thread-safe (DeepFace's caches are module globals): one instance per process.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from core.errors import EngineError, ModelError
from core.protocols import EMOTIONS, EmotionSample, Frame
from engines.emotion import quiet_tensorflow
from engines.models.manager import ModelManager

MODEL_ID = "deepface-emotion"
WEIGHTS_REL = Path(".deepface") / "weights" / "facial_expression_model_weights.h5"


def deepface_home(manager: ModelManager) -> Path:
    return manager.model_dir(MODEL_ID)


def write_architecture_weights(home: Path) -> Path:
    """Write *untrained* weights of DeepFace's emotion architecture under ``home``.

    For tests and benchmarks only, where the trained file cannot be downloaded: it lets the
    real DeepFace loading and inference code run end to end. Its scores are meaningless.
    The layers mirror ``deepface.models.demography.tf.Emotion.load_model``; DeepFace's
    ``load_weights`` checks them layer by layer, so a mismatch fails loudly.
    """
    from tf_keras.layers import AveragePooling2D, Conv2D, Dense, Dropout, Flatten, MaxPooling2D
    from tf_keras.models import Sequential

    m = Sequential([
        Conv2D(64, (5, 5), activation="relu", input_shape=(48, 48, 1)),
        MaxPooling2D(pool_size=(5, 5), strides=(2, 2)),
        Conv2D(64, (3, 3), activation="relu"), Conv2D(64, (3, 3), activation="relu"),
        AveragePooling2D(pool_size=(3, 3), strides=(2, 2)),
        Conv2D(128, (3, 3), activation="relu"), Conv2D(128, (3, 3), activation="relu"),
        AveragePooling2D(pool_size=(3, 3), strides=(2, 2)),
        Flatten(), Dense(1024, activation="relu"), Dropout(0.2),
        Dense(1024, activation="relu"), Dropout(0.2), Dense(7, activation="softmax"),
    ])
    out = Path(home) / WEIGHTS_REL
    out.parent.mkdir(parents=True, exist_ok=True)
    m.save_weights(str(out))
    return out


class DeepFaceEmotionAnalyzer:
    backend = "deepface"

    def __init__(self, manager: ModelManager | None = None, home: Path | None = None,
                 detector_backend: str = "opencv") -> None:
        """Weights under ``home`` (DEEPFACE_HOME), or the folder the ``manager`` gives the
        'deepface-emotion' model (engines.assembly.emotion_analyzer passes the user's)."""
        if home is not None:
            self.home = Path(home)
        elif manager is not None:
            self.home = deepface_home(manager)
        else:
            raise ValueError("DeepFaceEmotionAnalyzer needs a model manager or a DEEPFACE_HOME folder")
        weights = self.home / WEIGHTS_REL
        if not weights.exists():
            raise ModelError("emotion.weights_missing", path=str(weights))
        # DeepFace reads DEEPFACE_HOME on every weights lookup; set it before any import.
        os.environ["DEEPFACE_HOME"] = str(self.home)
        os.environ.setdefault("DEEPFACE_BACKEND_ENGINE", "tensorflow")
        quiet_tensorflow()
        from deepface import DeepFace
        from deepface.modules import modeling

        self._deepface = DeepFace
        self.detector_backend = detector_backend
        try:
            modeling.build_model(task="facial_attribute", model_name="Emotion")
        except (OSError, ValueError) as exc:
            raise ModelError("emotion.model_unreadable", path=str(weights), reason=str(exc)) from exc

    def analyze(self, frame: Frame) -> EmotionSample | None:
        os.environ["DEEPFACE_HOME"] = str(self.home)
        try:
            res = self._deepface.analyze(frame.image, actions=["emotion"],
                                         detector_backend=self.detector_backend,
                                         enforce_detection=True, silent=True)
        except ValueError as exc:
            if "Face could not be detected" in str(exc):  # DeepFace signals "no face" this way
                return EmotionSample(t=frame.t, dominant="", scores={}, face_found=False,
                                     backend=self.backend)
            raise EngineError("engine.failed", engine="DeepFace", reason=str(exc)) from exc
        face = max(res, key=lambda r: r["region"]["w"] * r["region"]["h"])
        raw = np.array([float(face["emotion"][e]) for e in EMOTIONS])
        total = raw.sum() or 1.0  # DeepFace reports percentages
        scores = {e: float(v / total) for e, v in zip(EMOTIONS, raw)}
        return EmotionSample(t=frame.t, dominant=max(scores, key=lambda k: scores[k]), scores=scores,
                             face_found=True, backend=self.backend)
