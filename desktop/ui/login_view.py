"""First run and sign-in (layout only): the account kind (local / server), a local account
form, a create-account form, a server-account form (server address, login, password, the
explicit "allow plain HTTP" choice), the language choice and "remember me".
Behaviour: desktop/controllers/login.py."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QButtonGroup,
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

        # which kind of account: local (offline, this computer) or a company's server
        self.kind_local = QPushButton(t("ui.login.kind.local"))
        self.kind_server = QPushButton(t("ui.login.kind.server"))
        kinds = QHBoxLayout()
        kinds.setSpacing(6)
        self.kinds = QButtonGroup(self)
        for b in (self.kind_local, self.kind_server):
            b.setObjectName("nav")
            b.setCheckable(True)
            self.kinds.addButton(b)
            kinds.addWidget(b, 1)
        self.kind_local.setChecked(True)
        kind_box = QWidget()
        kind_box.setLayout(kinds)

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
        self.create_button = QPushButton(t("ui.login.create"))  # not `create`: that shadows QWidget.create()
        self.create_button.setObjectName("primary")
        self.to_sign_in = QPushButton(t("ui.login.to_sign_in"))
        self.create_note = label(t("ui.login.local_note"), "muted")
        g.addRow(t("ui.login.full_name"), self.full_name)
        g.addRow(t("ui.login.username"), self.username)
        g.addRow(t("ui.login.email"), self.email)
        g.addRow(t("ui.login.password"), self.new_password)
        g.addRow(t("ui.login.confirm"), self.confirm)
        g.addRow(self.create_note)
        g.addRow(self.create_button)
        g.addRow(self.to_sign_in)
        # server account
        server = QWidget()
        h = QFormLayout(server)
        self.server_url = QLineEdit()
        self.server_url.setPlaceholderText("https://interview.example.com")
        self.server_login = QLineEdit()
        self.server_login.setPlaceholderText(t("ui.login.login_hint"))
        self.server_password = QLineEdit()
        self.server_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.allow_http = QCheckBox(t("ui.login.server.allow_http"))
        self.server_remember = QCheckBox(t("ui.login.remember"))
        self.server_remember.setChecked(True)
        self.server_sign_in = QPushButton(t("ui.login.server.sign_in"))
        self.server_sign_in.setObjectName("primary")
        self.server_note = label(t("ui.login.server.note"), "muted")
        h.addRow(t("ui.login.server.url"), self.server_url)
        h.addRow(t("ui.login.login"), self.server_login)
        h.addRow(t("ui.login.password"), self.server_password)
        h.addRow("", self.allow_http)
        h.addRow("", self.server_remember)
        h.addRow(self.server_note)
        h.addRow(self.server_sign_in)
        self.forms.addWidget(signin)
        self.forms.addWidget(create)
        self.forms.addWidget(server)

        self.banner = Banner()
        self.status = label("", "muted")
        box = card(lang_box, kind_box, self.forms, self.banner, self.status)
        box.setFixedWidth(480)
        col.addSpacing(10)
        col.addWidget(box)
        row.addLayout(col)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def show_error(self, text: str) -> None:
        self.banner.show_message(text)

    def show_create(self, on: bool) -> None:
        self.kind_local.setChecked(True)
        self.forms.setCurrentIndex(1 if on else 0)
        self.banner.clear_message()

    def show_server(self, on: bool) -> None:
        (self.kind_server if on else self.kind_local).setChecked(True)
        self.forms.setCurrentIndex(2 if on else 0)
        self.banner.clear_message()

    @property
    def server_mode(self) -> bool:
        return self.forms.currentIndex() == 2

    def set_busy(self, busy: bool) -> None:
        for w in (self.sign_in, self.create_button, self.to_create, self.to_sign_in, self.server_sign_in,
                  self.kind_local, self.kind_server):
            w.setEnabled(not busy)
