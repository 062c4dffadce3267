"""Audio sources with one interface: the microphone (sounddevice) and a WAV/audio file.

Both implement :class:`core.protocols.MicrophoneSource`: ``start(on_audio)`` delivers
16 kHz mono float32 blocks with the stream time (seconds since ``start``, counted in
samples, so it never drifts from the audio) to ``on_audio`` on the source's own thread
(PortAudio's callback thread for the microphone, a private thread for files). ``stop()``
returns after the last call to ``on_audio``.

:func:`levels` turns a block into RMS/peak dBFS for a level meter.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from core.errors import DeviceError, InputError
from core.i18n import Msg
from core.protocols import SAMPLE_RATE

if TYPE_CHECKING:  # sounddevice itself is imported when the microphone starts (PortAudio)
    import numpy as np
    import sounddevice as sd

log = logging.getLogger(__name__)

BLOCK_SAMPLES = 512  # 32 ms: one Silero VAD frame, small enough for a lively meter
SILENCE_DBFS = -100.0


@dataclass(frozen=True)
class AudioLevel:
    rms_dbfs: float
    peak_dbfs: float


def levels(block: "np.ndarray") -> AudioLevel:
    """RMS and peak of a float32 block in dBFS (full scale = 1.0); silence is -100."""
    import numpy as np

    if block.size == 0:
        return AudioLevel(SILENCE_DBFS, SILENCE_DBFS)
    rms = float(np.sqrt(np.mean(np.square(block, dtype=np.float64))))
    peak = float(np.max(np.abs(block)))

    def db(x: float) -> float:
        return max(SILENCE_DBFS, 20.0 * np.log10(x)) if x > 0 else SILENCE_DBFS

    return AudioLevel(db(rms), db(peak))


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    channels: int
    default_samplerate: float
    is_default: bool


def list_input_devices() -> list[InputDevice]:
    """Every device with input channels. Raises DeviceError when PortAudio itself is missing."""
    try:
        import sounddevice as sd
    except OSError as exc:  # libportaudio missing: sounddevice raises at import
        raise DeviceError("speech.no_microphone", looked_for=Msg("speech.looked.portaudio"),
                          present=Msg("speech.devices.none")) from exc
    try:
        default_in = sd.default.device[0]
    except Exception:  # noqa: BLE001 - no default device is a normal state here
        default_in = -1
    out = []
    for i, d in enumerate(sd.query_devices()):
        if d["max_input_channels"] > 0:
            out.append(InputDevice(i, d["name"], d["max_input_channels"], d["default_samplerate"],
                                   i == default_in))
    return out


class MicrophoneAudioSource:
    """The microphone through sounddevice, 16 kHz mono float32 in 512-sample blocks.

    ``device`` is an index, a name substring, or None for the system default. The device is
    resolved at :meth:`start`; no usable input device raises :class:`DeviceError` naming
    what was looked for. ``on_audio`` runs on PortAudio's callback thread: keep it short
    (hand the block to a queue). ``last_level`` holds the latest meter values.
    """

    sample_rate = SAMPLE_RATE

    def __init__(self, device: int | str | None = None, *, block_samples: int = BLOCK_SAMPLES) -> None:
        self.device = device
        self.block_samples = block_samples
        self.last_level = AudioLevel(SILENCE_DBFS, SILENCE_DBFS)
        self._stream: sd.InputStream | None = None  # while running
        self._samples = 0

    def resolve(self) -> InputDevice:
        devices = list_input_devices()
        if isinstance(self.device, int):
            hits = [d for d in devices if d.index == self.device]
            looked = Msg("speech.looked.index", device=self.device)
        elif isinstance(self.device, str):
            hits = [d for d in devices if self.device.lower() in d.name.lower()]
            looked = Msg("speech.looked.named", device=self.device)
        else:
            hits = [d for d in devices if d.is_default] or devices
            looked = Msg("speech.looked.default")
        if not hits:
            # translated parts only: the message is read in the user's language, whole
            names = ", ".join(d.name for d in devices) or Msg("speech.devices.none")
            raise DeviceError("speech.no_microphone", looked_for=looked, present=names)
        return hits[0]

    def start(self, on_audio: Callable[["np.ndarray", float], None]) -> None:
        import sounddevice as sd

        dev = self.resolve()
        self._samples = 0

        def callback(indata: np.ndarray, frames: int, time_info: object, status: sd.CallbackFlags) -> None:  # PortAudio thread
            if status:
                log.debug("microphone status: %s", status)
            block = indata[:, 0].copy()
            self.last_level = levels(block)
            t = self._samples / SAMPLE_RATE
            self._samples += len(block)
            on_audio(block, t)

        try:
            # PortAudio resamples for us on most host APIs; asking for 16 kHz keeps one clock.
            self._stream = sd.InputStream(device=dev.index, channels=1, samplerate=SAMPLE_RATE,
                                          dtype="float32", blocksize=self.block_samples, callback=callback)
            self._stream.start()
        except sd.PortAudioError as exc:
            raise DeviceError("speech.microphone_failed", device=dev.name, reason=str(exc)) from exc

    def stop(self) -> None:
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()
            self._stream = None


def load_audio(path: Path | str) -> "np.ndarray":
    """Decode any audio file to 16 kHz mono float32 (PyAV through faster-whisper resamples)."""
    path = Path(path)
    if not path.is_file():
        raise InputError("speech.audio_file_unreadable", path=str(path), reason="file not found")
    try:
        from faster_whisper.audio import decode_audio

        return decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except Exception as exc:  # PyAV raises many types for broken media
        raise InputError("speech.audio_file_unreadable", path=str(path), reason=str(exc)) from exc


class FileAudioSource:
    """Plays an audio file as if it were a microphone: real time (``speed=1``), faster, or as
    fast as the consumer takes it (``speed=0``). ``tail_silence_s`` of digital silence is
    appended so end-of-speech detection can run after the last word. Paced by a condition
    wait against a monotonic clock, never by drift-prone fixed sleeps. ``done`` is set after
    the last block; ``on_audio`` runs on the source's thread.
    """

    sample_rate = SAMPLE_RATE

    def __init__(self, path: Path | str | None = None, *, audio: "np.ndarray | None" = None,
                 speed: float = 1.0, block_samples: int = BLOCK_SAMPLES, tail_silence_s: float = 0.0) -> None:
        import numpy as np

        if audio is not None:
            data = np.asarray(audio, dtype=np.float32)
        elif path is not None:
            data = load_audio(path)
        else:
            raise ValueError("FileAudioSource needs a path or the audio samples")
        if tail_silence_s > 0:
            data = np.concatenate([data, np.zeros(int(tail_silence_s * SAMPLE_RATE), np.float32)])
        self.audio = data
        self.speed = speed
        self.block_samples = block_samples
        self.last_level = AudioLevel(SILENCE_DBFS, SILENCE_DBFS)
        self.done = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.started_at: float | None = None  # time.monotonic() when the first block was due

    @property
    def duration(self) -> float:
        return len(self.audio) / SAMPLE_RATE

    def start(self, on_audio: Callable[["np.ndarray", float], None]) -> None:
        self._thread = threading.Thread(target=self._run, args=(on_audio,), name="file-audio", daemon=True)
        self._thread.start()

    def _run(self, on_audio: Callable[["np.ndarray", float], None]) -> None:
        import time

        self.started_at = time.monotonic()
        n = self.block_samples
        try:
            for i in range(0, len(self.audio), n):
                if self._stop.is_set():
                    break
                if self.speed > 0:
                    due = self.started_at + (i + n) / SAMPLE_RATE / self.speed  # block complete
                    wait = due - time.monotonic()
                    if wait > 0 and self._stop.wait(wait):
                        break
                block = self.audio[i:i + n]
                self.last_level = levels(block)
                on_audio(block, i / SAMPLE_RATE)
        finally:
            self.done.set()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
