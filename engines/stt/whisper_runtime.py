"""The one faster-whisper runtime: model loading, decode options, post-filters, language ID.

Both the file transcriber (:mod:`engines.stt.whisper_file`) and the live stream
(:mod:`engines.stt.whisper_stream`) use this module and nothing of each other, so there is
one set of decoding options and one token normaliser.

Decoding (why each option): greedy temperature 0 with a temperature fallback only when a
pass's compression ratio shows a loop; no conditioning on previous text (a bad window cannot
seed the next); hallucinated text over long silences skipped. ``no_repeat_ngram_size`` stays
0: it mangled legitimate repeats ("ask not what your country can do for you, ask what you
can do ...") on jfk.wav. ``repetition_penalty`` stays 1.0: at 1.1 every word already said
("I", "the") is penalised, so on a multi-sentence English answer the decoder preferred
end-of-text over the next sentence's "I" and dropped it; on the 31 Korean recordings in
shared/data there was no run of >2 repeated tokens at 1.0 either (CER 0.194 vs 0.199 at 1.1).
Loops that survive are removed by :func:`clean_words` (digit salads, repeated runs).
The only per-mode difference is ``vad_filter``: a whole file needs it, the live stream hands
over audio its own VAD already cut to an utterance.

Thread-safety: models are loaded once per process per (folder, device, compute type,
threads, window mode) and shared; CTranslate2 models may be used from several threads.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from typing_extensions import TypedDict

from core.errors import EngineError
from core.gpu_plan import cuda_compute_type
from core.protocols import SAMPLE_RATE, Word
from engines.llm.gpu import gpus
from engines.runtime_probe import ProbeResult, ensure_runtime

if TYPE_CHECKING:  # faster_whisper itself is imported when a model loads (CTranslate2, start-up time)
    import ctranslate2
    import numpy as np
    import numpy.typing as npt
    from faster_whisper import WhisperModel
    from faster_whisper.transcribe import Segment

log = logging.getLogger(__name__)

ENGINE = "faster-whisper"

class DecodeOptions(TypedDict, total=False):
    """faster-whisper ``transcribe`` keyword arguments this app sets."""

    beam_size: int
    temperature: tuple[float, ...]
    condition_on_previous_text: bool
    compression_ratio_threshold: float
    no_repeat_ngram_size: int
    repetition_penalty: float
    hallucination_silence_threshold: float
    log_prob_threshold: float
    no_speech_threshold: float
    word_timestamps: bool
    vad_filter: bool
    vad_parameters: dict[str, int]


DECODE_OPTIONS: DecodeOptions = {
    "beam_size": 1,
    "temperature": (0.0, 0.2, 0.4),
    "condition_on_previous_text": False,
    "compression_ratio_threshold": 2.0,
    "no_repeat_ngram_size": 0,
    "repetition_penalty": 1.0,
    "hallucination_silence_threshold": 2.0,
    "log_prob_threshold": -1.0,
    "no_speech_threshold": 0.6,
    "word_timestamps": True,
}
FILE_OPTIONS: DecodeOptions = {**DECODE_OPTIONS, "vad_filter": True,
                               "vad_parameters": {"min_silence_duration_ms": 500}}
STREAM_OPTIONS: DecodeOptions = {**DECODE_OPTIONS, "vad_filter": False}

MAX_RUN = 2  # a token may repeat twice in a row ("very very"), not more
MAX_DIGIT_RUN = 4  # "010 1234 5678" is three; a longer run of bare numbers is a decoding loop
# A looping pass generates tokens until whisper's 448 limit (seconds on 2 cores). Speech
# yields well under 15 tokens/s (Korean syllables tokenise to 1-3 tokens), so a pass may
# generate at most that much for its window.
MAX_TOKENS_PER_S = 15.0

# Encoder input kept for short windows: the content plus a 3 s margin, never under 5 s.
# Whisper pads every window to 30 s; for the 1-8 s windows a live answer decodes, that padding
# is most of the work (base int8, 2 threads: 30 s of frames 1.0 s, 10 s 0.16 s, 5 s 0.08 s).
# Measured on the shared en/ko clips: RTF 0.27 -> 0.10-0.13, WER en 0.124 -> 0.136, CER ko
# 0.165 -> 0.177. With a 1 s margin and no floor one English clip looped, so both stay.
SHORT_WINDOW_MARGIN_FRAMES = 300
SHORT_WINDOW_MIN_FRAMES = 500


def norm_token(text: str) -> str:
    """The one token normaliser (case and punctuation folded) for run detection and overlap."""
    return re.sub(r"[\W_]+", "", text.lower())


_DIGITS = re.compile(r"^[\W_]*\d[\d\W_]*$")


def drop_digit_salad(words: list[Word], max_run: int = MAX_DIGIT_RUN) -> list[Word]:
    """Remove runs of more than ``max_run`` consecutive bare-number tokens ("4 ,5 ,5 ,0 ,0 ,6").
    whisper base falls into these on synthetic Korean; real speech puts words between numbers."""
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


def drop_repeated_runs(words: list[Word], max_run: int = MAX_RUN) -> list[Word]:
    """Remove the tail of any run of more than ``max_run`` identical tokens ("아 아 아 아")."""
    out: list[Word] = []
    run = 0
    prev = None
    for w in words:
        tok = norm_token(w.text)
        if tok and tok == prev:
            run += 1
        else:
            run = 1
            prev = tok
        if run <= max_run:
            out.append(w)
    return out


def clean_words(words: list[Word]) -> list[Word]:
    """The post-filters every faster-whisper pass goes through (file and streaming)."""
    return drop_repeated_runs(drop_digit_salad(words))


def join_words(words: list[Word]) -> str:
    # faster-whisper word texts carry no reliable leading spaces once stripped; both Korean
    # (eojeol) and English are space-separated at word level.
    return " ".join(w.text for w in words).strip()


# ----------------------------------------------------------------------------- models
_short_window_class: type[WhisperModel] | None = None


def _short_window_model_class() -> type[WhisperModel]:
    """A WhisperModel whose encoder sees the window's content instead of 30 s of padding."""
    global _short_window_class
    if _short_window_class is None:
        import numpy as np
        from faster_whisper import WhisperModel

        class ShortWindowWhisperModel(WhisperModel):
            def encode(self, features: npt.NDArray[np.float32]) -> ctranslate2.StorageView:  # faster-whisper's
                f = features if features.ndim == 3 else features[None]
                # faster-whisper pads with exact zeros; real audio, even silence, is never an
                # all-zero log-mel column, so the last non-zero column ends the content.
                cols = np.flatnonzero(np.abs(f[0]).sum(axis=0) > 0)
                n = int(cols[-1]) + 1 if cols.size else f.shape[-1]
                n = max(SHORT_WINDOW_MIN_FRAMES, math.ceil((n + SHORT_WINDOW_MARGIN_FRAMES) / 100) * 100)
                return super().encode(np.ascontiguousarray(f[..., :min(n, f.shape[-1])]))

        _short_window_class = ShortWindowWhisperModel
    return _short_window_class


