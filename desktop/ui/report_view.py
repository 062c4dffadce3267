"""Report (layout only): overall and per-area scores, emotions, and per answer the question,
the transcript with its evidence highlighted, feedback, delivery, an eye-contact and emotion
timeline and quality warnings; export buttons. Behaviour: desktop/controllers/report.py."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QListWidget,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.i18n import tr
from desktop.ui.charts import BarChart, Timeline
from desktop.ui.widgets import Banner, card, label


class ReportView(QWidget):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        t = lambda k, **kw: tr(k, lang, **kw)  # noqa: E731
        lay = QVBoxLayout(self)
        lay.setContentsMargins(22, 16, 22, 16)
        top = QHBoxLayout()
        self.title = label(t("ui.report.title"), "heading", wrap=False)
        top.addWidget(self.title, 1)
        self.export_html = QPushButton(t("ui.report.export_html"))
        self.export_pdf = QPushButton(t("ui.report.export_pdf"))
        self.back = QPushButton(t("ui.report.back"))
        self.share = QPushButton("")  # sharing with the company (desktop/services/sharing.py)
        self.share.hide()
        for b in (self.share, self.export_html, self.export_pdf, self.back):
            top.addWidget(b)
        lay.addLayout(top)
        self.meta = label("", "muted")
        lay.addWidget(self.meta)
        self.saved = label("", "muted")  # "Saved to ..." after an export, below the header line
        self.saved.hide()
        lay.addWidget(self.saved)
        self.sync_state = label("", "muted")
        self.sync_state.hide()
        lay.addWidget(self.sync_state)
        self.banner = Banner()
        lay.addWidget(self.banner)

        head = QGridLayout()
        head.setSpacing(14)
        self.overall = label("—", "bigScore", wrap=False)
        self.summary = label("")
        head.addWidget(card(label(t("ui.report.overall"), "subheading"), self.overall, self.summary), 0, 0)
        self.areas = BarChart()
        self.areas.na_text = t("ui.na")
        self.areas.empty_text = t("ui.report.no_scores")
        head.addWidget(card(label(t("ui.report.areas"), "subheading"), self.areas), 0, 1)
        self.emotions = label("")
        head.addWidget(card(label(t("ui.report.nonverbal"), "subheading"), self.emotions), 0, 2)
        head.setColumnStretch(0, 2)
        head.setColumnStretch(1, 3)
        head.setColumnStretch(2, 2)
        lay.addLayout(head)

        split = QSplitter()
        self.answers = QListWidget()
        self.answers.setWordWrap(True)
        self.answers.setMinimumWidth(230)
        split.addWidget(card(label(t("ui.report.answers"), "subheading"), self.answers))
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        self.detail = QTextBrowser()
        self.detail.setOpenExternalLinks(False)
        self.timeline = Timeline()
        self.timeline.gaze_label = t("ui.report.eye_contact")
        self.timeline.emotion_label = t("ui.report.emotion")
        self.timeline.empty_text = t("ui.report.no_timeline")
        rl.addWidget(card(self.detail), 1)
        rl.addWidget(card(label(t("ui.report.timeline"), "subheading"), self.timeline))
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        lay.addWidget(split, 1)

    def show_error(self, text: str) -> None:
        self.banner.show_message(text)
