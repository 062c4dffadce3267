"""New interview: the form, the resume intake, the device check and gaze calibration, with
the question plan built in the background meanwhile (docs/ARCHITECTURE.md §3 latency hiding).

Devices come from the context's factories. The camera runs in a VisionWorker (capture, gaze
threads); the preview repaints from the newest frame on a 30 Hz timer, so a burst of frames
never queues work on the UI thread. The microphone runs in a MicMonitor. ``leave()`` stops
both. No camera or no microphone is not fatal: the screen says so, and the interview runs
without video analysis or with typed answers.

The plan is rebuilt (the previous job cancelled) whenever its inputs change, 400 ms after the
last edit. Start hands an :class:`InterviewSetup` to the live screen. Sharing the interview
live with its company (video included) is offered only to a candidate with a server account,
off by default and asked again each time (the live screen carries it out: live_share).
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QTimer, QUrl
from PySide6.QtWidgets import QFileDialog

from core.bank import load_companies
from core.errors import Big20Error
from core.i18n import tr
from core.services.history import WorstAnswer
from core.vision.calibration import GazeCalibration
from desktop.controllers.base import ScreenController
from desktop.services.live_setup import InterviewSetup
from desktop.ui.new_interview_view import NewInterviewView
from desktop.ui.widgets import bgr_to_qimage
from desktop.workers.devices import MicMonitor, write_wav
from desktop.workers.jobs import Op, error_text
from desktop.workers.lifecycle import stop_in_background
from desktop.workers.vision import VisionWorker
from engines.capture.audio import levels

log = logging.getLogger(__name__)
POSITIONS = {"ko": ["백엔드 개발자", "프론트엔드 개발자", "데이터 엔지니어", "AI 엔지니어", "모바일 개발자"],
             "en": ["Backend developer", "Frontend developer", "Data engineer", "AI engineer", "Mobile developer"]}
CALIBRATION_STEP_MS = 1500
CALIBRATION_TARGETS = ("camera", "top_left", "top_right", "bottom_right", "bottom_left")


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


class NewInterviewController(ScreenController[NewInterviewView]):
    name = "new"
    nav_key = "new"

    def __init__(self, view, ctx, nav) -> None:
        super().__init__(view, ctx, nav)
        self.companies: list = []
        self.resume_path: Path | None = None
        self.resume_text = ""
        self.resume: dict[str, Any] = {}
        self.plan = None
        self.plan_op: Op | None = None
        self.practise: list[WorstAnswer] | None = None  # "practise again": these questions
        self.vision = None
        self.mic = None
        self.camera_ok = False
        self.microphone_ok = False
        self.last_sample = None
        self._latest_frame = None
        self._shown_index = -1
        self.brightness: float | None = None
        self.recording = None
        self.player = None
        self.calibration = None
        self._cal_step = -1
        self._cal_samples: dict[str, list] = {}
        self._tmp = Path(tempfile.mkdtemp(prefix="big20-devcheck-"))
        self.paint_timer = QTimer(self)
        self.paint_timer.setInterval(33)
        self.paint_timer.timeout.connect(self._paint_frame)
        self.plan_timer = QTimer(self)
        self.plan_timer.setSingleShot(True)
        self.plan_timer.setInterval(400)
        self.plan_timer.timeout.connect(self.rebuild_plan)
        self.cal_timer = QTimer(self)
        self.cal_timer.setInterval(CALIBRATION_STEP_MS)
        self.cal_timer.timeout.connect(self._calibration_step)
        v = view
        v.drop.file_dropped.connect(lambda p: self.load_resume(Path(p)))
        v.drop.clicked.connect(self.browse_resume)
        v.company.currentIndexChanged.connect(self.schedule_plan)
        v.company.currentIndexChanged.connect(self._share_text)
        v.position.currentTextChanged.connect(self.schedule_plan)
        v.count.valueChanged.connect(self.schedule_plan)
        for w in (v.r_name, v.r_skills):
            w.editingFinished.connect(self._edited)
        for w in (v.r_projects, v.r_experience):
            w.textChanged.connect(self._edited_soon)
        v.test_record.clicked.connect(self.test_recording)
        v.calibrate.clicked.connect(self.start_calibration)
        v.start.clicked.connect(self.start_interview)

    # ------------------------------------------------------------------ state
    def enter(self, practise: list[WorstAnswer] | None = None, **_kwargs: object) -> None:
        v, lang = self.view, self.lang
        v.banner.clear_message()
        self.practise = practise
        self.plan = None
        v.start.setEnabled(False)
        if not self.companies:
            self.companies = load_companies()
            v.company.blockSignals(True)
            for c in self.companies:
                v.company.addItem(c.company_name.get(lang), c.id)
            v.company.blockSignals(False)
            v.position.blockSignals(True)
            v.position.addItems(POSITIONS.get(lang, POSITIONS["en"]))
            v.position.blockSignals(False)
            v.count.blockSignals(True)
            v.count.setValue(self.ctx.settings.questions_per_interview)
            v.count.blockSignals(False)
        carried, self._carried_form = getattr(self, "_carried_form", None), None
        if carried:  # the same choices after a language change
            for w in (v.company, v.count):
                w.blockSignals(True)
            if carried.get("company") is not None and (i := v.company.findData(carried["company"])) >= 0:
                v.company.setCurrentIndex(i)
            if carried.get("count"):
                v.count.setValue(int(carried["count"]))
            for w in (v.company, v.count):
                w.blockSignals(False)
        v.share_live.setChecked(False)  # consent is asked each time, never carried over
        self._share_text()
        if self.practise:
            v.practise_note.setText(tr("ui.new.practise_note", lang, n=len(self.practise)))
            v.practise_note.show()
        else:
            v.practise_note.hide()
        self.start_devices()
        self.schedule_plan()

    def may_share_live(self) -> bool:
        """Live sharing needs a candidate's server account and a company."""
        user = self.ctx.user
        return (self.ctx.server is not None and user is not None and not user.is_recruiter
                and self.view.company.currentData() is not None)

    def _share_text(self, *_args) -> None:
        v, lang = self.view, self.lang
        shown = self.may_share_live()
        for w in (v.share_live, v.share_live_note):
            w.setVisible(shown)
        if shown:
            company = v.company.currentText()
            v.share_live.setText(tr("ui.new.share_live", lang, company=company))
            v.share_live_note.setText(tr("ui.new.share_live_note", lang, company=company))
        else:
            v.share_live.setChecked(False)

    def leave(self) -> None:
        super().leave()
        self.stop_devices()
        self.cal_timer.stop()
        self.view.target.hide()
        self.plan_timer.stop()

    # ------------------------------------------------------------------ devices
    def start_devices(self) -> None:
        v, lang = self.view, self.lang
        self.stop_devices()
        manager = self.ctx.model_manager()
        try:
            source = self.ctx.camera_factory()

            def tracker():  # on the vision thread
                from engines.assembly import eye_tracker  # lazy: engines.assembly brings numpy and the interview flow (~0.5 s of start-up, measured); not before the window

                return eye_tracker(manager)

            self.vision = VisionWorker(source, tracker)
            self.vision.frame_ready.connect(self._on_frame)
            self.vision.gaze_sample.connect(self._on_gaze)
            self.vision.failed.connect(self._camera_failed)
            self.vision.start()
            self.camera_ok = True
            self.paint_timer.start()
            v.preview.clear(tr("ui.new.camera_starting", lang))
        except Big20Error as exc:
            self.vision = None
            self._camera_failed(exc)
        try:
            self.mic = MicMonitor(self.ctx.microphone_factory())
            self.mic.level.connect(v.meter.set_level)
            self.mic.recorded.connect(self._recorded)
            self.mic.start()
            self.microphone_ok = True
            v.mic_state.setText(tr("ui.new.mic_ok", lang))
            v.test_record.setEnabled(True)
        except Big20Error as exc:
            self.mic = None
            self.microphone_ok = False
            v.mic_state.setText(tr("ui.new.mic_missing", lang, reason=exc.localized(lang)))
            v.test_record.setEnabled(False)
        v.calibrate.setEnabled(self.camera_ok)

    def stop_devices(self) -> None:
        self.paint_timer.stop()
        stoppers = []
        if self.vision is not None:
            stoppers.append(self.vision.stop)
            self.vision = None
        if self.mic is not None:
            stoppers.append(self.mic.stop)
            self.mic = None
        if stoppers:
            stop_in_background("device-check", *stoppers)
        if self.player is not None:
            self.player.stop()

    def _camera_failed(self, exc: BaseException) -> None:
        self.camera_ok = False
        self.paint_timer.stop()
        text = tr("ui.new.camera_missing", self.lang, reason=error_text(exc, self.lang))
        self.view.preview.clear(text)
        self.view.hints.setText(text)
        self.view.calibrate.setEnabled(False)

    def _on_frame(self, frame) -> None:
        self._latest_frame = frame  # painted by the timer: at most one conversion per tick

    def _paint_frame(self) -> None:
        f = self._latest_frame
        if f is None or f.index == self._shown_index:
            return
        self._shown_index = f.index
        self.view.preview.set_image(bgr_to_qimage(f.image))
        if f.index % 15 == 0:
            self.brightness = float(f.image[::8, ::8].mean())  # subsampled: ~0.1 ms
            self._update_hints(f.image.shape[1], f.image.shape[0])

    def _on_gaze(self, sample) -> None:
        self.last_sample = sample
        ov = sample.overlay() if hasattr(sample, "overlay") else None
        self.view.preview.set_overlay(ov if self.ctx.settings.ui.gaze_overlay else None)
        if self._cal_step >= 0 and getattr(sample, "feature", None) is not None:
            self._cal_samples.setdefault(CALIBRATION_TARGETS[self._cal_step], []).append(sample.feature)

    def framing_hints(self, width: int, height: int) -> list[str]:
        lang, s = self.lang, self.last_sample
        out = []
        if s is None or not s.face_found or s.face_box is None:
            out.append(tr("ui.hint.no_face", lang))
        else:
            x, y, w, h = s.face_box
            cx, cy = (x + w / 2) / width, (y + h / 2) / height
            if w / width < 0.18:
                out.append(tr("ui.hint.closer", lang))
            elif w / width > 0.6:
                out.append(tr("ui.hint.back", lang))
            if abs(cx - 0.5) > 0.18 or abs(cy - 0.45) > 0.2:
                out.append(tr("ui.hint.centre", lang))
        if self.brightness is not None:
            if self.brightness < 60:
                out.append(tr("ui.hint.dark", lang))
            elif self.brightness > 215:
                out.append(tr("ui.hint.bright", lang))
        return out or [tr("ui.hint.good", lang)]

    def _update_hints(self, width: int, height: int) -> None:
        self.view.hints.setText(" · ".join(self.framing_hints(width, height)))

    # ------------------------------------------------------------------ test recording
    def test_recording(self) -> None:
        if self.mic is None:
            return
        self.view.test_record.setEnabled(False)
        self.view.record_state.setText(tr("ui.new.recording", self.lang))
        self.mic.record(3.0)

    def _recorded(self, audio) -> None:
        self.recording = audio
        lv = levels(audio)
        path = write_wav(audio, self._tmp / "test.wav")
        quiet = lv.rms_dbfs < -50
        self.view.record_state.setText(tr("ui.new.recorded_quiet" if quiet else "ui.new.recorded", self.lang,
                                          db=f"{lv.rms_dbfs:.0f}"))
        self.view.test_record.setEnabled(True)
        self.play(path)

    def play(self, path: Path) -> None:
        try:
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        except ImportError as exc:  # a Qt build without multimedia: say so, keep going
            log.info("no QtMultimedia: %s", exc)
            return
        if self.player is None:
            self.player = QMediaPlayer(self)
            self._audio_out = QAudioOutput(self)
            self.player.setAudioOutput(self._audio_out)
            self.player.errorOccurred.connect(
                lambda _e, msg: self.view.record_state.setText(tr("ui.new.playback_failed", self.lang, reason=msg)))
        self.player.setSource(QUrl.fromLocalFile(str(path)))
        self.player.play()

    # ------------------------------------------------------------------ calibration
    def start_calibration(self) -> None:
        self._cal_samples = {}
        self._cal_step = 0
        self._place_target()
        self.cal_timer.start()

    def _place_target(self) -> None:
        v = self.view
        name = CALIBRATION_TARGETS[self._cal_step]
        m = 30
        w, h = v.width() - 2 * m, v.height() - 2 * m
        pos = {"camera": QPoint(v.width() // 2, 4), "top_left": QPoint(m, m), "top_right": QPoint(m + w, m),
               "bottom_right": QPoint(m + w, m + h), "bottom_left": QPoint(m, m + h)}[name]
        v.target.adjustSize()
        v.target.move(pos - QPoint(v.target.width() // 2, v.target.height() // 2 if name != "camera" else 0))
        v.target.show()
        v.target.raise_()
        v.calibration_state.setText(tr(f"ui.cal.{name}", self.lang))

    def _calibration_step(self) -> None:
        self._cal_step += 1
        if self._cal_step < len(CALIBRATION_TARGETS):
            self._place_target()
            return
        self.cal_timer.stop()
        self._cal_step = -1
        self.view.target.hide()
        self.finish_calibration()

    def finish_calibration(self) -> None:
        cam = self._cal_samples.get("camera") or []
        corners = [self._cal_samples.get(n) or [] for n in CALIBRATION_TARGETS[1:]]
        if not cam:
            self.calibration = None
            self.view.calibration_state.setText(tr("ui.cal.failed", self.lang))
            return
        self.calibration = GazeCalibration.from_samples(cam, [c for c in corners if c])
        self.view.calibration_state.setText(tr("ui.cal.done", self.lang, n=sum(len(c) for c in corners) + len(cam)))

    # ------------------------------------------------------------------ language switch
    def carry(self) -> dict[str, Any]:
        """What survives a rebuild of the screens (a language change): the loaded resume with
        the candidate's corrections, the company and the number of questions."""
        if self.resume_path is not None:
            self._apply_edits()
        return {"resume_path": self.resume_path, "resume_text": self.resume_text, "resume": dict(self.resume),
                "company": self.view.company.currentData(), "count": self.view.count.value()}

    def restore(self, state: dict[str, Any]) -> None:
        """Take over :meth:`carry`'s state from the screen this one replaces (before enter)."""
        self.resume_path = state.get("resume_path")
        self.resume_text = state.get("resume_text") or ""
        self.resume = dict(state.get("resume") or {})
        self._carried_form = {"company": state.get("company"), "count": state.get("count")}
        if self.resume_path is not None:
            self._fill_preview()
            self.view.resume_state.setText(tr("ui.new.resume_ok", self.lang, name=self.resume_path.name,
                                              skills=len(self.resume.get("skills") or [])))

    # ------------------------------------------------------------------ resume
    def browse_resume(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.view, tr("ui.new.drop", self.lang), str(Path.home()), "PDF (*.pdf)")
        if path:
            self.load_resume(Path(path))

    def load_resume(self, path: Path) -> Op:
        lang = self.lang
        self.view.resume_state.setText(tr("ui.new.reading", lang, name=path.name))

        def work(progress, cancel):  # job pool
            # lazy: resume structuring costs ~0.1 s of start-up (measured); read on the job pool
            from core.resume.store import parse_resume
            from engines.pdf.pymupdf_reader import PyMuPdfReader

            return parse_resume(PyMuPdfReader(), path)

        def done(parsed) -> None:
            self.resume_path = path
            self.resume_text, self.resume = parsed
            self._fill_preview()
            self.view.resume_state.setText(tr("ui.new.resume_ok", lang, name=path.name,
                                              skills=len(self.resume.get("skills") or [])))
            self.schedule_plan()

        def failed(exc) -> None:
            self.view.resume_state.setText("")
            self.view.show_error(tr("ui.new.resume_bad", lang, reason=error_text(exc, lang)))

        self.view.banner.clear_message()
        return self.track(Op(self.view, work, done).failure(failed)
                          .with_progress(tr("ui.new.reading", lang, name=path.name)).run_in_background())

    def _fill_preview(self) -> None:
        v, r = self.view, self.resume
        for w in (v.r_name, v.r_skills, v.r_projects, v.r_experience):
            w.blockSignals(True)
        v.r_name.setText(r.get("name") or "")
        v.r_skills.setText(", ".join(r.get("skills") or []))
        v.r_projects.setPlainText("\n".join(p.get("name") or "" for p in r.get("projects") or []))
        v.r_experience.setPlainText("\n".join(
            " @ ".join(x for x in (e.get("role"), e.get("company")) if x) for e in r.get("experience") or []))
        for w in (v.r_name, v.r_skills, v.r_projects, v.r_experience):
            w.blockSignals(False)

    def _edited_soon(self) -> None:
        self.plan_timer.start()
        self._apply_edits()

    def _edited(self) -> None:
        self._apply_edits()
        self.schedule_plan()

    def _apply_edits(self) -> None:
        """The candidate's corrections replace the parsed values (projects/experience by line)."""
        v, r = self.view, dict(self.resume)
        r["name"] = v.r_name.text().strip() or None
        r["skills"] = [s.strip() for s in v.r_skills.text().split(",") if s.strip()]
        old_projects = {p.get("name"): p for p in r.get("projects") or []}
        r["projects"] = [old_projects.get(n, {"name": n, "tech": [], "description": ""})
                         for n in _lines(v.r_projects.toPlainText())]
        old_exp = {" @ ".join(x for x in (e.get("role"), e.get("company")) if x): e for e in r.get("experience") or []}
        exp = []
        for ln in _lines(v.r_experience.toPlainText()):
            if ln in old_exp:
                exp.append(old_exp[ln])
            else:
                role, _, company = ln.partition("@")
                exp.append({"role": role.strip() or None, "company": company.strip() or None, "achievements": []})
        r["experience"] = exp
        self.resume = r

    # ------------------------------------------------------------------ plan
    def schedule_plan(self, *_args) -> None:
        self.plan = None
        self.view.start.setEnabled(False)
        self.plan_timer.start()

    def rebuild_plan(self) -> Op | None:
        v, lang = self.view, self.lang
        if self.plan_op is not None:
            self.plan_op.cancel()
        if self.ctx.user is None:
            return None
        resume = (self.resume_text, dict(self.resume)) if self.resume_path is not None else None
        args = dict(sessions=self.ctx.sessions, candidate_id=self.ctx.user.id, lang=lang,
                    company_id=v.company.currentData(), position=v.position.currentText(),
                    resume_path=self.resume_path, resume=resume, n=v.count.value(),
                    manager=self.ctx.model_manager(), settings=self.ctx.settings, practise=self.practise,
                    probe=self.ctx.runtime_probe)
        v.plan_progress.show()
        v.plan_state.setText(tr("ui.new.planning", lang))
        # lazy: the planning job's module brings the engine assembly, numpy and the interview flow
        # (~0.5 s of start-up, measured); the first plan is made after the window is shown
        from desktop.workers.planning import prepare_interview
        from engines.assembly import default_probe

        base_probe = args.pop("probe") or default_probe

        def work(progress, cancel):
            def probe(entry, path):  # say what is being checked (a first check takes seconds)
                progress(0, 0, tr("ui.new.checking_engine", lang, name=entry.name))
                base_probe(entry, path)

            return prepare_interview(progress=progress, cancel=cancel, probe=probe, **args)

        def done(plan) -> None:
            if op is not self.plan_op:
                return  # an older plan finished after a newer one started
            v.plan_progress.hide()
            self.plan = plan
            v.plan_state.setText(tr(f"ui.new.plan_{plan.source}", lang, n=len(plan.questions)))
            notes = [n for n in (plan.note, plan.speech_note) if n]
            v.plan_list.setText("\n".join(notes + [f"{i + 1}. {q.text}" for i, q in enumerate(plan.questions)]))
            v.start.setEnabled(True)

        def failed(exc) -> None:
            if op is not self.plan_op:
                return
            v.plan_progress.hide()
            v.plan_state.setText("")
            v.show_error(error_text(exc, lang))

        def progress(_d, _t, message) -> None:
            if message and op is self.plan_op:
                v.plan_state.setText(message)

        op = Op(v, work, done).failure(failed).progress_to(progress)
        self.plan_op = self.track(op)
        op.run_in_background()
        return op

    def start_interview(self) -> None:
        if self.plan is None:
            return
        v = self.view
        company_id = v.company.currentData()
        setup = InterviewSetup(
            language=self.lang, company_id=company_id,
            company_name=v.company.currentText() if company_id else None,
            position=v.position.currentText().strip(), resume_path=self.resume_path, resume=dict(self.resume),
            resume_text=self.resume_text, plan=self.plan, calibration=self.calibration,
            share_live=v.share_live.isChecked() and self.may_share_live(),
            camera_ok=self.camera_ok, microphone_ok=self.microphone_ok)
        self.nav("live", setup=setup)
