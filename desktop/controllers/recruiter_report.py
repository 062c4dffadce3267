"""The recruiter's view of one shared interview: the candidate's report (the same rendering and
export the candidate has), its transcript, the company's notes and score overrides ("AI 72 ·
override 80" for each) and the server's own re-scoring.

Recordings: listed and downloaded on the job pool into a private temporary folder that lives
as long as the screen shows the interview (leaving deletes it: nothing outlives the view, so a
revocation still takes effect at the next request), then played by
:class:`~desktop.ui.recording_player.RecordingPlayer`. Its playhead (session seconds) drives the
transcript highlight, the answer shown (evidence) and the cursor on the eye-contact / emotion
timeline (desktop/services/playback_sync.py); a click on a transcript line seeks there.

Threading: every request runs on the job pool (``Op``), results are applied on the UI thread;
leaving the screen cancels its jobs. UI thread only otherwise.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QListWidgetItem

from core.i18n import tr
from core.report.export import num
from desktop.controllers.recruiter_common import RecruiterScreen, latest_overrides, score_label, when
from desktop.controllers.report import ReportController
from desktop.services.playback_sync import question_of, utterance_at
from desktop.ui.recording_player import Segment
from desktop.ui.recruiter_report_view import RecruiterReportView
from desktop.ui.transcript_html import TranscriptRow, transcript_html
from desktop.workers.jobs import Op, error_text
from sync.client.api import ServerRefused


class RecruiterReportController(RecruiterScreen[RecruiterReportView]):
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
        self.transcripts: list[TranscriptRow] = []
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
        self.load(str(row["id"]))

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

    def load_recordings(self, interview_id: str) -> Op | None:
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
                path = client.download_recording(interview_id, str(r["id"]), folder / f"{r['id']}{ext}",
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

    def show_recordings(self, interview_id: str, got: list[tuple[dict[str, Any], Path]]) -> None:
        if self.interview is None or str(self.interview["id"]) != interview_id:
            return  # another interview is on screen now
        self.recordings = [r for r, _ in got]
        self.view.player.set_segments([Segment(path, float(r.get("offset_s") or 0.0), r.get("source") or "live")
                                       for r, path in got])
        self.view.player.setVisible(bool(got))
        self.view.recording_state.setVisible(not got)
        self.view.recording_state.setText("" if got else tr("ui.player.none", self.lang))

    def follow_playhead(self, t: float) -> None:
        """The player's playhead moved to session time ``t`` (UI thread, many times a second):
        highlight the utterance, show its answer, move the timeline's cursor."""
        i = utterance_at(self.transcripts, t)
        if i != self.highlighted:
            self.highlighted = i
            tv = self.view.transcript
            bar = tv.verticalScrollBar().value()
            tv.setHtml(transcript_html(self.transcripts, self.lang, self.highlighted))
            tv.verticalScrollBar().setValue(bar)
            if i is not None:
                tv.scrollToAnchor(f"u{i}")
                q = question_of(self.transcripts, i)
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
                starts = [float(s) for k, r in enumerate(self.transcripts) if (s := r.get("start_s")) is not None
                          and r.get("speaker") == "User" and question_of(self.transcripts, k) == details[row].get("index")]
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

    def load(self, interview_id: str) -> Op | None:
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

    def show(self, interview_id: str, report: dict[str, Any], transcripts: list[TranscriptRow]) -> None:
        lang = self.lang
        self.report = report
        self.notes = list(report.get("recruiter_notes") or [])
        self.server_evals = list(report.get("server_evaluations") or [])
        name = (self.interview or {}).get("candidate_name")
        # the report screen's id is a local interview's (its sharing panel); a server one is not
        self.report_screen.show_report(report, None)
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
        v.transcript.setHtml(transcript_html(self.transcripts, lang, self.highlighted))
        self._refresh_notes()

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
        v.scores.setText(tr("ui.recruiter.ai_vs_override", lang, ai=score_label(ai, lang),
                            override=score_label(whole["score_override"], lang) if whole else "—"))
        v.notes.clear()
        for n in self.notes:
            d = self._detail(n.get("detail_index"))
            target = (tr("ui.recruiter.target.whole", lang) if n.get("detail_index") is None
                      else tr("ui.recruiter.note_answer", lang, n=int(n["detail_index"]) + 1))
            ai_here = ai if n.get("detail_index") is None else (d or {}).get("score")
            line = tr("ui.recruiter.note_line", lang, target=target, ai=score_label(ai_here, lang),
                      override="—" if n.get("score_override") is None else num(float(n["score_override"]), 0),
                      when=when(n.get("created_at")))
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
        v.answer_scores.setText(tr("ui.recruiter.answer_scores", lang, n=d["index"] + 1, ai=score_label(d.get("score"), lang),
                                   override="—" if o is None else num(float(o["score_override"]), 0)))
        evs = [e for e in self.server_evals if e.get("detail_index") == d["index"]]
        v.server_scores.setText("\n".join(tr("ui.recruiter.server_score", lang, evaluator=e["evaluator"],
                                             score=score_label(e.get("score"), lang),
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
        iid = str(self.interview["id"])
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
