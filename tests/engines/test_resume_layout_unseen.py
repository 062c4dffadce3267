"""Resume intake on the layouts of issue 21's third unseen set ("fresh2" in
bench/data/resume_corpus_manifest.json): each test draws, with PyMuPDF, the pattern a real
resume of that set uses (HTML-printed sidebars, LaTeX templates with icon fonts, Korean
job-site exports) and checks the rule that reads it."""

from __future__ import annotations

import pymupdf
import pytest

from core.resume.dates import normalize_period
from tests.engines.resume_pdf import CJK, ICON, jobs, make, read

@pytest.mark.parametrize("text,norm", [("since January 2016", "2016-01..present"),
                                       ("May-August 2016", "2016-05..2016-08"),
                                       ("June – July 2017", "2017-06..2017-07"),
                                       ("Sep. to Dec. 2019", "2019-09..2019-12")])
def test_periods_since_a_date_and_two_months_of_one_year(text, norm):
    assert normalize_period(text) == norm


def test_a_job_held_since_a_date_and_one_of_two_months(tmp_path):
    """best-resume-ever's oblique layout: "DEVELOPER  COMPANY A" over "since January 2016 ,
    <what was done>"; a LaTeX CV's "Company, City  Role  May-August 2016"."""
    pdf = tmp_path / "since.pdf"
    make(pdf, [
        (50, 50, "John Doe", 20, True),
        (50, 100, "EXPERIENCE", 14, True),
        (50, 122, "Developer - Company A", 11, True),
        (50, 136, "since January 2016 , Programming and watching cute cat videos.", 10, False),
        (50, 160, "Frontend Developer - Company B", 11, True),
        (50, 174, "January 2015 - December 2015 , Fulfillment of extremely important tasks.", 10, False),
        (50, 198, "Trainee - KPMG China", 11, True), (420, 198, "May-August 2016", 10, False),
        (50, 212, "Wrote VBA modules in Word to create custom toolbars with useful macros.", 10, False),
    ])
    assert jobs(read(pdf)) == [("Company A", "Developer", "2016-01..present"),
                               ("Company B", "Frontend Developer", "2015-01..2015-12"),
                               ("KPMG China", "Trainee", "2016-05..2016-08")]


def test_icon_font_glyphs_are_no_text(tmp_path):
    """A LaTeX sidebar with FontAwesome icons before each item and between the items of a row
    ("[icon] Terminal [icon] Inkscape [icon] Blender"): the glyphs ("&", "`", "0") are not part
    of any value, and the icons still separate the row's items."""
    pdf = tmp_path / "icons.pdf"
    make(pdf, [
        (50, 50, "Jan Kuester", 20, True),
        (50, 100, "SKILLS", 14, True),
        (50, 120, "0", 10, False, ICON), (62, 120, "Git", 10, False),
        (50, 134, "t", 10, False, ICON), (62, 134, "Blaze", 10, False),
        (50, 148, "&", 10, False, ICON), (62, 148, "Terminal", 10, False),
        (110, 148, "`", 10, False, ICON), (122, 148, "Inkscape", 10, False),
        (170, 148, "\"", 10, False, ICON), (182, 148, "Blender", 10, False),
        (50, 190, "EXPERIENCE", 14, True),
        (50, 210, "Software Engineer | Acme Corp", 11, True), (420, 210, "2019 - 2021", 10, False),
        (50, 224, "Built the billing service used by 2M customers.", 10, False),
    ])
    data = read(pdf)
    assert data["skills"] == ["Git", "Blaze", "Terminal", "Inkscape", "Blender"]
    assert jobs(data) == [("Acme Corp", "Software Engineer", "2019..2021")]


def test_a_centred_sidebar_beside_the_main_column_down_to_its_last_heading(tmp_path):
    """latexcv's sidebar template: the sidebar's headings and items centred on one axis, its
    last headings ("ACTIVITIES") beside the main column's last lines. Every row of the main
    column stays out of the sidebar and the other way round."""
    side = [(500, 60, "CONTACT", 12, False), (470, 78, "Bremen, Germany", 10, False),
            (468, 96, "info@example.com", 10, False), (485, 140, "FIELDS", 12, False),
            (458, 158, "Software Development", 10, False), (478, 176, "Consulting", 10, False),
            (460, 230, "TECHNOLOGIES", 12, False), (470, 248, "JavaScript", 10, False),
            (475, 266, "Meteor", 10, False), (480, 284, "Blaze", 10, False), (471, 302, "MongoDB", 10, False),
            (486, 320, "Git", 10, False), (488, 360, "TOOLS", 12, False),
            (456, 378, "Webstorm", 10, False), (476, 396, "Terminal", 10, False),
            (474, 436, "ACTIVITIES", 12, False)]
    main = [(40, 40, "JAN KUESTER RESUME", 24, False),
            (40, 120, "EXPERIENCE", 11, True),
            (40, 146, "Fullstack Javascript Engineer", 10, True), (250, 146, "University of Bremen, 2016/09 - now", 10, False),
            (50, 162, "Invent a realtime classroom management using Meteor and React", 10, False),
            (50, 178, "Design software architecture and leading development", 10, False),
            (40, 204, "Scientific Employee / Software Development", 10, True),
            (270, 204, "University of Bremen, 2012 - 2014", 10, False),
            (50, 220, "Invented a flexible assessment framework, targeting industrial trainees", 10, False),
            (50, 236, "Supervised software development lifecycle", 10, False),
            (40, 262, "Student Assistant / Programmer", 10, True), (260, 262, "otulea.uni-bremen.de, 2010 - 2011", 10, False),
            (50, 278, "Realized an online diagnosis platform for workforce literacy", 10, False),
            (50, 436, "Modeled software design, implemented various prototypes", 10, False),
            (40, 470, "EDUCATION", 11, True),
            (40, 496, "Master Studies Digital Media", 10, True), (250, 496, "University of Bremen, 2012 - 2015", 10, False),
            (50, 512, "Inter-cultural classes in English, covering special topics", 10, False)]
    pdf = tmp_path / "centred_sidebar.pdf"
    make(pdf, main + side)
    data = read(pdf)
    assert jobs(data) == [("University of Bremen", "Fullstack Javascript Engineer", "2016-09..present"),
                          ("University of Bremen", "Scientific Employee / Software Development", "2012..2014"),
                          ("otulea.uni-bremen.de", "Student Assistant / Programmer", "2010..2011")]
    assert data["skills"] == ["JavaScript", "Meteor", "Blaze", "MongoDB", "Git", "Webstorm", "Terminal"]


