"""The desktop's live publisher: the interview's camera and microphone to the server over
WebRTC (aiortc), with a data channel for live captions and engine events; a local
recording (PyAV) whenever the server refuses the stream or the connection is lost.

One capture, fanned out: the publisher never opens a device. It subscribes to the
:class:`engines.capture.fanout.FanoutCamera` / ``FanoutMicrophone`` the local engines read
(listeners run on the capture threads and only hand frames over, never blocking).

Flow (:meth:`LivePublisher.start`): offer -> ``POST /interviews/{id}/webrtc/offer`` -> answer
-> connected (or :data:`CONNECT_TIMEOUT_S`). A refusal (409: not shared with video; 404),
an unreachable server or a failed connection starts the local recording at once. While live,
a ping goes over the data channel every ``heartbeat_s``; no pong for ``drop_after_s`` means
the connection is lost: the local recording starts with the next frame, so the saved video
has no gap beyond that detection time. :meth:`LivePublisher.stop` ends the stream cleanly
(the server confirms the frames it recorded) and closes the local recording; its
:class:`PublishOutcome` says what exists where (the caller queues the local file for upload:
:func:`sync.client.recording_upload.enqueue_recording`).

Threading: every coroutine runs on one asyncio loop (the desktop's network thread);
:meth:`send_caption` / :meth:`send_event` may be called from any thread. The REST calls run
in the loop's executor (``ServerClient`` is synchronous). Frames are stamped with their
capture time (``Frame.t``, the session clock) as RTP/recording timestamps.
"""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import threading
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from core.errors import Big20Error
from core.protocols import Frame
from sync.client.api import ServerClient
from sync.recording import RecordingStats, RecordingWriter
from sync.rtc import install_marker_jitter_buffer, restrict_host_addresses, rtc_configuration

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 10.0
END_TIMEOUT_S = 65.0  # the server waits up to 60 s for its recorder to catch up
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
            self._q: asyncio.Queue = asyncio.Queue(maxsize)
            self._t0: float | None = None
            self._last_pts = -1
            self.sent = 0
            self.dropped = 0

        def push(self, frame: Frame | None) -> None:  # any thread
            self._loop.call_soon_threadsafe(self._put, frame)

        def _put(self, frame: Frame | None) -> None:
            if self._q.full():
                self._q.get_nowait()
                self.dropped += 1
            self._q.put_nowait(frame)

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
            self._q: asyncio.Queue = asyncio.Queue(maxsize)
            self._samples = 0

        def push(self, block: Any) -> None:
            self._loop.call_soon_threadsafe(self._put, block)

        def _put(self, block: Any) -> None:
            if self._q.full():
                self._q.get_nowait()
            self._q.put_nowait(block)

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
        self._q: queue.Queue = queue.Queue(maxsize)
        self.dropped = 0
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

    def _put(self, item: Any) -> None:
        try:
            self._q.put_nowait(item)
        except queue.Full:
            try:
                self._q.get_nowait()
                self.dropped += 1
            except queue.Empty:
                pass
            self._q.put_nowait(item)

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
            except Exception:  # noqa: BLE001 - one bad frame must not end the recording
                log.exception("local recording: frame not written")

    def close(self) -> RecordingStats:
        self._q.put(None)
        self._thread.join()
        return self._writer.close()


@dataclass
class PublishOutcome:
    live: bool  # the stream reached the server (for part or all of the interview)
    reason: str | None  # why a local recording was made (refused / unreachable / lost)
    frames_sent: int
    server_frames: int | None  # what the server confirmed it recorded (None: no confirmation)
    recording_id: int | None
    local: RecordingStats | None
    local_offset_s: float | None  # session time of the local recording's first frame
    local_first_index: int | None


