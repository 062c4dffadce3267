"""Resume intake on layouts made here with PyMuPDF: each pattern real resumes use, in a PDF
the test writes itself (fonts, sizes and positions unlike the shared resumes, so these are
also a check on resumes the rules were not tuned on)."""

from __future__ import annotations

import argparse
import json

import pymupdf
import pytest

from core.interview.planner import PlanContext, plan_from_bank
from core.resume.dates import normalize_period
from core.resume.store import parse_resume
from core.resume.structure import fact_ok, resume_facts, structure_resume
from engines.pdf.pymupdf_reader import PyMuPdfReader

CJK = "F0"


def make(path, items, *, width=595, height=842, raw=None) -> None:
    """items: (x, baseline_y, text, size, bold[, font]) per line, drawn in the given order;
    ``raw``: PDF content appended verbatim (text with control characters in it)."""
    doc = pymupdf.open()
    page = doc.new_page(width=width, height=height)
    page.insert_font(fontname=CJK, fontbuffer=pymupdf.Font("cjk").buffer)
    for it in items:
        x, y, text, size, bold = it[:5]
        font = it[5] if len(it) > 5 else ("hebo" if bold else "helv")
        if any(ord(c) > 0xFF for c in text):
            font = CJK  # the base-14 fonts encode Latin-1 only ("–", "•" would be lost)
        page.insert_text((x, y), text, fontname=font, fontsize=size)
    if raw:
        xref = page.get_contents()[0]
        doc.update_stream(xref, doc.xref_stream(xref) + raw)
    doc.save(str(path))
    doc.close()


def read(path):
    return parse_resume(PyMuPdfReader(), path)[1]


def jobs(data):
    return [(e["company"], e["role"], normalize_period(e["period"])) for e in data["experience"]]


def test_two_columns_sidebar_drawn_first(tmp_path):
    sidebar = [
        (392, 140, "SKILLS", 12, True), (392, 158, "Kotlin", 9, False), (392, 172, "Spring Boot", 9, False),
        (392, 186, "Kafka", 9, False), (392, 200, "PostgreSQL", 9, False), (392, 214, "Kubernetes", 9, False),
        (392, 250, "EDUCATION", 12, True), (392, 268, "KAIST", 10, True),
        (392, 282, "B.S. Computer Science", 9, False), (392, 296, "2014 - 2018", 9, False),
    ]
    main = [
        (40, 60, "Mina Park", 22, True), (40, 84, "Senior Backend Engineer", 12, False),
        (40, 140, "EXPERIENCE", 12, True),
        (40, 160, "Senior Backend Engineer", 10.5, True), (290, 160, "2021 - Present", 8.5, False),
        (40, 174, "Coupang | Seoul, Korea", 10, False),
        (48, 188, "• Cut checkout latency by 30% across 40 services and moved the payment", 8.5, False),
        (56, 199, "gateway to a queue", 8.5, False),
        (40, 212, "Backend Engineer", 10.5, True), (300, 212, "2018 - 2021", 8.5, False),
        (40, 226, "Daangn Market | Seoul", 10, False),
        (48, 240, "• Built the chat gateway for 2M daily users, handling 30k messages a second", 8.5, False),
        (40, 280, "PROJECTS", 12, True),
        (40, 300, "Fraud Radar", 10.5, True), (330, 300, "2022", 8.5, False),
        (48, 314, "• Streaming anomaly detection with Flink", 8.5, False),
    ]
    pdf = tmp_path / "two_columns.pdf"
    make(pdf, sidebar + main)
    data = read(pdf)
    assert data["name"] == "Mina Park"
    assert jobs(data) == [("Coupang", "Senior Backend Engineer", "2021..present"),
                          ("Daangn Market", "Backend Engineer", "2018..2021")]
    assert data["skills"] == ["Kotlin", "Spring Boot", "Kafka", "PostgreSQL", "Kubernetes"]
    edu = data["education"][0]
    assert (edu["school"], edu["degree"], normalize_period(edu["period"])) == ("KAIST", "B.S. Computer Science", "2014..2018")
    assert [(p["name"], p["period"]) for p in data["projects"]] == [("Fraud Radar", "2022")]
    # the sidebar did not leak into the experience column
    assert not any("Kafka" == a for e in data["experience"] for a in e["achievements"])
    src = data["experience"][0]["source"]
    assert src["page"] == 1 and 140 < src["bbox"][1] < 165


