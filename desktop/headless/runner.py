"""Run a complete interview from files: resume PDF -> plan -> answers -> report.

The composition root of the headless path: it checks the inputs and outputs, picks the
engines (the model manager under the user's settings) and drives
:class:`core.interview.session.InterviewSession`, the same object the live screen and the
benchmarks drive. Order of work and its guarantees:

1. Every input and output is checked before anything is stored or computed: resume
   readable, answers are WAVs (PCM or 32-bit float) or ``.txt`` typed answers, company
   known, position not blank, outputs writable and distinct from the inputs and each other;
   then the database is opened (reachable, writable) before any model is loaded. A bad one raises InputError and leaves the database untouched.
2. Interrupted interviews left by earlier runs are swept: those without an answer are
   deleted, those with answers marked ``cancelled`` with a reason (``recovered``).
3. The session stores the resume (one row per file content), the interview and each asked
   question; each utterance is committed as it is final. A failure or interrupt ends the
   interview through ``session.cancel(reason)``: deleted when no answer was stored, else
   ``cancelled``; ``on_kept`` hears what was kept.
4. The report is built and stored, the interview completed; JSON/HTML/PDF are written
   atomically (temp file + rename).

Threading: runs on the calling thread (the CLI's, or a desktop worker's); ``cancel`` is
checked between answers and stages. Progress goes to ``progress(done, total, message)``,
possibly from the session's evaluation thread.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from contextlib import AbstractContextManager
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.bank import Company, get_company
from core.config import Settings, load_settings
from core.db.models import User
from core.db.session import open_database, session_factory
from core.errors import Big20Error, InputError
from core.i18n import LANGUAGES, tr
from core.interview.followup import follow_up_budget
from core.interview.recovery import InterruptedInterview, cancel_resumable
from core.interview.session import InterviewSession, InterviewSetup, SessionListener, describe_error
from core.interview.types import KeptSummary
from core.outputs import atomic_path, check_outputs
from core.protocols import StreamingTranscriber
from core.report.builder import AnswerRecord
from core.report.export import write_html, write_pdf
from core.resume.store import parse_resume
from core.services.users import create_user
from core.tasks import CancelToken, no_progress
from desktop.headless.video import analyze_video, answer_windows
from engines.assembly import FileEngines, file_engines, model_manager, speech_router_factory, whisper_model_at
from engines.capture.audio import FileAudioSource
from engines.capture.video import FileVideoSource
from engines.pdf.pymupdf_reader import PyMuPdfReader
from engines.stt.whisper_file import check_wav, wav_duration

log = logging.getLogger(__name__)

REPLAY_USER = "replay"
TYPED_SUFFIX = ".txt"
MAX_TYPED_CHARS = 20_000


@dataclass
class ReplayRequest:
    resume: Path
    company: str
    position: str
    language: str
    answers: list[Path]
    out: Path | None = None
    html: Path | None = None
    pdf: Path | None = None
    video: Path | None = None
    db_url: str | None = None
    seed: int = 0
    force_llm: bool = False  # use the active GGUF for planning/evaluation even if not capable
    realtime: bool = False  # stream each answer in real time through the live speech path
    questions: list[str] | None = None  # ask exactly these bank questions, in order
    # answers to follow-up questions (꼬리 질문), in the order follow-ups are asked; a
    # follow-up asked when none is left is skipped. None or empty: no follow-ups are asked
    follow_up_answers: list[Path] | None = None
    follow_ups: int | None = None  # budget; None: the settings' per-interview share


@dataclass
class ReplayResult:
    report: dict[str, Any]
    interview_id: int
    timings: dict[str, float] = field(default_factory=dict)
    plan_source: str = "bank"
    recovered: list[InterruptedInterview] = field(default_factory=list)  # interrupted interviews this run cancelled
    refused: list[Big20Error] = field(default_factory=list)  # RuntimeRefused errors of engines left out


# the runtimes a replay uses, built by the engine assembly from the model manager when not given
Engines = FileEngines


def _check_file(path: Path, missing_code: str) -> None:
    path = Path(path)
    if path.is_dir():
        raise InputError("input.is_directory", file=str(path))
    if not path.is_file():
        raise InputError(missing_code, file=str(path))


def read_typed_answer(path: Path) -> str:
    """The text of a ``.txt`` typed answer (UTF-8); InputError when unreadable or empty."""
    _check_file(path, "replay.answer_missing")
    try:
        raw = Path(path).read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("replay.typed_not_utf8", file=Path(path).name) from None
    except OSError as exc:
        raise InputError("replay.typed_unreadable", file=Path(path).name, reason=exc.strerror or str(exc)) from None
    if not text.strip():
        raise InputError("replay.typed_empty", file=Path(path).name)
    if len(text) > MAX_TYPED_CHARS:
        raise InputError("replay.typed_too_long", file=Path(path).name, max=MAX_TYPED_CHARS)
    return text.strip()


def _follow_up_budget(req: ReplayRequest, settings: Settings, n: int) -> int:
    """Follow-ups this replay may ask: none without follow-up answers (recorded answers to
    planned questions stay paired with them), else ``req.follow_ups`` or the settings' share."""
    if not req.follow_up_answers or req.questions:
        return 0
    if req.follow_ups is not None:
        return max(0, req.follow_ups)
    return follow_up_budget(settings.follow_ups_per_interview, n, settings.questions_per_interview)


