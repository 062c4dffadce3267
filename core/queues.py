"""Bounded queues that drop the oldest item when full (docs/ARCHITECTURE.md §3).

A slow consumer (an emotion model, a stalled network, a video encoder) must never make its
producer (the camera, the microphone) wait: ``put`` never blocks, and when the queue is full the
oldest item goes and ``dropped`` counts it. Qt-free, so workers, the WebRTC publisher and the
local recorder share one policy.

- :class:`DropOldestQueue`: thread-safe; consumers ``drain()`` everything or ``get()`` one item,
  blocking (a worker thread's loop).
- :class:`AsyncDropOldestQueue`: for one asyncio loop; ``put`` from the loop's thread
  (``loop.call_soon_threadsafe(q.put, item)`` from others), ``await get()``.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections import deque
from typing import Generic, TypeVar

T = TypeVar("T")


class DropOldestQueue(Generic[T]):
    """Bounded queue: ``put`` drops the oldest item when full and never blocks. Thread-safe."""

    def __init__(self, maxsize: int) -> None:
        self._q: deque[T] = deque(maxlen=maxsize)
        self._cond = threading.Condition()
        self.dropped = 0

    def put(self, item: T, *, wait: bool = False) -> bool:
        """Add ``item``; True when the oldest item was dropped to make room. ``wait``: wait for
        room instead (for an end marker that must not cost a frame; the consumer must be running)."""
        with self._cond:
            if wait:
                self._cond.wait_for(lambda: len(self._q) < (self._q.maxlen or 0))
            full = len(self._q) == self._q.maxlen
            if full:
                self.dropped += 1
            self._q.append(item)
            self._cond.notify_all()
            return full

    def get(self, timeout: float | None = None) -> T:
        """The oldest item, waiting for one; ``queue.Empty`` after ``timeout`` seconds."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._q) > 0, timeout):
                raise queue.Empty
            item = self._q.popleft()
            self._cond.notify_all()  # a put(wait=True) may be waiting for room
            return item

    def drain(self) -> list[T]:
        """Every queued item, oldest first, leaving the queue empty."""
        with self._cond:
            items = list(self._q)
            self._q.clear()
            return items

    def __len__(self) -> int:
        with self._cond:
            return len(self._q)


class AsyncDropOldestQueue(asyncio.Queue[T]):
    """An asyncio queue whose :meth:`put_dropping` drops the oldest item when full. Loop thread only."""

    def __init__(self, maxsize: int) -> None:
        super().__init__(maxsize)
        self.dropped = 0

    def put_dropping(self, item: T) -> bool:
        """Add ``item`` without waiting; True when the oldest item was dropped to make room."""
        full = self.full()
        if full:
            self.get_nowait()
            self.dropped += 1
        self.put_nowait(item)
        return full
