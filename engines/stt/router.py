"""Speech router: Deepgram when a key is set and the service answers, local faster-whisper
otherwise, switching mid-answer without losing audio.

One :meth:`SpeechRouter.start` ... :meth:`finish` cycle is one answer. Per answer:

* If ``use_deepgram`` and a key is stored, Deepgram is tried first. A rejected key
  (``speech.deepgram_auth``) or no connection (``speech.deepgram_unreachable``) is reported
  through ``on_event`` and the local engine takes the answer. A rejected key is not tried
  again until the key changes; an unreachable service is tried again at the next answer.
* Every fed block is kept in a ring buffer until Deepgram's final results cover it
  (``confirmed_s``). If the connection drops mid-answer, the router starts the local engine
  at the confirmed time and replays the unconfirmed audio into it before any new audio, so
  the final transcript has no gap; ``speech.deepgram_network_lost`` goes to ``on_event``.

Threading: ``feed`` is called from one audio thread. ``on_segment`` is called on the active
engine's thread (Deepgram reader, local worker, or the feeding thread for a non-threaded
local engine); ``on_event(code, error)`` on the thread that noticed the problem.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Callable, Protocol

from core.errors import Big20Error, EngineError, SecretStoreError
from core.protocols import SAMPLE_RATE, StreamingTranscriber, TranscriptSegment
from core.secrets import SecretStore
from engines.stt.deepgram_live import DeepgramLiveTranscriber

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)


class LocalStream(StreamingTranscriber, Protocol):
    """The local engine the router fails over to: it starts at a given stream time."""

    def start(self, language: str, on_segment: Callable[[TranscriptSegment], None], *,
              time_offset: float = 0.0) -> None: ...


class RemoteStream(StreamingTranscriber, Protocol):
    """Deepgram's stream: ``confirmed_s``, the stream time up to which its results are final."""

    confirmed_s: float


class RemoteFactory(Protocol):
    """Makes the remote stream for ``api_key``; ``on_failure`` is called when it drops."""

    def __call__(self, api_key: str, /, *, on_failure: Callable[[EngineError], None]) -> RemoteStream: ...


class AudioRing:
    """Audio since a confirmed sample, addressed by absolute sample index."""

    def __init__(self) -> None:
        self._blocks: list = []   # (start_sample, block)
        self.start = 0            # absolute sample of the first kept sample
        self.end = 0              # absolute sample after the last fed sample

    def append(self, block: "np.ndarray") -> None:
        self._blocks.append((self.end, block))
        self.end += len(block)

    def confirm(self, sample: int) -> None:
        """Forget audio before ``sample`` (whole blocks; a partial block is kept)."""
        while self._blocks and self._blocks[0][0] + len(self._blocks[0][1]) <= sample:
            s, b = self._blocks.pop(0)
            self.start = s + len(b)

    def since(self, sample: int) -> "np.ndarray":
        import numpy as np

        parts = []
        for s, b in self._blocks:
            if s + len(b) <= sample:
                continue
            parts.append(b[max(0, sample - s):])
        return np.concatenate(parts) if parts else np.zeros(0, np.float32)


class SpeechRouter:
    """Implements :class:`core.protocols.StreamingTranscriber` (plus ``on_event``)."""

    engine_name = "router"

    def __init__(self, local_factory: Callable[[], LocalStream], *, use_deepgram: bool = True,
                 api_key_getter: Callable[[], str | None] | None = None,
                 deepgram_factory: RemoteFactory | None = None,
                 on_event: Callable[[str, Big20Error | None], None] | None = None) -> None:
        """``local_factory()`` returns a fresh local StreamingTranscriber whose ``start``
        accepts ``time_offset``; ``deepgram_factory(api_key, on_failure=...)`` a
        DeepgramLiveTranscriber (default: the real one); ``api_key_getter`` defaults to the
        keyring's ``deepgram_api_key``."""
        self.local_factory = local_factory
        self.use_deepgram = use_deepgram
        self.api_key_getter = api_key_getter or _keyring_key
        self.deepgram_factory: RemoteFactory = deepgram_factory or _default_deepgram
        self.on_event = on_event or (lambda code, err: None)
        self._lock = threading.RLock()
        self._rejected_key: str | None = None
        self.active: StreamingTranscriber | None = None  # the engine receiving audio now (Deepgram or local)
        self.engines_used: list[str] = []
        self.failover_at_s: float | None = None

    def start(self, language: str, on_segment: Callable[[TranscriptSegment], None]) -> None:
        self.language = language
        self.on_segment = on_segment
        self._ring = AudioRing()
        self._deepgram: RemoteStream | None = None
        self.engines_used = []
        self.failover_at_s = None
        key = self.api_key_getter() if self.use_deepgram else None
        if self.use_deepgram and not key:
            self.on_event("speech.deepgram_no_key", None)
        if key and key != self._rejected_key:
            dg = self.deepgram_factory(key, on_failure=self._on_deepgram_failure)
            try:
                dg.start(language, on_segment)
            except EngineError as err:
                if err.code == "speech.deepgram_auth":
                    self._rejected_key = key
                self.on_event(err.code, err)
            else:
                self._deepgram = dg
                self.active = dg
                self.engines_used.append("deepgram")
                return
        self._start_local(0)

    def _start_local(self, from_sample: int) -> LocalStream:
        local = self.local_factory()
        local.start(self.language, self.on_segment, time_offset=from_sample / SAMPLE_RATE)
        self.active = local
        self.engines_used.append(local.engine_name or "local")
        return local

    def _on_deepgram_failure(self, err: EngineError) -> None:
        with self._lock:
            dg = self._deepgram
            if dg is None or self.active is not dg:
                return
            confirmed = int(dg.confirmed_s * SAMPLE_RATE)
            confirmed = max(confirmed, self._ring.start)
            self.failover_at_s = confirmed / SAMPLE_RATE
            local = self._start_local(confirmed)
            missing = self._ring.since(confirmed)
            if len(missing):
                local.feed(missing)
            self._ring = AudioRing()  # the local engine now owns every sample fed
            self._ring.end = self._ring.start = 0
        self.on_event(err.code, err)

    def feed(self, pcm: "np.ndarray") -> None:
        with self._lock:
            if self.active is self._deepgram and self._deepgram is not None:
                self._ring.append(pcm)
                self._ring.confirm(int(self._deepgram.confirmed_s * SAMPLE_RATE))
                self._deepgram.feed(pcm)  # a failure inside re-enters through the RLock
                return
            self._started().feed(pcm)

    def finish(self) -> None:
        dg = self._deepgram
        if dg is not None and self.active is dg:
            dg.finish()  # a drop here triggers the failover before it returns
        if self.active is not dg:
            self._started().finish()

    def close(self) -> None:
        if self._deepgram is not None:
            self._deepgram.close()
        if self.active is not None and self.active is not self._deepgram:
            self.active.close()


    def _started(self) -> StreamingTranscriber:
        if self.active is None:
            raise RuntimeError("the speech router was not started")
        return self.active


def _keyring_key() -> str | None:
    """The Deepgram key, or None. A machine without a usable keyring simply has no key: speech
    then stays local (logged once per answer, not raised: recognition must go on)."""
    try:
        return SecretStore().get("deepgram_api_key")
    except SecretStoreError as exc:
        log.warning("no keyring for the Deepgram key, using local recognition: %s", exc)
        return None


def _default_deepgram(api_key: str, /, *, on_failure: Callable[[EngineError], None]) -> RemoteStream:
    return DeepgramLiveTranscriber(api_key, on_failure=on_failure)
