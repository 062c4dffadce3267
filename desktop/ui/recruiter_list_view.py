"""Recruiter: the interviews candidates shared with the company (layout only).

Filters (position, status, minimum score) and sorting above a table of shared interviews;
"open report" and "compare" for the selected rows; semantic search over the shared
candidates' answers and resumes beside it. Behaviour: desktop/controllers/recruiter_list.py.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.i18n import tr
from desktop.ui.widgets import Banner, card, label

COLUMNS = ("candidate", "position", "score", "status", "language", "shared")
STATUSES = ("", "completed", "live", "scheduled", "cancelled")
SORTS = ("created", "-created", "score", "-score")


SORT_KEY = Qt.ItemDataRole.UserRole + 1


class SortableItem(QTableWidgetItem):
    """A cell that sorts by its ``SORT_KEY`` data (a number) rather than its text."""

    def __lt__(self, other: QTableWidgetItem) -> bool:  # Qt's sort hook
        a, b = self.data(SORT_KEY), other.data(SORT_KEY)
        if a is None or b is None:  # (QTableWidgetItem.__lt__ would call back into this override)
            return self.text() < other.text()
        return a < b


class RecruiterListView(QWidget):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        t = lambda k, **kw: tr(k, lang, **kw)  # noqa: E731
        lay = QVBoxLayout(self)
        lay.setContentsMargins(22, 16, 22, 16)
        self.title = label(t("ui.recruiter.title"), "heading", wrap=False)
        self.meta = label("", "muted")
        lay.addWidget(self.title)
        lay.addWidget(self.meta)
        self.banner = Banner()
        lay.addWidget(self.banner)

        filters = QHBoxLayout()
        self.position = QLineEdit()
        self.position.setPlaceholderText(t("ui.recruiter.filter.position"))
        self.status = QComboBox()
        for s in STATUSES:
            self.status.addItem(t(f"ui.recruiter.status.{s or 'any'}"), s or None)
        self.min_score = QSpinBox()
        self.min_score.setRange(0, 100)
        self.min_score.setSpecialValueText(t("ui.recruiter.filter.any_score"))
        self.min_score.setPrefix(t("ui.recruiter.filter.min_score") + " ")
        self.sort = QComboBox()
        for key in SORTS:
            self.sort.addItem(t(f"ui.recruiter.sort.{key.replace('-', 'rev_')}"), key)
        self.refresh = QPushButton(t("ui.recruiter.refresh"))
        filters.addWidget(self.position, 2)
        filters.addWidget(self.status, 1)
        filters.addWidget(self.min_score, 1)
        filters.addWidget(self.sort, 1)
        filters.addWidget(self.refresh)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([t(f"ui.recruiter.col.{c}") for c in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.empty = label("", "muted")
        actions = QHBoxLayout()
        self.open = QPushButton(t("ui.recruiter.open"))
        self.open.setObjectName("primary")
        self.compare = QPushButton(t("ui.recruiter.compare"))
        self.watch_live = QPushButton(t("ui.recruiter.watch_live"))
        actions.addWidget(label(t("ui.recruiter.select_hint"), "muted"), 1)
        actions.addWidget(self.watch_live)
        actions.addWidget(self.compare)
        actions.addWidget(self.open)
        actions_box = QWidget()
        actions_box.setLayout(actions)
        filters_box = QWidget()
        filters_box.setLayout(filters)
        left = card(label(t("ui.recruiter.shared"), "subheading"), filters_box, self.table, self.empty, actions_box)

        search_row = QHBoxLayout()
        self.query = QLineEdit()
        self.query.setPlaceholderText(t("ui.recruiter.search_hint"))
        self.search = QPushButton(t("ui.recruiter.search"))
        search_row.addWidget(self.query, 1)
        search_row.addWidget(self.search)
        search_box = QWidget()
        search_box.setLayout(search_row)
        self.hits = QListWidget()
        self.hits.setWordWrap(True)
        self.hits_note = label(t("ui.recruiter.search_note"), "muted")
        right = card(label(t("ui.recruiter.search_title"), "subheading"), search_box, self.hits, self.hits_note)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([700, 480])
        lay.addWidget(split, 1)

    def show_error(self, text: str) -> None:
        self.banner.show_message(text)

    def set_busy(self, busy: bool) -> None:
        for w in (self.refresh, self.search, self.open, self.compare, self.watch_live):
            w.setEnabled(not busy)
