"""The desktop's live publisher: the interview's camera and microphone to the server over
WebRTC (aiortc), with a data channel for live captions and engine events; a local
recording (PyAV) whenever the server refuses the stream or the connection is lost.

One capture, fanned out: the publisher never opens a device. It subscribes to the
:class:`engines.capture.fanout.FanoutCamera` / ``FanoutMicrophone`` the local engines read
(listeners run on the capture threads and only hand frames over, never blocking).

Flow (:meth:`LivePublisher.start`): ``prepare()`` when given (makes sure the interview exists
on the server, shared with video, and returns its id) -> offer -> ``POST
/interviews/{id}/webrtc/offer`` -> answer -> connected (or :data:`CONNECT_TIMEOUT_S`).

- A refusal (a 4xx: not shared with video, not found, signed out) records locally for the
  rest of the interview; nothing is retried.
- An unreachable server, a timeout or a failed connection records locally at once and tries
  again after ``reconnect_s`` (doubling up to :data:`RECONNECT_MAX_S`).
- While live, a ping goes over the data channel every ``heartbeat_s``; no pong for
  ``drop_after_s`` means the connection is lost: the local recording starts with the next
  frame (so the saved video has no gap beyond that detection time) and reconnecting starts.
- Back live after a loss: the server starts a new recording segment; the local segment goes
  on for ``overlap_s`` more (the new connection's first frames may not all arrive), then is
  closed. Each local segment is one file (:class:`LocalSegment`) to upload later.
- ``{"type": "revoked"}`` from the server (the candidate withdrew video consent, e.g. from
  another device): the stream ends and nothing more is recorded or retried.

:meth:`LivePublisher.stop` ends the stream cleanly (the server confirms the frames it
recorded) and closes the local recording; its :class:`PublishOutcome` says what exists where
(the caller queues each local segment for upload:
:func:`sync.client.recording_upload.enqueue_recording`). ``on_state(state, detail)`` reports
"connecting", "live" (detail: how many recruiters watch, when the server said), "local"
(detail: why), "revoked", "ended".

Threading: every coroutine runs on one asyncio loop (the desktop's network thread);
:meth:`send_caption` / :meth:`send_event` may be called from any thread; ``on_state`` is
called on the loop's thread. The REST calls (and ``prepare``) run in the loop's executor
(``ServerClient`` is synchronous). Frames are stamped with their capture time (``Frame.t``,
the session clock, or ``clock()`` when given: the time the frame reached the publisher, on the
interview's clock, so recordings line up with the transcript) as RTP/recording timestamps.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable

from core.errors import Big20Error
from core.protocols import Frame
from core.queues import AsyncDropOldestQueue, DropOldestQueue
from sync.client.api import LoginRequired, ServerClient, ServerRefused
from sync.recording import RecordingStats, RecordingWriter
from sync.rtc import install_marker_jitter_buffer, restrict_host_addresses, rtc_configuration

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 10.0
END_TIMEOUT_S = 65.0  # the server waits up to 60 s for its recorder to catch up
RECONNECT_MAX_S = 30.0
BACKLOG = 50  # captions and events kept while not connected (as many as the server replays to a viewer)
VIDEO_CLOCK = Fraction(1, 90000)


def _video_track_class():
    from aiortc import MediaStreamTrack

    class CaptureVideoTrack(MediaStreamTrack):
        """Frames pushed from the capture thread; the newest ``maxsize`` are kept (a stalled
        network drops the oldest, never blocks the camera)."""

        kind = "video"

        def __init__(self, loop: asyncio.AbstractEventLoop, maxsize: int = 30) -> None:
            super().__init__()
            self._loop = loop
            self._q: AsyncDropOldestQueue[Frame | None] = AsyncDropOldestQueue(maxsize)
            self._t0: float | None = None
            self._last_pts = -1
            self.sent = 0

        def push(self, frame: Frame | None) -> None:  # any thread
            self._loop.call_soon_threadsafe(self._put, frame)

        def _put(self, frame: Frame | None) -> None:
            self._q.put_dropping(frame)

        @property
        def dropped(self) -> int:
            return self._q.dropped

        async def recv(self):
            import av
            from aiortc.mediastreams import MediaStreamError

            if self.readyState != "live":
                raise MediaStreamError
            frame = await self._q.get()
            if frame is None:
                self.stop()
                raise MediaStreamError
            if self._t0 is None:
                self._t0 = frame.t
            vf = av.VideoFrame.from_ndarray(frame.image, format="bgr24")
            pts = max(self._last_pts + 1, int(round((frame.t - self._t0) * 90000)))
            self._last_pts = pts
            vf.pts, vf.time_base = pts, VIDEO_CLOCK
            self.sent += 1
            return vf

    return CaptureVideoTrack


def _audio_track_class():
    from aiortc import MediaStreamTrack

    class CaptureAudioTrack(MediaStreamTrack):
        """16 kHz float32 blocks from the microphone's thread, as s16 mono frames."""

        kind = "audio"

        def __init__(self, loop: asyncio.AbstractEventLoop, maxsize: int = 100) -> None:
            super().__init__()
            self._loop = loop
            self._q: AsyncDropOldestQueue[Any] = AsyncDropOldestQueue(maxsize)
            self._samples = 0

        def push(self, block: Any) -> None:
            self._loop.call_soon_threadsafe(self._put, block)

        def _put(self, block: Any) -> None:
            self._q.put_dropping(block)

        async def recv(self):
            import av
            import numpy as np
            from aiortc.mediastreams import MediaStreamError

            if self.readyState != "live":
                raise MediaStreamError
            block = await self._q.get()
            if block is None:
                self.stop()
                raise MediaStreamError
            pcm = (np.clip(np.asarray(block, dtype=np.float32), -1, 1) * 32767).astype(np.int16).reshape(1, -1)
            af = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
            af.sample_rate = 16000
            af.pts, af.time_base = self._samples, Fraction(1, 16000)
            self._samples += pcm.shape[1]
            return af

    return CaptureAudioTrack


