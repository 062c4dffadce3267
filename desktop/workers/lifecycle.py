"""Stopping workers without blocking the UI thread.

Stopping a camera, a microphone or an interview joins their threads, and a thread may be in
the middle of a model call (an emotion result takes up to seconds, a speech engine flushes);
joined on the UI thread that froze the screen change for up to 2.7 s (bench/ui.py). Screens
call :func:`stop_in_background` from ``leave()``: the stop functions run in order on a
short-lived thread; the objects stay referenced until they are done. :func:`join_stopping`
waits for all of them (application exit, tests). Thread-safe.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable

log = logging.getLogger(__name__)
_pending: list[threading.Thread] = []
_lock = threading.Lock()


def stop_in_background(name: str, *stoppers: Callable[[], None]) -> threading.Thread:
    def run() -> None:
        for stop in stoppers:
            try:
                stop()
            except Exception:  # one failing stop must not keep the others running
                log.exception("stopping %s failed", name)

    t = threading.Thread(target=run, name=f"stop-{name}", daemon=True)
    with _lock:
        _pending[:] = [p for p in _pending if p.is_alive()]
        _pending.append(t)
    t.start()
    return t


def join_stopping(timeout: float = 30.0, name: str | None = None) -> bool:
    """Wait until every background stop (or those of ``name``) has finished; False if some
    are still running."""
    with _lock:
        threads = [t for t in _pending if name is None or t.name == f"stop-{name}"]
    for t in threads:
        t.join(timeout)
    with _lock:
        _pending[:] = [p for p in _pending if p.is_alive()]
        return not _pending
