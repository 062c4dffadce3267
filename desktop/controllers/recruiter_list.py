"""The recruiter's list of shared interviews: filters, sorting, semantic search over answers;
open one, compare two to four, or watch a live one (desktop/controllers/recruiter_common.py for
what the recruiter may see). UI thread; requests on the job pool."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidgetItem

from core.bank import company_name
from core.i18n import tr
from core.report.export import num
from desktop.controllers.recruiter_common import RecruiterScreen, score_label, when
from desktop.ui.recruiter_list_view import SORT_KEY, RecruiterListView, SortableItem
from desktop.workers.jobs import Op


class RecruiterListController(RecruiterScreen[RecruiterListView]):
    name = "recruiter"

    def __init__(self, view, ctx, nav) -> None:
        super().__init__(view, ctx, nav)
        self.rows: list[dict[str, Any]] = []
        self.hits: list[dict[str, Any]] = []
        v = view
        v.refresh.clicked.connect(self.load)
        v.position.returnPressed.connect(self.load)
        v.status.currentIndexChanged.connect(lambda _i: self.load())
        v.sort.currentIndexChanged.connect(lambda _i: self.load())
        v.min_score.editingFinished.connect(self.load)
        v.table.cellDoubleClicked.connect(lambda row, _col: self.open_row(row))
        v.open.clicked.connect(self.open_selected)
        v.compare.clicked.connect(self.compare_selected)
        v.watch_live.clicked.connect(self.watch_selected)
        v.search.clicked.connect(self.search)
        v.query.returnPressed.connect(self.search)
        v.hits.itemDoubleClicked.connect(self.open_hit)
        ctx.events.interviews_changed.connect(self.mark_dirty)

    def enter(self, **kwargs: Any) -> None:
        self.view.banner.clear_message()
        user = self.ctx.user
        if user is not None:
            self.view.title.setText(tr("ui.recruiter.title_for", self.lang, company=company_name(user.company_id, self.lang)))
            self.view.meta.setText(tr("ui.recruiter.meta", self.lang, name=user.full_name or user.username,
                                      url=user.server_url or ""))
        if self.dirty or kwargs.get("refresh"):
            self.load()

    # ------------------------------------------------------------------ list
    def filters(self) -> dict[str, Any]:
        v = self.view
        return {"position": v.position.text().strip() or None, "status": v.status.currentData(),
                "min_score": float(v.min_score.value()) if v.min_score.value() > 0 else None,
                "sort": v.sort.currentData() or "created"}

    def load(self) -> Op | None:
        client = self._client()
        if client is None:
            return None
        params = self.filters()
        self.view.set_busy(True)
        return self.track(Op(self.view, lambda p, c: client.shared_interviews(**params), self.show_rows)
                          .failure(self._failed).run_in_background())

    def show_rows(self, rows: list[dict[str, Any]]) -> None:
        v, lang = self.view, self.lang
        self.dirty = False
        self.rows = rows
        v.set_busy(False)
        v.banner.clear_message()
        v.table.setSortingEnabled(False)  # fill first: sorting while inserting scrambles rows
        v.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            cells = [r.get("candidate_name") or "", r.get("position") or "", None,
                     tr(f"ui.recruiter.status.{r.get('status')}", lang), r.get("language") or "",
                     when(r.get("shared_at"))]
            for col, text in enumerate(cells):
                item = SortableItem()
                if col == 2:  # scores sort as numbers; not evaluated sorts below every score
                    score = r.get("overall_score")
                    item.setText(score_label(score, lang))
                    item.setData(SORT_KEY, float(score) if score is not None else -1.0)
                else:
                    item.setText(str(text))
                item.setData(Qt.ItemDataRole.UserRole, i)
                v.table.setItem(i, col, item)
        # keep the server's order (the sort chosen above) until the user clicks a column header
        v.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        v.table.setSortingEnabled(True)
        v.empty.setText("" if rows else tr("ui.recruiter.empty", lang))
        v.empty.setVisible(not rows)

    def _row_at(self, table_row: int) -> dict[str, Any] | None:
        item = self.view.table.item(table_row, 0)
        if item is None:
            return None
        i = item.data(Qt.ItemDataRole.UserRole)
        return self.rows[i] if isinstance(i, int) and 0 <= i < len(self.rows) else None

    def selected(self) -> list[dict[str, Any]]:
        rows = sorted({ix.row() for ix in self.view.table.selectionModel().selectedRows()})
        return [r for r in (self._row_at(i) for i in rows) if r is not None]

    def open_row(self, table_row: int) -> None:
        row = self._row_at(table_row)
        if row is not None:
            self.nav("recruiter_report", interview=row)

    def open_selected(self) -> None:
        rows = self.selected()
        if not rows:
            self.view.show_error(tr("ui.recruiter.pick_one", self.lang))
            return
        self.nav("recruiter_report", interview=rows[0])

    def watch_selected(self) -> None:
        rows = self.selected()
        if not rows:
            self.view.show_error(tr("ui.recruiter.pick_one", self.lang))
            return
        if rows[0].get("status") != "live":
            self.view.show_error(tr("ui.recruiter.live.not_live", self.lang))
            return
        self.nav("recruiter_live", interview=rows[0])

    def compare_selected(self) -> None:
        rows = self.selected()
        if len(rows) < 2:
            self.view.show_error(tr("ui.recruiter.pick_two", self.lang))
            return
        self.nav("recruiter_compare", interviews=rows[:4])

    # ------------------------------------------------------------------ search
    def search(self) -> Op | None:
        client, q = self._client(), self.view.query.text().strip()
        if client is None or not q:
            return None
        self.view.set_busy(True)
        return self.track(Op(self.view, lambda p, c: client.search(q, limit=10), self.show_hits)
                          .failure(self._failed).run_in_background())

    def show_hits(self, hits: list[dict[str, Any]]) -> None:
        v, lang = self.view, self.lang
        v.set_busy(False)
        self.hits = hits
        names = {r["id"]: r.get("candidate_name") or "" for r in self.rows}
        v.hits.clear()
        for h in hits:
            text = " ".join((h.get("text") or "").split())
            item = QListWidgetItem(tr("ui.recruiter.hit", lang, sim=num(100 * float(h["similarity"]), 0),
                                      name=names.get(h["interview_id"]) or f"#{h['candidate_id']}",
                                      position=h.get("position") or "",
                                      kind=tr(f"ui.recruiter.hit_kind.{h['kind']}", lang),
                                      text=text[:110] + ("…" if len(text) > 110 else "")))
            item.setData(Qt.ItemDataRole.UserRole, h["interview_id"])
            v.hits.addItem(item)
        if not hits:
            v.hits.addItem(QListWidgetItem(tr("ui.recruiter.no_hits", lang)))

    def open_hit(self, item: QListWidgetItem) -> None:
        iid = item.data(Qt.ItemDataRole.UserRole)
        if iid is None:
            return
        row = next((r for r in self.rows if r["id"] == iid), None)
        self.nav("recruiter_report", interview=row or {"id": iid})
