"""Recruiter: one interview watched live (layout only) - the candidate's video, the question
on screen and the live captions beside it, a state line and a back button.
Behaviour: desktop/controllers/recruiter_live.py. UI thread only."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QListWidget, QPushButton, QWidget

from core.i18n import tr
from desktop.ui.widgets import Banner, CameraPreview, card, label, screen_header, screen_layout


class RecruiterLiveView(QWidget):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        t = lambda k, **kw: tr(k, lang, **kw)  # noqa: E731
        lay = screen_layout(self)
        self.back = QPushButton(t("ui.recruiter.back"))
        self.title = screen_header(lay, t("ui.recruiter.live.title"), self.back)
        self.state = label("", "muted")
        lay.addWidget(self.state)
        self.banner = Banner()
        lay.addWidget(self.banner)

        body = QHBoxLayout()
        self.video = CameraPreview()
        self.video.show_overlay = False
        self.video.placeholder = t("ui.recruiter.live.connecting")
        body.addWidget(card(self.video), 3)
        self.question = label("", "subheading")
        self.captions = QListWidget()
        self.captions.setWordWrap(True)
        body.addWidget(card(label(t("ui.recruiter.live.question"), "muted"), self.question,
                            label(t("ui.recruiter.live.captions"), "muted"), self.captions), 2)
        lay.addLayout(body, 1)

    def show_error(self, text: str) -> None:
        self.banner.show_message(text)
