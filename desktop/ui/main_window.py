"""The main window (layout only). Behaviour lives in the readiness controller and workers.

This first window shows which engines and models are ready, with a progress bar while the
start-up checks run in the background.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QMainWindow,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core import __version__
from core.config import Settings
from core.i18n import tr
from desktop.workers.jobs import run_job
from desktop.ui.theme import current_theme, palette


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.lang = settings.language
        self.job = None
        self.setWindowTitle(f"{tr('app.title', self.lang)} {__version__}")
        self.resize(820, 560)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        self.heading = QLabel(tr("app.readiness.heading", self.lang))
        self.heading.setObjectName("heading")
        self.status = QLabel(tr("app.readiness.checking", self.lang))
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([tr("app.col.part", self.lang), tr("app.col.state", self.lang),
                                              tr("app.col.detail", self.lang)])
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for w in (self.heading, self.status, self.progress, self.table):
            layout.addWidget(w)
        self.setCentralWidget(central)

    def start_checks(self, run_checks: Callable[..., Any]) -> None:
        """Run ``run_checks(settings, progress, cancel)`` (desktop.controllers.readiness) off the
        UI thread and show its rows; the controller is passed in (views import no controller)."""

        def connect(job) -> None:
            self.job = job
            job.progress.connect(self._on_progress)
            job.succeeded.connect(self.show_states)
            job.failed.connect(self._on_failed)

        run_job(lambda progress, cancel: run_checks(self.settings, progress, cancel), self, connect=connect)

    def _on_progress(self, done: float, total: float, message: str) -> None:
        if total:
            self.progress.setRange(0, int(total))
            self.progress.setValue(int(done))
        if message:
            self.status.setText(message)

    def _on_failed(self, exc: object) -> None:
        self.progress.hide()
        text = exc.localized(self.lang) if hasattr(exc, "localized") else str(exc)
        self.status.setText(tr("app.readiness.failed", self.lang, reason=text))

    def show_states(self, rows) -> None:
        self.progress.hide()
        ready = sum(r.ready for r in rows)
        self.status.setText(tr("app.readiness.summary", self.lang, ready=ready, total=len(rows)))
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            name = QTableWidgetItem(tr(f"app.capability.{r.key}", self.lang))
            state = QTableWidgetItem(tr("app.ready" if r.ready else "app.not_ready", self.lang))
            state.setForeground(QColor(palette(current_theme())["good" if r.ready else "bad"]))
            detail = QTableWidgetItem(r.detail + (f" — {r.hint}" if r.hint else ""))
            detail.setToolTip(r.hint or r.detail)
            for col, item in enumerate((name, state, detail)):
                self.table.setItem(i, col, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
