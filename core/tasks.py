"""Cancellation tokens and progress callbacks for one-shot jobs (Anki-style).

A job takes a :class:`CancelToken` and a ``progress(done, total, message)`` callback. It
checks ``token.raise_if_cancelled()`` between steps; the caller cancels with ``token.cancel()``
from any thread. Thread-safe.
"""

from __future__ import annotations

import threading
from typing import Callable, Protocol

from core.errors import Cancelled


class ProgressCallback(Protocol):
    def __call__(self, done: float, total: float | None, message: str = "") -> None: ...


def no_progress(done: float, total: float | None, message: str = "") -> None:
    return None


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()

    def wait(self, timeout: float) -> bool:
        """Sleep up to ``timeout`` s; returns True early if cancelled."""
        return self._event.wait(timeout)


ProgressFn = Callable[[float, "float | None", str], None]
