"""An interview's transcript as rich text for a QTextBrowser, in the current theme's colours.

Each line reads "mm:ss Speaker text"; the AI's lines are muted; the line at the playhead is
marked (the theme's ``mark`` / ``markText``: legible in light and dark); a line's time is a
link ``t:<seconds>`` so a click can seek the recording. Layout only; UI thread.
"""

from __future__ import annotations

import html
from typing import Mapping, Sequence, TypedDict

from core.i18n import tr
from desktop.ui.theme import current_theme, palette


class TranscriptRow(TypedDict, total=False):
    """One utterance as the server's transcript endpoint gives it."""

    speaker: str  # "AI" | "User"
    text: str
    start_s: float | None  # on the session clock
    question_position: int | None
    interview_question_id: int | None


def transcript_html(rows: Sequence[TranscriptRow], lang: str, highlighted: int | None = None,
                    colours: Mapping[str, str] | None = None) -> str:
    """The transcript ``rows`` with row ``highlighted`` marked; ``colours`` default to the
    current theme's palette (desktop.ui.theme)."""
    pal = colours or palette(current_theme())
    parts = []
    for i, t in enumerate(rows):
        start = t.get("start_s")
        stamp = "" if start is None else f"{int(start) // 60:02d}:{int(start) % 60:02d} "
        who = tr("ui.recruiter.speaker.ai" if t.get("speaker") == "AI" else "ui.recruiter.speaker.candidate", lang)
        colour = pal["muted"] if t.get("speaker") == "AI" else "inherit"
        back = ""
        if i == highlighted:
            colour, back = pal["markText"], f" background-color:{pal['mark']};"
        head = f"<b>{html.escape(stamp + who)}</b>"
        if start is not None:  # a click on the line's time seeks the recording there
            head = f"<a href='t:{float(start):.3f}' style='text-decoration:none'>{head}</a>"
        parts.append(f"<p style='color:{colour};{back}'><a name='u{i}'></a>{head} "
                     f"{html.escape(t.get('text') or '')}</p>")
    return "".join(parts) or f"<p>{html.escape(tr('ui.recruiter.no_transcript', lang))}</p>"
