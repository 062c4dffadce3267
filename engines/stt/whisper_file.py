"""FileTranscriber over faster-whisper: a whole answer file to words with timestamps.

Decoding options, the post-filters and model loading come from
:mod:`engines.stt.whisper_runtime` (shared with the live stream). Each transcription also
identifies the spoken language (``Transcription.detected_language`` and the chosen
language's probability) so the session can refuse to score an answer in the wrong language.

Thread-safety: ``WhisperModel`` instances are shared per process
(:func:`engines.stt.whisper_runtime.load_whisper_model`); one transcriber per worker thread
is the intended use. Cancellation: checked between segments (the generator is lazy).
"""

from __future__ import annotations

import logging
import struct
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import EngineError, InputError
from core.protocols import SAMPLE_RATE, Transcription, TranscriptSegment
from engines.stt.whisper_runtime import (  # noqa: F401 - re-exported for callers of this module
    FILE_OPTIONS,
    MAX_RUN,
    clean_words,
    detect_language,
    drop_digit_salad,
    drop_repeated_runs,
    join_words,
    load_whisper_model,
    words_of,
)

if TYPE_CHECKING:  # faster_whisper itself is imported when a model loads
    import numpy as np
    from faster_whisper import WhisperModel

    from core.tasks import CancelToken

log = logging.getLogger(__name__)

DECODE_OPTIONS = FILE_OPTIONS


def load_file_vad() -> None:
    """Load faster-whisper's own Silero session (its file VAD and language ID) now, not at the
    first answer. Blocking; shared by the process."""
    from faster_whisper.vad import get_vad_model

    get_vad_model()


def load_whisper(path: Path, device: str = "auto", compute_type: str | None = None) -> WhisperModel:
    """The shared WhisperModel for ``path`` with faster-whisper's usual 30 s windows (whole
    files are decoded at full accuracy)."""
    return load_whisper_model(path, cpu_threads=0, compute_type=compute_type, short_windows=False,
                              device=device)


# WAVE format tags: PCM integers, IEEE float, and the extensible header that wraps either.
_WAVE_PCM, _WAVE_FLOAT, _WAVE_EXTENSIBLE = 1, 3, 0xFFFE


def wav_duration(path: Path) -> float:
    """Duration of a RIFF/WAVE file from its header (PCM 8-32 bit or IEEE float 32/64 bit,
    plain or extensible); ValueError when it is not one."""
    with Path(path).open("rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            raise ValueError("no RIFF/WAVE header")
        fmt = None
        while True:
            hdr = fh.read(8)
            if len(hdr) < 8:
                raise ValueError("no data chunk")
            cid, size = hdr[:4], struct.unpack("<I", hdr[4:])[0]
            if cid == b"fmt ":
                body = fh.read(size)
                if len(body) < 16:
                    raise ValueError("short fmt chunk")
                tag, channels, rate, byte_rate, align, bits = struct.unpack("<HHIIHH", body[:16])
                if tag == _WAVE_EXTENSIBLE and len(body) >= 26:
                    tag = struct.unpack("<H", body[24:26])[0]  # first two bytes of the sub-format GUID
                if tag not in (_WAVE_PCM, _WAVE_FLOAT) or channels < 1 or rate <= 0 or align <= 0:
                    raise ValueError(f"unsupported WAVE format {tag}")
                fmt = (rate, align)
            elif cid == b"data":
                if fmt is None:
                    raise ValueError("data before fmt")
                rate, align = fmt
                here = fh.tell()
                fh.seek(0, 2)
                available = fh.tell() - here
                # a streamed WAV may leave the size at 0 or 0xFFFFFFFF: trust the file then
                n = size if 0 < size <= available else available
                return (n // align) / rate
            else:
                fh.seek(size + (size & 1), 1)


def check_wav(path: Path) -> float:
    """Duration of a readable WAV file; InputError ``replay.answer_*`` otherwise."""
    path = Path(path)
    if path.is_dir():
        raise InputError("input.is_directory", file=str(path))
    if not path.is_file():
        raise InputError("replay.answer_missing", file=str(path))
    try:
        return wav_duration(path)
    except (ValueError, struct.error, OSError) as exc:
        log.debug("not a wav: %s", exc)
        raise InputError("replay.answer_not_wav", file=path.name) from None


class WhisperFileTranscriber:
    """Transcribe a file or a 16 kHz float32 array in Korean or English."""

    def __init__(self, model_path: Path, *, model_id: str = "faster-whisper",
                 device: str = "auto", compute_type: str | None = None, identify_language: bool = True) -> None:
        self.model_path = Path(model_path)
        self.engine_name = f"faster-whisper/{model_id}"
        self.device = device
        self.compute_type = compute_type
        self.identify_language = identify_language

    def transcribe(self, audio: "Path | np.ndarray", language: str | None = None,
                   cancel: "CancelToken | None" = None) -> Transcription:
        model = load_whisper(self.model_path, self.device, self.compute_type)
        name = Path(audio).name if isinstance(audio, (str, Path)) else "audio"
        try:
            if isinstance(audio, (str, Path)):
                from faster_whisper.audio import decode_audio

                pcm = decode_audio(str(audio), sampling_rate=SAMPLE_RATE)
            else:
                pcm = audio
            # the live path's short-window model (shared, already loaded in the app): the whole-file
            # model pads to 30 s and took 2-3 s per answer here, the short one 0.25-0.8 s
            guess = detect_language(load_whisper_model(self.model_path, compute_type=self.compute_type,
                                                       device=self.device), pcm, language) \
                if (language and self.identify_language) else None
            segments_iter, info = model.transcribe(pcm, language=language, **DECODE_OPTIONS)
            segments: list[TranscriptSegment] = []
            for seg in segments_iter:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                kept = clean_words(words_of(seg))
                if not kept:
                    continue
                conf = sum(w.confidence or 0.0 for w in kept) / len(kept)
                segments.append(TranscriptSegment(
                    text=join_words(kept), start=kept[0].start, end=kept[-1].end, words=kept,
                    confidence=round(float(conf), 4), language=info.language, is_final=True,
                    engine=self.engine_name))
        except (RuntimeError, ValueError, OSError) as exc:
            raise EngineError("replay.stt_failed", file=name, reason=f"{type(exc).__name__}: {exc}") from exc
        except Exception as exc:  # PyAV raises its own types for undecodable media
            if type(exc).__module__.startswith("av"):
                raise InputError("speech.audio_file_unreadable", path=name, reason=str(exc)) from exc
            raise
        tx = Transcription(segments=segments, language=info.language or (language or ""),
                           duration=float(info.duration), engine=self.engine_name)
        if guess is not None:
            tx.detected_language = guess.detected
            tx.language_probability = guess.probability
            tx.chosen_language_probability = guess.chosen_probability
        return tx
