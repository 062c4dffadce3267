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
from core.resume.structure import fact_ok, resume_facts, structure_resume
from tests.engines.resume_pdf import CJK, jobs, make, read

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


# ---------------------------------------------------------------- the failure kinds of issue 21
def _values(data):
    """Every company, role, skill and certificate intake stored."""
    out = [e["company"] for e in data["experience"]] + [e["role"] for e in data["experience"]]
    return [v for v in out + data["skills"] + data["certifications"] if v]


def test_company_first_with_places_soft_hyphens_and_page_footer(tmp_path):
    """Awesome-CV's layout: the company (bold) with its place flush right, then the role
    with the period flush right, written with U+00AD for the dash; a dated page footer."""
    pdf = tmp_path / "company_first.pdf"
    make(pdf, [
        (50, 50, "Byungjin Park", 20, True),
        (50, 90, "Work Experience", 14, True),
        (50, 115, "Dunamu Inc.", 10.5, True), (470, 115, "Seoul, S.Korea", 9, False),
        (50, 129, "DevOps Engineer", 9, False), (445, 129, "Sep. 2023 \u00ad Mar. 2024", 9, False),
        (60, 143, "\u2022 Led service mesh research across clusters.", 9, False),
        (50, 165, "Kasa", 10.5, True), (470, 165, "Seoul, S.Korea", 9, False),
        (50, 179, "Co\u00adfounder & Software Engineer", 9, False), (445, 179, "Jun. 2018 \u00ad Jan. 2021", 9, False),
        (60, 193, "\u2022 Migrated the orchestration system to Kubernetes.", 9, False),
        (50, 215, "PLAT Corp.", 10.5, True), (470, 215, "Seoul, S.Korea", 9, False),
        (50, 229, "Software Engineer", 9, False), (445, 229, "Jan. 2016 \u00ad Jun. 2017", 9, False),
        (60, 243, "\u2022 Implemented a RESTful API server.", 9, False),
        (50, 815, "February 10, 2026", 8, False), (260, 815, "Byungjin Park \u00b7 R\u00e9sum\u00e9", 8, False),
        (540, 815, "1", 8, False),
    ])
    data = read(pdf)
    assert jobs(data) == [("Dunamu Inc.", "DevOps Engineer", "2023-09..2024-03"),
                          ("Kasa", "Co-founder & Software Engineer", "2018-06..2021-01"),
                          ("PLAT Corp.", "Software Engineer", "2016-01..2017-06")]
    assert all(e["location"] == "Seoul, S.Korea" for e in data["experience"])
    assert "S.Korea" not in _values(data) and not any("2026" in v for v in _values(data))


def test_role_first_with_colon_fields_and_an_unmarked_next_title(tmp_path):
    """"Role : Company : period" rows, bullets without a bullet glyph indented under them,
    and a two-line title ("Server Engineer → Lead" / "Company : period") back at the margin."""
    pdf = tmp_path / "role_first.pdf"
    make(pdf, [
        (54, 50, "Chanwoo Noh", 20, True),
        (54, 90, "Experience", 14, True),
        (54, 112, "Backend Software Engineer : Danggeun Market Inc. : Jan 2026 - Present", 11, False),
        (70, 127, "Designed an automated review system for ad creatives", 11, False),
        (54, 149, "Server Software Engineer \u2192 Lead Server Software Engineer", 11, False),
        (54, 164, "Devsisters (Studio Kingdom) : Dec 2018 - Jan 2024", 11, False),
        (70, 179, "Spearheaded a backend handling 12 million requests per hour", 11, False),
        (70, 194, "Increased server throughput by over 50 percent", 11, False),
        (54, 216, "Software Engineer : Anyfi Inc. : Nov 2016 - Jun 2018", 11, False),
        (70, 231, "Built a cross-platform C++ mesh networking library", 11, False),
    ])
    assert jobs(read(pdf)) == [
        ("Danggeun Market Inc.", "Backend Software Engineer", "2026-01..present"),
        ("Devsisters (Studio Kingdom)", "Server Software Engineer \u2192 Lead Server Software Engineer", "2018-12..2024-01"),
        ("Anyfi Inc.", "Software Engineer", "2016-11..2018-06")]


def test_labels_and_group_headings_are_never_values(tmp_path):
    """AltaCV's "Date:" / "Location:" labels in a title, and skills under group headings
    ("PROGRAMMING", "Frameworks", "AI/LLM", "Frontend") - the headings are no skills."""
    pdf = tmp_path / "labels.pdf"
    make(pdf, [
        (50, 50, "Marissa Mayer", 20, True),
        (50, 90, "EXPERIENCE", 13, True),
        (50, 110, "President & CEO", 11, True),
        (50, 124, "Yahoo!", 10, False),
        (50, 138, "Date: July 2012 \u2013 Ongoing    Location: Sunnyvale, CA", 9, False),
        (60, 152, "\u2022 Led the acquisition of the company by Verizon", 9, False),
        (50, 174, "Product Manager & UI Lead", 11, True),
        (50, 188, "Google", 10, False),
        (50, 202, "Date: Oct 2001 \u2013 July 2005    Location: Palo Alto, CA", 9, False),
        (60, 216, "\u2022 Optimized the homepage", 9, False),
        (50, 250, "SKILLS", 13, True),
        (50, 270, "PROGRAMMING", 10, True),
        (50, 284, "Java \u2022 Python \u2022 Go", 10, False),
        (50, 300, "Frameworks", 10, True),
        (50, 314, "React, Django, Spring", 10, False),
        (50, 330, "AI/LLM: LangChain, RAG", 10, False),
        (50, 346, "Frontend", 10, False), (150, 346, "TypeScript, Vue.js", 10, False),
    ])
    data = read(pdf)
    assert jobs(data) == [("Yahoo!", "President & CEO", "2012-07..present"),
                          ("Google", "Product Manager & UI Lead", "2001-10..2005-07")]
    assert data["skills"] == ["Java", "Python", "Go", "React", "Django", "Spring", "LangChain", "RAG",
                              "TypeScript", "Vue.js"]
    assert all(e["location"] for e in data["experience"])


def test_bullet_dashes_middle_dots_and_issuers_are_cut(tmp_path):
    pdf = tmp_path / "punct.pdf"
    make(pdf, [
        (50, 50, "Jan Roe", 20, True),
        (50, 90, "Experience", 14, True),
        (50, 110, "- We4IT GmbH | Software Developer | 2019 - 2021", 10, False),
        (60, 124, "* Built Domino integrations", 10, False),
        (50, 146, "KT \uc54c\ud30c\ucf54\uce58 \u00b7", 10, False), (120, 146, "| AI Engineer | 2021 - 2023", 10, False),
        (60, 160, "* Ran model serving", 10, False),
        (50, 190, "Education", 14, True),
        (50, 210, "- University of Bremen | M.Sc. Computer Science | 2017 - 2019", 10, False),
        (50, 240, "Certifications", 14, True),
        (50, 260, "2022 AWS Certified Solutions Architect \u2013 Associate, Amazon Web Services (AWS)", 10, False),
        (50, 274, "2020 Certified Kubernetes Application Developer (CKAD), The Linux Foundation", 10, False),
    ])
    data = read(pdf)
    assert [(c, r) for c, r, _ in jobs(data)] == [("We4IT GmbH", "Software Developer"),
                                                  ("KT \uc54c\ud30c\ucf54\uce58", "AI Engineer")]
    assert data["education"][0]["school"] == "University of Bremen"
    assert data["certifications"] == ["AWS Certified Solutions Architect \u2013 Associate",
                                      "Certified Kubernetes Application Developer (CKAD)"]


def test_small_caps_arrive_as_a_person_writes_them(tmp_path):
    """Awesome-CV sets roles and degrees in small caps; the text layer says "SECURiTY
    ENGiNEER (INTERN)" - a question must not shout it."""
    pdf = tmp_path / "smallcaps.pdf"
    make(pdf, [
        (50, 50, "Kunhee Kim", 20, True),
        (50, 90, "Work Experience", 14, True),
        (50, 112, "CHEQUER(QUERYPIE)", 10.5, True), (470, 112, "Seoul, S.Korea", 9, False),
        (50, 126, "SECURiTY ENGiNEER (INTERN)", 8, False), (450, 126, "June. 2023 - Aug. 2023", 9, False),
        (60, 140, "\u2022 Automated identity governance workflows", 9, False),
        (50, 170, "Education", 14, True),
        (50, 192, "Korea University", 10.5, True), (470, 192, "Seoul, S.Korea", 9, False),
        (50, 206, "B.S. iN CYBER DEFENSE", 8, False), (450, 206, "Mar. 2021 - Present", 9, False),
    ])
    data = read(pdf)
    assert jobs(data) == [("CHEQUER(QUERYPIE)", "Security Engineer (Intern)", "2023-06..2023-08")]
    edu = data["education"][0]
    assert (edu["school"], edu["degree"]) == ("Korea University", "B.S. in Cyber Defense")


