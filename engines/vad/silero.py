"""Silero VAD (v6 ONNX shipped inside faster-whisper) as a streaming detector.

Feeds one 512-sample frame (32 ms at 16 kHz) at a time and carries the LSTM state and the
64-sample context between frames, so probabilities match a whole-file run; faster-whisper's
own ``SileroVADModel.__call__`` resets state per call, which suits files but not a stream.
One instance per stream; not thread-safe (the owning worker calls it).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from core.protocols import SAMPLE_RATE

if TYPE_CHECKING:
    import numpy as np

FRAME_SAMPLES = 512
CONTEXT_SAMPLES = 64


def silero_model_path() -> str:
    import faster_whisper

    return os.path.join(os.path.dirname(faster_whisper.__file__), "assets", "silero_vad_v6.onnx")


class SileroVad:
    """Implements :class:`core.protocols.VoiceActivityDetector`."""

    sample_rate = SAMPLE_RATE
    frame_samples = FRAME_SAMPLES

    def __init__(self, path: str | None = None) -> None:
        import numpy as np
        import onnxruntime

        opts = onnxruntime.SessionOptions()
        # One thread: a 32 ms frame costs ~0.1 ms; more threads only fight the STT decoder.
        opts.inter_op_num_threads = 1
        opts.intra_op_num_threads = 1
        opts.log_severity_level = 4
        self._session = onnxruntime.InferenceSession(path or silero_model_path(),
                                                     providers=["CPUExecutionProvider"], sess_options=opts)
        self._np = np
        self.reset()

    def reset(self) -> None:
        np = self._np
        self._h = np.zeros((1, 1, 128), np.float32)
        self._c = np.zeros((1, 1, 128), np.float32)
        self._context = np.zeros(CONTEXT_SAMPLES, np.float32)

    def speech_probability(self, frame: "np.ndarray") -> float:
        np = self._np
        frame = np.asarray(frame, np.float32)
        if frame.shape[0] != FRAME_SAMPLES:
            raise ValueError(f"Silero VAD needs {FRAME_SAMPLES}-sample frames, got {frame.shape[0]}")
        x = np.concatenate([self._context, frame])[None, :]
        out, self._h, self._c = self._session.run(None, {"input": x, "h": self._h, "c": self._c})
        self._context = frame[-CONTEXT_SAMPLES:].copy()
        return float(np.asarray(out).reshape(-1)[0])


class FrameSplitter:
    """Cuts arbitrary-length blocks into exact VAD frames, remembering the remainder."""

    def __init__(self, frame_samples: int = FRAME_SAMPLES) -> None:
        import numpy as np

        self.n = frame_samples
        self._np = np
        self._rest = np.zeros(0, np.float32)

    def push(self, pcm: "np.ndarray") -> list["np.ndarray"]:
        buf = self._np.concatenate([self._rest, self._np.asarray(pcm, self._np.float32)])
        k = len(buf) // self.n
        frames = [buf[i * self.n:(i + 1) * self.n] for i in range(k)]
        self._rest = buf[k * self.n:]
        return frames
