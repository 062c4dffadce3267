"""The drop-oldest policy shared by the vision worker, the WebRTC tracks and the local recorder."""

from __future__ import annotations

import asyncio
import queue
import threading

import pytest

from core.queues import AsyncDropOldestQueue, DropOldestQueue


def test_put_never_blocks_and_drops_the_oldest():
    q: DropOldestQueue[int] = DropOldestQueue(3)
    assert [q.put(i) for i in range(5)] == [False, False, False, True, True]
    assert q.dropped == 2 and len(q) == 3
    assert q.get() == 2 and q.drain() == [3, 4] and len(q) == 0
    with pytest.raises(queue.Empty):
        q.get(timeout=0.01)


def test_a_blocking_consumer_gets_items_in_order_from_another_thread():
    q: DropOldestQueue[int | None] = DropOldestQueue(100)
    got: list[int] = []

    def consume() -> None:
        while (item := q.get(timeout=5)) is not None:
            got.append(item)

    t = threading.Thread(target=consume)
    t.start()
    for i in range(50):
        q.put(i)
    q.put(None, wait=True)
    t.join(5)
    assert got == list(range(50)) and q.dropped == 0


def test_an_end_marker_waits_for_room_instead_of_dropping_a_frame():
    q: DropOldestQueue[int | None] = DropOldestQueue(2)
    q.put(1)
    q.put(2)
    threading.Timer(0.05, q.get).start()  # the consumer takes one item
    assert q.put(None, wait=True) is False
    assert q.drain() == [2, None] and q.dropped == 0


def test_the_asyncio_variant_drops_the_oldest_on_its_loop():
    async def run() -> tuple[list[int], int]:
        q: AsyncDropOldestQueue[int] = AsyncDropOldestQueue(2)
        for i in range(4):
            q.put_dropping(i)
        return [await q.get(), await q.get()], q.dropped

    assert asyncio.run(run()) == ([2, 3], 2)
