"""Sign-in and first run: local accounts (bcrypt, offline) or a server account, remembered
in the keyring.

Local: the keyring entry ``local_session`` holds ``{"user_id", "username"}`` of the signed-in
local account (never the password); a later start signs that user in without asking.

Server: the server address, login and password go to ``sync.client.api.ServerClient`` (plain
http only to this computer unless the user ticks "allow plain HTTP"; certificates verified).
The refresh token lives in the keyring (``server_refresh_token``, the client's own entry) and
``server_session`` remembers ``{"url", "allow_http", "local_user_id"}`` so a later start signs
in again by refreshing the token. A recruiter goes to the recruiter screens. A candidate
also gets a local account mirroring the server one (same username, e-mail and password, so
practising works offline) and the server for sharing and sync; the outbox is pushed once
right after sign-in.

Errors are plain sentences in the user's language: server unreachable, wrong password,
certificate not verified, plain http to another computer refused, too many attempts.

Threading: bcrypt and database work run on the database lane, network on the job pool, so
the UI never waits for a hash or the server. A keyring that cannot be reached only means
the session is not remembered.
"""

from __future__ import annotations

import json
import logging
from typing import Any, TypedDict

from PySide6.QtCore import Signal
from sqlalchemy import func, or_, select

from core.db.models import User
from core.errors import Big20Error, InputError, SecretStoreError
from core.i18n import tr
from core.services.users import authenticate, create_user
from core.tasks import CancelToken, ProgressCallback
from desktop.context import AppContext, CurrentUser
from desktop.controllers.base import Navigate, ScreenController
from desktop.services.account import SERVER_SESSION_SECRET, SESSION_SECRET, RememberedServer
from desktop.services.outbox import push_outbox
from desktop.ui.login_view import LoginView
from desktop.workers.jobs import Op, error_text
from sync.client.api import LoginRequired, ServerClient, ServerRefused, ServerUnreachable

log = logging.getLogger(__name__)


class FirstRunState(TypedDict):
    """What the sign-in screen learns at start (database lane): local accounts, a remembered
    local session or server session, and whether the keyring answers."""

    users: int
    remembered: CurrentUser | None
    server: RememberedServer | None
    keyring_ok: bool


def _as_current(user: User) -> CurrentUser:
    return CurrentUser(id=user.id, username=user.username, full_name=user.full_name, email=user.email)


def server_error_text(exc: BaseException, url: str, lang: str) -> str:
    """A plain sentence for a failed server sign-in (what happened and what to do)."""
    if isinstance(exc, ServerRefused) and exc.status == 401:
        return tr("ui.login.server.wrong", lang)
    if isinstance(exc, ServerUnreachable):
        if (exc.params or {}).get("reason") == "HTTP 429":
            return tr("ui.login.server.too_many", lang)
        return tr("ui.login.server.unreachable", lang, url=url)
    if isinstance(exc, InputError) and exc.code == "sync.insecure_url":
        return tr("ui.login.server.insecure", lang, url=url)
    if isinstance(exc, InputError) and exc.code == "sync.tls_failed":
        return tr("ui.login.server.tls", lang, url=url)
    if isinstance(exc, LoginRequired):
        return tr("ui.login.server.expired", lang)
    return error_text(exc, lang)


def mirror_local_account(sessions, me: dict[str, Any], password: str | None) -> User:
    """The local account of a server candidate: found by e-mail (or username), created with the
    same password when absent, so the candidate can practise offline later. Database lane."""
    with sessions() as s:
        user = s.scalars(select(User).where(or_(User.email == str(me["email"]).lower(),
                                                User.username == me["username"]))).first()
        if user is None:
            if password is None:
                raise LoginRequired()
            user = create_user(s, email=me["email"], username=me["username"], password=password,
                               full_name=me.get("full_name"))
            s.commit()
        s.expunge(user)
        return user


