"""The desktop's network loop: one asyncio event loop on its own thread, where aiortc (live
view, live publishing) runs (design section 3: network on one asyncio loop in its own thread).

:func:`net_loop` starts it on first use (never at import) and returns the same
:class:`NetLoop` afterwards. :meth:`NetLoop.submit` schedules a coroutine from any thread and
returns a :class:`concurrent.futures.Future`; callers on the UI thread never wait on it: they
attach ``add_done_callback`` and hand results to Qt through signals (queued to the UI thread).

Threading: ``submit`` and ``call_soon`` are thread-safe; the coroutines run on the loop's
thread only. The thread is a daemon: the process may exit with it running.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from typing import Callable, Coroutine, TypeVar

T = TypeVar("T")


class NetLoop:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="big20-net", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def submit(self, coro: Coroutine[object, object, T]) -> Future[T]:
        """Run ``coro`` on the loop; the returned future completes on the loop's thread."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def call_soon(self, fn: Callable[..., object], *args: object) -> None:
        self.loop.call_soon_threadsafe(fn, *args)

    @property
    def thread(self) -> threading.Thread:
        return self._thread


_lock = threading.Lock()
_loop: NetLoop | None = None


def net_loop() -> NetLoop:
    """The process's network loop, started on first call."""
    global _loop
    with _lock:
        if _loop is None or not _loop.thread.is_alive():
            _loop = NetLoop()
        return _loop