def test_korean_table_with_column_headings(tmp_path):
    """A Korean 표 resume: a skills table whose header row is "분류 | 기술", a career table
    headed "회사명 | 직위 | 근무기간"; no heading is stored as a skill or company."""
    pdf = tmp_path / "ko_table.pdf"
    make(pdf, [
        (50, 50, "\ud64d\uae38\ub3d9", 20, True),
        (50, 90, "\uacbd\ub825\uc0ac\ud56d", 14, True),
        (50, 112, "\ud68c\uc0ac\uba85", 10, True), (200, 112, "\uc9c1\uc704", 10, True), (350, 112, "\uadfc\ubb34\uae30\uac04", 10, True),
        (50, 130, "\uce74\uce74\uc624\ud398\uc774", 10, False), (200, 130, "\uc11c\ubc84 \uac1c\ubc1c\uc790", 10, False),
        (350, 130, "2021.01 ~ 2024.06", 10, False),
        (60, 146, "- \uacb0\uc81c API \uc751\ub2f5 \uc2dc\uac04 40% \ub2e8\ucd95", 10, False),
        (50, 190, "\uae30\uc220 \uc2a4\ud0dd", 14, True),
        (50, 212, "\ubd84\ub958", 10, True), (200, 212, "\uae30\uc220", 10, True),
        (50, 230, "\uc5b8\uc5b4", 10, False), (200, 230, "Java, Kotlin, Python", 10, False),
        (50, 248, "\ud504\ub808\uc784\uc6cc\ud06c", 10, False), (200, 248, "Spring, Django", 10, False),
        (50, 266, "\uc778\ud504\ub77c", 10, False), (200, 266, "Kubernetes, Kafka", 10, False),
    ])
    data = read(pdf)
    assert jobs(data) == [("\uce74\uce74\uc624\ud398\uc774", "\uc11c\ubc84 \uac1c\ubc1c\uc790", "2021-01..2024-06")]
    assert data["skills"] == ["Java", "Kotlin", "Python", "Spring", "Django", "Kubernetes", "Kafka"]


def test_sidebar_skills_beside_experience_with_left_dates(tmp_path):
    """A sidebar (skills, languages) left of the main column whose entries carry their dates
    in a narrow column on the left: both read, nothing mixed across the gutter."""
    pdf = tmp_path / "sidebar.pdf"
    side = [(40, 100, "SKILLS", 12, True), (40, 118, "Rust, Go, C++", 9, False),
            (40, 132, "Docker, Terraform", 9, False), (40, 160, "INTERESTS", 12, True),
            (40, 178, "Climbing, chess", 9, False), (40, 206, "EDUCATION", 12, True),
            (40, 224, "Acme School", 9, True), (40, 238, "Computer Engineer", 9, False),
            (40, 252, "2015 - 2017", 9, False)]
    main = [(220, 100, "EXPERIENCE", 12, True),
            (220, 120, "2021 - 2023", 9, False), (300, 120, "Acme Corporation | Software Engineer", 10, True),
            (300, 134, "Built the billing platform in Rust and Go.", 9, False),
            (300, 148, "Ran the on-call rotation for payments.", 9, False),
            (220, 170, "2020", 9, False), (300, 170, "FooBar GmbH | Software Developer", 10, True),
            (300, 184, "Shipped the mobile checkout flow.", 9, False),
            (300, 198, "Wrote the release tooling.", 9, False)]
    make(pdf, [(40, 50, "Jane Doe", 20, True)] + side + main)
    data = read(pdf)
    assert jobs(data) == [("Acme Corporation", "Software Engineer", "2021..2023"),
                          ("FooBar GmbH", "Software Developer", "2020")]
    assert data["skills"] == ["Rust", "Go", "C++", "Docker", "Terraform"]


def test_every_value_keeps_page_line_and_confidence(tmp_path):
    pdf = tmp_path / "prov.pdf"
    make(pdf, [(50, 50, "Jane Doe", 18, True), (50, 90, "Experience", 14, True),
               (50, 110, "Stripe | Senior Software Engineer | 2021 - Present", 10, True),
               (60, 124, "\u2022 Led the payments API", 10, False),
               (50, 150, "Skills", 14, True), (50, 170, "Python, SQL", 10, False)])
    data = read(pdf)
    job = data["experience"][0]
    assert job["source"]["page"] == 1 and job["source"]["line"] == 3 and len(job["source"]["bbox"]) == 4
    assert job["confidence"] >= 0.9 and job["uncertain"] is False
    src = data["provenance"]["skills"][0]
    assert (src["page"], src["line"], src["uncertain"]) == (1, 6, False)
    assert data["uncertain"] == {"skills": [], "certifications": []}


def test_two_columns_with_caps_titles_and_dates_under_them(tmp_path):
    """A narrow left column (education, skills) beside the main one (experience); titles in
    capitals ("ACME | SOFTWARE ENGINEER") with "period | place" on the line under them."""
    pdf = tmp_path / "two_col.pdf"
    left = [(40, 120, "EDUCATION", 12, True), (40, 138, "STATE UNIVERSITY", 10, True),
            (40, 151, "BS IN COMPUTER SCIENCE", 8, False), (40, 163, "May 2014 | Ithaca, NY", 8, False),
            (40, 175, "Cum. GPA: 3.8 / 4.0", 8, False),
            (40, 205, "SKILLS", 12, True), (40, 222, "Java \u2022 Python \u2022 Go", 8, False),
            (40, 234, "Kubernetes \u2022 Terraform", 8, False)]
    right = [(230, 120, "EXPERIENCE", 12, True),
             (230, 138, "ACME | SOFTWARE ENGINEER", 10, True), (230, 151, "Jan 2015 - Present | New York, NY", 8, False),
             (240, 164, "\u2022 Built the ads ranking service used by every product", 8, False),
             (240, 176, "\u2022 Cut p99 latency by a third with a new cache", 8, False),
             (230, 196, "INITECH | DATA ENGINEERING INTERN", 10, True), (230, 209, "May 2013 - Aug 2013 | Austin, TX", 8, False),
             (240, 222, "\u2022 Wrote the nightly ETL in Python", 8, False),
             (240, 234, "\u2022 Moved reports from cron to Airflow", 8, False)]
    make(pdf, [(40, 50, "Jane Doe", 22, True), (40, 75, "jane@example.com | 555-0100", 9, False)] + left + right)
    data = read(pdf)
    assert jobs(data) == [("ACME", "Software Engineer", "2015-01..present"),
                          ("INITECH", "Data Engineering Intern", "2013-05..2013-08")]
    assert [(e["school"], e["degree"]) for e in data["education"]] == [("STATE UNIVERSITY", "BS in Computer Science")]
    assert data["skills"] == ["Java", "Python", "Go", "Kubernetes", "Terraform"]


def test_product_lines_indented_under_a_job_are_not_jobs(tmp_path):
    """"Plancy · Founding Engineer" with its product lines indented under it, each with its
    own dates: one job (the product lines are what the candidate did there)."""
    pdf = tmp_path / "nested.pdf"
    make(pdf, [
        (50, 50, "Ray Ko", 20, True), (50, 90, "EXPERIENCE", 13, True),
        (50, 110, "Plancy \u00b7 Founding Engineer (co-founder)", 10, True), (460, 110, "May 2021 - Jun 2026", 9, False),
        (50, 124, "Owned architecture and operations of two product lines.", 9, False),
        (62, 140, "MICE All-in-One \u00b7 Lead Engineer", 9, True), (460, 140, "Feb 2024 - Jun 2026", 9, False),
        (62, 154, "\u2022 Modeled each event as the tenant unit", 9, False),
        (62, 170, "Event Platforms \u00b7 Technical Lead", 9, True), (460, 170, "Oct 2021 - Oct 2025", 9, False),
        (62, 184, "\u2022 Delivered 20 events a year from templates", 9, False),
        (50, 206, "TheScentLab \u00b7 Founding Engineer (co-founder)", 10, True), (460, 206, "Sep 2020 - May 2021", 9, False),
        (50, 220, "\u2022 Launched a fragrance recommendation app", 9, False),
    ])
    data = read(pdf)
    assert jobs(data) == [("Plancy", "Founding Engineer (co-founder)", "2021-05..2026-06"),
                          ("TheScentLab", "Founding Engineer (co-founder)", "2020-09..2021-05")]
    assert any("MICE All-in-One" in a for a in data["experience"][0]["achievements"])


def _two_columns(side, main, *, side_x=35, main_x=220, width=595):
    """A sidebar at ``side_x`` and a main column at ``main_x``: each item (y, text, size, bold)."""
    return ([(side_x, y, t, s, b) for y, t, s, b in side] + [(main_x, y, t, s, b) for y, t, s, b in main])


