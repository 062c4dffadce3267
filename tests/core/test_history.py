"""History queries and data deletion (core.services.history) on a real SQLite database."""

from __future__ import annotations

from core.db.models import InterviewStatus, MediaFile, Resume, Transcript
from core.db.session import session_factory, upgrade_database
from core.protocols import TranscriptSegment
from core.services.history import delete_all_of_user, delete_interview, interview_history, weakest_areas
from core.services.interviews import create_interview, transition
from core.services.transcripts import append_utterance
from core.services.users import create_user


def test_delete_interview_removes_rows_and_media_files(sqlite_engine, tmp_path):
    upgrade_database(sqlite_engine)
    factory = session_factory(sqlite_engine)
    media = tmp_path / "answer1.webm"
    media.write_bytes(b"\x1aE\xdf\xa3 not really webm")
    with factory() as s:
        u = create_user(s, email="a@example.com", username="alice", password="password-123")
        r = Resume(candidate_id=u.id, file_path="/x/cv.pdf", file_name="cv.pdf")
        s.add(r)
        s.flush()
        iv = create_interview(s, candidate_id=u.id, position="Backend", resume_id=r.id, language="en")
        keep = create_interview(s, candidate_id=u.id, position="Frontend", language="en")
        transition(s, iv, InterviewStatus.live)
        s.add(MediaFile(interview_id=iv.id, kind="video", path=str(media)))
        s.commit()
        append_utterance(s, iv.id, TranscriptSegment(text="hello there", start=0.0, end=1.0))
        assert delete_interview(s, iv.id) == 1
        s.commit()
        assert not media.exists()
        assert s.query(Transcript).count() == 0 and s.query(MediaFile).count() == 0
        assert s.query(Resume).count() == 0  # its only interview is gone
        assert s.get(type(keep), keep.id) is not None
        assert delete_all_of_user(s, u.id) == 0
        s.commit()
        assert interview_history(s, u.id) == []


def test_weakest_areas_use_only_scored_criteria():
    from core.services.history import PastInterview

    h = [PastInterview(1, None, None, "p", "en", 50.0, {"logic": 40.0, "communication": None}),
         PastInterview(2, None, None, "p", "en", 60.0, {"logic": 60.0, "communication": 80.0})]
    assert weakest_areas(h) == [("logic", 50.0), ("communication", 80.0)]
