"""The interrupted-interview prompt (layout only): which interview stopped, how far it got, and
two choices, resume or discard. Behaviour: desktop/services/recovery.py.

Opened window-modal with ``open()`` (never ``exec()``): the event loop keeps running.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout

from core.i18n import tr
from desktop.ui.widgets import label


class RecoveryDialog(QDialog):
    def __init__(self, lang: str, parent=None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.setObjectName("recoveryDialog")
        self.setWindowTitle(tr("ui.recover.title", lang))
        self.setMinimumWidth(460)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(22, 18, 22, 18)
        lay.setSpacing(10)
        self.heading = label(tr("ui.recover.heading", lang), "subheading")
        self.detail = label("", None)
        self.note = label(tr("ui.recover.note", lang), "muted")
        for w in (self.heading, self.detail, self.note):
            lay.addWidget(w)
        row = QHBoxLayout()
        row.addStretch(1)
        self.discard = QPushButton(tr("ui.recover.discard", lang))
        self.discard.setObjectName("danger")
        self.resume = QPushButton(tr("ui.recover.resume", lang))
        self.resume.setObjectName("primary")
        self.resume.setDefault(True)
        row.addWidget(self.discard)
        row.addWidget(self.resume)
        lay.addLayout(row)

    def show_offer(self, *, company: str, position: str, started: str, answered: int, planned: int) -> None:
        self.detail.setText(tr("ui.recover.detail", self.lang, company=company, position=position, started=started,
                               answered=answered, planned=planned))
