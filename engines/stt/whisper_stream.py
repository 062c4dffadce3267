"""Local streaming speech-to-text with faster-whisper while the person speaks.

How it works (LocalAgreement-2, as in whisper_streaming by Macháček et al.):

* Silero VAD runs on every 32 ms frame. An *utterance* starts at the first voiced frame
  (with a short pre-roll) and ends after ``utterance_silence_s`` of silence.
* While the utterance goes on, every ``step_s`` of new audio the uncommitted part of the
  utterance (the *window*) is decoded again. Words on which two consecutive passes agree
  (longest common prefix) are *committed*: they never change again, and the window then
  starts at the end of the last committed word. Interim segments (``is_final=False``) carry
  committed + tentative words, so interim text is stable where it matters.
* Shortly after the silence starts (``speculate_after_s``) the window is decoded once more;
  if no voice returns before ``utterance_silence_s``, that result becomes the final segment,
  so the final text costs almost no decoding after the endpoint.

Decoding options, model loading and the post-filters are
:mod:`engines.stt.whisper_runtime`'s, shared with the file transcriber.

Threading: with ``threaded=True`` (live microphone) ``feed`` only queues audio and one worker
thread does VAD and decoding; ``on_segment`` is called on that worker thread. With
``threaded=False`` everything (``on_segment`` included) runs inside ``feed``/``finish`` on
the caller's thread, and passes happen at fixed stream-time steps: deterministic, used by
tests and by faster-than-real-time file streaming. Timestamps are stream seconds plus
``time_offset`` given to :meth:`start`.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from core.errors import EngineError
from core.protocols import SAMPLE_RATE, TranscriptSegment, Word
from engines.stt.whisper_runtime import (  # noqa: F401 - re-exported: bench/stt.py and tests use them here
    ENGINE,
    MAX_TOKENS_PER_S,
    SHORT_WINDOW_MARGIN_FRAMES,
    SHORT_WINDOW_MIN_FRAMES,
    STREAM_OPTIONS,
    decode_window,
    load_whisper_model,
    norm_token,
)
from engines.stt.whisper_runtime import (
    join_words as _join_words,
)
from engines.vad.silero import FRAME_SAMPLES, FrameSplitter, SileroVad

if TYPE_CHECKING:  # faster_whisper itself is imported when a model loads
    import numpy as np
    from faster_whisper import WhisperModel

log = logging.getLogger(__name__)

DECODE_OPTIONS = STREAM_OPTIONS


def decode_words(model: WhisperModel, audio: "np.ndarray", language: str, offset_s: float,
                 prompt: str | None = None) -> list[Word]:
    """One decoding pass; words with absolute times (``offset_s`` + position in ``audio``)."""
    return decode_window(model, audio, language, offset_s, prompt)


def drop_overlap(committed: list[Word], hyp: list[Word], max_n: int = 5) -> list[Word]:
    """Remove from the start of ``hyp`` words that repeat the end of ``committed``: word
    timestamps are loose, so a window cut at a committed word's end may hear it again."""
    changed = True
    while changed and hyp and committed:
        changed = False
        for n in range(min(max_n, len(committed), len(hyp)), 0, -1):
            if [norm_token(w.text) for w in committed[-n:]] == [norm_token(w.text) for w in hyp[:n]]:
                hyp = hyp[n:]
                changed = True
                break
    return hyp


def join_words(words: list[Word], language: str) -> str:
    return _join_words(words)


@dataclass
class _Utterance:
    start_sample: int               # absolute sample of audio[0] of the utterance buffer
    audio: list = field(default_factory=list)   # frames since window start
    window_start: int = 0           # absolute sample where the uncommitted window begins
    committed: list[Word] = field(default_factory=list)
    previous: list[Word] = field(default_factory=list)  # last pass's uncommitted words
    last_pass_at: int = 0           # absolute sample of the last pass
    last_voiced: int = 0            # absolute sample (end of last voiced frame)
    speculative: tuple[int, list[Word]] | None = None  # (last_voiced at decode, words)