def test_certificates_with_their_issuer_under_them_in_smaller_type_or_behind_them(tmp_path):
    """A Korean sidebar: each certificate over its issuer and year in smaller type ("AICE
    Associate" / "KT · 2024"); a job-site export: the issuer behind the name on one row
    ("ATC자격시험 CAD 2급 한국ATC센터", "1종보통운전면허 경찰청(운전면허시험관리단)")."""
    pdf = tmp_path / "certs.pdf"
    make(pdf, [
        (40, 50, "서준호", 18, True, CJK),
        (40, 100, "Certificates", 11, True),
        (40, 122, "AICE Associate", 8.5, False), (40, 134, "KT · 2024", 7.5, False, CJK),
        (40, 156, "컴퓨터활용능력 1급", 8.5, False, CJK), (40, 168, "대한상공회의소", 7.5, False, CJK),
        (40, 190, "SQLD", 8.5, False), (40, 202, "한국데이터산업진흥원 · 2021", 7.5, False, CJK),
        (300, 100, "자격증", 11, True, CJK),
        (300, 122, "-", 8, False), (330, 122, "ATC자격시험 CAD 2급 한국ATC센터", 8, False, CJK),
        (300, 140, "-", 8, False), (330, 140, "1종보통운전면허 경찰청(운전면허시험관리단)", 8, False, CJK),
        (300, 158, "-", 8, False), (330, 158, "정보기술자격(ITQ) 한글엑셀(한셀) A등급 한국생산성본부", 8, False, CJK),
    ])
    assert sorted(read(pdf)["certifications"]) == sorted([
        "AICE Associate", "컴퓨터활용능력 1급", "SQLD", "ATC자격시험 CAD 2급", "1종보통운전면허",
        "정보기술자격(ITQ) 한글엑셀(한셀) A등급"])


def test_labelled_technology_rows_in_the_header_block_without_a_skills_section(tmp_path):
    """latexcv's classic template: "Status: / Fields: / Techs: / Activities:" rows beside the
    contact details, no skills section. The technology rows are the skills; the status,
    fields and activities rows are not."""
    pdf = tmp_path / "header_rows.pdf"
    make(pdf, [
        (40, 40, "JAN KUESTER RESUME", 22, False),
        (40, 80, "Status: M.Sc. Digital Media, Scientific Employee", 9, False), (470, 80, "Bremen, Germany", 9, False),
        (40, 94, "Fields: Software Engineering, Consulting, Scrum, Usability", 9, False),
        (470, 94, "www.example.com", 9, False),
        (40, 108, "Techs: Meteor, Javascript, Mongo, Bootstrap, Bash, Git, Webstorm", 9, False),
        (470, 108, "info@example.com", 9, False),
        (40, 122, "Activities: Global Game Jam, Open Source, Fitness", 9, False),
        (250, 160, "Experience", 14, False),
        (40, 186, "IT Consultant for IBM XPages and Notes Domino - We4IT GmbH Bremen", 10, True),
        (480, 186, "2014 - 2016", 10, False),
        (50, 202, "Realize projects in XPages and We4IT Aveedo, monitor project status", 9, False),
    ])
    data = read(pdf)
    assert data["skills"] == ["Meteor", "Javascript", "Mongo", "Bootstrap", "Bash", "Git", "Webstorm"]
    assert jobs(data) == [("We4IT GmbH Bremen", "IT Consultant for IBM XPages and Notes Domino", "2014..2016")]


def test_skills_headings_named_otherwise_and_a_label_naming_several_groups(tmp_path):
    """"Languages and Frameworks" (programming, not spoken languages) and "사용가능기술" head
    skills sections; "Infrastructures, Frameworks, and Software:" is one label before its list."""
    pdf = tmp_path / "skill_headings.pdf"
    make(pdf, [
        (50, 50, "Sizhe Yuen", 20, True),
        (50, 100, "Languages and Frameworks", 14, True),
        (50, 120, "Programming Languages", 10, True), (200, 120, "Java, Python, Haskell, Go", 10, False),
        (50, 134, "Tools and Frameworks", 10, True), (200, 134, "Linux, Git, pandas, Slurm", 10, False),
        (50, 170, "Skills", 14, True),
        (50, 190, "Infrastructures, Frameworks, and Software: Git/Mercurial, PyTorch, Figma", 10, False),
        (50, 230, "사용가능기술", 14, True, CJK),
        (50, 250, "• 분석툴: sklearn, Tensorflow, matlab", 10, False, CJK),
    ])
    assert read(pdf)["skills"] == ["Java", "Python", "Haskell", "Go", "Linux", "Git", "pandas", "Slurm",
                                   "Git/Mercurial", "PyTorch", "Figma", "sklearn", "Tensorflow", "matlab"]


