"""The first window: a real Qt window offscreen; start-up checks run off the UI thread."""

from __future__ import annotations

import shutil

import pytest

from core.config import Settings
from core.i18n import tr


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_main_window_shows_capability_states(qtbot, lang, model_manager):
    from desktop.controllers.readiness import run_checks
    from desktop.ui.main_window import MainWindow

    window = MainWindow(Settings(language=lang))
    qtbot.addWidget(window)
    window.show()
    window.start_checks(run_checks)
    with qtbot.waitSignal(window.job.finished, timeout=120_000):
        pass
    qtbot.waitUntil(lambda: window.table.rowCount() > 0, timeout=5_000)
    rows = {window.table.item(r, 0).text(): window.table.item(r, 1).text()
            for r in range(window.table.rowCount())}
    ready = "Ready" if lang == "en" else "준비됨"
    stt = "Speech recognition" if lang == "en" else "음성 인식"
    db = "Local database" if lang == "en" else "로컬 데이터베이스"
    assert rows[stt] == ready and rows[db] == ready
    assert len(rows) == 12  # database + 8 capabilities + microphone + camera + GPU
    gpu = rows["GPU"]
    assert gpu in (ready, "Not ready" if lang == "en" else tr("app.not_ready", lang))
    detail = window.table.item(list(rows).index("GPU"), 2).text()
    if not shutil.which("nvidia-smi"):  # this machine: the CPU, and the detail says so
        assert gpu != ready and detail
    assert window.progress.isHidden()


def test_screenshot_of_real_window_under_xvfb(tmp_path, model_manager):
    """A real X11 window (xcb platform) on Xvfb, captured from the screen, not rendered offscreen."""
    import os
    import shutil
    import subprocess
    import sys

    if not shutil.which("xvfb-run"):
        pytest.skip("xvfb-run not installed (make test installs it)")
    out = tmp_path / "main_window_ko.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    proc = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1024x768x24", sys.executable, "-m",
                           "devtools.window_shot", "screenshot", str(out), "--lang", "ko"],
                          env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    from PySide6.QtGui import QImage

    img = QImage(str(out))
    assert img.width() >= 600 and img.height() >= 400
    colours = {img.pixel(x, y) for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)}
    assert len(colours) > 20  # text and table were drawn, not a blank frame
