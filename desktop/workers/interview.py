"""The live interview's worker: drives one core.interview.session.InterviewSession from a
controller thread and re-emits its events as Qt signals.

Threads:
- the controller thread ("interview-control") calls the session's control methods in order
  (start, ask_next, begin_answer/end_answer or answer_text, finish) and waits on a command
  queue for the UI's decisions (typed answer, skip, finish, pause) and the end-of-speech
  detector's;
- the microphone's thread calls :meth:`_on_audio`: it runs the end-point detector (Silero VAD)
  and feeds the session once speech has begun. Speech before that is kept as a 1-s pre-roll,
  so the stream starts lazily at the first voiced frame and a typed answer stays possible
  until the candidate speaks;
- the session's own post thread evaluates answers; its callbacks land in :class:`_Relay`,
  which only emits signals (queued to the UI thread).

``tts`` is a reader of desktop.workers.tts (``prepare`` runs on the controller thread): the
worker emits ``speak(utterance)`` and waits until the UI sends "spoken" (or the utterance's
duration plus 1.5 s) before it listens.

The UI thread never blocks on any of this: it sends commands with :meth:`send` and reacts to
signals. ``stop()`` cancels the session (the interview is kept as cancelled, or deleted when
nothing was answered) and joins the controller thread.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, Signal

from core.errors import Big20Error
from core.interview.session import InterviewSession, SessionListener
from core.protocols import SAMPLE_RATE, MicrophoneSource
from engines.capture.audio import levels
from engines.vad.endpoint import EndpointDetector

if TYPE_CHECKING:
    import numpy as np

    from desktop.workers.tts import EspeakReader, QtSpeechReader

log = logging.getLogger(__name__)
PREROLL_S = 1.0


class InterviewWorker(QObject):
    question = Signal(int, int, object)  # index, planned count, PlannedQuestion
    speak = Signal(object)  # desktop.workers.tts.Utterance: a WAV to play, or text the reader says
    listening = Signal(bool)  # True while speech is being streamed
    interim = Signal(int, str)
    final = Signal(int, str)
    answer_ended = Signal(object)  # core.interview.session.AnswerEnded
    evaluated = Signal(int, object)  # index, AnswerRecord
    endpoint = Signal(float, float)  # answer seconds so far, silence countdown (0 = none)
    level = Signal(float, float)
    report = Signal(object, int)  # report dict, interview id
    failed = Signal(object)
    stopped = Signal(object)  # KeptSummary when cancelled

    def __init__(self, session: InterviewSession, *, microphone: MicrophoneSource | None,
                 endpoint_factory: Callable[[], EndpointDetector] | None,
                 tts: EspeakReader | QtSpeechReader | None = None,
                 vision_report: Callable[[list[tuple[float, float]]], tuple[list, dict | None]] | None = None,
                 clock: Callable[[], float] = time.monotonic, meta: dict | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.microphone = microphone
        self.endpoint_factory = endpoint_factory
        self.tts = tts
        self.vision_report = vision_report
        self.clock = clock
        self.meta = meta or {}
        self.commands: queue.Queue = queue.Queue()
        self.windows: list[tuple[float, float]] = []  # per answer (start, end) on ``clock``
        self.window_questions: list[int] = []  # the question index of each window
        self._asked_index = -1
        self.t0 = clock()
        self._lock = threading.Lock()
        self._streaming = False
        self._accepting = False  # a question is waiting for its answer
        self._paused = False
        self._preroll: deque = deque(maxlen=int(PREROLL_S * SAMPLE_RATE / 512) + 1)
        self._endpoint = None
        self._detector: EndpointDetector | None = None
        self._answer_start = 0.0
        self._thread: threading.Thread | None = None
        self._spoken = threading.Event()
        self.finished_report: dict | None = None
        self._blocks = 0

    # ------------------------------------------------------------------ UI side
    def start(self) -> None:
        """Start the microphone (DeviceError on this thread when it fails) and the loop."""
        self.session.add_listener(_Relay(self))
        if self.microphone is not None:
            self.microphone.start(self._on_audio)
        self._thread = threading.Thread(target=self._run, name="interview-control", daemon=True)
        self._thread.start()

    def send(self, command: str, payload: object = None) -> None:
        """"typed" (text), "skip", "finish", "pause", "resume", "spoken" - any thread."""
        if command == "spoken":
            self._spoken.set()
            return
        if command in ("pause", "resume"):
            self._paused = command == "pause"
            return
        self.commands.put((command, payload))

    def stop(self, reason: str = "stopped") -> None:
        """Cancel the interview and wait for the threads (UI thread; returns within seconds)."""
        self.commands.put(("cancel", reason))
        self._spoken.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(15)
        self._close_mic()

    def _close_mic(self) -> None:
        mic, self.microphone = self.microphone, None
        if mic is not None:
            try:
                mic.stop()
            except Exception:  # a broken device must not block leaving the screen
                log.exception("stopping the microphone failed")

    @property
    def now(self) -> float:
        return self.clock() - self.t0

    # ------------------------------------------------------------------ audio thread
    def _on_audio(self, block: np.ndarray, _t: float) -> None:
        self._blocks += 1
        if self._blocks % 3 == 0:
            lv = levels(block)
            self.level.emit(lv.rms_dbfs, lv.peak_dbfs)
        if self._paused or not self._accepting:
            return
        with self._lock:
            if self._streaming:
                self.session.feed(block)
            else:
                self._preroll.append(block)
            ep = self._endpoint
        if ep is None:
            return
        state = ep.push(block)
        if self._blocks % 4 == 0 or state.ended:
            self.endpoint.emit(self.now - self._answer_start, state.remaining_silence_s)
        if state.started and not self._streaming:
            self.commands.put(("speech", None))
        if state.ended:
            self.commands.put(("end", state.reason))

    # ------------------------------------------------------------------ controller thread
    def _run(self) -> None:
        s = self.session
        try:
            if s.state != "live":  # a resumed interview (InterviewSession.resume) is live already
                s.start()
            while True:
                asked = s.ask_next()
                if asked is None:
                    break
                self._asked_index = asked.index
                self._drain()  # before the question shows: a click on it must not be dropped
                self.question.emit(asked.index, len(s.plan), asked.question)
                if self._read_aloud(asked.question.text) == "cancel":
                    return
                if self._answer() in ("finish", "cancel"):
                    break
            if getattr(self, "_cancelled", False):
                return
            gaze_per: list = []
            emotions: dict | None = None
            if self.vision_report is not None:
                s.wait_idle()
                gaze_per, emotions = self.vision_report(self.windows)
                for i, (g, e) in zip(self.window_questions, gaze_per):
                    if i in s.records:
                        s.attach_vision(i, g, e)
            report = s.finish(emotions=emotions, meta=self.meta)
            self.finished_report = report
        except Big20Error as exc:
            log.warning("interview stopped: %s", exc.code)
            self._cancel(str(exc.code))
            self.failed.emit(exc)
        except Exception as exc:  # an engine bug: keep what was said, tell the candidate
            log.exception("interview failed")
            self._cancel(type(exc).__name__)
            self.failed.emit(exc)
        finally:
            self._close_mic()

    def _cancel(self, reason: str) -> None:
        self._cancelled = True
        try:
            self.stopped.emit(self.session.cancel(reason))
        except Exception:  # cancelling is best effort after a failure
            log.exception("cancelling the interview failed")

    def _read_aloud(self, text: str) -> str:
        if self.tts is None:
            return "ok"
        utterance = self.tts.prepare(text, self.session.language)
        if utterance is None:
            return "ok"
        self._spoken.clear()
        self.speak.emit(utterance)
        # the UI says when playback ended; a silent device must not hold the interview
        self._spoken.wait(utterance.duration_s + 1.5)
        return "cancel" if getattr(self, "_cancelled", False) else "ok"

    def _drain(self) -> None:
        while True:
            try:
                self.commands.get_nowait()
            except queue.Empty:
                return

    def _answer(self) -> str:
        s = self.session
        with self._lock:
            self._preroll.clear()
            self._streaming = False
            if self.endpoint_factory and self.microphone:
                # one detector per interview, reset per answer: building Silero's ONNX session
                # holds the GIL for tens of ms, which the UI felt at every question
                if self._detector is None:
                    self._detector = self.endpoint_factory()
                else:
                    self._detector.reset()
                self._endpoint = self._detector
            else:
                self._endpoint = None
        self._answer_start = self.now
        self._accepting = True
        try:
            while True:
                cmd, payload = self.commands.get()
                if cmd == "cancel":
                    self._accepting = False
                    self._cancel(payload or "stopped")
                    return "cancel"
                if cmd == "speech" and not self._streaming:
                    with self._lock:
                        s.begin_answer()
                        for b in self._preroll:
                            s.feed(b)
                        self._preroll.clear()
                        self._streaming = True
                    self.listening.emit(True)
                    continue
                if cmd == "typed":
                    if self._streaming:
                        continue  # speech already began: that is the answer
                    self._close_answer()
                    s.answer_text(payload or "")
                    return "typed"
                if cmd in ("end", "skip", "finish"):
                    self._close_answer()
                    if self._streaming:
                        with self._lock:
                            self._streaming = False
                        s.end_answer()
                        self.listening.emit(False)
                    else:
                        s.skip()  # nothing said: the question leaves no row and no report entry
                    return cmd
        finally:
            self._accepting = False

    def _close_answer(self) -> None:
        self._accepting = False
        self.windows.append((self._answer_start, self.now))
        self.window_questions.append(self._asked_index)


class _Relay(SessionListener):
    """SessionListener -> Qt signals (called on the session's threads; emits only)."""

    def __init__(self, worker: InterviewWorker) -> None:
        self.w = worker

    def question_asked(self, asked) -> None:
        pass  # the controller thread emits ``question`` itself, with the plan's length

    def interim_text(self, index, segment) -> None:
        self.w.interim.emit(index, segment.text)

    def final_text(self, index, segment) -> None:
        self.w.final.emit(index, segment.text)

    def answer_ended(self, ended) -> None:
        self.w.answer_ended.emit(ended)

    def transcript_replaced(self, index, text) -> None:
        self.w.final.emit(index, text)

    def evaluation_ready(self, index, record) -> None:
        self.w.evaluated.emit(index, record)

    def report_ready(self, report, interview_id) -> None:
        self.w.report.emit(report, interview_id)

