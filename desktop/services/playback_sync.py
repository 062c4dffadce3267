"""Playback-to-transcript sync for the recruiter's report: which transcript row is being spoken
at a moment of the recording, and which question a row belongs to. Pure functions over the
server's transcript rows (``TranscriptRow``); the screen calls them from the player's playhead
signal, many times a second, on the UI thread."""

from __future__ import annotations

from typing import Sequence

from desktop.ui.transcript_html import TranscriptRow


def utterance_at(rows: Sequence[TranscriptRow], t: float) -> int | None:
    """The row being spoken at session time ``t``: the last one started by then."""
    best: int | None = None
    best_start = 0.0
    for i, row in enumerate(rows):
        start = row.get("start_s")
        if start is not None and float(start) <= t + 1e-6:
            if best is None or float(start) >= best_start:
                best, best_start = i, float(start)
    return best


def question_of(rows: Sequence[TranscriptRow], i: int) -> int | None:
    """The question (its 0-based position) row ``i`` belongs to: its ``question_position`` when
    given, else the order in which its question first appears (the server answers with
    ``interview_question_id``), else the AI turns before it."""
    row = rows[i]
    position = row.get("question_position")
    if position is not None:
        return int(position)
    qid = row.get("interview_question_id")
    if qid is not None:
        order: list[int] = []
        for r in rows:
            rid = r.get("interview_question_id")
            if rid is not None and rid not in order:
                order.append(rid)
        return order.index(qid)
    asked = sum(1 for r in rows[: i + 1] if r.get("speaker") == "AI")
    return asked - 1 if asked else None
