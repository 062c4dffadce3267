"""The server's WebRTC side (aiortc): receive an interview's live stream, record it, relay it.

One :class:`LiveHub` lives on the event loop of the process that holds the streams
(:class:`sync.server.live_owner.LiveStreams` wraps it); every method is a coroutine on that loop. Database work is not done here: the routes check
access and create/finish the ``media_files`` rows through the callbacks they pass.

- :meth:`LiveHub.publish` answers the desktop's offer (the candidate's camera and microphone
  tracks plus a data channel "events"). Each incoming track goes through a ``MediaRelay``:
  one buffered subscription feeds the recorder (:class:`LiveRecorder`, every frame), one
  unbuffered subscription per viewer (newest frame only: a slow viewer lags, never the
  recording). A second offer for the same interview (a reconnect) ends the previous stream
  and starts a new recording segment.
- :meth:`LiveHub.view` answers a recruiter's offer with relayed tracks; the viewer's data
  channel receives the publisher's captions and engine events (the last 50 first). The
  viewer's access is re-checked every ``recheck_s`` (a revoked consent cuts the view).
- Data channel protocol (JSON text): ``{"type": "ping", "seq": n}`` -> ``{"type": "pong",
  "seq": n}`` (the desktop's liveness check); ``{"type": "clock", "video_t0": s}`` (the session
  time of the first frame); ``{"type": "end", "frames": n}`` -> recording finished once n
  frames are recorded (or the recorder stalls for 3 s) -> ``{"type": "ended", "frames": k, "recording_id": id}``;
  ``{"type": "viewers", "count": n}`` to the publisher whenever a recruiter starts or stops
  watching (the candidate sees it); ``{"type": "revoked"}`` to the publisher when its consent to share video is withdrawn
  (``still_allowed`` of :meth:`LiveHub.publish`, re-checked every ``recheck_s``): the stream
  and its recording end, and the desktop stops sending (it records nothing locally either);
  anything else (captions, engine events) is relayed to the viewers as is.

Encoding runs on a thread per recording (VP8 at 640x480 costs milliseconds per frame; on the
event loop it would delay every other stream's packets).

A hub is one process's: with ``--workers N`` one live-video owner process holds the only hub
and the API workers forward offers to it (:mod:`sync.server.live_owner`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable

from sync.recording import RecordingStats, RecordingWriter
from sync.rtc import (
    encoded_frames_of,
    install_marker_jitter_buffer,
    prefer_vp8,
    restrict_host_addresses,
    rtc_configuration,
)

log = logging.getLogger(__name__)

END_STALL_S = 3.0  # at the publisher's end: no new frame recorded for this long -> finish
END_WAIT_MAX_S = 60.0


class NotLive(Exception):
    """No stream is being published for this interview now."""


class LiveRecorder:
    """Like aiortc's MediaRecorder (it reads tracks and writes one file), but: VP8 video is
    written as it arrived (the encoded frames from the receiver's jitter buffer, muxed into
    WebM: no decode and re-encode, no generation loss, a fraction of the CPU); other tracks
    are encoded on the recorder's own thread; times are the frames' own (RTP), made strictly
    increasing (sync.recording)."""

    def __init__(self, path: Path, fmt: str = "webm") -> None:
        self.path = path
        self.fmt = fmt
        self._tracks: list[Any] = []
        self._tasks: list[asyncio.Task] = []
        self._writer: RecordingWriter | None = None
        self._ex = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-rec")
        self._stats: RecordingStats | None = None
        self.frames_changed = asyncio.Event()
        self.max_frames: int | None = None  # the publisher's count at its end: nothing after it
        self._drain: set = set()  # video tracks recorded from their encoded frames
        self._last_ts: int | None = None
        self._t = 0.0
        self._queued = 0

    @property
    def frames(self) -> int:
        return self._writer.frames if self._writer else 0

    def add_track(self, track: Any, encoded: Any = None) -> None:
        """``encoded``: the video track's jitter buffer (sync.rtc.encoded_frames_of): its
        encoded frames are recorded as received, and ``track`` is only drained."""
        self._tracks.append(track)
        if encoded is not None and track.kind == "video":
            self._drain.add(track)
            encoded.on_frame = self._on_encoded

    def _on_encoded(self, frame: Any) -> None:  # event loop, each complete VP8 frame
        if self._writer is None or (self.max_frames is not None and self._queued >= self.max_frames):
            return
        if self._last_ts is None:
            self._t = 0.0
        else:
            delta = (frame.timestamp - self._last_ts) & 0xFFFFFFFF
            self._t += (delta - (1 << 32) if delta >= 1 << 31 else delta) / 90000.0
        self._last_ts = frame.timestamp
        self._queued += 1
        fut = asyncio.get_running_loop().run_in_executor(self._ex, self._writer.write_encoded_video,
                                                         frame.data, self._t)
        fut.add_done_callback(self._written)

    def _written(self, fut: asyncio.Future) -> None:
        if fut.cancelled() or fut.exception() is not None:
            if not fut.cancelled():
                log.warning("live recording %s: a frame was not written (%s)", self.path.name, fut.exception())
            self._queued -= 1
        elif fut.result() is False:  # before the first key frame
            self._queued -= 1
        self.frames_changed.set()

    def start(self) -> None:
        has_audio = any(t.kind == "audio" for t in self._tracks)
        self._writer = RecordingWriter(self.path, self.fmt, audio=has_audio)
        loop = asyncio.get_running_loop()
        for track in self._tracks:
            self._tasks.append(loop.create_task(self._run(track)))

    async def _run(self, track: Any) -> None:
        from aiortc.mediastreams import MediaStreamError

        loop = asyncio.get_running_loop()
        assert self._writer is not None
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if track in self._drain:
                continue  # recorded from its encoded frames; decoded ones only keep the relay flowing
            if track.kind == "video":
                if self.max_frames is not None and self.frames >= self.max_frames:
                    continue
                t = float(frame.pts * frame.time_base) if frame.pts is not None else 0.0
                await loop.run_in_executor(self._ex, self._writer.write_video, frame, t)
                self.frames_changed.set()
            else:
                await loop.run_in_executor(self._ex, self._writer.write_audio, frame)

    async def stop(self) -> RecordingStats:
        if self._stats is not None:
            return self._stats
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            try:
                await task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - ending the stream either way
                pass
        loop = asyncio.get_running_loop()
        if self._writer is None:
            self._writer = RecordingWriter(self.path, self.fmt)
        self._stats = await loop.run_in_executor(self._ex, self._writer.close)
        self._ex.shutdown(wait=False)
        return self._stats


@dataclass
class _Viewer:
    pc: Any
    viewer_id: int
    channel: Any = None
    task: asyncio.Task | None = None


@dataclass
class LiveStream:
    interview_id: str  # the public id (uuid)
    recording_id: str  # the public id
    pc: Any
    relay: Any
    recorder: LiveRecorder
    on_finish: Callable[[RecordingStats, float | None], Awaitable[None]]
    tracks: list[Any] = field(default_factory=list)
    channel: Any = None
    viewers: list[_Viewer] = field(default_factory=list)
    recent: deque = field(default_factory=lambda: deque(maxlen=50))
    video_t0: float | None = None
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    stats: RecordingStats | None = None
    _finishing: bool = False


class LiveHub:
    def __init__(self, *, ice_servers: tuple = (), ice_addresses: tuple | None = None,
                 recheck_s: float = 5.0, connect_timeout_s: float = 30.0) -> None:
        self.ice_servers = list(ice_servers)
        self.recheck_s = recheck_s
        self.connect_timeout_s = connect_timeout_s
        if ice_addresses is not None:
            restrict_host_addresses(ice_addresses)
        self._streams: dict[str, LiveStream] = {}

    def _pc(self):
        from aiortc import RTCPeerConnection

        install_marker_jitter_buffer()
        return RTCPeerConnection(rtc_configuration(self.ice_servers))

    @staticmethod
    async def _set_offer(pc, offer: dict) -> None:
        """The remote offer; ValueError for anything aiortc cannot use (its parser raises
        several kinds of errors on malformed SDP)."""
        from aiortc import RTCSessionDescription

        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=offer["sdp"], type=offer["type"]))
        except Exception as exc:  # noqa: BLE001 - all of them mean "not a usable offer"
            raise ValueError(f"not a usable offer: {type(exc).__name__}: {exc}"[:300]) from exc

    def stream(self, interview_id: str) -> LiveStream | None:
        return self._streams.get(interview_id)

    async def publish(self, interview_id: str, recording_id: str, path: Path, offer: dict, *,
                      on_finish: Callable[[RecordingStats, float | None], Awaitable[None]],
                      still_allowed: Callable[[], Awaitable[bool]] | None = None, fmt: str = "webm") -> dict:
        """Answer a publisher's offer; record to ``path``. ``on_finish(stats, video_t0)`` runs
        once when the stream ends (publisher's end, connection lost, consent withdrawn, server
        shutdown). ``still_allowed()`` is awaited every ``recheck_s``: False (the candidate
        withdrew video consent) tells the publisher ``revoked`` and ends the stream."""
        from aiortc.contrib.media import MediaRelay

        old = self._streams.get(interview_id)
        if old is not None:
            await self._finish(old)
        pc = self._pc()
        live = LiveStream(interview_id=interview_id, recording_id=recording_id, pc=pc, relay=MediaRelay(),
                          recorder=LiveRecorder(path, fmt), on_finish=on_finish)

        @pc.on("track")
        def on_track(track) -> None:
            live.tracks.append(track)
            encoded = encoded_frames_of(pc, track) if track.kind == "video" and fmt == "webm" else None
            # encoded frames are recorded as they came (no decode-and-re-encode); the decoded
            # track is then only drained, newest frame only
            live.recorder.add_track(live.relay.subscribe(track, buffered=encoded is None), encoded)

        @pc.on("datachannel")
        def on_datachannel(channel) -> None:
            live.channel = channel

            @channel.on("message")
            def on_message(message) -> None:
                self._on_publisher_message(live, message)

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            if pc.connectionState in ("failed", "closed"):
                await self._finish(live)

        try:
            await self._set_offer(pc, offer)
            if not any(t.kind == "video" for t in live.tracks):
                raise ValueError("the offer sends no video")
            prefer_vp8(pc)
            await pc.setLocalDescription(await pc.createAnswer())
        except Exception:
            await pc.close()
            raise
        live.recorder.start()
        self._streams[interview_id] = live
        loop = asyncio.get_running_loop()
        loop.create_task(self._connect_deadline(live))
        if still_allowed is not None:
            loop.create_task(self._recheck_publisher(live, still_allowed))
        return {"sdp": pc.localDescription.sdp, "type": pc.localDescription.type}

    async def _connect_deadline(self, live: LiveStream) -> None:
        """A publisher that never connects must not hold a "recording" forever."""
        await asyncio.sleep(self.connect_timeout_s)
        if live.pc.connectionState != "connected" and not live._finishing:
            log.info("live stream of interview %s never connected; ended", live.interview_id)
            await self._finish(live)

    async def _recheck_publisher(self, live: LiveStream, still_allowed) -> None:
        async def revoke() -> None:
            log.info("video consent of interview %s withdrawn; live stream ended", live.interview_id)
            self._send(live.channel, {"type": "revoked"})
            await asyncio.sleep(0.05)  # let the message leave before the transport closes
            await self._finish(live)

        await self._recheck_loop(lambda: not live._finishing, still_allowed, revoke,
                                 f"the consent of live interview {live.interview_id}")

    async def _recheck_loop(self, alive: Callable[[], bool], still_allowed, denied: Callable[[], Awaitable[None]],
                            what: str) -> None:
        """Every ``recheck_s`` while ``alive()``: ``still_allowed()`` False -> ``denied()``, once.
        A failed check (database unreachable) keeps the stream and tries again."""
        while alive():
            await asyncio.sleep(self.recheck_s)
            if not alive():
                return
            try:
                allowed = await still_allowed()
            except Exception:  # noqa: BLE001 - keep the stream, try again
                log.exception("could not re-check %s", what)
                continue
            if not allowed:
                await denied()
                return

    def _on_publisher_message(self, live: LiveStream, message: Any) -> None:
        if not isinstance(message, str):
            return
        try:
            msg = json.loads(message)
        except ValueError:
            return
        kind = msg.get("type") if isinstance(msg, dict) else None
        if kind == "ping":
            self._send(live.channel, {"type": "pong", "seq": msg.get("seq")})
        elif kind == "clock":
            t0 = msg.get("video_t0")
            live.video_t0 = float(t0) if isinstance(t0, (int, float)) else None
        elif kind == "end":
            frames = msg.get("frames")
            asyncio.get_running_loop().create_task(self._end(live, frames if isinstance(frames, int) else None))
        elif kind:
            if not (kind == "caption" and msg.get("final") is False):  # a late viewer needs no stale interim
                live.recent.append(message)
            for v in live.viewers:
                self._send(v.channel, message)

    @staticmethod
    def _send(channel: Any, msg: dict | str) -> None:
        if channel is not None and channel.readyState == "open":
            channel.send(msg if isinstance(msg, str) else json.dumps(msg))

    async def _end(self, live: LiveStream, frames: int | None) -> None:
        """The publisher is done: wait for its last frames to be recorded, finish, confirm."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + END_WAIT_MAX_S
        live.recorder.max_frames = frames
        # a loaded server records behind the stream: wait while the recorder still moves
        while frames is not None and live.recorder.frames < frames and loop.time() < deadline:
            live.recorder.frames_changed.clear()
            try:
                await asyncio.wait_for(live.recorder.frames_changed.wait(), END_STALL_S)
            except asyncio.TimeoutError:
                log.warning("live recording %s: %s of %s frames arrived", live.recording_id,
                            live.recorder.frames, frames)
                break
        stats = await self._finish(live, close_pc=False)
        self._send(live.channel, {"type": "ended", "frames": stats.frames if stats else 0,
                                  "recording_id": live.recording_id})
        await asyncio.sleep(0)  # let the message leave before the transport closes
        await live.pc.close()

    async def _finish(self, live: LiveStream, *, close_pc: bool = True) -> RecordingStats | None:
        if live._finishing:
            await live.finished.wait()
            return live.stats
        live._finishing = True
        try:
            if self._streams.get(live.interview_id) is live:
                del self._streams[live.interview_id]
            for track in live.tracks:
                track.stop()  # ends the relay's subscriptions: recorder and viewers
            live.stats = await live.recorder.stop()
            for v in list(live.viewers):
                await self._drop_viewer(live, v)
            if close_pc:
                await live.pc.close()
            try:
                await live.on_finish(live.stats, live.video_t0)
            except Exception:  # the file is written; a failed database update is logged
                log.exception("could not record the end of live recording %s", live.recording_id)
            log.info("live recording %s ended: %s frames, %.1f s", live.recording_id, live.stats.frames,
                     live.stats.duration_s)
        finally:
            live.finished.set()
        return live.stats

    async def view(self, interview_id: str, viewer_id: int, offer: dict, *,
                   still_allowed: Callable[[], Awaitable[bool]]) -> dict:
        """Answer a viewer's offer with the live tracks; NotLive when nothing is published.
        ``still_allowed()`` is awaited every ``recheck_s``; False ends the view."""
        live = self._streams.get(interview_id)
        if live is None or live._finishing:
            raise NotLive(interview_id)
        pc = self._pc()
        viewer = _Viewer(pc=pc, viewer_id=viewer_id)

        @pc.on("datachannel")
        def on_datachannel(channel) -> None:
            viewer.channel = channel
            for message in list(live.recent):
                self._send(channel, message)

            @channel.on("open")
            def on_open() -> None:  # a channel announced before it opened gets the backlog here
                for message in list(live.recent):
                    self._send(channel, message)

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            if pc.connectionState in ("failed", "closed"):
                await self._drop_viewer(live, viewer)

        try:
            await self._set_offer(pc, offer)
            for track in live.tracks:
                pc.addTrack(live.relay.subscribe(track, buffered=False))
            await pc.setLocalDescription(await pc.createAnswer())
        except Exception:
            await pc.close()
            raise
        live.viewers.append(viewer)
        self._tell_viewers(live)
        viewer.task = asyncio.get_running_loop().create_task(self._recheck(live, viewer, still_allowed))
        return {"sdp": pc.localDescription.sdp, "type": pc.localDescription.type}

    async def _recheck(self, live: LiveStream, viewer: _Viewer, still_allowed) -> None:
        async def drop() -> None:
            log.info("viewer %s of interview %s lost access; view closed", viewer.viewer_id, live.interview_id)
            await self._drop_viewer(live, viewer)

        await self._recheck_loop(lambda: viewer in live.viewers, still_allowed, drop, f"viewer {viewer.viewer_id}")

    def _tell_viewers(self, live: LiveStream) -> None:
        """The candidate sees how many recruiters watch now (``{"type": "viewers", "count": n}``)."""
        self._send(live.channel, {"type": "viewers", "count": len(live.viewers)})

    async def _drop_viewer(self, live: LiveStream, viewer: _Viewer) -> None:
        if viewer in live.viewers:
            live.viewers.remove(viewer)
            if not live._finishing:
                self._tell_viewers(live)
        if viewer.task is not None and viewer.task is not asyncio.current_task():
            viewer.task.cancel()
        await viewer.pc.close()

    async def close(self) -> None:
        """Server shutdown: finish every recording (the files are playable) and close peers."""
        for live in list(self._streams.values()):
            await self._finish(live)