def check_request(req: ReplayRequest) -> Company:
    """Every check that needs no model and no database; returns the company profile."""
    if req.language not in LANGUAGES:
        raise InputError("bank.unknown_language", lang=req.language, known=", ".join(LANGUAGES))
    if not (req.position or "").strip():
        raise InputError("session.position_blank")
    if not req.answers:
        raise InputError("replay.no_answers")
    if req.questions is not None and len(req.questions) != len(req.answers):
        raise InputError("replay.questions_answers_count", questions=len(req.questions), answers=len(req.answers))
    for a in [*req.answers, *(req.follow_up_answers or [])]:
        if Path(a).suffix.lower() == TYPED_SUFFIX:
            read_typed_answer(Path(a))
        else:
            check_wav(Path(a))
    company = get_company(req.company)
    _check_file(Path(req.resume), "resume.not_found")
    if req.video is not None:
        _check_file(Path(req.video), "replay.video_missing")
        probe = FileVideoSource(req.video)
        probe.open()  # a file OpenCV cannot decode fails here, before anything is stored
        probe.close()
    inputs = [req.resume, req.video, *req.answers, *(req.follow_up_answers or [])]
    if req.db_url and req.db_url.startswith("sqlite:///"):
        inputs.append(Path(req.db_url.split("///", 1)[1]))
    check_outputs({"--out": req.out, "--html": req.html, "--pdf": req.pdf}, inputs)
    return company


def _replay_user(factory: sessionmaker[Session]) -> int:

    with factory() as session:
        uid = session.scalar(select(User.id).where(User.username == REPLAY_USER))
        if uid is None:
            # a local, login-less owner for headless runs; the password is random and never shown
            uid = create_user(session, email="replay@localhost.localdomain", username=REPLAY_USER,
                              password=secrets.token_urlsafe(24), full_name="Replay").id
            session.commit()
        return uid


def _stream_file(session: InterviewSession, audio: Path, realtime: bool) -> None:
    """Play ``audio`` into the session's live path (begin_answer / feed / end_answer)."""
    source = FileAudioSource(audio, speed=1.0 if realtime else 0.0, tail_silence_s=1.0)
    session.begin_answer()
    try:
        source.start(lambda block, _t: session.feed(block))
        source.done.wait()
    finally:
        source.stop()
    session.end_answer()