def test_a_dated_entry_at_the_foot_of_the_page_is_no_page_footer(tmp_path):
    """AltaCV: the last school near the page's foot, its period right under it (after an icon
    that reads "Date:"): the period is the school's, not a footer date."""
    pdf = tmp_path / "foot.pdf"
    make(pdf, [
        (50, 50, "Marissa Mayer", 20, True),
        (50, 690, "EDUCATION", 14, True),
        (50, 712, "M.S. in Computer Science", 11, False), (50, 726, "Stanford University", 10, True),
        (50, 740, "Sept 1997 – June 1999", 9, False, CJK),
        (50, 768, "B.S. in Symbolic Systems", 11, False), (50, 782, "Stanford University", 10, True),
        (50, 796, "Sept 1993 – June 1997", 9, False, CJK),
    ])
    edu = [(e["school"], e["degree"], normalize_period(e["period"])) for e in read(pdf)["education"]]
    assert edu == [("Stanford University", "M.S. in Computer Science", "1997-09..1999-06"),
                   ("Stanford University", "B.S. in Symbolic Systems", "1993-09..1997-06")]


def test_a_company_named_in_camel_case_keeps_its_flush_right_period(tmp_path):
    """A company-first LaTeX resume: "eCloudValley Digital Technology" (bold) with its period
    flush right, the role under it. A name starting in lower case is no wrapped line: its period
    stays on its row and does not move up to the job above."""
    pdf = tmp_path / "camel.pdf"
    make(pdf, [
        (38, 40, "Hugo Lin", 18, True),
        (34, 90, "Internship Experience", 12, True),
        (38, 110, "Futurenest", 10.9, True), (420, 110, "December 2024 - January 2025", 10.9, False),
        (38, 125, "R&D Engineer", 9, False), (480, 125, "Taipei, Taiwan", 9, False),
        (45, 141, "- Shipped Django APIs (100% test coverage), containerized via AWS ECR.", 10, False),
        (38, 170, "eCloudValley Digital Technology", 10.9, True), (440, 170, "March 2024 - May 2024", 10.9, False),
        (38, 185, "Cloud Engineer", 9, False), (480, 185, "New Taipei, Taiwan", 9, False),
        (45, 201, "- Led a 5-member agile team to build a serverless AWS Bedrock solution.", 10, False),
        (38, 230, "PEGATRON Corporation", 10.9, True), (440, 230, "July 2023 - August 2023", 10.9, False),
        (38, 245, "AI Engineer", 9, False), (480, 245, "Taipei, Taiwan", 9, False),
        (45, 261, "- Developed and presented a Smart Manufacturing LLM POC to the CTO.", 10, False),
    ])
    assert jobs(read(pdf)) == [("Futurenest", "R&D Engineer", "2024-12..2025-01"),
                               ("eCloudValley Digital Technology", "Cloud Engineer", "2024-03..2024-05"),
                               ("PEGATRON Corporation", "AI Engineer", "2023-07..2023-08")]


def test_degrees_set_like_headings_and_schools_named_inside_a_comma_list(tmp_path):
    """best-resume-ever's side-bar layout: under EDUCATION each degree in capitals set like a
    heading ("MASTER OF ARTS"), then "Major in ..., University A, New York, USA." The degree
    is an entry's, not a group heading, and the school is the part that names one."""
    pdf = tmp_path / "degrees.pdf"
    make(pdf, [
        (250, 40, "JOHN DOE", 20, False),
        (250, 200, "EXPERIENCE", 14, False),
        (250, 222, "COMPANY A - Developer", 14.3, False), (250, 238, "since January 2016", 12, False),
        (250, 252, "Programming and watching cute cat videos.", 12, False),
        (250, 420, "EDUCATION", 14, False),
        (250, 450, "MASTER OF ARTS", 14.3, False),
        (250, 466, "Major in Hacking and Computer Penetration,", 12, False),
        (250, 480, "University A, New York, USA.", 12, False),
        (250, 502, "BACHELOR OF SCIENCE", 14.3, False),
        (250, 519, "Major in Engineering, University B, Los Angeles, USA.", 12, False),
        (250, 571, "SKILLS", 14, False),
        (250, 590, "https://github.com/johnyD", 12, False),
        (267, 610, "HTML5", 9.8, False), (330, 610, "CSS3", 9.8, False), (390, 610, "Docker", 9.8, False),
        (250, 630, "Also proficient in Adobe Photoshop and Illustrator, grew up bilingual (English and Klingon).", 9, False),
    ])
    data = read(pdf)
    assert [(e["school"], e["degree"]) for e in data["education"]] == [("University A", "Master of Arts"),
                                                                     ("University B", "Bachelor of Science")]
    assert jobs(data) == [("COMPANY A", "Developer", "2016-01..present")]
    assert data["skills"] == ["HTML5", "CSS3", "Docker", "Adobe Photoshop", "Illustrator"]