def test_role_first_lines_legal_suffix_and_at(tmp_path):
    pdf = tmp_path / "role_first.pdf"
    make(pdf, [
        (50, 50, "Sam Lee", 18, True),
        (50, 90, "Work Experience", 14, True),
        (50, 110, "Senior Data Engineer, Kakao Corp., Pangyo, Korea, 2020 – 2023", 10, True),
        (60, 124, "• Migrated 300 batch jobs to Airflow", 9, False),
        (50, 146, "Backend Developer at Rakuten Inc. (2017 – 2020)", 10, True),
        (60, 160, "• Built the coupon service in Go", 9, False),
        (50, 182, "Hyperconnect, Seoul — Software Engineer Intern — Summer 2016", 10, True),
        (60, 196, "• Wrote load tests for the video relay", 9, False),
    ])
    assert jobs(read(pdf)) == [("Kakao Corp.", "Senior Data Engineer", "2020..2023"),
                               ("Rakuten Inc.", "Backend Developer", "2017..2020"),
                               ("Hyperconnect", "Software Engineer Intern", "2016-summer")]


def test_dates_on_their_own_line_wrapped_bullets_unknown_header(tmp_path):
    long_bullet = "• Automated the weekly revenue report in Python, replacing a manual process that"
    pdf = tmp_path / "own_line.pdf"
    make(pdf, [
        (50, 50, "Dana Kim", 18, True),
        (50, 90, "Experience", 14, True),
        (50, 110, "Acme Analytics", 11, True),
        (50, 124, "Data Analyst", 10, False),
        (50, 138, "Mar 2018 – Jun 2020", 10, False),
        (58, 152, long_bullet, 10, False),
        (66, 165, "took two analysts a full day", 10, False),
        (58, 179, "• Built 12 dashboards", 10, False),
        (50, 203, "Globex", 11, True),
        (50, 217, "Junior Analyst", 10, False),
        (50, 231, "Jul 2016 – Feb 2018", 10, False),
        (58, 245, "• Cleaned CRM data for 40k accounts", 10, False),
        (50, 275, "Patents", 14, True),
        (50, 295, "US 11,234,567 — Method for streaming joins", 10, False),
        (50, 325, "Skills", 14, True),
        (50, 345, "SQL, Python, Tableau, dbt", 10, False),
    ])
    data = read(pdf)
    assert jobs(data) == [("Acme Analytics", "Data Analyst", "2018-03..2020-06"),
                          ("Globex", "Junior Analyst", "2016-07..2018-02")]
    first = data["experience"][0]["achievements"]
    assert len(first) == 2 and first[0].endswith("a manual process that took two analysts a full day")
    assert "other:Patents" in data["sections"]  # an unknown header starts its own section
    assert data["skills"] == ["SQL", "Python", "Tableau", "dbt"]


def test_left_date_column_with_split_dates(tmp_path):
    pdf = tmp_path / "date_column.pdf"
    make(pdf, [
        (140, 50, "Alex Moreno", 20, True),
        (140, 90, "Experience", 13, True),
        (60, 110, "2019 –", 9.5, False), (60, 123, "Present", 9.5, False),
        (140, 110, "Staff Engineer, Hyperconnect, Seoul", 10.5, True),
        (140, 123, "Led the media platform team of 12 engineers and owned its roadmap.", 9.5, False),
        (60, 145, "2015 – 2019", 9.5, False),
        (140, 145, "Software Engineer, Riot Games, Los Angeles", 10.5, True),
        (140, 158, "Built matchmaking services.", 9.5, False),
        (140, 190, "Education", 13, True),
        (60, 210, "2011 – 2015", 9.5, False),
        (140, 210, "B.S. Computer Science, Yonsei University, Seoul", 10.5, True),
    ])
    data = read(pdf)
    assert jobs(data) == [("Hyperconnect", "Staff Engineer", "2019..present"),
                          ("Riot Games", "Software Engineer", "2015..2019")]
    edu = data["education"]
    assert [(e["school"], normalize_period(e["period"])) for e in edu] == [("Yonsei University", "2011..2015")]


