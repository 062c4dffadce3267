"""The interview session every front end drives: events and their threads, typed answers,
live streams with the full-context pass, the language check, one resume row per file, and
"fails before the first answer leaves no rows" (real SQLite, real whisper, real PDFs)."""

from __future__ import annotations

import subprocess
import threading
import time

import pytest
from sqlalchemy import func, select

from core.bank import get_company
from core.db.models import Interview, InterviewQuestion, InterviewStatus, Resume, Transcript
from core.db.session import open_database, session_factory
from core.evaluation.coverage import CoverageEvaluator
from core.interview.session import (
    InterviewSession,
    InterviewSetup,
    SessionEngines,
    SessionListener,
    plan_from_keys,
    typed_language_guess,
)
from core.services.users import create_user

GOOD_EN = ("An index is a separate sorted structure, usually a B-tree, that lets the database find rows "
           "without scanning the whole table. Before adding one I check the query plan, the selectivity "
           "of the column and the write cost, because every insert and update must also maintain the index.")


class Recorder(SessionListener):
    def __init__(self):
        self.events: list[tuple[str, int | None, str]] = []
        self.lock = threading.Lock()

    def _add(self, name, index):
        with self.lock:
            self.events.append((name, index, threading.current_thread().name))

    def question_asked(self, asked):
        self._add("question_asked", asked.index)

    def interim_text(self, index, segment):
        self._add("interim_text", index)

    def final_text(self, index, segment):
        self._add("final_text", index)

    def answer_ended(self, ended):
        self._add("answer_ended", ended.index)

    def transcript_replaced(self, index, text):
        self._add("transcript_replaced", index)

    def evaluation_ready(self, index, record):
        self._add("evaluation_ready", index)

    def report_ready(self, report, interview_id):
        self._add("report_ready", None)

    def names(self, index=None):
        return [e[0] for e in self.events if index is None or e[1] == index]


@pytest.fixture
def db(tmp_path):
    engine = open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    factory = session_factory(engine)
    with factory() as s:
        uid = create_user(s, email="kim@example.com", username="kim", password="pw-123456789").id
        s.commit()
    yield factory, uid
    engine.dispose()


@pytest.fixture
def resume_pdf(tmp_path):
    from tests.core.test_resume_structure import EN, make_pdf

    pdf = tmp_path / "r.pdf"
    make_pdf(pdf, EN, False)
    return pdf


def _setup(uid, pdf, **kw):
    from engines.pdf.pymupdf_reader import PyMuPdfReader
    from core.resume.store import parse_resume

    base = dict(candidate_id=uid, company=get_company("KAKAO"), position="Backend Developer", language="en",
                n_questions=2, resume_path=pdf, resume=parse_resume(PyMuPdfReader(), pdf))
    base.update(kw)
    return InterviewSetup(**base)


def _count(factory, model):
    with factory() as s:
        return s.scalar(select(func.count()).select_from(model))


def _espeak(tmp_path, name, text, voice="en"):
    wav = tmp_path / f"{name}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(wav), text], check=True)
    return wav


def test_typed_answers_exact_questions_events_and_threads(db, resume_pdf):
    factory, uid = db
    rec = Recorder()
    keys = ["backend.db_index", "backend.acid"]
    session = InterviewSession(factory, _setup(uid, resume_pdf, question_keys=keys),
                               SessionEngines(evaluator=CoverageEvaluator()), listener=rec)
    plan = session.prepare()
    assert [q.bank_key for q in plan] == keys and session.plan_source == "keys"
    session.start()
    session.ask_next()
    session.answer_text(GOOD_EN)
    session.ask_next()
    session.answer_text("I don't know.")
    assert session.ask_next() is None
    report = session.finish()

    first, second = report["details"]
    assert first["question"].startswith("How does a database index work")
    assert first["answer_mode"] == "typed" and first["delivery"]["applicable"] is False
    assert "Typed answer" in first["delivery"]["reason"]
    assert first["evaluated"] and first["score"] > (second["score"] or 0)
    assert report["summary"]["delivery"]["fillers_total"] == 0  # typed text was not spoken
    # events: in order per answer, on the documented threads
    assert rec.names(0) == ["question_asked", "final_text", "answer_ended", "evaluation_ready"]
    controller = threading.current_thread().name
    for name, _i, thread in rec.events:
        expected = "interview-post" if name == "evaluation_ready" else controller
        assert thread == expected, (name, thread)
    assert rec.events[-1][0] == "report_ready"
    with factory() as s:
        iv = s.scalars(select(Interview)).one()
        assert iv.status is InterviewStatus.completed and iv.overall_score is not None
        rows = s.scalars(select(Transcript).order_by(Transcript.id)).all()
        assert [r.engine for r in rows] == ["typed", "typed"] and rows[0].text == GOOD_EN


