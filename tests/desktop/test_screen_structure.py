"""The desktop package's structure (issue 22): who may see each screen (declared, not guessed
from names), the recruiter's playback-to-transcript sync, the transcript in the theme's colours,
and what the app's start imports (no dev tools, no engine assembly before the window)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.context import CurrentUser
from desktop.controllers.shell import SCREENS
from desktop.services.playback_sync import question_of, utterance_at
from desktop.ui.theme import PALETTES
from desktop.ui.transcript_html import TranscriptRow, transcript_html

ROOT = Path(__file__).resolve().parents[2]
CANDIDATE = CurrentUser(id=1, username="mei")
RECRUITER = CurrentUser(id=2, username="sua", role="recruiter", company_id="KAKAO")


def test_every_screen_declares_who_may_see_it():
    screens = {controller.name: controller for controller, _view in SCREENS}
    assert len(screens) == len(SCREENS)  # one line per screen, names unique
    assert {n for n, c in screens.items() if c.public} == {"login", "wizard"}
    assert {n for n, c in screens.items() if c.role == "recruiter"} == {
        "recruiter", "recruiter_report", "recruiter_compare", "recruiter_live"}
    assert {n for n, c in screens.items() if c.role == "both"} == {"login", "settings"}
    for name, c in screens.items():
        assert c.allows(None) is (name in ("login", "wizard"))
        assert c.allows(CANDIDATE) is (c.role != "recruiter")
        assert c.allows(RECRUITER) is (c.role != "candidate")
    # an admin account is a recruiter for the screens
    admin = CurrentUser(id=3, username="root", role="admin")
    assert screens["recruiter"].allows(admin) and not screens["new"].allows(admin)


ROWS: list[TranscriptRow] = [
    {"speaker": "AI", "text": "Tell me about indexes.", "start_s": 0.0, "interview_question_id": 11},
    {"speaker": "User", "text": "A B-tree keeps keys sorted.", "start_s": 4.0, "interview_question_id": 11},
    {"speaker": "AI", "text": "And caching?", "start_s": 20.0, "interview_question_id": 12},
    {"speaker": "User", "text": "Cache-aside with Redis.", "start_s": 23.5, "interview_question_id": 12},
    {"speaker": "User", "text": "(no time)", "start_s": None},
]


def test_the_playhead_picks_the_utterance_started_last_and_its_question():
    assert utterance_at(ROWS, -1.0) is None  # before anything was said
    assert utterance_at(ROWS, 0.0) == 0
    assert utterance_at(ROWS, 19.99) == 1
    assert utterance_at(ROWS, 23.5) == 3
    assert utterance_at(ROWS, 500.0) == 3  # a row without a time is never the one at the playhead
    assert [question_of(ROWS, i) for i in range(4)] == [0, 0, 1, 1]
    # without question ids: the AI turns before a row; an explicit position wins
    bare: list[TranscriptRow] = [{"speaker": "User", "text": "hi"}, {"speaker": "AI", "text": "Q1"},
                                 {"speaker": "User", "text": "A1"}, {"speaker": "User", "text": "x",
                                                                     "question_position": 4}]
    assert [question_of(bare, i) for i in range(4)] == [None, 0, 0, 4]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_transcript_is_drawn_in_the_themes_colours(theme):
    pal = PALETTES[theme]
    html = transcript_html(ROWS, "en", highlighted=1, colours=pal)
    assert f"background-color:{pal['mark']};" in html and f"color:{pal['markText']};" in html
    assert html.count("background-color:") == 1  # only the line at the playhead is marked
    assert f"color:{pal['muted']};" in html  # the AI's lines
    assert "href='t:4.000'" in html and "00:04" in html  # a click on the time seeks there
    assert "a &lt;b&gt; c" in transcript_html([{"speaker": "User", "text": "a <b> c"}], "en", colours=pal)
    if theme == "dark":  # the light theme's marker would glare on the dark background
        assert PALETTES["light"]["mark"] not in html
    empty = transcript_html([], "en", colours=pal)
    assert empty.startswith("<p>") and "background-color" not in empty


def test_the_apps_start_imports_neither_dev_tools_nor_the_engine_assembly():
    """``import desktop.app`` (everything the window needs) stays light: the engine assembly,
    the interview session and numpy load after the window (their imports are lazy on purpose,
    docs/ARCHITECTURE.md §2); the dev-only package never loads."""
    code = ("import sys, desktop.app\n"
            "late = ('devtools', 'engines.assembly', 'core.interview.session', 'numpy', 'cv2', 'llama_cpp',"
            " 'faster_whisper', 'tensorflow', 'aiortc')\n"
            "print(' '.join(m for m in late if m in sys.modules or any(k.startswith(m + '.') for k in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == ""
