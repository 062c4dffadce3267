"""One interview, start to finish, for every front end: plan -> ask -> listen -> transcribe ->
evaluate -> report. Qt-free; engines come in through the Protocols in :mod:`core.protocols`.

API note for front ends (replay, the live screen, benchmarks)
------------------------------------------------------------
Construct::

    setup = InterviewSetup(candidate_id=uid, company=get_company("KAKAO"), position="Backend",
                           language="ko", n_questions=5, resume_path=pdf, resume=parse_resume(reader, pdf))
    engines = SessionEngines(evaluator=CoverageEvaluator(), transcriber=file_transcriber,
                             streaming=lambda: router, planner_llm=None)
    session = InterviewSession(session_factory, setup, engines, listener=my_listener)
    session.validate()            # bad setup -> InputError; nothing stored
    session.prepare()             # the question plan (LLM or bank or setup.question_keys); no rows
    session.start()               # resume row (one per file content), interview row: live
    while (q := session.ask_next()) is not None:
        # audio from a file (whole-file recognition):   session.answer_audio(path_or_pcm)
        # live / streamed audio:                        session.begin_answer(); session.feed(pcm)...; session.end_answer()
        # typed:                                        session.answer_text("...")
        # skipped:                                      session.skip()
    report = session.finish(emotions=None)   # finishing early drops the unanswered question on screen
    # on any failure or user stop: session.cancel(reason) -> KeptSummary (what was kept)

Interrupted interviews (crash, kill -9, power loss) are found by :mod:`core.interview.recovery`.
The desktop, when it opens the database::

    sweep_interrupted(factory)                    # deletes the ones without any answer
    for offer in find_resumable(factory, candidate_id=uid):   # InterruptedInterview rows
        # offer.answered of offer.planned answered; ask the user:
        session = InterviewSession.resume(factory, offer.id, engines, listener=...)  # then ask_next() ...
        # or: discard_interview(factory, offer.id, reason)   # cancelled, reason stored

Threading contract
------------------
* Control methods (``validate``, ``prepare``, ``start``, ``ask_next``, ``answer_audio``,
  ``begin_answer``, ``end_answer``, ``answer_text``, ``skip``, ``attach_vision``, ``finish``,
  ``cancel``) are called from ONE controller thread, never the Qt UI thread: ``prepare``,
  ``answer_audio``, ``end_answer`` and ``finish`` block (model calls, database writes).
* ``feed(pcm)`` is called from one audio thread (the microphone's), between
  ``begin_answer`` and ``end_answer``; it only hands audio to the streaming engine. Stop the
  microphone (or stop feeding) before calling ``end_answer``: audio fed later is ignored.
* ``cancel`` may also be called from another thread (a signal handler's, a stop button's
  worker): it stops a running stream, waits for background work and marks the interview.
* Callbacks on the :class:`SessionListener` fire on these threads:
  ``question_asked`` - the controller thread (inside ``ask_next``);
  ``interim_text`` / ``final_text`` - the speech engine's thread (inside ``answer_audio``
  for file recognition: the controller thread); ``answer_ended`` - the controller thread
  (inside ``answer_audio`` / ``end_answer`` / ``answer_text``); ``transcript_replaced``,
  ``evaluation_ready`` - the session's background thread ("interview-post"), which runs the
  full-context pass and the evaluation while the next question is read;
  ``report_ready`` - the controller thread (inside ``finish``).
  A Qt front end re-emits them as signals. An exception in a callback is logged and does
  not stop the interview.

Follow-ups: with ``setup.follow_ups`` > 0, each answer (not a follow-up's, not the closing
question's, not a "don't know") may get one follow-up about what it said, inserted right
after it in ``plan`` (and in the stored plan): ``ask_next`` returns it next with
``question.is_follow_up`` and ``parent_index`` set. While a streamed answer is spoken the
draft is prepared from the interim text (an LLM draft on a "follow-up" thread); when the
answer ends it is settled on the final text (``follow_up_latency`` holds the seconds from the
answer's end to the decision, ready for ``ask_next``).

Storage rules: each final utterance is committed as it arrives (TranscriptWriter); after a
streamed answer ends, a full-context pass over that answer's audio replaces its streaming
utterances (one transaction). An answer whose speech is not in the interview's language is
stored but not evaluated for content, with a warning in the report. Typed answers are
evaluated the same way; their delivery metrics are marked not applicable.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.bank import BankQuestion, Company, get_company, load_question_bank
from core.db.models import Company as CompanyRow
from core.db.models import Interview, InterviewQuestion, InterviewStatus, Resume, Speaker, Transcript
from core.errors import Big20Error, Cancelled, EngineError, InputError
from core.evaluation.text import words_from_text
from core.interview.prewarm import EvaluationPrewarmer
from core.i18n import tr
from core.interview.followup import (
    FollowUpDrafter,
    draft_follow_up,
    draft_follow_up_llm,
    is_dont_know,
    quote_in_answer,
)
from core.interview.planner import (
    PlanContext,
    _fill_slots,
    _planned,
    is_closing,
    plan_from_bank,
    plan_with_llm,
    resume_facts,
)
from core.interview.recovery import OwnerRecord, discard_interview, owner_record
from core.interview.types import KeptSummary, PlannedQuestion
from core.protocols import (
    SAMPLE_RATE,
    AnswerEvaluator,
    FileTranscriber,
    JsonObject,
    LanguageModel,
    StreamingTranscriber,
    Transcription,
    TranscriptSegment,
    Word,
)
from core.report.builder import AnswerRecord, build_report
from core.report.store import save_report
from core.resume.store import file_sha256, intake_resume
from core.services.interviews import add_asked_question, create_interview, get_interview, transition
from core.services.sharing import grant
from core.services.transcripts import TranscriptWriter, append_utterance, replace_answer
from core.tasks import CancelToken

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

TYPED_ENGINE = "typed"
POST_THREAD = "interview-post"


def _owner() -> OwnerRecord:
    # pid, host and process start time: recovery tells a zombie or a reused pid from the owner
    return owner_record()


# ----------------------------------------------------------------------------- data
@dataclass
class InterviewSetup:
    """What the candidate chose. ``resume`` is :func:`core.resume.store.parse_resume`'s
    (text, structured) for ``resume_path``; ``question_keys`` asks exactly those bank
    questions (in order) instead of planning. ``uuid``: the interview's id across stores, when
    chosen before the start (a live copy on the server shares it, so the later sync updates
    that copy); ``share_video_with``: the company the candidate agreed, before the start, to
    share this interview with, video included (the consent is stored with the interview)."""

    candidate_id: int
    company: Company | None  # None is refused by InterviewSession.validate()
    position: str
    language: str
    n_questions: int = 6
    resume_path: Path | None = None
    resume: tuple[str, JsonObject] | None = None
    question_keys: list[str] | None = None
    seed: int = 0
    uuid: str | None = None
    share_video_with: str | None = None
    follow_ups: int = 0  # follow-up budget (see core.interview.followup.follow_up_budget)


@dataclass
class SessionEngines:
    """The engines one interview uses. ``evaluator`` is any AnswerEvaluator; ``transcriber``
    recognises whole answers (files, and the full-context pass after a streamed answer);
    ``streaming()`` returns a StreamingTranscriber for live answers (one per answer);
    ``planner_llm`` writes the plan when given (else the bank); ``second_evaluator``, when
    given, also scores each evaluated answer and is shown beside the first (never averaged in)."""

    evaluator: AnswerEvaluator
    transcriber: FileTranscriber | None = None
    streaming: Callable[[], StreamingTranscriber] | None = None
    planner_llm: LanguageModel | None = None
    full_context_pass: bool = True
    second_evaluator: AnswerEvaluator | None = None
    follow_up_llm: LanguageModel | None = None  # drafts follow-ups when given (a capable model)


@dataclass
class AskedQuestion:
    index: int
    question: PlannedQuestion
    asked_id: int


@dataclass
class AnswerEnded:
    index: int
    text: str
    mode: str  # "speech" | "typed"
    duration_s: float | None
    engine: str


class SessionListener:
    """Observer of one interview; override what you need (see the module's threading note)."""

    def question_asked(self, asked: AskedQuestion) -> None: ...

    def interim_text(self, index: int, segment: TranscriptSegment) -> None: ...

    def final_text(self, index: int, segment: TranscriptSegment) -> None: ...

    def answer_ended(self, ended: AnswerEnded) -> None: ...

    def transcript_replaced(self, index: int, text: str) -> None: ...

    def evaluation_ready(self, index: int, record: AnswerRecord) -> None: ...

    def report_ready(self, report: dict[str, object], interview_id: int) -> None: ...  # Report.to_json()


# ----------------------------------------------------------------------------- planning
def plan_from_keys(keys: Sequence[str], ctx: PlanContext,
                   bank: Sequence[BankQuestion] | None = None) -> list[PlannedQuestion]:
    """Exactly the bank questions ``keys``, in order, slots filled from the resume/setup
    (what "practise again" asks). Unknown key or an unfillable slot -> InputError."""
    bank = list(bank) if bank is not None else load_question_bank()
    by_key = {q.key: q for q in bank}
    facts = resume_facts(ctx.resume)
    used: set[str] = set()
    plan: list[PlannedQuestion] = []
    for key in keys:
        q = by_key.get(key)
        if q is None:
            raise InputError("bank.unknown_question", key=key)
        # another value than the plan's earlier questions when there is one; a practise set may
        # repeat a fact (two questions on the one current job) rather than refuse
        filled = _fill_slots(q, ctx, facts, used) or _fill_slots(q, ctx, facts, set())
        if filled is None:
            raise InputError("session.question_slot_unfilled", key=key, slots=", ".join(q.slots))
        values, grounding = filled
        used.update(values.values())
        plan.append(_planned(q, ctx.language, values, grounding))
    return plan


# ----------------------------------------------------------------------------- language check
def typed_language_guess(text: str) -> tuple[str | None, float]:
    """(language, share of letters) of a typed answer by script: Hangul -> ko, Latin -> en."""
    hangul = sum(1 for ch in text if "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    total = hangul + latin
    if total < 8:  # too little text to judge
        return None, 0.0
    return ("ko", hangul / total) if hangul >= latin else ("en", latin / total)


# Language identification (faster-whisper base on the shared recordings) gave the spoken
# language 0.91-0.9997 and the other one at most 0.007: an answer counts as in another
# language only when that one is clearly likely and the chosen one clearly unlikely, so an
# accented or mixed answer is never refused.
MISMATCH_DETECTED_MIN = 0.5
MISMATCH_CHOSEN_MAX = 0.2
TYPED_SCRIPT_SHARE = 0.8  # typed: share of letters in the other language's script


def language_mismatch(tx: Transcription | None, text: str, chosen: str, typed: bool) -> tuple[str, float] | None:
    """(detected language, its probability) when the answer is clearly not in ``chosen``."""
    if typed:
        lang, share = typed_language_guess(text)
        return (lang, round(share, 2)) if lang is not None and lang != chosen and share >= TYPED_SCRIPT_SHARE else None
    if tx is None:
        return None
    if tx.detected_language is not None and tx.language_probability is not None:
        from_engine = (tx.detected_language != chosen and tx.language_probability >= MISMATCH_DETECTED_MIN
                       and (tx.chosen_language_probability or 0.0) <= MISMATCH_CHOSEN_MAX)
        return (tx.detected_language, tx.language_probability) if from_engine else None
    # engines that report a language per segment (Deepgram's detected language)
    langs = [s.language for s in tx.segments if s.language]
    if langs and all(lg.split("-")[0] != chosen for lg in langs):
        return langs[0].split("-")[0], 1.0
    return None


def _language_name(code: str, ui: str) -> str:
    """"Korean"/"한국어" for the interview languages; any other detected language by its code."""
    return tr(f"session.lang.{code}", ui) if code in ("ko", "en") else code


# ----------------------------------------------------------------------------- the session
@dataclass
class _Answer:
    asked: AskedQuestion
    mode: str
    tx: Transcription | None
    text: str
    words: list[Word]
    audio: np.ndarray | None = None  # the answer's PCM, kept for the full-context pass
    streamed: bool = False


class InterviewSession:
    """One interview (see the module docstring for the API and the threading contract)."""

    def __init__(self, session_factory: Callable[[], Session], setup: InterviewSetup, engines: SessionEngines, *,
                 listener: SessionListener | None = None, cancel: CancelToken | None = None) -> None:
        self.factory = session_factory
        self.setup = setup
        self.engines = engines
        self.listeners: list[SessionListener] = [listener] if listener is not None else []
        self.cancel_token = cancel or CancelToken()
        self.plan: list[PlannedQuestion] = []
        self.plan_source = "bank"
        self.interview_id: int | None = None
        self.interview_uuid: str | None = None
        self.resume_id: int | None = None
        self.records: dict[int, AnswerRecord] = {}
        self.timings: dict[str, float] = {"plan": 0.0, "transcribe": 0.0, "full_context": 0.0,
                                          "evaluate": 0.0, "report": 0.0}
        self._next = 0
        self._current: AskedQuestion | None = None
        self._answered = 0
        self._db_lock = threading.Lock()
        self._timing_lock = threading.Lock()
        self._stream: StreamingTranscriber | None = None
        self._stream_audio: list[np.ndarray] = []
        self._stream_finals: list[TranscriptSegment] = []
        self._writer: TranscriptWriter | None = None
        self._post_queue: queue.Queue[_Answer | None] = queue.Queue()
        self._post_thread: threading.Thread | None = None
        self._post_error: BaseException | None = None
        self._state = "new"
        self._resume_created = False
        self.follow_ups_asked = 0
        self.follow_up_latency: list[float] = []  # seconds from an answer's end to its follow-up decision
        self._drafter: FollowUpDrafter | None = None  # while a streamed answer runs
        self._prewarmer: EvaluationPrewarmer | None = None  # while a streamed answer runs

    # ------------------------------------------------------------------ events
    def add_listener(self, listener: SessionListener) -> None:
        self.listeners.append(listener)

    def _emit(self, name: str, *args: object) -> None:
        for listener in list(self.listeners):
            try:
                getattr(listener, name)(*args)
            except Exception:  # noqa: BLE001 - a front end's bug must not end the interview
                log.exception("listener %s.%s failed", type(listener).__name__, name)

    def _time(self, key: str, seconds: float) -> None:
        with self._timing_lock:
            self.timings[key] = self.timings.get(key, 0.0) + seconds

    @property
    def language(self) -> str:
        return self.setup.language

    @property
    def answered(self) -> int:
        return self._answered

    @property
    def state(self) -> str:
        """"new", "prepared" (plan ready), "live" (started or resumed), "completed", "cancelled"."""
        return self._state

    # ------------------------------------------------------------------ setup
    def validate(self) -> None:
        """Refuse a setup that cannot make an interview (before anything is stored)."""
        s = self.setup
        if s.language not in ("ko", "en"):
            raise InputError("bank.unknown_language", lang=s.language, known="ko, en")
        if not (s.position or "").strip():
            raise InputError("session.position_blank")
        if s.company is None:
            raise InputError("session.company_missing")
        if s.question_keys is not None and not s.question_keys:
            raise InputError("session.no_questions")
        if s.question_keys is None and s.n_questions < 1:
            raise InputError("session.no_questions")

    def _context(self) -> PlanContext:
        structured = self.setup.resume[1] if self.setup.resume else {}
        return PlanContext(language=self.language, position=self.setup.position.strip(), resume=structured,
                           company=self.setup.company, seed=self.setup.seed)

    def prepare(self, cancel: CancelToken | None = None) -> list[PlannedQuestion]:
        """Build the question plan (no database rows). Blocking: an LLM plan takes seconds."""
        self.validate()
        cancel = cancel or self.cancel_token
        t0 = time.perf_counter()
        ctx = self._context()
        s = self.setup
        plan: list[PlannedQuestion] | None
        if s.question_keys:
            plan, source = plan_from_keys(s.question_keys, ctx), "keys"
        else:
            plan, source = None, "bank"
            if self.engines.planner_llm is not None:
                plan = plan_with_llm(self.engines.planner_llm, ctx, s.n_questions, cancel=cancel)
                source = "llm" if plan else "bank"
            if not plan:
                # the bank ranking stays lexical: the embedder's cosine was measured for answer
                # sentences vs key points, not for resume vs question relevance
                plan = plan_from_bank(load_question_bank(), ctx, s.n_questions)
            if len(plan) < s.n_questions:
                raise InputError("replay.too_few_questions", planned=len(plan), n=s.n_questions)
        self.plan, self.plan_source = list(plan), source
        self._time("plan", time.perf_counter() - t0)
        self._state = "prepared"
        return self.plan

    def _plan_doc(self) -> JsonObject:
        return {"questions": [asdict(q) for q in self.plan], "source": self.plan_source,
                "seed": self.setup.seed, "follow_ups": self.setup.follow_ups, "owner": _owner()}

    def start(self) -> int:
        """Store the resume (one row per file content and candidate), the interview with its
        plan, and move it to ``live``; returns the interview id. One transaction."""
        if self._state != "prepared":
            raise RuntimeError("prepare() before start()")
        s = self.setup
        company = self._company()
        lang = self.language
        with self._db_lock, self.factory() as db:
            if db.get(CompanyRow, company.id) is None:
                db.add(CompanyRow(id=company.id, company_name=company.company_name.get(lang),
                                  ideal=company.ideal.get(lang), description=company.description.get(lang)))
                db.flush()
            resume_id = None
            if s.resume_path is not None and s.resume is not None:
                sha = file_sha256(Path(s.resume_path))
                row = db.scalar(select(Resume).where(Resume.candidate_id == s.candidate_id, Resume.sha256 == sha)
                                .order_by(Resume.id).limit(1))
                if row is None:
                    # the parse is done (prepare's input): the reader is not needed again
                    row = intake_resume(db, None, Path(s.resume_path), s.candidate_id, parsed=s.resume)
                    self._resume_created = True
                resume_id = row.id
            interview = create_interview(db, candidate_id=s.candidate_id, position=s.position,
                                         company_id=company.id, resume_id=resume_id, language=lang,
                                         uuid=s.uuid)
            interview.plan = self._plan_doc()
            transition(db, interview, InterviewStatus.live)
            if s.share_video_with is not None:
                grant(db, interview, s.share_video_with, include_video=True)
            db.commit()
            self.interview_id, self.interview_uuid, self.resume_id = interview.id, interview.uuid, resume_id
        self._state = "live"
        return self.interview_id

    # ------------------------------------------------------------------ questions
    def ask_next(self) -> AskedQuestion | None:
        """Store and announce the next planned question; None when the plan is done."""
        self._require_live()
        self.cancel_token.raise_if_cancelled()
        if self._current is not None:
            raise RuntimeError("the current question has not been answered")
        if self._next >= len(self.plan):
            return None
        i = self._next
        q = self.plan[i]
        with self._db_lock, self.factory() as db:
            interview = get_interview(db, self._live_id())
            row = add_asked_question(db, interview, text=q.text, position=i)
            db.commit()
            asked = AskedQuestion(index=i, question=q, asked_id=row.id)
        self._current = asked
        self._next += 1
        self._emit("question_asked", asked)
        return asked

    def _require_live(self) -> None:
        if self._state != "live":
            raise RuntimeError(f"interview session is {self._state}, not live")

    def _company(self) -> Company:
        """The setup's company (a setup without one is refused by validate() in prepare())."""
        if self.setup.company is None:
            raise InputError("session.company_missing")
        return self.setup.company

    def _live_id(self) -> int:
        """The stored interview's id (set by start() or resume() before the session is live)."""
        if self.interview_id is None:
            raise RuntimeError(f"interview session is {self._state}: no stored interview")
        return self.interview_id

    def _take_current(self) -> AskedQuestion:
        if self._current is None:
            raise RuntimeError("ask_next() before answering")
        asked, self._current = self._current, None
        return asked

    # ------------------------------------------------------------------ answers
    def answer_audio(self, audio: "Path | np.ndarray") -> AnswerEnded:
        """Recognise a whole recorded answer (a file or 16 kHz float32 PCM) with the file
        transcriber; utterances are stored, then evaluated in the background."""
        self._require_live()
        if self.engines.transcriber is None:
            raise RuntimeError("no file transcriber in SessionEngines")
        asked = self._current
        if asked is None:
            raise RuntimeError("ask_next() before answering")
        t0 = time.perf_counter()
        tx = self.engines.transcriber.transcribe(audio, language=self.language, cancel=self.cancel_token)
        self._time("transcribe", time.perf_counter() - t0)
        self._take_current()
        with self._db_lock, self.factory() as db:
            for seg in tx.segments:
                append_utterance(db, self._live_id(), seg, interview_question_id=asked.asked_id)
            self._store_bounds(db, asked, tx.segments)
        for seg in tx.segments:
            self._emit("final_text", asked.index, seg)
        return self._ended(_Answer(asked, "speech", tx, tx.text, tx.words))

    def begin_answer(self) -> None:
        """Start listening to the current question's answer through a new streaming engine."""
        self._require_live()
        if self.engines.streaming is None:
            raise RuntimeError("no streaming transcriber in SessionEngines")
        asked = self._current
        if asked is None:
            raise RuntimeError("ask_next() before answering")
        self._stream_audio = []
        self._stream_finals = []
        writer = self._writer = TranscriptWriter(self.factory, self._live_id(), question_id=asked.asked_id,
                                                 on_error=lambda exc: log.error("utterance not stored: %s", exc))
        writer.lock = self._db_lock  # one writer lane for this interview
        index = asked.index

        drafter = self._drafter = self._new_drafter(asked)
        # the answer is encoded for its evaluation while it is spoken (core.interview.prewarm)
        prewarm = self._prewarmer = EvaluationPrewarmer(
            self.engines.evaluator, asked.question, self.language, position=self.setup.position,
            company_terms=self._company_terms(self.language))
        prewarm.prime()  # the rubric side is encoded while the question is read

        def on_segment(seg: TranscriptSegment) -> None:
            if seg.is_final:
                self._stream_finals.append(seg)
                writer(seg)
                self._emit("final_text", index, seg)
                prewarm.update([w for s in self._stream_finals for w in s.words])
            else:
                self._emit("interim_text", index, seg)
            if drafter is not None:  # the follow-up is drafted while the answer is spoken
                drafter.update(" ".join([*(s.text for s in self._stream_finals),
                                         "" if seg.is_final else seg.text]))

        stream = self.engines.streaming()
        stream.start(self.language, on_segment)
        self._stream = stream
        self._stream_t0 = time.perf_counter()

    def feed(self, pcm: "np.ndarray") -> None:
        """Audio thread: 16 kHz mono float32 for the answer being listened to."""
        stream = self._stream
        if stream is None:
            return  # the answer already ended (late audio from the device)
        self._stream_audio.append(pcm)
        stream.feed(pcm)

    def end_answer(self) -> AnswerEnded:
        """Flush the stream (every fed sample ends up in a final segment), then run the
        full-context pass and the evaluation in the background."""
        stream = self._stream
        if stream is None:
            raise RuntimeError("begin_answer() first")
        try:
            stream.finish()
        finally:
            stream.close()
            prewarm, self._prewarmer = self._prewarmer, None
            if prewarm is not None:  # what it encoded stays cached; the rest is encoded by evaluate
                prewarm.close()
            self._stream = None
        self._time("transcribe", time.perf_counter() - self._stream_t0)
        asked = self._take_current()
        finals = sorted(self._stream_finals, key=lambda s: s.start)
        audio = self._concat(self._stream_audio)
        self._stream_audio = []
        duration = len(audio) / SAMPLE_RATE if audio is not None else (finals[-1].end if finals else 0.0)
        engines = "+".join(dict.fromkeys(s.engine for s in finals if s.engine)) or \
            getattr(stream, "engine_name", "stream")
        tx = Transcription(segments=finals, language=self.language, duration=duration, engine=engines)
        with self._db_lock, self.factory() as db:
            self._store_bounds(db, asked, finals)
        return self._ended(_Answer(asked, "speech", tx, tx.text, tx.words, audio=audio, streamed=True))

    def answer_text(self, text: str) -> AnswerEnded:
        """A typed answer: stored as one utterance (engine "typed", no timestamps) and
        evaluated like a spoken one; delivery metrics are marked not applicable."""
        self._require_live()
        asked = self._take_current()
        text = (text or "").strip()
        words = words_from_text(text)
        if text:
            seg = TranscriptSegment(text=text, start=None, end=None, words=[], engine=TYPED_ENGINE,  # type: ignore[arg-type]
                                    language=self.language)
            with self._db_lock, self.factory() as db:
                append_utterance(db, self._live_id(), seg, interview_question_id=asked.asked_id)
            self._emit("final_text", asked.index, seg)
        return self._ended(_Answer(asked, "typed", None, text, words))

    def skip(self) -> None:
        """Drop the current question unanswered (the candidate skipped it, or finished early):
        it leaves no row and no report entry."""
        self._require_live()
        asked = self._take_current()
        with self._db_lock, self.factory() as db:
            row = db.get(InterviewQuestion, asked.asked_id)
            if row is not None:
                db.delete(row)
            db.commit()

    def _concat(self, blocks: list[np.ndarray]) -> np.ndarray | None:
        if not blocks:
            return None
        import numpy as np

        return np.concatenate(blocks)

    def _store_bounds(self, db: Session, asked: AskedQuestion, segments: list[TranscriptSegment]) -> None:
        row = db.get_one(InterviewQuestion, asked.asked_id)
        row.answer_start_s = segments[0].start if segments else None
        row.answer_end_s = segments[-1].end if segments else None
        db.commit()

    def _ended(self, ans: _Answer) -> AnswerEnded:
        t_end = time.perf_counter()
        self._answered += 1
        duration = ans.tx.duration if ans.tx is not None else None
        ended = AnswerEnded(index=ans.asked.index, text=ans.text, mode=ans.mode, duration_s=duration,
                            engine=ans.tx.engine if ans.tx is not None else TYPED_ENGINE)
        drafter, self._drafter = self._drafter, None
        try:
            self._follow_up(ans, drafter, t_end)
        except (EngineError, InputError) as exc:  # no follow-up is better than no interview
            log.warning("answer %d: no follow-up drafted: %s", ans.asked.index, exc)
        finally:
            if drafter is not None:
                drafter.close()
        self._emit("answer_ended", ended)
        self._post(ans)
        return ended

    # ------------------------------------------------------------------ follow-ups
    def _known_terms(self) -> list[str]:
        structured = self.setup.resume[1] if self.setup.resume else {}
        return list(resume_facts(structured).get("skill", []))

    def follow_up_allowed(self, index: int) -> bool:
        """Whether the answer to plan[index] may get a follow-up: budget left, not itself a
        follow-up (never two in a row), not the closing question."""
        if self.follow_ups_asked >= self.setup.follow_ups or index >= len(self.plan):
            return False
        q = self.plan[index]
        return not q.is_follow_up and not is_closing(q)

    def _draft(self, index: int, text: str) -> PlannedQuestion | None:
        parent = self.plan[index]
        if self.engines.follow_up_llm is not None:
            return draft_follow_up_llm(self.engines.follow_up_llm, parent, index, text, self.language,
                                       known_terms=self._known_terms(), cancel=self.cancel_token)
        return draft_follow_up(parent, index, text, self.language, known_terms=self._known_terms())

    def _new_drafter(self, asked: AskedQuestion) -> FollowUpDrafter | None:
        if self.engines.follow_up_llm is None or not self.follow_up_allowed(asked.index):
            return None  # the template path drafts in milliseconds on the final text
        return FollowUpDrafter(lambda text: self._draft(asked.index, text))

    def _follow_up(self, ans: _Answer, drafter: FollowUpDrafter | None, t_end: float) -> None:
        """Decide the follow-up of the answer just ended and insert it after it. A model's
        draft is waited for at most the drafter's ``wait_s`` (the follow-up must be ready
        within a second of the answer's end); when it is late, or its quote is not in the
        final text, the template decides on the final text."""
        index = ans.asked.index
        if not self.follow_up_allowed(index) or typed_language_guess(ans.text)[0] not in (None, self.language):
            return
        fu = None
        if not is_dont_know(ans.text):
            own = None
            if drafter is None and self.engines.follow_up_llm is not None:
                # a typed or whole-file answer: nothing was drafted while it was given
                drafter = own = self._new_drafter(ans.asked)
                if drafter is not None:
                    drafter.min_new_words = 1
                    drafter.update(ans.text)
            try:
                done, fu = drafter.settled(ans.text) if drafter is not None else (False, None)
            finally:
                if own is not None:
                    own.close()
            if not done or (fu is not None and not quote_in_answer(fu.grounding[0].split(": ", 1)[1], ans.text)):
                fu = draft_follow_up(self.plan[index], index, ans.text, self.language,
                                     known_terms=self._known_terms())
        self.follow_up_latency.append(time.perf_counter() - t_end)
        if fu is None:
            return
        self.plan.insert(self._next, fu)
        self.follow_ups_asked += 1
        if self.interview_id is not None:
            with self._db_lock, self.factory() as db:
                iv = db.get_one(Interview, self.interview_id)
                doc = dict(iv.plan or {})
                doc["questions"] = [asdict(q) for q in self.plan]
                iv.plan = doc
                db.commit()

    # ------------------------------------------------------------------ background
    def _post(self, ans: _Answer) -> None:
        if self._post_thread is None:
            self._post_thread = threading.Thread(target=self._post_worker, name=POST_THREAD, daemon=True)
            self._post_thread.start()
        self._post_queue.put(ans)

    def _post_worker(self) -> None:
        while True:
            ans = self._post_queue.get()
            try:
                if ans is None:
                    return
                if self._post_error is None and not self.cancel_token.cancelled:
                    self._process(ans)
            except Cancelled:
                log.debug("answer %d: post-processing cancelled", ans.asked.index if ans else -1)
            except BaseException as exc:  # noqa: BLE001 - handed to finish()/cancel() on the controller
                log.exception("answer %d: post-processing failed", ans.asked.index if ans else -1)
                self._post_error = exc
            finally:
                self._post_queue.task_done()

    def _process(self, ans: _Answer) -> None:
        tx = ans.tx
        # a streamed answer always has its live transcription (tx): the test narrows the type
        if ans.streamed and tx is not None and ans.audio is not None and self.engines.full_context_pass \
                and self.engines.transcriber is not None and len(ans.audio) >= SAMPLE_RATE // 4:
            t0 = time.perf_counter()
            try:
                full = self.engines.transcriber.transcribe(ans.audio, language=self.language,
                                                           cancel=self.cancel_token)
            except EngineError as exc:  # the streaming text stands; the interview goes on
                log.warning("answer %d: full-context pass failed, keeping the live text: %s", ans.asked.index, exc)
                full = None
            self._time("full_context", time.perf_counter() - t0)
            if full is not None and (full.segments or not tx.segments):
                with self._db_lock, self.factory() as db:
                    replace_answer(db, self._live_id(), ans.asked.asked_id, full.segments)
                    self._store_bounds(db, ans.asked, full.segments)
                full.engine = "+".join(dict.fromkeys([tx.engine, full.engine]))
                tx = full
                ans = _Answer(ans.asked, ans.mode, full, full.text, full.words)
                self._emit("transcript_replaced", ans.asked.index, full.text)
        self._evaluate(ans, tx)

    def _company_terms(self, lang: str) -> list[str]:
        """The company's values and ideal in ``lang``: the job-fit targets of an evaluation."""
        company = self.setup.company
        return list(company.values.get(lang)) + [company.ideal.get(lang)] if company is not None else []

    def _evaluate(self, ans: _Answer, tx: Transcription | None) -> AnswerRecord:
        lang = self.language
        q = ans.asked.question
        typed = ans.mode == "typed"
        record = AnswerRecord(index=ans.asked.index, question=q, answer_text=ans.text, words=ans.words,
                              language=lang, evaluation=None,
                              audio_duration=tx.duration if tx is not None else None,
                              stt_engine=tx.engine if tx is not None else TYPED_ENGINE,
                              answer_mode=ans.mode)
        if tx is not None:
            confs = [s.confidence for s in tx.segments if s.confidence is not None]
            record.stt_confidence = round(sum(confs) / len(confs), 3) if confs else None
        mismatch = language_mismatch(tx, ans.text, lang, typed)
        if mismatch is not None:
            detected, prob = mismatch
            msg = tr("session.language_mismatch", lang, detected=_language_name(detected, lang),
                     chosen=_language_name(lang, lang), p=f"{prob:.2f}")
            record.not_evaluated_reason = msg
            record.warnings.append(msg)
        else:
            t0 = time.perf_counter()
            terms = self._company_terms(lang)
            record.evaluation = self.engines.evaluator.evaluate(q, ans.words, lang, position=self.setup.position,
                                                                company_terms=terms)
            if self.engines.second_evaluator is not None and ans.words:
                record.other_evaluations.append(self.engines.second_evaluator.evaluate(
                    q, ans.words, lang, position=self.setup.position, company_terms=terms))
            self._time("evaluate", time.perf_counter() - t0)
        self.records[ans.asked.index] = record
        self._emit("evaluation_ready", ans.asked.index, record)
        return record

    def wait_idle(self) -> None:
        """Block until the background work queued so far is done; re-raise its failure."""
        if self._post_thread is not None:
            self._post_queue.join()
        if self._post_error is not None:
            err = self._post_error
            self._post_error = None
            raise err

    def _stop_post(self) -> None:
        if self._post_thread is not None:
            self._post_queue.put(None)
            self._post_thread.join()
            self._post_thread = None

    # ------------------------------------------------------------------ vision
    def attach_vision(self, index: int, gaze: dict | None, emotion: dict | None) -> None:
        """Per-answer gaze/emotion metrics (after that answer's evaluation is ready; call
        ``wait_idle`` first)."""
        rec = self.records[index]
        rec.gaze = gaze
        rec.emotion = emotion

    # ------------------------------------------------------------------ end
    def finish(self, *, emotions: dict | None = None, meta: dict | None = None) -> dict[str, object]:
        """Wait for the background work, build and store the report, complete the interview.

        Returns (and hands ``report_ready``) the report's stored JSON form
        (:meth:`core.report.model.Report.to_json`), the form every front end reads."""
        self._require_live()
        if self._current is not None:  # finishing early: the question on screen was not answered
            self.skip()
        self.wait_idle()
        self._stop_post()
        t0 = time.perf_counter()
        s = self.setup
        lang = self.language
        structured = s.resume[1] if s.resume else {}
        report = build_report(list(self.records.values()), language=lang, position=s.position.strip(),
                              company_id=self._company().id, company_name=self._company().company_name.get(lang),
                              candidate_name=(structured or {}).get("name"), emotions=emotions,
                              meta={"interview_uuid": self.interview_uuid, "plan_source": self.plan_source,
                                    "seed": s.seed, **(meta or {})}).to_json()
        with self._db_lock, self.factory() as db:
            save_report(db, self._live_id(), report)
            transition(db, get_interview(db, self._live_id()), InterviewStatus.completed)
            db.commit()
        self._time("report", time.perf_counter() - t0)
        self._state = "completed"
        self._emit("report_ready", report, self.interview_id)
        return report

    def cancel(self, reason: str) -> KeptSummary:
        """Stop the interview: a running stream is closed, background work is dropped, and the
        interview is marked ``cancelled`` with ``reason`` - or deleted (with a resume row it
        created) when no answer was stored, so a failure before the first answer leaves no rows.
        Safe to call from another thread than the controller's; idempotent."""
        self.cancel_token.cancel()
        drafter, self._drafter = self._drafter, None
        if drafter is not None:  # a follow-up draft in flight is dropped unseen
            drafter.close()
        prewarm, self._prewarmer = self._prewarmer, None
        if prewarm is not None:
            prewarm.close()
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.close()
            except Exception:  # noqa: BLE001 - closing a broken engine must not hide the reason
                log.exception("closing the speech engine failed")
        self._stop_post()
        if self._state != "live" or self.interview_id is None:
            state, self._state = self._state, "cancelled"
            return KeptSummary(None, 0, len(self.plan), "completed" if state == "completed" else "none", reason)
        with self._db_lock:
            kept = discard_interview(self.factory, self.interview_id, reason,
                                     delete_resume=self._resume_created)
        self._state = "cancelled"
        return kept

    # ------------------------------------------------------------------ resume
    @classmethod
    def resume(cls, session_factory: Callable[[], Session], interview_id: int, engines: SessionEngines, *,
               listener: SessionListener | None = None, resume_path: Path | None = None) -> "InterviewSession":
        """Continue an interrupted (``live``) interview where it stopped: the answered
        questions are kept (their stored utterances are re-evaluated in the background), a
        question asked but not answered is asked again, then ``ask_next`` goes on with the
        plan. Raises InputError ``session.not_resumable`` for a finished interview or one
        without a stored plan."""
        with session_factory() as db:
            iv = db.get(Interview, interview_id)
            stored: JsonObject = (iv.plan if iv is not None else None) or {}
            if iv is None or iv.status is not InterviewStatus.live or not stored.get("questions"):
                raise InputError("session.not_resumable", id=interview_id)
            resume_row = db.get(Resume, iv.resume_id) if iv.resume_id else None
            setup = InterviewSetup(candidate_id=iv.candidate_id, company=get_company(iv.company_id or ""),
                                   position=iv.position, language=iv.language,
                                   n_questions=len(stored["questions"]),
                                   resume_path=Path(resume_row.file_path) if resume_row else resume_path,
                                   resume=(resume_row.extracted_text, resume_row.structured_data) if resume_row else None,
                                   seed=int(stored.get("seed") or 0),
                                   follow_ups=int(stored.get("follow_ups") or 0))
            self = cls(session_factory, setup, engines, listener=listener)
            self.plan = [PlannedQuestion(**q) for q in stored["questions"]]
            self.plan_source = stored.get("source", "bank")
            self.follow_ups_asked = sum(1 for q in self.plan if q.is_follow_up)
            self.interview_id, self.interview_uuid, self.resume_id = iv.id, iv.uuid, iv.resume_id
            asked_rows = list(db.scalars(select(InterviewQuestion).where(InterviewQuestion.interview_id == iv.id)
                                         .order_by(InterviewQuestion.position)))
            answers: list[tuple[InterviewQuestion, list[Transcript]]] = []
            for row in asked_rows:
                rows = list(db.scalars(select(Transcript).where(Transcript.interview_question_id == row.id,
                                                                Transcript.speaker == Speaker.User)
                                       .order_by(Transcript.start_s.is_(None), Transcript.start_s, Transcript.id)))
                answers.append((row, rows))
            # keep every answered question; one asked but not answered is asked again, and the
            # plan goes on after the last answered one (skipped questions stay skipped)
            for row, rows in answers:
                if not rows:
                    db.delete(row)
            answers = [(row, rows) for row, rows in answers if rows]
            plan_doc = dict(stored)
            plan_doc["owner"] = _owner()
            iv.plan = plan_doc
            db.commit()
        self._state = "live"
        self._next = answers[-1][0].position + 1 if answers else 0
        for row, rows in answers:
            asked = AskedQuestion(index=row.position, question=self.plan[row.position], asked_id=row.id)
            typed = all(r.engine == TYPED_ENGINE for r in rows)
            words = [Word(w["w"], w["s"], w["e"], w.get("c")) for r in rows for w in (r.words or [])]
            text = " ".join(r.text for r in rows)
            if typed:
                words = words_from_text(text)
            tx = None if typed else Transcription(
                segments=[TranscriptSegment(r.text, r.start_s or 0.0, r.end_s or 0.0, confidence=r.confidence,
                                            engine=r.engine or "") for r in rows],
                language=self.language, duration=max((r.end_s or 0.0) for r in rows), engine=rows[0].engine or "")
            self._answered += 1
            self._post(_Answer(asked, "typed" if typed else "speech", tx, text, words))
        return self

    # ------------------------------------------------------------------ helpers
    def summary(self) -> KeptSummary:
        return KeptSummary(self.interview_id, self._answered, len(self.plan), self._state)


def describe_error(exc: BaseException, lang: str) -> str:
    """A reason line for ``cancel`` from an exception (translated when it is ours)."""
    if isinstance(exc, Big20Error):
        return exc.localized(lang)
    return f"{type(exc).__name__}: {exc}"


__all__ = ["AnswerEnded", "AskedQuestion", "InterviewSession", "InterviewSetup", "KeptSummary",
           "SessionEngines", "SessionListener", "describe_error", "language_mismatch", "plan_from_keys"]
