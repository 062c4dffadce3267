"""Application start-up: settings, logging, database upgrade, then the main window.

The window opens at once with the sign-in screen; the database upgrade (Alembic, tens of ms
to seconds) runs before the window only because every screen reads the database, and it is
measured by bench/ui.py as part of the cold start. The screenshots of every screen with a demo
session are rendered by the dev-only ``python -m devtools.screenshots DIR``, outside the product.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from core.config import Settings
from desktop.context import (
    AppContext,
    CameraFactory,
    MicrophoneFactory,
    default_camera_factory,
    default_microphone_factory,
    open_database,
)
from desktop.controllers.shell import Shell
from desktop.controllers.wizard import first_run_pending
from desktop.events import AppEvents
from desktop.ui.main_window import MainWindow
from desktop.workers.jobs import wait_idle

def build_context(settings: Settings, *, settings_path: Path | None = None,
                  camera_factory: CameraFactory | None = None, microphone_factory: MicrophoneFactory | None = None,
                  save_settings_to_disk: bool = True) -> AppContext:
    """The AppContext for ``settings`` with the real devices unless factories are given."""
    db, sessions = open_database(settings)
    return AppContext(settings=settings, db=db, sessions=sessions, events=AppEvents(),
                      camera_factory=camera_factory or default_camera_factory(settings),
                      microphone_factory=microphone_factory or default_microphone_factory(settings),
                      settings_path=settings_path, save_settings_to_disk=save_settings_to_disk)


def run_app(args: argparse.Namespace) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    if getattr(args, "readiness", False):
        # lazy: only the readiness window runs these checks; the GPU probe they import costs
        # ~0.2 s (measured), which the app's start does not pay
        from desktop.controllers.readiness import run_checks

        window = MainWindow(settings=args.settings)
        window.show()
        window.start_checks(run_checks)
        return app.exec()
    ctx = build_context(args.settings)
    shell = Shell(ctx)
    shell.window.show()
    shell.start(first_run=first_run_pending())
    code = app.exec()
    if shell.current is not None:
        shell.screen.leave()
    wait_idle(10_000)
    return code
