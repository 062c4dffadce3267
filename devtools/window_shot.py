"""``python -m devtools.window_shot screenshot OUT.png [--lang ko]`` opens the main window,
waits for the start-up checks, and saves a screenshot of the real window as the screen shows it
(used under Xvfb by the tests and for documentation)."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from core.config import load_settings
from core.i18n import LANGUAGES
from desktop.controllers.readiness import run_checks
from desktop.ui.main_window import MainWindow


def screenshot(out: str, lang: str, timeout_ms: int = 120_000) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    settings = load_settings().settings.model_copy(update={"language": lang})
    window = MainWindow(settings)
    window.show()
    window.start_checks(run_checks)
    result = {"code": 1}

    def grab() -> None:
        screen = window.screen()
        pixmap = screen.grabWindow(window.winId()) if screen else window.grab()
        result["code"] = 0 if pixmap.save(out) else 1
        app.quit()

    job = window.job
    assert job is not None, "start_checks started it"
    job.finished.connect(lambda: QTimer.singleShot(300, grab))
    QTimer.singleShot(timeout_ms, app.quit)
    app.exec()
    return result["code"]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m devtools.window_shot")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("screenshot")
    s.add_argument("out")
    s.add_argument("--lang", default="en", choices=list(LANGUAGES))
    args = p.parse_args(argv)
    return screenshot(args.out, args.lang)


if __name__ == "__main__":
    sys.exit(main())
