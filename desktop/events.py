"""App-wide change notifications (Anki's refresh-on-change): screens connect, mark themselves
dirty, and redraw when next shown instead of polling the database.

One :class:`AppEvents` per application, owned by the UI thread; emit from the UI thread (a
job's success callback runs there). Payloads are plain ids or None.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class AppEvents(QObject):
    interviews_changed = Signal(object)  # interview id, or None for "several"
    models_changed = Signal()
    sync_changed = Signal()
    settings_changed = Signal(object)  # the new core.config.Settings
    user_changed = Signal(object)  # the signed-in desktop.context.CurrentUser, or None
