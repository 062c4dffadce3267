"""Every bad-PDF case gives its own InputError code; nothing is stored on failure."""

from __future__ import annotations

import pymupdf
import pytest
from sqlalchemy import func, select

from core.errors import InputError
from engines.pdf.pymupdf_reader import PyMuPdfReader
from tests.core.test_resume_structure import EN, make_pdf


def code_of(path, **kw) -> str:
    with pytest.raises(InputError) as exc:
        PyMuPdfReader(**kw).read(path)
    return exc.value.code


def test_bad_inputs(tmp_path):
    good = tmp_path / "good.pdf"
    make_pdf(good, EN, False)
    assert PyMuPdfReader().read(good).pages

    enc = tmp_path / "enc.pdf"
    doc = pymupdf.open(good)
    doc.save(str(enc), encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="pw", owner_pw="pw")
    doc.close()
    assert code_of(enc) == "resume.encrypted"

    img = tmp_path / "scan.pdf"
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 64, 64), False)
    pix.clear_with(200)
    page.insert_image(page.rect, pixmap=pix)
    doc.save(str(img))
    doc.close()
    assert code_of(img) == "resume.image_only"

    notpdf = tmp_path / "resume.pdf"
    notpdf.write_text("this is a word document, really")
    assert code_of(notpdf) == "resume.not_pdf"

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    assert code_of(broken) == "resume.broken"

    assert code_of(good, max_bytes=100) == "resume.too_large"
    many = tmp_path / "many.pdf"
    doc = pymupdf.open()
    for _ in range(51):
        doc.new_page().insert_text((50, 50), "Experience at Acme Corp as an engineer")
    doc.save(str(many))
    doc.close()
    assert code_of(many) == "resume.too_many_pages"
    assert code_of(tmp_path / "absent.pdf") == "resume.not_found"
    assert "password" in InputError("resume.encrypted", file="x.pdf").localized("en")
    assert "텍스트 레이어" in InputError("resume.image_only", file="x.pdf").localized("ko")


def test_nothing_stored_on_bad_pdf(tmp_path):
    from core.db.models import Base, Resume, User
    from core.db.session import make_engine, session_factory
    from core.resume.store import intake_resume

    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    Base.metadata.create_all(engine)
    with session_factory(engine)() as s:
        s.add(User(id=1, email="a@b.cd", username="abc", password_hash="x"))
        s.flush()
        bad = tmp_path / "bad.pdf"
        bad.write_bytes(b"%PDF-1.4\ntruncated")
        with pytest.raises(InputError):
            intake_resume(s, PyMuPdfReader(), bad, 1)
        assert s.scalar(select(func.count()).select_from(Resume)) == 0
        good = tmp_path / "good.pdf"
        make_pdf(good, EN, False)
        row = intake_resume(s, PyMuPdfReader(), good, 1)
        assert row.language == "en" and len(row.sha256) == 64 and row.structured_data["skills"]