def test_korean_resume_with_cover_letter_after_sections(tmp_path):
    para = "저는 대학 시절부터 대규모 트래픽을 다루는 서버 개발에 관심을 가지고 꾸준히 공부해 왔습니다."
    items = [
        (50, 60, "이지은", 24, False, CJK),
        (50, 100, "경력", 15, False, CJK),
        (50, 122, "주식회사 우아한형제들 | 서버 개발자 | 2015.03 ~ 2017.02", 10, False, CJK),
        (58, 137, "- 주문 API 응답 시간 45% 단축", 9, False, CJK),
        (50, 158, "(주)마이리얼트립 — 백엔드 엔지니어", 10, False, CJK),
        (50, 172, "2017.03 ~ 현재", 9, False, CJK),
        (58, 187, "- 예약 시스템 MSA 전환 주도", 9, False, CJK),
        (50, 220, "학력", 15, False, CJK),
        (50, 242, "고려대학교 컴퓨터학과 학사 (2011 – 2015)", 10, False, CJK),
        (50, 275, "자격증", 15, False, CJK),
        (50, 297, "정보처리기사", 10, False, CJK),
        (50, 312, "SQLD", 10, False, CJK),
        (50, 360, "자기소개서", 16, False, CJK),
        (50, 385, "성장과정", 11, False, CJK),
    ]
    y = 402
    for _ in range(6):
        items.append((50, y, para, 9, False, CJK))
        y += 15
    items.append((50, y + 15, "지원동기", 11, False, CJK))
    for _ in range(5):
        y += 15
        items.append((50, y + 30, para, 9, False, CJK))
    pdf = tmp_path / "ko.pdf"
    make(pdf, items)
    data = read(pdf)
    assert data["language"] == "ko" and data["name"] == "이지은"
    assert jobs(data) == [("주식회사 우아한형제들", "서버 개발자", "2015-03..2017-02"),
                          ("(주)마이리얼트립", "백엔드 엔지니어", "2017-03..present")]
    assert data["certifications"] == ["정보처리기사", "SQLD"]  # the cover letter is no certificate
    assert (data["education"][0]["school"], data["education"][0]["degree"]) == ("고려대학교", "컴퓨터학과 학사")
    letter = " ".join(data["sections"]["cover_letter"])
    assert "지원동기" in letter and letter.count("꾸준히 공부해 왔습니다") == 11


def test_carriage_returns_between_words_and_ligatures(tmp_path):
    pdf = tmp_path / "cr.pdf"
    raw = (b"\nq BT /helv 10 Tf 1 0 0 1 50 742 Tm (Product\\015managers\\015and\\015designers\\011"
           b"shipped\\015it) Tj ET Q\n")
    make(pdf, [
        (50, 40, "Kim Lee", 18, True),
        (50, 80, "Summary", 14, True),
        (50, 130, "Skills", 14, True),
        (50, 150, "Air\ufb02ow, Work\ufb02ow engines, Kubernetes", 10, False, CJK),
    ], raw=raw)
    data = read(pdf)
    assert "Product managers and designers shipped it" in data["summary"]
    assert data["skills"] == ["Airflow", "Workflow engines", "Kubernetes"]  # NFKC: no "ﬂ"
    # plain text: only \n ends a line
    text = "Jane Roe\nSkills\nPython,\rGo,\r\nSQL\n"
    assert structure_resume(text)["skills"] == ["Python", "Go", "SQL"]


def test_planner_never_quotes_a_garbled_slot():
    from core.bank import load_question_bank

    garbled = {
        "language": "en",
        "experience": [{"company": "Senior Software Engineer", "role": "2021 –", "period": None},
                       {"company": "Stripe", "role": "Senior Software Engineer", "period": "2023 - Present"}],
        "skills": ["JavaScript (ES6+", "Architecture,", "Go", "Platform, Firebase and"],
        "projects": [{"name": "Developed a tool that did many things for many users. It was great"}],
        "certifications": ["60 lines of a cover letter that say a lot of things about me. 저는 성실합니다."],
    }
    facts = resume_facts(garbled)
    assert facts["prev_company"] == ["Stripe"] and facts["role"] == ["Senior Software Engineer"]
    assert facts["skill"] == ["Go"] and facts["project"] == [] and facts["certification"] == []
    assert not fact_ok("prev_company", "San Francisco, CA") and fact_ok("skill", "Node.js")
    bank = load_question_bank()
    for seed in range(3):
        plan = plan_from_bank(bank, PlanContext(language="en", position="Backend Engineer",
                                                resume=garbled, seed=seed), 10)
        assert len(plan) == 10
        for q in plan:
            for g in q.grounding:
                slot, value = g.split(": ", 1)
                assert fact_ok(slot, value), (slot, value)
                assert value in ("Stripe", "Senior Software Engineer", "Go"), g


def test_resume_cli_json(tmp_path, capsys):
    from desktop.resume_cli import run

    pdf = tmp_path / "r.pdf"
    make(pdf, [(50, 50, "Jane Doe", 18, True), (50, 90, "Skills", 14, True),
               (50, 110, "Python, SQL", 10, False)])
    assert run(argparse.Namespace(file=pdf, json=True, text=False, lang="en")) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["language"] == "en" and out["file_name"] == "r.pdf"
    assert out["structured_data"]["skills"] == ["Python", "SQL"]
    assert out["structured_data"]["provenance"]["skills"][0]["page"] == 1


