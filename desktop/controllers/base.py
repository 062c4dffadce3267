"""Screens as states of one stacked window (Anki's ``moveToState``).

A :class:`ScreenController` owns one view. The shell calls ``enter(**kwargs)`` when its view
becomes current and ``leave()`` before another takes its place; ``leave`` must stop whatever
the screen started (camera, microphone, speech, jobs). Screens that show stored data connect
to the app events, set ``dirty`` and redraw in ``enter`` (refresh on change, not polling).
Each screen declares who may see it (``role``, ``public``); the shell enforces it. UI thread only.
"""

from __future__ import annotations

from typing import Any, Callable, Generic, Literal, Protocol, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from desktop.context import AppContext, CurrentUser

Navigate = Callable[..., None]  # nav(state_name, **kwargs)
V = TypeVar("V", bound=QWidget)
Role = Literal["candidate", "recruiter", "both"]


class Cancellable(Protocol):
    """A started background job a screen tracks (desktop.workers.jobs.Op)."""

    @property
    def done(self) -> bool: ...

    def cancel(self) -> None: ...


C = TypeVar("C", bound=Cancellable)


class ScreenController(QObject, Generic[V]):
    """Generic over its view: ``class HomeController(ScreenController[HomeView])`` lets the type
    checker see the view's widgets and methods."""

    name = "screen"  # the shell's key for it: nav(name, **kwargs)
    nav_key: str | None = None  # which navigation button lights up; None hides the bar
    role: Role = "candidate"  # who may see it once signed in; another role is sent home
    public = False  # shown before anyone has signed in (sign-in, the first-run wizard)
    view: V

    def __init__(self, view: V, ctx: AppContext, nav: Navigate) -> None:
        super().__init__(view)
        self.view = view
        self.ctx = ctx
        self.nav = nav
        self.dirty = True
        self.ops: list[Cancellable] = []

    @property
    def lang(self) -> str:
        return self.ctx.lang

    @classmethod
    def allows(cls, user: CurrentUser | None) -> bool:
        """May ``user`` (None: nobody signed in) see this screen?"""
        if user is None:
            return cls.public
        return cls.role == "both" or (cls.role == "recruiter") == user.is_recruiter

    def enter(self, **kwargs: Any) -> None:
        """The view is now shown; ``kwargs`` come from whoever navigated here."""

    def leave(self) -> None:
        """Stop what this screen started; the default cancels its running jobs."""
        for op in self.ops:
            op.cancel()
        self.ops.clear()

    def track(self, op: C) -> C:
        self.ops = [o for o in self.ops if not o.done]
        self.ops.append(op)
        return op

    def mark_dirty(self, *_args: object) -> None:
        self.dirty = True