def test_unknown_or_unfillable_question_key_is_refused(db, resume_pdf):
    from core.errors import InputError
    from core.interview.planner import PlanContext

    factory, uid = db
    session = InterviewSession(factory, _setup(uid, resume_pdf, question_keys=["backend.nope"]),
                               SessionEngines(evaluator=CoverageEvaluator()))
    with pytest.raises(InputError) as err:
        session.prepare()
    assert err.value.code == "bank.unknown_question"
    slotted = next(q for q in __import__("core.bank", fromlist=["x"]).load_question_bank() if "project" in q.slots)
    with pytest.raises(InputError) as err:
        plan_from_keys([slotted.key], PlanContext(language="en", position="Backend", resume={}))
    assert err.value.code == "session.question_slot_unfilled"
    assert _count(factory, Interview) == 0


def test_blank_position_refused_before_anything_is_stored(db, resume_pdf):
    from core.errors import InputError

    factory, uid = db
    session = InterviewSession(factory, _setup(uid, resume_pdf, position="   "),
                               SessionEngines(evaluator=CoverageEvaluator()))
    with pytest.raises(InputError) as err:
        session.prepare()
    assert err.value.code == "session.position_blank"
    assert _count(factory, Interview) == 0 and _count(factory, Resume) == 0


def test_failure_before_first_answer_leaves_no_rows_and_resume_file_is_one_row(db, resume_pdf):
    factory, uid = db
    engines = SessionEngines(evaluator=CoverageEvaluator())
    session = InterviewSession(factory, _setup(uid, resume_pdf), engines)
    session.prepare()
    session.start()
    session.ask_next()
    assert _count(factory, Interview) == 1 and _count(factory, InterviewQuestion) == 1
    kept = session.cancel("the microphone disappeared")
    assert kept.status == "deleted" and kept.answers_kept == 0
    assert _count(factory, Interview) == 0 and _count(factory, Resume) == 0
    assert _count(factory, InterviewQuestion) == 0

    # the same file (by content) twice: one resume row; a copy under another name is the same file
    copy = resume_pdf.with_name("copy-of-resume.pdf")
    copy.write_bytes(resume_pdf.read_bytes())
    for pdf in (resume_pdf, copy):
        s = InterviewSession(factory, _setup(uid, pdf, n_questions=1), engines)
        s.prepare()
        s.start()
        s.ask_next()
        s.answer_text(GOOD_EN)
        s.finish()
    assert _count(factory, Resume) == 1 and _count(factory, Interview) == 2
    with factory() as db_:
        assert len({iv.resume_id for iv in db_.scalars(select(Interview))}) == 1


def test_cancel_after_an_answer_keeps_it_marked_cancelled(db, resume_pdf):
    factory, uid = db
    session = InterviewSession(factory, _setup(uid, resume_pdf, n_questions=3),
                               SessionEngines(evaluator=CoverageEvaluator()))
    session.prepare()
    session.start()
    session.ask_next()
    session.answer_text(GOOD_EN)
    session.ask_next()  # asked, never answered: dropped from the kept record
    kept = session.cancel("stopped by the user")
    assert (kept.status, kept.answers_kept, kept.planned) == ("cancelled", 1, 3)
    with factory() as s:
        iv = s.scalars(select(Interview)).one()
        assert iv.status is InterviewStatus.cancelled and iv.cancel_reason == "stopped by the user"
        assert s.scalar(select(func.count()).select_from(InterviewQuestion)) == 1


