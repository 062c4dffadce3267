"""Entry point of the PyInstaller bundle (installer/big20.spec).

A frozen app has no Python interpreter beside it: ``sys.executable`` is the bundle's own
program. Code that starts a child as ``[sys.executable, "-m", module, ...]`` (the native
runtime probe, :mod:`engines.runtime_probe`) therefore starts this entry again, and it must
behave as ``python -m module`` would. Only the modules listed in :data:`CHILD_MODULES` may be
run that way; every other command line is the ``big20`` CLI (the desktop app by default).

Runs on the main thread at start; nothing here is imported by the rest of the app.
"""

from __future__ import annotations

import multiprocessing
import os
import sys

# ``python -m <module>`` forms the app itself spawns from a frozen build, and the function that
# plays that module's ``if __name__ == "__main__"`` block
CHILD_MODULES = {"engines.runtime_probe": ("engines.runtime_probe", "_child_main")}


def child_command(argv: list[str]) -> tuple[str, str, list[str]] | None:
    """(module, function, its argv) when ``argv`` (without the program) is ``-m <child> ...``."""
    if len(argv) >= 2 and argv[0] == "-m" and argv[1] in CHILD_MODULES:
        module, func = CHILD_MODULES[argv[1]]
        return module, func, argv[2:]
    return None


def _bundle_environment() -> None:
    """Point Qt and TLS at what the bundle carries, unless the user set them."""
    base = getattr(sys, "_MEIPASS", None)
    if not base:
        return
    # httpx (model downloads) verifies TLS with certifi's file; PyInstaller's certifi hook
    # collects it, and SSL_CERT_FILE makes OpenSSL itself agree for other clients.
    cert = os.path.join(base, "certifi", "cacert.pem")
    if os.path.exists(cert):
        os.environ.setdefault("SSL_CERT_FILE", cert)


def main() -> int:
    multiprocessing.freeze_support()
    _bundle_environment()
    child = child_command(sys.argv[1:])
    if child is not None:
        module, func, args = child
        mod = __import__(module, fromlist=[func])
        return int(getattr(mod, func)(args) or 0)
    # lazy: a child process (runtime probe, emotion model) must not import the CLI and Qt
    from desktop.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
