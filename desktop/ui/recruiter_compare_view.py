"""Recruiter: shared candidates side by side (layout only). One column per interview: who,
for what position, the AI's overall score with the company's override beside it, the area
bars and every answer's score. Behaviour: desktop/controllers/recruiter_compare.py.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QListWidget,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.i18n import tr
from desktop.ui.charts import BarChart
from desktop.ui.widgets import Banner, card, label, screen_header, screen_layout


class CompareColumn(QFrame):
    def __init__(self, lang: str) -> None:
        super().__init__()
        t = lambda k, **kw: tr(k, lang, **kw)  # noqa: E731
        self.name = label("", "subheading")
        self.meta = label("", "muted")
        self.overall = label("—", "bigScore", wrap=False)
        self.override = label("", "muted")
        self.areas = BarChart()
        self.areas.na_text = t("ui.na")
        self.areas.empty_text = t("ui.report.no_scores")
        self.answers = QListWidget()
        self.answers.setWordWrap(True)
        self.open = QPushButton(t("ui.recruiter.open"))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(card(self.name, self.meta, label(t("ui.recruiter.ai_overall"), "muted"), self.overall,
                           self.override, self.areas, label(t("ui.report.answers"), "subheading"), self.answers,
                           self.open))


class RecruiterCompareView(QWidget):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        t = lambda k, **kw: tr(k, lang, **kw)  # noqa: E731
        lay = screen_layout(self)
        self.back = QPushButton(t("ui.recruiter.back"))
        self.title = screen_header(lay, t("ui.recruiter.compare_title"), self.back)
        self.banner = Banner()
        lay.addWidget(self.banner)
        self.row = QHBoxLayout()
        self.row.setSpacing(14)
        inner = QWidget()
        inner.setLayout(self.row)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        lay.addWidget(scroll, 1)
        self.columns: list[CompareColumn] = []

    def set_columns(self, n: int) -> list[CompareColumn]:
        """Exactly ``n`` empty columns (older ones are removed)."""
        for c in self.columns:
            self.row.removeWidget(c)
            c.deleteLater()
        self.columns = [CompareColumn(self.lang) for _ in range(n)]
        for c in self.columns:
            self.row.addWidget(c, 1)
        return self.columns

    def show_error(self, text: str) -> None:
        self.banner.show_message(text)
