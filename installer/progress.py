"""A text progress bar for the CLI (stderr), usable as a ``ProgressFn``."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO


class ConsoleProgress:
    """``progress(done, total, message)``; redraws at most 10 times a second."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self._last = 0.0
        self._drawn = False

    def __enter__(self) -> "ConsoleProgress":
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()

    def __call__(self, done: float, total: float | None, message: str = "") -> None:
        now = time.monotonic()
        if now - self._last < 0.1 and not (total and done >= total):
            return
        self._last = now
        self._drawn = True
        name = message or self.label
        if total:
            frac = max(0.0, min(1.0, done / total))
            bar = "#" * int(frac * 30)
            self.stream.write(f"\r{name[:40]:40} [{bar:30}] {frac * 100:5.1f}% "
                              f"{done / 1e6:8.1f}/{total / 1e6:.1f} MB")
        else:
            self.stream.write(f"\r{name[:40]:40} {done / 1e6:8.1f} MB")
        self.stream.flush()
