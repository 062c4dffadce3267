"""FileTranscriber over faster-whisper: a whole answer file to words with timestamps.

Decoding is set against the repetition loops small Whisper models fall into on Korean
(DESIGN §9: base looped "아 아 아 ..." on a short clip): greedy temperature 0 with fallback
only when a segment's compression ratio shows a loop, no conditioning on previous text
(a loop cannot feed itself) and skipping of hallucinated text over long silences; no
repetition penalty (it cut English answers short, see DECODE_OPTIONS). A post-filter then drops any run of one token repeated
more than twice that survives decoding.

Thread-safety: ``WhisperModel`` instances are shared per process (``load_whisper``);
CTranslate2 models serialise calls internally, but one transcriber per worker thread
is the intended use. Cancellation: checked between segments (the generator is lazy).
"""

from __future__ import annotations

import logging
import re
import wave
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import EngineError, InputError
from core.protocols import Transcription, TranscriptSegment, Word

if TYPE_CHECKING:
    import numpy as np

    from core.tasks import CancelToken

log = logging.getLogger(__name__)


DECODE_OPTIONS: dict[str, Any] = {
    "beam_size": 1,
    "temperature": [0.0, 0.2, 0.4],
    "condition_on_previous_text": False,
    "compression_ratio_threshold": 2.0,
    # no_repeat_ngram_size stays 0: it mangled legitimate repeats ("ask not what your country
    # can do for you, ask what you can do ...") on jfk.wav; loops are caught by the
    # compression-ratio fallback and the run filter instead.
    "no_repeat_ngram_size": 0,
    # repetition_penalty stays 1.0: at 1.1 every word already said ("I", "the") is penalised,
    # so on a multi-sentence English answer the decoder preferred end-of-text over the next
    # sentence's "I" and dropped it ("... because I rebuilt the flow in React." ended at
    # "because"; the rest of the 30 s window is then skipped). Measured on the 31 Korean
    # recordings in shared/data: no run of >2 repeated tokens at 1.0 either, CER 0.194 vs
    # 0.199 at 1.1 - the loop guard is the fallback + no conditioning + the run filter.
    "repetition_penalty": 1.0,
    "hallucination_silence_threshold": 2.0,
    "log_prob_threshold": -1.0,
    "no_speech_threshold": 0.6,
    "vad_filter": True,
    "vad_parameters": {"min_silence_duration_ms": 500},
    "word_timestamps": True,
}
MAX_RUN = 2  # a token may repeat twice in a row ("very very"), not more


def load_whisper(path: Path, device: str = "cpu", compute_type: str = "int8") -> Any:
    """The shared WhisperModel for ``path`` with faster-whisper's usual 30 s windows (whole
    files are decoded at full accuracy); see :func:`engines.stt.whisper_stream.load_whisper_model`."""
    from engines.stt.whisper_stream import load_whisper_model

    return load_whisper_model(path, cpu_threads=0, compute_type=compute_type, short_windows=False,
                              device=device)


def _norm_token(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


_DIGITS = re.compile(r"^[\W_]*\d[\d\W_]*$")
MAX_DIGIT_RUN = 4  # "010 1234 5678" is three; a longer run of bare numbers is a decoding loop


def drop_digit_salad(words: list[Word], max_run: int = MAX_DIGIT_RUN) -> list[Word]:
    """Remove runs of more than ``max_run`` consecutive bare-number tokens ("4 ,5 ,5 ,0 ,0 ,6").
    whisper base falls into these on synthetic Korean; real speech puts words between
    numbers ("6 times 10 equals 60")."""
    out: list[Word] = []
    run: list[Word] = []
    for w in words + [Word("", 0.0, 0.0)]:  # sentinel flushes the last run
        if w.text and _DIGITS.match(w.text):
            run.append(w)
            continue
        if len(run) <= max_run:
            out.extend(run)
        run = []
        if w.text:
            out.append(w)
    return out


def clean_words(words: list[Word]) -> list[Word]:
    """The post-filters every faster-whisper pass goes through (file and streaming)."""
    return drop_repeated_runs(drop_digit_salad(words))


def drop_repeated_runs(words: list[Word], max_run: int = MAX_RUN) -> list[Word]:
    """Remove the tail of any run of more than ``max_run`` identical tokens ("아 아 아 아")."""
    out: list[Word] = []
    run = 0
    prev = None
    for w in words:
        tok = _norm_token(w.text)
        if tok and tok == prev:
            run += 1
        else:
            run = 1
            prev = tok
        if run <= max_run:
            out.append(w)
    return out


def check_wav(path: Path) -> float:
    """Duration of a readable WAV file; InputError ``replay.answer_*`` otherwise."""
    path = Path(path)
    if not path.is_file():
        raise InputError("replay.answer_missing", file=str(path))
    try:
        with wave.open(str(path), "rb") as wf:
            frames, rate = wf.getnframes(), wf.getframerate()
    except (wave.Error, EOFError, OSError) as exc:
        log.debug("not a wav: %s", exc)
        raise InputError("replay.answer_not_wav", file=path.name) from None
    if rate <= 0:
        raise InputError("replay.answer_not_wav", file=path.name)
    return frames / rate


class WhisperFileTranscriber:
    """Transcribe a file or a 16 kHz float32 array in Korean or English."""

    def __init__(self, model_path: Path, *, model_id: str = "faster-whisper",
                 device: str = "cpu", compute_type: str = "int8") -> None:
        self.model_path = Path(model_path)
        self.engine_name = f"faster-whisper/{model_id}"
        self.device = device
        self.compute_type = compute_type

    def transcribe(self, audio: "Path | np.ndarray", language: str | None = None,
                   cancel: "CancelToken | None" = None) -> Transcription:
        model = load_whisper(self.model_path, self.device, self.compute_type)
        source = str(audio) if isinstance(audio, (str, Path)) else audio
        try:
            segments_iter, info = model.transcribe(source, language=language, **DECODE_OPTIONS)
            segments: list[TranscriptSegment] = []
            for seg in segments_iter:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                words = [Word(text=w.word.strip(), start=round(float(w.start), 3),
                              end=round(float(w.end), 3), confidence=round(float(w.probability), 4))
                         for w in (seg.words or []) if w.word.strip()]
                kept = clean_words(words)
                if not kept:
                    continue
                text = _join(kept, info.language)
                conf = sum(w.confidence or 0.0 for w in kept) / len(kept)
                segments.append(TranscriptSegment(
                    text=text, start=kept[0].start, end=kept[-1].end, words=kept,
                    confidence=round(float(conf), 4), language=info.language, is_final=True,
                    engine=self.engine_name))
        except (RuntimeError, ValueError, OSError) as exc:
            name = Path(audio).name if isinstance(audio, (str, Path)) else "audio"
            raise EngineError("replay.stt_failed", file=name, reason=f"{type(exc).__name__}: {exc}") from exc
        return Transcription(segments=segments, language=info.language or (language or ""),
                             duration=float(info.duration), engine=self.engine_name)


def _join(words: list[Word], language: str | None) -> str:
    # faster-whisper word texts carry no reliable leading spaces once stripped; both Korean
    # (eojeol) and English are space-separated at word level.
    return " ".join(w.text for w in words).strip()
