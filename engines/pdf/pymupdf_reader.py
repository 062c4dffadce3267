"""PdfReader over PyMuPDF: the text layer of every page of a resume PDF, as a layout.

Each page is read as PyMuPDF's blocks / lines / spans (icon-font glyphs dropped): every line keeps its text (NFKC
normalised by :func:`core.resume.layout.clean_text`: ligatures, tabs, ``\r`` and no-break
spaces between words), position, font size and weight in a :class:`core.resume.layout.LayoutPage`
(``PdfDocument.layout``); ``PdfDocument.pages`` holds each page's text in reading order
(columns read one after the other, side dates attached to their row).

Contract: :meth:`PyMuPdfReader.read` returns a :class:`~core.protocols.PdfDocument` or raises
:class:`~core.errors.InputError` with a distinct code (``resume.not_found``,
``resume.not_pdf``, ``resume.too_large``, ``resume.too_many_pages``, ``resume.encrypted``,
``resume.broken``, ``resume.image_only``). It never writes anything, so a failure leaves
nothing half-stored. Resume text is personal data: it is never logged.

Thread-safety: an instance holds no state; use it from any thread. ``fitz`` is imported
lazily so importing this module stays cheap.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import InputError
from core.protocols import PdfDocument
from core.resume.layout import LayoutLine, LayoutPage, clean_text, reading_order

if TYPE_CHECKING:  # pymupdf itself is imported when a file is read (start-up time)
    import pymupdf

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
MAX_PAGES = 50
# A page with fewer visible characters than this is treated as having no text layer;
# a scanned resume usually has none at all, a few stray characters from a header at most.
MIN_TEXT_CHARS = 20


class PyMuPdfReader:
    def __init__(self, max_bytes: int = MAX_BYTES, max_pages: int = MAX_PAGES) -> None:
        self.max_bytes = max_bytes
        self.max_pages = max_pages

    def read(self, path: Path) -> PdfDocument:
        path = Path(path)
        name = path.name
        if path.is_dir():
            raise InputError("input.is_directory", file=str(path))
        if not path.is_file():
            raise InputError("resume.not_found", file=str(path))
        size = path.stat().st_size
        if size > self.max_bytes:
            raise InputError("resume.too_large", file=name, size_mb=round(size / 1e6, 1),
                             max_mb=self.max_bytes // (1024 * 1024))
        with path.open("rb") as fh:
            head = fh.read(1024)
        # The spec allows junk before the header within the first 1 KiB.
        if b"%PDF-" not in head:
            raise InputError("resume.not_pdf", file=name)

        import pymupdf as fitz  # lazily: a large extension module

        try:
            doc = fitz.open(str(path), filetype="pdf")
        except Exception as exc:  # noqa: BLE001 - PyMuPDF raises several types for bad files
            log.debug("pdf open failed: %s", type(exc).__name__)
            raise InputError("resume.broken", file=name) from None
        try:
            if doc.needs_pass or doc.is_encrypted:
                raise InputError("resume.encrypted", file=name)
            if doc.page_count > self.max_pages:
                raise InputError("resume.too_many_pages", file=name, pages=doc.page_count,
                                 max_pages=self.max_pages)
            if doc.page_count == 0:
                raise InputError("resume.broken", file=name)
            layout: list[LayoutPage] = []
            try:
                for number in range(1, doc.page_count + 1):
                    page = doc[number - 1]
                    layout.append(_layout_page(page, number))
            except Exception as exc:  # noqa: BLE001 - a truncated stream fails mid-document
                log.debug("pdf page read failed: %s", type(exc).__name__)
                raise InputError("resume.broken", file=name) from None
            visible = sum(len("".join(ln.text.split())) for p in layout for ln in p.lines)
            if visible < MIN_TEXT_CHARS and doc.is_repaired:
                # PyMuPDF rebuilt a broken cross-reference table (a truncated download or copy):
                # the missing text is damage, not a scan
                raise InputError("resume.broken", file=name)
            if visible < MIN_TEXT_CHARS:
                has_images = any(doc[i].get_images() for i in range(doc.page_count))
                raise InputError("resume.image_only" if has_images else "resume.empty", file=name)
            pages = ["\n".join(ln.text for ln in reading_order(p)) for p in layout]
            meta = {k: v for k, v in (doc.metadata or {}).items() if v}
            meta["page_count"] = doc.page_count
            return PdfDocument(path=path, pages=pages, metadata=meta, layout=layout)
        finally:
            doc.close()


_BOLD_FLAG = 16
# Icon fonts (FontAwesome, Material Icons, ...): their glyphs arrive as stray letters and digits
# ("0 Git", "t Blaze", "Æ +49 ...") in front of the text they decorate; they carry no words.
_ICON_FONT_RE = re.compile(r"(?i)fontawesome|font\s*awesome|materialicons|material\s*(?:icons|symbols)|"
                           r"simpleicons|academicons|ionicons|glyphicons|feather|marvosym|dingbats|wasy\d|"
                           r"\bicons?\b|-icons?\b")


_BULLET_GLYPH_RE = re.compile(r"[\u2022\u2023\u2043\u25a0-\u25ff\u2b1b-\u2b1e\u2b24\u2b55\u26ab\u26aa]")


def _icon_font(span: dict) -> bool:
    return bool(_ICON_FONT_RE.search(span.get("font") or ""))


def _is_bold(span: dict) -> bool:
    font = span["font"].lower()
    return bool(span["flags"] & _BOLD_FLAG) or "bold" in font or font.endswith(("-bd", "-b", ",bold"))


def _style_split(spans: list[dict]) -> str | None:
    """"FACEBOOK SOFTWARE ENGINEERING INTERN" set in capitals as a bold name then a plain title on
    one line (Deedy-style entries): the two fields, "FACEBOOK | SOFTWARE ENGINEERING INTERN". Only a
    short line in capitals of one bold run then one plain run, neither a lone word's piece nor
    punctuation; None for any other line (a bold label before its text, bold words inside a
    sentence stay as they are)."""
    runs: list[list] = []
    for s in spans:
        if not s["text"].strip():
            if runs:
                runs[-1][1] += s["text"]
            continue
        b = _is_bold(s)
        if runs and runs[-1][0] == b:
            runs[-1][1] += s["text"]
        else:
            runs.append([b, s["text"]])
    if len(runs) != 2 or not runs[0][0] or runs[1][0]:
        return None
    first, second = clean_text(runs[0][1]), clean_text(runs[1][1])
    if _italic_run(spans) and len(first.split()) <= 6 and 1 <= len(second.split()) <= 6 and (
            re.match(r"[^\W\d_]", first) and re.match(r"[^\W\d_]", second)
            and not re.search(r"[.!?:;,|]$", second)):
        # "Skyscanner, Edinburgh" (bold) then "Software Engineering Intern" (italic): a LaTeX
        # title line, employer then role, told apart only by their type
        return f"{first} | {second}"
    text = f"{first} {second}"
    letters = [c for c in text if c.isalpha()]
    if not letters or any(not (c.isascii() and c.isupper()) for c in letters):
        return None  # set in capitals only: "프로젝트 목표 SDK 개발", "Goal: ..." are a label and its text
    if (len(text.split()) > 8 or not re.match(r"[^\W\d_]{2}", first) or not re.match(r"[^\W\d_]{2}", second)
            or not runs[0][1].endswith((" ", "\u00a0")) and not runs[1][1].startswith((" ", "\u00a0"))
            or re.search(r"[.:;,|]$", first) or re.search(r"[.!?]$", second)):
        return None
    return f"{first} | {second}"


def _italic_run(spans: list[dict]) -> bool:
    """The line's plain (not bold) words are all set in italics."""
    plain = [s for s in spans if s["text"].strip() and not _is_bold(s)]
    return bool(plain) and all(s["flags"] & 2 or re.search(r"(?i)italic|oblique|-it$|ti\d+$", s["font"])
                               for s in plain)


