"""Resume PDFs drawn by the layout tests with PyMuPDF, and their reading by intake."""

from __future__ import annotations

import pymupdf

from core.resume.dates import normalize_period
from core.resume.store import parse_resume
from engines.pdf.pymupdf_reader import PyMuPdfReader

CJK = "F0"
ICON = "FontAwesome"


def make(path, items, *, width=595, height=842, raw=None) -> None:
    """items: (x, baseline_y, text, size, bold[, font]) per line, drawn in the given order.
    ``text`` may be a list of pieces [(text, base-14 font)] set one after the other on one
    line; ``font`` ICON draws the text in a font named FontAwesome, as icon fonts arrive in
    LaTeX and HTML-printed PDFs (their glyphs come out as stray letters: "0", "&", "Æ");
    ``raw``: PDF content appended verbatim (text with control characters in it)."""
    doc = pymupdf.open()
    page = doc.new_page(width=width, height=height)
    page.insert_font(fontname=CJK, fontbuffer=pymupdf.Font("cjk").buffer)
    for it in items:
        x, y, text, size, bold = it[:5]
        if isinstance(text, list):
            tw = pymupdf.TextWriter(page.rect)
            at = pymupdf.Point(x, y)
            for piece, name in text:
                _, at = tw.append(at, piece, font=pymupdf.Font(name), fontsize=size)
            tw.write_text(page)
            continue
        font = it[5] if len(it) > 5 else ("hebo" if bold else "helv")
        if font == ICON:
            font = "cour"  # renamed below: Courier is used for nothing else
        elif any(ord(c) > 0xFF for c in text):
            font = CJK  # the base-14 fonts encode Latin-1 only ("–", "•" would be lost)
        page.insert_text((x, y), text, fontname=font, fontsize=size)
    for xref, _, _, base, *_ in page.get_fonts():
        if base == "Courier":
            doc.xref_set_key(xref, "BaseFont", f"/{ICON}")
    if raw:
        xref = page.get_contents()[0]
        doc.update_stream(xref, doc.xref_stream(xref) + raw)
    doc.save(str(path))
    doc.close()


def read(path):
    return parse_resume(PyMuPdfReader(), path)[1]


def jobs(data):
    return [(e["company"], e["role"], normalize_period(e["period"])) for e in data["experience"]]
