"""The recruiter's comparison: two to four shared interviews side by side (overall score, the
company's override, areas, each answer's score). UI thread; the reports load on the job pool."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QListWidgetItem

from core.i18n import tr
from core.report.export import num
from core.report.scores import criterion_rows
from desktop.controllers.recruiter_common import RecruiterScreen, latest_overrides, score_label, when
from desktop.ui.recruiter_compare_view import RecruiterCompareView
from desktop.workers.jobs import Op


class RecruiterCompareController(RecruiterScreen[RecruiterCompareView]):
    """Two to four shared interviews side by side."""

    name = "recruiter_compare"

    def __init__(self, view, ctx, nav) -> None:
        super().__init__(view, ctx, nav)
        view.back.clicked.connect(lambda: self.nav("recruiter"))
        self.reports: list[dict[str, Any]] = []

    def enter(self, **kwargs: Any) -> None:
        self.view.banner.clear_message()
        rows = kwargs.get("interviews") or []
        if not rows:
            return
        client = self._client()
        if client is None:
            return
        ids = [str(r["id"]) for r in rows]

        def work(progress, cancel):
            out = []
            for i, iid in enumerate(ids):
                cancel.raise_if_cancelled()
                progress(i, len(ids))
                out.append(client.report(iid))
            return out

        self.track(Op(self.view, work, lambda reps: self.show(rows, reps))
                   .with_progress(tr("ui.recruiter.loading", self.lang))
                   .failure(self._failed).run_in_background())

    def show(self, rows: list[dict[str, Any]], reports: list[dict[str, Any]]) -> None:
        lang = self.lang
        self.reports = reports
        cols = self.view.set_columns(len(reports))
        for col, row, rep in zip(cols, rows, reports):
            s, meta = rep.get("summary") or {}, rep.get("meta") or {}
            col.name.setText(row.get("candidate_name") or f"#{row.get('candidate_id')}")
            col.meta.setText(tr("ui.recruiter.compare_meta", lang, position=row.get("position") or meta.get("position") or "",
                                date=when(meta.get("generated_at") or row.get("created_at")),
                                n=s.get("evaluated_answers", 0), total=s.get("total_answers", 0)))
            col.overall.setText(score_label(s.get("overall"), lang))
            overrides = latest_overrides(rep.get("recruiter_notes") or [])
            whole = overrides.get(None)
            col.override.setText(tr("ui.recruiter.override_is", lang, v=num(float(whole["score_override"]), 0))
                                 if whole else tr("ui.recruiter.no_override", lang))
            col.areas.set_bars(criterion_rows(s, lang))
            col.answers.clear()
            for d in rep.get("details") or []:
                o = overrides.get(d["index"])
                extra = "" if o is None else " → " + num(float(o["score_override"]), 0)
                col.answers.addItem(QListWidgetItem(f"{d['index'] + 1}. [{score_label(d.get('score'), lang)}{extra}] "
                                                    f"{d.get('question', '')}"))
            col.open.clicked.connect(lambda _=False, r=row: self.nav("recruiter_report", interview=r))
