"""Home: loads the history on the database lane when shown and dirty (interviews_changed
marks it), fills the view, and starts "practise again" with the worst answers' questions.
On the first arrival per signed-in user it offers interrupted interviews for resume or
discard (desktop/services/recovery.py)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidgetItem, QMessageBox, QTableWidgetItem

from core.i18n import tr
from core.report.scores import criterion_name, score_text
from core.services.history import delete_interview, interview_history, weakest_areas, worst_answers
from desktop.controllers.base import ScreenController
from desktop.ui.home_view import HomeView
from desktop.workers.jobs import Op

if TYPE_CHECKING:
    from desktop.services.recovery import RecoveryController


STRONG_SCORE = 70.0  # an answer at or above this is not pre-ticked for "practise again"


def _date(value: date | None) -> str:
    return value.strftime("%Y-%m-%d") if value is not None else ""


class HomeController(ScreenController[HomeView]):
    name = "home"
    nav_key = "home"

    def __init__(self, view, ctx, nav) -> None:
        super().__init__(view, ctx, nav)
        self.history: list = []
        self.worst: list = []
        self.loading = False
        ctx.events.interviews_changed.connect(self.mark_dirty)
        view.new_button.clicked.connect(lambda: self.nav("new"))
        view.open_report.clicked.connect(self.open_selected)
        view.table.cellDoubleClicked.connect(lambda r, _c: self.open_row(r))
        view.practise.clicked.connect(self.practise_again)
        view.delete.clicked.connect(self.delete_selected)
        self.confirm_delete = self._confirm_delete  # tests replace the question box

        # an interview interrupted by a crash is offered for resume or discard on arrival here
        self.recovery: RecoveryController | None = None  # made at the first arrival (signed in)

    def _greet(self) -> None:
        user = self.ctx.user
        name = (user.full_name or user.username) if user else ""
        # "welcome back" only to someone who has been here before (a finished interview)
        key = "ui.home.greeting" if self.history else "ui.home.greeting_new"
        self.view.greeting.setText(tr(key, self.lang, name=name))

    def enter(self, **_kwargs: object) -> None:
        self._greet()
        if self.dirty:
            self.reload()
        if self.recovery is None:
            # lazy: the recovery service brings the interview flow and the engine assembly (~0.5 s
            # of start-up, measured), which signing in loads anyway; never before the window
            from desktop.services.recovery import RecoveryController

            self.recovery = RecoveryController(self.view, self.ctx, self.nav)
        self.recovery.check_once()

    def reload(self) -> None:
        uid = self.ctx.user.id if self.ctx.user else -1
        self._generation = getattr(self, "_generation", 0) + 1
        generation = self._generation
        self.dirty = False  # a change arriving while this loads marks it dirty again

        def work(progress, cancel):
            with self.ctx.sessions() as s:
                hist = interview_history(s, uid)
                return hist, weakest_areas(hist), worst_answers(s, uid)

        self.loading = True

        def show(result) -> None:
            if generation == self._generation:  # an older load must not overwrite a newer one
                self.loading = False
                self._show(result)

        self.track(Op(self.view, work, show).on_db_lane().run_in_background())

    def _show(self, result) -> None:
        self.history, weak, self.worst = result
        v, lang = self.view, self.lang
        self._greet()
        # progress: only interviews with at least one evaluated answer (an empty one is no point)
        scored = [h for h in self.history if h.evaluated > 0 and h.overall is not None]
        v.progress_chart.set_points([(f"#{i + 1} {_date(h.created_at)[5:]}", h.overall)
                                    for i, h in enumerate(scored)])
        v.weak_chart.set_bars([(criterion_name(c, lang), s) for c, s in weak])
        scored_n = len([h for h in self.history if any(v is not None for v in h.criteria.values())])
        v.weak_note.setText(tr("ui.home.weak_note", lang, n=min(5, scored_n)) if weak else "")
        v.table.setRowCount(len(self.history))
        for r, h in enumerate(reversed(self.history)):  # newest first
            score = score_text(h.overall, tr("ui.na", lang))
            cells = [_date(h.created_at), h.company or "—", h.position, score, f"{h.evaluated}/{h.total}"]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, h.id)
                v.table.setItem(r, c, item)
        v.table.resizeColumnsToContents()
        v.table.horizontalHeader().setStretchLastSection(True)
        v.worst.clear()
        for w in self.worst:
            item = QListWidgetItem(tr("ui.home.worst_item", lang, score=score_text(w.score), question=w.question))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            # a strong answer is shown for reference, not ticked for practice
            item.setCheckState(Qt.CheckState.Checked if w.score < STRONG_SCORE else Qt.CheckState.Unchecked)
            v.worst.addItem(item)
        v.practise.setEnabled(bool(self.worst))
        v.open_report.setEnabled(bool(self.history))
        v.delete.setEnabled(bool(self.history))

    def open_row(self, row: int) -> None:
        item = self.view.table.item(row, 0)
        if item is not None:
            self.nav("report", interview_id=int(item.data(Qt.ItemDataRole.UserRole)))

    def open_selected(self) -> None:
        rows = self.view.table.selectionModel().selectedRows()
        self.open_row(rows[0].row() if rows else 0)

    def chosen_worst(self) -> list:
        return [w for i, w in enumerate(self.worst)
                if self.view.worst.item(i).checkState() == Qt.CheckState.Checked]

    def practise_again(self) -> None:
        chosen = self.chosen_worst()
        if chosen:
            self.nav("new", practise=chosen)
        else:  # nothing ticked: say what to do rather than ignore the click
            self.view.banner.show_message(tr("ui.home.tick_first", self.lang))

    def _confirm_delete(self) -> bool:
        answer = QMessageBox.question(self.view, tr("ui.home.delete", self.lang), tr("ui.home.delete_confirm", self.lang))
        return answer == QMessageBox.StandardButton.Yes

    def delete_selected(self):
        """Delete the selected interview and everything of it (media files included)."""
        rows = self.view.table.selectionModel().selectedRows()
        item = self.view.table.item(rows[0].row() if rows else 0, 0)
        if item is None or not self.confirm_delete():
            return None
        iid = int(item.data(Qt.ItemDataRole.UserRole))

        def work(progress, cancel):
            with self.ctx.sessions() as s:
                n = delete_interview(s, iid)
                s.commit()
                return n

        def done(_n) -> None:
            self.ctx.events.interviews_changed.emit(iid)
            self.reload()

        return self.track(Op(self.view, work, done).on_db_lane().run_in_background())
