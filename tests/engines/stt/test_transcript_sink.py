"""Every final utterance lands in the transcripts table as it arrives (real SQLite, real
migrations, real streaming engine)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db.models import Speaker, Transcript
from core.db.session import make_engine, session_factory, upgrade_database
from core.protocols import TranscriptSegment
from core.services import interviews, users
from core.services.transcripts import transcript_for
from engines.stt.accuracy import wer
from engines.stt.streaming_file import transcribe_streaming
from core.services.transcripts import TranscriptWriter as TranscriptSink
from speech_media import reference


@pytest.fixture
def db(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'big20.db'}")
    upgrade_database(engine)
    factory = session_factory(engine)
    with factory() as s:
        u = users.create_user(s, email="kim@example.com", username="kim", password="pw-123456789")
        iv = interviews.create_interview(s, candidate_id=u.id, position="Backend Engineer", language="en")
        s.commit()
        iid = iv.id
    yield factory, iid
    engine.dispose()


def test_sink_ignores_interim_and_commits_each_final(db):
    factory, iid = db
    sink = TranscriptSink(factory, iid, time_offset_s=10.0)
    sink(TranscriptSegment("hello wor", 0.0, 0.5, is_final=False, engine="x"))
    with factory() as s:
        assert s.scalars(select(Transcript)).all() == []
    sink(TranscriptSegment("hello world", 0.0, 1.0, is_final=True, engine="deepgram", confidence=0.9))
    with factory() as s:  # a second session sees it: committed, not just flushed
        rows = transcript_for(s, iid)
        assert [(r.text, r.start_s, r.end_s, r.speaker, r.engine) for r in rows] == [
            ("hello world", 10.0, 11.0, Speaker.User, "deepgram")]


@pytest.mark.slow
def test_streamed_answer_written_utterance_by_utterance(db, whisper_model, shared_data):
    factory, iid = db
    sink = TranscriptSink(factory, iid)
    rows_seen = []

    def on_segment(seg):
        sink(seg)
        if seg.is_final:
            with factory() as s:  # already in the table when the next audio is processed
                rows_seen.append(len(transcript_for(s, iid)))

    result = transcribe_streaming(shared_data / "speech/en/jfk.wav", "en", realtime=False,
                                  use_deepgram=False, model=whisper_model, on_segment=on_segment)
    assert rows_seen == list(range(1, len(result.segments) + 1)) and len(rows_seen) >= 2
    with factory() as s:
        rows = transcript_for(s, iid)
    assert [r.text for r in rows] == [seg.text for seg in result.segments]
    assert all(r.words and r.end_s > r.start_s for r in rows)
    assert result.engine == "faster-whisper"
    assert wer(reference(shared_data, "en", "jfk.wav"), " ".join(r.text for r in rows)) <= 0.15


@pytest.mark.slow
def test_realtime_streaming_file_path_for_replay(whisper_model, shared_data):
    """What `big20 replay --realtime` calls: the threaded live engine fed in real time."""
    segs = []
    result = transcribe_streaming(shared_data / "speech/en/leopard_test_en.wav", "en", realtime=True,
                                  use_deepgram=False, model=whisper_model, on_segment=segs.append)
    assert result.engine == "faster-whisper" and result.segments and result.duration == pytest.approx(6.86, abs=0.05)
    assert all(s.is_final for s in result.segments) and any(not s.is_final for s in segs)
    assert wer(reference(shared_data, "en", "leopard_test_en.wav"), result.text) <= 0.2