_models: dict[tuple[str, str, str, int, bool], WhisperModel] = {}
_models_lock = threading.Lock()

# ----------------------------------------------------------------------------- CPU or GPU
@dataclass(frozen=True)
class WhisperPlacement:
    device: str  # cpu | cuda
    compute_type: str
    note: str = ""  # why the CPU, when a GPU was there (English; the doctor prints it)


_placement: WhisperPlacement | None = None


def whisper_placement(refresh: bool = False, *, probe: Callable[[str, Path | str | None], ProbeResult] | None = None,
                      model_dir: Path | str | None = None) -> WhisperPlacement:
    """Where faster-whisper runs here: CUDA when CTranslate2 sees a CUDA device and a child
    process ran the model in ``model_dir`` there (none given: CUDA is refused) (a missing cuDNN/cuBLAS aborts the process that loads it:
    engines.runtime_probe), with the compute type by capability; else the CPU (int8).
    Cached for the process. Blocking the first time (a child process)."""
    global _placement
    with _models_lock:
        if _placement is not None and not refresh:
            return _placement
    try:
        import ctranslate2

        devices = ctranslate2.get_cuda_device_count()
        supported = set(ctranslate2.get_supported_compute_types("cuda")) if devices else set()
    except (ImportError, RuntimeError, ValueError) as exc:
        devices, supported = 0, set()
        log.info("CTranslate2 sees no CUDA: %s", exc)
    if devices <= 0:
        placed = WhisperPlacement("cpu", "int8")
    else:
        best = gpus().best
        ct = cuda_compute_type(best.compute_capability if best else None, supported)
        placed = WhisperPlacement("cuda", ct)
        try:
            ensure_runtime("faster-whisper-cuda", model_dir, engine=ENGINE, prober=probe)
        except Exception as exc:  # noqa: BLE001 - RuntimeRefused, or the probe could not start
            placed = WhisperPlacement("cpu", "int8", f"CUDA refused ({getattr(exc, 'code', type(exc).__name__)})")
            log.warning("faster-whisper stays on the CPU: %s", exc)
    with _models_lock:
        _placement = placed
    return placed



