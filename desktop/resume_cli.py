"""``big20 resume FILE.pdf [--json]``: show what resume intake reads from a PDF.

With ``--json`` it prints one JSON object in the shape the database stores for the
``resumes`` row - ``{"file_name", "language", "structured_data"}`` (plus ``extracted_text``
with ``--text``) - for users to check and for tests; without it, a short summary in the
user's language, an entry intake is unsure of marked " (?)". Every job, school and project
carries ``source`` (page, line, bbox), ``confidence`` and ``uncertain``; skills and
certificates have theirs in ``provenance`` and the unsure ones listed in ``uncertain``. Nothing is stored. Exit codes follow desktop.cli: 0 ok, 1 a bad file (the
reader's InputError, printed translated by desktop.cli), 2 usage.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from core.i18n import LANGUAGES, tr


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("resume", help="show what intake reads from a resume PDF")
    p.add_argument("file", type=Path, help="resume PDF")
    p.add_argument("--json", action="store_true", help="print the stored shape as JSON")
    p.add_argument("--text", action="store_true", help="with --json: include the extracted text")
    p.add_argument("--lang", choices=list(LANGUAGES), default=None, help="summary language (default: settings)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # lazy: registered at every ``big20`` start; resume structuring costs ~0.1 s (measured)
    from core.resume.store import parse_resume
    from engines.pdf.pymupdf_reader import PyMuPdfReader

    text, data = parse_resume(PyMuPdfReader(), args.file)
    if args.json:
        out = {"file_name": Path(args.file).name, "language": data["language"], "structured_data": data}
        if args.text:
            out["extracted_text"] = text
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    settings = getattr(args, "settings", None)
    lang = args.lang or (settings.language if settings is not None else "ko")
    for line in summary_lines(data, lang):
        print(line)
    return 0


def _doubt(entry: dict) -> str:
    """" (?)" after an entry intake is unsure of: questions will not quote it until the user
    confirms it in the preview."""
    return " (?)" if entry.get("uncertain") and not entry.get("confirmed") else ""


def summary_lines(data: dict, lang: str) -> list[str]:
    none = tr("resume.cli.unknown", lang)
    lines = [tr("resume.cli.language", lang, language=data["language"]),
             tr("resume.cli.name", lang, name=data.get("name") or none),
             tr("resume.cli.experience", lang, count=len(data["experience"]))]
    for e in data["experience"]:
        lines.append(f"  - {e.get('company') or none} | {e.get('role') or none} | {e.get('period') or none}{_doubt(e)}")
    lines.append(tr("resume.cli.education", lang, count=len(data["education"])))
    for e in data["education"]:
        lines.append(f"  - {e.get('school') or none} | {e.get('degree') or none} | {e.get('period') or none}{_doubt(e)}")
    lines.append(tr("resume.cli.projects", lang, count=len(data["projects"])))
    for p in data["projects"]:
        lines.append(f"  - {p.get('name')} | {p.get('period') or none}")
    lines.append(tr("resume.cli.skills", lang, count=len(data["skills"]), items=", ".join(data["skills"])))
    lines.append(tr("resume.cli.certifications", lang, count=len(data["certifications"]),
                    items=", ".join(data["certifications"])))
    other = [s.split(":", 1)[1] for s in data["sections"] if s.startswith("other:")]
    if other:
        lines.append(tr("resume.cli.other_sections", lang, names=", ".join(other)))
    return lines
