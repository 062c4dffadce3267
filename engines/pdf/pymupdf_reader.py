"""PdfReader over PyMuPDF: the text layer of every page of a resume PDF.

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
from pathlib import Path

from core.errors import InputError
from core.protocols import PdfDocument

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
            pages: list[str] = []
            try:
                for page in doc:
                    pages.append(page.get_text("text"))
            except Exception as exc:  # noqa: BLE001 - a truncated stream fails mid-document
                log.debug("pdf page read failed: %s", type(exc).__name__)
                raise InputError("resume.broken", file=name) from None
            visible = sum(len("".join(p.split())) for p in pages)
            if visible < MIN_TEXT_CHARS and doc.is_repaired:
                # PyMuPDF rebuilt a broken cross-reference table (a truncated download or copy):
                # the missing text is damage, not a scan
                raise InputError("resume.broken", file=name)
            if visible < MIN_TEXT_CHARS:
                has_images = any(page.get_images() for page in doc)
                raise InputError("resume.image_only" if has_images else "resume.empty", file=name)
            meta = {k: v for k, v in (doc.metadata or {}).items() if v}
            meta["page_count"] = doc.page_count
            return PdfDocument(path=path, pages=pages, metadata=meta)
        finally:
            doc.close()
