"""Recruiter: one shared interview (layout only) - the candidate's report in the same
:class:`~desktop.ui.report_view.ReportView` the candidate sees, with a side panel: the AI's
score next to the company's overrides, notes and score overrides, the server's own
re-scoring, and the whole transcript; above them the interview's recording
(:class:`~desktop.ui.recording_player.RecordingPlayer`) and, while the interview is live, a
"Watch live" button. Transcript lines link to their time (``t:<seconds>``) so a click seeks.
Behaviour: desktop/controllers/recruiter_report.py.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from core.i18n import tr
from desktop.ui.recording_player import RecordingPlayer
from desktop.ui.report_view import ReportView
from desktop.ui.widgets import Banner, card, label


class RecruiterReportView(QWidget):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        t = lambda k, **kw: tr(k, lang, **kw)  # noqa: E731
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.report = ReportView(lang)
        self.report.back.setText(t("ui.recruiter.back"))

        side = QTabWidget()
        side.setMinimumWidth(330)
        side.setMaximumWidth(420)
        # notes and overrides
        notes = QWidget()
        nl = QVBoxLayout(notes)
        nl.setContentsMargins(0, 8, 0, 0)
        self.scores = label("", "subheading")
        self.answer_scores = label("", "muted")
        self.server_scores = label("", "muted")
        self.notes = QListWidget()
        self.notes.setWordWrap(True)
        form = QFormLayout()
        self.target = QComboBox()
        self.override_on = QCheckBox(t("ui.recruiter.override"))
        self.override = QSpinBox()
        self.override.setRange(0, 100)
        self.override.setValue(70)
        self.override.setEnabled(False)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(t("ui.recruiter.note_hint"))
        self.note.setMaximumHeight(90)
        self.add_note = QPushButton(t("ui.recruiter.add_note"))
        self.add_note.setObjectName("primary")
        form.addRow(t("ui.recruiter.target"), self.target)
        form.addRow(self.override_on, self.override)
        form_box = QWidget()
        form_box.setLayout(form)
        self.notes_banner = Banner()
        nl.addWidget(card(self.scores, self.answer_scores, self.server_scores))
        nl.addWidget(label(t("ui.recruiter.notes"), "subheading"))
        nl.addWidget(self.notes, 1)
        nl.addWidget(form_box)
        nl.addWidget(self.note)
        nl.addWidget(self.notes_banner)
        nl.addWidget(self.add_note)
        nl.addWidget(label(t("ui.recruiter.kept_beside"), "muted"))
        side.addTab(notes, t("ui.recruiter.tab.notes"))
        # transcript
        self.transcript = QTextBrowser()
        self.transcript.setOpenLinks(False)  # a line's link seeks the recording (the controller)
        side.addTab(self.transcript, t("ui.recruiter.tab.transcript"))
        self.side = side

        split = QSplitter()
        split.addWidget(self.report)
        holder = QWidget()
        hl = QVBoxLayout(holder)
        hl.setContentsMargins(0, 16, 16, 16)
        self.watch_live = QPushButton(t("ui.recruiter.watch_live"))
        self.watch_live.setObjectName("primary")
        self.watch_live.hide()
        self.player = RecordingPlayer(lang)
        self.player.setMaximumWidth(420)
        self.player.setMaximumHeight(340)  # the notes and transcript keep their room below
        self.player.hide()  # the controller shows it once there is something to play
        self.recording_state = label("", "muted")
        hl.addWidget(self.watch_live)
        hl.addWidget(card(label(t("ui.recruiter.recording"), "subheading"), self.player, self.recording_state))
        hl.addWidget(side, 1)
        split.addWidget(holder)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        lay.addWidget(split)

    def show_error(self, text: str) -> None:
        self.report.show_error(text)
