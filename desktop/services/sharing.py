"""The candidate's sharing of one interview with its company, on the report screen.

Shown only to a candidate signed in with a server account (``ctx.server``) on a completed
interview that names a company. "Share with {company}" records the consent locally
(``core.services.sharing.grant``), queues a snapshot in the outbox and pushes it; "Stop
sharing" revokes locally and queues the revocation the same way (the outbox's conflict
rules: the later consent action wins on the server). The line under the title says what
is synced, waiting (with the next try) or failed, and why (``sync.client.outbox.sync_state``).

Threading: database work on the database lane, the push on the job pool (services.outbox);
callbacks on the UI thread. The ReportController tells us which report is on screen
(``shown``); UI thread only otherwise.
"""

from __future__ import annotations

import logging
from typing import Protocol, TypedDict

from PySide6.QtCore import QObject, SignalInstance

from core.bank import company_name
from core.db.models import Interview, InterviewStatus
from core.i18n import tr
from core.services import sharing
from core.tasks import CancelToken, ProgressCallback
from desktop.context import AppContext
from desktop.services.outbox import push_outbox
from desktop.ui.report_view import ReportView
from desktop.workers.jobs import Op, error_text
from sync.client.outbox import SyncState, enqueue_interview, sync_state

log = logging.getLogger(__name__)


class ReportScreen(Protocol):
    """What sharing needs of the report screen (desktop.controllers.report.ReportController)."""

    view: ReportView
    interview_id: int | None
    shown: SignalInstance  # the interview id (or None) whose report is now on screen


class ShareState(TypedDict):
    """One completed interview's consent and sync state, read on the database lane."""

    interview_id: int
    company_id: str
    shared: bool
    sync: SyncState


class SharingController(QObject):
    def __init__(self, report_screen: ReportScreen, ctx: AppContext) -> None:
        super().__init__(report_screen.view)  # lives as long as the report screen's view
        self.screen = report_screen
        self.view = report_screen.view
        self.ctx = ctx
        self.state: ShareState | None = None
        report_screen.shown.connect(self.refresh)
        self.view.share.clicked.connect(self.toggle)
        ctx.events.sync_changed.connect(lambda: self.refresh(self.screen.interview_id))

    @property
    def lang(self) -> str:
        return self.ctx.lang

    def _eligible(self) -> bool:
        user = self.ctx.user
        return self.ctx.server is not None and user is not None and not user.is_recruiter

    def refresh(self, interview_id: int | None) -> Op | None:
        v = self.view
        if interview_id is None or not self._eligible():
            v.share.hide()
            v.sync_state.hide()
            self.state = None
            return None
        sessions = self.ctx.sessions

        def work(progress: ProgressCallback, cancel: CancelToken) -> ShareState | None:
            with sessions() as s:
                iv = s.get(Interview, interview_id)
                if iv is None or iv.company_id is None or iv.status is not InterviewStatus.completed:
                    return None
                active = sharing.active_consent(s, iv.id, iv.company_id) is not None
                st = sync_state(s, iv.uuid)
                return ShareState(interview_id=iv.id, company_id=iv.company_id, shared=active, sync=st)

        return Op(v, work, self._show).on_db_lane().run_in_background()

    def _show(self, state: ShareState | None) -> None:
        v, lang = self.view, self.lang
        self.state = state
        if state is None or state["interview_id"] != self.screen.interview_id:
            v.share.hide()
            v.sync_state.hide()
            return
        company = company_name(state["company_id"], lang)
        v.share.setText(tr("ui.share.stop" if state["shared"] else "ui.share.share", lang, company=company))
        v.share.setEnabled(True)
        v.share.show()
        st = state["sync"]
        if st.status == "synced":
            text = tr("ui.share.synced" if state["shared"] else "ui.share.synced_revoked", lang, company=company)
        elif st.status == "pending":
            when = st.next_attempt_at.astimezone().strftime("%H:%M") if st.next_attempt_at else "—"
            text = tr("ui.share.pending", lang, n=st.attempts, when=when, reason=st.reason or "—")
        elif st.status == "failed":
            text = tr("ui.share.failed", lang, reason=st.reason or "—")
        else:
            text = tr("ui.share.not_shared", lang, company=company)
        v.sync_state.setText(text)
        v.sync_state.show()

    def toggle(self) -> Op | None:
        if self.state is None or not self._eligible():
            return None
        iid, company_id, share = self.state["interview_id"], self.state["company_id"], not self.state["shared"]
        sessions = self.ctx.sessions
        self.view.share.setEnabled(False)

        def work(progress, cancel):
            with sessions() as s:
                iv = s.get(Interview, iid)
                assert iv is not None, "the interview on screen was deleted meanwhile"  # reported as a failure
                if share:
                    sharing.grant(s, iv, company_id)
                else:
                    sharing.revoke(s, iv, company_id)
                enqueue_interview(s, iv)
                s.commit()

        def done(_r) -> None:
            self.ctx.events.interviews_changed.emit(iid)
            self.refresh(iid)
            push_outbox(self.ctx, self.view)  # sync_changed follows, and refreshes the line again

        def failed(exc: BaseException) -> None:
            self.view.share.setEnabled(True)
            self.view.show_error(error_text(exc, self.lang))

        return Op(self.view, work, done).failure(failed).on_db_lane().run_in_background()