def test_employer_in_bold_then_role_in_italics_on_one_line(tmp_path):
    """A LaTeX CV: "\\textbf{Skyscanner, Edinburgh} \\textit{Software Engineering Intern}" with the
    period flush right: employer and role told apart only by their type."""
    pdf = tmp_path / "bold_italic.pdf"
    make(pdf, [
        (50, 50, "Sizhe Yuen", 20, True),
        (50, 100, "Work experience", 14, True),
        (50, 122, [("Skyscanner, Edinburgh", "hebo"), (" Software Engineering Intern", "heit")], 10, False),
        (420, 122, "June 2018-September 2019", 10, False),
        (50, 136, "Part of the data platform team which provided logging and alerting services.", 10, False),
        (50, 162, [("KPMG China, Hong Kong", "hebo"), (" Trainee", "heit")], 10, False),
        (440, 162, "May-August 2016", 10, False),
        (50, 176, "Wrote VBA modules in Word to create custom toolbars with useful macros.", 10, False),
    ])
    assert jobs(read(pdf)) == [("Skyscanner", "Software Engineering Intern", "2018-06..2019-09"),
                               ("KPMG China", "Trainee", "2016-05..2016-08")]


def test_korean_job_site_rows_employer_department_rank_and_a_course_with_its_institution(tmp_path):
    """A JobKorea export: "2021. 03 ~ 2023. 06 | 애드원 플랫폼 개발 사원" (employer, department and
    rank in one run) over a duty line ("... 개발 담당"); under 교육 "IOT 사물인터넷 개발자 양성
    과정 한국직업능력교육원" (the course, then the institution that ran it)."""
    pdf = tmp_path / "jobkorea.pdf"
    make(pdf, [
        (30, 40, "이정우", 17, False, CJK),
        (30, 100, "경력", 12.5, False, CJK),
        (52, 130, "2023. 12 ~ 2024. 06", 8, False), (144, 130, "(주)프라뱅 정보보호 담당자 사원", 8, False, CJK),
        (144, 150, "사용자 솔루션 보안 담당", 8, False, CJK),
        (52, 190, "2021. 03 ~ 2023. 06", 8, False), (144, 190, "애드원 플랫폼 개발 사원", 8, False, CJK),
        (144, 210, "자사 관리자 웹 프론트엔드 개발 담당", 8, False, CJK),
        (30, 260, "교육", 12.5, False, CJK),
        (52, 290, "2022. 03 ~ 2022. 09", 8, False), (144, 290, "IOT 사물인터넷 개발자 양성 과정 한국직업능력교육원", 8, False, CJK),
        (144, 310, "Ubuntu 환경에서 Mysql 데이터베이스 구축 및 Java / Spring 를 이용한 웹/앱 개발을 교육 받고,", 8, False, CJK),
    ])
    data = read(pdf)
    assert jobs(data) == [("(주)프라뱅", "정보보호 담당자 사원", "2023-12..2024-06"),
                          ("애드원", "플랫폼 개발 사원", "2021-03..2023-06")]
    assert [(e["school"], e["degree"]) for e in data["education"]] == [("한국직업능력교육원", "IOT 사물인터넷 개발자 양성 과정")]


def test_a_title_with_its_employer_in_brackets(tmp_path):
    """latexcv's rows template: "IT Consultant for IBM XPages and Notes Domino (We4IT GmbH Bremen)"
    with the period flush right; the employer is the bracket's, a season in brackets is no employer (nor part of the title)."""
    pdf = tmp_path / "brackets.pdf"
    make(pdf, [
        (40, 40, "Jan Kuester", 20, True),
        (40, 90, "Experience", 14, True),
        (40, 112, "IT Consultant for IBM XPages and Notes Domino (We4IT GmbH Bremen)", 10, True),
        (480, 112, "2014 - 2016", 10, False),
        (50, 128, "Realize projects in XPages and We4IT Aveedo, monitor project status", 9, False),
        (40, 152, "Student Assistant / Programmer (otulea.uni-bremen.de)", 10, True), (480, 152, "2010 - 2011", 10, False),
        (50, 168, "Realized an online diagnosis platform for workforce literacy development", 9, False),
        (40, 192, "Programmer Trainee (Summer) - New Modern Technology Ltd.", 10, True), (480, 192, "2017", 10, False),
        (50, 208, "Worked on a financial analysis system with J2EE and Hibernate", 9, False),
    ])
    assert jobs(read(pdf)) == [("We4IT GmbH Bremen", "IT Consultant for IBM XPages and Notes Domino", "2014..2016"),
                               ("otulea.uni-bremen.de", "Student Assistant / Programmer", "2010..2011"),
                               ("New Modern Technology Ltd.", "Programmer Trainee", "2017")]


def test_a_proficiency_list_that_goes_on_with_names_stays_a_list(tmp_path):
    """OpenResume's "Computer: Proficient in Windows and Mac OS, Microsoft Word, PowerPoint, and
    Excel": unlike a sentence whose first clause names skills, the list goes on after the comma."""
    pdf = tmp_path / "proficient.pdf"
    make(pdf, [
        (50, 50, "Laverne Lee", 20, True),
        (50, 100, "SKILLS", 14, True),
        (50, 120, "Computer: Proficient in Windows and Mac OS, Microsoft Word, PowerPoint, and Excel", 10, False),
        (50, 134, "Social Media: Facebook, Twitter, Instagram", 10, False),
    ])
    assert read(pdf)["skills"] == ["Windows", "Mac OS", "Microsoft Word", "PowerPoint", "Excel",
                                   "Facebook", "Twitter", "Instagram"]