def run_replay(req: ReplayRequest, *, engines: Engines | None = None,
               progress: Callable[[float, float | None, str], None] = no_progress,
               cancel: CancelToken | None = None, settings: Settings | None = None,
               on_kept: Callable[[KeptSummary], None] | None = None) -> ReplayResult:
    cancel = cancel or CancelToken()
    lang = req.language
    n = len(req.answers)
    n_extra = len(req.follow_up_answers or [])
    total = 3 + 2 * (n + n_extra) + (1 if req.video is not None else 0)
    step = [0]

    def tick(message: str) -> None:
        progress(step[0], total, message)
        step[0] += 1

    company = check_request(req)
    settings = settings or load_settings().settings
    source = "--db" if req.db_url is not None else "database_url"
    db = open_database(req.db_url or settings.resolved_database_url(), source=source)
    factory = session_factory(db)
    try:
        eng = engines or file_engines(settings, force_llm=req.force_llm)
        if req.video is not None:
            # the video is analysed after the answers: a missing eye or emotion model must
            # stop the run now, not after the whole interview
            video_models = model_manager(settings)
            video_models.require("eyes")
            video_models.require("emotion")
        t0 = time.perf_counter()
        tick(tr("replay.stage.resume", lang))
        parsed = parse_resume(eng.reader or PyMuPdfReader(), Path(req.resume))  # validate before any row exists
        t_resume = time.perf_counter() - t0
        recovered = cancel_resumable(factory, tr("replay.cancelled_interrupted", lang))
        cand = _replay_user(factory)

        class Progress(SessionListener):
            def evaluation_ready(self, index: int, record: AnswerRecord) -> None:
                tick(tr("replay.stage.evaluate", lang, i=index + 1, n=n))

        streaming = None
        if req.realtime:
            streaming = _live_speech_factory(eng, settings)
        session = InterviewSession(
            factory,
            InterviewSetup(candidate_id=cand, company=company, position=req.position.strip(), language=lang,
                           n_questions=n, resume_path=Path(req.resume), resume=parsed,
                           question_keys=list(req.questions) if req.questions else None, seed=req.seed,
                           follow_ups=_follow_up_budget(req, settings, n)),
            eng.session_engines(lang, company, streaming=streaming, cancel=cancel),
            listener=Progress(), cancel=cancel)
        try:
            session.validate()
            tick(tr("replay.stage.plan", lang))
            session.prepare(cancel)
            session.start()
            durations: list[float] = []
            answered: list[int] = []  # plan index of each answer, in the order given
            main, extra = list(req.answers), list(req.follow_up_answers or [])
            i = 0
            while (asked := session.ask_next()) is not None:
                cancel.raise_if_cancelled()
                if asked.question.is_follow_up:
                    if not extra:  # a follow-up nobody recorded an answer for
                        session.skip()
                        continue
                    answer = Path(extra.pop(0))
                elif i < len(main):
                    answer = Path(main[i])
                    i += 1
                else:
                    session.skip()
                    break
                answered.append(asked.index)
                tick(tr("replay.stage.transcribe", lang, i=len(answered), n=n + n_extra))
                if answer.suffix.lower() == TYPED_SUFFIX:
                    ended = session.answer_text(read_typed_answer(answer))
                elif req.realtime:
                    _stream_file(session, answer, realtime=True)
                    ended = None
                    durations.append(wav_duration(answer))
                else:
                    ended = session.answer_audio(answer)
                if ended is not None:
                    durations.append(ended.duration_s or 0.0)
            session.wait_idle()
            emotions = None
            timings_video = None
            if req.video is not None:
                t_video = time.perf_counter()
                tick(tr("replay.stage.video", lang))
                video = analyze_video(Path(req.video), answer_windows(durations), lang, cancel=cancel,
                                      manager=model_manager(settings))
                for i, per in enumerate(video.per_answer):
                    session.attach_vision(answered[i], per, {"dominant": per.get("dominant_emotion"),
                                                   "mean": per.get("emotion_mean"),
                                                   "samples": per.get("emotion_samples"),
                                                   "reliable": per.get("reliable")})
                emotions = {**video.emotions, "calibration": video.calibration,
                            "video": {"frames": video.frames, "duration_s": video.duration_s}}
                timings_video = time.perf_counter() - t_video
            tick(tr("replay.stage.report", lang))
            report = session.finish(emotions=emotions)
        except BaseException as exc:
            reason = tr("replay.interrupted_reason", lang) if isinstance(exc, KeyboardInterrupt) \
                else describe_error(exc, lang)
            kept = session.cancel(reason)
            if on_kept is not None and kept.status in ("deleted", "cancelled"):  # else nothing was stored
                on_kept(kept)
            raise
        interview_id = session.interview_id
        assert interview_id is not None, "a finished session has its interview row"
    finally:
        db.dispose()

    t0 = time.perf_counter()
    _write_outputs(req, report, lang, interview_id, atomic_path)
    timings = dict(session.timings)
    timings["resume"] = t_resume
    timings["report"] += time.perf_counter() - t0
    if timings_video is not None:
        timings["video"] = timings_video
    progress(total, total, tr("replay.stage.done", lang))
    return ReplayResult(report=report, interview_id=interview_id,
                        timings={k: round(v, 3) for k, v in timings.items()}, plan_source=session.plan_source,
                        recovered=recovered, refused=list(eng.refused))


def _write_outputs(req: ReplayRequest, report: dict, lang: str, interview_id: int,
                   atomic_path: Callable[[Path], AbstractContextManager[Path]]) -> None:

    jobs: list[tuple[str, Path, Callable[[Path], object]]] = []
    if req.out:
        jobs.append(("--out", Path(req.out),
                     lambda p: p.write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")))
    if req.html:
        jobs.append(("--html", Path(req.html), lambda p: write_html(report, p, lang=lang)))
    if req.pdf:
        jobs.append(("--pdf", Path(req.pdf), lambda p: write_pdf(report, p, lang=lang)))
    for option, path, write in jobs:
        try:
            with atomic_path(path) as tmp:
                write(tmp)
        except (OSError, RuntimeError) as exc:  # pymupdf raises RuntimeError for file errors
            raise InputError("output.write_failed", option=option, file=str(path), id=interview_id,
                             reason=getattr(exc, "strerror", None) or str(exc)) from None


def _live_speech_factory(eng: Engines, settings: Settings) -> Callable[[], StreamingTranscriber]:
    """A fresh speech router per answer: Deepgram when a key is set and it answers, local
    faster-whisper (the active 'stt' model, threaded as live) otherwise."""
    assert eng.stt_model_dir is not None, "file_engines sets the speech model's folder"
    return speech_router_factory(whisper_model_at(eng.stt_model_dir), use_deepgram=settings.speech.use_deepgram)
