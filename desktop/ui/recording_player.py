"""Recording playback for the recruiter's review (QtMultimedia: QMediaPlayer with its bundled
FFmpeg plays WebM/VP8 and MP4/H.264, offscreen too).

:class:`RecordingPlayer` shows one interview's recordings as segments (a live segment, then
what the desktop recorded offline after a lost connection), each placed on the session clock
by its ``offset_s``. It emits :attr:`RecordingPlayer.playhead` with the *session* time (seconds)
as it plays or seeks, which is what the report's transcript, evidence and eye-contact /
emotion timelines follow; :meth:`seek_session` goes the other way (a click on a transcript line).

Wiring (desktop/ui/report_view.py and desktop/controllers/report.py own it): the controller
downloads ``GET /interviews/{id}/recordings`` and each ``.../recordings/{rid}/file`` to the
app's cache (off the UI thread), calls :meth:`set_segments`, connects ``playhead`` to the
transcript highlight and the timelines' cursor, and transcript clicks to ``seek_session``.

UI thread only (Qt objects); loading and playing never block it (QMediaPlayer decodes on its
own threads). ``video_sink`` can be replaced by a QVideoSink for tests or custom painting.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoSink
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from core.i18n import tr


@dataclass(frozen=True)
class Segment:
    path: Path
    offset_s: float = 0.0  # session time of the segment's first frame
    source: str = "live"  # live | upload


def _clock(ms: int) -> str:
    s = max(0, ms) // 1000
    return f"{s // 60:02d}:{s % 60:02d}"


class RecordingPlayer(QWidget):
    playhead = Signal(float)  # session seconds
    failed = Signal(str)  # translated message

    def __init__(self, lang: str, *, video_sink: QVideoSink | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.segments: list[Segment] = []
        self._current = -1
        self._pending_ms: int | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.video = QVideoWidget()
        self.video.setMinimumSize(320, 240)
        lay.addWidget(self.video, 1)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.hide()
        lay.addWidget(self.message)
        bar = QHBoxLayout()
        self.play_button = QPushButton(tr("ui.player.play", lang))
        self.segment_box = QComboBox()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.time = QLabel("00:00 / 00:00")
        bar.addWidget(self.play_button)
        bar.addWidget(self.segment_box)
        bar.addWidget(self.slider, 1)
        bar.addWidget(self.time)
        lay.addLayout(bar)

        self.player = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.player.setAudioOutput(self.audio)
        self.player.setVideoSink(video_sink) if video_sink is not None else self.player.setVideoOutput(self.video)
        self.player.positionChanged.connect(self._on_position)
        self.player.durationChanged.connect(lambda d: self.slider.setRange(0, max(0, d)))
        self.player.playbackStateChanged.connect(self._on_state)
        self.player.mediaStatusChanged.connect(self._on_status)
        self.player.errorOccurred.connect(self._on_error)
        self.play_button.clicked.connect(self.toggle)
        self.slider.sliderMoved.connect(self.player.setPosition)
        self.segment_box.currentIndexChanged.connect(self._select)

    # ------------------------------------------------------------------ API
    def set_segments(self, segments: list[Segment]) -> None:
        """The interview's recordings, in any order (sorted here by session time)."""
        self.segments = sorted(segments, key=lambda s: s.offset_s)
        self.segment_box.blockSignals(True)
        self.segment_box.clear()
        for i, seg in enumerate(self.segments, 1):
            self.segment_box.addItem(tr("ui.player.segment", self.lang, n=i,
                                        source=tr(f"ui.player.source.{seg.source}", self.lang)))
        self.segment_box.blockSignals(False)
        self.segment_box.setVisible(len(self.segments) > 1)
        self.message.setVisible(not self.segments)
        self.message.setText(tr("ui.player.none", self.lang) if not self.segments else "")
        self._current = -1
        if self.segments:
            self._select(0)

    def play(self) -> None:
        self.player.play()

    def pause(self) -> None:
        self.player.pause()

    def toggle(self) -> None:
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.pause()
        else:
            self.play()

    def session_time(self) -> float:
        if self._current < 0:
            return 0.0
        return self.segments[self._current].offset_s + self.player.position() / 1000.0

    def seek_session(self, t: float) -> None:
        """Show session time ``t``: the segment holding it (or the next one), at its place."""
        if not self.segments:
            return
        idx = 0
        for i, seg in enumerate(self.segments):
            if seg.offset_s <= t:
                idx = i
        ms = int(max(0.0, t - self.segments[idx].offset_s) * 1000)
        if idx != self._current:
            self._pending_ms = ms  # a new source loads asynchronously: seek once it is loaded
            self._select(idx)
        else:
            self.player.setPosition(ms)

    # ------------------------------------------------------------------ internals
    def _select(self, idx: int) -> None:
        if idx < 0 or idx >= len(self.segments) or idx == self._current:
            return
        self._current = idx
        if self.segment_box.currentIndex() != idx:
            self.segment_box.blockSignals(True)
            self.segment_box.setCurrentIndex(idx)
            self.segment_box.blockSignals(False)
        self.player.setSource(QUrl.fromLocalFile(str(self.segments[idx].path)))

    def _on_position(self, ms: int) -> None:
        if not self.slider.isSliderDown():
            self.slider.setValue(ms)
        self.time.setText(f"{_clock(ms)} / {_clock(self.player.duration())}")
        self.playhead.emit(self.session_time())

    def _on_state(self, state) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setText(tr("ui.player.pause" if playing else "ui.player.play", self.lang))

    def _on_status(self, status) -> None:
        if self._pending_ms is not None and status in (QMediaPlayer.MediaStatus.LoadedMedia,
                                                       QMediaPlayer.MediaStatus.BufferedMedia):
            self.player.setPosition(self._pending_ms)
            self._pending_ms = None
        # EndOfMedia arrives after the state went to Stopped: advance here, not on the state
        if status == QMediaPlayer.MediaStatus.EndOfMedia and self._current + 1 < len(self.segments):
            self._select(self._current + 1)  # the next segment goes on where this one ended
            self.player.play()

    def _on_error(self, _error, text: str) -> None:
        msg = tr("ui.player.error", self.lang, reason=text or "?")
        self.message.setText(msg)
        self.message.show()
        self.failed.emit(msg)
