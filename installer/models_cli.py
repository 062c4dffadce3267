"""``big20 models list|download|verify|install-defaults``: the model downloader CLI."""

from __future__ import annotations

import argparse
import json
import sys

from core.i18n import tr
from engines.models.defaults import install_defaults
from engines.models.download import download_model
from engines.models.manager import ModelManager
from engines.models.verify import OK, verify_all
from engines.runtime_probe import RuntimeRefused, checked, runtime_for
from installer.progress import ConsoleProgress


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("models", help="list, download and verify models")
    msub = p.add_subparsers(dest="models_command", required=True)

    ls = msub.add_parser("list", help="every catalog model, installed or not")
    ls.add_argument("--json", action="store_true", help="one JSON object per model")
    ls.set_defaults(func=cmd_list)

    dl = msub.add_parser("download", help="download a model (resumes, verifies SHA-256)")
    dl.add_argument("id")
    dl.add_argument("--allow-unverified", action="store_true",
                    help="accept a file whose host publishes no checksum (its SHA-256 is recorded)")
    dl.set_defaults(func=cmd_download)

    vf = msub.add_parser("verify", help="check every installed and active model (size, checksum, files)")
    vf.add_argument("ids", nargs="*")
    vf.set_defaults(func=cmd_verify)

    ins = msub.add_parser("install-defaults", help="put the offline default models in place (no network)")
    ins.set_defaults(func=cmd_install_defaults)


def _manager(args: argparse.Namespace) -> ModelManager:
    return ModelManager(choice=args.settings.models)


def cmd_list(args: argparse.Namespace) -> int:
    statuses = _manager(args).statuses()
    if args.json:
        print(json.dumps([s.as_json() for s in statuses], ensure_ascii=False, indent=2))
        return 0
    lang = args.settings.language
    for s in statuses:
        mark = "*" if s.active else ("+" if s.installed else " ")
        print(f"{mark} {s.entry.capability:9} {s.entry.id:32} {s.entry.role:11} {s.entry.name}")
    print(tr("models.list_legend", lang))
    return 0


def cmd_download(args: argparse.Namespace) -> int:
    manager = _manager(args)
    with ConsoleProgress(args.id) as progress:
        path = download_model(manager, args.id, progress=progress,
                              allow_unverified=args.allow_unverified)
    print(tr("models.downloaded", args.settings.language, id=args.id, path=str(path)))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Every installed and every active model (or the ids given) as OK / BAD (why) / MISSING;
    exit 1 when an active model, or one of the ids given, is not OK."""
    lang = args.settings.language
    rows = verify_all(_manager(args), args.ids or None, lang)
    failed = False
    for r in rows:
        state = tr(f"models.verify.{r.state}", lang)
        mark = " " + tr("models.verify.active", lang) if r.active else ""
        print(f"{state} {r.capability:9} {r.model_id}{mark}: {r.detail}")
        failed |= r.state != OK and (r.active or bool(args.ids))
    return 1 if failed else 0


def cmd_install_defaults(args: argparse.Namespace) -> int:
    manager = _manager(args)
    with ConsoleProgress("defaults") as progress:
        results = install_defaults(manager, progress=progress)
    failed = [r for r in results if r.packaged and not r.installed]
    lang = args.settings.language
    for r in results:
        state = tr("models.state.installed", lang) if r.installed else \
            tr("models.state.missing", lang, reason=r.skipped_reason or "")
        print(f"{r.model_id}: {state}")
    _probe_native_runtimes(manager, lang)
    return 1 if failed else 0


def _probe_native_runtimes(manager: ModelManager, lang: str) -> None:
    """Run the native LLM and embedder runtimes once in a child now, at install time, so the
    first question in the app does not pay for it and a build that crashes this CPU is found
    here (and remembered: the app then refuses that engine instead of dying)."""
    for cap in ("llm", "embed"):
        entry = manager.active(cap)
        runtime = runtime_for(entry) if entry is not None else None
        if entry is None or runtime is None:
            continue
        path = manager.path(entry.id)
        result = checked(runtime, path)
        print(tr("models.probe", lang, runtime=runtime, id=entry.id,
                 state=tr(f"doctor.state.{result.status}", lang)))
        if result.refused:
            print(RuntimeRefused(runtime=runtime, engine=entry.id, status=result.status,
                                 detail=result.detail or "-").localized(lang), file=sys.stderr)
