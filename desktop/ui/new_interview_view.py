"""New interview (layout only): company, position, resume (drop a PDF, correct the parsed
preview), number of questions, sharing live with the company (server accounts only, off by
default); the device check (camera preview with overlay, framing and
lighting hints, microphone meter, 3-second test recording) and gaze calibration; the plan's
state and the start button. Behaviour: desktop/controllers/new_interview.py."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QScrollArea,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.i18n import tr
from desktop.ui.widgets import Banner, CameraPreview, DropZone, LevelMeter, card, label


class NewInterviewView(QWidget):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        t = lambda k, **kw: tr(k, lang, **kw)  # noqa: E731
        lay = QVBoxLayout(self)
        lay.setContentsMargins(22, 16, 22, 16)
        top = QHBoxLayout()
        top.addWidget(label(t("ui.new.title"), "heading", wrap=False), 1)
        self.plan_state = label("", "muted")
        top.addWidget(self.plan_state)
        self.start = QPushButton(t("ui.new.start"))
        self.start.setObjectName("primary")
        self.start.setEnabled(False)
        top.addWidget(self.start)
        lay.addLayout(top)
        self.banner = Banner()
        lay.addWidget(self.banner)
        self.practise_note = label("", "muted")
        self.practise_note.hide()
        lay.addWidget(self.practise_note)

        grid = QGridLayout()
        grid.setSpacing(14)
        # --- the interview
        form = QWidget()
        f = QFormLayout(form)
        self.company = QComboBox()
        self.position = QComboBox()
        self.position.setEditable(True)
        self.count = QSpinBox()
        self.count.setRange(1, 30)
        f.addRow(t("ui.new.company"), self.company)
        f.addRow(t("ui.new.position"), self.position)
        f.addRow(t("ui.new.count"), self.count)
        self.share_live = QCheckBox()
        self.share_live_note = label("", "muted")
        f.addRow(self.share_live)
        f.addRow(self.share_live_note)
        self.drop = DropZone(t("ui.new.drop"))
        self.resume_state = label("", "muted")
        preview = QWidget()
        p = QFormLayout(preview)
        self.r_name = QLineEdit()
        self.r_skills = QLineEdit()
        self.r_skills.setPlaceholderText(t("ui.new.skills_hint"))
        self.r_projects = QPlainTextEdit()
        self.r_projects.setPlaceholderText(t("ui.new.lines_hint"))
        self.r_projects.setFixedHeight(72)
        self.r_experience = QPlainTextEdit()
        self.r_experience.setPlaceholderText(t("ui.new.lines_hint"))
        self.r_experience.setFixedHeight(72)
        p.addRow(t("ui.new.r_name"), self.r_name)
        p.addRow(t("ui.new.r_skills"), self.r_skills)
        p.addRow(t("ui.new.r_projects"), self.r_projects)
        p.addRow(t("ui.new.r_experience"), self.r_experience)
        self.plan_progress = QProgressBar()
        self.plan_progress.setRange(0, 0)
        self.plan_progress.hide()
        self.plan_list = label("", "muted")
        left = QScrollArea()
        left.setWidgetResizable(True)
        left.setWidget(card(label(t("ui.new.about"), "subheading"), form, self.drop, self.resume_state,
                            label(t("ui.new.preview"), "subheading"), preview,
                            label(t("ui.new.plan"), "subheading"), self.plan_progress, self.plan_list))
        grid.addWidget(left, 0, 0)
        # --- device check
        self.preview = CameraPreview()
        self.preview.setMinimumSize(360, 270)
        self.hints = label("", "muted")
        self.meter = LevelMeter()
        self.mic_state = label("", "muted")
        buttons = QHBoxLayout()
        self.test_record = QPushButton(t("ui.new.test_record"))
        self.calibrate = QPushButton(t("ui.new.calibrate"))
        buttons.addWidget(self.test_record)
        buttons.addWidget(self.calibrate)
        buttons.addStretch(1)
        btn_box = QWidget()
        btn_box.setLayout(buttons)
        self.record_state = label("", "muted")
        self.calibration_state = label("", "muted")
        grid.addWidget(card(label(t("ui.new.devices"), "subheading"), self.preview, self.hints,
                            label(t("ui.new.mic_level"), "muted"), self.meter, self.mic_state, btn_box,
                            self.record_state, self.calibration_state), 0, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        lay.addLayout(grid, 1)

        # gaze calibration target: a dot the controller moves over the question area
        self.target = label("●", None, wrap=False)
        self.target.setStyleSheet("color: #e0893a; font-size: 28pt; background: transparent;")
        self.target.setParent(self)
        self.target.hide()

    def show_error(self, text: str) -> None:
        self.banner.show_message(text)