def test_dotted_skill_rows_under_labels_in_a_narrow_sidebar(tmp_path):
    # Deedy-style: a narrow sidebar whose skill rows fill it ("Java • Shell • Python"), each
    # group under a label ending in ":"; the main column's first job has no achievements
    side = [(120, "SKILLS", 12, True), (134, "Over 5000 lines:", 10, False),
            (147, "Java • Shell • Python • Ruby", 10, False), (159, "OCaml • Matlab • Rails • Go", 10, False),
            (171, "Over 1000 lines:", 10, False), (184, "C • C++ • CSS • PHP • Perl", 10, False),
            (196, "Familiar:", 10, False), (209, "iOS • Android • MySQL • Lua", 10, False)]
    main = [(120, "EXPERIENCE", 12, True),
            (134, "FACEBOOK | SOFTWARE ENGINEER", 11, False), (147, "Jan 2015 - Present | New York, NY", 10, False),
            (167, "COURSERA | SOFTWARE ENGINEERING INTERN", 11, False),
            (180, "June 2014 - Sep 2014 | Mountain View, CA", 10, False),
            (193, "• Led and shipped the admin interface for the new platform.", 9, False),
            (213, "GOOGLE | SOFTWARE ENGINEERING INTERN", 11, False),
            (226, "May 2013 - Aug 2013 | Mountain View, CA", 10, False),
            (239, "• Worked on the captions team in Javascript and Python.", 9, False)]
    pdf = tmp_path / "narrow_sidebar.pdf"
    make(pdf, [(35, 60, "Debby Das", 22, True)] + _two_columns(side, main))
    data = read(pdf)
    assert data["skills"] == ["Java", "Shell", "Python", "Ruby", "OCaml", "Matlab", "Rails", "Go",
                              "C", "C++", "CSS", "PHP", "Perl", "iOS", "Android", "MySQL", "Lua"]
    assert [(c.lower(), r.lower(), p) for c, r, p in jobs(data)] == [
        ("facebook", "software engineer", "2015-01..present"),
        ("coursera", "software engineering intern", "2014-06..2014-09"),
        ("google", "software engineering intern", "2013-05..2013-08")]


def test_jobs_without_achievements_and_a_strengths_grid(tmp_path):
    # AltaCV-style: role (large) / company (bold) / "Date: ... | Location: ..." per job, some
    # jobs with no bullets; a wrapped bullet in a column one chart label sticks out of;
    # the right column's "STRENGTHS" is the skills section, a grid of tags
    left = [(120, "EXPERIENCE", 13, True),
            (140, "Vice President of Location & Services", 12, False), (155, "Google", 10, True),
            (168, "Date: Oct 2010 – July 2012 | Location: Palo Alto, CA", 9, False),
            (182, "• Oversaw 1000+ engineers and product managers working on Google", 9, False),
            (193, "  Maps, Google Places and Google Earth", 9, False),
            (215, "Vice President of Search Products & UX", 12, False), (230, "Google", 10, True),
            (243, "Date: 2005 – 2010 | Location: Palo Alto, CA", 9, False),
            (265, "Product Manager & UI Lead", 12, False), (280, "Google", 10, True),
            (293, "Date: Oct 2001 – July 2005 | Location: Palo Alto, CA", 9, False),
            (307, "• Optimized the homepage and A/B tested every minor detail to increase", 9, False),
            (318, "  usability of the search results page", 9, False),
            (345, "Sleeping & dreaming about work: 10 | Baking cupcakes: 5 and more", 9, False)]
    right = [(120, "STRENGTHS", 13, True), (138, "Hard-working | Persuasive", 10, False),
             (152, "Motivator & Leader", 10, False), (166, "UX | Mobile Devices", 10, False),
             (180, "Product Management", 10, False),
             (215, "EDUCATION", 13, True), (233, "M.S. in Computer Science", 12, False),
             (248, "Stanford University", 10, True), (261, "Date: Sept 1997 – June 1999", 9, False),
             (283, "B.S. in Symbolic Systems", 12, False), (298, "Stanford University", 10, True),
             (311, "Date: Sept 1993 – June 1997", 9, False)]
    items = [(35, 60, "Marissa Mayer", 22, True)]
    items += [(35 + (10 if t.startswith("  ") else 0), y, t.strip(), s, b) for y, t, s, b in left]
    items += [(380, y, t, s, b) for y, t, s, b in right]
    pdf = tmp_path / "altacv_like.pdf"
    make(pdf, items)
    data = read(pdf)
    assert jobs(data) == [("Google", "Vice President of Location & Services", "2010-10..2012-07"),
                          ("Google", "Vice President of Search Products & UX", "2005..2010"),
                          ("Google", "Product Manager & UI Lead", "2001-10..2005-07")]
    assert data["experience"][0]["achievements"] == [
        "Oversaw 1000+ engineers and product managers working on Google Maps, Google Places and Google Earth"]
    assert {"Hard-working", "Persuasive", "UX", "Mobile Devices", "Product Management"} <= set(data["skills"])
    assert not any("Persuasive" in s and "Motivator" in s for s in data["skills"])  # two rows, not one wrapped
    assert [(e["degree"], normalize_period(e["period"])) for e in data["education"]] == [
        ("M.S. in Computer Science", "1997-09..1999-06"), ("B.S. in Symbolic Systems", "1993-09..1997-06")]


def test_label_column_next_employer_set_larger_is_a_job(tmp_path):
    # a label column ("경력" left of the first employer's row): the next employer, set larger
    # and further in than the first row (which lost its label's width), is a job, not a
    # product line nested in the first one
    pdf = tmp_path / "label_column.pdf"
    make(pdf, [
        (50, 60, "김형률", 20, False, CJK),
        (50, 120, "경력", 11.4, False, CJK), (164, 120, "HYPERCONNECT", 11.4, False),
        (470, 120, "2019.11 - 현재", 11.4, False, CJK),
        (164, 137, "정규직, 서울, 대한민국", 10.8, False, CJK),
        (176, 160, "- Live 방송 플랫폼 서버 개발 업무", 9.6, False, CJK),
        (176, 175, "- Kotlin/Spring 기반의 API 서버 개발 운영", 9.6, False, CJK),
        (164, 205, "NHN", 12.6, True), (470, 205, "2019.01 - 2019.06", 12.6, False),
        (164, 222, "인턴, 판교, 대한민국", 10.8, False, CJK),
        (176, 245, "- Dooray 메신저 및 에디터 기능 개발", 9.6, False, CJK),
    ])
    data = read(pdf)
    assert [(c, p) for c, _, p in jobs(data)] == [("HYPERCONNECT", "2019-11..present"), ("NHN", "2019-01..2019-06")]


def test_a_title_that_starts_with_its_period_keeps_its_description_apart(tmp_path):
    # a Typst template: "2021 – 2023 (18 months) – Acme Corporation – Software Engineer", a
    # description under it; the titles are the column's longest lines, so the description
    # looks like their wrapped rest unless a title is known by its leading period
    main = [(100, "EXPERIENCES", 13, True),
            (120, "2021 – 2023 (18 months) – Acme Corporation – Software Engineer", 11.5, False),
            (134, "Lorem ipsum dolor sit amet, consectetur adipiscing.", 11.5, False),
            (148, "Dada Fafa gaga haha jaja kaka lala mama.", 11.5, False),
            (172, "2020 (6 months) – FooBarEn – Software Developer", 11.5, False),
            (186, "Lorem ipsum dolor sit amet, consectetur adipiscing.", 11.5, False),
            (200, "Dada Fafa gaga haha jaja kaka lala mama.", 11.5, False),
            (230, "SKILLS", 13, True), (246, "Python, Rust, Docker", 11.5, False)]
    pdf = tmp_path / "typst_titles.pdf"
    make(pdf, [(60, 60, "Jane Roe", 22, True)] + [(60, y, t, s, b) for y, t, s, b in main])
    data = read(pdf)
    assert jobs(data) == [("Acme Corporation", "Software Engineer", "2021..2023"),
                          ("FooBarEn", "Software Developer", "2020")]


def test_schools_named_without_a_school_word_or_cut_at_the_line_end(tmp_path):
    # Deedy-style education: schools in bold capitals; the last one has no school word and a
    # "Grad." label before its date; a paper title indented under a degree is no school; a
    # degree line cut after "University of" continues on the next line
    pdf = tmp_path / "schools.pdf"
    make(pdf, [
        (50, 50, "Dev Das", 18, True),
        (50, 90, "EDUCATION", 13, True),
        (50, 110, "CORNELL UNIVERSITY", 12, True), (50, 124, "BS IN COMPUTER SCIENCE", 11, False),
        (50, 137, "May 2014 | Ithaca, NY", 10, False),
        (90, 151, "Balanced Graph Partition Problems, Mar 2013", 10, False),
        (50, 171, "LA MARTINIERE FOR BOYS", 12, True), (50, 184, "Grad. May 2010 | Kolkata, India", 10, False),
        (50, 204, "B.Sc. - Combined Honours, Mathematics and Computer Science, University of", 10.9, True),
        (470, 204, "Sept 2006 - May 2009", 10.9, False),
        (110, 218, "British Columbia, Vancouver, British Columbia, Canada.", 10.9, False),
        (50, 250, "SKILLS", 13, True), (50, 268, "Python, OCaml", 10, False),
    ])
    data = read(pdf)
    got = [(e["school"], normalize_period(e["period"])) for e in data["education"]]
    assert got == [("CORNELL UNIVERSITY", "2014-05"), ("LA MARTINIERE FOR BOYS", "2010-05"),
                   ("University of British Columbia", "2006-09..2009-05")]


