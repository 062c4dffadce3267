"""Home (layout only): past interviews with scores, progress across sessions, weakest areas
and the answers worth practising again. Behaviour: desktop/controllers/home.py."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from core.i18n import tr
from desktop.ui.charts import BarChart, LineChart
from desktop.ui.widgets import Banner, card, label


class HomeView(QWidget):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        t = lambda k, **kw: tr(k, lang, **kw)  # noqa: E731
        lay = QVBoxLayout(self)
        lay.setContentsMargins(22, 16, 22, 16)
        top = QHBoxLayout()
        self.greeting = label("", "heading", wrap=False)
        top.addWidget(self.greeting, 1)
        self.new_button = QPushButton(t("ui.home.new"))
        self.new_button.setObjectName("primary")
        top.addWidget(self.new_button)
        lay.addLayout(top)
        self.banner = Banner()
        lay.addWidget(self.banner)

        grid = QGridLayout()
        grid.setSpacing(14)
        self.progress_chart = LineChart()
        self.progress_chart.empty_text = t("ui.home.no_sessions")
        self.progress_chart.na_text = t("ui.na")
        grid.addWidget(card(label(t("ui.home.progress"), "subheading"), self.progress_chart), 0, 0)
        self.weak_chart = BarChart()
        self.weak_chart.empty_text = t("ui.home.no_weak")
        self.weak_chart.na_text = t("ui.na")
        self.weak_note = label("", "muted")
        grid.addWidget(card(label(t("ui.home.weakest"), "subheading"), self.weak_chart, self.weak_note), 0, 1)

        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([t("ui.home.col.date"), t("ui.home.col.company"),
                                              t("ui.home.col.position"), t("ui.home.col.score"),
                                              t("ui.home.col.answers")])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.open_report = QPushButton(t("ui.home.open_report"))
        self.delete = QPushButton(t("ui.home.delete"))
        row = QHBoxLayout()
        row.addWidget(self.open_report, 1)
        row.addWidget(self.delete)
        buttons = QWidget()
        buttons.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(card(label(t("ui.home.past"), "subheading"), self.table, buttons), 1, 0)

        self.worst = QListWidget()
        self.worst.setWordWrap(True)
        self.practise = QPushButton(t("ui.home.practise"))
        self.practise.setObjectName("primary")
        grid.addWidget(card(label(t("ui.home.worst"), "subheading"), self.worst, self.practise), 1, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(1, 1)
        lay.addLayout(grid, 1)

    def show_error(self, text: str) -> None:
        self.banner.show_message(text)
