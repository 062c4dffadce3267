"""``big20``: the desktop app and its subcommands.

``big20`` alone opens the app. Subcommands live in the module that owns them and register
themselves here (``register(subparsers)``), so this file stays a table of contents.
Exit codes: 0 ok, 1 a user-facing error (message printed in the user's language), 2 usage.
"""

from __future__ import annotations

import argparse
import logging
import sys

from core import __version__
from core.config import load_settings
from core.errors import Big20Error
from core.i18n import tr
from core.logging_setup import setup_logging
from core.paths import app_paths
from installer import doctor, models_cli

log = logging.getLogger("big20")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="big20", description="Big20 AI Interview")
    parser.add_argument("--version", action="version", version=f"big20 {__version__}")
    parser.add_argument("--log-level", default=None, choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                        help="console log level (default: from settings)")
    sub = parser.add_subparsers(dest="command")
    app = sub.add_parser("app", help="open the desktop app (the default)")
    app.add_argument("--readiness", action="store_true", help="open the engine/model readiness window")
    app.set_defaults(func=_run_app)
    models_cli.register(sub)
    doctor.register(sub)
    for optional in ("desktop.replay_cli", "desktop.resume_cli", "desktop.evaluate_cli"):
        try:
            module = __import__(optional, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != optional:
                raise
            continue
        module.register(sub)
    return parser


def _run_app(args: argparse.Namespace) -> int:
    # lazy: Qt and the screens only for the app itself, so ``big20 models list`` starts without them
    from desktop.app import run_app

    return run_app(args)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    loaded = load_settings()
    lang = loaded.settings.language
    paths = app_paths()
    try:
        paths.ensure()
        setup_logging(paths.log_file, args.log_level or loaded.settings.log_level)
    except OSError as exc:  # a read-only or foreign data folder: say so instead of a traceback
        where = getattr(exc, "filename", None) or paths.data_dir
        print(tr("data.folder_unwritable", lang, path=str(where), reason=exc.strerror or str(exc)),
              file=sys.stderr)
        return 1
    for err in loaded.errors:
        print(err.localized(lang), file=sys.stderr)
    args.settings = loaded.settings
    func = getattr(args, "func", _run_app)
    try:
        return int(func(args) or 0)
    except Big20Error as exc:
        log.debug("user-facing error", exc_info=True)
        print(exc.localized(lang), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
