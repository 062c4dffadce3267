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


# ------------------------------------------------------- confidence: unsure values never quoted
def _resume_with_doubts():
    """A structure as intake writes it: one sure job, one it is unsure of, a sure and an
    unsure skill."""
    return {
        "language": "en", "name": "Jane Roe",
        "experience": [
            {"company": "Stripe", "role": "Senior Software Engineer", "period": "2021 - Present",
             "confidence": 1.0, "uncertain": False, "achievements": []},
            {"company": "Recommendation Modelling", "role": "Lead", "period": None,
             "confidence": 0.45, "uncertain": True, "achievements": []},
        ],
        "education": [], "projects": [],
        "skills": ["Go", "Distributed consensus algorithms at scale"],
        "certifications": [],
        "uncertain": {"skills": ["Distributed consensus algorithms at scale"], "certifications": []},
    }


def test_uncertain_values_fill_no_question_slot():
    from core.bank import load_question_bank
    from core.interview.planner import PlanContext, experience_pairs, plan_from_bank, resume_facts
    from core.resume.structure import confident_facts

    data = _resume_with_doubts()
    facts = confident_facts(data)
    assert facts["prev_company"] == ["Stripe"] and facts["role"] == ["Senior Software Engineer"]
    assert facts["skill"] == ["Go"]
    assert resume_facts(data) == facts  # the planner's accessor is the same
    assert experience_pairs(data) == [("Stripe", "Senior Software Engineer")]
    bank = load_question_bank()
    for seed in range(4):
        plan = plan_from_bank(bank, PlanContext(language="en", position="Backend Engineer", resume=data,
                                                seed=seed), 10)
        quoted = [g.split(": ", 1)[1] for q in plan for g in q.grounding if ": " in g]
        assert "Recommendation Modelling" not in quoted and "Lead" not in quoted
        assert "Distributed consensus algorithms at scale" not in quoted


def test_the_users_correction_wins_over_intakes_doubt():
    from core.resume.store import correct_field
    from core.resume.structure import confident_facts

    data = _resume_with_doubts()
    fixed = correct_field(data, "experience.1.company", "Kakao")
    assert fixed["experience"][1]["confirmed"] is True
    assert "Kakao" in confident_facts(fixed)["prev_company"]
    fixed = correct_field(fixed, "skills.1", "Raft")
    assert "Raft" in confident_facts(fixed)["skill"]
    # a value the user typed in the preview (a new list) is the user's: it may be quoted
    edited = dict(data, skills=["Go", "Rust"])
    assert confident_facts(edited)["skill"] == ["Go", "Rust"]


def test_intake_marks_what_it_is_unsure_of(tmp_path):
    """A job whose head has no role words and no period, read from a real PDF, is marked."""
    pdf = tmp_path / "doubt.pdf"
    make_pdf(pdf, "Jane Roe\nExperience\nStripe | Senior Software Engineer | 2021 - 2024\n- Led the payments API\n"
                  "추천시스템 관련 모델링\n- 모델 학습 파이프라인\nSkills\nGo, Rust\n", korean=True)
    data = structure_resume("", PyMuPdfReader().read(pdf).layout)
    sure = [e for e in data["experience"] if not e["uncertain"]]
    assert [(e["company"], e["role"]) for e in sure] == [("Stripe", "Senior Software Engineer")]
    assert all(e["company"] != "추천시스템 관련 모델링" for e in data["experience"])
    assert all(0.0 <= e["confidence"] <= 1.0 for e in data["experience"])


def test_graduation_date_in_the_lines_under_a_school():
    # the period of a school whose title line has none: the date after a graduation label in
    # the lines under it; any other date there (a GPA's term, a course's year) is not it
    from core.resume.structure import _body_graduation

    assert _body_graduation(["Honours B.Sc., Statistics Expected Graduation: June 2023 Cumulative GPA: 3.2"]) == "June 2023"
    assert _body_graduation(["B.S. in Physics", "Graduated: 2019"]) == "2019"
    assert _body_graduation(["컴퓨터공학 학사", "졸업 2020.02"]) == "2020.02"
    assert _body_graduation(["Relevant coursework (2018): Algorithms"]) is None