class LoginController(ScreenController[LoginView]):
    name = "login"
    nav_key = None
    role = "both"
    public = True
    signed_in = Signal(object)  # the CurrentUser now signed in (the shell takes it from here)

    def __init__(self, view: LoginView, ctx: AppContext, nav: Navigate) -> None:
        super().__init__(view, ctx, nav)
        self.keyring_ok = True  # known after the first-run check (a keyring that answers)
        v = self.view
        v.sign_in.clicked.connect(self.sign_in)
        v.password.returnPressed.connect(self.sign_in)
        v.create_button.clicked.connect(self.create_account)
        v.to_create.clicked.connect(lambda: v.show_create(True))
        v.to_sign_in.clicked.connect(lambda: v.show_create(False))
        v.language.currentIndexChanged.connect(self._language_changed)
        v.kind_local.clicked.connect(lambda: v.show_server(False))
        v.kind_server.clicked.connect(lambda: v.show_server(True))
        v.server_sign_in.clicked.connect(self.sign_in_server)
        v.server_password.returnPressed.connect(self.sign_in_server)
        v.server_url.setText(ctx.settings.sync.server_url)

    # ------------------------------------------------------------------ state
    def enter(self, signed_out: bool = False, server: bool = False, **_kwargs: object) -> None:
        self.view.banner.clear_message()
        if signed_out:
            self.view.show_server(server)
            return
        self.track(Op(self.view, self._first_run_state, self._apply_first_run).on_db_lane().run_in_background())

    def _first_run_state(self, progress: ProgressCallback, cancel: CancelToken) -> FirstRunState:
        with self.ctx.sessions() as s:
            users = s.scalar(select(func.count(User.id)).where(User.username != "replay")) or 0
            remembered = None
            keyring_ok = True
            try:
                raw = self.ctx.secrets.get(SESSION_SECRET)
            except SecretStoreError as exc:
                log.info("keyring unavailable, session not remembered: %s", exc.code)
                raw = None
                keyring_ok = False
            if raw:
                try:
                    data = json.loads(raw)
                    user = s.get(User, int(data["user_id"]))
                    if user is not None and user.username == data.get("username"):
                        remembered = _as_current(user)
                except (ValueError, KeyError, TypeError):
                    log.warning("ignoring a malformed remembered session")
        server: RememberedServer | None = None
        try:
            raw = self.ctx.secrets.get(SERVER_SESSION_SECRET)
        except SecretStoreError:
            raw = None
        if raw and remembered is None:
            try:
                server = json.loads(raw)
                server["url"] = str(server["url"])
            except (ValueError, KeyError, TypeError):
                log.warning("ignoring a malformed remembered server session")
                server = None
        return FirstRunState(users=users, remembered=remembered, server=server, keyring_ok=keyring_ok)

    def _apply_first_run(self, state: FirstRunState) -> None:
        if state["remembered"] is not None:
            self._done(state["remembered"], remember=False)
            return
        saved = state["server"]
        if saved:
            self._resume_server(saved)
            return
        self.keyring_ok = state["keyring_ok"]
        self._offer_remember()
        if self.view.server_mode:  # the user chose "Server account" while this check ran
            return
        self.view.show_create(state["users"] == 0)
        lines = [tr("ui.login.first_run", self.lang)] if state["users"] == 0 else []
        if not self.keyring_ok:
            lines.append(tr("ui.login.no_keyring", self.lang))
        self.view.status.setText("\n".join(lines))

    def _offer_remember(self) -> None:
        """Without a working keyring "keep me signed in" cannot work: say so here, at sign-in,
        instead of a silent sign-out at the next start (only the log said why)."""
        v = self.view
        for box in (v.remember, v.server_remember):
            box.setEnabled(self.keyring_ok)
            if not self.keyring_ok:
                box.setChecked(False)
                box.setToolTip(tr("ui.login.no_keyring", self.lang))

    def _language_changed(self) -> None:
        lang = self.view.language.currentData()
        if lang and lang != self.ctx.settings.language:
            new = self.ctx.settings.model_copy(update={"language": lang})
            self.ctx.apply_settings(new)  # the shell rebuilds every screen in the new language

    # ------------------------------------------------------------------ actions
    def sign_in(self) -> None:
        v = self.view
        login, password = v.login.text().strip(), v.password.text()
        if not login or not password:
            v.show_error(tr("ui.login.fill_both", self.lang))
            return
        remember = v.remember.isChecked()
        v.set_busy(True)

        def work(progress, cancel):
            with self.ctx.sessions() as s:
                user = authenticate(s, login, password)
                if user is None:
                    raise InputError("ui.login.wrong")
                return _as_current(user)

        self.track(Op(v, work, lambda u: self._done(u, remember))
                   .failure(self._failed).on_db_lane().run_in_background())

    def create_account(self) -> None:
        v = self.view
        if v.new_password.text() != v.confirm.text():
            v.show_error(tr("ui.login.mismatch", self.lang))
            return
        fields = dict(email=v.email.text().strip(), username=v.username.text().strip(),
                      password=v.new_password.text(), full_name=v.full_name.text().strip() or None)
        v.set_busy(True)

        def work(progress, cancel):
            with self.ctx.sessions() as s:
                user = create_user(s, **fields)
                s.commit()
                return _as_current(user)

        self.track(Op(v, work, lambda u: self._done(u, True))
                   .failure(self._failed).on_db_lane().run_in_background())

    # ------------------------------------------------------------------ server account
    def sign_in_server(self) -> None:
        v, lang = self.view, self.lang
        url, login, password = v.server_url.text().strip(), v.server_login.text().strip(), v.server_password.text()
        if not url:
            v.show_error(tr("ui.login.server.no_url", lang))
            return
        if not login or not password:
            v.show_error(tr("ui.login.fill_both", lang))
            return
        allow_http, remember = v.allow_http.isChecked(), v.server_remember.isChecked()
        v.set_busy(True)
        v.status.setText(tr("ui.login.server.connecting", lang, url=url))
        secrets = self.ctx.secrets

        def work(progress, cancel):  # job pool: network only
            client = ServerClient(url, secrets=secrets, allow_insecure=allow_http, timeout=15.0)
            try:
                me = client.login(login, password)
            except BaseException:
                client.close()
                raise
            return client, me

        self.track(Op(v, work, lambda r: self._server_signed_in(*r, url=url, allow_http=allow_http,
                                                                 remember=remember, password=password))
                   .failure(lambda exc: self._server_failed(exc, url)).run_in_background())

    def _resume_server(self, saved: RememberedServer) -> None:
        """A later start: sign in again with the refresh token in the keyring (job pool)."""
        v, url = self.view, saved["url"]
        v.show_server(True)
        v.server_url.setText(url)
        v.allow_http.setChecked(bool(saved.get("allow_http")))
        v.set_busy(True)
        v.status.setText(tr("ui.login.server.connecting", self.lang, url=url))
        secrets = self.ctx.secrets

        def work(progress, cancel):
            client = ServerClient(url, secrets=secrets, allow_insecure=bool(saved.get("allow_http")), timeout=15.0)
            try:
                return client, client.me()
            except BaseException:
                client.close()
                raise

        self.track(Op(v, work, lambda r: self._server_signed_in(*r, url=url, allow_http=bool(saved.get("allow_http")),
                                                                 remember=True, password=None))
                   .failure(lambda exc: self._server_failed(exc, url)).run_in_background())

    def _server_failed(self, exc: BaseException, url: str) -> None:
        self.view.set_busy(False)
        self.view.status.setText("")
        self.view.show_server(True)
        if not isinstance(exc, Big20Error):
            log.error("server sign-in failed unexpectedly: %r", exc)
        self.view.show_error(server_error_text(exc, url, self.lang))

    def _server_signed_in(self, client: ServerClient, me: dict[str, Any], *, url: str, allow_http: bool,
                          remember: bool, password: str | None) -> None:
        role = str(me.get("role") or "candidate")
        if role in ("recruiter", "admin"):
            user = CurrentUser(id=int(me["id"]), username=me["username"], full_name=me.get("full_name"),
                               email=me.get("email"), role=role, server_url=url, company_id=me.get("company_id"))
            self._server_done(client, user, url=url, allow_http=allow_http, remember=remember)
            return
        sessions = self.ctx.sessions

        def mirror(progress, cancel):  # database lane: bcrypt and the local account
            return mirror_local_account(sessions, me, password)

        def done(local: User) -> None:
            user = CurrentUser(id=local.id, username=local.username, full_name=local.full_name, email=local.email,
                               role="candidate", server_url=url)
            self._server_done(client, user, url=url, allow_http=allow_http, remember=remember)

        def failed(exc: BaseException) -> None:
            client.close()
            self._server_failed(exc, url)

        self.track(Op(self.view, mirror, done).failure(failed).on_db_lane().run_in_background())

    def _server_done(self, client: ServerClient, user: CurrentUser, *, url: str, allow_http: bool,
                     remember: bool) -> None:
        v = self.view
        v.set_busy(False)
        v.status.setText("")
        v.server_password.clear()
        try:
            if remember:
                self.ctx.secrets.set(SERVER_SESSION_SECRET, json.dumps({"url": url, "allow_http": allow_http}))
            else:
                self.ctx.secrets.delete(SERVER_SESSION_SECRET)
        except SecretStoreError as exc:
            log.info("could not remember the server session: %s", exc.code)
        self.ctx.server = client
        if self.ctx.settings.sync.server_url != url or (not user.is_recruiter and not self.ctx.settings.sync.enabled):
            new = self.ctx.settings.model_copy(deep=True)
            new.sync.server_url = url
            new.sync.enabled = new.sync.enabled or not user.is_recruiter
            self.ctx.apply_settings(new)
        if not user.is_recruiter:
            push_outbox(self.ctx, self.view)
        self.signed_in.emit(user)

    def _failed(self, exc: BaseException) -> None:
        self.view.set_busy(False)
        self.view.show_error(error_text(exc, self.lang))

    def _done(self, user: CurrentUser, remember: bool) -> None:
        self.view.set_busy(False)
        self.view.password.clear()
        self.view.new_password.clear()
        self.view.confirm.clear()
        if remember:
            try:
                self.ctx.secrets.set(SESSION_SECRET, json.dumps({"user_id": user.id, "username": user.username}))
            except SecretStoreError as exc:
                log.info("could not remember the session: %s", exc.code)
        self.signed_in.emit(user)
