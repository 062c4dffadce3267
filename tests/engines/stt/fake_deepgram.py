"""A local stand-in for Deepgram's live-transcription websocket (``/v1/listen``), for tests
that drive the real deepgram-sdk client. The only test double in the speech tests.

Protocol spoken (as Deepgram documents it): the handshake carries ``Authorization: Token
<key>``; a wrong key is refused with HTTP 401 before the upgrade. Binary messages are
linear16 audio at the query's ``sample_rate``; text messages are ``KeepAlive``,
``Finalize`` and ``CloseStream``. Replies are ``Results`` (channel.alternatives[0] with
transcript, words, confidence; ``is_final``, ``speech_final``, ``start``, ``duration``),
``UtteranceEnd`` after a final, and ``Metadata`` before the server closes on CloseStream.

Results come from the project's local streaming engine (faster-whisper), so they are real
transcriptions. ``drop_after_s`` makes the server abort the TCP connection (no close frame,
as when the network goes away) once that much audio has arrived.

Runs its own asyncio loop on a daemon thread; decoding runs in a worker thread so the loop
keeps answering pings.
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from urllib.parse import parse_qs, urlparse

import numpy as np

from core.protocols import SAMPLE_RATE


class FakeDeepgram:
    def __init__(self, model, *, api_key: str = "good-key", drop_after_s: float | None = None) -> None:
        self.model = model
        self.api_key = api_key
        self.drop_after_s = drop_after_s
        self.connections = 0
        self.rejected = 0
        self.keepalives = 0
        self.queries: list[dict] = []
        self.dropped = threading.Event()
        self.keepalive_seen = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fake-deepgram", daemon=True)

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> "FakeDeepgram":
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fake Deepgram server did not start")
        return self

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._stop.set_result, None)
        self._thread.join(10)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        from websockets.asyncio.server import serve

        self._loop = asyncio.get_running_loop()
        self._stop = self._loop.create_future()
        async with serve(self._handler, "127.0.0.1", 0, process_request=self._check_auth) as server:
            self.port = server.sockets[0].getsockname()[1]
            self._ready.set()
            await self._stop

    def _check_auth(self, connection, request):
        if request.headers.get("Authorization") != f"Token {self.api_key}":
            self.rejected += 1
            return connection.respond(401, "Invalid credentials.\n")
        return None

    # ------------------------------------------------------------------ one connection
    async def _handler(self, ws) -> None:
        from engines.stt.whisper_stream import LocalWhisperStream

        self.connections += 1
        query = {k: v[0] for k, v in parse_qs(urlparse(ws.request.path).query).items()}
        self.queries.append(query)
        rate = int(query.get("sample_rate", SAMPLE_RATE))
        assert rate == SAMPLE_RATE and query.get("encoding") == "linear16"
        language = query.get("language", "en")
        loop = asyncio.get_running_loop()
        outbox: asyncio.Queue = asyncio.Queue()
        state = {"final_end": 0.0}
        stream = LocalWhisperStream(self.model, threaded=False, step_s=2.0)

        def on_segment(seg) -> None:  # decoding thread -> loop
            pos = stream._pos / SAMPLE_RATE
            start = state["final_end"] if seg.is_final else seg.start
            end = pos if seg.is_final else seg.end
            if seg.is_final:
                state["final_end"] = pos
            msg = {
                "type": "Results", "channel_index": [0, 1], "start": round(start, 3),
                "duration": round(end - start, 3), "is_final": seg.is_final,
                "speech_final": seg.is_final, "from_finalize": False,
                "channel": {"alternatives": [{
                    "transcript": seg.text, "confidence": seg.confidence or 0.0,
                    "words": [{"word": w.text.lower().strip(".,!?"), "punctuated_word": w.text,
                               "start": round(w.start, 3), "end": round(w.end, 3),
                               "confidence": w.confidence or 0.0} for w in seg.words]}]},
                "metadata": {"request_id": "fake", "model_uuid": "fake", "model_info": {
                    "name": query.get("model", ""), "version": "fake", "arch": "whisper"}},
            }
            loop.call_soon_threadsafe(outbox.put_nowait, json.dumps(msg))
            if seg.is_final:
                loop.call_soon_threadsafe(outbox.put_nowait, json.dumps(
                    {"type": "UtteranceEnd", "channel": [0, 1], "last_word_end": round(seg.end, 3)}))

        stream.start(language, on_segment)

        async def sender() -> None:
            while True:
                text = await outbox.get()
                if text is None:
                    return
                await ws.send(text)

        send_task = asyncio.create_task(sender())
        received = 0
        try:
            async for message in ws:
                if isinstance(message, bytes):
                    pcm = np.frombuffer(message, "<i2").astype(np.float32) / 32768.0
                    received += len(pcm)
                    if self.drop_after_s is not None and received >= self.drop_after_s * SAMPLE_RATE:
                        self.dropped.set()
                        ws.transport.abort()  # like a lost network: no close frame
                        return
                    await asyncio.to_thread(stream.feed, pcm)
                    continue
                kind = json.loads(message).get("type")
                if kind == "KeepAlive":
                    self.keepalives += 1
                    self.keepalive_seen.set()
                elif kind in ("Finalize", "CloseStream"):
                    await asyncio.to_thread(stream.finish)
                    if kind == "CloseStream":
                        outbox.put_nowait(json.dumps({
                            "type": "Metadata", "transaction_key": "deprecated", "request_id": str(uuid.uuid4()),
                            "sha256": "", "created": "2026-01-01T00:00:00Z",
                            "duration": received / SAMPLE_RATE, "channels": 1}))
                        outbox.put_nowait(None)
                        await send_task
                        await ws.close()
                        return
        finally:
            send_task.cancel()
