"""One capture, many consumers: the camera and microphone are opened once and every frame
or audio block goes to each subscriber (local engines, the WebRTC publisher, a recorder).

:class:`FanoutCamera` wraps a :class:`core.protocols.CameraSource` and is one itself, so the
vision worker reads it as it reads any camera; each frame it returns is also handed to the
listeners added with :meth:`FanoutCamera.add_listener`, on the reader's thread. Listeners
must not block (they copy into their own bounded queue); one that raises is removed and
logged, never stopping the capture.

:class:`FanoutMicrophone` does the same for a :class:`core.protocols.MicrophoneSource`:
``start(on_audio)`` starts the device once; ``add_listener`` adds more callbacks (before or
after the start), each called on the source's thread with ``(block, t)``.

Thread-safe: listeners may be added or removed from any thread.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Callable, Generic, ParamSpec

from core.protocols import CameraSource, Frame, MicrophoneSource

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

FrameListener = Callable[[Frame], None]
AudioListener = Callable[["np.ndarray", float], None]  # (16 kHz mono block, session seconds)
P = ParamSpec("P")


class _Listeners(Generic[P]):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[Callable[P, None]] = []

    def add(self, fn: Callable[P, None]) -> None:
        with self._lock:
            self._items.append(fn)

    def remove(self, fn: Callable[P, None]) -> None:
        with self._lock:
            if fn in self._items:
                self._items.remove(fn)

    def call(self, *args: P.args, **kwargs: P.kwargs) -> None:
        with self._lock:
            items = list(self._items)
        for fn in items:
            try:
                fn(*args, **kwargs)
            except Exception:  # a broken consumer must not stop the camera for the others
                log.exception("capture listener failed; removed")
                self.remove(fn)


class FanoutCamera:
    def __init__(self, source: CameraSource) -> None:
        self.source = source
        self._listeners: _Listeners[[Frame]] = _Listeners()
        self.opens = 0  # how many times the device was opened (one capture: 1)

    @property
    def fps(self) -> float:
        return self.source.fps

    @property
    def size(self) -> tuple[int, int]:
        return self.source.size

    def add_listener(self, fn: FrameListener) -> None:
        self._listeners.add(fn)

    def remove_listener(self, fn: FrameListener) -> None:
        self._listeners.remove(fn)

    def open(self) -> None:
        self.source.open()
        self.opens += 1

    def read(self) -> Frame | None:
        frame = self.source.read()
        if frame is not None:
            self._listeners.call(frame)
        return frame

    def close(self) -> None:
        self.source.close()


class FanoutMicrophone:
    def __init__(self, source: MicrophoneSource) -> None:
        self.source = source
        self.sample_rate: int = getattr(source, "sample_rate", 16000)
        self._listeners: _Listeners[[np.ndarray, float]] = _Listeners()
        self._primary: AudioListener | None = None
        self.starts = 0

    def add_listener(self, fn: AudioListener) -> None:
        self._listeners.add(fn)

    def remove_listener(self, fn: AudioListener) -> None:
        self._listeners.remove(fn)

    def start(self, on_audio: AudioListener) -> None:
        """Start the device once; ``on_audio`` is the first listener (the speech engine)."""
        self._primary = on_audio
        self._listeners.add(on_audio)
        self.source.start(self._listeners.call)
        self.starts += 1

    def stop(self) -> None:
        self.source.stop()
        if self._primary is not None:  # a later start() brings its own
            self._listeners.remove(self._primary)
            self._primary = None
