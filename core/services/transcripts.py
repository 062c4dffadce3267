"""Transcript rows, written as each utterance finalises.

``append_utterance`` commits immediately: a crash mid-interview then loses at most the words
being spoken (docs/ARCHITECTURE.md §5). Call it from the thread that owns the session (typically a DB
writer worker fed by the speech worker's signals).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import Speaker, Transcript
from core.protocols import TranscriptSegment

log = logging.getLogger(__name__)


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


def replace_answer(session: Session, interview_id: int, interview_question_id: int,
                   segments: list[TranscriptSegment], *, speaker: Speaker = Speaker.User) -> list[Transcript]:
    """Replace the stored utterances of one answer with ``segments`` (final ones) in one
    transaction (commits): the full-context pass over an answer supersedes its streaming text,
    and a reader never sees the answer half-replaced."""
    old = session.scalars(select(Transcript).where(Transcript.interview_id == interview_id,
                                                   Transcript.interview_question_id == interview_question_id,
                                                   Transcript.speaker == speaker)).all()
    for row in old:
        session.delete(row)
    rows = []
    for seg in segments:
        if not seg.is_final or not seg.text.strip():
            continue
        rows.append(Transcript(interview_id=interview_id, speaker=speaker, text=seg.text.strip(),
                               interview_question_id=interview_question_id, start_s=seg.start, end_s=seg.end,
                               words=[{"w": w.text, "s": w.start, "e": w.end, "c": w.confidence}
                                      for w in seg.words],
                               confidence=seg.confidence, engine=seg.engine or None))
    session.add_all(rows)
    session.commit()
    return rows


class TranscriptWriter:
    """The one writer of live utterances: ``writer(segment)`` stores each final segment the
    moment it arrives (committed, so a crash loses at most the words being spoken); interim
    segments are ignored.

    Safe to call from any engine thread: each write opens its own short session from
    ``session_factory``, serialised by a lock (SQLite allows one writer). ``question_id`` and
    ``time_offset_s`` (added to segment times: answer-relative -> interview clock) may be
    changed between answers. ``on_error(exc)`` receives a failed write (logged); without it
    the error propagates to the engine thread.
    """

    def __init__(self, session_factory: Callable[[], Session], interview_id: int, *, question_id: int | None = None,
                 speaker: Speaker = Speaker.User, time_offset_s: float = 0.0,
                 on_error: Callable[[Exception], None] | None = None) -> None:
        self.session_factory = session_factory
        self.interview_id = interview_id
        self.question_id = question_id
        self.speaker = speaker
        self.time_offset_s = time_offset_s
        self.on_error = on_error
        self.written = 0
        self.lock = threading.Lock()

    def __call__(self, segment: TranscriptSegment) -> None:
        if not segment.is_final or not segment.text.strip():
            return
        if self.time_offset_s:
            off = self.time_offset_s
            segment = replace(segment, start=segment.start + off, end=segment.end + off,
                              words=[replace(w, start=w.start + off, end=w.end + off) for w in segment.words])
        with self.lock:
            try:
                with self.session_factory() as session:
                    append_utterance(session, self.interview_id, segment, speaker=self.speaker,
                                     interview_question_id=self.question_id)
                self.written += 1
            except Exception as exc:  # reported; the speech stream must go on
                log.exception("could not store an utterance")
                if self.on_error is None:
                    raise
                self.on_error(exc)
