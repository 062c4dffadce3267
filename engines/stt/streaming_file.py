"""Run an audio file through the live streaming path (router or local engine), for
``big20 replay --realtime`` and benchmarks.

:func:`transcribe_streaming` plays the file through :class:`FileAudioSource` (real time or
as fast as the engines take it), feeds the :class:`SpeechRouter` (Deepgram if a key is set
and ``use_deepgram``; local faster-whisper otherwise, with failover) and returns the final
segments as a :class:`Transcription`. Blocking; call it from a worker thread. ``on_segment``
receives interim and final segments on the engines' threads.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from core.errors import EngineError
from core.protocols import Transcription, TranscriptSegment
from engines.capture.audio import FileAudioSource
from engines.stt.deepgram_live import DeepgramLiveTranscriber
from engines.stt.router import RemoteStream, SpeechRouter
from engines.stt.whisper_stream import LocalWhisperStream

if TYPE_CHECKING:  # faster_whisper itself is imported when a model loads
    from faster_whisper import WhisperModel


def transcribe_streaming(path: Path | str, language: str, *, realtime: bool, model: WhisperModel,
                         on_segment: Callable[[TranscriptSegment], None] | None = None,
                         use_deepgram: bool = False,
                         on_event: Callable[[str, object], None] | None = None,
                         deepgram_base_url: str | None = None) -> Transcription:
    """``model``: a loaded faster-whisper model (engines.assembly.streaming_whisper_model);
    ``use_deepgram``: the caller's setting (``Settings.speech.use_deepgram``)."""
    finals: list[TranscriptSegment] = []
    lock = threading.Lock()

    def collect(seg: TranscriptSegment) -> None:
        if seg.is_final:
            with lock:
                finals.append(seg)
        if on_segment is not None:
            on_segment(seg)

    def deepgram_factory(key: str, /, *, on_failure: Callable[[EngineError], None]) -> RemoteStream:
        return DeepgramLiveTranscriber(key, base_url=deepgram_base_url, on_failure=on_failure)

    # Live: a worker decodes while audio keeps coming. Faster than real time: decode inline
    # at fixed stream-time steps, so results do not depend on machine speed.
    router = SpeechRouter(lambda: LocalWhisperStream(model, threaded=realtime), use_deepgram=use_deepgram,
                          deepgram_factory=deepgram_factory, on_event=on_event)
    source = FileAudioSource(path, speed=1.0 if realtime else 0.0, tail_silence_s=1.0)
    router.start(language, collect)
    try:
        source.start(lambda block, _t: router.feed(block))
        source.done.wait()
        source.stop()
        router.finish()
    finally:
        router.close()
    finals.sort(key=lambda s: s.start)
    engine = "+".join(dict.fromkeys(router.engines_used))
    return Transcription(segments=finals, language=language, duration=source.duration, engine=engine)
