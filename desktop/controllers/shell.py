"""The main window's state machine: which screen is current, with enter/leave hooks.

``move_to(name, **kwargs)`` calls the current screen's ``leave()`` (which stops its devices
and jobs) and then the new one's ``enter(**kwargs)``. A language or theme change rebuilds
every view in the new language (simpler and more reliable than retranslating in place).
UI thread only.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, TypeVar

from PySide6.QtWidgets import QApplication, QWidget

from core.config import Settings
from core.errors import Big20Error
from core.tasks import CancelToken, ProgressCallback
from desktop.context import AppContext, CurrentUser
from desktop.controllers.base import Navigate, ScreenController
from desktop.controllers.home import HomeController
from desktop.controllers.live import LiveController
from desktop.controllers.login import LoginController
from desktop.controllers.new_interview import NewInterviewController
from desktop.controllers.recruiter_compare import RecruiterCompareController
from desktop.controllers.recruiter_list import RecruiterListController
from desktop.controllers.recruiter_live import RecruiterLiveController
from desktop.controllers.recruiter_report import RecruiterReportController
from desktop.controllers.report import ReportController
from desktop.controllers.settings import SettingsController
from desktop.controllers.wizard import WizardController
from desktop.services.account import forget_session
from desktop.services.sharing import SharingController
from desktop.ui.home_view import HomeView
from desktop.ui.live_view import LiveView
from desktop.ui.login_view import LoginView
from desktop.ui.new_interview_view import NewInterviewView
from desktop.ui.recruiter_compare_view import RecruiterCompareView
from desktop.ui.recruiter_list_view import RecruiterListView
from desktop.ui.recruiter_live_view import RecruiterLiveView
from desktop.ui.recruiter_report_view import RecruiterReportView
from desktop.ui.report_view import ReportView
from desktop.ui.settings_view import SettingsView
from desktop.ui.shell_view import ShellWindow
from desktop.ui.theme import apply_theme
from desktop.ui.wizard_view import WizardView
from desktop.workers.jobs import Op

log = logging.getLogger(__name__)
Screen = ScreenController[Any]
S = TypeVar("S", bound=Screen)
# Every screen, one line each (docs/ARCHITECTURE.md §10): its controller (whose ``name`` is the
# key navigation uses, whose ``role``/``public`` say who may see it) and its view, built in the
# UI language. The live screen may be replaced by a factory (Shell(live_factory=...)).
SCREENS: tuple[tuple[type[Screen], Callable[[str], QWidget]], ...] = (
    (LoginController, LoginView),
    (HomeController, HomeView),
    (NewInterviewController, NewInterviewView),
    (ReportController, ReportView),
    (SettingsController, SettingsView),
    (RecruiterListController, RecruiterListView),
    (RecruiterReportController, RecruiterReportView),
    (RecruiterCompareController, RecruiterCompareView),
    (RecruiterLiveController, RecruiterLiveView),
    (WizardController, WizardView),
    (LiveController, LiveView),
)


def build_screen(name: str, lang: str, ctx: AppContext, nav: Navigate) -> Screen:
    """Screen ``name`` of :data:`SCREENS` with a new view in ``lang`` (tests build one alone)."""
    for controller, view in SCREENS:
        if controller.name == name:
            return controller(view(lang), ctx, nav)
    raise KeyError(f"no screen named {name!r}")


class Shell:
    def __init__(self, ctx: AppContext, window: ShellWindow | None = None,
                 live_factory: Callable[[str, AppContext, Navigate], Screen] | None = None) -> None:
        self.ctx = ctx
        self.window = window or ShellWindow(ctx.lang)
        self.screens: dict[str, Screen] = {}
        self.current: str | None = None
        self.history: list[str] = []
        self._live_factory = live_factory
        self._theme = ctx.settings.ui.theme
        self._lang = ctx.lang
        self.warm_op: Op | None = None
        app = QApplication.instance()
        if isinstance(app, QApplication):
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
        lang, ctx, nav = self.ctx.lang, self.ctx, self.move_to
        # what the candidate entered survives a language change (a screen's carry()/restore())
        carried = {name: c.carry() for name, c in self.screens.items() if callable(getattr(c, "carry", None))}
        for c in self.screens.values():
            c.leave()
            self.window.stack.removeWidget(c.view)
            c.view.deleteLater()
        self.screens = {}
        for controller, view in SCREENS:
            if controller is LiveController and self._live_factory is not None:
                self.screens[controller.name] = self._live_factory(lang, ctx, nav)
            else:
                self.screens[controller.name] = controller(view(lang), ctx, nav)
        login = self.screens["login"]
        assert isinstance(login, LoginController)
        login.signed_in.connect(self.signed_in)
        report = self.screens["report"]
        assert isinstance(report, ReportController)
        SharingController(report, ctx)  # a server candidate shares from the report
        for name, state in carried.items():
            restore = getattr(self.screens.get(name), "restore", None)
            if callable(restore):
                restore(state)
        for c in self.screens.values():
            self.window.stack.addWidget(c.view)
        self.window.retranslate(lang)

    def move_to(self, name: str, **kwargs: Any) -> None:
        if name not in self.screens:
            raise KeyError(f"no screen named {name!r}")
        user = self.ctx.user
        if not self.screens[name].allows(user):
            # before sign-in only the public screens; after it, each role its own screens
            name, kwargs = ("login", {}) if user is None else (self.home_screen(), {})
        if self.current is not None and self.current in self.screens:
            self.screens[self.current].leave()
        self.current = name
        self.history.append(name)
        screen = self.screens[name]
        self.window.stack.setCurrentWidget(screen.view)
        self.window.set_nav_visible(screen.nav_key is not None)
        self.window.mark_nav(screen.nav_key)
        self.window.user_label.setText((user.full_name or user.username) if user else "")
        self.window.nav_buttons["new"].setVisible(not (user is not None and user.is_recruiter))
        screen.enter(**kwargs)

    def screen_of(self, kind: type[S]) -> S:
        """The screen built from controller class ``kind``, typed (tests and dev tools)."""
        screen = self.screens[kind.name]
        if not isinstance(screen, kind):
            raise TypeError(f"screen {kind.name!r} is a {type(screen).__name__}, not a {kind.__name__}")
        return screen

    @property
    def screen(self) -> Screen:
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

    def warm_engines(self) -> Op:
        """Start the engines' runtime checks now, at sign-in (job pool): the first interview's
        plan waited for them (6-7 s on a first start) with Start disabled. Each verdict is
        remembered (engines.runtime_probe), so the planning job finds them done."""
        from engines.assembly import default_probe  # lazy: engines.assembly brings numpy and the interview flow (~0.5 s of start-up, measured); not before the window

        manager = self.ctx.model_manager()
        probe = self.ctx.runtime_probe or default_probe

        def work(progress: ProgressCallback, cancel: CancelToken) -> list[str]:
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
        server = self.ctx.server is not None
        forget_session(self.ctx, self.window)
        self.ctx.user = None
        self.ctx.events.user_changed.emit(None)
        self.move_to("login", signed_out=True, server=server)

    def _settings_changed(self, settings: Settings) -> None:
        app = QApplication.instance()
        if settings.ui.theme != self._theme and isinstance(app, QApplication):
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
