"""Settings (layout only): general, devices, models (the model manager), speech key, server,
privacy. Behaviour: desktop/controllers/settings.py."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.i18n import tr
from desktop.ui.widgets import Banner, label


class SettingsView(QWidget):
    TABS = ("general", "devices", "models", "speech", "server", "privacy")

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        t = lambda k, **kw: tr(k, lang, **kw)  # noqa: E731
        lay = QVBoxLayout(self)
        lay.setContentsMargins(22, 16, 22, 16)
        top = QHBoxLayout()
        top.addWidget(label(t("ui.settings.title"), "heading", wrap=False), 1)
        self.save = QPushButton(t("ui.settings.save"))
        self.save.setObjectName("primary")
        self.revert = QPushButton(t("ui.settings.revert"))
        top.addWidget(self.revert)
        top.addWidget(self.save)
        lay.addLayout(top)
        self.banner = Banner()
        lay.addWidget(self.banner)
        self.status = label("", "muted")
        lay.addWidget(self.status)
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs, 1)

        # general
        g = QWidget()
        f = QFormLayout(g)
        self.language = QComboBox()
        self.language.addItem("한국어", "ko")
        self.language.addItem("English", "en")
        self.theme = QComboBox()
        self.theme.addItem(t("ui.settings.theme.light"), "light")
        self.theme.addItem(t("ui.settings.theme.dark"), "dark")
        self.read_aloud = QCheckBox(t("ui.settings.read_aloud"))
        self.gaze_overlay = QCheckBox(t("ui.settings.gaze_overlay"))
        self.questions = QSpinBox()
        self.questions.setRange(1, 30)
        f.addRow(t("ui.settings.language"), self.language)
        f.addRow(t("ui.settings.theme"), self.theme)
        f.addRow("", self.read_aloud)
        f.addRow("", self.gaze_overlay)
        f.addRow(t("ui.settings.questions"), self.questions)
        self.tabs.addTab(g, t("ui.settings.tab.general"))

        # devices
        d = QWidget()
        f = QFormLayout(d)
        self.camera = QSpinBox()
        self.camera.setRange(0, 16)
        self.microphone = QComboBox()
        self.refresh_devices = QPushButton(t("ui.settings.refresh_devices"))
        self.devices_note = label("", "muted")
        f.addRow(t("ui.settings.camera"), self.camera)
        f.addRow(t("ui.settings.microphone"), self.microphone)
        f.addRow("", self.refresh_devices)
        f.addRow(self.devices_note)
        self.tabs.addTab(d, t("ui.settings.tab.devices"))

        # models
        m = QWidget()
        ml = QVBoxLayout(m)
        ml.addWidget(label(t("ui.models.intro"), "muted"))
        self.models = QTableWidget(0, 6)
        self.models.setHorizontalHeaderLabels([t("ui.models.col.capability"), t("ui.models.col.name"),
                                               t("ui.models.col.size"), t("ui.models.col.source"),
                                               t("ui.models.col.state"), t("ui.models.col.active")])
        self.models.verticalHeader().setVisible(False)
        self.models.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.models.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.models.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.models.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        ml.addWidget(self.models, 1)
        # the selected model's size, licence and what it improves; with none selected, what
        # each capability actually uses now
        self.model_detail = label("", None)
        ml.addWidget(self.model_detail)
        self.model_progress = QProgressBar()
        self.model_progress.hide()
        self.model_status = label("", "muted")
        ml.addWidget(self.model_progress)
        ml.addWidget(self.model_status)
        row = QHBoxLayout()
        self.download = QPushButton(t("ui.models.download"))
        self.verify = QPushButton(t("ui.models.verify"))
        self.remove = QPushButton(t("ui.models.remove"))
        self.activate = QPushButton(t("ui.models.activate"))
        self.activate.setObjectName("primary")
        self.cancel_download = QPushButton(t("ui.cancel"))
        self.cancel_download.hide()
        for b in (self.download, self.verify, self.remove, self.activate, self.cancel_download):
            row.addWidget(b)
        row.addStretch(1)
        ml.addLayout(row)
        self.tabs.addTab(m, t("ui.settings.tab.models"))

        # speech
        s = QWidget()
        f = QFormLayout(s)
        self.deepgram_state = label("", "muted")
        self.deepgram_key = QLineEdit()
        self.deepgram_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.deepgram_key.setPlaceholderText(t("ui.settings.deepgram_hint"))
        self.save_key = QPushButton(t("ui.settings.save_key"))
        self.clear_key = QPushButton(t("ui.settings.clear_key"))
        self.use_deepgram = QCheckBox(t("ui.settings.use_deepgram"))
        keys = QHBoxLayout()
        keys.addWidget(self.save_key)
        keys.addWidget(self.clear_key)
        keys.addStretch(1)
        keys_box = QWidget()
        keys_box.setLayout(keys)
        f.addRow(t("ui.settings.deepgram_key"), self.deepgram_key)
        f.addRow("", keys_box)
        f.addRow("", self.deepgram_state)
        f.addRow("", self.use_deepgram)
        self.tabs.addTab(s, t("ui.settings.tab.speech"))

        # server
        sv = QWidget()
        f = QFormLayout(sv)
        self.server_url = QLineEdit()
        self.server_note = label(t("ui.settings.server_note"), "muted")
        f.addRow(t("ui.settings.server_url"), self.server_url)
        f.addRow(self.server_note)
        self.tabs.addTab(sv, t("ui.settings.tab.server"))

        # privacy
        pv = QWidget()
        pl = QVBoxLayout(pv)
        self.sync_enabled = QCheckBox(t("ui.settings.sync_enabled"))
        pl.addWidget(self.sync_enabled)
        pl.addWidget(label(t("ui.settings.sync_what"), "muted"))
        self.delete_all = QPushButton(t("ui.settings.delete_all"))
        self.delete_all.setObjectName("danger")
        pl.addWidget(label(t("ui.settings.delete_note"), "muted"))
        row = QHBoxLayout()
        row.addWidget(self.delete_all)
        row.addStretch(1)
        pl.addLayout(row)
        pl.addStretch(1)
        self.tabs.addTab(pv, t("ui.settings.tab.privacy"))

    def show_error(self, text: str) -> None:
        self.banner.show_message(text)

    def show_tab(self, key: str) -> None:
        self.tabs.setCurrentIndex(self.TABS.index(key))
