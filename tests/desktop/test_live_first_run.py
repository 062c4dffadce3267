"""What a first-time candidate meets on the live screen, through the real widgets offscreen:
finishing early is confirmed, pause + a typed answer, an empty answer, the typed answer's
clock, skip while a question is read aloud, and read-aloud without an audio device."""

from __future__ import annotations

import shutil

import pytest

from core.i18n import tr
from tests.desktop.test_app_flow import _close, _create_account, _shell
from tests.desktop.ui_support import MissingCamera, MissingMicrophone, make_ctx

pytestmark = pytest.mark.usefixtures("model_manager")


def _start_typed(qtbot, tmp_path, n: int = 3, *, read_aloud: bool = False, speaker: bool = False):
    ctx = make_ctx(tmp_path, "en", camera=lambda: MissingCamera(), microphone=lambda: MissingMicrophone())
    ctx.settings.ui.read_questions_aloud = read_aloud
    shell = _shell(qtbot, ctx)
    _create_account(qtbot, shell)
    shell.move_to("new")
    new = shell.screens["new"]
    new.view.count.setValue(n)
    qtbot.waitUntil(lambda: new.plan is not None and len(new.plan.questions) == n, timeout=120_000)
    live = shell.screens["live"]
    live.qt_tts_engines = []  # espeak-ng, the reader this machine has
    live.audio_output_available = lambda: speaker
    new.view.start.click()
    qtbot.waitUntil(lambda: live.index == 0, timeout=30_000)
    return shell, live


def _accepting(live) -> bool:
    return live.worker is not None and live.worker._accepting


def test_finish_on_the_first_question_asks_and_the_empty_interview_is_no_progress(qtbot, tmp_path):
    shell, live = _start_typed(qtbot, tmp_path)
    asked = []
    live.confirm_finish = lambda answered, total: asked.append((answered, total)) or False
    live.view.finish.click()
    assert asked == [(0, 3)]
    assert shell.current == "live" and live.index == 0  # declined: the interview goes on
    live.confirm_finish = lambda answered, total: asked.append((answered, total)) or True
    live.view.finish.click()
    qtbot.waitUntil(lambda: shell.current == "report", timeout=120_000)
    assert shell.screens["report"].report["summary"]["evaluated_answers"] == 0
    shell.move_to("home")
    home = shell.screens["home"]
    qtbot.waitUntil(lambda: not home.loading and home.view.table.rowCount() == 1, timeout=20_000)
    assert home.view.progress_chart.points == []  # nothing evaluated: no point on the chart
    _close(shell)


def test_pause_then_typed_answer_resumes_and_the_status_is_never_blank(qtbot, tmp_path):
    shell, live = _start_typed(qtbot, tmp_path)
    v = live.view
    qtbot.waitUntil(lambda: _accepting(live), timeout=30_000)
    v.pause.click()
    assert v.pause.text() == tr("ui.live.resume", "en") and v.state.text() == tr("ui.live.paused", "en")
    v.typed.setPlainText("I would add an index on the filtered column and check the plan again.")
    v.send_typed.click()
    assert not live.paused and v.pause.text() == tr("ui.live.pause", "en")
    qtbot.waitUntil(lambda: live.index == 1, timeout=60_000)
    assert v.pause.text() == tr("ui.live.pause", "en") and v.state.text()
    # the typed answer is in the captions once (its stored transcript came back as well)
    qtbot.wait(200)
    assert live.captions.get(0) == ["I would add an index on the filtered column and check the plan again."]
    v.pause.click()
    v.pause.click()  # resume: the heading says what to do, never blank
    assert v.state.text() == tr("ui.live.typing", "en")
    live.confirm_finish = lambda *_a: True
    v.finish.click()
    qtbot.waitUntil(lambda: shell.current == "report", timeout=120_000)
    _close(shell)


def test_an_empty_answer_says_type_or_skip_and_the_typed_clock_runs(qtbot, tmp_path):
    shell, live = _start_typed(qtbot, tmp_path, n=2)
    v = live.view
    qtbot.waitUntil(lambda: _accepting(live), timeout=30_000)
    v.typed.setPlainText("   \n ")
    v.send_typed.click()
    assert v.state.text() == tr("ui.live.empty_answer", "en")
    assert live.index == 0 and v.send_typed.isEnabled()
    # no microphone: the answer clock runs on its own (it stayed at 0:00)
    qtbot.waitUntil(lambda: v.timer.text().startswith("0:01") or "0:01" in v.timer.text(), timeout=5_000)
    live.confirm_finish = lambda *_a: True
    v.finish.click()
    qtbot.waitUntil(lambda: shell.current == "report", timeout=120_000)
    _close(shell)


def test_without_an_audio_device_questions_are_not_read_and_answerable_at_once(qtbot, tmp_path):
    shell, live = _start_typed(qtbot, tmp_path, n=1, read_aloud=True, speaker=False)
    assert live.tts is None and tr("ui.live.no_speaker", "en") in live.view.banner.text()
    assert "read aloud" not in live.view.engines.text()
    # nothing is read: the answer is taken as soon as the question shows
    qtbot.waitUntil(lambda: _accepting(live), timeout=1_000)
    assert not live.reading
    live.confirm_finish = lambda *_a: True
    live.view.finish.click()
    qtbot.waitUntil(lambda: shell.current == "report", timeout=120_000)
    _close(shell)


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_skip_while_reading_aloud_acts_at_once_and_once_per_question(qtbot, tmp_path):
    shell, live = _start_typed(qtbot, tmp_path, n=3, read_aloud=True, speaker=True)
    v = live.view
    assert live.tts is not None and live.tts.engine == "espeak-ng"
    qtbot.waitUntil(lambda: live.reading, timeout=30_000)
    assert not _accepting(live)  # still reading: the worker waits for the end of the reading
    for _ in range(4):  # four clicks on one question: one skip, the button is off until the next
        if v.skip.isEnabled():
            v.skip.click()
    assert not v.skip.isEnabled() and not live.reading
    # the reading stopped: the next question arrives without waiting for the reading's length
    qtbot.waitUntil(lambda: live.index == 1, timeout=1_500)
    qtbot.wait(300)
    assert live.index == 1 and v.skip.isEnabled()
    qtbot.waitUntil(lambda: live.reading, timeout=30_000)
    v.skip.click()
    qtbot.waitUntil(lambda: live.index == 2, timeout=1_500)
    live.confirm_finish = lambda *_a: True
    v.finish.click()
    qtbot.waitUntil(lambda: shell.current == "report", timeout=120_000)
    _close(shell)
