"""Helpers for the desktop screen tests: an AppContext on a private SQLite file, with device
factories the test chooses (file sources with real recordings, synthesised ones, or missing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from core.config import Settings
from core.errors import DeviceError
from core.i18n import Msg


def make_ctx(tmp_path: Path, lang: str = "en", *, camera: Callable[[], Any] | None = None,
             microphone: Callable[[], Any] | None = None, **settings_updates: Any):
    from desktop.app import build_context
    from devtools.demo import SyntheticFaceCamera, SyntheticMicrophone

    settings = Settings(language=lang, database_url=f"sqlite:///{tmp_path / 'ui.sqlite3'}", **settings_updates)
    return build_context(settings, settings_path=tmp_path / "settings.toml",
                         camera_factory=camera or (lambda: SyntheticFaceCamera()),
                         microphone_factory=microphone or (lambda: SyntheticMicrophone()))


class MissingCamera:
    """A camera source whose device is absent, as OpenCVCamera reports it."""

    fps, size = 30.0, (640, 480)

    def open(self) -> None:
        raise DeviceError("capture.camera_unavailable", device=0)

    def read(self):  # pragma: no cover - never opened
        return None

    def close(self) -> None:
        pass


class MissingMicrophone:
    sample_rate = 16_000

    def start(self, on_audio) -> None:
        raise DeviceError("speech.no_microphone", looked_for=Msg("speech.looked.default"),
                          present=Msg("speech.devices.none"))

    def stop(self) -> None:
        pass


def open_shell(qtbot, ctx):
    """The app's shell on ``ctx``, shown and started (offscreen)."""
    from desktop.controllers.shell import Shell

    shell = Shell(ctx)
    qtbot.addWidget(shell.window)
    shell.window.show()
    shell.start()
    return shell


def close_shell(shell) -> None:
    """Leave the current screen and wait for the background jobs."""
    from desktop.workers.jobs import wait_idle

    if shell.current is not None:
        shell.screen.leave()
    wait_idle(30_000)


def server_sign_in(qtbot, shell, url: str, login: str, password: str, *, allow_http: bool = False):
    """Fill in and submit the login screen's server-account form; its view."""
    screen = shell.screens["login"]
    v = screen.view
    # the first-run check has answered (it would switch the form) and nothing is in flight
    qtbot.waitUntil(lambda: all(op.done for op in screen.ops) and v.server_sign_in.isEnabled(), timeout=10_000)
    v.kind_server.click()
    assert v.server_mode
    v.server_url.setText(url)
    v.server_login.setText(login)
    v.server_password.setText(password)
    v.allow_http.setChecked(allow_http)
    v.server_sign_in.click()
    return v