def test_label_column_with_names_over_two_rows_and_degrees_under_one_school(tmp_path):
    # a label column: section names at the left edge beside their first rows ("RESEARCH" /
    # "EXPERIENCE", "OTHER WORK" / "EXPERIENCE"), entries further right; one school with
    # several degrees, each bulleted with its own period; a job's title in bold under its employer
    lab, val, sub = 50, 140, 150
    pdf = tmp_path / "label_column_en.pdf"
    make(pdf, [
        (200, 50, "John Doe", 18, True),
        (lab, 100, "EDUCATION", 9, True), (val, 100, "First American University, Springfield, USA", 9, True),
        (470, 100, "Dec 2009 – Jul 2014", 9, False),
        (sub, 113, "■ Ph.D. in Geophysical Engineering", 10, False),
        (sub + 12, 125, "● Thesis: A Statistical Approach to Quantifying Climate Change", 8.6, False),
        (sub, 138, "■ M.B.A.", 10, False), (470, 138, "Nov 2008 – Jun 2009", 10, False),
        (sub, 151, "■ M.S. in Geophysical Engineering", 10, False), (470, 151, "Aug 2006 – Aug 2008", 10, False),
        (sub + 12, 163, "● Cumulative GPA: 3.7 / 4.0", 8.6, False),
        (val, 180, "Science College, Springfield, USA", 9, True), (470, 180, "May 2002 – May 2005", 10, False),
        (sub, 193, "■ B.S. in Geography", 10, False),
        (lab, 220, "RESEARCH", 9, True), (val, 220, "Institute for Advanced Research, Science College", 9, True),
        (lab, 232, "EXPERIENCE", 9, True), (sub, 232, "■ Undergraduate Research Student", 9, True),
        (470, 232, "May 2004 – May 2005", 9, False),
        (sub + 12, 245, "● Project: Investigations on the Use of Lasers to Measure Climate Change", 8.6, False),
        (lab, 272, "OTHER WORK", 9, True), (val, 272, "Alpha Engineering Firm, Oakland, Ohio, USA", 9, True),
        (lab, 284, "EXPERIENCE", 9, True), (sub, 284, "■ Project Officer", 9, True),
        (470, 284, "Oct 2007 – Jan 2008", 9, False),
        (sub + 12, 297, "● Nullam venenatis egestas nisl eget elementum.", 8.6, False),
        (lab, 324, "SKILLS", 9, True), (val, 324, "MATLAB, Mathematica, Maple, R, Tableau", 9, False),
    ])
    data = read(pdf)
    assert {"education", "experience", "skills"} <= set(data["sections"])
    assert [(e["school"], e["degree"], normalize_period(e["period"])) for e in data["education"]] == [
        ("First American University", "Ph.D. in Geophysical Engineering", "2009-12..2014-07"),
        ("First American University", "M.B.A.", "2008-11..2009-06"),
        ("First American University", "M.S. in Geophysical Engineering", "2006-08..2008-08"),
        ("Science College", "B.S. in Geography", "2002-05..2005-05")]
    assert jobs(data) == [("Institute for Advanced Research", "Undergraduate Research Student", "2004-05..2005-05"),
                          ("Alpha Engineering Firm", "Project Officer", "2007-10..2008-01")]
    assert data["skills"] == ["MATLAB", "Mathematica", "Maple", "R", "Tableau"]


def test_korean_form_label_column_with_summary_notes(tmp_path):
    # a Saramin-style form: "학력" / "경력" in a left column with summary notes under them
    # ("대학교(4년) 졸업", "총 1년 5개월") that are not values; the entries further right
    pdf = tmp_path / "label_column_ko.pdf"
    lab, val = 28, 151
    make(pdf, [
        (lab, 50, "박영화", 18, False, CJK),
        (lab, 110, "학력", 11.6, False, CJK), (val, 110, "전남대학교(광주)(4년제)", 11.6, False, CJK),
        (470, 110, "2017.02 ~ 2020.02", 9.3, False),
        (lab, 128, "대학교(4년) 졸업", 9.3, False, CJK), (val, 128, "수학과", 9.3, False, CJK),
        (val, 140, "주야간 주간", 8.1, False, CJK),
        (val, 150, "목포대학교(4년제)", 10.5, False, CJK), (470, 150, "2013.03 ~ 2017.02", 9.3, False),
        (val, 168, "수학교육학과", 9.3, False, CJK),
        (lab, 210, "경력", 11.6, False, CJK), (val, 210, "솔박스", 11.6, False, CJK),
        (470, 210, "2021.11 ~ 2023.03", 9.3, False),
        (lab, 228, "총 1년 5개월", 9.3, False, CJK), (val, 228, "미디어팀 주임", 9.3, False, CJK),
        (val, 250, "KT Cloud API, URL 암호화, 로그 분석 업무를 맡았습니다.", 9.3, False, CJK),
        (val, 262, "스트리밍 서버 로그를 분석하는 프로그램을 개발했습니다.", 9.3, False, CJK),
        (val, 274, "근무지역 서울", 8.1, False, CJK),
        (lab, 290, "나의 스킬", 11.6, False, CJK), (val, 290, "Linux, PostgreSQL, React, gdb", 9.3, False),
    ])
    data = read(pdf)
    assert [(e["school"], normalize_period(e["period"])) for e in data["education"]] == [
        ("전남대학교(광주)(4년제)", "2017-02..2020-02"), ("목포대학교(4년제)", "2013-03..2017-02")]
    assert [(c, p) for c, _, p in jobs(data)] == [("솔박스", "2021-11..2023-03")]
    assert not any("총" in (e["role"] or "") for e in data["experience"])  # the notes are no values
    assert data["education"][0]["degree"] == "수학과"
    assert data["skills"] == ["Linux", "PostgreSQL", "React", "gdb"]


def test_group_headings_under_a_section_heading_and_spaced_month_year_dates(tmp_path):
    # "Experiences" straight over "Work", "Computer Skills" over "Experienced tools" and later
    # "Novice level tools" in the same type: groups inside the section, not sections of their
    # own; dates written "07 2023 - 10 2023" and a table's "2022 08"
    pdf = tmp_path / "groups.pdf"
    make(pdf, [
        (50, 50, "Park Gidoong", 18, True),
        (50, 90, "Experiences", 14, True), (50, 108, "Work", 14, True),
        (50, 126, "Namu Software | Web Frontend Developer | 07 2023 - 10 2023", 9, False),
        (60, 140, "• Removed Redux and moved the console to React Query", 9, False),
        (50, 158, "Acme Labs | Backend Developer | 05 2019 - 06 2019", 9, False),
        (60, 172, "• Built the billing API in Go", 9, False),
        (50, 205, "Computer Skills", 14, True), (50, 223, "Experienced tools", 14, True),
        (60, 240, "Javascript, Dart, Lua, SQL", 9, False),
        (50, 262, "Novice level tools", 14, True),
        (60, 279, "Rescript, Clojure, Elisp", 9, False),
        (50, 310, "Education", 14, True),
        (50, 328, "42 Seoul Academy | Piscine | 2022 08", 9, False),
    ])
    data = read(pdf)
    assert jobs(data) == [("Namu Software", "Web Frontend Developer", "2023-07..2023-10"),
                          ("Acme Labs", "Backend Developer", "2019-05..2019-06")]
    assert data["skills"] == ["Javascript", "Dart", "Lua", "SQL", "Rescript", "Clojure", "Elisp"]
    assert not any(k.startswith("other:") for k in data["sections"])
    assert [(e["school"], normalize_period(e["period"])) for e in data["education"]] == [("42 Seoul Academy", "2022-08")]


def test_certificates_long_names_course_issuers_and_grades(tmp_path):
    pdf = tmp_path / "certs.pdf"
    make(pdf, [
        (50, 50, "Jo Kim", 18, True),
        (50, 90, "Certificates", 14, True),
        (50, 110, "SQL Fundamentals Track, Datacamp", 10, False),
        (50, 126, "Learning How to Learn: Powerful mental tools to help you master tough subjects", 10, False),
        (50, 140, "Issued by Coursera", 9, False), (480, 140, "Sep 2021", 9, False),
        (50, 158, "TOEIC Speaking (150점, Intermediate High)", 10, False),
        (50, 174, "1종보통운전면허", 10, False),
        (50, 190, "TOPCIT Level 3 (580)", 10, False),
        (50, 230, "Skills", 14, True), (50, 248, "SQL, Python", 10, False),
    ])
    data = read(pdf)
    assert data["certifications"][:2] == [
        "SQL Fundamentals Track", "Learning How to Learn: Powerful mental tools to help you master tough subjects"]
    assert {"TOEIC Speaking", "1종보통운전면허", "TOPCIT Level 3 (580)"} <= set(data["certifications"])


