"""Microphone monitoring for the device check: a level meter feed and a short test recording.

:class:`MicMonitor` starts a :class:`core.protocols.MicrophoneSource` (a real microphone or a
file source in tests). ``on_audio`` runs on the source's thread and only stores numbers and
blocks under a lock; Qt signals (queued) carry ``level`` (about 15 per second) and
``recorded`` (the test clip as float32 16 kHz) to the UI thread. ``stop()`` from the UI
thread returns after the source's last callback.
"""

from __future__ import annotations

import threading
import wave
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from core.protocols import SAMPLE_RATE, MicrophoneSource
from engines.capture.audio import levels

if TYPE_CHECKING:  # numpy is imported where audio is handled (it costs ~0.3 s of start-up, measured)
    import numpy as np


class MicMonitor(QObject):
    level = Signal(float, float)  # rms dBFS, peak dBFS
    recorded = Signal(object)  # numpy float32 array
    failed = Signal(object)

    def __init__(self, source: MicrophoneSource, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self._lock = threading.Lock()
        self._rec: list[np.ndarray] | None = None
        self._rec_samples = 0
        self._rec_target = 0
        self._blocks = 0
        self.running = False

    def start(self) -> None:
        """Start the source (raises DeviceError on the caller's thread when there is none)."""
        self.source.start(self._on_audio)
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.running = False
            self.source.stop()

    def record(self, seconds: float = 3.0) -> None:
        with self._lock:
            self._rec = []
            self._rec_samples = 0
            self._rec_target = int(seconds * SAMPLE_RATE)

    def _on_audio(self, block: np.ndarray, _t: float) -> None:  # source thread
        import numpy as np  # lazy: not at start (see above)

        self._blocks += 1
        if self._blocks % 2 == 0:
            lv = levels(block)
            self.level.emit(lv.rms_dbfs, lv.peak_dbfs)
        done = None
        with self._lock:
            if self._rec is not None:
                self._rec.append(block.copy())
                self._rec_samples += len(block)
                if self._rec_samples >= self._rec_target:
                    done = np.concatenate(self._rec)[: self._rec_target]
                    self._rec = None
        if done is not None:
            self.recorded.emit(done)


def write_wav(audio: np.ndarray, path: Path) -> Path:
    """16-bit mono WAV at 16 kHz (what QMediaPlayer plays everywhere)."""
    import numpy as np  # lazy: not at start (see above)

    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm.tobytes())
    return path
