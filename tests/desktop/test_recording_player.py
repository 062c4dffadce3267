"""The review player plays a real recording (WebM/VP8 written by the same writer the server
records with) offscreen through QMediaPlayer: frames arrive in a QVideoSink, their stamps read
back in order, and the playhead reports session time across two segments."""

from __future__ import annotations

import numpy as np
import pytest

from engines.capture.pattern import PatternCamera, read_stamp
from sync.recording import RecordingWriter

pytest.importorskip("PySide6.QtMultimedia")


def _recording(path, frames: int, fps: float = 15.0, start_index: int = 0):
    cam = PatternCamera((320, 240), fps, frames=start_index + frames, realtime=False)
    cam.open()
    w = RecordingWriter(path, fps=fps)
    while (f := cam.read()) is not None:
        if f.index >= start_index:
            w.write_video(f.image, f.t)
    return w.close()


def _stamp(frame) -> int | None:
    img = frame.toImage()
    if img.isNull():
        return None
    img = img.convertToFormat(img.Format.Format_RGB888)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())[:, : img.width() * 3]
    got = read_stamp(arr.reshape(img.height(), img.width(), 3))
    return got[0] if got else None


def test_player_plays_webm_offscreen_and_follows_the_session_clock(qtbot, tmp_path):
    from PySide6.QtMultimedia import QMediaPlayer, QVideoSink

    from desktop.ui.recording_player import RecordingPlayer, Segment

    live = _recording(tmp_path / "live.webm", 30)
    offline = _recording(tmp_path / "offline.webm", 30, start_index=40)
    sink = QVideoSink()
    stamps: list[int] = []
    sink.videoFrameChanged.connect(lambda f: stamps.append(_stamp(f)) if f.isValid() else None)
    player = RecordingPlayer("ko", video_sink=sink)
    qtbot.addWidget(player)
    player.audio.setMuted(True)
    heads: list[float] = []
    player.playhead.connect(heads.append)
    player.set_segments([Segment(offline.path, offset_s=40 / 15, source="upload"), Segment(live.path, 0.0)])
    assert [s.source for s in player.segments] == ["live", "upload"] and player.segment_box.count() == 2
    player.play()
    qtbot.waitUntil(lambda: player.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState, timeout=10_000)
    # plays to the end of the first segment and goes on with the second
    qtbot.waitUntil(lambda: player._current == 1 and player.player.position() > 500, timeout=20_000)
    seen = [s for s in stamps if s is not None]
    assert len(seen) >= 15 and seen == sorted(seen), seen
    assert seen[0] < 30 <= 40 <= seen[-1]  # frames from both files, in session order
    assert heads and max(heads) > 40 / 15  # session time, not the file's own position
    player.seek_session(0.5)
    assert player._current == 0
    qtbot.waitUntil(lambda: abs(player.session_time() - 0.5) < 0.2, timeout=5_000)
    player.pause()