def test_two_columns_the_left_one_set_flush_right_against_the_gutter(tmp_path):
    """best-resume-ever's left-right layout: the left column (experience, contact) set flush
    right against the gutter, the right one (education, skills) flush left from it, their
    headings side by side. Each column is read on its own."""
    def right_at(x1, y, text, size, bold=False):
        return (x1 - pymupdf.get_text_length(text, fontname="hebo" if bold else "helv", fontsize=size),
                y, text, size, bold)
    left = [right_at(286, 300, "Experience", 17.6, True), right_at(286, 330, "Company A", 15, True),
            right_at(286, 350, "Developer", 15), right_at(286, 370, "since January 2016", 15),
            right_at(286, 390, "Programming and watching cute cat videos.", 11),
            right_at(286, 420, "Company B", 15, True), right_at(286, 440, "Frontend Developer", 15),
            right_at(286, 460, "January 2015 - December 2015", 15),
            right_at(286, 480, "Fulfillment of extremely important tasks.", 11),
            right_at(286, 520, "Contact", 17.6, True), right_at(286, 545, "john.doe@email.com", 15),
            right_at(286, 565, "1234 Broadway", 15)]
    right = [(310, 300, "Education", 17.6, True), (310, 330, "Master of Arts", 15, True),
             (310, 350, "Major in Hacking, University A,", 15, False), (310, 368, "New York, USA.", 15, False),
             (310, 400, "Bachelor of Science", 15, True),
             (310, 420, "Major in Engineering, University B,", 15, False), (310, 438, "Los Angeles, USA.", 15, False),
             (310, 480, "Skills", 17.6, True), (310, 505, "HTML5", 15, False), (310, 525, "CSS3", 15, False),
             (310, 545, "JavaScript", 15, False), (310, 565, "Docker", 15, False)]
    pdf = tmp_path / "left_right.pdf"
    make(pdf, [(200, 60, "JOHN DOE", 26, True)] + left + right)
    data = read(pdf)
    assert jobs(data) == [("Company A", "Developer", "2016-01..present"),
                          ("Company B", "Frontend Developer", "2015-01..2015-12")]
    assert [(e["school"], e["degree"]) for e in data["education"]] == [("University A", "Master of Arts"),
                                                                     ("University B", "Bachelor of Science")]
    assert data["skills"] == ["HTML5", "CSS3", "JavaScript", "Docker"]


def test_a_table_of_courses_without_school_words_under_education(tmp_path):
    """A Korean 표 resume: under 교육 a "기간 | 교육 과정 | 배운 것 | 회고" table whose rows name
    bootcamps without any school word ("42 Seoul - 피신", "멋쟁이 사자처럼 - 스타트업 스쿨")."""
    rows = [("기간", "교육 과정", "배운 것", "회고"),
            ("2022 08", "42 Seoul - 피신", "Shell, C", "링크"),
            ("2021 09 - 11", "멋쟁이 사자처럼 - 스타트업 스쿨", "Django, Dart", "링크"),
            ("2020 07 - 10", "구공팩토리 - 웹 개발", "Web, Js", "")]
    items = [(125, 40, "김개발", 18, True, CJK), (125, 80, "교육", 13.8, True, CJK)]
    for i, row in enumerate(rows):
        for x, cell in zip((133, 205, 330, 430), row):
            if cell:
                items.append((x, 110 + 20 * i, cell, 8.1, False))
    items += [(131, 200, "1. 42에서의 경험", 8.1, False, CJK),
              (142, 220, "쉘 환경에서 파일 권한 관리, 검색, 스크립트를 이용해 문자열을 가공하는 것 등에 익숙해졌습니다.", 8.1, False, CJK)]
    pdf = tmp_path / "course_table.pdf"
    make(pdf, items)
    edu = [(e["school"], normalize_period(e["period"])) for e in read(pdf)["education"]]
    assert edu == [("42 Seoul", "2022-08"), ("멋쟁이 사자처럼", "2021-09..2021-11"), ("구공팩토리", "2020-07..2020-10")]


def test_the_documents_date_and_the_candidates_name_are_no_job(tmp_path):
    """A Notion export: "경력기술서" as the page title, then "김형률 | updated: @March 21, 2022"
    above the first employer: the date is the file's, the name the candidate's."""
    pdf = tmp_path / "updated.pdf"
    make(pdf, [
        (72, 90, "경력기술서", 24, False, CJK),
        (72, 148, "김형률", 14.4, False, CJK), (307, 148, "updated:", 14.4, False), (364, 148, "@March 21, 2022", 14.4, False),
        (72, 182, "HYPERCONNECT", 12, True), (72, 202, "정규직, 서울, 대한민국 – 2019.11 ~ 현재", 9.6, False, CJK),
        (86, 230, "VPaaS Dev Team Backend Engineer 2021.08 ~ 현재", 12, True),
        (89, 262, "VPaaS 플랫폼 api 를 편하게 사용하기 위한 client sdk 제작 및 배포.", 9.6, False, CJK),
    ])
    data = read(pdf)
    assert data["name"] == "김형률"
    assert all(v not in ("김형률", "March 21", "updated") for e in data["experience"] for v in (e["company"], e["role"]))
    assert all(normalize_period(e["period"]) != "2022-03" for e in data["experience"])


