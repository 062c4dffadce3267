"""Live interview: starts the camera (gaze + emotion workers), the microphone and the
interview worker on enter, shows questions, captions, timer and countdown, and leaves to the
report when it is ready. ``leave()`` stops camera, microphone and speech (an unfinished
interview is cancelled and kept as such, or deleted when nothing was answered).

Without a microphone, or without a speech model, answers are typed (the screen says why).
Without a camera the interview runs without eye contact and expression (the report says so).
Per-answer vision metrics come from the gaze/emotion samples stamped on arrival with the
worker's clock and cut by the answer windows the worker recorded.

Shared live (the candidate's choice on the new-interview screen, a server account): a
:class:`desktop.services.live_share.LiveShare` fans the camera and microphone out to the
WebRTC publisher, sends the questions and captions, says on screen whether the stream is
live (and how many recruiters watch) or recorded here, and queues everything for the server
at the end.
"""

from __future__ import annotations

import dataclasses
import html
import logging
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtWidgets import QMessageBox

from core.errors import Big20Error
from core.i18n import tr
from core.protocols import Frame
from core.vision.summary import answer_metrics, emotion_summary, emotions_section
from desktop.controllers.base import ScreenController
from desktop.ui.live_view import LiveView
from desktop.ui.widgets import bgr_to_qimage
from desktop.workers.jobs import error_text
from desktop.workers.lifecycle import join_stopping, stop_in_background
from desktop.workers.tts import EspeakReader, QtSpeechReader, audio_output_available, choose_reader
from desktop.workers.vision import VisionWorker
from engines.vad.endpoint import EndpointDetector
from engines.vad.silero import SileroVad

log = logging.getLogger(__name__)
RECOMMENDED_ANSWER_S = 90.0
TIMELINE_STEP_S = 0.5
SHARE_COLOURS = {"live": "#c0392b", "local": "#b7791f", "revoked": "#b7791f"}


def _timeline_gaze(samples: list, start: float, end: float) -> list[tuple[float, bool | None]]:
    """On-target share per TIMELINE_STEP_S bin, as (seconds from start, on target or None)."""
    out, t = [], start
    while t < end:
        b = [s for s in samples if t <= s.t < t + TIMELINE_STEP_S and s.face_found]
        judged = [s.on_target for s in b if s.on_target is not None]
        out.append((round(t - start, 2), None if not judged else sum(judged) * 2 >= len(judged)))
        t += TIMELINE_STEP_S
    return out


