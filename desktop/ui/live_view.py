"""Live interview (layout only): camera preview with the optional gaze overlay, the question
card, live captions (interim grey, final solid), the answer timer and the silence countdown,
which engines run, pause / skip / finish, the typed-answer box, and whether the interview is
shared live (``share_state``, hidden when it is not shared).
Behaviour: desktop/controllers/live.py."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.i18n import tr
from desktop.ui.widgets import Banner, CameraPreview, LevelMeter, card, label


class LiveView(QWidget):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        t = lambda k, **kw: tr(k, lang, **kw)  # noqa: E731
        lay = QVBoxLayout(self)
        lay.setContentsMargins(22, 14, 22, 14)
        top = QHBoxLayout()
        self.progress_label = label("", "subheading", wrap=False)
        top.addWidget(self.progress_label, 1)
        self.share_state = label("", "muted")
        self.share_state.hide()
        top.addWidget(self.share_state, 2)
        self.pause = QPushButton(t("ui.live.pause"))
        self.skip = QPushButton(t("ui.live.skip"))
        self.finish = QPushButton(t("ui.live.finish"))
        self.finish.setObjectName("danger")
        for b in (self.pause, self.skip, self.finish):
            top.addWidget(b)
        lay.addLayout(top)
        self.banner = Banner()
        lay.addWidget(self.banner)

        grid = QGridLayout()
        grid.setSpacing(14)
        self.question = label(t("ui.live.preparing"), "questionCard")
        self.question.setMinimumHeight(96)
        grid.addWidget(self.question, 0, 0, 1, 2)

        self.preview = CameraPreview()
        self.preview.setMinimumSize(380, 285)
        self.overlay_toggle = QCheckBox(t("ui.live.overlay"))
        self.engines = label("", "muted")
        grid.addWidget(card(self.preview, self.overlay_toggle, self.engines), 1, 0)

        right = QVBoxLayout()
        self.state = label("", "subheading", wrap=False)
        self.timer = label("", "muted", wrap=False)
        self.answer_bar = QProgressBar()
        self.answer_bar.setRange(0, 1000)
        self.answer_bar.setTextVisible(False)
        self.countdown = label("", None, wrap=False)
        self.countdown.setStyleSheet("color: #c0392b; font-weight: 600;")
        self.meter = LevelMeter()
        self.captions = QTextBrowser()
        self.captions.setMinimumHeight(150)
        right.addWidget(card(self.state, self.timer, self.answer_bar, self.countdown, self.meter,
                             label(t("ui.live.captions"), "muted"), self.captions))
        self.typed = QPlainTextEdit()
        self.typed.setPlaceholderText(t("ui.live.typed_hint"))
        self.typed.setMaximumHeight(110)
        self.send_typed = QPushButton(t("ui.live.send_typed"))
        self.send_typed.setObjectName("primary")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.send_typed)
        box = QWidget()
        box.setLayout(row)
        right.addWidget(card(label(t("ui.live.typed_title"), "muted"), self.typed, box))
        holder = QWidget()
        holder.setLayout(right)
        grid.addWidget(holder, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(1, 1)
        lay.addLayout(grid, 1)

    def show_error(self, text: str) -> None:
        self.banner.show_message(text)