class LocalWhisperStream:
    """Implements :class:`core.protocols.StreamingTranscriber` (see module docstring)."""

    engine_name = ENGINE

    def __init__(self, model: WhisperModel, *, vad: SileroVad | None = None, threaded: bool = True,
                 step_s: float = 1.0, utterance_silence_s: float = 0.5,
                 speculate_after_s: float = 0.2, preroll_s: float = 0.3, max_window_s: float = 20.0,
                 on_threshold: float = 0.5, off_threshold: float = 0.35) -> None:
        self.model = model
        self.vad = vad or SileroVad()
        self.threaded = threaded
        self.step = int(step_s * SAMPLE_RATE)
        self.utterance_silence = int(utterance_silence_s * SAMPLE_RATE)
        self.speculate_after = int(speculate_after_s * SAMPLE_RATE)
        self.preroll = int(preroll_s * SAMPLE_RATE)
        self.max_window = int(max_window_s * SAMPLE_RATE)
        self.on_threshold, self.off_threshold = on_threshold, off_threshold
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self.language = "en"
        self.on_segment: Callable[[TranscriptSegment], None] = lambda s: None
        self.time_offset = 0.0
        self.last_final_voiced_s = 0.0

    # ------------------------------------------------------------------ protocol
    def start(self, language: str, on_segment: Callable[[TranscriptSegment], None], *,
              time_offset: float = 0.0) -> None:
        import numpy as np

        self._np = np
        self.language = language
        self.on_segment = on_segment
        self.time_offset = time_offset
        self.vad.reset()
        self._split = FrameSplitter(FRAME_SAMPLES)
        self._pos = 0                   # absolute samples processed
        self._speaking = False
        self._recent: list = []          # pre-roll frames while not in an utterance
        self._utt: _Utterance | None = None
        self._pass_cost_s: float | None = None  # moving average of a pass's wall time
        self._error = None
        if self.threaded:
            self._thread = threading.Thread(target=self._worker, name="whisper-stream", daemon=True)
            self._thread.start()

    def feed(self, pcm: "np.ndarray") -> None:
        if self.threaded:
            self._queue.put(pcm)
        else:
            self._process(pcm)

    def finish(self) -> None:
        """Flush: every sample fed so far ends up in a final segment; returns after the last
        ``on_segment``. Raises EngineError if decoding failed on the worker."""
        if self.threaded:
            self._queue.put(None)
            if self._thread is not None:
                self._thread.join()
                self._thread = None
            if self._error is not None:
                raise EngineError("speech.local_model_failed", reason=str(self._error)) from self._error
        else:
            self._flush()

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    # ------------------------------------------------------------------ worker
    def _worker(self) -> None:
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    break
                # Drain whatever arrived during the last decode in one go: passes then cover
                # all of it, so a slow machine falls behind by at most one pass.
                chunks = [item]
                stop = False
                while True:
                    try:
                        nxt = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if nxt is None:
                        stop = True
                        break
                    chunks.append(nxt)
                self._process(self._np.concatenate(chunks), decode_now=not stop)
                if stop:
                    break
            self._flush()
        except BaseException as exc:  # surfaced to the caller by finish()
            log.exception("local streaming transcription failed")
            self._error = exc

    # ------------------------------------------------------------------ core
    def _process(self, pcm: "np.ndarray", decode_now: bool = True) -> None:
        for frame in self._split.push(pcm):
            p = self.vad.speech_probability(frame)
            self._pos += len(frame)
            voiced = p >= (self.off_threshold if self._speaking else self.on_threshold)
            self._speaking = voiced
            utt = self._utt
            if utt is None:
                self._recent.append(frame)
                if voiced:
                    pre = self._np.concatenate(self._recent)[-(self.preroll + len(frame)):]
                    start = self._pos - len(pre)
                    self._utt = _Utterance(start_sample=start, audio=[pre], window_start=start,
                                           last_pass_at=self._pos, last_voiced=self._pos)
                    self._recent = []
                else:
                    self._recent = self._recent[-(self.preroll // FRAME_SAMPLES + 1):]
                continue
            utt.audio.append(frame)
            if voiced:
                utt.last_voiced = self._pos
                utt.speculative = None
            silence = self._pos - utt.last_voiced
            if silence >= self.utterance_silence:
                self._finalize()
            elif not self.threaded:
                self._maybe_decode(utt, voiced)
        if self.threaded and decode_now and self._utt is not None:
            # Live: decide once per drained backlog, on all of it. Deciding per frame would
            # run several passes over stale prefixes of a backlog and fall further behind.
            self._maybe_decode(self._utt, self._speaking)

    def _maybe_decode(self, utt: _Utterance, voiced: bool) -> None:
        silence = self._pos - utt.last_voiced
        if silence >= self.speculate_after:
            if utt.speculative is None:
                utt.speculative = (utt.last_voiced, self._decode_window(utt))
        elif voiced and self._pos - utt.last_pass_at >= self._effective_step():
            # Only while the voice goes on: a pass begun as speech stops would still be
            # running when the speculative final decode is due, and the final waits for it.
            self._pass(utt)

    def _effective_step(self) -> int:
        """Live: space passes at least twice their own cost apart, so the worker is mostly
        idle when speech stops and the final decode starts at once; a pass that costs more
        than the audio it covers would otherwise keep the engine permanently behind."""
        if not self.threaded or self._pass_cost_s is None:
            return self.step
        return max(self.step, int(2.0 * self._pass_cost_s * SAMPLE_RATE))

    def _window_audio(self, utt: _Utterance) -> "np.ndarray":
        return self._np.concatenate(utt.audio) if utt.audio else self._np.zeros(0, self._np.float32)

    def _decode_window(self, utt: _Utterance) -> list[Word]:
        # No initial_prompt from the committed words: with it, base repeated the committed
        # tail ("of the middle of the middle ...") when the window began mid-word.
        audio = self._window_audio(utt)
        hyp = decode_words(self.model, audio, self.language, self.time_offset + utt.window_start / SAMPLE_RATE)
        return drop_overlap(utt.committed, hyp)

    def _pass(self, utt: _Utterance) -> None:
        import time

        utt.last_pass_at = self._pos
        t0 = time.monotonic()
        hyp = self._decode_window(utt)
        cost = time.monotonic() - t0
        self._pass_cost_s = cost if self._pass_cost_s is None else 0.7 * self._pass_cost_s + 0.3 * cost
        agreed = 0
        for a, b in zip(utt.previous, hyp):
            if norm_token(a.text) != norm_token(b.text):
                break
            agreed += 1
        # Keep the last word tentative unless the window grew too long: it is often cut.
        window_len = self._pos - utt.window_start
        if window_len > self.max_window and agreed == 0 and len(hyp) > 2:
            agreed = len(hyp) - 2
        if agreed:
            newly = hyp[:agreed]
            utt.committed.extend(newly)
            self._trim(utt, newly[-1].end)
            hyp = hyp[agreed:]
        utt.previous = hyp
        words = utt.committed + hyp
        if words:
            self._emit(words, final=False, utt=utt)

    def _trim(self, utt: _Utterance, end_time: float) -> None:
        """Drop audio before ``end_time`` (absolute seconds incl. offset) from the window."""
        cut = int(round((end_time - self.time_offset) * SAMPLE_RATE))
        cut = max(utt.window_start, min(cut, self._pos))
        audio = self._window_audio(utt)
        drop = cut - utt.window_start
        utt.audio = [audio[drop:]]
        utt.window_start = cut

    def _finalize(self) -> None:
        utt = self._utt
        self._utt = None
        self._recent = []
        if utt is None:
            return
        if utt.speculative is not None and utt.speculative[0] == utt.last_voiced:
            tail = utt.speculative[1]
        else:
            tail = self._decode_window(utt)
        words = utt.committed + tail
        # Stream time of the utterance's last voiced sample (VAD), read by benchmarks on the
        # on_segment thread to measure end-of-speech -> final-text latency.
        self.last_final_voiced_s = utt.last_voiced / SAMPLE_RATE
        if words:
            self._emit(words, final=True, utt=utt)

    def _flush(self) -> None:
        rest = self._split.push(self._np.zeros(0, self._np.float32))
        del rest  # fewer than one frame: under 32 ms, not enough to hold a word
        if self._utt is not None:
            self._finalize()

    def _emit(self, words: list[Word], *, final: bool, utt: _Utterance) -> None:
        probs = [w.confidence for w in words if w.confidence is not None]
        start = self.time_offset + utt.start_sample / SAMPLE_RATE
        seg = TranscriptSegment(
            text=join_words(words, self.language), start=min(start, words[0].start),
            end=max(words[-1].end, start), words=list(words),
            confidence=(sum(probs) / len(probs)) if probs else None, language=self.language,
            is_final=final, engine=ENGINE)
        self.on_segment(seg)