def test_typed_language_guess():
    assert typed_language_guess("저는 백엔드 개발자로 일하고 있습니다")[0] == "ko"
    assert typed_language_guess("I work as a backend developer")[0] == "en"
    assert typed_language_guess("ok")[0] is None


@pytest.mark.slow
def test_wrong_language_speech_is_not_scored(db, resume_pdf, shared_data, model_manager, tmp_path):
    """Korean speech in an English interview (and English speech in a Korean one) is stored,
    warned about, and not evaluated for content - not scored as garbage."""
    from engines.stt.whisper_file import WhisperFileTranscriber

    factory, uid = db
    entry, path = model_manager.require("stt")
    engines = SessionEngines(evaluator=CoverageEvaluator(), transcriber=WhisperFileTranscriber(path, model_id=entry.id))
    ko_clip = shared_data / "speech" / "ko" / "leopard_test_ko.wav"
    en_clip = _espeak(tmp_path, "en", GOOD_EN)
    for lang, wrong, right in (("en", ko_clip, en_clip), ("ko", en_clip, None)):
        session = InterviewSession(factory, _setup(uid, resume_pdf, language=lang,
                                                   n_questions=2 if right else 1), engines)
        session.prepare()
        session.start()
        session.ask_next()
        session.answer_audio(wrong)
        if right:
            session.ask_next()
            session.answer_audio(right)
        report = session.finish()
        bad = report["details"][0]
        assert not bad["evaluated"] and bad["score"] is None and bad["warnings"], bad
        assert bad["answer"].strip()  # the words are kept
        assert ("Korean" in bad["warnings"][0]) if lang == "en" else ("영어" in bad["warnings"][0])
        if right:
            assert report["details"][1]["evaluated"] and not report["details"][1]["warnings"]


@pytest.mark.slow
def test_streamed_answer_full_context_pass_replaces_streaming_text(db, resume_pdf, model_manager, tmp_path):
    """Live path: interim and final text on the speech thread, utterances stored as they
    arrive, then the full-context pass replaces them in the background before evaluation."""
    from engines.capture.audio import load_audio
    from engines.stt.whisper_file import WhisperFileTranscriber
    from engines.stt.whisper_stream import LocalWhisperStream, load_whisper_model

    factory, uid = db
    entry, path = model_manager.require("stt")
    model = load_whisper_model(path)
    rec = Recorder()
    stored_while_streaming: list[int] = []

    class Probe(SessionListener):
        def final_text(self, index, segment):
            with factory() as s:
                stored_while_streaming.append(s.scalar(select(func.count()).select_from(Transcript)))

    prepared: list[tuple[str, int]] = []

    class Evaluator(CoverageEvaluator):
        def prepare(self, question, words, language):  # the answer is prepared while spoken
            prepared.append((threading.current_thread().name, len(words)))
            return super().prepare(question, words, language)

    engines = SessionEngines(evaluator=Evaluator(), transcriber=WhisperFileTranscriber(path, model_id=entry.id),
                             streaming=lambda: LocalWhisperStream(model, threaded=True))
    session = InterviewSession(factory, _setup(uid, resume_pdf, n_questions=1), engines, listener=rec)
    session.add_listener(Probe())
    session.prepare()
    session.start()
    session.ask_next()
    pcm = load_audio(_espeak(tmp_path, "live", "I improved conversion by eight percent. "
                                               "Then I rebuilt the checkout flow in React."))
    session.begin_answer()
    import numpy as np

    for i in range(0, len(pcm), 512):
        session.feed(pcm[i:i + 512])
    session.feed(np.zeros(16000, np.float32))  # the silence after speaking ends the utterance
    session.end_answer()
    report = session.finish()
    names = rec.names(0)
    assert names.index("answer_ended") < names.index("transcript_replaced") < names.index("evaluation_ready")
    assert stored_while_streaming and stored_while_streaming[0] >= 1  # committed on arrival
    assert prepared and {name for name, _ in prepared} == {"evaluation-prewarm"} and prepared[0][1] > 0
    threads = {n: t for n, _i, t in rec.events}
    assert threads["transcript_replaced"] == threads["evaluation_ready"] == "interview-post"
    assert threads["final_text"] == "whisper-stream"
    with factory() as s:
        rows = s.scalars(select(Transcript)).all()
    assert rows and all(r.engine == f"faster-whisper/{entry.id}" for r in rows)  # the full pass's rows
    assert "eight" in report["details"][0]["answer"].lower() or "8" in report["details"][0]["answer"]
    assert report["details"][0]["stt"]["engine"].endswith(f"faster-whisper/{entry.id}")