def test_an_english_table_head_row_is_no_job(tmp_path):
    """krapjost's English table: "Company | Part | Tech stack" over "2021 01 - 08 | Namu software |
    Web Frontend | Js/React, Go + Docker + AWS": the head row's cells are no role."""
    items = [(125, 40, "Krap Jost", 18, True), (125, 100, "Experiences", 13.8, True), (125, 130, "Work", 10.4, True)]
    for x, cell in ((198, "Company"), (270, "Part"), (340, "Tech stack")):
        items.append((x, 160, cell, 8.1, False))
    for x, cell in ((133, "2021 01 - 08"), (198, "Namu software"), (270, "Web Frontend"), (340, "Js/React, Go + Docker + AWS")):
        items.append((x, 180, cell, 8.1, False))
    items.append((142, 210, "I was responsible for web front-end development for a cloud storage company.", 8.1, False))
    pdf = tmp_path / "en_table.pdf"
    make(pdf, items)
    assert jobs(read(pdf)) == [("Namu software", "Web Frontend", "2021-01..2021-08")]


def test_graduated_as_a_degree_keeps_no_as(tmp_path):
    """latexcv's classic template: "Graduated as M.Sc. Digital Media - University of Bremen  2015 / 07"."""
    pdf = tmp_path / "graduated.pdf"
    make(pdf, [
        (40, 40, "Jan Kuester", 20, True),
        (40, 90, "Education", 14, True),
        (40, 112, "Graduated as M.Sc. Digital Media - University of Bremen", 10, True), (480, 112, "2015 / 07", 10, False),
        (50, 128, "Master Thesis: Semi Automated Scoring in Technology Based Assessment", 9, False),
    ])
    edu = [(e["school"], e["degree"], normalize_period(e["period"])) for e in read(pdf)["education"]]
    assert edu == [("University of Bremen", "M.Sc. Digital Media", "2015-07")]


def test_a_title_in_another_weight_after_a_smaller_period_line_starts_the_next_job(tmp_path):
    """best-resume-ever's oblique layout: "DEVELOPER | COMPANY A" titles (one of them bold), each
    over "<period> , <what was done>" set smaller, no achievements under them."""
    pdf = tmp_path / "oblique.pdf"
    make(pdf, [
        (89, 60, "JOHN DOE", 24, True),
        (89, 300, "EXPERIENCE", 16.5, True),
        (89, 330, "FRONTEND DEVELOPER", 13.5, False), (320, 330, "COMPANY B", 13.5, False),
        (89, 346, "January 2015 - December 2015 , Fulfillment of extremely important tasks.", 12, False),
        (89, 368, "TRAINEE", 13.5, True), (180, 368, "COMPANY C", 13.5, True),
        (89, 384, "March 2014 - December 2014 , Making coffee and baking cookies.", 12, False),
        (89, 420, "EDUCATION", 16.5, True),
        (89, 446, "MASTER OF ARTS", 15, False),
        (89, 462, "Major in Hacking and Computer Penetration, University A, New York, USA.", 12, False),
    ])
    assert jobs(read(pdf)) == [("COMPANY B", "Frontend Developer", "2015-01..2015-12"),
                               ("COMPANY C", "Trainee", "2014-03..2014-12")]


def test_two_equal_columns_with_their_headings_side_by_side_in_body_type(tmp_path):
    """latexcv's two_column template: "Education" and "Experience" (bold, body size) side by side,
    each column's entries "2015 / 07 - University of Bremen" over a bold title, rows lining up
    across the gutter. The columns are read one after the other, not as one table."""
    left = [(43, 274, "Education", 10, True)]
    right = [(305, 274, "Experience", 10, True)]
    edu = [("2015 / 07 - University of Bremen", "Graduated as M.Sc. Digital Media", "Master Thesis: Semi Automated Scoring"),
           ("2012 - 2015 - University of Bremen", "Master Studies Digital Media", "Inter-cultural classes in English"),
           ("2009 - 2010 - University of Melbourne", "Semester Abroad", "Mastered six months of study abroad")]
    exp = [("2016 / 09 - University of Bremen", "Fullstack Javascript Engineer", "Invent a realtime classroom management"),
           ("2014 - 2016 - We4IT GmbH Bremen", "IT Consultant for IBM XPages", "Realize projects in XPages and Aveedo"),
           ("2010 - 2011 - otulea.uni-bremen.de", "Student Assistant / Programmer", "Realized an online diagnosis platform")]
    for i, (e, x) in enumerate(zip(edu, exp)):
        y = 314 + 60 * i
        left += [(43, y, e[0], 10, False), (43, y + 12, e[1], 10, True), (61, y + 32, e[2], 10, False)]
        right += [(305, y, x[0], 10, False), (305, y + 12, x[1], 10, True), (323, y + 32, x[2], 10, False)]
    pdf = tmp_path / "two_equal.pdf"
    make(pdf, [(46, 60, "JAN KUESTER", 28, False)] + left + right)
    data = read(pdf)
    assert jobs(data) == [("University of Bremen", "Fullstack Javascript Engineer", "2016-09"),
                          ("We4IT GmbH Bremen", "IT Consultant for IBM XPages", "2014..2016"),
                          ("otulea.uni-bremen.de", "Student Assistant / Programmer", "2010..2011")]
    assert [(e["school"], normalize_period(e["period"])) for e in data["education"]] == [
        ("University of Bremen", "2015-07"), ("University of Bremen", "2012..2015"), ("University of Melbourne", "2009..2010")]


