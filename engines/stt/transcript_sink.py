"""Writes every final utterance to the transcripts table the moment it arrives.

``TranscriptSink(factory, interview_id)`` is an ``on_segment`` callback: interim segments
are ignored, each final one is stored with :func:`core.services.transcripts.append_utterance`
(which commits), so a crash loses at most the words still being spoken. Safe to call from
any engine thread: each write opens its own short session, serialised by a lock (SQLite
allows one writer). ``question_id`` may be changed between answers.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable

from core.db.models import Speaker
from core.protocols import TranscriptSegment

log = logging.getLogger(__name__)


class TranscriptSink:
    def __init__(self, session_factory, interview_id: int, *, question_id: int | None = None,
                 speaker: Speaker = Speaker.User, time_offset_s: float = 0.0,
                 on_error: Callable[[Exception], None] | None = None) -> None:
        """``time_offset_s`` is added to segment times (answer-relative -> interview clock)."""
        self.session_factory = session_factory
        self.interview_id = interview_id
        self.question_id = question_id
        self.speaker = speaker
        self.time_offset_s = time_offset_s
        self.on_error = on_error
        self.written = 0
        self._lock = threading.Lock()

    def __call__(self, segment: TranscriptSegment) -> None:
        if not segment.is_final or not segment.text.strip():
            return
        from dataclasses import replace

        from core.services.transcripts import append_utterance

        if self.time_offset_s:
            segment = replace(segment, start=segment.start + self.time_offset_s, end=segment.end + self.time_offset_s,
                              words=[replace(w, start=w.start + self.time_offset_s, end=w.end + self.time_offset_s)
                                     for w in segment.words])
        with self._lock:
            try:
                with self.session_factory() as session:
                    append_utterance(session, self.interview_id, segment, speaker=self.speaker,
                                     interview_question_id=self.question_id)
                self.written += 1
            except Exception as exc:  # noqa: BLE001 - reported, and the stream must go on
                log.exception("could not store an utterance")
                if self.on_error is None:
                    raise
                self.on_error(exc)
