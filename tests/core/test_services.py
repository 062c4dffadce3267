"""Users with bcrypt, interviews and their state machine, transcripts written per utterance."""

from __future__ import annotations

import pytest

from core.db.models import InterviewStatus, Speaker, User
from core.db.session import session_factory, upgrade_database
from core.errors import InputError, InvalidTransition
from core.protocols import TranscriptSegment, Word
from core.services import interviews, transcripts, users


@pytest.fixture
def session(sqlite_engine):
    upgrade_database(sqlite_engine)
    with session_factory(sqlite_engine)() as s:
        yield s


def _candidate(session) -> User:
    u = users.create_user(session, email="Lee@Example.com", username="lee", password="correct horse",
                          full_name="이서연")
    session.commit()
    return u


def test_user_password_is_bcrypt_and_authenticates(session):
    u = _candidate(session)
    assert u.email == "lee@example.com"
    assert u.password_hash.startswith("$2b$") and "correct horse" not in u.password_hash
    assert users.authenticate(session, "lee", "correct horse") is u
    assert users.authenticate(session, "lee@example.com", "correct horse") is u
    assert users.authenticate(session, "lee", "wrong password") is None
    assert users.authenticate(session, "nobody", "correct horse") is None


def test_user_bad_input(session):
    _candidate(session)
    with pytest.raises(InputError) as dup:
        users.create_user(session, email="lee@example.com", username="other", password="long enough")
    assert dup.value.code == "user.duplicate"
    with pytest.raises(InputError) as short:
        users.create_user(session, email="a@b.co", username="abc", password="short")
    assert "8" in str(short.value)
    with pytest.raises(InputError):
        users.create_user(session, email="not-an-email", username="abc", password="long enough")


def test_interview_state_machine(session):
    u = _candidate(session)
    iv = interviews.create_interview(session, candidate_id=u.id, position="Backend Engineer")
    assert iv.status is InterviewStatus.scheduled
    interviews.transition(session, iv, "live")
    assert iv.started_at is not None
    interviews.transition(session, iv, InterviewStatus.completed)
    assert iv.ended_at is not None
    with pytest.raises(InvalidTransition) as err:
        interviews.transition(session, iv, "live")
    assert err.value.params == {"current": "completed", "target": "live", "allowed": "none (final state)"}
    assert "completed" in err.value.localized("ko") and "live" in str(err.value)
    assert iv.status is InterviewStatus.completed  # unchanged


def test_illegal_skip_from_scheduled_to_completed(session):
    u = _candidate(session)
    iv = interviews.create_interview(session, candidate_id=u.id, position="PM")
    with pytest.raises(InvalidTransition) as err:
        interviews.transition(session, iv, "completed")
    assert "cancelled, live" in str(err.value)
    interviews.transition(session, iv, "cancelled")
    assert iv.status is InterviewStatus.cancelled


def test_append_utterance_commits_each_final_segment(session, sqlite_engine):
    u = _candidate(session)
    iv = interviews.create_interview(session, candidate_id=u.id, position="Backend Engineer")
    session.commit()
    seg = TranscriptSegment(text=" 저는 백엔드 개발자입니다 ", start=1.0, end=2.5, confidence=0.9,
                            words=[Word("저는", 1.0, 1.3, 0.9), Word("백엔드", 1.3, 1.8, 0.95)],
                            engine="faster-whisper-base")
    transcripts.append_utterance(session, iv.id, seg)
    # visible from another connection at once: it was committed, not just flushed
    with session_factory(sqlite_engine)() as other:
        rows = transcripts.transcript_for(other, iv.id)
        assert [r.text for r in rows] == ["저는 백엔드 개발자입니다"]
        assert rows[0].speaker is Speaker.User and rows[0].words[1]["w"] == "백엔드"
    with pytest.raises(ValueError):
        transcripts.append_utterance(session, iv.id, TranscriptSegment("interim", 0, 1, is_final=False))
