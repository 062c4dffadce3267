"""``big20 replay``: run a whole interview from files and write the report.

Exit codes follow desktop.cli: 0 ok, 1 a user-facing error (bad input, missing model),
2 usage. Progress goes to stderr; the report path to stdout.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("replay", help="run an interview from a resume PDF and answer WAV files")
    p.add_argument("--resume", required=True, type=Path, help="resume PDF")
    p.add_argument("--company", required=True, help="company id, e.g. KAKAO")
    p.add_argument("--position", required=True, help='position, e.g. "Data Scientist"')
    p.add_argument("--lang", choices=["ko", "en"], default=None, help="interview language (default: settings)")
    p.add_argument("--answers", nargs="+", required=True, type=Path, help="answer WAV files, in order")
    p.add_argument("--video", type=Path, default=None, help="video of the candidate (optional)")
    p.add_argument("--out", required=True, type=Path, help="report JSON path")
    p.add_argument("--html", type=Path, default=None, help="also write a self-contained HTML report")
    p.add_argument("--pdf", type=Path, default=None, help="also write a PDF report")
    p.add_argument("--db", default=None, help="database URL (default: the app's SQLite)")
    p.add_argument("--seed", type=int, default=0, help="question plan seed")
    p.add_argument("--realtime", action="store_true",
                   help="stream each answer in real time through the live speech path (Deepgram or local)")
    p.add_argument("--force-llm", action="store_true",
                   help="plan and evaluate with the active GGUF even if it is the small base model")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.i18n import tr
    from desktop.headless.runner import ReplayRequest, run_replay
    settings = getattr(args, "settings", None)
    lang = args.lang or (settings.language if settings is not None else "ko")
    req = ReplayRequest(resume=args.resume, company=args.company, position=args.position,
                        language=lang, answers=list(args.answers), out=args.out, html=args.html,
                        pdf=args.pdf, video=args.video, db_url=args.db, seed=args.seed,
                        force_llm=args.force_llm, realtime=args.realtime)

    def progress(done: float, total: float | None, message: str = "") -> None:
        # one line per stage: installer.progress.ConsoleProgress counts bytes, not stages
        sys.stderr.write(f"[{int(done)}/{int(total or 0)}] {message}\n")
        sys.stderr.flush()

    result = run_replay(req, progress=progress)
    print(tr("replay.done", lang, path=str(args.out)))
    if result.report.get("summary", {}).get("overall") is not None:
        print(tr("replay.overall", lang, score=result.report["summary"]["overall"]))
    return 0