def _dead_pid() -> int:
    import os

    pid = 2 ** 22 - 7  # above the default pid_max range, so no live process has it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return pid
    pytest.skip("could not find a pid that no process uses")


def _orphan(factory, interview_id):
    """What a crash leaves: the interview's owning process is gone."""
    with factory() as s:
        iv = s.get(Interview, interview_id)
        iv.plan = {**iv.plan, "owner": {**iv.plan["owner"], "pid": _dead_pid()}}
        s.commit()


def test_interrupted_interview_is_found_resumed_or_discarded(db, resume_pdf):
    from core.interview.recovery import discard_interview, find_interrupted, find_resumable, sweep_interrupted

    factory, uid = db
    engines = SessionEngines(evaluator=CoverageEvaluator())
    session = InterviewSession(factory, _setup(uid, resume_pdf, n_questions=3), engines)
    session.prepare()
    iid = session.start()
    session.ask_next()
    session.answer_text(GOOD_EN)
    session.wait_idle()
    session.ask_next()  # the crash comes while the second answer is being given
    assert find_interrupted(factory) == []  # its own process is alive: not interrupted
    _orphan(factory, iid)
    # an empty one (crashed before its first answer) is swept away entirely
    empty = InterviewSession(factory, _setup(uid, resume_pdf, n_questions=2), engines)
    empty.prepare()
    empty_id = empty.start()
    _orphan(factory, empty_id)
    kept = sweep_interrupted(factory)
    assert [k.id for k in kept] == [iid]
    with factory() as s:
        assert s.get(Interview, empty_id) is None and s.get(Interview, iid) is not None
    offer = find_resumable(factory)
    assert [(o.id, o.answered, o.planned) for o in offer] == [(iid, 1, 3)]

    rec = Recorder()
    resumed = InterviewSession.resume(factory, iid, engines, listener=rec)
    q = resumed.ask_next()
    assert q.index == 1 and q.question.text == session.plan[1].text  # the unanswered question again
    resumed.answer_text("I don't know.")
    resumed.ask_next()
    resumed.answer_text(GOOD_EN)
    assert resumed.ask_next() is None
    report = resumed.finish()
    assert [d["index"] for d in report["details"]] == [0, 1, 2]
    assert report["details"][0]["answer"] == GOOD_EN and report["details"][0]["evaluated"]
    with factory() as s:
        assert s.get(Interview, iid).status is InterviewStatus.completed
        assert s.scalar(select(func.count()).select_from(InterviewQuestion)
                        .where(InterviewQuestion.interview_id == iid)) == 3

    # discard: a resumable interview the user does not want becomes cancelled with the reason
    other = InterviewSession(factory, _setup(uid, resume_pdf, n_questions=2), engines)
    other.prepare()
    oid = other.start()
    other.ask_next()
    other.answer_text(GOOD_EN)
    other.wait_idle()
    _orphan(factory, oid)
    assert [o.id for o in find_resumable(factory)] == [oid]
    kept = discard_interview(factory, oid, "discarded by the user")
    assert kept.status == "cancelled" and kept.answers_kept == 1
    assert find_resumable(factory) == []
    with pytest.raises(Exception) as err:
        InterviewSession.resume(factory, oid, engines)
    assert getattr(err.value, "code", "") == "session.not_resumable"


