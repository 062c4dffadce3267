"""First run and sign-in (layout only): a local account form, a create-account form, the
language choice and "remember me". Behaviour: desktop/controllers/login.py."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.i18n import tr
from desktop.ui.widgets import Banner, card, label


class LoginView(QWidget):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        t = lambda k, **kw: tr(k, lang, **kw)  # noqa: E731
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        col = QVBoxLayout()
        self.heading = label(t("app.title"), "heading")
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.tagline = label(t("ui.login.tagline"), "muted")
        self.tagline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        col.addWidget(self.heading)
        col.addWidget(self.tagline)

        self.language = QComboBox()
        self.language.addItem("한국어", "ko")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(0 if lang == "ko" else 1)
        lang_row = QFormLayout()
        lang_row.addRow(t("ui.settings.language"), self.language)
        lang_box = QWidget()
        lang_box.setLayout(lang_row)

        self.forms = QStackedWidget()
        # sign in
        signin = QWidget()
        f = QFormLayout(signin)
        self.login = QLineEdit()
        self.login.setPlaceholderText(t("ui.login.login_hint"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox(t("ui.login.remember"))
        self.remember.setChecked(True)
        self.sign_in = QPushButton(t("ui.login.sign_in"))
        self.sign_in.setObjectName("primary")
        self.to_create = QPushButton(t("ui.login.to_create"))
        f.addRow(t("ui.login.login"), self.login)
        f.addRow(t("ui.login.password"), self.password)
        f.addRow("", self.remember)
        f.addRow(self.sign_in)
        f.addRow(self.to_create)
        # create account
        create = QWidget()
        g = QFormLayout(create)
        self.full_name = QLineEdit()
        self.username = QLineEdit()
        self.username.setPlaceholderText(t("ui.login.username_hint"))
        self.email = QLineEdit()
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_password.setPlaceholderText(t("ui.login.password_hint"))
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.create = QPushButton(t("ui.login.create"))
        self.create.setObjectName("primary")
        self.to_sign_in = QPushButton(t("ui.login.to_sign_in"))
        self.create_note = label(t("ui.login.local_note"), "muted")
        g.addRow(t("ui.login.full_name"), self.full_name)
        g.addRow(t("ui.login.username"), self.username)
        g.addRow(t("ui.login.email"), self.email)
        g.addRow(t("ui.login.password"), self.new_password)
        g.addRow(t("ui.login.confirm"), self.confirm)
        g.addRow(self.create_note)
        g.addRow(self.create)
        g.addRow(self.to_sign_in)
        self.forms.addWidget(signin)
        self.forms.addWidget(create)

        self.banner = Banner()
        self.status = label("", "muted")
        box = card(lang_box, self.forms, self.banner, self.status)
        box.setFixedWidth(460)
        col.addSpacing(10)
        col.addWidget(box)
        row.addLayout(col)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def show_error(self, text: str) -> None:
        self.banner.show_message(text)

    def show_create(self, on: bool) -> None:
        self.forms.setCurrentIndex(1 if on else 0)
        self.banner.clear_message()

    def set_busy(self, busy: bool) -> None:
        for w in (self.sign_in, self.create, self.to_create, self.to_sign_in):
            w.setEnabled(not busy)
