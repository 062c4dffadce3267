"""Small shared widgets (layout and painting only): cards, the error banner, a level meter,
the camera preview with its face/eye/gaze overlay, and a drop zone for files.

UI thread only. Painted widgets take plain data (a QImage, an overlay dict, a number).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLocale, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from desktop.ui.theme import current_theme, palette

if TYPE_CHECKING:  # frames are numpy arrays; numpy itself is not imported before the window
    import numpy as np


def data_size(n: int | float | None, lang: str, unknown: str = "—") -> str:
    """A byte count for people, in ``lang``'s number format (Qt's locale formatter, SI units:
    1 MB = 1000 kB, as disks and downloads are sized)."""
    if n is None:
        return unknown
    return QLocale(lang).formattedDataSize(int(n), 1, QLocale.DataSizeFormat.DataSizeSIFormat)


def card(*widgets: QWidget, spacing: int = 8) -> QFrame:
    frame = QFrame()
    frame.setObjectName("card")
    lay = QVBoxLayout(frame)
    lay.setContentsMargins(16, 14, 16, 14)
    lay.setSpacing(spacing)
    for w in widgets:
        lay.addWidget(w)
    return frame


def label(text: str = "", name: str | None = None, *, wrap: bool = True) -> QLabel:
    w = QLabel(text)
    if name:
        w.setObjectName(name)
    w.setWordWrap(wrap)
    return w


def screen_layout(screen: QWidget) -> QVBoxLayout:
    """The vertical layout of a stacked screen, with the screens' common margins."""
    lay = QVBoxLayout(screen)
    lay.setContentsMargins(22, 16, 22, 16)
    return lay


def screen_header(lay: QVBoxLayout, title: str, *buttons: QWidget) -> QLabel:
    """A screen's heading row added to ``lay``: the title (stretched), then ``buttons`` on the
    right. Returns the title label (screens retitle it on enter)."""
    top = QHBoxLayout()
    heading = label(title, "heading", wrap=False)
    top.addWidget(heading, 1)
    for b in buttons:
        top.addWidget(b)
    lay.addLayout(top)
    return heading


class Banner(QLabel):
    """A warning line that says what went wrong and what to do; hidden while empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))

    def clear_message(self) -> None:
        self.setText("")
        self.hide()


def bgr_to_qimage(image: np.ndarray) -> QImage:
    """A BGR uint8 numpy frame as a QImage that owns its pixels (safe after the array dies)."""
    h, w = image.shape[:2]
    return QImage(image.data, w, h, image.strides[0], QImage.Format.Format_BGR888).copy()


class CameraPreview(QWidget):
    """The camera image scaled to fit, with an optional overlay: face box, eye points, iris
    points and the gaze direction, coloured by whether the gaze is on target."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # paintEvent fills every pixel: without this each camera frame (30 a second) also
        # repainted the translucent card and window gradient beneath it on the UI thread
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._image: QImage | None = None
        self._overlay: dict[str, Any] | None = None
        self.show_overlay = True
        self.placeholder = ""
        self.frames_shown = 0

    def set_image(self, image: QImage) -> None:
        self._image = image
        self.frames_shown += 1
        self.update()

    def set_overlay(self, overlay: dict[str, Any] | None) -> None:
        self._overlay = overlay
        self.update()

    def clear(self, placeholder: str = "") -> None:
        self._image = None
        self._overlay = None
        self.placeholder = placeholder
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt name
        pal = palette(current_theme())
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor(20, 24, 32))
        if self._image is None:
            p.setPen(QColor("#c9d1dc"))
            p.drawText(self.rect().adjusted(12, 12, -12, -12), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                       self.placeholder)
            return
        iw, ih = self._image.width(), self._image.height()
        scale = min(self.width() / iw, self.height() / ih)
        dw, dh = iw * scale, ih * scale
        ox, oy = (self.width() - dw) / 2, (self.height() - dh) / 2
        p.drawImage(QRectF(ox, oy, dw, dh), self._image)
        ov = self._overlay
        if not (self.show_overlay and ov):
            return
        good = QColor(pal["good"])
        bad = QColor(pal["bad"])
        colour = good if ov.get("on_target") in (True, None) else bad
        box = ov.get("face_box")
        if box:
            x, y, w, h = box
            p.setPen(QPen(colour, 2))
            p.drawRoundedRect(QRectF(ox + x * scale, oy + y * scale, w * scale, h * scale), 8, 8)
        p.setPen(QPen(QColor("#ffd166"), 2))
        for ex, ey in ov.get("eye_points") or []:
            p.drawEllipse(QPointF(ox + ex * scale, oy + ey * scale), 6, 6)
        p.setPen(QPen(QColor("#06d6a0"), 3))
        for ix, iy in ov.get("iris_points") or []:
            p.drawPoint(QPointF(ox + ix * scale, oy + iy * scale))
        gaze = ov.get("gaze")
        if gaze is not None and box:
            x, y, w, h = box
            cx, cy = ox + (x + w / 2) * scale, oy + (y + h * 0.4) * scale
            p.setPen(QPen(colour, 3))
            p.drawLine(QPointF(cx, cy), QPointF(cx + gaze[0] * w * scale * 0.4, cy + gaze[1] * h * scale * 0.4))