class LivePublisher:
    def __init__(self, client: ServerClient, interview_id: int, *, camera: Any, microphone: Any = None,
                 local_dir: Path, ice_servers: tuple | list = (), ice_addresses: tuple | list | None = None,
                 heartbeat_s: float = 0.5, drop_after_s: float = 2.0) -> None:
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
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pc = None
        self._channel = None
        self._video = None
        self._audio = None
        self._local: LocalRecorder | None = None
        self._live = False
        self._reason: str | None = None
        self._recording_id: int | None = None
        self._last_pong = 0.0
        self._heartbeat: asyncio.Task | None = None
        self._ended: asyncio.Future | None = None
        self._lock = threading.Lock()  # _live / _local switch, seen by the capture threads
        self._sent_clock = False
        self.frames_seen = 0
        self._went_live = False
        self._fps = float(getattr(camera, "fps", 30.0) or 30.0)

    # ------------------------------------------------------------------ capture side (capture threads)
    def _on_frame(self, frame: Frame) -> None:
        with self._lock:
            self.frames_seen += 1
            if self._live and self._video is not None:
                self._video.push(frame)
                if not self._sent_clock:
                    self._sent_clock = True
                    self._send_threadsafe({"type": "clock", "video_t0": frame.t})
            elif self._local is not None:
                self._local.push_frame(frame)

    def _on_audio(self, block: Any, _t: float) -> None:
        with self._lock:
            if self._live and self._audio is not None:
                self._audio.push(block)
            elif self._local is not None:
                self._local.push_audio(block)

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

    def _send(self, msg: dict) -> None:
        if self._live and self._channel is not None and self._channel.readyState == "open":
            self._channel.send(json.dumps(msg, ensure_ascii=False))

    def _on_message(self, message: Any) -> None:
        try:
            msg = json.loads(message) if isinstance(message, str) else {}
        except ValueError:
            return
        if msg.get("type") == "pong":
            self._last_pong = time.monotonic()
        elif msg.get("type") == "ended" and self._ended is not None and not self._ended.done():
            self._ended.set_result(msg)

    # ------------------------------------------------------------------ lifecycle (event loop)
    @property
    def live(self) -> bool:
        return self._live

    @property
    def recording_locally(self) -> bool:
        return self._local is not None

    async def start(self) -> bool:
        """Go live; False when the stream could not start (then it is recorded locally)."""
        from aiortc import RTCPeerConnection, RTCSessionDescription

        self._loop = asyncio.get_running_loop()
        self._video = _video_track_class()(self._loop)
        if self.microphone is not None:
            self._audio = _audio_track_class()(self._loop)
        install_marker_jitter_buffer()
        pc = RTCPeerConnection(rtc_configuration(self.ice_servers))
        self._pc = pc
        self._channel = pc.createDataChannel("events")
        self._channel.on("message", self._on_message)
        connected = asyncio.Event()

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            if pc.connectionState == "connected":
                connected.set()
            elif pc.connectionState == "failed" and self._live:
                await self._fall_back("connection failed")

        pc.addTrack(self._video)
        if self._audio is not None:
            pc.addTrack(self._audio)
        self.camera.add_listener(self._on_frame)
        if self.microphone is not None:
            self.microphone.add_listener(self._on_audio)
        try:
            await pc.setLocalDescription(await pc.createOffer())
            offer = {"sdp": pc.localDescription.sdp, "type": pc.localDescription.type}
            answer = await self._loop.run_in_executor(None, self.client.webrtc_offer, self.interview_id, offer)
            self._recording_id = answer.get("recording_id")
            await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type=answer["type"]))
            await asyncio.wait_for(connected.wait(), CONNECT_TIMEOUT_S)
        except (Big20Error, asyncio.TimeoutError, ValueError, OSError) as exc:
            reason = exc.localized("en") if isinstance(exc, Big20Error) else f"{type(exc).__name__}: {exc}"
            log.info("live video not started (%s); recording locally", reason)
            await self._fall_back(reason, was_live=False)
            return False
        self._last_pong = time.monotonic()
        with self._lock:
            self._live = True
            self._went_live = True
        self._heartbeat = self._loop.create_task(self._beat())
        return True

    async def _beat(self) -> None:
        seq = 0
        while self._live:
            seq += 1
            self._send({"type": "ping", "seq": seq})
            await asyncio.sleep(self.heartbeat_s)
            if self._live and time.monotonic() - self._last_pong > self.drop_after_s:
                await self._fall_back(f"no answer from the server for {self.drop_after_s:.1f} s")
                return

    def _start_local(self) -> None:
        self.local_dir.mkdir(parents=True, exist_ok=True)
        path = self.local_dir / f"interview-{self.interview_id}-{int(time.time() * 1000)}.webm"
        self._local = LocalRecorder(path, fps=self._fps, audio=self.microphone is not None)

    async def _fall_back(self, reason: str, *, was_live: bool = True) -> None:
        with self._lock:
            if self._local is not None:
                return
            self._live = False
            self._reason = reason
            self._start_local()  # from the next frame on, under the lock: nothing slips between
        if was_live:
            log.warning("live video lost (%s); recording locally", reason)
        if self._video is not None:
            self._video.push(None)
        if self._pc is not None:
            await self._pc.close()

    async def stop(self) -> PublishOutcome:
        """End the stream (waiting for the server's confirmation) and the local recording."""
        self.camera.remove_listener(self._on_frame)
        if self.microphone is not None:
            self.microphone.remove_listener(self._on_audio)
        server_frames = sent = None
        if self._live and self._channel is not None and self._video is not None:
            # let the queued frames leave, then ask the server to finish with exactly these
            deadline = time.monotonic() + END_TIMEOUT_S
            while self._video._q.qsize() and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            # (the server completes the last frame by its RTP marker bit: sync.rtc)
            sent = self._video.sent
            self._ended = asyncio.get_running_loop().create_future()
            self._send({"type": "end", "frames": sent})
            try:
                server_frames = (await asyncio.wait_for(self._ended, END_TIMEOUT_S)).get("frames")
            except asyncio.TimeoutError:
                log.warning("the server did not confirm the end of the stream")
        with self._lock:
            self._live = False
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        if self._pc is not None:
            await self._pc.close()
        local = None
        offset = first_index = None
        if self._local is not None:
            offset, first_index = self._local.first_t, self._local.first_index
            local = await asyncio.get_running_loop().run_in_executor(None, self._local.close)
        return PublishOutcome(live=self._went_live, reason=self._reason,
                              frames_sent=sent if sent is not None else (self._video.sent if self._video else 0), server_frames=server_frames,
                              recording_id=self._recording_id, local=local, local_offset_s=offset,
                              local_first_index=first_index)
