"""Application start-up: settings, logging, database upgrade, then the main window.

The first window shows which engines and models are ready. Heavy work (database upgrade,
default-model install) runs in a worker thread; the UI thread only paints.
"""

from __future__ import annotations

import argparse
import sys


def run_app(args: argparse.Namespace) -> int:
    from PySide6.QtWidgets import QApplication

    from desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(settings=args.settings)
    window.show()
    window.start_checks()
    return app.exec()
