"""What the recruiter's screens share: the base class (their role, the server client, plain
failure messages) and the score, date and override helpers.

Everything comes from the central server through the signed-in account's client
(``ctx.server``, :class:`sync.client.api.ServerClient`): the server decides what this
recruiter may see (only interviews their candidates share with the recruiter's company,
until revoked) and records every read in the candidate's access log. Nothing is cached on
disk: a revoked interview is gone at the next request (list refresh, or a 404 answered as
"no longer shared"). Notes and overrides are the company's own and sit beside the AI's score:
the report's scores are never changed.

Threading: every request runs on the job pool (``Op``), results are applied on the UI
thread; leaving a screen cancels its jobs (base class). UI thread only otherwise.
"""

from __future__ import annotations

from typing import Any

from core.i18n import tr
from core.report.scores import score_text
from desktop.controllers.base import V, ScreenController
from desktop.workers.jobs import error_text
from sync.client.api import LoginRequired, ServerRefused


def score_label(v: Any, lang: str) -> str:
    """A score as the screens show it; "not evaluated" for None."""
    return score_text(None if v is None else float(v), tr("ui.na", lang))


def when(iso: str | None) -> str:
    """An ISO time as ``YYYY-MM-DD HH:MM``."""
    return (iso or "")[:16].replace("T", " ")


def latest_overrides(notes: list[dict[str, Any]]) -> dict[int | None, dict[str, Any]]:
    """The latest note carrying a score override per target (None: the whole interview). Pure."""
    out: dict[int | None, dict[str, Any]] = {}
    for n in sorted(notes, key=lambda n: (n.get("created_at") or "", n.get("id") or 0)):
        if n.get("score_override") is not None:
            out[n.get("detail_index")] = n
    return out


class RecruiterScreen(ScreenController[V]):
    """A screen only a recruiter sees (docs/ARCHITECTURE.md §10)."""

    role = "recruiter"
    nav_key = "home"

    def _client(self):
        return self.ctx.server

    def _failed(self, exc: BaseException) -> None:
        """Plain messages: a revoked or unknown interview, an expired session, the rest."""
        lang = self.lang
        if isinstance(exc, ServerRefused) and exc.status == 404:
            text = tr("ui.recruiter.gone", lang)
        elif isinstance(exc, LoginRequired):
            text = tr("ui.login.server.expired", lang)
        else:
            text = error_text(exc, lang)
        self.view.show_error(text)
        if hasattr(self.view, "set_busy"):
            self.view.set_busy(False)
