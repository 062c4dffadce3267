"""Writing a recording (WebM: VP8 + Opus, or MP4: H.264 + AAC) with PyAV, frame by frame.

Used by the server (frames decoded from the WebRTC stream) and by the desktop (its own
capture when the live connection is refused or lost). Frames carry their capture time in
seconds; it becomes the presentation time (milliseconds, the WebM time base), made strictly
increasing, so a capture that hiccups never makes the muxer refuse a frame. Audio frames
are resampled to the codec's rate by PyAV.

:func:`probe` reads a finished file back (frame count, duration) for the database.

Threading: a :class:`RecordingWriter` is confined to one thread at a time (encoding is CPU
work: callers run it on a worker thread or an executor, never on the UI thread or the
event loop of a busy server).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

FORMATS = {"webm": ("libvpx", "libopus", "video/webm"), "mp4": ("libx264", "aac", "video/mp4")}
MS = Fraction(1, 1000)


@dataclass(frozen=True)
class RecordingStats:
    path: Path
    frames: int
    duration_s: float
    size: int
    mime: str


def mime_for(fmt: str) -> str:
    return FORMATS[fmt][2]


class RecordingWriter:
    """``fmt`` "webm" or "mp4". ``video_bitrate``: bits/s for the encoder (realtime settings:
    the server records many streams at once)."""

    def __init__(self, path: Path | str, fmt: str = "webm", *, fps: float = 30.0, audio: bool = False,
                 video_bitrate: int = 1_000_000) -> None:
        import av

        if fmt not in FORMATS:
            raise ValueError(f"unknown recording format {fmt!r} (webm or mp4)")
        self.path = Path(path)
        self.fmt = fmt
        self.fps = fps
        # WebM clusters of at most 1 s, each written out when done: a process killed
        # mid-recording loses at most the cluster being written (measured: without these,
        # nothing at all reached the disk of a 4 s file; the muxer holds 5 s clusters and
        # FFmpeg's I/O buffer the rest)
        options = {"cluster_time_limit": "1000", "flush_packets": "1"} if fmt == "webm" else {}
        self._container = av.open(str(self.path), mode="w", format=fmt, options=options)
        self._video = None
        self._audio = None
        self._want_audio = audio
        self._bitrate = video_bitrate
        self._last_ms: int | None = None
        self._first_ms: int | None = None
        self.frames = 0
        self._audio_pts = 0
        self._copied = False  # encoded frames were muxed as received: nothing to flush

    def _open_video(self, width: int, height: int) -> None:
        vcodec, acodec, _ = FORMATS[self.fmt]
        stream = self._container.add_stream(vcodec, rate=round(self.fps) or 30)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.bit_rate = self._bitrate
        stream.codec_context.time_base = MS
        # a key frame every 2 s: seekable in a player, cheap to encode (FFmpeg's default is 12 frames)
        stream.codec_context.gop_size = max(1, int(round(self.fps * 2)))
        if vcodec == "libvpx":
            # aiortc's own realtime VP8 settings (codecs/vpx.py): a few ms per 640x480 frame
            stream.codec_context.qmin, stream.codec_context.qmax = 2, 56
            stream.options = {"deadline": "realtime", "cpu-used": "-6", "lag-in-frames": "0", "static-thresh": "1",
                              "partitions": "0"}
        else:
            stream.options = {"preset": "veryfast", "tune": "zerolatency"}
        self._video = stream
        if self._want_audio:
            self._audio = self._container.add_stream(acodec, rate=48000)
            self._audio.layout = "mono"

    def write_video(self, frame: Any, t_s: float) -> None:
        """``frame``: an ``av.VideoFrame`` or a BGR ``numpy`` image; ``t_s``: capture time."""
        import av

        if not isinstance(frame, av.VideoFrame):
            frame = av.VideoFrame.from_ndarray(frame, format="bgr24")
        if self._video is None:
            self._open_video(frame.width, frame.height)
        ms = self._next_ms(t_s)
        if frame.format.name != "yuv420p" or frame.width != self._video.width or frame.height != self._video.height:
            frame = frame.reformat(width=self._video.width, height=self._video.height, format="yuv420p")
        frame.pts = ms
        frame.time_base = MS
        for packet in self._video.encode(frame):
            self._container.mux(packet)
        self.frames += 1

    def write_encoded_video(self, data: bytes, t_s: float) -> bool:
        """One encoded VP8 frame (as received over RTP) muxed as is, no re-encoding (WebM only).
        Frames before the first key frame are skipped (a decoder could not start there);
        False for a skipped frame."""
        import av

        keyframe = bool(data) and not (data[0] & 0x01)
        if self._video is None:
            if not keyframe or len(data) < 10 or data[3:6] != b"\x9d\x01\x2a":
                return False
            width = int.from_bytes(data[6:8], "little") & 0x3FFF
            height = int.from_bytes(data[8:10], "little") & 0x3FFF
            self._open_video(width, height)
        ms = self._next_ms(t_s)
        packet = av.Packet(data)
        packet.stream = self._video
        packet.pts = packet.dts = ms
        packet.time_base = MS
        packet.is_keyframe = keyframe
        self._container.mux(packet)
        self.frames += 1
        self._copied = True
        return True

    def _next_ms(self, t_s: float) -> int:
        ms = int(round(t_s * 1000))
        if self._first_ms is None:
            self._first_ms = ms
        ms -= self._first_ms
        if self._last_ms is not None and ms <= self._last_ms:
            ms = self._last_ms + 1
        self._last_ms = ms
        return ms

    def write_audio(self, frame: Any) -> None:
        """``frame``: an ``av.AudioFrame`` (any rate/layout), or float32 mono samples at 16 kHz."""
        import av
        import numpy as np

        if self._audio is None:
            return  # no video yet (the streams are created together) or audio not wanted
        if not isinstance(frame, av.AudioFrame):
            samples = np.asarray(frame, dtype=np.float32).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(samples, format="flt", layout="mono")
            frame.sample_rate = 16000
            frame.pts = self._audio_pts
            frame.time_base = Fraction(1, 16000)
            self._audio_pts += samples.shape[1]
        else:
            # stamped by samples written: continuous even when the network lost packets
            frame.pts = self._audio_pts
            frame.time_base = Fraction(1, frame.sample_rate)
            self._audio_pts += frame.samples
        for packet in self._audio.encode(frame):
            self._container.mux(packet)

    @property
    def duration_s(self) -> float:
        return (self._last_ms or 0) / 1000.0

    def close(self) -> RecordingStats:
        """Flush the encoders and finish the file (idempotent)."""
        if self._container is not None:
            for stream in (None if self._copied else self._video, self._audio):
                if stream is not None:
                    for packet in stream.encode(None):
                        self._container.mux(packet)
            self._container.close()
            self._container = None
        return RecordingStats(self.path, self.frames, self.duration_s,
                              self.path.stat().st_size if self.path.exists() else 0, mime_for(self.fmt))


@dataclass(frozen=True)
class ProbeResult:
    frames: int
    duration_s: float  # last frame's time minus the first's
    first_s: float
    last_s: float
    width: int
    height: int
    has_audio: bool


def probe(path: Path | str, *, decode: bool = True) -> ProbeResult:
    """Frame count and duration of a recording's video, read back with PyAV (decoding every
    frame when ``decode``: what a player would show)."""
    import av

    with av.open(str(path)) as c:
        v = c.streams.video[0]
        times = []
        width = height = 0
        if decode:
            for f in c.decode(v):
                times.append(float(f.time) if f.time is not None else float("nan"))
                width, height = f.width, f.height
        else:
            for p in c.demux(v):
                if p.pts is not None and p.size:
                    times.append(float(p.pts * p.time_base))
        has_audio = bool(c.streams.audio)
    times.sort()
    if not times:
        return ProbeResult(0, 0.0, 0.0, 0.0, width, height, has_audio)
    return ProbeResult(len(times), times[-1] - times[0], times[0], times[-1], width, height, has_audio)


def sha256_file(path: Path | str, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()