class LocalRecorder:
    """The capture written to a file on this computer (WebM), encoding on its own thread.
    ``push`` never blocks (a full queue drops the oldest frame, counted in ``dropped``)."""

    def __init__(self, path: Path, *, fps: float, audio: bool, maxsize: int = 120) -> None:
        self.path = path
        self._writer = RecordingWriter(path, "webm", fps=fps, audio=audio)
        self._q: DropOldestQueue[Any] = DropOldestQueue(maxsize)
        self.first_t: float | None = None
        self.first_index: int | None = None
        self._thread = threading.Thread(target=self._run, name="local-recorder", daemon=True)
        self._thread.start()

    def push_frame(self, frame: Frame) -> None:
        if self.first_t is None:
            self.first_t, self.first_index = frame.t, frame.index
        self._put(("v", frame))

    def push_audio(self, block: Any) -> None:
        if self.first_t is not None:  # audio joins the first frame (streams start together)
            self._put(("a", block))

    @property
    def dropped(self) -> int:
        return self._q.dropped

    def _put(self, item: Any) -> None:
        self._q.put(item)

    def _run(self) -> None:
        while True:
            item = self._q.get()
            if item is None:
                return
            kind, payload = item
            try:
                if kind == "v":
                    self._writer.write_video(payload.image, payload.t)
                else:
                    self._writer.write_audio(payload)
            except Exception:  # one bad frame must not end the recording
                log.exception("local recording: frame not written")

    def close(self) -> RecordingStats:
        self._q.put(None, wait=True)  # the end marker waits for room: no frame is dropped for it
        self._thread.join()
        return self._writer.close()


def _keep(msg: dict) -> bool:
    """Worth sending late: events and final captions (an interim caption is stale by then)."""
    return msg.get("type") == "event" or (msg.get("type") == "caption" and msg.get("final", True) is not False)


@dataclass(frozen=True)
class LocalSegment:
    """One local recording file: from a loss (or a refusal) to a reconnect or the end."""

    stats: RecordingStats
    offset_s: float | None  # session time of its first frame
    first_index: int | None  # capture index of its first frame


@dataclass
class PublishOutcome:
    live: bool  # the stream reached the server (for part or all of the interview)
    reason: str | None  # why a local recording was made (refused / unreachable / lost), or the revocation
    frames_sent: int  # over every connection
    server_frames: int | None  # what the server confirmed it recorded of the last connection (None: no confirmation)
    recording_ids: list[str]  # the server's live segments (public ids), one per connection
    local_segments: list[LocalSegment]
    revoked: bool = False  # the candidate withdrew video consent while live
    reconnects: int = 0

    @property
    def recording_id(self) -> str | None:
        return self.recording_ids[-1] if self.recording_ids else None

    @property
    def local(self) -> RecordingStats | None:
        return self.local_segments[0].stats if self.local_segments else None

    @property
    def local_offset_s(self) -> float | None:
        return self.local_segments[0].offset_s if self.local_segments else None

    @property
    def local_first_index(self) -> int | None:
        return self.local_segments[0].first_index if self.local_segments else None


