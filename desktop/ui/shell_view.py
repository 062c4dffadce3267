"""The main window (layout only): a navigation bar above one QStackedWidget of screens.

The shell controller adds the screens and switches between them; this class only lays out.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMainWindow, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from core import __version__
from core.i18n import tr


class ShellWindow(QMainWindow):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.setWindowTitle(f"{tr('app.title', lang)} {__version__}")
        self.resize(1180, 800)
        root = QWidget()
        root.setObjectName("shellRoot")
        lay = QVBoxLayout(root)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.nav = QFrame()
        self.nav.setObjectName("navBar")
        nav = QHBoxLayout(self.nav)
        nav.setContentsMargins(16, 4, 16, 4)
        self.brand = QLabel(tr("app.title", lang))
        self.brand.setObjectName("subheading")
        nav.addWidget(self.brand)
        nav.addSpacing(24)
        self.nav_buttons: dict[str, QPushButton] = {}
        for key in ("home", "new", "settings"):
            b = QPushButton(tr(f"ui.nav.{key}", lang))
            b.setObjectName("nav")
            b.setCheckable(True)
            self.nav_buttons[key] = b
            nav.addWidget(b)
        nav.addStretch(1)
        self.user_label = QLabel("")
        self.user_label.setObjectName("muted")
        nav.addWidget(self.user_label)
        self.sign_out = QPushButton(tr("ui.nav.sign_out", lang))
        nav.addWidget(self.sign_out)
        lay.addWidget(self.nav)
        self.stack = QStackedWidget()
        lay.addWidget(self.stack, 1)
        self.setCentralWidget(root)

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        self.setWindowTitle(f"{tr('app.title', lang)} {__version__}")
        self.brand.setText(tr("app.title", lang))
        for key, b in self.nav_buttons.items():
            b.setText(tr(f"ui.nav.{key}", lang))
        self.sign_out.setText(tr("ui.nav.sign_out", lang))

    def set_nav_visible(self, visible: bool) -> None:
        self.nav.setVisible(visible)

    def mark_nav(self, key: str | None) -> None:
        for k, b in self.nav_buttons.items():
            b.setChecked(k == key)