def test_language_mismatch_rules():
    from core.interview.session import language_mismatch
    from core.protocols import Transcription, TranscriptSegment

    def tx(seg_lang="en", **kw):
        return Transcription([TranscriptSegment("words", 0.0, 1.0, language=seg_lang, engine="e")], "en", 1.0, "e", **kw)

    # faster-whisper's language identification
    assert language_mismatch(tx(detected_language="ko", language_probability=0.99,
                                chosen_language_probability=0.001), "", "en", False) == ("ko", 0.99)
    assert language_mismatch(tx(detected_language="ko", language_probability=0.55,
                                chosen_language_probability=0.40), "", "en", False) is None  # mixed: not refused
    assert language_mismatch(tx(detected_language="en", language_probability=0.95,
                                chosen_language_probability=0.95), "", "en", False) is None
    # an engine that reports the language per segment (Deepgram's detected language)
    assert language_mismatch(tx("ko"), "", "en", False) == ("ko", 1.0)
    assert language_mismatch(tx("en-US"), "", "en", False) is None
    # typed answers by script
    assert language_mismatch(None, "저는 백엔드 개발자로 삼 년 일했습니다", "en", True)[0] == "ko"
    assert language_mismatch(None, "I have worked as a backend developer", "en", True) is None


def test_skip_and_finish_early(db, resume_pdf):
    factory, uid = db
    session = InterviewSession(factory, _setup(uid, resume_pdf, n_questions=4),
                               SessionEngines(evaluator=CoverageEvaluator()))
    session.prepare()
    session.start()
    session.ask_next()
    session.skip()
    session.ask_next()
    session.answer_text(GOOD_EN)
    session.ask_next()  # on screen when the candidate presses "finish"
    report = session.finish()
    assert [d["index"] for d in report["details"]] == [1]
    with factory() as s:
        assert [q.position for q in s.scalars(select(InterviewQuestion))] == [1]


def test_uuid_and_live_consent_chosen_before_the_start_are_stored_with_the_interview(db, resume_pdf):
    """Shared live: the desktop picks the uuid first (the server's live copy has it) and the
    candidate's consent, video included, is written in the start's transaction."""
    from core.db.models import ShareConsent

    factory, uid = db
    chosen = "0b6c3a52-8f1e-4c8e-9d43-2f0e6e1f7a10"
    session = InterviewSession(factory, _setup(uid, resume_pdf, question_keys=["backend.db_index"], uuid=chosen,
                                               share_video_with="KAKAO"),
                               SessionEngines(evaluator=CoverageEvaluator()))
    session.prepare()
    session.start()
    assert session.interview_uuid == chosen
    with factory() as s:
        iv = s.scalars(select(Interview)).one()
        consent = s.scalars(select(ShareConsent)).one()
        assert iv.uuid == chosen and consent.interview_id == iv.id and consent.company_id == "KAKAO"
        assert consent.include_video and consent.revoked_at is None
    # without them: a fresh uuid, nothing shared
    other = InterviewSession(factory, _setup(uid, resume_pdf, question_keys=["backend.db_index"]),
                             SessionEngines(evaluator=CoverageEvaluator()))
    other.prepare()
    other.start()
    assert other.interview_uuid != chosen and _count(factory, ShareConsent) == 1


# ----------------------------------------------------------------------------- follow-ups
FOLLOW_UP_ANSWERS_EN = [
    ("I am a backend engineer. In my last job I cut the settlement batch from six hours to fifty minutes "
     "because I rewrote the queries."),
    "I don't know.",
    "We decided to move the payment service to Kafka after two outages.",
    "I wrote the ingestion service in Go because the old Python workers could not keep up.",
    "I improved the onboarding a lot and the team was happy with it.",
    "How does your team review code?",
]