class LevelMeter(QWidget):
    """A horizontal audio level bar in dBFS (-60 .. 0), green to red, with a peak tick."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(18)
        self.rms_db = -100.0
        self.peak_db = -100.0

    def set_level(self, rms_db: float, peak_db: float) -> None:
        self.rms_db, self.peak_db = rms_db, peak_db
        self.update()

    @staticmethod
    def _frac(db: float) -> float:
        return max(0.0, min(1.0, (db + 60.0) / 60.0))

    def paintEvent(self, _event) -> None:  # noqa: N802
        pal = palette(current_theme())
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        p.setPen(QPen(QColor(pal["grid"]), 1))
        p.setBrush(QColor(0, 0, 0, 30))
        p.drawRoundedRect(r, 6, 6)
        f = self._frac(self.rms_db)
        colour = QColor("#3fb37f") if f < 0.75 else (QColor("#e2b33b") if f < 0.92 else QColor("#d9534f"))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawRoundedRect(QRectF(r.x(), r.y(), r.width() * f, r.height()), 6, 6)
        px = r.x() + r.width() * self._frac(self.peak_db)
        p.setPen(QPen(QColor(pal["text"]), 2))
        p.drawLine(QPointF(px, r.top() + 2), QPointF(px, r.bottom() - 2))


class DropZone(QLabel):
    """Accepts one dropped file with one of ``suffixes`` (or a click to browse); emits its path."""

    file_dropped = Signal(str)
    clicked = Signal()

    def __init__(self, text: str, suffixes: tuple[str, ...] = (".pdf",), parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setObjectName("dropZone")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setAcceptDrops(True)
        self.setMinimumHeight(80)
        self.suffixes = suffixes

    def _path_of(self, event) -> str | None:
        md = event.mimeData()
        if not md.hasUrls():
            return None
        for url in md.urls():
            if url.isLocalFile() and Path(url.toLocalFile()).suffix.lower() in self.suffixes:
                return url.toLocalFile()
        return None

    def _set_active(self, on: bool) -> None:
        self.setProperty("active", "true" if on else "false")
        self.style().unpolish(self)
        self.style().polish(self)

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if self._path_of(event):
            self._set_active(True)
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, _event) -> None:  # noqa: N802
        self._set_active(False)

    def dropEvent(self, event) -> None:  # noqa: N802
        self._set_active(False)
        path = self._path_of(event)
        if path:
            event.acceptProposedAction()
            self.file_dropped.emit(path)

    def mouseReleaseEvent(self, _event) -> None:  # noqa: N802
        self.clicked.emit()