def test_a_role_with_an_ampersand_is_no_heading(tmp_path):
    # "Project & Lab Manager" in bold on a line of its own reads like "Projects & ..." to a
    # heading vocabulary; a role word says it is a title
    pdf = tmp_path / "amp_role.pdf"
    make(pdf, [
        (50, 50, "Andy Fan", 18, True),
        (50, 90, "Experience", 14, True),
        (50, 110, "Robotics Society", 11, True),
        (50, 124, "Project & Lab Manager", 11, True),
        (50, 138, "May 2022 – June 2023", 10, False),
        (60, 152, "• Led officer workshops on lab tools", 9, False),
        (50, 190, "Skills", 14, True), (50, 208, "Python, C++", 10, False),
    ])
    data = read(pdf)
    assert jobs(data) == [("Robotics Society", "Project & Lab Manager", "2022-05..2023-06")]
    assert "projects" not in data["sections"]


def test_projects_in_body_type_inside_a_job_are_not_jobs(tmp_path):
    # a Korean form's job: the employer in title type, then its projects in body type, each
    # with a dated line of its own and "배경 :" / "나의 역할 :" fields - none of them a job
    pdf = tmp_path / "job_projects.pdf"
    items = [(50, 50, "박영화", 18, False, CJK), (50, 90, "경력", 15, False, CJK),
             (50, 112, "솔박스", 11.6, False, CJK), (470, 112, "2021.11 ~ 2023.03", 9.3, False),
             (50, 128, "미디어팀 주임", 9.3, False, CJK)]
    y = 150
    for name, period in (("KT Cloud API 개발", "2022-12-01 ~ 2023-02-01"), ("URL 암호화", "2022-07-01 ~ 2022-08-01")):
        items += [(50, y, name, 9.3, False, CJK), (50, y + 14, period, 9.3, False),
                  (50, y + 28, "프로젝트 목표 : OTT 스트리밍 제공", 9.3, False, CJK),
                  (50, y + 42, "나의 역할 : 클라우드 서버를 투입하고 해제할 수 있는 SDK를 개발하여 배포했습니다.", 9.3, False, CJK)]
        y += 70
    items += [(50, y + 20, "넥스트랩", 11.6, False, CJK), (470, y + 20, "2019.01 ~ 2021.10", 9.3, False),
              (50, y + 36, "개발팀 사원", 9.3, False, CJK)]
    make(pdf, items)
    data = read(pdf)
    assert [(c, p) for c, _, p in jobs(data)] == [("솔박스", "2021-11..2023-03"), ("넥스트랩", "2019-01..2021-10")]


@pytest.mark.parametrize("text,norm", [("2021 01 - 08", "2021-01..2021-08"), ("2021.01 - 08", "2021-01..2021-08"),
                                       ("2021년 1월 ~ 8월", "2021-01..2021-08"), ("2021-01-08", "2021-01"),
                                       ("2021.01 - 08.2022", "2021-01..2022-08"), ("2021.1 ~ 8", "2021-01..2021-08"),
                                       ("2021.01 - 8 projects", "2021-01")])
def test_period_whose_end_month_has_no_year(text, norm):
    assert normalize_period(text) == norm


def test_korean_table_periods_whose_end_month_has_no_year(tmp_path):
    # a Korean 표 resume writes a period inside one year as "2021 01 - 08" (or "2021.01 - 08",
    # "2021년 1월 ~ 8월"): the end month is in the start's year; jobs and schools keep them
    pdf = tmp_path / "ko_table_short.pdf"
    make(pdf, [
        (50, 50, "홍길동", 20, True),
        (50, 90, "경력사항", 14, True),
        (50, 112, "회사명", 10, True), (200, 112, "직위", 10, True), (350, 112, "근무기간", 10, True),
        (50, 130, "카카오페이", 10, False), (200, 130, "서버 개발자", 10, False),
        (350, 130, "2022 03 - 11", 10, False),
        (60, 146, "- 결제 API 응답 시간 40% 단축, 정산 배치 재설계", 10, False),
        (50, 164, "네이버", 10, False), (200, 164, "인턴", 10, False),
        (350, 164, "2021년 1월 ~ 8월", 10, False),
        (50, 190, "학력사항", 14, True),
        (50, 212, "학교명", 10, True), (200, 212, "전공", 10, True), (350, 212, "기간", 10, True),
        (50, 230, "서울대학교", 10, False), (200, 230, "컴퓨터공학과", 10, False),
        (350, 230, "2016.03 - 2020.02", 10, False),
        (50, 248, "멀티캠퍼스 부트캠프", 10, False), (200, 248, "백엔드 과정", 10, False),
        (350, 248, "2020.03 - 08", 10, False),
    ])
    data = read(pdf)
    assert jobs(data) == [("카카오페이", "서버 개발자", "2022-03..2022-11"), ("네이버", "인턴", "2021-01..2021-08")]
    assert [(e["school"], normalize_period(e["period"])) for e in data["education"]] == [
        ("서울대학교", "2016-03..2020-02"), ("멀티캠퍼스 부트캠프", "2020-03..2020-08")]


def test_a_label_with_its_value_is_no_role_or_company(tmp_path):
    # "Manager: Jane Roe" (a reference) and "Contact: ..." under a job are labelled fields, not
    # the job's role or employer; "Position: ..." names the role
    pdf = tmp_path / "labels.pdf"
    make(pdf, [
        (50, 50, "Tom Baker", 18, True),
        (50, 90, "EXPERIENCE", 13, True),
        (50, 112, "Northwind Traders", 11, True), (450, 112, "2019 - 2022", 10, False),
        (50, 126, "Manager: Jane Roe", 10, False),
        (60, 142, "- Ran the order pipeline for 300 stores and cut returns by 12%", 10, False),
        (50, 170, "Contoso Ltd", 11, True), (450, 170, "2022 - Present", 10, False),
        (50, 184, "Position: Data Analyst", 10, False),
        (50, 198, "Contact: Bob Stone", 10, False),
        (60, 214, "- Built the weekly sales dashboards used by 40 managers", 10, False),
    ])
    data = read(pdf)
    got = jobs(data)
    assert got == [("Northwind Traders", None, "2019..2022"), ("Contoso Ltd", "Data Analyst", "2022..present")]
    assert not any(":" in (v or "") for e in data["experience"] for v in (e["company"], e["role"]))


def test_a_phrase_joined_by_ampersand_stays_one_skill(tmp_path):
    # "Motivator & Leader": two ordinary words joined, one strength; "HTML & CSS", "Python and R",
    # "Java & Kotlin", "Docker and Kubernetes": two names each
    pdf = tmp_path / "amp.pdf"
    make(pdf, [
        (50, 50, "Ana Lee", 18, True),
        (50, 90, "SKILLS", 13, True),
        (50, 110, "HTML & CSS, Python and R", 10, False),
        (50, 126, "Java & Kotlin, Team Player", 10, False),
        (50, 142, "Motivator & Leader, Docker and Kubernetes", 10, False),
    ])
    assert read(pdf)["skills"] == ["HTML", "CSS", "Python", "R", "Java", "Kotlin", "Team Player",
                                   "Motivator & Leader", "Docker", "Kubernetes"]


def test_a_smaller_indented_heading_inside_education_is_a_group(tmp_path):
    # "Languages" in body type at the entries' margin under "Education" (set larger, further
    # left): a group inside the section; the school after it, in the entries' type with its
    # period, is still education, and the languages are no school
    pdf = tmp_path / "nested.pdf"
    make(pdf, [
        (36, 40, "Minsu Kim", 18, True),
        (36, 80, "Education", 12, False),
        (47, 100, "Coursera", 10.9, True), (523, 100, "Feb 2023", 10.9, True),
        (47, 114, "Convolutional Neural Networks", 10, False),
        (47, 128, "Coursera", 10.9, True), (521, 128, "Nov 2022", 10.9, True),
        (47, 142, "Structuring Machine Learning Projects", 10, False),
        (47, 160, "Languages", 10, True),
        (62, 174, "\u2022 English: IM2 (OPIc) Issued Feb 2025", 10, False),
        (62, 188, "\u2022 Korean: Native", 10, False),
        (47, 206, "Korea Polytechnic University", 10.9, True), (463, 206, "Mar 2010 - Feb 2018", 10.9, True),
        (47, 220, "B.S., Computer Engineering (GPA: 3.4 / 4.5)", 10, False),
        (36, 250, "Other Activities", 12, False),
        (47, 270, "Guryong Village Coal Briquette Volunteering", 10.9, True), (525, 270, "Jan 2018", 10.9, True),
    ])
    edu = [(e["school"], normalize_period(e["period"])) for e in read(pdf)["education"]]
    assert edu == [("Coursera", "2023-02"), ("Coursera", "2022-11"),
                   ("Korea Polytechnic University", "2010-03..2018-02")]