def test_a_technology_label_set_apart_from_its_list(tmp_path):
    """latexcv's rows template: "Stack:" and "Tools:" right-aligned in a label column, their lists
    well apart from them, no skills section."""
    pdf = tmp_path / "label_apart.pdf"
    make(pdf, [
        (40, 40, "JAN KUESTER RESUME", 22, False),
        (120, 90, "Status:", 10, False), (200, 90, "PhD student, M.Sc. Digital Media", 10, False),
        (126, 110, "Stack:", 10, False), (200, 110, "Meteor, Mongo, React, Bootstrap, Mocha", 10, False),
        (128, 130, "Tools:", 10, False), (200, 130, "Git, Sourcetree, Travis, Webstorm", 10, False),
        (40, 180, "Experience", 14, True),
        (40, 202, "Fullstack Javascript Engineer (University of Bremen)", 10, True), (480, 202, "2016 - now", 10, False),
        (50, 218, "Invent a realtime classroom management using Meteor and React", 9, False),
    ])
    assert read(pdf)["skills"] == ["Meteor", "Mongo", "React", "Bootstrap", "Mocha", "Git", "Sourcetree", "Travis",
                                   "Webstorm"]


def test_section_headings_turned_in_the_right_margin(tmp_path):
    """LaTeX "rows" templates set each section heading turned 90 degrees in the right margin,
    centred on its section: the heading opens the section level with it, so the schools under
    the second heading are education, not jobs (and the first job, above the heading's top,
    is still a job)."""
    entries = [
        (257, "Fullstack Javascript Engineer (University of Bremen)", "2016 - now"),
        (316, "IT Consultant (We4IT GmbH Bremen)", "2014 - 2016"),
        (375, "Scientific Employee / Software Development (University of Bremen)", "2012 - 2014"),
        (591, "Master Studies Digital Media (University of Bremen)", "2012 - 2015"),
        (650, "Semester Abroad (University of Melbourne)", "2009 - 2010"),
    ]
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((160, 50), "JAN KUESTER", fontname="helv", fontsize=28)
    page.insert_text((169, 120), "Consultant and Software Engineer, Bremen", fontname="helv", fontsize=10)
    for y, title, period in entries:
        page.insert_text((38, y), title, fontname="hebo", fontsize=10)
        page.insert_text((421, y), period, fontname="helv", fontsize=10)
        page.insert_text((48, y + 20), "Designed and built the software with a small team", fontname="helv",
                         fontsize=10)
    # turned up the page, each centred on its section's lines
    page.insert_text((535, 380), "EXPERIENCE", fontname="helv", fontsize=28, rotate=90)
    page.insert_text((535, 700), "EDUCATION", fontname="helv", fontsize=28, rotate=90)
    path = tmp_path / "rows.pdf"
    doc.save(str(path))
    doc.close()
    data = read(path)
    got = jobs(data)
    assert got == [
        ("University of Bremen", "Fullstack Javascript Engineer", normalize_period("2016 - now")),
        ("We4IT GmbH Bremen", "IT Consultant", normalize_period("2014 - 2016")),
        ("University of Bremen", "Scientific Employee / Software Development", normalize_period("2012 - 2014")),
    ]
    schools = [(e["school"], normalize_period(e["period"])) for e in data["education"]]
    assert [s for s, _ in schools] and all("University" in s for s, _ in schools)
    assert [p for _, p in schools] == [normalize_period("2012 - 2015"), normalize_period("2009 - 2010")]


def test_several_roles_as_bullets_under_one_employer_and_a_season_after_a_title(tmp_path):
    """One employer and one period over bullets each led by a title and a dash ("• MSc Mentor -
    Mentored ..."): a job per role. "Programmer Trainee (Summer)": the season is no part of the
    title. A list of achievements under a titled job stays that job's."""
    make(tmp_path / "cv.pdf", [
        (72, 60, "Sam Yuen", 20, True),
        (72, 100, "Work experience", 12, True),
        (72, 125, "University of Southampton", 10, True), (430, 125, "January 2020 - June 2022", 10, False),
        (87, 141, "• Software Engineering Group Supervisor - Led groups of second year students on the", 10, False),
        (97, 153, "software engineering group module lasting three months at a time.", 10, False),
        (87, 170, "• MSc Mentor - Mentored groups of masters students once a week.", 10, False),
        (87, 187, "• Lab Demonstrator - Demonstrated on modules for Java and Haskell.", 10, False),
        (72, 215, "New Modern Technology Ltd.", 10, True), (230, 215, "Programmer Trainee (Summer)", 10, True),
        (430, 215, "June 2017 - July 2017", 10, False),
        (72, 227, "Worked on a financial analysis system with J2EE, Hibernate and GWT.", 10, False),
        (72, 255, "Skyscanner", 10, True), (230, 255, "Software Engineering Intern", 10, True),
        (430, 255, "June 2018 - September 2019", 10, False),
        (87, 271, "• Data platform - built logging and alerting services for other teams.", 10, False),
        (87, 288, "• Monitoring - moved the alerting system to Bosun on AWS.", 10, False),
        (72, 320, "Education", 12, True),
        (72, 345, "University of St. Andrews", 10, True), (430, 345, "2014 - 2019", 10, False),
        (72, 357, "MSci (Hons) Computer Science", 10, False),
    ])
    data = read(tmp_path / "cv.pdf")
    got = jobs(data)
    soton = normalize_period("January 2020 - June 2022")
    assert got == [
        ("University of Southampton", "Software Engineering Group Supervisor", soton),
        ("University of Southampton", "MSc Mentor", soton),
        ("University of Southampton", "Lab Demonstrator", soton),
        ("New Modern Technology Ltd.", "Programmer Trainee", normalize_period("June 2017 - July 2017")),
        ("Skyscanner", "Software Engineering Intern", normalize_period("June 2018 - September 2019")),
    ]
    assert data["experience"][0]["achievements"][0].startswith("Led groups of second year students")
    assert len(data["experience"][4]["achievements"]) == 2