def _layout_page(page: pymupdf.Page, number: int) -> LayoutPage:
    """The page's text lines with their look (PyMuPDF "dict" output, spans joined)."""
    out = LayoutPage(number=number, width=float(page.rect.width), height=float(page.rect.height))
    for block in page.get_text("dict")["blocks"]:
        if block.get("type") != 0:
            continue
        for line in block["lines"]:
            raw = [s for s in line["spans"] if s["text"]]
            # an icon set as a bullet ("○" in an icon font) stays the line's bullet
            if raw and _icon_font(raw[0]) and _BULLET_GLYPH_RE.fullmatch(raw[0]["text"].strip()):
                raw[0] = {**raw[0], "text": "• ", "font": ""}
            spans = [s for s in raw if not _icon_font(s)]
            # other icons between words mark items of a row ("[icon] Terminal [icon] Inkscape"): a field edge
            groups: list[str] = [""]
            for s in raw:
                if _icon_font(s):
                    groups.append("")
                else:
                    groups[-1] += s["text"]
            fields = [clean_text(g) for g in groups if clean_text(g)]
            text = (" | ".join(fields) if len(fields) > 1 else "") or _style_split(spans) or clean_text(
                "".join(s["text"] for s in spans))
            if not text:
                continue
            visible = [s for s in spans if s["text"].strip()] or spans
            main = max(visible, key=lambda s: len(s["text"].strip()))
            bold_chars = sum(len(s["text"].strip()) for s in visible
                             if s["flags"] & _BOLD_FLAG or "bold" in s["font"].lower()
                             or s["font"].lower().endswith(("-bd", "-b", ",bold")))
            bold = bold_chars * 2 > sum(len(s["text"].strip()) for s in visible)
            x0, y0, x1, y1 = (float(v) for v in line["bbox"])
            if len(spans) < len(line["spans"]) and spans:  # an icon dropped: the line is where its words are
                words = [s["bbox"] for s in spans if s["text"].strip()] or [line["bbox"]]
                x0, y0 = min(float(b[0]) for b in words), min(float(b[1]) for b in words)
                x1, y1 = max(float(b[2]) for b in words), max(float(b[3]) for b in words)
            # text set up or down the page (a section heading turned 90 degrees in the margin)
            turned = abs(float(line.get("dir", (1.0, 0.0))[1])) > 0.5
            out.lines.append(LayoutLine(text, number, (x0, y0, x1, y1), round(float(main["size"]), 1), bold,
                                        color=int(main.get("color") or 0), turned=turned))
    return out