@pytest.mark.parametrize("text,norm", [("2019.03 ~ 현재", "2019-03..present"), ("Summer 2022", "2022-summer"),
                                       ("2023 년 7 월 - 2023 년 8 월", "2023-07..2023-08"),
                                       ("Fall 2013 – Spring 2014", "2013-fall..2014-spring"),
                                       ("03/2019 – 05/2021", "2019-03..2021-05"), ("2017 –", "2017..")])
def test_period_forms(text, norm):
    assert normalize_period(text) == norm


def test_correction_kept_beside_the_parsed_value():
    from core.resume.store import correct_field

    data = structure_resume("Jane Roe\nExperience\nSenior Engineer, Acme Inc. (2019 - 2022)\n- Built it\n")
    assert data["experience"][0]["company"] == "Acme Inc."
    fixed = correct_field(data, "experience.0.company", "Acme Corporation")
    fixed = correct_field(fixed, "experience.0.company", "Acme Corp.")
    assert fixed["experience"][0]["company"] == "Acme Corp."
    assert fixed["corrections"]["experience.0.company"] == {"parsed": "Acme Inc.", "corrected": "Acme Corp."}
    assert data["experience"][0]["company"] == "Acme Inc."  # the input is not changed
    with pytest.raises(KeyError):
        correct_field(data, "experience.0.employer", "x")


def test_shared_resumes_meet_the_bar(shared_data):
    """The bench on ../shared/data/resumes against the recruiter-written ground truth."""
    from bench.resume import run

    res = run(seeds=1, root=shared_data / "resumes")
    assert res["without_truth"] == []
    for field, floor in (("experience", 0.9), ("education", 0.9), ("skills", 0.9)):
        assert res[field]["precision"] >= floor and res[field]["recall"] >= floor, (field, res[field])
    assert res["certifications"]["precision"] >= 0.9
    assert res["invented_experience"] == 0
    assert res["slots_right_share"] == 1.0, res["wrong_slots"]


def test_korean_two_columns_sidebar_left_dates_flush_right(tmp_path):
    items = [
        (40, 60, "박서준", 22, False, CJK), (40, 80, "데이터 엔지니어", 11, False, CJK),
        (40, 130, "연락처", 13, False, CJK), (40, 148, "seojun@example.com", 8.5, False),
        (40, 161, "010-1234-5678", 8.5, False),
        (40, 195, "기술 스택", 13, False, CJK), (40, 213, "Python", 8.5, False), (40, 226, "Spark", 8.5, False),
        (40, 239, "Airflow", 8.5, False), (40, 252, "BigQuery", 8.5, False),
        (40, 290, "자격증", 13, False, CJK), (40, 308, "SQLD", 8.5, False), (40, 321, "빅데이터분석기사", 8.5, False, CJK),
        (200, 130, "경력", 13, False, CJK),
        (200, 150, "쿠팡 | 데이터 엔지니어", 10.5, False, CJK), (470, 150, "2021.04 ~ 현재", 8.5, False, CJK),
        (208, 165, "- 일 20억 건 이벤트 파이프라인 운영, 비용 30% 절감", 8.5, False, CJK),
        (200, 188, "주식회사 데이블 | 주니어 데이터 분석가", 10.5, False, CJK), (470, 188, "2018.01 ~ 2021.03", 8.5, False, CJK),
        (208, 203, "- 추천 CTR 대시보드 구축", 8.5, False, CJK),
        (200, 240, "학력", 13, False, CJK),
        (200, 260, "성균관대학교 통계학과 학사", 10.5, False, CJK), (470, 260, "2012.03 ~ 2018.02", 8.5, False, CJK),
        (200, 300, "프로젝트", 13, False, CJK),
        (200, 320, "실시간 이상 거래 탐지", 10.5, False, CJK), (470, 320, "2022.05 ~ 2022.11", 8.5, False, CJK),
        (208, 335, "- Kafka Streams 기반, 탐지 지연 5초 이하", 8.5, False, CJK),
    ]
    pdf = tmp_path / "ko2.pdf"
    make(pdf, items)
    data = read(pdf)
    assert data["name"] == "박서준" and data["language"] == "ko"
    assert jobs(data) == [("쿠팡", "데이터 엔지니어", "2021-04..present"),
                          ("주식회사 데이블", "주니어 데이터 분석가", "2018-01..2021-03")]
    assert [(e["school"], e["degree"]) for e in data["education"]] == [("성균관대학교", "통계학과 학사")]
    assert data["skills"] == ["Python", "Spark", "Airflow", "BigQuery"]
    assert data["certifications"] == ["SQLD", "빅데이터분석기사"]
    assert [(p["name"], normalize_period(p["period"])) for p in data["projects"]] == [("실시간 이상 거래 탐지", "2022-05..2022-11")]
