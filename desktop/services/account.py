"""The remembered sign-in: what the keyring keeps between starts, and signing out.

``local_session`` holds ``{"user_id", "username"}`` of the signed-in local account (never the
password); ``server_session`` holds ``{"url", "allow_http"}`` of a server account, whose refresh
token is the client's own keyring entry (desktop/controllers/login.py reads both at start).

Threading: UI thread; the server logout runs on the job pool.
"""

from __future__ import annotations

import logging
from typing import TypedDict

from PySide6.QtWidgets import QWidget

from core.errors import SecretStoreError
from core.tasks import CancelToken, ProgressCallback
from desktop.context import AppContext
from desktop.workers.jobs import Op

log = logging.getLogger(__name__)
SESSION_SECRET = "local_session"
SERVER_SESSION_SECRET = "server_session"


class RememberedServer(TypedDict, total=False):
    """The ``server_session`` keyring entry: where to sign in again with the refresh token."""

    url: str
    allow_http: bool


def forget_session(ctx: AppContext, parent: QWidget | None = None) -> None:
    """Sign out: forget the remembered sessions; a server account's refresh token is revoked on
    the server by a job owned by ``parent`` (a widget; job pool). An unreachable server only
    means the local token is removed."""
    for name in (SESSION_SECRET, SERVER_SESSION_SECRET):
        try:
            ctx.secrets.delete(name)
        except SecretStoreError as exc:
            log.info("could not clear the remembered session: %s", exc.code)
    client, ctx.server = ctx.server, None
    if client is None:
        return

    def work(progress: ProgressCallback, cancel: CancelToken) -> None:
        try:
            client.logout()
        finally:
            client.close()

    def failed(exc: BaseException) -> None:  # the local token is gone either way; the server's expires
        log.info("server logout failed: %s", getattr(exc, "code", None) or type(exc).__name__)

    Op(parent, work).failure(failed).run_in_background()
