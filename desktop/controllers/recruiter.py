"""The recruiter's screens: shared interviews (filters, sorting, semantic search), one
interview's report with its transcript, notes and score overrides, and candidates side by side.

Everything comes from the central server through the signed-in account's client
(``ctx.server``, :class:`sync.client.api.ServerClient`): the server decides what this
recruiter may see (only interviews their candidates share with the recruiter's company,
until revoked) and records every read in the candidate's access log. Nothing is cached on
disk: a revoked interview is gone at the next request (list refresh, or a 404 answered as
"no longer shared").

Notes and overrides are the company's own and sit beside the AI's score: the report's
scores are never changed; the panel shows "AI 72 · override 80" for each.

Recordings (the report screen): listed and downloaded on the job pool into a private
temporary folder that lives as long as the screen shows the interview (leaving deletes it:
nothing outlives the view, so a revocation still takes effect at the next request), then
played by :class:`~desktop.ui.recording_player.RecordingPlayer`. Its playhead (session
seconds) drives the transcript highlight, the answer shown (evidence) and the cursor on the
eye-contact / emotion timeline; a click on a transcript line seeks there.

Threading: every request runs on the job pool (``Op``), results are applied on the UI
thread; leaving a screen cancels its jobs (base class). UI thread only otherwise.
"""

from __future__ import annotations

import html
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QListWidgetItem

from core.bank import company_name
from core.i18n import tr
from core.report.export import num
from core.report.scores import criterion_rows, score_text
from desktop.controllers.base import V, ScreenController
from desktop.controllers.report import ReportController
from desktop.ui.recording_player import Segment
from desktop.ui.recruiter_compare_view import RecruiterCompareView
from desktop.ui.recruiter_list_view import SORT_KEY, RecruiterListView, SortableItem
from desktop.ui.recruiter_report_view import RecruiterReportView
from desktop.workers.jobs import Op, error_text
from sync.client.api import LoginRequired, ServerRefused

log = logging.getLogger(__name__)


def _score(v: Any, lang: str) -> str:
    return score_text(None if v is None else float(v), tr("ui.na", lang))


def _when(iso: str | None) -> str:
    return (iso or "")[:16].replace("T", " ")


def latest_overrides(notes: list[dict[str, Any]]) -> dict[int | None, dict[str, Any]]:
    """The latest note carrying a score override per target (None: the whole interview). Pure."""
    out: dict[int | None, dict[str, Any]] = {}
    for n in sorted(notes, key=lambda n: (n.get("created_at") or "", n.get("id") or 0)):
        if n.get("score_override") is not None:
            out[n.get("detail_index")] = n
    return out


class _RecruiterScreen(ScreenController[V]):
    nav_key = "home"

    def _client(self):
        return self.ctx.server

    def _failed(self, exc: BaseException) -> None:
        """Plain messages: a revoked or unknown interview, an expired session, the rest."""
        lang = self.lang
        if isinstance(exc, ServerRefused) and exc.status == 404:
            text = tr("ui.recruiter.gone", lang)
        elif isinstance(exc, LoginRequired):
            text = tr("ui.login.server.expired", lang)
        else:
            text = error_text(exc, lang)
        self.view.show_error(text)
        if hasattr(self.view, "set_busy"):
            self.view.set_busy(False)


class RecruiterListController(_RecruiterScreen[RecruiterListView]):
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
                     _when(r.get("shared_at"))]
            for col, text in enumerate(cells):
                item = SortableItem()
                if col == 2:  # scores sort as numbers; not evaluated sorts below every score
                    score = r.get("overall_score")
                    item.setText(_score(score, lang))
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