def test_follow_ups_within_budget_after_their_parent(db, resume_pdf):
    """A typed interview of 6 with a budget of 2: each follow-up comes right after its parent,
    quotes that answer as whole words, carries its own rubric, never follows a follow-up or a
    "don't know" or the closing question; the stored plan and the report hold them."""
    from core.interview.followup import quote_in_answer
    from core.interview.planner import is_closing

    factory, uid = db
    session = InterviewSession(factory, _setup(uid, resume_pdf, n_questions=6, follow_ups=2, seed=4),
                               SessionEngines(evaluator=CoverageEvaluator()))
    session.prepare()
    session.start()
    answers = iter(FOLLOW_UP_ANSWERS_EN + ["We measured it on the batch dashboard; the query rewrite was mine."] * 3)
    asked_log = []
    while (asked := session.ask_next()) is not None:
        text = next(answers)
        asked_log.append((asked.index, asked.question, text))
        session.answer_text(text)
    report = session.finish()

    follow = [(i, q) for i, q, _ in asked_log if q.is_follow_up]
    assert 1 <= len(follow) <= 2 and session.follow_ups_asked == len(follow)
    by_index = {i: (q, t) for i, q, t in asked_log}
    for i, q in follow:
        assert q.parent_index == i - 1
        parent_q, parent_answer = by_index[i - 1]
        assert not parent_q.is_follow_up and not is_closing(parent_q)
        assert parent_answer != "I don't know."
        quote = q.grounding[0].split(": ", 1)[1]
        assert quote_in_answer(quote, parent_answer) and quote in q.text
        assert q.rubric["key_points"] != parent_q.rubric.get("key_points")
    assert asked_log[0][1].question_type == "자기소개" and is_closing(asked_log[-1][1])
    assert len(session.follow_up_latency) >= len(follow) and max(session.follow_up_latency) < 1.0
    with factory() as s:
        stored = s.scalars(select(Interview)).one().plan["questions"]
    assert [q["is_follow_up"] for q in stored] == [q.is_follow_up for _i, q, _t in asked_log]
    details = {d["index"]: d for d in report["details"]}
    for i, _q in follow:
        d = details[i]
        assert d["is_follow_up"] and d["source"] == "follow_up" and d["parent_index"] == i - 1
        assert d["grounding"][0].startswith("answer: ")
    for d in report["details"]:
        assert d["source"] in ("bank", "template", "llm", "follow_up") and isinstance(d["grounding"], list)
        if d["source"] == "template" and not d["is_follow_up"]:
            assert all(": " in g for g in d["grounding"])


def test_no_follow_ups_without_a_budget(db, resume_pdf):
    factory, uid = db
    session = InterviewSession(factory, _setup(uid, resume_pdf, n_questions=3), SessionEngines(evaluator=CoverageEvaluator()))
    session.prepare()
    session.start()
    n = 0
    while session.ask_next() is not None:
        session.answer_text(FOLLOW_UP_ANSWERS_EN[0])
        n += 1
    session.finish()
    assert n == 3 and session.follow_ups_asked == 0


def test_follow_up_from_a_model_quotes_the_answer_or_falls_back(db, resume_pdf):
    """With a follow-up model (a scripted stand-in for the 8B chat model, which CI cannot
    run), the model's follow-up is used when its quote is in the answer; an invented quote
    gives the template's follow-up instead."""
    from tests.core.test_followup import ScriptedModel

    factory, uid = db
    answer = "We decided to move the payment service to Kafka after two outages."
    model = ScriptedModel([
        {"ask": True, "focus": "decision", "quote": "move the payment service to Kafka",
         "question": "Why Kafka rather than a database queue?"},
        {"ask": True, "focus": "number", "quote": "cut costs by half", "question": "How did you halve costs?"}])
    session = InterviewSession(factory, _setup(uid, resume_pdf, n_questions=6, follow_ups=2),
                               SessionEngines(evaluator=CoverageEvaluator(), follow_up_llm=model))
    session.prepare()
    session.start()
    follow = []
    while (asked := session.ask_next()) is not None:
        if asked.question.is_follow_up:
            follow.append(asked.question)
            session.answer_text("Because it could replay events after an outage, and we measured it in staging.")
        else:
            session.answer_text(answer)
    session.finish()
    assert [q.drafted_by for q in follow] == ["llm", "template"]
    assert follow[0].text == "Why Kafka rather than a database queue?"
    from core.interview.followup import quote_in_answer

    assert "half" not in follow[1].text
    assert quote_in_answer(follow[1].grounding[0].split(": ", 1)[1], answer)


