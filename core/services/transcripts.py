"""Transcript rows, written as each utterance finalises.

``append_utterance`` commits immediately: a crash mid-interview then loses at most the words
being spoken (DESIGN §5). Call it from the thread that owns the session (typically a DB
writer worker fed by the speech worker's signals).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import Speaker, Transcript
from core.protocols import TranscriptSegment


def append_utterance(session: Session, interview_id: int, segment: TranscriptSegment, *,
                     speaker: Speaker = Speaker.User,
                     interview_question_id: int | None = None) -> Transcript:
    """Store one final segment and commit. Interim segments are refused (ValueError)."""
    if not segment.is_final:
        raise ValueError("only final segments are stored")
    row = Transcript(
        interview_id=interview_id,
        speaker=speaker,
        text=segment.text.strip(),
        interview_question_id=interview_question_id,
        start_s=segment.start,
        end_s=segment.end,
        words=[{"w": w.text, "s": w.start, "e": w.end, "c": w.confidence} for w in segment.words],
        confidence=segment.confidence,
        engine=segment.engine or None,
    )
    session.add(row)
    session.commit()
    return row


def transcript_for(session: Session, interview_id: int) -> list[Transcript]:
    return list(session.scalars(select(Transcript).where(Transcript.interview_id == interview_id)
                                .order_by(Transcript.start_s.is_(None), Transcript.start_s, Transcript.id)))