class _Refused(Exception):
    """The server will not take this stream (a 4xx): record locally, do not retry."""


class LivePublisher:
    def __init__(self, client: ServerClient, interview_id: str | None = None, *, camera: Any, microphone: Any = None,
                 local_dir: Path, ice_servers: tuple | list = (), ice_addresses: tuple | list | None = None,
                 heartbeat_s: float = 0.5, drop_after_s: float = 2.0, reconnect_s: float | None = 3.0,
                 overlap_s: float = 1.0, prepare: Callable[[], str] | None = None,
                 on_state: Callable[[str, str | None], None] | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        if interview_id is None and prepare is None:
            raise ValueError("an interview id or a prepare() that returns one")
        self.client = client
        self.interview_id = interview_id
        self.camera = camera
        self.microphone = microphone
        self.local_dir = Path(local_dir)
        self.ice_servers = list(ice_servers)
        if ice_addresses is not None:
            restrict_host_addresses(ice_addresses)
        self.heartbeat_s = heartbeat_s
        self.drop_after_s = drop_after_s
        self.reconnect_s = reconnect_s
        self.prepare = prepare
        self.on_state = on_state
        self.clock = clock
        self._fps = float(getattr(camera, "fps", 30.0) or 30.0)
        self._overlap_frames = max(0, int(round(overlap_s * self._fps)))
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pc = None
        self._channel = None
        self._video = None
        self._audio = None
        self._local: LocalRecorder | None = None
        self._overlap_left = 0  # frames still also written locally after going live again
        self._closing: list[asyncio.Future] = []  # local segments being closed
        self._segments: list[LocalSegment] = []
        self._live = False
        self._stopping = False
        self._revoked = False
        self._refused = False  # the server refused the stream: no more tries
        self._reason: str | None = None
        self._recording_ids: list[str] = []
        self._last_pong = 0.0
        self._heartbeat: asyncio.Task | None = None
        self._retry: asyncio.Task | None = None
        self._ended: asyncio.Future | None = None
        self._lock = threading.Lock()  # _live / _local switch, seen by the capture threads
        self._sent_clock = False
        self._backlog: deque = deque(maxlen=BACKLOG)  # captions / events not sent yet
        self._sent_before = 0  # frames sent over earlier connections
        self.frames_seen = 0
        self.reconnects = 0
        self.viewers = 0  # recruiters watching now, as the server last said
        self._went_live = False

    # ------------------------------------------------------------------ capture side (capture threads)
    def _on_frame(self, frame: Frame) -> None:
        if self.clock is not None:  # stamped on the interview's clock, as its transcript is
            frame = Frame(frame.image, self.clock(), frame.index)
        with self._lock:
            self.frames_seen += 1
            if self._live and self._video is not None:
                self._video.push(frame)
                if not self._sent_clock:
                    self._sent_clock = True
                    self._send_threadsafe({"type": "clock", "video_t0": frame.t})
                if self._local is not None:  # back live: the local segment overlaps a little
                    self._local.push_frame(frame)
                    self._overlap_left -= 1
                    if self._overlap_left <= 0:
                        self._detach_local()
            elif self._local is not None:
                self._local.push_frame(frame)

    def _on_audio(self, block: Any, _t: float) -> None:
        with self._lock:
            if self._live and self._audio is not None:
                self._audio.push(block)
            if self._local is not None:
                self._local.push_audio(block)

    def _detach_local(self) -> None:
        """Close the local segment off the capture thread (under ``_lock``)."""
        local, self._local = self._local, None
        if local is not None and self._loop is not None:
            self._loop.call_soon_threadsafe(self._close_segment, local)

    def _close_segment(self, local: "LocalRecorder") -> None:  # event loop
        def close() -> LocalSegment:
            return LocalSegment(local.close(), local.first_t, local.first_index)

        fut = asyncio.ensure_future(self._loop.run_in_executor(None, close))
        self._closing.append(fut)

    # ------------------------------------------------------------------ data channel
    def send_caption(self, text: str, t: float, *, final: bool = True, speaker: str = "User") -> None:
        """A live caption for the viewers (any thread)."""
        self._send_threadsafe({"type": "caption", "text": text, "t": t, "final": final, "speaker": speaker})

    def send_event(self, kind: str, **data: Any) -> None:
        """An engine event (question shown, gaze, emotion ...) for the viewers (any thread)."""
        self._send_threadsafe({"type": "event", "event": kind, **data})

    def _send_threadsafe(self, msg: dict) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._send, msg)
        elif _keep(msg):
            self._backlog.append(msg)  # before start(): sent once connected (deque.append is atomic)

    def _send(self, msg: dict) -> None:
        if self._live and self._channel is not None and self._channel.readyState == "open":
            self._channel.send(json.dumps(msg, ensure_ascii=False))
        elif _keep(msg):
            # not connected (yet, or for now): sent when the channel opens, so a viewer still
            # sees the question asked while the stream was connecting
            self._backlog.append(msg)

    def _flush_backlog(self) -> None:
        while self._backlog and self._live and self._channel is not None and self._channel.readyState == "open":
            self._channel.send(json.dumps(self._backlog.popleft(), ensure_ascii=False))

    def _on_message(self, message: Any) -> None:
        try:
            msg = json.loads(message) if isinstance(message, str) else {}
        except ValueError:
            return
        kind = msg.get("type") if isinstance(msg, dict) else None
        if kind == "pong":
            self._last_pong = time.monotonic()
        elif kind == "ended" and self._ended is not None and not self._ended.done():
            self._ended.set_result(msg)
        elif kind == "revoked":
            asyncio.ensure_future(self._revoke())
        elif kind == "viewers" and isinstance(msg.get("count"), int):
            self.viewers = msg["count"]
            if self._live:
                self._state("live", str(self.viewers))

    def _state(self, state: str, detail: str | None = None) -> None:
        if self.on_state is not None:
            try:
                self.on_state(state, detail)
            except Exception:  # a broken listener must not stop the stream
                log.exception("publisher state listener failed")

    # ------------------------------------------------------------------ lifecycle (event loop)
    @property
    def live(self) -> bool:
        return self._live

    @property
    def recording_locally(self) -> bool:
        return self._local is not None

    async def start(self) -> bool:
        """Go live; False when the stream could not start (then it is recorded locally, and
        tried again later unless the server refused it)."""
        self._loop = asyncio.get_running_loop()
        install_marker_jitter_buffer()
        self.camera.add_listener(self._on_frame)
        if self.microphone is not None:
            self.microphone.add_listener(self._on_audio)
        self._state("connecting")
        return await self._try_connect(first=True)

    async def _try_connect(self, *, first: bool) -> bool:
        try:
            await self._connect()
        except _Refused as exc:
            self._refused = True
            await self._fall_back(str(exc), retry=False)
            return False
        except (Big20Error, asyncio.TimeoutError, ValueError, OSError) as exc:
            reason = exc.localized("en") if isinstance(exc, Big20Error) else f"{type(exc).__name__}: {exc}"
            log.info("live video not %s (%s); recording locally", "started" if first else "back", reason)
            await self._fall_back(reason)
            return False
        return self._live  # False when stopped while connecting

    async def _connect(self) -> None:
        """One offer/answer and connection; on success the capture switches to it."""
        from aiortc import RTCPeerConnection, RTCSessionDescription

        loop = self._loop
        try:
            if self.prepare is not None:
                self.interview_id = await loop.run_in_executor(None, self.prepare)
        except (ServerRefused, LoginRequired) as exc:
            raise _Refused(exc.localized("en")) from exc
        video = _video_track_class()(loop)
        audio = _audio_track_class()(loop) if self.microphone is not None else None
        pc = RTCPeerConnection(rtc_configuration(self.ice_servers))
        channel = pc.createDataChannel("events")
        channel.on("message", self._on_message)
        connected = asyncio.Event()

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            if pc.connectionState == "connected":
                connected.set()
            elif pc.connectionState == "failed" and self._live and self._pc is pc:
                await self._fall_back("connection failed")

        pc.addTrack(video)
        if audio is not None:
            pc.addTrack(audio)
        try:
            await pc.setLocalDescription(await pc.createOffer())
            offer = {"sdp": pc.localDescription.sdp, "type": pc.localDescription.type}
            try:
                answer = await loop.run_in_executor(None, self.client.webrtc_offer, self.interview_id, offer)
            except (ServerRefused, LoginRequired) as exc:
                raise _Refused(exc.localized("en")) from exc
            if answer.get("recording_id") is not None:
                self._recording_ids.append(answer["recording_id"])
            await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type=answer["type"]))
            await asyncio.wait_for(connected.wait(), CONNECT_TIMEOUT_S)
        except BaseException:
            await pc.close()
            raise
        if self._stopping or self._revoked:
            await pc.close()
            return
        self._last_pong = time.monotonic()
        with self._lock:
            if self._video is not None:
                self._sent_before += self._video.sent
            self._pc, self._channel, self._video, self._audio = pc, channel, video, audio
            self._sent_clock = False
            self._live = True
            if self._went_live:
                self.reconnects += 1
            self._went_live = True
            self._overlap_left = self._overlap_frames
            if self._local is not None and self._overlap_left <= 0:
                self._detach_local()
        self._heartbeat = loop.create_task(self._beat(pc))
        channel.on("open", self._flush_backlog)
        self._flush_backlog()  # already open
        self.viewers = 0  # a new connection has no viewers yet
        self._state("live")

    async def _beat(self, pc: Any) -> None:
        seq = 0
        while self._live and self._pc is pc:
            seq += 1
            self._send({"type": "ping", "seq": seq})
            await asyncio.sleep(self.heartbeat_s)
            if self._live and self._pc is pc and time.monotonic() - self._last_pong > self.drop_after_s:
                await self._fall_back(f"no answer from the server for {self.drop_after_s:.1f} s")
                return

    def _start_local(self) -> None:
        self.local_dir.mkdir(parents=True, exist_ok=True)
        name = f"interview-{self.interview_id or 'new'}-{int(time.time() * 1000)}.webm"
        self._local = LocalRecorder(self.local_dir / name, fps=self._fps, audio=self.microphone is not None)

    async def _fall_back(self, reason: str, *, retry: bool = True) -> None:
        """Record locally from the next frame (under the lock: nothing slips between); close
        the connection; try again later when ``retry``."""
        was_live = self._live
        with self._lock:
            self._live = False
            self._reason = reason
            if self._local is None and not self._revoked and not self._stopping:
                self._start_local()
            self._overlap_left = 0
        if was_live:
            log.warning("live video lost (%s); recording locally", reason)
        await self._close_connection()
        self._state("local", reason)
        if retry and self.reconnect_s is not None and not self._stopping and not self._revoked \
                and (self._retry is None or self._retry.done()):
            self._retry = self._loop.create_task(self._reconnect())

    async def _close_connection(self) -> None:
        pc, video = self._pc, self._video
        if video is not None:
            video.push(None)
        if pc is not None:
            await pc.close()

    async def _reconnect(self) -> None:
        delay = self.reconnect_s
        while not (self._stopping or self._revoked or self._refused or self._live):
            await asyncio.sleep(delay)
            if self._stopping or self._revoked:
                return
            self._state("connecting")
            if await self._try_connect(first=False):
                return
            delay = min(RECONNECT_MAX_S, delay * 2)

    async def _revoke(self) -> None:
        """The candidate withdrew video consent: stop sending, record nothing more."""
        with self._lock:
            self._revoked = True
            self._live = False
            self._reason = "video consent withdrawn"
            self._detach_local()
        log.info("video consent withdrawn; live stream ended")
        await self._close_connection()
        self._state("revoked")

    async def stop(self) -> PublishOutcome:
        """End the stream (waiting for the server's confirmation) and the local recording."""
        self._stopping = True
        self.camera.remove_listener(self._on_frame)
        if self.microphone is not None:
            self.microphone.remove_listener(self._on_audio)
        if self._retry is not None:
            self._retry.cancel()
        server_frames = None
        if self._live and self._channel is not None and self._video is not None:
            # let the queued frames leave, then ask the server to finish with exactly these
            deadline = time.monotonic() + END_TIMEOUT_S
            while self._video._q.qsize() and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            # (the server completes the last frame by its RTP marker bit: sync.rtc)
            self._ended = asyncio.get_running_loop().create_future()
            self._send({"type": "end", "frames": self._video.sent})
            try:
                server_frames = (await asyncio.wait_for(self._ended, END_TIMEOUT_S)).get("frames")
            except asyncio.TimeoutError:
                log.warning("the server did not confirm the end of the stream")
        with self._lock:
            self._live = False
            self._detach_local()
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        if self._pc is not None:
            await self._pc.close()
        await asyncio.sleep(0)  # the detached segment's close is scheduled with call_soon
        for fut in self._closing:
            self._segments.append(await fut)
        self._closing.clear()
        self._segments.sort(key=lambda seg: seg.first_index if seg.first_index is not None else -1)
        sent = self._sent_before + (self._video.sent if self._video is not None else 0)
        self._state("ended")
        return PublishOutcome(live=self._went_live, reason=self._reason, frames_sent=sent,
                              server_frames=server_frames, recording_ids=list(self._recording_ids),
                              local_segments=list(self._segments), revoked=self._revoked,
                              reconnects=self.reconnects)
