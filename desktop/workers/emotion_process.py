"""The emotion model in a child process, so TensorFlow never shares the UI's interpreter.

Why: importing TensorFlow and building the model takes 7-10 s, much of it inside C
initialisers that hold the GIL; on a thread of the app process that froze the UI for 2.2 s
(bench/ui.py). In a spawned child it costs the UI nothing. :class:`ProcessEmotionAnalyzer`
implements :class:`core.protocols.EmotionAnalyzer`: ``analyze(frame)`` sends the frame over a
pipe and waits for the child's EmotionSample (the first call waits for the model to load).
Use it from one thread (the vision worker's emotion thread); ``close()`` ends the child.
A child that cannot build the analyzer (model missing) reports that error on ``analyze``.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
from pathlib import Path
from multiprocessing.connection import Connection

from core.config import ModelChoice
from core.errors import Big20Error, EngineError
from core.protocols import EmotionSample, Frame
from engines.assembly import emotion_analyzer
from engines.models.manager import ModelManager

log = logging.getLogger(__name__)
FIRST_RESULT_TIMEOUT_S = 120.0  # TensorFlow import + model build on a slow machine
RESULT_TIMEOUT_S = 20.0


def _child(conn: Connection, models_dir: str, choice: dict) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        # below the app in CPU priority: a model loading or running must not take the cores
        # the UI, the camera and speech need (bench/ui.py measured 0.58 s stalls without it)
        os.nice(10)
    except OSError:
        log.debug("could not lower the emotion process's priority")
    failure = None
    analyzer = None
    try:
        analyzer = emotion_analyzer(ModelManager(models_dir=Path(models_dir), choice=ModelChoice(**choice)))
    except Big20Error as exc:
        failure = (exc.code, exc.params)
    except Exception as exc:  # noqa: BLE001 - reported to the parent as an engine failure
        failure = ("engine.failed", {"engine": "emotion", "reason": f"{type(exc).__name__}: {exc}"})
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            return
        if failure is not None:
            conn.send(("error", failure))
            continue
        image, t, index = msg
        try:
            conn.send(("ok", analyzer.analyze(Frame(image=image, t=t, index=index))))
        except Exception as exc:  # noqa: BLE001 - one bad frame must not end the child
            conn.send(("error", ("engine.failed", {"engine": "emotion", "reason": f"{type(exc).__name__}: {exc}"})))


class ProcessEmotionAnalyzer:
    backend = "process"

    def __init__(self, manager: ModelManager) -> None:
        ctx = mp.get_context("spawn")  # never fork a process that runs Qt and threads
        self._conn, child = ctx.Pipe()
        choice = manager.choice.model_dump() if hasattr(manager.choice, "model_dump") else {}
        self._proc = ctx.Process(target=_child, args=(child, str(manager.models_dir), choice),
                                 name="big20-emotion", daemon=True)
        self._proc.start()
        child.close()
        self._first = True

    def analyze(self, frame: Frame) -> EmotionSample | None:
        if not self._proc.is_alive():
            raise EngineError("engine.failed", engine="emotion", reason=f"child exited ({self._proc.exitcode})")
        self._conn.send((frame.image, frame.t, frame.index))
        timeout = FIRST_RESULT_TIMEOUT_S if self._first else RESULT_TIMEOUT_S
        if not self._conn.poll(timeout):
            raise EngineError("engine.failed", engine="emotion", reason=f"no answer in {timeout:.0f} s")
        self._first = False
        kind, payload = self._conn.recv()
        if kind == "error":
            code, params = payload
            raise Big20Error(code, **params) if code != "engine.failed" else EngineError(code, **params)
        return payload

    def close(self) -> None:
        try:
            self._conn.send(None)
        except (OSError, BrokenPipeError):
            pass  # the child is gone already
        self._proc.join(3)
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(2)
        self._conn.close()