def load_whisper_model(model_dir: Path | str, *, cpu_threads: int = 2,
                       compute_type: str | None = None, short_windows: bool = True,
                       device: str = "auto") -> WhisperModel:
    """The faster-whisper CTranslate2 model in ``model_dir`` (the active 'stt' model's folder:
    engines.assembly.streaming_whisper_model), loaded once per process per (folder, device, compute type, threads, window
    mode) and shared. ``device="auto"``: :func:`whisper_placement` (CUDA when it runs here,
    else the CPU); ``compute_type=None``: that placement's (int8 on the CPU). A CUDA load that
    fails falls back to the CPU with a warning. ``short_windows`` encodes only the window's
    content: the live default; whole files use ``short_windows=False``.
    Raises EngineError ``speech.local_model_failed``."""
    if device == "auto":
        placed = whisper_placement(model_dir=model_dir)
        device = placed.device
        compute_type = compute_type if device == "cpu" and compute_type else placed.compute_type
    compute_type = compute_type or "int8"
    if device == "cuda":
        try:
            return _load(model_dir, device, compute_type, cpu_threads, short_windows)
        except EngineError as exc:
            log.warning("faster-whisper on CUDA failed, using the CPU: %s", exc)
            device, compute_type = "cpu", "int8"
    return _load(model_dir, device, compute_type, cpu_threads, short_windows)


def _load(model_dir: Path | str, device: str, compute_type: str, cpu_threads: int, short_windows: bool) -> WhisperModel:
    key = (str(model_dir), device, compute_type, cpu_threads, short_windows)
    with _models_lock:
        model = _models.get(key)
        if model is None:
            try:
                from faster_whisper import WhisperModel

                cls = _short_window_model_class() if short_windows else WhisperModel
                model = cls(str(model_dir), device=device, compute_type=compute_type,
                            cpu_threads=cpu_threads, local_files_only=True)
            except Exception as exc:  # ctranslate2 raises RuntimeError/ValueError variants
                raise EngineError("speech.local_model_failed", reason=f"{type(exc).__name__}: {exc}") from exc
            _models[key] = model
        return model


# ----------------------------------------------------------------------------- decoding
def words_of(segment: Segment, offset_s: float = 0.0) -> list[Word]:
    return [Word(text=w.word.strip(), start=round(offset_s + float(w.start), 3),
                 end=round(offset_s + float(w.end), 3), confidence=round(float(w.probability), 4))
            for w in (segment.words or []) if w.word.strip()]


def decode_window(model: WhisperModel, audio: "np.ndarray", language: str, offset_s: float = 0.0,
                  prompt: str | None = None) -> list[Word]:
    """One streaming pass over ``audio`` (an utterance window); cleaned words with absolute
    times (``offset_s`` + position in ``audio``). Output tokens are bounded by the window's
    length, and the fallback sampling is seeded so the same audio gives the same text."""
    import ctranslate2

    ctranslate2.set_random_seed(0)
    max_new = min(440, int(MAX_TOKENS_PER_S * len(audio) / SAMPLE_RATE) + 20)
    segments, _info = model.transcribe(audio, language=language, initial_prompt=prompt or None,
                                       max_new_tokens=max_new, **STREAM_OPTIONS)
    words: list[Word] = []
    for seg in segments:
        words.extend(words_of(seg, offset_s))
    return clean_words(words)


LANGID_MAX_S = 15.0


@dataclass
class LanguageGuess:
    """What the speech sounds like: the most likely language and the chosen one's share."""

    detected: str
    probability: float  # of ``detected``
    chosen: str
    chosen_probability: float


def detect_language(model: WhisperModel, audio: "np.ndarray", chosen: str) -> LanguageGuess | None:
    """faster-whisper's language identification over the voiced part of ``audio`` (16 kHz
    float32); None for audio too short or silent to judge. Measured with base (short-window
    model) on the shared recordings: 12 Korean clips ko 0.986-0.9997, 10 English clips en
    0.910-0.9998; the other language never above 0.007. The decision (mismatch or not) is
    the session's: :func:`core.interview.session.language_mismatch`."""
    import numpy as np

    if audio is None or len(audio) < SAMPLE_RATE // 2 or float(np.max(np.abs(audio))) < 1e-4:
        return None
    try:
        # the first LANGID_MAX_S of the answer: the encoder's cost grows with the window (a
        # 30 s window is ~1 s here), and the shared clips were all judged right within 20 s
        lang, prob, all_probs = model.detect_language(audio[: int(LANGID_MAX_S * SAMPLE_RATE)], vad_filter=True)
    except (RuntimeError, ValueError) as exc:
        log.warning("language identification failed: %s", exc)
        return None
    probs = dict(all_probs or [])
    return LanguageGuess(detected=lang, probability=round(float(prob), 4), chosen=chosen,
                         chosen_probability=round(float(probs.get(chosen, 0.0)), 4))