def test_a_national_qualification_listed_under_education_is_a_certificate(tmp_path):
    # "정보처리기사" (an engineer-grade national qualification) listed in 학력 with its issuer
    # under it: a certificate, not a school; the university stays the one school
    pdf = tmp_path / "ko_qual.pdf"
    make(pdf, [
        (40, 40, "김민수", 18, True),
        (40, 80, "학력", 13, True),
        (50, 100, "한국공학대학교", 10.9, True), (470, 100, "2010.03 - 2018.02", 10.9, True),
        (50, 114, "학사, 컴퓨터공학", 10, False),
        (50, 134, "정보처리기사", 10.9, True), (480, 134, "2017.11", 10.9, True),
        (50, 148, "한국산업인력공단", 10, False),
        (50, 168, "정보처리운용기능사", 10.9, True), (480, 168, "2009.07", 10.9, True),
        (50, 182, "한국산업인력공단", 10, False),
    ])
    data = read(pdf)
    assert data["certifications"] == ["정보처리기사", "정보처리운용기능사"]
    assert [e["school"] for e in data["education"]] == ["한국공학대학교"]


def test_two_titles_one_comma_apart_are_one_role(tmp_path):
    # "Manager, Data Engineer" under the company line: the role as written, not its last title;
    # role-first, the company is still the company
    pdf = tmp_path / "two_titles.pdf"
    make(pdf, [
        (47, 40, "Minsu Kim", 18, True),
        (36, 80, "Experience", 12, False),
        (47, 100, "Cellkey", 10.9, True), (480, 100, "Jul 2025 - Dec 2025", 10.9, True),
        (47, 114, "Manager, Data Engineer", 10, False), (480, 114, "Seocho-gu, Seoul", 10, False),
        (62, 128, "\u2022 Deployed a StarRocks cluster on EC2, cutting query time by 80%", 10, False),
        (47, 150, "Team Lead, Backend Engineer | Northwind Traders | 2021 - 2025", 10.9, True),
        (62, 164, "\u2022 Led six engineers through a payments rewrite", 10, False),
    ])
    assert jobs(read(pdf)) == [("Cellkey", "Manager, Data Engineer", "2025-07..2025-12"),
                               ("Northwind Traders", "Team Lead, Backend Engineer", "2021..2025")]


def test_a_sentence_in_the_skills_section_gives_no_skills(tmp_path):
    # a summary sentence that names tools among ordinary words ("cost and performance") is
    # prose; the list line under it is the skills
    pdf = tmp_path / "skills_prose.pdf"
    make(pdf, [
        (40, 40, "Minsu Kim", 18, True),
        (40, 80, "SKILLS", 12, True),
        (40, 100, "Built data platforms optimised for cost and performance, using Spark, Airflow,", 10, False),
        (40, 114, "and AWS (EMR, S3).", 10, False),
        (40, 134, "Languages: Python | Go | SQL", 10, False),
    ])
    assert read(pdf)["skills"] == ["Python", "Go", "SQL"]


def test_korean_prose_without_spaces_in_the_skills_section_gives_no_skills(tmp_path):
    # a Word PDF that drops the spaces between Korean words: a sentence of few "words" is still
    # a sentence ("...등을활용하여...설계하였으며, BMAD-Method을사용한")
    pdf = tmp_path / "skills_prose_ko.pdf"
    make(pdf, [
        (40, 40, "김민수", 18, True),
        (40, 80, "기술 스택", 12, True),
        (40, 100, "Cursor AI, Gemini CLI 등을활용하여파이프라인을설계하였으며, BMAD-Method을사용한", 10, False),
        (40, 120, "언어: Python | Go | SQL", 10, False),
    ])
    assert read(pdf)["skills"] == ["Python", "Go", "SQL"]


def test_the_rest_of_a_sentence_on_its_own_line_in_the_skills_section_gives_no_skills(tmp_path):
    # the sentence's second line was not joined to it (the first ended early): it starts in
    # lower case and goes on as a comma list ("cost, latency, and ..."), still prose
    pdf = tmp_path / "skills_prose_rest.pdf"
    make(pdf, [
        (40, 40, "Minsu Kim", 18, True),
        (40, 80, "SKILLS", 12, True),
        (40, 100, "Skilled at choosing stores, such as adopting PGVector, by weighing", 9, False),
        (40, 113, "cost, latency, and the complexity of operations.", 9, False),
        (40, 133, "Languages: Python | Go | SQL | TypeScript | Kotlin | Swift | Rust | Scala | Haskell | Elixir | Erlang | OCaml",
         9, False),
    ])
    assert read(pdf)["skills"] == ["Python", "Go", "SQL", "TypeScript", "Kotlin", "Swift", "Rust", "Scala",
                                   "Haskell", "Elixir", "Erlang", "OCaml"]


def test_a_platform_with_its_services_in_parentheses_is_one_skill(tmp_path):
    # "AWS (EC2, Lambda, S3)": the services of one cloud platform, which is the skill; a
    # category ("SQL and NoSQL databases (MySQL, MongoDB)", "NoSQL (Redis, Cassandra)") and a
    # language ("Python (Django, Flask)") list skills of their own
    pdf = tmp_path / "skills_parens.pdf"
    make(pdf, [
        (40, 40, "Minsu Kim", 18, True),
        (40, 80, "SKILLS", 12, True),
        (40, 100, "DevOps: Docker | AWS (EC2, Lambda, S3, IAM), Firebase (Firestore, Storage), GCP (Cloud Run, Artifact Registry)", 9, False),
        (40, 114, "Data: SQL and NoSQL databases (MySQL, MongoDB)", 9, False),
        (40, 128, "Backend: Python (Django, Flask)", 9, False),
        (40, 142, "Stores: NoSQL (Redis, Cassandra)", 9, False),
    ])
    assert read(pdf)["skills"] == ["Docker", "AWS", "Firebase", "GCP", "SQL", "NoSQL databases", "MySQL", "MongoDB",
                                   "Python", "Django", "Flask", "NoSQL", "Redis", "Cassandra"]


def test_two_labelled_skill_lists_run_into_one_row(tmp_path):
    # "... | Prompt Engineering ML: HuggingFace | DVC": the last item of one list and the next
    # list's label share a piece; "Cloud Platforms:" and "Big Data:" are labels of two words
    pdf = tmp_path / "skills_runin.pdf"
    make(pdf, [
        (40, 40, "Minsu Kim", 18, True),
        (40, 80, "SKILLS", 12, True),
        (40, 100, "LLM: LangChain | RAG | Prompt Engineering ML: HuggingFace | DVC", 9, False),
        (40, 114, "Languages: Go | Cloud Platforms: AWS | Big Data: Spark", 9, False),
    ])
    assert read(pdf)["skills"] == ["LangChain", "RAG", "Prompt Engineering", "HuggingFace", "DVC",
                                   "Go", "AWS", "Spark"]


def test_a_certificate_listed_under_education_is_no_school(tmp_path):
    # "Engineer Information Processing | Nov 2017" over its issuer, between the courses and the
    # university: issued on one date, named with a certificate word - a certificate
    pdf = tmp_path / "edu_cert.pdf"
    make(pdf, [
        (40, 40, "Minsu Kim", 18, True),
        (40, 80, "Education", 13, True),
        (50, 100, "Coursera", 10.9, True), (480, 100, "Feb 2023", 10.9, True),
        (50, 114, "Neural Networks and Deep Learning", 10, False),
        (50, 134, "Engineer Information Processing", 10.9, True), (480, 134, "Nov 2017", 10.9, True),
        (50, 148, "Human Resources Development Service of Korea", 10, False),
        (50, 168, "Korea Polytechnic University", 10.9, True), (440, 168, "Mar 2010 - Feb 2018", 10.9, True),
        (50, 182, "B.S., Computer Engineering", 10, False),
    ])
    data = read(pdf)
    assert data["certifications"] == ["Engineer Information Processing"]
    assert [e["school"] for e in data["education"]] == ["Coursera", "Korea Polytechnic University"]


def test_korean_table_under_a_heading_with_periods_over_two_lines(tmp_path):
    # a 표 resume: the name and "학력사항" above a four-cell table are no column of their own;
    # the header row is not joined to the first row, and a period broken inside its cell
    # ("2016.03 ~" / "2020.02") is one period
    pdf = tmp_path / "ko_table_two_line.pdf"
    make(pdf, [
        (50, 50, "홍길동", 20, True),
        (50, 90, "학력사항", 14, True),
        (50, 112, "학교명", 10, True), (200, 112, "전공", 10, True), (350, 112, "재학기간", 10, True),
        (470, 112, "졸업여부", 10, True),
        (50, 130, "서울대학교", 10, False), (200, 130, "컴퓨터공학과", 10, False), (350, 130, "2016.03 ~", 10, False),
        (470, 130, "졸업", 10, False),
        (350, 144, "2020.02", 10, False),
        (50, 164, "중앙고등학교", 10, False), (200, 164, "이과", 10, False), (350, 164, "2013.03 ~", 10, False),
        (470, 164, "졸업", 10, False),
        (350, 178, "2016.02", 10, False),
    ])
    data = read(pdf)
    assert [(e["school"], normalize_period(e["period"])) for e in data["education"]] == [
        ("서울대학교", "2016-03..2020-02"), ("중앙고등학교", "2013-03..2016-02")]
    assert "컴퓨터공학과" in data["education"][0]["degree"]


