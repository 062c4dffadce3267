"""Resume structuring on Korean and English PDFs made here with PyMuPDF."""

from __future__ import annotations

import pymupdf
import pytest

from core.resume.structure import detect_language, structure_resume
from engines.pdf.pymupdf_reader import PyMuPdfReader

KO = """홍길동
백엔드 개발자
경력
네이버 (2020.03 – 2023.12) 서버 개발자
- 검색 API 응답 시간 40% 단축
- 일 5천만 건 로그 파이프라인 구축
학력
한국대학교 컴퓨터공학과 학사 (2014 – 2020)
기술 스택
Java, Spring, Kafka, Redis
프로젝트
실시간 알림 시스템 (WebSocket 기반, 지연 200ms 이하)
자격증
정보처리기사
"""
EN = """Jane Doe
Experience
Acme Corp (2019 - 2024) Data Scientist
- Built a churn model that cut churn by 12%
Education
B.S. Statistics, State University (2019)
Skills
Python, pandas, scikit-learn, SQL
Projects
Demand Forecast | LightGBM model for 300 stores
Certifications
AWS Certified Machine Learning
"""


def make_pdf(path, text: str, korean: bool) -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    y = 50
    for line in text.splitlines():
        page.insert_text((50, y), line, fontname="korea" if korean else "helv", fontsize=10)
        y += 14
    doc.save(str(path))
    doc.close()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_structure_pdf(tmp_path, lang):
    pdf = tmp_path / f"{lang}.pdf"
    make_pdf(pdf, KO if lang == "ko" else EN, lang == "ko")
    data = structure_resume(PyMuPdfReader().read(pdf).text)
    assert data["language"] == lang
    exp = data["experience"][0]
    if lang == "ko":
        assert exp["company"] == "네이버" and exp["role"] == "서버 개발자"
        assert exp["period"].startswith("2020.03")
        assert "검색 API 응답 시간 40% 단축" in exp["achievements"]  # numbers kept verbatim
        assert data["skills"] == ["Java", "Spring", "Kafka", "Redis"]
        assert data["projects"][0]["name"] == "실시간 알림 시스템"
        assert data["certifications"] == ["정보처리기사"]
        assert data["education"][0]["period"] == "2014 – 2020"
    else:
        assert exp["company"] == "Acme Corp" and exp["role"] == "Data Scientist"
        assert "cut churn by 12%" in exp["achievements"][0]
        assert "scikit-learn" in data["skills"]
        assert data["projects"][0]["name"] == "Demand Forecast"
        assert data["education"][0]["school"] == "State University"
        assert data["certifications"] == ["AWS Certified Machine Learning"]


def test_language_detection():
    assert detect_language("저는 Python과 Kafka로 결제 시스템을 만들었습니다") == "ko"
    assert detect_language("I built a payment system with Kafka") == "en"


def test_real_resumes(shared_data):
    for pdf in sorted((shared_data / "resumes").glob("*.pdf")):
        data = structure_resume(PyMuPdfReader().read(pdf).text)
        assert data["experience"] and data["experience"][0]["company"]
        assert data["language"] == pdf.name[:2]
