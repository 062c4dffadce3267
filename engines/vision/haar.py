"""Haar cascades (face, eyes) located through the model manager's 'eyes' capability.

cv2 is imported lazily. A cascade object is not thread-safe: each tracker loads its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import ModelError
from engines.models.manager import ModelManager

if TYPE_CHECKING:  # cv2 itself is imported when a cascade loads (start-up time)
    import cv2

FACE_FILE = "haarcascade_frontalface_default.xml"
EYE_FILE = "haarcascade_eye.xml"


def cascade_paths(manager: ModelManager) -> dict[str, Path]:
    """Paths of the face and eye cascades from the 'opencv-haar' catalog entry."""
    entry = manager.get("opencv-haar")
    out: dict[str, Path] = {}
    for f in entry.files:
        p = manager.file_path(entry.id, f)
        if p is not None and p.exists():
            out[f.name] = p
    for needed in (FACE_FILE, EYE_FILE):
        if needed not in out:
            raise ModelError("models.capability_missing", capability="eyes", options=entry.id)
    return out


def load_cascade(path: Path) -> cv2.CascadeClassifier:
    import cv2

    c = cv2.CascadeClassifier(str(path))
    if c.empty():
        raise ModelError("vision.cascade_unreadable", path=str(path))
    return c