def test_korean_table_with_a_kind_of_school_column(tmp_path):
    # "구분 | 학교명 | 전공 | 기간": "대학교(4년)" and "고등학교" say what kind of school, the
    # name is in the next cell
    pdf = tmp_path / "ko_table_kind.pdf"
    make(pdf, [
        (50, 50, "홍길동", 20, True),
        (50, 90, "학력", 14, True),
        (50, 112, "구분", 10, True), (150, 112, "학교명", 10, True), (300, 112, "전공", 10, True),
        (420, 112, "기간", 10, True),
        (50, 130, "대학교(4년)", 10, False), (150, 130, "한국대학교", 10, False), (300, 130, "경영학과", 10, False),
        (420, 130, "2012.03 - 2018.02", 10, False),
        (50, 148, "고등학교", 10, False), (150, 148, "한국고등학교", 10, False), (420, 148, "2009.03 - 2012.02", 10, False),
    ])
    data = read(pdf)
    assert [(e["school"], e["degree"]) for e in data["education"]] == [("한국대학교", "경영학과"),
                                                                       ("한국고등학교", None)]


def test_korean_table_with_the_section_in_a_label_cell_and_dates_first(tmp_path):
    # "학력 | 2016.03 ~ 2020.02 | 서울대학교 | ...": the section's name in a cell left of its
    # first row, the period in the first value cell; the rows under it (no label) are entries
    # of the same section, not sub-entries of the first
    pdf = tmp_path / "ko_table_label_cells.pdf"
    make(pdf, [
        (50, 50, "홍길동", 20, True),
        (50, 112, "학력", 10, True), (120, 112, "2016.03 ~ 2020.02", 10, False), (260, 112, "서울대학교", 10, False),
        (380, 112, "컴퓨터공학과", 10, False), (490, 112, "졸업", 10, False),
        (120, 130, "2013.03 ~ 2016.02", 10, False), (260, 130, "중앙고등학교", 10, False), (490, 130, "졸업", 10, False),
        (50, 160, "경력", 10, True), (120, 160, "2020.03 ~ 2023.02", 10, False), (260, 160, "카카오", 10, False),
        (380, 160, "백엔드 개발자", 10, False),
        (120, 178, "2023.03 ~ 현재", 10, False), (260, 178, "네이버", 10, False), (380, 178, "서버 개발자", 10, False),
    ])
    data = read(pdf)
    assert jobs(data) == [("카카오", "백엔드 개발자", "2020-03..2023-02"), ("네이버", "서버 개발자", "2023-03..present")]
    assert [(e["school"], normalize_period(e["period"])) for e in data["education"]] == [
        ("서울대학교", "2016-03..2020-02"), ("중앙고등학교", "2013-03..2016-02")]


@pytest.mark.parametrize("text,norm", [("19.06 – 현재", "2019-06..present"), ("11.03 – 17.08", "2011-03..2017-08"),
                                       ("17.07 - 19.5", "2017-07..2019-05"), ("(만 3년 1개월, 19.06 – 현재)", "2019-06..present"),
                                       ("Ubuntu 14.04 - 12.04", None), ("Python 3.11 - 3.12", None)])
def test_periods_with_two_digit_years(text, norm):
    # Korean resumes write "19.06 – 현재"; only as a range whose end is not before its start
    assert normalize_period(text) == norm


def test_korean_form_heading_with_its_total_and_two_digit_year_jobs(tmp_path):
    # "경력 총 2년 11개월" is the experience heading with its caption (the jobs are not read as
    # schools of the education above); "(만 3년 1개월, 19.06 – 현재)" gives the period and no
    # bracket left on the company; "(주)프라뱅 정보보호 담당자 사원": the company, then the role
    pdf = tmp_path / "ko_form.pdf"
    make(pdf, [
        (50, 50, "김영래", 20, True),
        (50, 90, "학력", 14, True),
        (50, 112, "충남대학교 컴퓨터공학과 학사 졸업(11.03 – 17.08)", 10, False),
        (50, 150, "경력 총 2년 11개월", 14, True),
        (50, 172, "2023. 12 ~ 2024. 06 | (주)프라뱅 정보보호 담당자 사원", 10, False),
        (60, 188, "- 사내 보안 솔루션 운영", 10, False),
        (50, 210, "수산업협동조합중앙회 / ICT전략실 (만 3년 1개월, 19.06 – 현재)", 10, False),
        (60, 226, "- 웹 기반 시스템 운영 및 유지보수", 10, False),
    ])
    data = read(pdf)
    assert [(e["company"], e["role"], normalize_period(e["period"])) for e in data["experience"]] == [
        ("(주)프라뱅", "정보보호 담당자 사원", "2023-12..2024-06"),
        ("수산업협동조합중앙회 / ICT전략실", None, "2019-06..present")]
    assert [(e["school"], normalize_period(e["period"])) for e in data["education"]] == [
        ("충남대학교", "2011-03..2017-08")]


def test_at_sign_glued_to_a_place_a_company_named_like_a_domain_and_a_city_before_its_country(tmp_path):
    # "Trendyol @Istanbul, Turkey": the "@" marks the place; "Sociality.io" is a company's
    # name, not a web address; "Giresun High School of Science, Giresun, Turkey": the city
    # before the country is no degree
    pdf = tmp_path / "at_place.pdf"
    make(pdf, [
        (40, 40, "Ayse Kaya", 18, True),
        (40, 80, "EDUCATION", 12, True),
        (40, 100, "Giresun High School of Science, Giresun, Turkey", 10, True), (470, 100, "2010 - 2014", 10, False),
        (40, 130, "EXPERIENCE", 12, True),
        (40, 150, "Trendyol @Istanbul, Turkey", 10, True), (440, 150, "May, 2019 - Present", 10, False),
        (40, 164, "Data Engineer", 10, False),
        (50, 178, "- Built batch pipelines with Spark and Hive", 10, False),
        (40, 200, "Sociality.io @Istanbul, Turkey", 10, True), (420, 200, "June, 2018 - Jan, 2019", 10, False),
        (40, 214, "Software Developer", 10, False),
        (50, 228, "- Worked on REST APIs", 10, False),
    ])
    data = read(pdf)
    assert jobs(data) == [("Trendyol", "Data Engineer", "2019-05..present"),
                          ("Sociality.io", "Software Developer", "2018-06..2019-01")]
    assert data["experience"][0]["location"] == "Istanbul, Turkey"
    assert [(e["school"], e["degree"]) for e in data["education"]] == [("Giresun High School of Science", None)]


def test_spoken_languages_and_their_levels_in_the_skills_section_are_no_skills(tmp_path):
    # "Languages: English (Can read, write and speak fluently), Chinese (Native speaker)" and
    # "English: fluent in speaking and writing": levels of spoken languages, no skills
    pdf = tmp_path / "spoken.pdf"
    make(pdf, [
        (40, 40, "Wei Zhang", 18, True),
        (40, 80, "SKILLS", 12, True),
        (40, 100, "- Development Tools: Git, Docker, Jenkins", 10, False),
        (40, 114, "- Languages: English (Can read, write and speak fluently), Chinese (Native speaker)", 10, False),
        (40, 128, "- English: fluent in speaking, reading and writing", 10, False),
    ])
    assert read(pdf)["skills"] == ["Git", "Docker", "Jenkins"]


def test_a_role_written_as_the_first_bullet_or_a_labelled_bullet(tmp_path):
    # "Kakao Corp. | 2019 - 2021" then "• Backend Engineer" (or "• Role: ...", "- 역할: ..."):
    # the role, not an achievement; a sentence first under the title stays an achievement
    pdf = tmp_path / "role_bullets.pdf"
    make(pdf, [
        (40, 40, "Minsu Kim", 18, True),
        (40, 80, "EXPERIENCE", 12, True),
        (40, 100, "Kakao Corp.", 10, True), (470, 100, "2019 - 2021", 10, False),
        (50, 114, "\u2022 Backend Engineer", 10, False),
        (50, 128, "\u2022 Built the payment API in Kotlin", 10, False),
        (40, 150, "Naver", 10, True), (470, 150, "2021 - Present", 10, False),
        (50, 164, "\u2022 Position: Data Engineer", 10, False),
        (50, 178, "\u2022 Ran Spark jobs", 10, False),
        (40, 200, "네이버웹툰", 10, True), (470, 200, "2018.03 - 2018.12", 10, False),
        (50, 214, "- 역할: 데이터 엔지니어", 10, False),
        (50, 228, "- Spark 배치 운영", 10, False),
        (40, 250, "Toss", 10, True), (470, 250, "2017 - 2018", 10, False),
        (50, 264, "\u2022 Led the engineers who rebuilt the ledger, cutting costs by 30%.", 10, False),
    ])
    data = read(pdf)
    assert jobs(data)[:3] == [("Kakao Corp.", "Backend Engineer", "2019..2021"),
                              ("Naver", "Data Engineer", "2021..present"),
                              ("네이버웹툰", "데이터 엔지니어", "2018-03..2018-12")]
    assert data["experience"][0]["achievements"] == ["Built the payment API in Kotlin"]
    assert data["experience"][3]["role"] is None
    assert len(data["experience"][3]["achievements"]) == 1


