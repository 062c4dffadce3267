"""ICE configuration shared by the desktop publisher and the server's receiver (aiortc).

aiortc's defaults are wrong for this product: with no ``iceServers`` it uses Google's public
STUN server, and aioice gathers every non-loopback host address. Here nothing is contacted
unless configured: :func:`rtc_configuration` turns an explicit list (``[]`` by default) of
``{"urls": "stun:host:3478"}`` / ``{"urls": "turn:host:3478", "username": ..., "credential": ...}``
into an ``RTCConfiguration``, and :func:`restrict_host_addresses` limits the host candidates
to the given addresses (``["127.0.0.1"]`` in tests and on a single machine).

:func:`parse_ice_servers` reads the JSON form used in settings (``BIG20_SERVER_ICE_SERVERS``).
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from core.errors import InputError


def parse_ice_servers(text: str | None) -> list[dict[str, Any]]:
    """``'[{"urls": "turn:turn.example.com:3478", "username": "u", "credential": "c"}]'`` -> list.
    Empty or None: no STUN/TURN at all. InputError for anything else."""
    if not text or not text.strip():
        return []
    try:
        servers = json.loads(text)
    except ValueError as exc:
        raise InputError("rtc.bad_ice_servers", reason=str(exc)[:200]) from exc
    if not isinstance(servers, list) or not all(isinstance(s, dict) and s.get("urls") for s in servers):
        raise InputError("rtc.bad_ice_servers", reason="expected a JSON list of {urls, username?, credential?}")
    for s in servers:
        urls = s["urls"] if isinstance(s["urls"], list) else [s["urls"]]
        if not all(isinstance(u, str) and u.split(":", 1)[0] in ("stun", "stuns", "turn", "turns") for u in urls):
            raise InputError("rtc.bad_ice_servers", reason=f"not a stun:/turn: URL: {urls}")
    return servers


def rtc_configuration(ice_servers: Iterable[dict[str, Any]] = ()):
    """An ``aiortc.RTCConfiguration`` with exactly ``ice_servers`` (none: no STUN, no TURN)."""
    from aiortc import RTCConfiguration, RTCIceServer

    return RTCConfiguration(iceServers=[RTCIceServer(urls=s["urls"], username=s.get("username"),
                                                     credential=s.get("credential")) for s in ice_servers])


_restricted: list[str] | None = None


def restrict_host_addresses(addresses: Iterable[str] | None) -> None:
    """Gather host candidates only on ``addresses`` (None: every interface, aioice's default).

    Process-wide: aioice reads its host addresses through one module function, which is
    replaced here (aioice also skips 127.0.0.1 by default, so loopback-only needs this)."""
    global _restricted
    import aioice.ice

    if not hasattr(aioice.ice, "_big20_original_get_host_addresses"):
        aioice.ice._big20_original_get_host_addresses = aioice.ice.get_host_addresses
    original = aioice.ice._big20_original_get_host_addresses
    if addresses is None:
        _restricted = None
        aioice.ice.get_host_addresses = original
        return
    _restricted = [a.strip() for a in addresses if a.strip()]

    def only(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        return [a for a in (_restricted or []) if (":" in a and use_ipv6) or (":" not in a and use_ipv4)]

    aioice.ice.get_host_addresses = only


def install_marker_jitter_buffer() -> None:
    """Hand each video frame to the decoder as soon as its last packet (RTP marker bit) is in.

    aiortc's video jitter buffer completes a frame only when a packet of the *next* frame
    arrives: one frame interval of delay per hop (67 ms at 15 fps), twice through the server
    (publisher -> server -> viewer), which alone breaks a 100 ms glass-to-glass budget. aiortc's
    sender marks the last packet of each frame, so a contiguous run of one timestamp that ends
    on a marked packet is a whole frame. Without the marker (another sender) the stock rule
    applies. Process-wide and idempotent (aiortc's receiver looks the class up at creation).

    The buffer also offers ``on_frame``: a callback for each complete encoded frame (see
    :func:`encoded_frames_of`)."""
    import aiortc.rtcrtpreceiver as receiver
    from aiortc.jitterbuffer import JitterBuffer, JitterFrame

    if getattr(receiver.JitterBuffer, "_big20_marker", False):
        return

    class MarkerJitterBuffer(JitterBuffer):
        _big20_marker = True
        # called with each complete encoded video frame (JitterFrame: depayloaded bytes, RTP
        # timestamp) on the event loop: the server records the stream without re-encoding it
        on_frame = None

        def add(self, packet):
            pli_flag, frame = super().add(packet)
            if frame is not None and self.on_frame is not None:
                self.on_frame(frame)
            return pli_flag, frame

        def _remove_frame(self, sequence_number: int):
            if self._is_video and self._prefetch == 0 and self._origin is not None:
                packets = []
                timestamp = None
                for count in range(self.capacity):
                    packet = self._packets[(self._origin + count) % self.capacity]
                    if packet is None or (timestamp is not None and packet.timestamp != timestamp):
                        break
                    timestamp = packet.timestamp
                    packets.append(packet)
                    if packet.marker:
                        self.remove(count + 1)
                        return JitterFrame(data=b"".join(p._data for p in packets), timestamp=timestamp)
            return super()._remove_frame(sequence_number)

    receiver.JitterBuffer = MarkerJitterBuffer


def encoded_frames_of(pc, track):
    """The jitter buffer of the receiver of ``track`` (a remote video track of ``pc``), whose
    ``on_frame`` may be set to get the track's encoded frames; None when not available (aiortc
    changed its internals, or install_marker_jitter_buffer was not called)."""
    for transceiver in pc.getTransceivers():
        receiver = transceiver.receiver
        if receiver is not None and receiver.track is track:
            jb = getattr(receiver, "_RTCRtpReceiver__jitter_buffer", None)
            return jb if getattr(type(jb), "_big20_marker", False) else None
    return None


def prefer_vp8(pc) -> None:
    """Negotiate VP8 for video (what a WebM recording holds without re-encoding)."""
    from aiortc import RTCRtpSender

    codecs = [c for c in RTCRtpSender.getCapabilities("video").codecs if c.mimeType in ("video/VP8", "video/rtx")]
    for transceiver in pc.getTransceivers():
        if transceiver.kind == "video":
            transceiver.setCodecPreferences(codecs)
