"""Charts painted with QPainter (no matplotlib on the UI thread): a line chart of scores
across sessions, a bar chart of areas, and a timeline of eye contact and emotion aligned
with an answer. Layout/painting only; data arrives as plain lists. UI thread only.

A value of None is drawn as a gap with the ``na_text`` label, never as zero (docs/ARCHITECTURE.md §6).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from core.report.scores import score_text
from desktop.ui.theme import current_theme, palette

EMOTION_COLOURS = {"happy": "#f4b942", "neutral": "#8fa3bf", "sad": "#5b7bd5", "angry": "#d9534f",
                   "fear": "#9b6bd3", "surprise": "#39b8a8", "disgust": "#7a9a3a"}


class _Chart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.empty_text = ""
        self.na_text = "n/a"

    def _pal(self) -> dict[str, str]:
        return palette(current_theme())

    def _empty(self, p: QPainter) -> None:
        p.setPen(QColor(self._pal()["muted"]))
        p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.empty_text)


class LineChart(_Chart):
    """Scores (0-100 or None) over sessions, labelled below each point."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[str, float | None]] = []

    def set_points(self, points: list[tuple[str, float | None]]) -> None:
        self.points = points
        self.update()

    def paintEvent(self, _e) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self._pal()
        if not self.points:
            self._empty(p)
            return
        left, right, top, bottom = 36, 14, 24, 34  # top: room for a 100 point's label
        plot = QRectF(left, top, self.width() - left - right, self.height() - top - bottom)
        p.setPen(QPen(QColor(pal["grid"]), 1, Qt.PenStyle.DashLine))
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() - 2))
        p.setFont(small)
        for v in (0, 25, 50, 75, 100):
            y = plot.bottom() - plot.height() * v / 100
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(QColor(pal["muted"]))
            p.drawText(QRectF(0, y - 8, left - 6, 16), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(v))
            p.setPen(QPen(QColor(pal["grid"]), 1, Qt.PenStyle.DashLine))
        n = len(self.points)
        xs = [plot.left() + (plot.width() * (i + 0.5) / n) for i in range(n)]
        path = QPainterPath()
        started = False
        for x, (_, v) in zip(xs, self.points):
            if v is None:
                started = False
                continue
            pt = QPointF(x, plot.bottom() - plot.height() * v / 100)
            if started:
                path.lineTo(pt)
            else:
                path.moveTo(pt)
                started = True
        p.setPen(QPen(QColor(pal["accent"]), 2.5))
        p.drawPath(path)
        step = max(1, n // 8)  # label at most ~8 points so text never overlaps
        for i, (x, (lab, v)) in enumerate(zip(xs, self.points)):
            if v is None:
                p.setPen(QColor(pal["muted"]))
                p.drawText(QRectF(x - 30, plot.center().y() - 8, 60, 16), Qt.AlignmentFlag.AlignCenter, self.na_text)
            else:
                y = plot.bottom() - plot.height() * v / 100
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QColor(pal["accent"]))
                p.drawEllipse(QPointF(x, y), 4, 4)
                p.setPen(QColor(pal["text"]))
                p.drawText(QRectF(x - 24, y - 20, 48, 14), Qt.AlignmentFlag.AlignCenter, score_text(v))
            if i % step == 0:
                p.setPen(QColor(pal["muted"]))
                p.drawText(QRectF(x - 40, plot.bottom() + 6, 80, 18), Qt.AlignmentFlag.AlignCenter, lab)