class LiveController(ScreenController[LiveView]):
    name = "live"
    nav_key = None
    camera_failed = Signal(object)  # from the camera-opening helper thread

    def __init__(self, view, ctx, nav) -> None:
        super().__init__(view, ctx, nav)
        self.worker = None
        self.vision = None
        self.setup = None
        self.typed_only = False
        self.index = -1
        self.total = 0
        self.captions: dict[int, list[str]] = {}
        self.interim = ""
        self.listening = False
        self.paused = False
        self.samples: list = []
        self.emotions: list = []
        self._lock = threading.Lock()
        self._latest_frame = None
        self._shown = -1
        self.report = None
        self.player = None
        # players interrupted mid-reading, muted and left to reach their end: stopping one while
        # it plays makes Qt's FFmpeg backend delete its audio renderer on its own thread, and
        # that deletion waits for the GIL while holding a signal-slot mutex the UI thread may
        # be waiting for (a deadlock seen in the test suite, PySide6 6.11)
        self._parked_players: list = []
        self.answer_s = 0.0
        self.countdown_s = 0.0
        self.tts = None
        self._readers: dict[str, EspeakReader | QtSpeechReader | None] = {}
        self.share = None  # desktop.services.live_share.LiveShare when shared live
        self.qt_tts_engines = None  # None: any Qt engine but "mock" (tests name the mock one)

        # no speaker: a question is shown, not "read" into nothing for its length (tests replace it)
        self.audio_output_available = audio_output_available
        self.confirm_finish = self._confirm_finish  # tests replace the question box
        self.reading = False  # a question is being read aloud now
        self._leaving_question = False  # skip/finish sent for the current question
        self.answered = 0  # answers given in this interview (typed, or spoken and ended)
        self._answer_t0: float | None = None  # when the typed answer's clock started (monotonic)
        self._paused_at: float | None = None
        self.paint_timer = QTimer(self)
        self.paint_timer.setInterval(33)
        self.paint_timer.timeout.connect(self._paint)
        v = view
        v.pause.clicked.connect(self.toggle_pause)
        v.skip.clicked.connect(self.skip)
        v.finish.clicked.connect(self.finish)
        v.send_typed.clicked.connect(self.send_typed)
        v.overlay_toggle.toggled.connect(lambda on: setattr(v.preview, "show_overlay", on))

    # ------------------------------------------------------------------ state
    def enter(self, **kwargs: Any) -> None:
        setup = kwargs["setup"]
        self.setup, lang, v = setup, self.lang, self.view
        prepared = setup.plan
        self.index, self.total, self.captions, self.interim, self.report = -1, len(prepared.questions), {}, "", None
        self.samples, self.emotions, self.paused = [], [], False
        self.reading, self.answered, self._answer_t0, self._paused_at = False, 0, None, None
        v.banner.clear_message()
        v.captions.clear()
        v.typed.clear()
        v.overlay_toggle.setChecked(self.ctx.settings.ui.gaze_overlay)
        v.preview.show_overlay = self.ctx.settings.ui.gaze_overlay
        v.pause.setText(tr("ui.live.pause", lang))
        v.finish.setEnabled(True)
        v.skip.setEnabled(True)
        notes = []
        self._start_share(setup)
        mic = None
        if prepared.speech:
            try:
                mic = self.ctx.microphone_factory()
            except Big20Error as exc:
                notes.append(tr("ui.live.no_mic", lang, reason=exc.localized(lang)))
        else:
            notes.append(prepared.speech_note)
        if self.share is not None and mic is not None:
            mic = self.share.microphone(mic)
        tts = None
        if self.ctx.settings.ui.read_questions_aloud:
            if not self.audio_output_available():
                notes.append(tr("ui.live.no_speaker", lang))
            else:
                tts = self.reader_for(lang)
                if tts is None:
                    notes.append(tr("ui.live.no_tts", lang))
        endpoint_factory = self._endpoint_factory(prepared.endpoint_vad) if mic is not None else None
        meta = {"previous_answers": prepared.previous} if prepared.previous else {}
        if setup.calibration is not None:
            meta["calibration"] = {"method": "targets", "calibrated": True}
        self.tts = tts
        # lazy: the worker's module brings the interview session and its flow (~0.5 s of start-up,
        # measured); a prepared interview has loaded them already
        from desktop.workers.interview import InterviewWorker

        self.worker = w = InterviewWorker(prepared.session, microphone=mic, endpoint_factory=endpoint_factory,
                                          tts=tts, vision_report=self._vision_report, meta=meta, parent=self)
        w.question.connect(self._question)
        w.speak.connect(self._speak)
        w.listening.connect(self._listening)
        w.interim.connect(self._interim)
        w.final.connect(self._final)
        w.endpoint.connect(self._endpoint)
        w.level.connect(v.meter.set_level)
        w.report.connect(self._report)
        w.failed.connect(self._failed)
        if self.share is not None:
            self.share.clock = lambda: w.now
        self._start_camera()
        try:
            w.start()
        except Big20Error as exc:  # the microphone would not open: continue with typed answers
            notes.append(tr("ui.live.no_mic", lang, reason=exc.localized(lang)))
            w.microphone = None
            w.endpoint_factory = None
            w.start()
        self.typed_only = w.microphone is None
        if notes:
            v.show_error("\n".join(n for n in notes if n))
        self._engines_label()
        self.tick = QTimer(self)
        self.tick.setInterval(200)
        self.tick.timeout.connect(self._tick)
        self.tick.start()

    def leave(self) -> None:
        super().leave()
        if getattr(self, "tick", None) is not None:
            self.tick.stop()

        stoppers = []
        if self.share is not None:
            self.share.finish(completed=False, interview_id=None)  # no-op once the report finished it
        worker, self.worker = self.worker, None
        if worker is not None:
            reason = tr("ui.live.left", self.lang) if self.report is None else "stopped"
            stoppers.append(lambda: worker.stop(reason))
        self.paint_timer.stop()
        vision, self.vision = self.vision, None
        if vision is not None:
            stoppers.append(vision.stop)
        if stoppers:
            # joins threads that may be inside a model call: never on the UI thread
            stop_in_background("live", *stoppers)
        if self.player is not None:
            self.player.stop()
        stop_tts = getattr(self.tts, "stop", None)
        if callable(stop_tts):
            stop_tts()

    # ------------------------------------------------------------------ live sharing
    def _start_share(self, setup) -> None:
        v = self.view
        self.share = None
        v.share_state.hide()
        if not (setup.share_live and self.ctx.server is not None and setup.company_id):
            return
        # lazy: only a shared interview needs the publisher and its upload queue (~0.1 s of
        # start-up, measured)
        from desktop.services.live_share import LiveShare

        self.share = share = LiveShare(self.ctx, company_id=setup.company_id, position=setup.position,
                                       language=setup.language, parent=self, view=self.view)
        self._share_company = setup.company_name or setup.company_id
        share.state.connect(self._share_state)
        core_setup = setup.plan.session.setup  # the interview row is written at the start: with these
        core_setup.uuid = share.uuid
        core_setup.share_video_with = setup.company_id
        self._share_state("connecting", "")

    def _share_state(self, state: str, detail: str) -> None:
        v, lang = self.view, self.lang
        if self.share is None or self.sender() not in (None, self.share):
            return  # a previous interview's share finishing late
        watching = int(detail) if state == "live" and detail.isdigit() else 0
        if watching:  # the candidate knows when a recruiter is watching
            v.share_state.setText(tr("ui.live.share.watching", lang, company=self._share_company, n=watching))
        else:
            v.share_state.setText(tr(f"ui.live.share.{state}", lang, company=self._share_company))
        v.share_state.setToolTip(detail if state != "live" else "")  # why (the server's or the network's words)
        # "on air" red while live, amber while recorded here: the candidate sees it at a glance
        colour = SHARE_COLOURS.get(state)
        v.share_state.setStyleSheet(f"color: {colour}; font-weight: 600;" if colour else "")
        v.share_state.setVisible(True)

    def reader_for(self, lang: str):
        """The read-aloud engine for ``lang`` (desktop.workers.tts.choose_reader), chosen once
        per language and kept: a Qt engine connects to the platform's speech service once."""
        if lang not in self._readers:
            self._readers[lang] = choose_reader(lang, Path(tempfile.mkdtemp(prefix="big20-tts-")),
                                                qt_engines=self.qt_tts_engines, parent=self)
        return self._readers[lang]

    def _endpoint_factory(self, vad=None):
        """The end-of-answer detector on the VAD the planning job built in the background
        (building an onnxruntime session holds the GIL); a new one only when none was."""
        speech = self.ctx.settings.speech

        def make():
            return EndpointDetector.from_settings(vad if vad is not None else SileroVad(), speech)
        return make

    # ------------------------------------------------------------------ camera
    def _start_camera(self) -> None:
        """Build the vision worker here and open the camera on a helper thread: waiting for the
        device check to release the camera and opening it took up to 160 ms on the UI thread
        (bench/ui.py). A missing camera arrives as ``camera_failed``."""

        manager = self.ctx.model_manager()
        calibration = self.setup.calibration

        def tracker():  # on the vision thread
            from engines.assembly import eye_tracker  # lazy: engines.assembly brings numpy and the interview flow (~0.5 s of start-up, measured); not before the window

            return eye_tracker(manager, calibration=calibration)

        def emotion():
            # lazy: the emotion process's module brings the engine assembly (~0.5 s of start-up,
            # measured); this runs on the camera-opening thread
            from desktop.workers.emotion_process import ProcessEmotionAnalyzer

            return ProcessEmotionAnalyzer(manager)

        factory = self.ctx.camera_factory
        interval = self.ctx.settings.vision.emotion_interval_s
        self.camera_failed.connect(self._camera_missing, Qt.ConnectionType.UniqueConnection)

        class _Pending:  # the source is built on the helper thread (a device may be slow)
            """Stands in until ``open_camera`` sets the real source, before the worker starts."""

            fps, size = 0.0, (0, 0)

            def open(self) -> None:
                raise RuntimeError("the camera is opened only after the real source replaced this one")

            def read(self) -> Frame | None:
                return None

            def close(self) -> None:
                """Nothing was opened."""

        vision = VisionWorker(_Pending(), tracker, emotion, emotion_interval_s=interval)
        vision.frame_ready.connect(self._frame)
        vision.gaze_sample.connect(self._gaze)
        vision.emotion_sample.connect(self._emotion)
        vision.failed.connect(self._vision_failed)
        self.vision = vision
        self.paint_timer.start()

        share = self.share

        def open_camera() -> None:
            # the device check's camera must be released before this screen opens it again
            join_stopping(3.0, "device-check")
            try:
                source = factory()
                vision.source = share.camera(source) if share is not None else source
                vision.start()
            except Big20Error as exc:
                if share is not None:
                    share.no_camera()
                self.camera_failed.emit(exc)
                return
            if share is not None:
                share.begin()

        threading.Thread(target=open_camera, name="open-camera", daemon=True).start()

    def _camera_missing(self, exc) -> None:
        self.vision = None
        self.paint_timer.stop()
        self.view.preview.clear(tr("ui.live.no_camera", self.lang, reason=error_text(exc, self.lang)))
        self._engines_label()

    def _stop_camera(self) -> None:
        self.paint_timer.stop()
        if self.vision is not None:
            self.vision.stop()
            self.vision = None

    def _vision_failed(self, exc) -> None:
        self.view.show_error(tr("ui.live.vision_failed", self.lang, reason=error_text(exc, self.lang)))

    def _frame(self, frame) -> None:
        self._latest_frame = frame

    def _paint(self) -> None:
        f = self._latest_frame
        if f is not None and f.index != self._shown:
            self._shown = f.index
            self.view.preview.set_image(bgr_to_qimage(f.image))

    def _gaze(self, sample) -> None:
        if self.worker is None:
            return  # a late sample after leaving
        t = self.worker.now
        with self._lock:
            self.samples.append(dataclasses.replace(sample, t=t))
        self.view.preview.set_overlay(sample.overlay() if hasattr(sample, "overlay") else None)

    def _emotion(self, sample) -> None:
        if self.worker is None:
            return
        t = self.worker.now
        with self._lock:
            self.emotions.append(dataclasses.replace(sample, t=t))

    def _vision_report(self, windows: list[tuple[float, float]]):
        """Per-answer gaze/emotion dicts and the report's emotions section. Runs on the
        interview's controller thread; reads the sample lists under the lock."""
        with self._lock:
            gaze, emos = list(self.samples), list(self.emotions)
        if not gaze:
            return [], None
        per, metrics = [], []
        for start, end in windows:
            m = answer_metrics(gaze, emos, start, end)
            metrics.append(m)
            g = m.as_json()
            g["timeline"] = _timeline_gaze([s for s in gaze if start <= s.t < end], start, end)
            e = {"dominant": m.dominant_emotion, "mean": g["emotion_mean"], "samples": m.emotion_samples,
                 "reliable": m.reliable,
                 "timeline": [(round(s.t - start, 2), s.dominant) for s in emos if start <= s.t < end and s.face_found]}
            per.append((g, e))
        section = emotions_section(emotion_summary(metrics), self.lang)
        section["calibrated"] = self.setup.calibration is not None
        return per, section

    # ------------------------------------------------------------------ interview events
    def _question(self, index: int, total: int, question) -> None:
        self.index, self.total = index, total
        self.interim, self.answer_s, self.countdown_s = "", 0.0, 0.0
        v, lang = self.view, self.lang
        prefix = tr("ui.live.follow_up", lang) + " " if question.is_follow_up else ""
        v.question.setText(prefix + question.text)
        v.progress_label.setText(tr("ui.live.progress", lang, i=index + 1, n=total))
        if self.share is not None:
            self.share.question(index, total, question.text)
        v.state.setText(tr("ui.live.typing" if self.typed_only else "ui.live.waiting", lang))
        v.typed.clear()
        v.typed.setEnabled(True)
        v.send_typed.setEnabled(True)
        v.skip.setEnabled(True)  # one skip per question: re-armed by each new question
        self.reading = False
        self._leaving_question = False
        self._answer_t0 = time.monotonic()  # restarted when a read-aloud ends
        self._render_captions()

    def _speak(self, utterance) -> None:
        if self._leaving_question:  # skipped or finished before the reading began: do not read
            if self.worker is not None:
                self.worker.send("spoken")
            return
        self.reading = True
        self.view.state.setText(tr("ui.live.reading", self.lang))
        if utterance.path is None:  # the reader speaks itself (Qt text-to-speech)
            worker = self.worker
            self.tts.say(utterance, lambda: self._spoken(worker))
            return
        try:
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        except ImportError:
            self.worker and self.worker.send("spoken")
            return
        if self.player is None:
            self.player = QMediaPlayer(self)
            self._out = QAudioOutput(self)
            self.player.setAudioOutput(self._out)
            self.player.mediaStatusChanged.connect(self._media_status)
            self.player.errorOccurred.connect(lambda *_: self.worker and self.worker.send("spoken"))
        self.player.setSource(QUrl.fromLocalFile(utterance.path))
        self.player.play()

    def _spoken(self, worker) -> None:
        if worker is not None and worker is self.worker:
            worker.send("spoken")
            self._read_done()

    def _read_done(self) -> None:
        if self.reading:
            self.reading = False
            self._answer_t0 = time.monotonic()
        self.view.state.setText(self._answer_state())

    def _answer_state(self) -> str:
        """The status line while the candidate may answer (paused, listening, typing, waiting)."""
        if self.paused:
            return tr("ui.live.paused", self.lang)
        if self.listening:
            return tr("ui.live.listening", self.lang)
        return tr("ui.live.typing" if self.typed_only else "ui.live.waiting", self.lang)

    def _media_status(self, status) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if status in (QMediaPlayer.MediaStatus.EndOfMedia, QMediaPlayer.MediaStatus.InvalidMedia):
            if self.worker is not None:
                self.worker.send("spoken")
            self._read_done()

    def _listening(self, on: bool) -> None:
        if self.listening and not on:
            self.answered += 1
        self.listening = on
        self.view.state.setText(tr("ui.live.listening" if on else "ui.live.evaluating", self.lang))
        self.view.typed.setEnabled(not on)
        self.view.send_typed.setEnabled(not on)

    def _interim(self, index: int, text: str) -> None:
        if index == self.index:
            self.interim = text
            self._render_captions()
            if self.share is not None and self.worker is not None:
                self.share.caption(text, self.worker.now, final=False)

    def _final(self, index: int, text: str) -> None:
        lines = self.captions.setdefault(index, [])
        if text.strip() and text.strip() == " ".join(lines):
            return  # the same answer again (a typed answer's stored transcript): shown once
        if text.strip():
            lines.append(text.strip())
            if self.share is not None and self.worker is not None:
                self.share.caption(text, self.worker.now)
            if index == self.index:
                self.interim = ""
        self._render_captions()

    def _render_captions(self) -> None:
        finals = " ".join(html.escape(t) for t in self.captions.get(self.index, []))
        interim = f" <span style='color:#9aa3af'>{html.escape(self.interim)}</span>" if self.interim else ""
        self.view.captions.setHtml(f"<p style='font-size:12pt'>{finals}{interim}</p>")
        bar = self.view.captions.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _endpoint(self, answer_s: float, remaining: float) -> None:
        self.answer_s, self.countdown_s = answer_s, remaining

    def _tick(self) -> None:
        v, lang = self.view, self.lang
        if self.index < 0:
            return
        if self.typed_only and not self.reading and self._answer_t0 is not None:
            # no microphone: no end-point detector reports the answer time, so the clock runs here
            self.answer_s = (self._paused_at or time.monotonic()) - self._answer_t0
        v.timer.setText(tr("ui.live.timer", lang, t=f"{int(self.answer_s) // 60}:{int(self.answer_s) % 60:02d}",
                           rec=f"{int(RECOMMENDED_ANSWER_S) // 60}:{int(RECOMMENDED_ANSWER_S) % 60:02d}"))
        v.answer_bar.setValue(int(1000 * min(1.0, self.answer_s / RECOMMENDED_ANSWER_S)))
        v.countdown.setText(tr("ui.live.countdown", lang, s=f"{self.countdown_s:.1f}")
                            if self.listening and self.countdown_s > 0 else "")

    def _engines_label(self) -> None:
        lang = self.lang
        prepared = self.setup.plan
        ev = getattr(prepared.session.engines.evaluator, "model_id", None) or tr("ui.live.rubric", lang)
        parts = [tr("ui.live.eng.camera", lang) if self.vision is not None else tr("ui.live.eng.no_camera", lang),
                 tr("ui.live.eng.speech", lang) if not self.typed_only else tr("ui.live.eng.typed", lang),
                 tr("ui.live.eng.evaluator", lang, name=ev)]
        if self.tts is not None:
            parts.append(tr("ui.live.eng.read_aloud", lang, name=self.tts.engine))
        self.view.engines.setText(" · ".join(parts))

    # ------------------------------------------------------------------ actions
    def toggle_pause(self) -> None:
        if self.worker is None:
            return
        self.paused = not self.paused
        self.worker.send("pause" if self.paused else "resume")
        now = time.monotonic()
        if self.paused:
            self._paused_at = now
        elif self._paused_at is not None:
            if self._answer_t0 is not None:  # the typed answer's clock does not count the pause
                self._answer_t0 += now - self._paused_at
            self._paused_at = None
        self.view.pause.setText(tr("ui.live.resume" if self.paused else "ui.live.pause", self.lang))
        self.view.state.setText(tr("ui.live.reading", self.lang) if self.reading and not self.paused
                                else self._answer_state())

    def _end_pause(self) -> None:
        """An answer or a skip ends a pause: the next question is never read under "Resume"."""
        if self.paused:
            self.toggle_pause()

    def skip(self) -> None:
        """Skip the current question at once: a read-aloud in progress stops, and the button
        stays disabled until the next question shows (N clicks never skip N+1 questions)."""
        if self.worker is None or self.index < 0:
            return
        self._end_pause()
        self.view.skip.setEnabled(False)
        self._leaving_question = True
        worker = self.worker
        worker.send("skip")
        if self.reading:
            self._stop_reading()
            worker.send("spoken")  # the worker stops waiting for the reading and takes the skip

    def _stop_reading(self) -> None:
        self.reading = False
        if self.player is not None:
            # silenced and parked, not stopped (see _parked_players); the next question gets a new player
            self._out.setMuted(True)
            self.player.mediaStatusChanged.disconnect(self._media_status)
            self._parked_players.append(self.player)
            self.player = None
        stop_tts = getattr(self.tts, "stop", None)
        if callable(stop_tts):
            stop_tts()

    def send_typed(self) -> None:
        text = self.view.typed.toPlainText().strip()
        if self.worker is None:
            return
        if not text:  # say so: an ignored click looks like a frozen app
            self.view.state.setText(tr("ui.live.empty_answer", self.lang))
            self.view.typed.setFocus()
            return
        self._end_pause()
        self.view.typed.setEnabled(False)
        self.view.send_typed.setEnabled(False)
        self.view.skip.setEnabled(False)
        self.answered += 1
        self.view.state.setText(tr("ui.live.evaluating", self.lang))
        self.worker.send("typed", text)

    def _confirm_finish(self, answered: int, total: int) -> bool:
        key = "ui.live.finish_confirm_none" if answered == 0 else "ui.live.finish_confirm_some"
        answer = QMessageBox.question(self.view, tr("ui.live.finish", self.lang),
                                      tr(key, self.lang, n=answered, total=total))
        return answer == QMessageBox.StandardButton.Yes

    def finish(self) -> None:
        """Finish now; before the last question the candidate confirms first (an interview with
        nothing answered is saved without a score)."""
        if self.worker is None:
            return
        if self.index < self.total - 1 or self.answered == 0:
            if not self.confirm_finish(self.answered, self.total):
                return
        if self.worker is not None:
            self._end_pause()
            self._leaving_question = True
            self.view.skip.setEnabled(False)
            self.view.finish.setEnabled(False)
            self.view.state.setText(tr("ui.live.finishing", self.lang))
            self.worker.send("finish")
            if self.reading:
                self._stop_reading()
                self.worker.send("spoken")

    def _report(self, report: dict, interview_id: int) -> None:
        self.report = report
        if self.share is not None:
            self.share.finish(completed=True, interview_id=interview_id)
        self.ctx.events.interviews_changed.emit(interview_id)
        self.nav("report", report=report, interview_id=interview_id)

    def _failed(self, exc) -> None:
        self.view.show_error(tr("ui.live.failed", self.lang, reason=error_text(exc, self.lang)))
        self.ctx.events.interviews_changed.emit(None)
