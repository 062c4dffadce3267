"""ICE configuration (no public STUN unless configured, loopback-only host candidates) and the
marker-bit jitter buffer, against aiortc's and aioice's own classes."""

from __future__ import annotations

import asyncio

import pytest

from core.errors import InputError
from sync.rtc import install_marker_jitter_buffer, parse_ice_servers, restrict_host_addresses, rtc_configuration

pytest.importorskip("aiortc")


def test_ice_servers_are_only_what_is_configured():
    assert parse_ice_servers("") == [] and parse_ice_servers(None) == []
    servers = parse_ice_servers('[{"urls": "turn:turn.example.com:3478", "username": "u", "credential": "c"}]')
    config = rtc_configuration(servers)
    assert [s.urls for s in config.iceServers] == ["turn:turn.example.com:3478"]
    assert rtc_configuration([]).iceServers == []  # aiortc uses Google's STUN only for None
    for bad in ("{", '{"urls": "stun:x"}', '[{"urls": "http://stun.example.com"}]', "[{}]"):
        with pytest.raises(InputError) as exc:
            parse_ice_servers(bad)
        assert exc.value.code == "rtc.bad_ice_servers" and "JSON" in exc.value.localized("en")


def test_loopback_only_candidates():
    from aiortc import RTCIceGatherer

    restrict_host_addresses(["127.0.0.1"])
    try:
        async def gather():
            gatherer = RTCIceGatherer(iceServers=[])
            await gatherer.gather()
            return gatherer.getLocalCandidates()

        candidates = asyncio.run(gather())
        assert candidates and {c.ip for c in candidates} == {"127.0.0.1"}
        assert {c.type for c in candidates} == {"host"}  # no STUN server asked for a reflexive one
    finally:
        restrict_host_addresses(None)


def _packets(frames: list[tuple[int, int]], marker: bool = True):
    """RTP packets: ``frames`` of (timestamp, number of packets), sequence numbers in order."""
    from aiortc.rtp import RtpPacket

    out, seq = [], 1000
    for ts, n in frames:
        for i in range(n):
            p = RtpPacket(payload_type=96, sequence_number=seq, timestamp=ts, marker=int(marker and i == n - 1))
            p._data = bytes([ts % 256, i])
            out.append(p)
            seq += 1
    return out


def test_marker_bit_completes_a_frame_without_waiting_for_the_next():
    import aiortc.rtcrtpreceiver as receiver
    from aiortc.jitterbuffer import JitterBuffer

    install_marker_jitter_buffer()
    install_marker_jitter_buffer()  # idempotent
    jb = receiver.JitterBuffer(capacity=128, is_video=True)
    got = [frame.timestamp for p in _packets([(3000, 3), (6000, 2)]) if (frame := jb.add(p)[1]) is not None]
    assert got == [3000, 6000]  # each frame as soon as its marked last packet is in
    # without marker bits (another sender) the stock rule: complete when the next frame starts
    jb = receiver.JitterBuffer(capacity=128, is_video=True)
    stock = JitterBuffer(capacity=128, is_video=True)
    pkts = _packets([(3000, 3), (6000, 2), (9000, 1)], marker=False)
    assert [f.timestamp for p in pkts if (f := jb.add(p)[1])] == \
        [f.timestamp for p in pkts if (f := stock.add(p)[1])] == [3000, 6000]
    # a frame with a packet missing is not handed on by its marker
    jb = receiver.JitterBuffer(capacity=128, is_video=True)
    pkts = _packets([(3000, 3)])
    assert jb.add(pkts[0])[1] is None and jb.add(pkts[2])[1] is None
    assert jb.add(pkts[1])[1].data == b"".join(p._data for p in pkts)
