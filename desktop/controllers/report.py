"""Report screen: loads an interview's stored report on the database lane, renders the
selected answer, and exports HTML/PDF in the background (core.report.export).

Evidence highlighting marks each evidence quote where it occurs in the answer text (the
evaluator verified the quotes against the transcript; a quote not found is listed, not
highlighted). Timelines come from the answer's ``gaze.timeline`` / ``emotion.timeline``
when the live session stored them, else from its look-away events.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QListWidgetItem

from core.i18n import tr
from core.report.export import grouped_evidence, num, write_html, write_pdf
from core.report.scores import criterion_name, criterion_rows, question_number, score_text
from core.services.history import latest_report
from desktop.controllers.base import ScreenController
from desktop.ui.report_view import ReportView
from desktop.ui.theme import current_theme, palette
from desktop.workers.jobs import Op


def highlight(answer: str, quotes: list[str]) -> str:
    """``answer`` as HTML with every occurrence of each quote wrapped in <mark>. Pure."""
    spans: list[tuple[int, int]] = []
    low = answer.lower()
    for q in quotes:
        q = (q or "").strip()
        if not q:
            continue
        start = low.find(q.lower())
        while start >= 0:
            spans.append((start, start + len(q)))
            start = low.find(q.lower(), start + len(q))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    out, pos = [], 0
    for s, e in merged:
        out.append(html.escape(answer[pos:s]))
        out.append(f'<span style="background:#ffe58a;color:#222">{html.escape(answer[s:e])}</span>')
        pos = e
    out.append(html.escape(answer[pos:]))
    return "".join(out)


def quality_warnings(d: dict[str, Any], lang: str) -> list[str]:
    out = []
    if not d.get("evaluated"):
        out.append(tr("ui.report.warn.not_evaluated", lang, reason=d.get("not_evaluated_reason") or ""))
    stt = d.get("stt") or {}
    if stt.get("confidence") is not None and stt["confidence"] < 0.6:
        out.append(tr("ui.report.warn.stt", lang, conf=num(100 * stt["confidence"], 0)))
    gaze = d.get("gaze")
    if gaze is not None and not gaze.get("reliable", True):
        out.append(tr("ui.report.warn.face", lang, pct=num(gaze.get("face_visible_pct") or 0, 0)))
    if d.get("answer_mode") == "typed":
        out.append(tr("ui.report.warn.typed", lang))
    return out


def timeline_data(d: dict[str, Any]) -> tuple[float, list, list]:
    gaze = d.get("gaze") or {}
    emotion = d.get("emotion") or {}
    start, end = gaze.get("start"), gaze.get("end")
    duration = (end - start) if start is not None and end is not None else float(
        (d.get("delivery") or {}).get("duration_s") or 0.0)
    g = [(float(t), on) for t, on in gaze.get("timeline") or []]
    if not g and gaze.get("frames") and start is not None:
        # per-sample data absent: on target except during the recorded look-away events
        steps = 60
        events = [((e["start"] - start), (e["end"] - start)) for e in gaze.get("look_away_events") or []]
        g = [(duration * i / steps, not any(a <= duration * i / steps < b for a, b in events)) for i in range(steps)]
    e = [(float(t), str(emo)) for t, emo in emotion.get("timeline") or []]
    if not e and emotion.get("dominant"):
        e = [(0.0, emotion["dominant"])]
    return max(duration, 0.0), g, e


def export_name(report: dict[str, Any], suffix: str) -> str:
    """A default file name that says what the report is: date, company, position. Pure."""
    meta = report.get("meta") or {}
    parts = [(meta.get("generated_at") or "")[:10], (meta.get("company") or {}).get("name") or "",
             meta.get("position") or ""]
    words = [re.sub(r"[^\w.-]+", "-", p, flags=re.UNICODE).strip("-") for p in parts if p]
    return "-".join(["big20-report", *[w for w in words if w]]) + suffix


class ReportController(ScreenController[ReportView]):
    name = "report"
    nav_key = "home"
    shown = Signal(object)  # the interview id (or None) whose report is now on screen

    def __init__(self, view, ctx, nav) -> None:
        super().__init__(view, ctx, nav)
        self.report: dict[str, Any] | None = None
        self.interview_id: int | None = None
        self.exported: dict[str, Path] = {}
        view.answers.currentRowChanged.connect(self.show_answer)
        view.back.clicked.connect(lambda: self.nav("home"))
        view.export_html.clicked.connect(lambda: self.ask_export("html"))
        view.export_pdf.clicked.connect(lambda: self.ask_export("pdf"))

    def enter(self, **kwargs: Any) -> None:
        self.view.banner.clear_message()
        self.view.saved.hide()
        if kwargs.get("report") is not None:
            self.show_report(kwargs["report"], kwargs.get("interview_id"))
            return
        iid = kwargs.get("interview_id")
        if iid is None:
            return
        self.interview_id = iid

        def work(progress, cancel):
            with self.ctx.sessions() as s:
                return latest_report(s, iid)

        self.track(Op(self.view, work, lambda r: self.show_report(r, iid)).on_db_lane().run_in_background())

    def show_report(self, report: dict[str, Any] | None, interview_id: int | None) -> None:
        v, lang = self.view, self.lang
        self.interview_id = interview_id
        if report is None:
            v.show_error(tr("ui.report.missing", lang))
            return
        self.report = report
        s, meta = report.get("summary") or {}, report.get("meta") or {}
        company = (meta.get("company") or {}).get("name") or "—"
        v.title.setText(tr("ui.report.title_for", lang, company=company, position=meta.get("position") or ""))
        v.meta.setText(tr("ui.report.meta", lang, date=(meta.get("generated_at") or "")[:16].replace("T", " "),
                          n=s.get("evaluated_answers", 0), total=s.get("total_answers", 0),
                          models=", ".join(meta.get("evaluator_models") or []) or "—"))
        v.overall.setText(score_text(s.get("overall"), tr("ui.na", lang)))
        v.summary.setText(s.get("text") or "")
        # every criterion under its one name, with the number home, the charts and exports show
        v.areas.set_bars(criterion_rows(s, lang))
        spoken = any((d.get("delivery") or {}).get("applicable", True) for d in report.get("details") or [])
        v.emotions.setText(self._emotions_text(report.get("emotions") or {}, s.get("delivery") or {}, spoken))
        v.answers.clear()
        for i, d in enumerate(report.get("details") or []):
            score = score_text(d.get("score"), tr("ui.na", lang))
            prefix = "↳ " if d.get("is_follow_up") else ""
            v.answers.addItem(QListWidgetItem(f"{prefix}{question_number(i)}. [{score}] {d.get('question', '')}"))
        if v.answers.count():
            v.answers.setCurrentRow(0)
        self.shown.emit(interview_id)

    def _emotions_text(self, emo: dict[str, Any], delivery: dict[str, Any], spoken: bool = True) -> str:
        lang = self.lang
        lines = []
        if emo.get("confidence") is None:
            lines.append(tr("ui.report.emotions_unreliable", lang, reason=emo.get("reason") or ""))
        else:
            lines.append(tr("ui.report.confidence", lang, v=num(emo["confidence"], 0)))
            lines.append(tr("ui.report.nervousness", lang, v=num(emo.get("nervousness") or 0, 0)))
        if emo.get("eye_contact_pct") is not None:
            lines.append(tr("ui.report.eye_contact_pct", lang, v=num(emo["eye_contact_pct"], 0)))
        if not spoken:  # typed answers: rate, fillers and pauses were not measured (not "0")
            lines.append(tr("report.label.delivery_typed_all", lang))
            return "\n".join(lines)
        if delivery.get("rate_mean") is not None:
            lines.append(tr("ui.report.rate", lang, v=num(delivery["rate_mean"], 0), unit=tr(f"delivery.unit.{delivery.get('rate_unit')}", lang)))
        if delivery.get("fillers_total") is not None:
            lines.append(tr("ui.report.fillers", lang, n=delivery["fillers_total"]))
        return "\n".join(lines)

    def show_answer(self, row: int) -> None:
        if self.report is None or row < 0:
            return
        details = self.report.get("details") or []
        if row >= len(details):
            return
        d = details[row]
        lang = self.lang
        quotes = [e.get("quote", "") for e in d.get("evidence") or []]
        parts = [f"<h3>{html.escape(d.get('question', ''))}</h3>"]
        prev = (self.report.get("meta") or {}).get("previous_answers", {}).get(str(d.get("index")))
        parts.append(f"<p><b>{tr('ui.report.transcript', lang)}</b></p>")
        parts.append(f"<p style='line-height:150%'>{highlight(d.get('answer') or '', quotes) or '—'}</p>")
        if prev:
            parts.append(f"<p><b>{tr('ui.report.earlier', lang, score=num(prev.get('score') or 0, 0))}</b></p>"
                         f"<p style='color:#777'>{html.escape(prev.get('answer') or '')}</p>")
        if d.get("evaluated"):
            parts.append(f"<p><b>{tr('ui.report.feedback', lang)}</b> {html.escape(d.get('feedback') or '')}</p>")
            rows = "".join(f"<tr><td>{html.escape(criterion_name(k, lang))}</td>"
                           f"<td>{score_text(c.get('score'))}</td>"
                           f"<td>{html.escape(c.get('reason') or '')}</td></tr>" for k, c in (d.get("scores") or {}).items())
            parts.append(f"<table cellpadding='3'>{rows}</table>")
            for label_key, items in (("ui.report.strengths", d.get("strengths")), ("ui.report.improve", d.get("improvements"))):
                if items:
                    parts.append(f"<p><b>{tr(label_key, lang)}</b></p><ul>"
                                 + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
            if quotes:  # each quoted sentence once, with the criteria that cite it
                parts.append(f"<p><b>{tr('ui.report.evidence', lang)}</b></p><ul>" + "".join(
                    f"<li>“{html.escape(e.get('quote', ''))}” — {html.escape(e.get('rubric_point') or '')}"
                    f"{' (' + html.escape(', '.join(criterion_name(c, lang) for c in crits)) + ')' if crits else ''}</li>"
                    for e, crits in grouped_evidence(d.get("evidence") or [])) + "</ul>")
        dl = d.get("delivery") or {}
        if d.get("answer_mode") == "typed" or dl.get("applicable") is False:
            parts.append(f"<p><b>{tr('ui.report.delivery', lang)}</b> {tr('ui.report.delivery_na', lang)}</p>")
        elif dl:
            rate = (dl.get("rate") or {}).get("value")
            parts.append(f"<p><b>{tr('ui.report.delivery', lang)}</b> " + tr(
                "ui.report.delivery_line", lang, rate="—" if rate is None else num(rate, 0),
                unit=tr(f"delivery.unit.{(dl.get('rate') or {}).get('unit')}", lang), fillers=(dl.get("fillers") or {}).get("count", 0),
                pauses=(dl.get("pauses") or {}).get("count", 0)) + "</p>")
        warnings = quality_warnings(d, lang)
        if warnings:
            colour = palette(current_theme())["warnText"]  # readable on the light and the dark theme
            parts.append(f"<p style='color:{colour}'>" + "<br>".join(f"⚠ {html.escape(w)}" for w in warnings) + "</p>")
        self.view.detail.setHtml("".join(parts))
        self.view.timeline.set_data(*timeline_data(d))

    # ------------------------------------------------------------------ export
    def ask_export(self, kind: str) -> None:
        if self.report is None:
            return
        suffix = ".html" if kind == "html" else ".pdf"
        path, _ = QFileDialog.getSaveFileName(self.view, tr("ui.report.export_to", self.lang),
                                              str(Path.home() / export_name(self.report, suffix)), f"*{suffix}")
        if path:
            self.export(kind, Path(path))

    def export(self, kind: str, path: Path) -> Op:
        report, lang = self.report, self.lang
        writer = write_html if kind == "html" else write_pdf

        def work(progress, cancel):
            progress(0, 0, tr("ui.report.exporting", lang))
            return writer(report, path, lang=lang)

        def done(p: Path) -> None:
            self.exported[kind] = Path(p)
            # beside the header, not in place of it (the date and evaluator stay readable)
            self.view.saved.setText(tr("ui.report.exported", lang, path=str(p)))
            self.view.saved.show()

        return self.track(Op(self.view, work, done).with_progress(tr("ui.report.exporting", lang))
                          .run_in_background())