def test_achievements_under_sub_headings_stay_with_their_job(tmp_path):
    # "Key Qualifications & Responsibilities" / "Key Achievements" inside a job head its
    # bullets; they are no jobs, and the bullets are that job's achievements
    pdf = tmp_path / "sub_headings.pdf"
    make(pdf, [
        (40, 40, "Minsu Kim", 18, True),
        (40, 80, "EXPERIENCE", 12, True),
        (40, 100, "Full Stack Developer", 10, True),
        (40, 114, "November 2022 - Present", 10, False),
        (40, 128, "iSendMoney, Kathmandu, Nepal", 10, False),
        (40, 146, "Key Qualifications & Responsibilities", 10, True),
        (50, 160, "- Built the web app in React", 10, False),
        (40, 178, "Key Achievements", 10, True),
        (50, 192, "- Moved the mobile app to React Native", 10, False),
    ])
    data = read(pdf)
    assert [(e["company"], e["role"]) for e in data["experience"]] == [("iSendMoney", "Full Stack Developer")]
    assert data["experience"][0]["achievements"] == ["Built the web app in React", "Moved the mobile app to React Native"]


def test_bold_employer_and_plain_title_on_one_line_beside_a_larger_section_label(tmp_path):
    # Deedy-style: "EXPERIENCE" (larger) in a label column beside the first entry, whose line is
    # a bold employer run on into a plain title ("FACEBOOK SOFTWARE ENGINEERING INTERN", one
    # line of two spans); the first entry is no larger than the next, so the next is no
    # sub-entry of it
    pdf = tmp_path / "deedy_like.pdf"
    jobs_in = [("FACEBOOK", "SOFTWARE ENGINEERING INTERN", "Fall 2017", "New York"),
               ("GOOGLE", "SOFTWARE ENGINEERING INTERN", "Winter 2017", "Waterloo"),
               ("PAGERDUTY", "BACKEND SERVICES DEVELOPER", "Fall 2015", "Toronto")]
    items = [(230, 50, "Sam Lee", 30, False), (40, 120, "EXPERIENCE", 16, False)]
    for i, (_, _, when, place) in enumerate(jobs_in):
        items += [(460, 120 + 60 * i, f"{when} | {place}", 10, False),
                  (194, 136 + 60 * i, "- Improved the video player for millions of daily users", 10, False)]
    make(pdf, items)
    doc = pymupdf.open(str(pdf))
    page = doc[0]
    writer = pymupdf.TextWriter(page.rect)
    for i, (emp, title, _, _) in enumerate(jobs_in):
        writer.append((180, 120 + 60 * i), emp + " ", font=pymupdf.Font("hebo"), fontsize=11)
        writer.append(writer.last_point, title, font=pymupdf.Font("helv"), fontsize=11)
    writer.write_text(page)
    out = tmp_path / "deedy_like_titles.pdf"
    doc.save(str(out))
    doc.close()
    data = read(out)
    assert [(e["company"], e["role"]) for e in data["experience"]] == [
        ("FACEBOOK", "Software Engineering Intern"), ("GOOGLE", "Software Engineering Intern"),
        ("PAGERDUTY", "Backend Services Developer")]


def test_degree_title_then_its_school_in_body_type_and_a_graduation_date_in_the_body(tmp_path):
    # "Diploma in Full Stack Web Development" (bold) over "School of Information Technology,
    # Kathmandu, Nepal" (body type): the school is the second line; "University of Waterloo,
    # Waterloo, ON" over "B.Sc., Statistics | Expected Graduation: June 2023 | GPA: 3.2": the
    # province is a place and the graduation date the period
    pdf = tmp_path / "degree_first.pdf"
    make(pdf, [
        (40, 40, "Sam Lee", 18, True),
        (40, 80, "EDUCATION", 12, True),
        (40, 100, "Diploma in Full Stack Web Development", 10, True), (470, 100, "2016 - 2017", 10, False),
        (40, 114, "School of Information Technology, Putalisadak Campus, Kathmandu, Nepal, 44600", 10, False),
        (50, 128, "- Relevant Coursework: REST APIs, SQL and NoSQL databases", 10, False),
        (40, 150, "University of Waterloo, Waterloo, ON", 10, True),
        (40, 164, "B.Sc., Statistics | Expected Graduation: June 2023 | GPA: 3.2", 10, False),
    ])
    data = read(pdf)
    assert [(e["school"], e["degree"], normalize_period(e["period"])) for e in data["education"]] == [
        ("School of Information Technology", "Diploma in Full Stack Web Development", "2016..2017"),
        ("University of Waterloo", "B.Sc., Statistics", "2023-06")]


def test_a_job_named_again_over_its_projects_is_one_job(tmp_path):
    # "Crinity | 2024.05 – 2026.01" with its team and role, then further down the same employer
    # and period heading its projects: one job, the project lines its achievements
    pdf = tmp_path / "repeat.pdf"
    make(pdf, [
        (40, 40, "김민수", 18, True),
        (40, 80, "경력", 13, True),
        (40, 100, "Crinity | 2024.05 – 2026.01", 10.5, True),
        (40, 114, "Backend Engineer", 10, False),
        (50, 128, "- 데이터 집계 자동화로 주 15시간 절감", 10, False),
        (50, 142, "- 영업-운영팀 간 데이터 사일로 해소", 10, False),
        (40, 164, "Crinity | 2024.05 – 2026.01", 10.5, True),
        (50, 178, "- 사내 데이터 통합 플랫폼 개발 · 2025.07 – 2025.11", 10, False),
    ])
    data = read(pdf)
    assert jobs(data) == [("Crinity", "Backend Engineer", "2024-05..2026-01")]
    assert len(data["experience"][0]["achievements"]) == 3


def test_a_lone_achievement_before_the_next_dated_title_stays_an_achievement(tmp_path):
    # a job with one bullet, then the next job's dated title: the bullet is that job's
    # achievement, not the next job's title ("• Google | Mountain View, CA" over its dated
    # role is one)
    pdf = tmp_path / "lone_bullet.pdf"
    make(pdf, [
        (40, 40, "김민수", 18, True),
        (40, 80, "경력", 13, True),
        (40, 100, "카카오 | 2022.01 – 2024.12", 10.5, True),
        (40, 114, "Backend Engineer", 10, False),
        (50, 128, "- 데이터 집계 자동화로 주 15시간 절감", 10, False),
        (40, 150, "네이버 | 2019.03 – 2021.12", 10.5, True),
        (40, 164, "Data Engineer", 10, False),
        (50, 178, "- 로그 파이프라인 구축", 10, False),
        (50, 192, "- 배치 작업 재설계", 10, False),
    ])
    data = read(pdf)
    assert jobs(data) == [("카카오", "Backend Engineer", "2022-01..2024-12"), ("네이버", "Data Engineer", "2019-03..2021-12")]
    assert data["experience"][0]["achievements"] == ["데이터 집계 자동화로 주 15시간 절감"]


@pytest.mark.parametrize("text,norm", [("(2021.12.27. ~ 현재)", "2021-12..present"),
                                       ("2021.03.01. ~ 2021.08.31.", "2021-03..2021-08")])
def test_a_full_stop_after_the_start_date(text, norm):
    # Korean writes "2021.12.27." with a closing full stop; it is no part of the separator
    assert normalize_period(text) == norm


def test_certificates_two_a_row_with_dates_and_link_rows_under_them(tmp_path):
    # "정보처리기사 | 2024.06 | 빅데이터분석기사 | 2024.07": two certificates a row; "GITHUB |
    # github.com/kim" under the list is a link, no certificate
    pdf = tmp_path / "certs_grid.pdf"
    make(pdf, [
        (40, 40, "김민수", 18, True),
        (40, 80, "자격증", 13, True),
        (40, 100, "정보처리기사", 10, False), (200, 100, "2024.06", 10, False),
        (320, 100, "빅데이터분석기사", 10, False), (480, 100, "2024.07", 10, False),
        (40, 114, "SQLD", 10, False), (200, 114, "2023.07", 10, False),
        (320, 114, "OPIc IM1", 10, False), (480, 114, "2026.01", 10, False),
        (40, 134, "GITHUB", 10, False), (200, 134, "github.com/minsu-kim", 10, False),
    ])
    assert read(pdf)["certifications"] == ["정보처리기사", "빅데이터분석기사", "SQLD", "OPIc IM1"]