def test_an_interrupted_interview_keeps_its_follow_up(db, resume_pdf):
    """The stored plan holds the inserted follow-up: a resumed interview asks it next and
    counts it against the budget."""
    factory, uid = db
    engines = SessionEngines(evaluator=CoverageEvaluator())
    session = InterviewSession(factory, _setup(uid, resume_pdf, n_questions=4, follow_ups=1), engines)
    session.prepare()
    iid = session.start()
    session.ask_next()
    session.answer_text(FOLLOW_UP_ANSWERS_EN[0])
    session.wait_idle()
    assert session.plan[1].is_follow_up and len(session.plan) == 5
    _orphan(factory, iid)
    resumed = InterviewSession.resume(factory, iid, SessionEngines(evaluator=CoverageEvaluator()))
    assert resumed.setup.follow_ups == 1 and resumed.follow_ups_asked == 1
    q = resumed.ask_next()
    assert q.index == 1 and q.question.is_follow_up and q.question.parent_index == 0
    assert q.question.text == session.plan[1].text
    resumed.answer_text(FOLLOW_UP_ANSWERS_EN[2])  # a claim, but a follow-up's answer gets none
    asked = [resumed.ask_next()]
    assert not asked[0].question.is_follow_up
    resumed.cancel("test over")


def test_a_slow_follow_up_model_does_not_hold_the_next_question(db, resume_pdf):
    """A model that needs seconds: the template's follow-up is ready within a second of the
    answer's end instead."""
    from tests.core.test_followup import ScriptedModel

    factory, uid = db
    slow = ScriptedModel([{"ask": True, "focus": "decision", "quote": "move the payment service to Kafka",
                           "question": "Why Kafka?"}] * 3, delay=2.5)
    session = InterviewSession(factory, _setup(uid, resume_pdf, n_questions=3, follow_ups=1),
                               SessionEngines(evaluator=CoverageEvaluator(), follow_up_llm=slow))
    session.prepare()
    session.start()
    session.ask_next()
    session.answer_text("We decided to move the payment service to Kafka after two outages.")
    q = session.ask_next()
    assert q.question.is_follow_up and q.question.drafted_by == "template"
    assert session.follow_up_latency[0] < 1.0
    session.cancel("test over")


def test_streamed_answer_follow_up_drafted_while_spoken(db, resume_pdf, model_manager, tmp_path):
    """Live path with a follow-up model: the draft starts from the interim/final text while
    audio is still being fed, and the follow-up is ready within a second of end_answer."""
    import numpy as np

    from engines.capture.audio import load_audio
    from engines.stt.whisper_file import WhisperFileTranscriber
    from engines.stt.whisper_stream import LocalWhisperStream, load_whisper_model

    class EchoModel:
        """Stands in for the chat model: asks about the answer's first four words."""

        def __init__(self):
            self.calls: list[float] = []

        def chat_json(self, messages, schema, **kw):
            self.calls.append(time.perf_counter())
            answer = messages[-1].content.split("Answer: ", 1)[1]
            quote = " ".join(answer.split()[:4]).strip(".,")
            return {"ask": True, "focus": "number", "quote": quote, "question": f"How did you measure {quote}?"}

    factory, uid = db
    entry, path = model_manager.require("stt")
    model = load_whisper_model(path)
    echo = EchoModel()
    engines = SessionEngines(evaluator=CoverageEvaluator(), transcriber=WhisperFileTranscriber(path, model_id=entry.id),
                             streaming=lambda: LocalWhisperStream(model, threaded=True), follow_up_llm=echo)
    session = InterviewSession(factory, _setup(uid, resume_pdf, n_questions=3, follow_ups=1), engines)
    session.prepare()
    session.start()
    session.ask_next()
    first = load_audio(_espeak(tmp_path, "fu1", "I improved conversion by eight percent in my last project."))
    second = load_audio(_espeak(tmp_path, "fu2", "Then I rebuilt the checkout flow and measured it for two weeks."))
    pcm = np.concatenate([first, np.zeros(16000, np.float32), second])
    session.begin_answer()
    for i in range(0, len(pcm), 512):  # in real time, as a microphone delivers it
        session.feed(pcm[i:i + 512])
        time.sleep(512 / 16000)
    session.feed(np.zeros(16000, np.float32))
    fed_at = time.perf_counter()
    session.end_answer()
    q = session.ask_next()
    assert echo.calls and echo.calls[0] < fed_at  # drafted before the answer ended
    assert q.question.is_follow_up and q.question.drafted_by == "llm"
    assert session.follow_up_latency[0] < 1.0
    session.skip()
    session.finish()
