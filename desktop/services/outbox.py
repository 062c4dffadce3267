"""Pushing the sync outbox once, in the background: after a candidate signs in with a server
account, after sharing or withdrawing an interview, after a live-shared interview ends.

Threading: call on the UI thread; the push runs on the job pool; ``sync_changed`` is emitted on
the UI thread when it is over, whatever the outcome (the outbox keeps what failed, with why).
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QWidget

from core.tasks import CancelToken, ProgressCallback
from desktop.context import AppContext
from desktop.workers.jobs import Op
from sync.client.outbox import Outbox, RunResult

log = logging.getLogger(__name__)


def push_outbox(ctx: AppContext, parent: QWidget) -> Op:
    """Push the candidate's queued, shared interviews once (job pool); failures stay queued in
    the outbox with their reason, shown per interview. ``parent`` (a widget) owns the job, so
    its result still arrives when the caller moves on; ``sync_changed`` tells the screens."""
    client, sessions, events = ctx.server, ctx.sessions, ctx.events

    def work(progress: ProgressCallback, cancel: CancelToken) -> RunResult:
        assert client is not None, "pushed only for a server account"  # else: failed below, logged
        return Outbox(sessions, client).run_once()

    def failed(exc: BaseException) -> None:  # the outbox keeps the rows; nothing to show here
        log.info("outbox push: %s", getattr(exc, "code", None) or type(exc).__name__)
        events.sync_changed.emit()

    return Op(parent, work, lambda _r: events.sync_changed.emit()).failure(failed).run_in_background()
