"""``big20 replay``: run a whole interview from files and write the report.

Exit codes follow desktop.cli: 0 ok, 1 a user-facing error (bad input, missing model),
2 usage, 130 interrupted (Ctrl-C or SIGTERM). Progress goes to stderr; the report path to
stdout. An interrupted or failed run prints what was kept in the database.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from core.i18n import LANGUAGES, tr


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("replay", help="run an interview from a resume PDF and answer WAV files")
    p.add_argument("--resume", required=True, type=Path, help="resume PDF")
    p.add_argument("--company", required=True, help="company id, e.g. KAKAO")
    p.add_argument("--position", required=True, help='position, e.g. "Data Scientist"')
    p.add_argument("--lang", choices=list(LANGUAGES), default=None, help="interview language (default: settings)")
    p.add_argument("--answers", nargs="+", required=True, type=Path,
                   help="answers in order: WAV recordings, or .txt files for typed answers")
    p.add_argument("--questions", nargs="+", default=None, metavar="KEY",
                   help="ask exactly these question-bank keys, in order (one answer per key)")
    p.add_argument("--video", type=Path, default=None, help="video of the candidate (optional)")
    p.add_argument("--out", required=True, type=Path, help="report JSON path")
    p.add_argument("--html", type=Path, default=None, help="also write a self-contained HTML report")
    p.add_argument("--pdf", type=Path, default=None, help="also write a PDF report")
    p.add_argument("--db", default=None, help="database URL (default: the app's SQLite)")
    p.add_argument("--seed", type=int, default=0,
                   help="question plan seed (another seed: other questions and resume facts)")
    p.add_argument("--follow-up-answers", nargs="+", default=None, type=Path, metavar="FILE",
                   help="answers to follow-up questions, in the order they are asked (WAV or .txt); "
                        "without them no follow-up is asked")
    p.add_argument("--follow-ups", type=int, default=None, metavar="N",
                   help="follow-up budget (default: the settings' follow_ups_per_interview share)")
    p.add_argument("--realtime", action="store_true",
                   help="stream each answer in real time through the live speech path (Deepgram or local)")
    p.add_argument("--force-llm", action="store_true",
                   help="plan and evaluate with the active GGUF even if it is the small base model")
    p.set_defaults(func=run)


def _kept_line(kept, lang: str) -> str:
    if kept.status == "deleted":
        return tr("replay.kept.nothing", lang, reason=kept.reason)
    if kept.status == "cancelled":
        return tr("replay.kept.cancelled", lang, id=kept.interview_id, n=kept.answers_kept,
                  planned=kept.planned, reason=kept.reason)
    return tr("replay.kept.none", lang)


def _raise_interrupt(signum, _frame) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def run(args: argparse.Namespace) -> int:
    # lazy: registered at every ``big20`` start; the replay runner brings the engine assembly
    # and the interview flow (~0.5 s, measured), paid only by ``big20 replay``
    from desktop.headless.runner import ReplayRequest, run_replay

    settings = getattr(args, "settings", None)
    lang = args.lang or (settings.language if settings is not None else "ko")
    req = ReplayRequest(resume=args.resume, company=args.company, position=args.position,
                        language=lang, answers=list(args.answers), out=args.out, html=args.html,
                        pdf=args.pdf, video=args.video, db_url=args.db, seed=args.seed,
                        force_llm=args.force_llm, realtime=args.realtime, questions=args.questions,
                        follow_up_answers=args.follow_up_answers, follow_ups=args.follow_ups)
    last = [None]

    def progress(done: float, total: float | None, message: str = "") -> None:
        # one line per stage: installer.progress.ConsoleProgress counts bytes, not stages
        line = f"[{int(done)}/{int(total or 0)}] {message}"
        if line == last[0]:
            return
        last[0] = line
        sys.stderr.write(line + "\n")
        sys.stderr.flush()

    def on_kept(kept) -> None:
        sys.stderr.write(_kept_line(kept, lang) + "\n")
        sys.stderr.flush()

    # SIGTERM ends the run like Ctrl-C: the interview is closed and what was kept is printed
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _raise_interrupt) if main_thread else None
    try:
        result = run_replay(req, progress=progress, settings=settings, on_kept=on_kept)
    except KeyboardInterrupt:
        sys.stderr.write(tr("replay.interrupted", lang) + "\n")
        return 130
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
    for exc in result.refused:
        sys.stderr.write(exc.localized(lang) + "\n")
    for it in result.recovered:
        sys.stderr.write(tr("replay.recovered", lang, id=it.id, n=it.answered, planned=it.planned) + "\n")
    print(tr("replay.done", lang, path=str(args.out)))
    if result.report.get("summary", {}).get("overall") is not None:
        print(tr("replay.overall", lang, score=result.report["summary"]["overall"]))
    return 0
