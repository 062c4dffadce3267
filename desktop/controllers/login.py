"""Sign-in and first run: local accounts (bcrypt, offline), remembered in the keyring.

The keyring entry ``local_session`` holds ``{"user_id", "username"}`` of the signed-in local
account (never the password); a later start signs that user in without asking. A keyring that
cannot be reached only means the session is not remembered (the banner says so). bcrypt and
database work run on the database lane, so the UI never waits for a hash.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy import func, select

from core.db.models import User
from core.errors import InputError, SecretStoreError
from core.i18n import tr
from core.services.users import authenticate, create_user
from desktop.context import CurrentUser
from desktop.controllers.base import ScreenController
from desktop.workers.jobs import Op

log = logging.getLogger(__name__)
SESSION_SECRET = "local_session"


def _as_current(user: User) -> CurrentUser:
    return CurrentUser(id=user.id, username=user.username, full_name=user.full_name, email=user.email)


class LoginController(ScreenController):
    name = "login"
    nav_key = None

    def __init__(self, view, ctx, nav, on_signed_in) -> None:
        super().__init__(view, ctx, nav)
        self.on_signed_in = on_signed_in
        v = self.view
        v.sign_in.clicked.connect(self.sign_in)
        v.password.returnPressed.connect(self.sign_in)
        v.create.clicked.connect(self.create_account)
        v.to_create.clicked.connect(lambda: v.show_create(True))
        v.to_sign_in.clicked.connect(lambda: v.show_create(False))
        v.language.currentIndexChanged.connect(self._language_changed)

    # ------------------------------------------------------------------ state
    def enter(self, **kwargs: Any) -> None:
        self.view.banner.clear_message()
        if kwargs.get("signed_out"):
            self.view.show_create(False)
            return
        self.track(Op(self.view, self._first_run_state, self._apply_first_run).on_db_lane().run_in_background())

    def _first_run_state(self, progress, cancel) -> dict[str, Any]:
        with self.ctx.sessions() as s:
            users = s.scalar(select(func.count(User.id)).where(User.username != "replay")) or 0
            remembered = None
            try:
                raw = self.ctx.secrets.get(SESSION_SECRET)
            except SecretStoreError as exc:
                log.info("keyring unavailable, session not remembered: %s", exc.code)
                raw = None
            if raw:
                try:
                    data = json.loads(raw)
                    user = s.get(User, int(data["user_id"]))
                    if user is not None and user.username == data.get("username"):
                        remembered = _as_current(user)
                except (ValueError, KeyError, TypeError):
                    log.warning("ignoring a malformed remembered session")
        return {"users": users, "remembered": remembered}

    def _apply_first_run(self, state: dict[str, Any]) -> None:
        if state["remembered"] is not None:
            self._done(state["remembered"], remember=False)
            return
        self.view.show_create(state["users"] == 0)
        self.view.status.setText(tr("ui.login.first_run", self.lang) if state["users"] == 0 else "")

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

    def _failed(self, exc: BaseException) -> None:
        from desktop.workers.jobs import error_text

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
        self.on_signed_in(user)


def forget_session(ctx) -> None:
    try:
        ctx.secrets.delete(SESSION_SECRET)
    except SecretStoreError as exc:
        log.info("could not clear the remembered session: %s", exc.code)