class RecruiterReportController(_RecruiterScreen[RecruiterReportView]):
    """One shared interview: the candidate's report view, transcript, notes and overrides."""

    name = "recruiter_report"

    def __init__(self, view, ctx, nav) -> None:
        super().__init__(view, ctx, nav)
        # the candidate's report screen, reused as is: same rendering, same export
        self.report_screen = ReportController(view.report, ctx, nav)
        view.report.back.clicked.disconnect()
        view.report.back.clicked.connect(lambda: self.nav("recruiter"))
        view.report.answers.currentRowChanged.connect(self._answer_changed)
        view.override_on.toggled.connect(view.override.setEnabled)
        view.add_note.clicked.connect(self.add_note)
        view.watch_live.clicked.connect(lambda: self.interview and self.nav("recruiter_live", interview=self.interview))
        view.player.playhead.connect(self.follow_playhead)
        view.transcript.anchorClicked.connect(self._transcript_clicked)
        self.interview: dict[str, Any] | None = None
        self.report: dict[str, Any] | None = None
        self.notes: list[dict[str, Any]] = []
        self.server_evals: list[dict[str, Any]] = []
        self.transcripts: list[dict[str, Any]] = []
        self.recordings: list[dict[str, Any]] = []
        self.highlighted: int | None = None  # the transcript row at the playhead
        self._media_dir: Path | None = None

    def enter(self, **kwargs: Any) -> None:
        self.view.report.banner.clear_message()
        self.view.notes_banner.clear_message()
        row = kwargs.get("interview")
        if row is None:
            return
        self.interview = row
        self.report = None
        self.view.watch_live.setVisible(row.get("status") == "live")
        self._clear_recordings()
        self.load(int(row["id"]))

    def leave(self) -> None:
        super().leave()
        self.report_screen.leave()
        self._clear_recordings()

    # ------------------------------------------------------------------ recordings
    def _clear_recordings(self) -> None:
        v = self.view
        v.player.pause()
        v.player.player.setSource(QUrl())  # release the file before its folder goes
        v.player.set_segments([])
        v.player.hide()  # shown with something to play; "no recording" is said on one line instead
        v.recording_state.setText("")
        v.recording_state.show()
        self.recordings, self.highlighted = [], None
        if self._media_dir is not None:
            shutil.rmtree(self._media_dir, ignore_errors=True)
            self._media_dir = None

    def load_recordings(self, interview_id: int) -> Op | None:
        """List the interview's recordings and download each (job pool, with progress)."""
        client = self._client()
        if client is None:
            return None
        folder = Path(tempfile.mkdtemp(prefix="big20-recording-"))  # 0700: this user only
        self._media_dir = folder
        lang = self.lang
        self.view.recording_state.setText(tr("ui.recruiter.recording.loading", lang))

        def work(progress, cancel):
            rows = [r for r in client.recordings(interview_id) if r.get("status") in ("complete", "interrupted")]
            out = []
            for i, r in enumerate(rows):
                cancel.raise_if_cancelled()
                progress(i, len(rows), tr("ui.recruiter.recording.loading", lang))
                ext = ".mp4" if (r.get("mime") or "").endswith("mp4") else ".webm"
                path = client.download_recording(interview_id, int(r["id"]), folder / f"{int(r['id'])}{ext}",
                                                 sha256=r.get("sha256"), cancel=cancel)
                out.append((r, path))
            return out

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ServerRefused) and exc.status == 404:  # no video consent: nothing to play
                self.show_recordings(interview_id, [])
                return
            self.view.player.set_segments([])
            self.view.player.hide()
            self.view.recording_state.setText(error_text(exc, lang))

        return self.track(Op(self.view, work, lambda got: self.show_recordings(interview_id, got))
                          .failure(failed).run_in_background())

    def show_recordings(self, interview_id: int, got: list[tuple[dict[str, Any], Path]]) -> None:
        if self.interview is None or int(self.interview["id"]) != interview_id:
            return  # another interview is on screen now
        self.recordings = [r for r, _ in got]
        self.view.player.set_segments([Segment(path, float(r.get("offset_s") or 0.0), r.get("source") or "live")
                                       for r, path in got])
        self.view.player.setVisible(bool(got))
        self.view.recording_state.setVisible(not got)
        self.view.recording_state.setText("" if got else tr("ui.player.none", self.lang))

    def utterance_at(self, t: float) -> int | None:
        """The transcript row being spoken at session time ``t``: the last one started by then. Pure."""
        best = None
        for i, row in enumerate(self.transcripts):
            start = row.get("start_s")
            if start is not None and float(start) <= t + 1e-6:
                if best is None or float(start) >= float(self.transcripts[best]["start_s"]):
                    best = i
        return best

    def question_of(self, i: int) -> int | None:
        """The question (its 0-based position) transcript row ``i`` belongs to: its
        ``question_position`` when given, else the order in which its question first appears
        (the server answers with ``interview_question_id``), else the AI turns before it. Pure."""
        row = self.transcripts[i]
        if row.get("question_position") is not None:
            return int(row["question_position"])
        qid = row.get("interview_question_id")
        if qid is not None:
            order: list[Any] = []
            for r in self.transcripts:
                if r.get("interview_question_id") is not None and r["interview_question_id"] not in order:
                    order.append(r["interview_question_id"])
            return order.index(qid)
        asked = sum(1 for r in self.transcripts[: i + 1] if r.get("speaker") == "AI")
        return asked - 1 if asked else None

    def follow_playhead(self, t: float) -> None:
        """The player's playhead moved to session time ``t`` (UI thread, many times a second):
        highlight the utterance, show its answer, move the timeline's cursor."""
        i = self.utterance_at(t)
        if i != self.highlighted:
            self.highlighted = i
            tv = self.view.transcript
            bar = tv.verticalScrollBar().value()
            tv.setHtml(self._transcript_html(self.transcripts))
            tv.verticalScrollBar().setValue(bar)
            if i is not None:
                tv.scrollToAnchor(f"u{i}")
                q = self.question_of(i)
                answers = self.view.report.answers
                details = (self.report or {}).get("details") or []
                row = next((k for k, d in enumerate(details) if d.get("index") == q), None)
                if row is not None and answers.currentRow() != row:
                    answers.setCurrentRow(row)
        self._timeline_cursor(t)

    def _timeline_cursor(self, t: float) -> None:
        row = self.view.report.answers.currentRow()
        details = (self.report or {}).get("details") or []
        start = None
        if 0 <= row < len(details):
            start = (details[row].get("gaze") or {}).get("start")
            if start is None:  # the answer's first utterance on the session clock
                starts = [float(r["start_s"]) for k, r in enumerate(self.transcripts) if r.get("speaker") == "User"
                          and self.question_of(k) == details[row].get("index") and r.get("start_s") is not None]
                start = min(starts) if starts else None
        self.view.report.timeline.set_cursor(None if start is None else t - float(start))

    def _transcript_clicked(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("t:"):
            try:
                t = float(text[2:])
            except ValueError:
                return
            self.view.player.seek_session(t)

    def load(self, interview_id: int) -> Op | None:
        client = self._client()
        if client is None:
            return None

        def work(progress, cancel):
            report = client.report(interview_id)
            cancel.raise_if_cancelled()
            return report, client.transcripts(interview_id)

        def shown(r) -> None:
            self.show(interview_id, *r)
            self.load_recordings(interview_id)

        return self.track(Op(self.view, work, shown).failure(self._failed).run_in_background())

    def show(self, interview_id: int, report: dict[str, Any], transcripts: list[dict[str, Any]]) -> None:
        lang = self.lang
        self.report = report
        self.notes = list(report.get("recruiter_notes") or [])
        self.server_evals = list(report.get("server_evaluations") or [])
        name = (self.interview or {}).get("candidate_name")
        self.report_screen.show_report(report, interview_id)
        if name:  # the recruiter's own company goes without saying: who, for which position
            position = (report.get("meta") or {}).get("position") or (self.interview or {}).get("position") or ""
            self.view.report.title.setText(f"{name} · {position}" if position else name)
        v = self.view
        v.target.clear()
        v.target.addItem(tr("ui.recruiter.target.whole", lang), None)
        for d in report.get("details") or []:
            v.target.addItem(tr("ui.recruiter.target.answer", lang, n=d["index"] + 1, q=(d.get("question") or "")[:40]),
                             int(d["index"]))
        self.transcripts = list(transcripts)
        self.highlighted = None
        v.transcript.setHtml(self._transcript_html(transcripts))
        self._refresh_notes()

    def _transcript_html(self, rows: list[dict[str, Any]]) -> str:
        lang = self.lang
        parts = []
        for i, t in enumerate(rows):
            start = t.get("start_s")
            stamp = "" if start is None else f"{int(start) // 60:02d}:{int(start) % 60:02d} "
            who = tr("ui.recruiter.speaker.ai" if t.get("speaker") == "AI" else "ui.recruiter.speaker.candidate", lang)
            colour = "#6b7a90" if t.get("speaker") == "AI" else "inherit"
            back = ""
            if i == self.highlighted:  # dark text on the marker in either theme
                colour, back = "#1f2937", " background-color:#fff3bf;"
            head = f"<b>{html.escape(stamp + who)}</b>"
            if start is not None:  # a click on the line's time seeks the recording there
                head = f"<a href='t:{float(start):.3f}' style='text-decoration:none'>{head}</a>"
            parts.append(f"<p style='color:{colour};{back}'><a name='u{i}'></a>{head} "
                         f"{html.escape(t.get('text') or '')}</p>")
        return "".join(parts) or f"<p>{html.escape(tr('ui.recruiter.no_transcript', lang))}</p>"

    def _detail(self, index: int | None) -> dict[str, Any] | None:
        for d in (self.report or {}).get("details") or []:
            if d.get("index") == index:
                return d
        return None

    def _refresh_notes(self) -> None:
        v, lang = self.view, self.lang
        if self.report is None:
            return
        overrides = latest_overrides(self.notes)
        whole = overrides.get(None)
        ai = (self.report.get("summary") or {}).get("overall")
        v.scores.setText(tr("ui.recruiter.ai_vs_override", lang, ai=_score(ai, lang),
                            override=_score(whole["score_override"], lang) if whole else "—"))
        v.notes.clear()
        for n in self.notes:
            d = self._detail(n.get("detail_index"))
            target = (tr("ui.recruiter.target.whole", lang) if n.get("detail_index") is None
                      else tr("ui.recruiter.note_answer", lang, n=int(n["detail_index"]) + 1))
            ai_here = ai if n.get("detail_index") is None else (d or {}).get("score")
            line = tr("ui.recruiter.note_line", lang, target=target, ai=_score(ai_here, lang),
                      override="—" if n.get("score_override") is None else num(float(n["score_override"]), 0),
                      when=_when(n.get("created_at")))
            text = (n.get("note") or "").strip()
            v.notes.addItem(QListWidgetItem(line + (f"\n{text}" if text else "")))
        if not self.notes:
            v.notes.addItem(QListWidgetItem(tr("ui.recruiter.no_notes", lang)))
        self._answer_changed(v.report.answers.currentRow())

    def _answer_changed(self, row: int) -> None:
        v, lang = self.view, self.lang
        details = (self.report or {}).get("details") or []
        if not (0 <= row < len(details)):
            v.answer_scores.setText("")
            v.server_scores.setText("")
            return
        d = details[row]
        o = latest_overrides(self.notes).get(d["index"])
        v.answer_scores.setText(tr("ui.recruiter.answer_scores", lang, n=d["index"] + 1, ai=_score(d.get("score"), lang),
                                   override="—" if o is None else num(float(o["score_override"]), 0)))
        evs = [e for e in self.server_evals if e.get("detail_index") == d["index"]]
        v.server_scores.setText("\n".join(tr("ui.recruiter.server_score", lang, evaluator=e["evaluator"],
                                             score=_score(e.get("score"), lang),
                                             reason=f" ({e['reason']})" if e.get("score") is None and e.get("reason") else "")
                                          for e in evs))
        i = v.target.findData(int(d["index"]))
        if i >= 0:
            v.target.setCurrentIndex(i)

    def add_note(self) -> Op | None:
        v, lang = self.view, self.lang
        client = self._client()
        if client is None or self.interview is None:
            return None
        text = v.note.toPlainText().strip()
        override = float(v.override.value()) if v.override_on.isChecked() else None
        if not text and override is None:
            v.notes_banner.show_message(tr("ui.recruiter.note_empty", lang))
            return None
        v.notes_banner.clear_message()
        target = v.target.currentData()
        iid = int(self.interview["id"])
        v.add_note.setEnabled(False)

        def done(note: dict[str, Any]) -> None:
            v.add_note.setEnabled(True)
            v.note.clear()
            v.override_on.setChecked(False)
            self.notes.append(note)
            self._refresh_notes()

        def failed(exc: BaseException) -> None:
            v.add_note.setEnabled(True)
            self._failed(exc)

        return self.track(Op(v, lambda p, c: client.add_note(iid, text, detail_index=target, score_override=override),
                             done).failure(failed).run_in_background())


class RecruiterCompareController(_RecruiterScreen[RecruiterCompareView]):
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
        ids = [int(r["id"]) for r in rows]

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
                                date=_when(meta.get("generated_at") or row.get("created_at")),
                                n=s.get("evaluated_answers", 0), total=s.get("total_answers", 0)))
            col.overall.setText(_score(s.get("overall"), lang))
            overrides = latest_overrides(rep.get("recruiter_notes") or [])
            whole = overrides.get(None)
            col.override.setText(tr("ui.recruiter.override_is", lang, v=num(float(whole["score_override"]), 0))
                                 if whole else tr("ui.recruiter.no_override", lang))
            col.areas.set_bars(criterion_rows(s, lang))
            col.answers.clear()
            for d in rep.get("details") or []:
                o = overrides.get(d["index"])
                extra = "" if o is None else " → " + num(float(o["score_override"]), 0)
                col.answers.addItem(QListWidgetItem(f"{d['index'] + 1}. [{_score(d.get('score'), lang)}{extra}] "
                                                    f"{d.get('question', '')}"))
            col.open.clicked.connect(lambda _=False, r=row: self.nav("recruiter_report", interview=r))


def recruiter_screens(lang: str, ctx, nav) -> dict[str, ScreenController[Any]]:
    """The recruiter's screens for the shell, built in ``lang``."""
    from desktop.controllers.recruiter_live import RecruiterLiveController
    from desktop.ui.recruiter_live_view import RecruiterLiveView

    return {"recruiter": RecruiterListController(RecruiterListView(lang), ctx, nav),
            "recruiter_report": RecruiterReportController(RecruiterReportView(lang), ctx, nav),
            "recruiter_compare": RecruiterCompareController(RecruiterCompareView(lang), ctx, nav),
            "recruiter_live": RecruiterLiveController(RecruiterLiveView(lang), ctx, nav)}
