"""The first-run wizard (layout only): language, the machine checks, the recommended models.

Three pages in a stack with Back / Next / Finish below. The model page has one row per
offered model (check box, size and licence, what it improves, a licence warning where one
applies, a progress bar) built by :meth:`WizardView.set_models`. Behaviour:
desktop/controllers/wizard.py. UI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.i18n import tr
from desktop.ui.widgets import Banner, card, label

STEPS = ("language", "checks", "models")
CHECK_ROWS = ("camera", "microphone", "gpu", "llm", "stt", "disk")


@dataclass
class ModelRow:
    """The widgets of one offered model."""

    model_id: str
    box: QCheckBox
    detail: QLabel
    improves: QLabel
    warning: QLabel
    bar: QProgressBar
    frame: QFrame


class WizardView(QWidget):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        t = lambda k, **kw: tr(k, lang, **kw)  # noqa: E731
        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 28, 40, 24)
        # indicators (a visible box when unticked, a check mark when ticked) come from the theme
        self.heading = label(t("wizard.title"), "heading")
        self.step_label = label("", "muted")
        outer.addWidget(self.heading)
        outer.addWidget(self.step_label)
        self.banner = Banner()
        outer.addWidget(self.banner)
        self.pages = QStackedWidget()
        outer.addWidget(self.pages, 1)

        # language
        lang_page = QWidget()
        lv = QVBoxLayout(lang_page)
        self.korean = QRadioButton("한국어")
        self.english = QRadioButton("English")
        self.languages = QButtonGroup(self)
        for b in (self.korean, self.english):
            self.languages.addButton(b)
        (self.korean if lang == "ko" else self.english).setChecked(True)
        lv.addWidget(card(label(t("wizard.language.heading"), "subheading"), self.korean, self.english,
                          label(t("wizard.language.note"), "muted")))
        lv.addStretch(1)
        self.pages.addWidget(lang_page)

        # checks
        checks_page = QWidget()
        cv = QVBoxLayout(checks_page)
        self.checks_status = label(t("wizard.checks.running"))
        self.checks_progress = QProgressBar()
        self.checks_progress.setRange(0, 0)
        form_box = QWidget()
        form = QFormLayout(form_box)
        self.check_values: dict[str, QLabel] = {}
        for key in CHECK_ROWS:
            value = label("…")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.check_values[key] = value
            form.addRow(t(f"wizard.check.{key}"), value)
        cv.addWidget(card(label(t("wizard.checks.heading"), "subheading"), self.checks_status,
                          self.checks_progress, form_box))
        cv.addStretch(1)
        self.pages.addWidget(checks_page)

        # models
        models_page = QWidget()
        mv = QVBoxLayout(models_page)
        self.defaults_status = label("", "muted")
        self.defaults_progress = QProgressBar()
        self.defaults_progress.hide()
        mv.addWidget(label(t("wizard.models.heading"), "subheading"))
        mv.addWidget(label(t("wizard.models.note"), "muted"))
        mv.addWidget(self.defaults_status)
        mv.addWidget(self.defaults_progress)
        self.model_list = QWidget()
        self.model_layout = QVBoxLayout(self.model_list)
        self.model_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.model_list)
        mv.addWidget(scroll, 1)
        self.total_label = label("", "muted")
        self.download_status = label("")
        self.download = QPushButton(t("wizard.models.download"))
        self.download.setObjectName("primary")
        self.cancel_download = QPushButton(t("wizard.models.cancel"))
        self.cancel_download.hide()
        row = QHBoxLayout()
        row.addWidget(self.total_label, 1)
        row.addWidget(self.cancel_download)
        row.addWidget(self.download)
        mv.addLayout(row)
        mv.addWidget(self.download_status)
        mv.addWidget(label(t("wizard.models.later"), "muted"))
        self.pages.addWidget(models_page)
        self.rows: dict[str, ModelRow] = {}

        nav = QHBoxLayout()
        self.skip = QPushButton(t("wizard.skip"))
        self.back = QPushButton(t("wizard.back"))
        self.next = QPushButton(t("wizard.next"))
        self.next.setObjectName("primary")
        nav.addWidget(self.skip)
        nav.addStretch(1)
        nav.addWidget(self.back)
        nav.addWidget(self.next)
        outer.addLayout(nav)
        self.resize(860, 640)

    # ------------------------------------------------------------------ filling
    def show_step(self, step: str) -> None:
        i = STEPS.index(step)
        self.pages.setCurrentIndex(i)
        self.step_label.setText(tr("wizard.step", self.lang, n=i + 1, total=len(STEPS)))
        self.back.setEnabled(i > 0)
        self.next.setText(tr("wizard.finish" if step == STEPS[-1] else "wizard.next", self.lang))

    def chosen_language(self) -> str:
        return "ko" if self.korean.isChecked() else "en"

    def set_models(self, rows: list[dict]) -> None:
        """``rows``: dicts with id, name, detail, improves, warning ('' for none), checked,
        installed."""
        while self.model_layout.count():
            item = self.model_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.rows = {}
        for r in rows:
            box = QCheckBox(r["name"])
            box.setChecked(r["checked"])
            box.setEnabled(not r["installed"])
            detail = label(r["detail"], "muted")
            improves = label(r["improves"])
            warning = label(r["warning"], "warning")
            warning.setVisible(bool(r["warning"]))
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setValue(1000 if r["installed"] else 0)
            bar.setVisible(r["installed"])
            frame = card(box, detail, improves, warning, bar, spacing=4)
            self.model_layout.addWidget(frame)
            self.rows[r["id"]] = ModelRow(r["id"], box, detail, improves, warning, bar, frame)
        self.model_layout.addStretch(1)

    def show_error(self, text: str) -> None:
        self.banner.show_message(text)
