"""Questions read aloud: Qt text-to-speech where the platform has a voice, espeak-ng otherwise
(what this machine has), and the engine in use on the live screen's engine line."""

from __future__ import annotations

import shutil
import wave

import pytest

from tests.desktop.test_app_flow import _close, _create_account, _shell
from tests.desktop.ui_support import MissingCamera, MissingMicrophone, make_ctx

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")


def _qt_engines() -> list[str]:
    try:
        from PySide6.QtTextToSpeech import QTextToSpeech
    except ImportError:
        return []
    return list(QTextToSpeech.availableEngines())


@needs_espeak
def test_without_a_qt_voice_espeak_ng_reads_to_a_wav(qapp, tmp_path):
    from desktop.workers.tts import EspeakReader, choose_reader

    # an engine list with no usable engine (what a machine without speech-dispatcher has)
    reader = choose_reader("ko", tmp_path, qt_engines=[])
    assert isinstance(reader, EspeakReader) and reader.engine == "espeak-ng"
    u = reader.prepare("자기소개를 해 주세요.", "ko")
    assert u is not None and u.path is not None and u.language == "ko"
    with wave.open(u.path, "rb") as w:
        assert w.getnframes() / w.getframerate() == pytest.approx(u.duration_s)
    assert 0.5 < u.duration_s < 6
    # the default choice skips Qt's "mock" engine: here that leaves espeak-ng too, unless the
    # platform has a real engine with a Korean voice
    default = choose_reader("ko", tmp_path)
    real = [e for e in _qt_engines() if e != "mock"]
    assert default is not None and (real or default.engine == "espeak-ng")


def test_qt_reader_speaks_and_reports_when_done(qtbot, tmp_path):
    """Qt's own "mock" engine stands in for a platform voice: choose_reader picks Qt when that
    engine is allowed and has a voice, and ``say`` calls back when speaking ended."""
    if "mock" not in _qt_engines():
        pytest.skip(f"this Qt build has no mock text-to-speech engine ({_qt_engines()})")
    from desktop.workers.tts import QtSpeechReader, choose_reader

    reader = choose_reader("en", tmp_path, qt_engines=["mock"])
    if reader is None:
        pytest.skip("Qt's mock engine has no English voice here")
    assert isinstance(reader, QtSpeechReader) and reader.engine == "Qt mock"
    u = reader.prepare("Please introduce yourself.", "en")
    assert u.path is None and u.duration_s > 1
    done = []
    reader.say(u, lambda: done.append(True))
    qtbot.waitUntil(lambda: done == [True], timeout=15_000)


@needs_espeak
@pytest.mark.usefixtures("model_manager")
def test_live_screen_reads_the_question_and_names_the_engine(qtbot, tmp_path):
    ctx = make_ctx(tmp_path, "en", camera=lambda: MissingCamera(), microphone=lambda: MissingMicrophone())
    ctx.settings.ui.read_questions_aloud = True
    shell = _shell(qtbot, ctx)
    _create_account(qtbot, shell)
    shell.move_to("new")
    new = shell.screens["new"]
    new.view.count.setValue(1)
    qtbot.waitUntil(lambda: new.plan is not None, timeout=120_000)
    from desktop.workers.tts import EspeakReader

    spoken = []

    class Recording(EspeakReader):  # the real espeak-ng reader, remembering what it read
        def prepare(self, text, language):
            u = super().prepare(text, language)
            spoken.append(u)
            return u

    live = shell.screens["live"]
    live.qt_tts_engines = []  # the platform's engines are not this test's subject: espeak-ng
    live.audio_output_available = lambda: True  # as on a machine with a speaker
    assert live.reader_for("en").engine == "espeak-ng"
    live._readers["en"] = Recording(tmp_path / "tts")
    new.view.start.click()
    qtbot.waitUntil(lambda: live.index == 0, timeout=30_000)
    assert "read aloud: espeak-ng" in live.view.engines.text()
    qtbot.waitUntil(lambda: bool(spoken), timeout=30_000)
    assert spoken[0].text == new.plan.questions[0].text and spoken[0].path.endswith(".wav")
    # after the reading (played, or its duration passed) the typed answer is taken
    live.view.typed.setPlainText("I measure first, then fix the slowest query with an index.")
    qtbot.waitUntil(lambda: live.worker is not None and live.worker._accepting, timeout=30_000)
    live.view.send_typed.click()
    qtbot.waitUntil(lambda: shell.current == "report", timeout=120_000)
    _close(shell)
