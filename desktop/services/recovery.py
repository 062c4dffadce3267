"""Interrupted interviews on start: offer to resume or discard (core.interview.recovery).

When the signed-in candidate first reaches home, :meth:`RecoveryController.check` runs on the
database lane: :func:`sweep_interrupted` deletes interrupted interviews without an answer,
:func:`find_resumable` lists the candidate's ones with answers. Each is offered in turn in a
:class:`desktop.ui.recovery_dialog.RecoveryDialog`:

- resume: the engines are loaded and the session restored in the background (progress after
  600 ms, like every job), then the live screen continues with the next unanswered question;
- discard: the interview is kept as ``cancelled`` with its answers (the reason is stored) and
  home redraws; "what was kept" is shown in the home banner.

Closing the dialog without a choice leaves the interview for the next start. UI thread; the
work runs in jobs.
"""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from core.bank import company_name, get_company
from core.config import Settings
from core.db.models import Interview
from core.i18n import tr
from core.interview.recovery import InterruptedInterview, discard_interview, find_resumable, sweep_interrupted
from core.interview.types import KeptSummary
from core.interview.session import InterviewSession
from desktop.context import AppContext
from desktop.services.live_setup import InterviewSetup
from desktop.ui.recovery_dialog import RecoveryDialog
from desktop.workers.jobs import Op, error_text
from desktop.workers.planning import PreparedInterview
from desktop.workers.warmup import run_niced, warm_live_imports
from engines.assembly import Probe, Progress, session_engines
from engines.models.manager import ModelManager

log = logging.getLogger(__name__)


class RecoveryController(QObject):
    def __init__(self, view: QWidget, ctx: AppContext, nav: Callable[..., None],
                 dialog_factory: Callable[[str, QWidget], RecoveryDialog] | None = None) -> None:
        super().__init__(view)
        self.view = view  # the home screen's: the dialog's parent, and show_error(text) when it has one
        self.ctx = ctx
        self.nav = nav
        self.offers: list[InterruptedInterview] = []
        self.dialog: RecoveryDialog | None = None
        self.checked_for: int | None = None  # the user whose interviews were looked at
        self.op: Op | None = None
        self._dialog_factory = dialog_factory

    @property
    def lang(self) -> str:
        return self.ctx.lang

    # ------------------------------------------------------------------ finding
    def check_once(self) -> Op | None:
        """Look for interrupted interviews once per signed-in user and app run."""
        user = self.ctx.user
        if user is None or self.checked_for == user.id:
            return None
        self.checked_for = user.id
        return self.check()

    def check(self) -> Op:
        user = self.ctx.user
        assert user is not None, "checked for the signed-in candidate only (check_once)"
        uid = user.id
        factory = self.ctx.sessions

        def work(progress, cancel):
            sweep_interrupted(factory)
            return find_resumable(factory, candidate_id=uid)

        def found(offers: list[InterruptedInterview]) -> None:
            self.offers = list(offers)
            self._offer_next()

        self.op = Op(self.view, work, found).on_db_lane().run_in_background()
        return self.op

    def _offer_next(self) -> None:
        if not self.offers:
            self.dialog = None
            return

        it = self.offers[0]
        lang = self.lang
        dlg = (self._dialog_factory or RecoveryDialog)(lang, self.view.window())
        dlg.show_offer(company=company_name(it.company_id, lang), position=it.position,
                       started=it.started_at.strftime("%Y-%m-%d %H:%M") if it.started_at else "—",
                       answered=it.answered, planned=it.planned)
        dlg.resume.clicked.connect(lambda: self.resume(it))
        dlg.discard.clicked.connect(lambda: self.discard(it))
        dlg.rejected.connect(self._later)
        self.dialog = dlg
        dlg.open()

    def _close_dialog(self) -> None:
        dlg, self.dialog = self.dialog, None
        if dlg is not None:
            dlg.rejected.disconnect(self._later)
            dlg.accept()
            dlg.deleteLater()

    def _later(self) -> None:
        """Closed without a choice: asked again at the next start."""
        self.offers = []
        self.dialog = None

    # ------------------------------------------------------------------ choices
    def discard(self, it: InterruptedInterview) -> Op:
        lang = self.lang
        self._close_dialog()
        self.offers = self.offers[1:]
        reason = tr("ui.recover.discarded_reason", lang)
        factory = self.ctx.sessions

        def work(progress, cancel):
            return discard_interview(factory, it.id, reason)

        def done(kept: KeptSummary) -> None:
            self.ctx.events.interviews_changed.emit(it.id)
            show = getattr(self.view, "show_error", None)
            if callable(show):
                show(tr("ui.recover.discarded", lang, answered=kept.answers_kept, planned=kept.planned))
            self._offer_next()

        self.op = Op(self.view, work, done).on_db_lane().run_in_background()
        return self.op

    def resume(self, it: InterruptedInterview) -> Op:
        """Load the engines and restore the session in the background, then go live."""
        lang = self.lang
        self._close_dialog()
        self.offers = []  # one interview at a time; others are offered at the next start
        ctx = self.ctx
        manager, settings, probe = ctx.model_manager(), ctx.settings, ctx.runtime_probe

        def work(progress, cancel):
            return resume_interview(ctx.sessions, it.id, manager=manager, settings=settings, lang=it.language,
                                    probe=probe, progress=progress)

        def done(prepared: PreparedInterview) -> None:
            if ctx.user is None:
                return  # signed out meanwhile
            setup = InterviewSetup(language=lang, company_id=it.company_id,
                                   company_name=company_name(it.company_id, lang), position=it.position,
                                   resume_path=None, resume={}, resume_text="", plan=prepared)
            self.nav("live", setup=setup)

        def failed(exc) -> None:
            show = getattr(self.view, "show_error", None)
            text = tr("ui.recover.failed", lang, reason=error_text(exc, lang))
            if callable(show):
                show(text)

        self.op = (Op(self.view, work, done).failure(failed)
                   .with_progress(tr("ui.recover.preparing", lang), cancellable=False).run_in_background())
        return self.op


def resume_interview(factory: Callable[[], Session], interview_id: int, *, manager: ModelManager,
                     settings: Settings, lang: str, probe: Probe | None = None,
                     progress: Progress | None = None) -> PreparedInterview:
    """A PreparedInterview for an interrupted interview: engines for its language, the session
    restored by :meth:`InterviewSession.resume` (its answers re-evaluated in the background).
    Blocking (model loads): a worker thread."""
    with factory() as db:
        iv = db.get(Interview, interview_id)
        company = get_company(iv.company_id) if iv is not None and iv.company_id else None
    engines, notes = session_engines(manager, settings, lang, company, probe=probe, progress=progress,
                                     run_loader=run_niced)
    warm_live_imports()
    session = InterviewSession.resume(factory, interview_id, engines)
    return PreparedInterview.of(session, notes)