def test_a_korean_table_whose_cells_run_over_several_lines(tmp_path):
    """A Korean 표 resume: under bold column headings, each row's cells run over one to three
    lines, set level with the middle of the row (a period "2019.01 ~" over "2023.12", an
    organisation in two lines): each row is one job, its cells' lines joined."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_font(fontname=CJK, fontbuffer=pymupdf.Font("cjk").buffer)

    def put(x, y, text, bold=False, size=11):
        # bold: the built-in Korean font, renamed bold below (as a bold face arrives)
        page.insert_text((x, y), text, fontname="korea" if bold else CJK, fontsize=size)

    put(72, 60, "홍길동", True, 20)
    put(72, 100, "경력사항", True, 16)
    for x, head in ((44, "기간"), (144, "기관명"), (268, "교육명/대상"), (406, "구분"), (518, "시간")):
        put(x, 136, head, True)
    # row 1: three lines high; the period and the organisation in two lines each
    put(44, 178, "2019.01 ~"), put(44, 209, "2023.12")
    put(144, 190, "목포 및 전남 지역"), put(144, 217, "디지털배움터 지정기관")
    put(268, 178, "디지털배움터 교육 /"), put(268, 209, "어르신 및 디지털 취약계층")
    put(406, 193, "강사/슈퍼바이저"), put(518, 193, "500+")
    # row 2: one line in every cell
    put(44, 260, "2023.02 ~ 현재"), put(144, 260, "TMD교육그룹"), put(268, 260, "AI 코딩 교육")
    put(406, 260, "강사"), put(518, 260, "100+")
    # row 3: the course in two lines, the rest level with their middle
    put(44, 312, "2025.10"), put(144, 312, "강진군청"), put(268, 300, "ChatGPT 활용 교육 /")
    put(268, 325, "지역주민"), put(406, 312, "강사"), put(518, 312, "6")
    for xref, _, _, _, name, *_ in page.get_fonts():
        if name == "korea":
            descendant = int(doc.xref_get_key(xref, "DescendantFonts")[1].strip("[]").split()[0])
            for x in (xref, descendant):
                doc.xref_set_key(x, "BaseFont", "/Dotum-Bold")
    path = tmp_path / "table.pdf"
    doc.save(str(path))
    doc.close()
    data = read(path)
    got = jobs(data)
    assert got == [
        ("목포 및 전남 지역 디지털배움터 지정기관", "강사/슈퍼바이저", normalize_period("2019.01 ~ 2023.12")),
        ("TMD교육그룹", "강사", normalize_period("2023.02 ~ 현재")),
        ("강진군청", "강사", normalize_period("2025.10")),
    ]


def test_a_section_of_title_and_employer_in_brackets_reads_every_entry_so(tmp_path):
    """latexcv's rows template writes every job "Title (Employer)": once two entries read so by
    their role words, an entry whose title has none ("Project Management Simulation Training
    (Getoq Consulting)") is a title and its employer too."""
    pdf = tmp_path / "brackets_all.pdf"
    make(pdf, [
        (40, 40, "Jan Kuester", 20, True),
        (40, 90, "Experience", 14, True),
        (40, 112, "IT Consultant for IBM XPages (We4IT GmbH Bremen)", 10, True), (480, 112, "2014 - 2016", 10, False),
        (50, 128, "Realize projects in XPages, monitor project status", 9, False),
        (40, 152, "Project Management Simulation Training (Getoq Consulting)", 10, True),
        (480, 152, "2011", 10, False),
        (50, 168, "Performed a two-day project simulation from management perspective", 9, False),
        (40, 192, "Student Assistant / Programmer (otulea.uni-bremen.de)", 10, True), (480, 192, "2010", 10, False),
        (50, 208, "Realized an online diagnosis platform", 9, False),
    ])
    data = read(pdf)
    assert [(e["company"], e["role"]) for e in data["experience"]] == [
        ("We4IT GmbH Bremen", "IT Consultant for IBM XPages"),
        ("Getoq Consulting", "Project Management Simulation Training"),
        ("otulea.uni-bremen.de", "Student Assistant / Programmer"),
    ]


def test_a_long_course_name_in_an_education_table_and_an_hours_column(tmp_path):
    """A Korean education table "기간 | 교육명 | 구분 | 시간": a course named in eight words is
    still the row's name, and the hours cell ("24") is never a school."""
    make(tmp_path / "edu.pdf", [
        (52, 60, "홍길동", 20, True),
        (52, 100, "교육사항", 16, True),
        (52, 140, "2023.07", 11, False), (172, 140, "TMD 새싹 양성교육", 11, False),
        (422, 140, "수료", 11, False), (502, 140, "8", 11, False),
        (52, 182, "2025.09", 11, False), (172, 182, "디지털 플랫폼 활용 전남 관광 콘텐츠 제작 교육", 11, False),
        (422, 182, "수료", 11, False), (502, 182, "24", 11, False),
    ])
    data = read(tmp_path / "edu.pdf")
    assert [(e["school"], normalize_period(e["period"])) for e in data["education"]] == [
        ("TMD 새싹 양성교육", normalize_period("2023.07")),
        ("디지털 플랫폼 활용 전남 관광 콘텐츠 제작 교육", normalize_period("2025.09")),
    ]