class BarChart(_Chart):
    """Horizontal bars (0-100 or None) with their labels on the left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[tuple[str, float | None]] = []
        self.label_width = 150

    def set_bars(self, bars: list[tuple[str, float | None]]) -> None:
        self.bars = bars
        self.setMinimumHeight(max(120, 30 * len(bars) + 20))
        self.update()

    def paintEvent(self, _e) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self._pal()
        if not self.bars:
            self._empty(p)
            return
        lw = min(self.label_width, int(self.width() * 0.4))
        row = (self.height() - 10) / len(self.bars)
        # the value column fits its longest text ("not evaluated" was cut to "not eva")
        vw = max(50, p.fontMetrics().horizontalAdvance(self.na_text) + 10)
        width = self.width() - lw - vw - 6
        for i, (lab, v) in enumerate(self.bars):
            y = 5 + i * row
            p.setPen(QColor(pal["text"]))
            p.drawText(QRectF(0, y, lw - 8, row), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, lab)
            track = QRectF(lw, y + row * 0.22, width, row * 0.56)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(pal["grid"]))
            p.drawRoundedRect(track, 5, 5)
            if v is None:
                p.setPen(QColor(pal["muted"]))
                p.drawText(QRectF(lw + width + 6, y, vw, row), Qt.AlignmentFlag.AlignVCenter, self.na_text)
                continue
            p.setBrush(QColor(pal["accent"]))
            p.drawRoundedRect(QRectF(track.x(), track.y(), track.width() * max(0.0, min(v, 100.0)) / 100,
                                     track.height()), 5, 5)
            p.setPen(QColor(pal["text"]))
            p.drawText(QRectF(lw + width + 6, y, vw, row), Qt.AlignmentFlag.AlignVCenter, score_text(v))


class Timeline(_Chart):
    """One answer's time axis: eye contact (on/off target per sample) above, the dominant
    emotion per sample below. Times in seconds from the answer's start."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(70)
        self.duration = 0.0
        self.gaze: list[tuple[float, bool | None]] = []
        self.emotions: list[tuple[float, str]] = []
        self.gaze_label = ""
        self.emotion_label = ""
        self.cursor: float | None = None  # the review player's playhead, answer seconds

    def set_data(self, duration: float, gaze: list[tuple[float, bool | None]],
                 emotions: list[tuple[float, str]]) -> None:
        self.duration, self.gaze, self.emotions = duration, gaze, emotions
        self.update()

    def set_cursor(self, t: float | None) -> None:
        """Draw the playhead at ``t`` seconds from the answer's start (None: no cursor)."""
        if t != self.cursor:
            self.cursor = t
            self.update()

    def paintEvent(self, _e) -> None:  # noqa: N802
        p = QPainter(self)
        pal = self._pal()
        if self.duration <= 0 or not (self.gaze or self.emotions):
            self._empty(p)
            return
        lw = 90
        w = self.width() - lw - 8
        h = (self.height() - 22) / 2
        p.setPen(QColor(pal["muted"]))
        p.drawText(QRectF(0, 2, lw - 6, h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, self.gaze_label)
        p.drawText(QRectF(0, 4 + h, lw - 6, h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                   self.emotion_label)
        times = [t for t, _ in self.gaze]
        for i, (t, on) in enumerate(self.gaze):
            if t >= self.duration:
                break
            nxt = min(times[i + 1] if i + 1 < len(times) else self.duration, self.duration)
            x = lw + w * t / self.duration
            seg = max(1.0, w * (nxt - t) / self.duration)
            colour = QColor(pal["grid"]) if on is None else QColor(pal["good"] if on else pal["bad"])
            p.fillRect(QRectF(x, 2, seg, h), colour)
        ends = [t for t, _ in self.emotions[1:]] + [self.duration]
        for (t, emo), end in zip(self.emotions, ends):
            x0 = lw + w * min(t / self.duration, 1.0)
            x1 = lw + w * min(end / self.duration, 1.0)
            p.fillRect(QRectF(x0, 4 + h, max(2.0, x1 - x0), h), QColor(EMOTION_COLOURS.get(emo, "#999999")))
        p.setPen(QColor(pal["muted"]))
        p.drawText(QRectF(lw, 6 + 2 * h, 60, 16), Qt.AlignmentFlag.AlignLeft, "0 s")
        p.drawText(QRectF(lw + w - 60, 6 + 2 * h, 60, 16), Qt.AlignmentFlag.AlignRight, f"{self.duration:.0f} s")
        if self.cursor is not None and 0 <= self.cursor <= self.duration:
            x = lw + w * self.cursor / self.duration
            p.setPen(QPen(QColor(pal["text"]), 2))
            p.drawLine(QPointF(x, 0), QPointF(x, 4 + 2 * h))
