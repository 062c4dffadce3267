"""The recruiter's live view client: watch an interview's live stream (aiortc) with its
captions and engine events.

:class:`LiveViewer` offers to receive video and audio plus a data channel, posts the offer to
``POST /interviews/{id}/webrtc/viewer`` and hands each decoded video frame (``av.VideoFrame``)
to ``on_frame`` and each data-channel message (a dict: caption / event) to ``on_message``, on
the event loop's thread (a Qt view converts and queues them to the UI thread).

Threading: its coroutines run on one asyncio loop (the desktop's network thread); the REST
call runs in the loop's executor.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Callable

from sync.client.api import ServerClient
from sync.rtc import install_marker_jitter_buffer, restrict_host_addresses, rtc_configuration

log = logging.getLogger(__name__)


class LiveViewer:
    def __init__(self, client: ServerClient, interview_id: str, *,
                 on_frame: Callable[[Any], None] | None = None,
                 on_message: Callable[[dict], None] | None = None,
                 ice_servers: tuple | list = (), ice_addresses: tuple | list | None = None) -> None:
        self.client = client
        self.interview_id = interview_id
        self.on_frame = on_frame
        self.on_message = on_message
        self.ice_servers = list(ice_servers)
        if ice_addresses is not None:
            restrict_host_addresses(ice_addresses)
        self._pc = None
        self._tasks: list[asyncio.Task] = []
        self.frames = 0
        self.ended = asyncio.Event()

    async def start(self, timeout: float = 10.0) -> None:
        """Connect; raises ServerRefused (404 not yours, 409 nothing live) or TimeoutError."""
        from aiortc import RTCPeerConnection, RTCSessionDescription

        loop = asyncio.get_running_loop()
        install_marker_jitter_buffer()
        pc = RTCPeerConnection(rtc_configuration(self.ice_servers))
        self._pc = pc
        pc.addTransceiver("video", direction="recvonly")
        pc.addTransceiver("audio", direction="recvonly")
        channel = pc.createDataChannel("events")
        channel.on("message", self._message)
        connected = asyncio.Event()

        @pc.on("track")
        def on_track(track) -> None:
            if track.kind == "video":
                self._tasks.append(loop.create_task(self._consume(track)))
            else:
                self._tasks.append(loop.create_task(self._drain(track)))

        @pc.on("connectionstatechange")
        def on_state() -> None:
            if pc.connectionState == "connected":
                connected.set()
            elif pc.connectionState in ("failed", "closed"):
                self.ended.set()

        await pc.setLocalDescription(await pc.createOffer())
        offer = {"sdp": pc.localDescription.sdp, "type": pc.localDescription.type}
        try:
            answer = await loop.run_in_executor(None, lambda: self.client.webrtc_offer(self.interview_id, offer,
                                                                                       viewer=True))
        except Exception:
            await pc.close()
            raise
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type=answer["type"]))
        await asyncio.wait_for(connected.wait(), timeout)

    def _message(self, message: Any) -> None:
        if self.on_message is None or not isinstance(message, str):
            return
        try:
            self.on_message(json.loads(message))
        except ValueError:
            log.warning("live view: a data-channel message that is not JSON was ignored")

    async def _consume(self, track) -> None:
        from aiortc.mediastreams import MediaStreamError

        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                self.ended.set()
                return
            self.frames += 1
            if self.on_frame is not None:
                self.on_frame(frame)

    @staticmethod
    async def _drain(track) -> None:
        from aiortc.mediastreams import MediaStreamError

        while True:
            try:
                await track.recv()
            except MediaStreamError:
                return

    async def stop(self) -> None:
        for t in self._tasks:
            t.cancel()
        if self._pc is not None:
            await self._pc.close()
