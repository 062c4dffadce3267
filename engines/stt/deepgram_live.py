"""Deepgram live transcription over the deepgram-sdk (v7) websocket client.

Contract:

* :meth:`DeepgramLiveTranscriber.start` opens the websocket (blocking, on the caller's
  thread) and raises :class:`EngineError` with code ``speech.deepgram_auth`` when Deepgram
  rejects the key (HTTP 401/403 on the handshake) or ``speech.deepgram_unreachable`` when it
  cannot connect. A reader thread then delivers results: ``on_segment`` is called on that
  reader thread, with interim (``is_final=False``) and final segments.
* A connection that drops before :meth:`finish` asked for it is reported once through
  ``on_failure(EngineError('speech.deepgram_network_lost'))`` (reader or feeding thread),
  never raised from ``feed``: the router replays the unconfirmed audio locally.
* ``confirmed_s`` is the stream time up to which Deepgram has sent final results; the audio
  before it is transcribed for good.
* Keep-alive: while no audio is sent (the question is being read, the person thinks), a
  KeepAlive message every ``keepalive_s`` keeps Deepgram from closing the socket (it does
  after ~10 s without data).

``base_url`` (``wss://api.deepgram.com`` by default) lets tests point the real SDK at a
local server speaking the same protocol.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Callable, cast

from core.errors import EngineError
from core.protocols import SAMPLE_RATE, TranscriptSegment, Word

if TYPE_CHECKING:  # the Deepgram SDK itself is imported when a stream starts (start-up time)
    import numpy as np
    from deepgram.listen.v1.types import ListenV1Results, ListenV1ResultsChannelAlternativesItem

log = logging.getLogger(__name__)

ENGINE = "deepgram"
MODELS = {"en": "nova-3", "ko": "nova-2"}  # nova-2 is Deepgram's model with Korean streaming


class DeepgramLiveTranscriber:
    engine_name = ENGINE

    def __init__(self, api_key: str, *, base_url: str | None = None, model: str | None = None,
                 endpointing_ms: int = 300, utterance_end_ms: int = 1000, keepalive_s: float = 4.0,
                 finish_timeout_s: float = 30.0,
                 on_failure: Callable[[EngineError], None] | None = None) -> None:
        self.api_key = api_key
        self.base_url = base_url
        self.model = model
        self.endpointing_ms = endpointing_ms
        self.utterance_end_ms = utterance_end_ms
        self.keepalive_s = keepalive_s
        self.finish_timeout_s = finish_timeout_s
        self.on_failure = on_failure or (lambda e: None)
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._closed = threading.Event()
        self._stop_keepalive = threading.Event()
        self._finishing = False
        self._closing = False
        self._failed = False
        self.confirmed_s = 0.0
        self.sent_samples = 0
        self.metadata_received = False

    # ------------------------------------------------------------------ protocol
    def start(self, language: str, on_segment: Callable[[TranscriptSegment], None]) -> None:
        from deepgram import DeepgramClient
        from deepgram.core.api_error import ApiError
        from deepgram.core.events import EventType
        from deepgram.environment import DeepgramClientEnvironment

        self.language = language
        self.on_segment = on_segment
        kwargs = {}
        if self.base_url:
            http = self.base_url.replace("ws://", "http://").replace("wss://", "https://")
            kwargs["environment"] = DeepgramClientEnvironment(base=http, production=self.base_url,
                                                              agent=self.base_url, agent_rest=http)
        client = DeepgramClient(api_key=self.api_key, **kwargs)
        self._cm = client.listen.v1.connect(
            model=self.model or MODELS.get(language, "nova-2"), language=language,
            encoding="linear16", sample_rate=SAMPLE_RATE, channels=1,
            interim_results=True, punctuate=True, smart_format=True,
            endpointing=self.endpointing_ms, utterance_end_ms=self.utterance_end_ms, vad_events=True)
        try:
            self._socket = self._cm.__enter__()
        except ApiError as exc:
            if exc.status_code in (401, 403):
                raise EngineError("speech.deepgram_auth", status=exc.status_code) from exc
            raise EngineError("speech.deepgram_unreachable", reason=f"HTTP {exc.status_code}") from exc
        except OSError as exc:  # refused, DNS, timeout (TimeoutError is an OSError)
            raise EngineError("speech.deepgram_unreachable", reason=type(exc).__name__ + ": " + str(exc)) from exc
        except Exception as exc:  # websockets handshake errors (InvalidStatus, ...)
            # With websockets >= 14 the SDK lets InvalidStatus through instead of ApiError.
            status = getattr(getattr(exc, "response", None), "status_code", None)
            if status in (401, 403):
                raise EngineError("speech.deepgram_auth", status=status) from exc
            raise EngineError("speech.deepgram_unreachable", reason=type(exc).__name__ + ": " + str(exc)) from exc
        self._socket.on(EventType.MESSAGE, self._on_message)
        self._socket.on(EventType.ERROR, self._on_error)
        self._socket.on(EventType.CLOSE, lambda _d: self._on_close())
        self._reader = threading.Thread(target=self._socket.start_listening, name="deepgram-reader", daemon=True)
        self._reader.start()
        self._keepalive = threading.Thread(target=self._keepalive_loop, name="deepgram-keepalive", daemon=True)
        self._keepalive.start()

    def feed(self, pcm: "np.ndarray") -> None:
        import numpy as np

        if self._failed:
            return
        data = (np.clip(pcm, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
        try:
            with self._send_lock:
                self._socket.send_media(data)
                self._last_send = "audio"
            self.sent_samples += len(pcm)
        except Exception as exc:  # noqa: BLE001 - ConnectionClosed*, OSError: the network went away
            log.info("deepgram send failed: %s", exc)
            self._fail()

    def finish(self) -> None:
        """Ask Deepgram for the last results and close; returns when the socket closed.
        A drop during this is reported through ``on_failure`` like any other."""
        if self._failed:
            return
        self._finishing = True
        try:
            with self._send_lock:
                self._socket.send_finalize()
                self._socket.send_close_stream()
        except Exception as exc:  # noqa: BLE001
            log.info("deepgram finish failed: %s", exc)
            self._finishing = False
            self._fail()
            return
        if not self._closed.wait(self.finish_timeout_s):
            self._fail()
        self.close()

    def close(self) -> None:
        self._stop_keepalive.set()
        self._closing = True
        cm, self._cm = getattr(self, "_cm", None), None
        if cm is not None:
            try:
                cm.__exit__(None, None, None)
            except Exception as exc:  # noqa: BLE001 - closing an already dead socket
                log.debug("deepgram close: %s", exc)

    @property
    def failed(self) -> bool:
        return self._failed

    # ------------------------------------------------------------------ internals
    def _keepalive_loop(self) -> None:
        self._last_send = "audio"
        while not self._stop_keepalive.wait(self.keepalive_s):
            if self._failed or self._finishing:
                return
            with self._send_lock:
                idle = self._last_send != "audio"
                self._last_send = "keepalive"
                if not idle:
                    continue  # audio went out in the last period: no keep-alive needed
                try:
                    self._socket.send_keep_alive()
                except Exception as exc:  # noqa: BLE001
                    log.info("deepgram keep-alive failed: %s", exc)
                    if not (self._finishing or self._closing):
                        self._fail()
                    return

    def _on_message(self, msg: object) -> None:
        kind = getattr(msg, "type", None)
        if kind == "Results":
            self._on_results(cast("ListenV1Results", msg))
        elif kind == "Metadata":
            self.metadata_received = True
        elif kind == "Error":
            log.warning("deepgram error message: %s", msg)

    def _on_results(self, msg: ListenV1Results) -> None:
        alt = msg.channel.alternatives[0] if msg.channel.alternatives else None
        words = [Word(w.punctuated_word or w.word, w.start, w.end, w.confidence)
                 for w in (alt.words or [])] if alt else []
        text = (alt.transcript or "").strip() if alt else ""
        with self._lock:
            if self._failed:
                return  # the router has already replayed this span locally
            if msg.is_final:
                self.confirmed_s = max(self.confirmed_s, msg.start + msg.duration)
        if not text:
            return
        self.on_segment(TranscriptSegment(
            text=text, start=words[0].start if words else msg.start,
            end=words[-1].end if words else msg.start + msg.duration, words=words,
            confidence=alt.confidence if alt else None, language=_detected_language(alt) or self.language,
            is_final=bool(msg.is_final), engine=ENGINE))

    def _on_error(self, exc: object) -> None:
        log.info("deepgram socket error: %s", exc)

    def _on_close(self) -> None:
        # Deepgram answers CloseStream with Metadata, then closes: a close without that, or
        # before we asked, is a lost connection. Fail first so that finish() returns only
        # after the router has switched over.
        if not self._closing and not (self._finishing and self.metadata_received):
            self._fail()
        self._closed.set()

    def _fail(self) -> None:
        with self._lock:
            if self._failed:
                return
            self._failed = True
        self._stop_keepalive.set()
        self.on_failure(EngineError("speech.deepgram_network_lost"))


def _detected_language(alt: ListenV1ResultsChannelAlternativesItem | None) -> str | None:
    """The language Deepgram heard, when it says (``languages`` on multilingual models); the
    session compares it with the interview's language."""
    langs = getattr(alt, "languages", None) if alt is not None else None
    return str(langs[0]).split("-")[0] if langs else None
