"""Resume intake into the database: parse first, store only a complete result.

``intake_resume`` reads the PDF through any :class:`~core.protocols.PdfReader`, structures
the text and only then adds the ``resumes`` row, so a bad file (InputError from the reader)
leaves nothing behind. The caller owns the session and the commit. Resume text is personal
data: nothing here logs it. Runs on the caller's thread; the session is not shared.
"""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from core.db.models import Resume
from core.protocols import PdfReader
from core.resume.structure import structure_resume


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def parse_resume(reader: PdfReader, path: Path) -> tuple[str, dict[str, Any]]:
    """(extracted text in reading order, structured data); raises the reader's InputError on
    bad input. The layout (fonts, positions, columns) is used when the reader gives one."""
    doc = reader.read(Path(path))
    text = doc.text
    return text, structure_resume(text, getattr(doc, "layout", None) or None)


def intake_resume(session: Session, reader: PdfReader | None, path: Path, candidate_id: int, *,
                  parsed: tuple[str, dict[str, Any]] | None = None) -> Resume:
    """Parse ``path`` (unless ``parsed`` holds :func:`parse_resume`'s result already) and add a
    :class:`core.db.models.Resume` row (flushed, not committed). ``reader`` may be None only
    when ``parsed`` is given."""
    path = Path(path)
    if parsed is None:
        if reader is None:
            raise ValueError("intake_resume: a PdfReader is needed when the resume is not parsed yet")
        parsed = parse_resume(reader, path)
    text, structured = parsed
    row = Resume(candidate_id=candidate_id, file_path=str(path.resolve()), file_name=path.name,
                 extracted_text=text, structured_data=structured,
                 language=structured["language"], sha256=file_sha256(path))
    session.add(row)
    session.flush()
    return row


def correct_field(structured: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``structured`` with the user's correction at ``path`` ("experience.0.company",
    "skills.3", "name"), the parsed value kept beside it in ``corrections[path]`` =
    ``{"parsed": ..., "corrected": ...}`` (the first parsed value survives later corrections).
    The user's word wins over intake's doubt: a corrected job, school or project is marked
    ``"confirmed": True`` and a corrected skill or certificate leaves the ``uncertain`` list,
    so questions may quote them (core.resume.structure.resume_facts).
    Raises KeyError/IndexError for a path that does not exist. Pure; no I/O."""
    out = copy.deepcopy(structured)
    keys = path.split(".")
    node: Any = out
    for k in keys[:-1]:
        node = node[int(k)] if isinstance(node, list) else node[k]
    last: Any = int(keys[-1]) if isinstance(node, list) else keys[-1]
    if isinstance(node, dict) and last not in node:
        raise KeyError(path)
    parsed = node[last]
    node[last] = value
    corrections = out.setdefault("corrections", {})
    first = corrections.get(path, {}).get("parsed", parsed)
    corrections[path] = {"parsed": first, "corrected": value}
    if isinstance(node, dict) and len(keys) >= 3 and keys[0] in ("experience", "education", "projects"):
        node["confirmed"] = True  # the entry the corrected field belongs to
    elif isinstance(node, list) and len(keys) == 2 and isinstance(value, dict):
        value["confirmed"] = True  # a whole entry replaced
    unsure = (out.get("uncertain") or {}).get(keys[0])
    if isinstance(unsure, list) and isinstance(value, str) and value in unsure:
        unsure.remove(value)
    return out
