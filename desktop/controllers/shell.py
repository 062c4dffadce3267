"""The main window's state machine: which screen is current, with enter/leave hooks.

``move_to(name, **kwargs)`` calls the current screen's ``leave()`` (which stops its devices
and jobs) and then the new one's ``enter(**kwargs)``. A language or theme change rebuilds
every view in the new language (simpler and more reliable than retranslating in place).
UI thread only.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtWidgets import QApplication

from desktop.context import AppContext, CurrentUser
from desktop.controllers.base import ScreenController
from desktop.ui.shell_view import ShellWindow
from desktop.ui.theme import apply_theme

log = logging.getLogger(__name__)
PUBLIC_SCREENS = ("login", "wizard")  # shown before anyone has signed in


class Shell:
    def __init__(self, ctx: AppContext, window: ShellWindow | None = None,
                 live_factory: Callable[..., ScreenController] | None = None) -> None:
        self.ctx = ctx
        self.window = window or ShellWindow(ctx.lang)
        self.screens: dict[str, ScreenController] = {}
        self.current: str | None = None
        self.history: list[str] = []
        self._live_factory = live_factory
        self._theme = ctx.settings.ui.theme
        self._lang = ctx.lang
        app = QApplication.instance()
        if app is not None:
            apply_theme(app, self._theme)
        w = self.window
        w.nav_buttons["home"].clicked.connect(lambda: self.move_to(self.home_screen()))
        w.nav_buttons["new"].clicked.connect(lambda: self.move_to("new"))
        w.nav_buttons["settings"].clicked.connect(lambda: self.move_to("settings"))
        w.sign_out.clicked.connect(self.sign_out)
        ctx.events.settings_changed.connect(self._settings_changed)
        self.build_screens()

    # ------------------------------------------------------------------ screens
    def build_screens(self) -> None:
        from desktop.controllers.home import HomeController
        from desktop.controllers.login import LoginController
        from desktop.controllers.new_interview import NewInterviewController
        from desktop.controllers.recruiter import recruiter_screens
        from desktop.controllers.report import ReportController
        from desktop.controllers.settings import SettingsController
        from desktop.ui.home_view import HomeView
        from desktop.ui.login_view import LoginView
        from desktop.ui.new_interview_view import NewInterviewView
        from desktop.ui.report_view import ReportView
        from desktop.ui.settings_view import SettingsView
        from desktop.controllers.wizard import WizardController
        from desktop.ui.wizard_view import WizardView

        lang, ctx, nav = self.ctx.lang, self.ctx, self.move_to
        # what the candidate entered survives a language change (a screen's carry()/restore())
        carried = {name: c.carry() for name, c in self.screens.items() if callable(getattr(c, "carry", None))}
        for c in self.screens.values():
            c.leave()
            self.window.stack.removeWidget(c.view)
            c.view.deleteLater()
        self.screens = {
            "login": LoginController(LoginView(lang), ctx, nav, self.signed_in),
            "home": HomeController(HomeView(lang), ctx, nav),
            "new": NewInterviewController(NewInterviewView(lang), ctx, nav),
            "report": ReportController(ReportView(lang), ctx, nav),
            "settings": SettingsController(SettingsView(lang), ctx, nav),
            **recruiter_screens(lang, ctx, nav),
            "wizard": WizardController(WizardView(lang), ctx, nav),
        }
        from desktop.services.sharing import SharingController

        SharingController(self.screens["report"], ctx)  # a server candidate shares from the report
        live = self._make_live(lang)
        if live is not None:
            self.screens["live"] = live
        for name, state in carried.items():
            if name in self.screens and callable(getattr(self.screens[name], "restore", None)):
                self.screens[name].restore(state)
        for c in self.screens.values():
            self.window.stack.addWidget(c.view)
        self.window.retranslate(lang)

    def _make_live(self, lang: str) -> ScreenController | None:
        if self._live_factory is not None:
            return self._live_factory(lang, self.ctx, self.move_to)
        try:
            from desktop.controllers.live import LiveController
            from desktop.ui.live_view import LiveView
        except ModuleNotFoundError as exc:
            if not (exc.name or "").startswith("desktop."):
                raise
            return None
        return LiveController(LiveView(lang), self.ctx, self.move_to)

    def move_to(self, name: str, **kwargs: Any) -> None:
        if name not in self.screens:
            raise KeyError(f"no screen named {name!r}")
        if name not in PUBLIC_SCREENS and self.ctx.user is None:
            name, kwargs = "login", {}
        elif self.ctx.user is not None and name != "login" and name != "settings":
            # a recruiter sees the recruiter screens only; a candidate never sees them
            if self.ctx.user.is_recruiter != name.startswith("recruiter"):
                name, kwargs = self.home_screen(), {}
        if self.current is not None and self.current in self.screens:
            self.screens[self.current].leave()
        self.current = name
        self.history.append(name)
        screen = self.screens[name]
        self.window.stack.setCurrentWidget(screen.view)
        self.window.set_nav_visible(screen.nav_key is not None)
        self.window.mark_nav(screen.nav_key)
        user = self.ctx.user
        self.window.user_label.setText((user.full_name or user.username) if user else "")
        self.window.nav_buttons["new"].setVisible(not (user is not None and user.is_recruiter))
        screen.enter(**kwargs)

    @property
    def screen(self) -> ScreenController:
        assert self.current is not None
        return self.screens[self.current]

    # ------------------------------------------------------------------ session
    def start(self, first_run: bool = False) -> None:
        """Show sign-in, or the first-run wizard first (desktop.controllers.wizard)."""
        self.move_to("wizard" if first_run else "login")

    def home_screen(self) -> str:
        user = self.ctx.user
        return "recruiter" if user is not None and user.is_recruiter else "home"

    def signed_in(self, user: CurrentUser) -> None:
        self.ctx.user = user
        self.ctx.events.user_changed.emit(user)
        for c in self.screens.values():
            c.mark_dirty()
        self.move_to(self.home_screen())
        if not user.is_recruiter:
            self.warm_engines()

    def warm_engines(self) -> Any:
        """Start the engines' runtime checks now, at sign-in (job pool): the first interview's
        plan waited for them (6-7 s on a first start) with Start disabled. Each verdict is
        remembered (engines.runtime_probe), so the planning job finds them done."""
        from desktop.workers.jobs import Op
        from engines.assembly import default_probe

        manager = self.ctx.model_manager()
        probe = self.ctx.runtime_probe or default_probe

        def work(progress, cancel):
            from core.errors import Big20Error

            checked = []
            for capability in ("stt", "llm", "evaluator"):
                if cancel.cancelled:
                    break
                try:
                    entry, path = manager.require(capability)
                    probe(entry, path)
                    checked.append(entry.id)
                except Big20Error as exc:  # the planning job reports it where it matters
                    log.info("engine check at sign-in: %s not ready (%s)", capability, exc.code)
            return checked

        def failed(exc: BaseException) -> None:
            log.warning("engine check at sign-in failed: %s", exc)

        self.warm_op = Op(self.window, work, lambda ids: log.info("engines checked: %s", ids)) \
            .failure(failed).run_in_background()
        return self.warm_op

    def sign_out(self) -> None:
        from desktop.services.account import forget_session

        server = self.ctx.server is not None
        forget_session(self.ctx, self.window)
        self.ctx.user = None
        self.ctx.events.user_changed.emit(None)
        self.move_to("login", signed_out=True, server=server)

    def _settings_changed(self, settings) -> None:
        app = QApplication.instance()
        if settings.ui.theme != self._theme and app is not None:
            self._theme = settings.ui.theme
            apply_theme(app, self._theme)
        if settings.language != self._lang:
            self._lang = settings.language
            current = self.current or "login"
            kwargs = {"tab": "general"} if current == "settings" else {}
            self.current = None
            self.build_screens()
            if current == "live":
                current = "home"
            self.move_to(current, **kwargs)
