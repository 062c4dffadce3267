"""The session clock: seconds since the interview started, from ``time.monotonic``.

Every timed result (transcript words, gaze samples, emotion samples) is stamped on this
clock so the streams line up in the report. Thread-safe: ``now()`` only reads.
"""

from __future__ import annotations

import time
from typing import Callable


class SessionClock:
    """``now()`` = ``monotonic() - start``. ``monotonic`` is injectable for replay and tests."""

    def __init__(self, start: float | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self.start = monotonic() if start is None else start

    def now(self) -> float:
        return self._monotonic() - self.start

    def at(self, monotonic_time: float) -> float:
        """Session time of a ``time.monotonic()`` reading taken elsewhere."""
        return monotonic_time - self.start
