"""Turn a resume - a layout (lines with position and look) or plain text - into structured data.

Entry points: :func:`structure_resume` (``text``, and the reader's ``layout`` when it has one;
core.resume.store.parse_resume passes both), :func:`structure_layout`, :func:`resume_facts`
and :func:`fact_ok` (the planner's sanity check).

Pure functions: no I/O except reading the packaged company list once, no logging of the
text (it is personal data). Safe from any thread. The output is a JSON-ready dict
(``resumes.structured_data``)::

    {"language": "ko"|"en", "name": str|None, "summary": str,
     "sections": {section: [lines]},
     "experience": [{"company", "role", "period", "start", "end", "location",
                     "achievements": [..], "source": {"page", "line", "bbox"},
                     "confidence": 0..1, "uncertain": bool}],
     "education": [{"school", "degree", "period", "start", "end", "text", "source",
                    "confidence", "uncertain"}],
     "skills": [..], "projects": [{"name", "description", "tech": [..], "period", "role", "source",
                                   "confidence", "uncertain"}],
     "certifications": [..], "awards": [..], "languages": [..],
     "provenance": {"skills"|"certifications"|"awards"|"languages":
                    [{"page", "line", "bbox"(, "confidence", "uncertain")}, ..]},
     "uncertain": {"skills": [..], "certifications": [..]}}

``source``/``provenance`` say where a value was read (page from 1, line in the page's reading
order from 1, bounding box in PDF points) so a preview can highlight it. An entry or value
whose ``uncertain`` is true (confidence below :data:`UNCERTAIN_BELOW`) is shown but never
quoted by a question (:func:`resume_facts`) until the user confirms or corrects it
(core.resume.store.correct_field sets ``"confirmed"``); a corrected value always wins.
Values are cleaned before they are stored (:func:`clean_value`): no bullet, dash, middle dot
or separator around them, no issuer behind a certificate, no place, label or heading as a
company, role or skill.

How a page is read (see also core.resume.layout):

* Section headers are recognised by a bilingual vocabulary ("Professional Summary", "SKILLS &
  AWARDS", "언어능력", "자기소개서", ...) and by their look (short, capitals or bold and larger
  than the body text); a header the vocabulary does not know starts its own section
  (``sections["other:<header>"]``) instead of spilling into the previous one. Inside a cover
  letter (자기소개서) only a known resume section ends it.
* A line that continues the previous one (the previous filled its column, the gap is one
  line, same weight, no bullet) is joined to it: a wrapped bullet is one achievement.
* An entry starts at a title line (bold, larger, or carrying a date) after the previous
  entry's body. Dates are found in every common form (core.resume.dates).
* Company and role are told apart by evidence - role words and seniority, the companies of
  resources/companies.json, legal suffixes (Inc., ㈜, 주식회사), "at"/"@", locations - not by
  position; position decides only between parts with no evidence at all.

Everything is copied from the resume, so a question planner may quote it without inventing
facts; :func:`resume_facts` passes on only values that survive a sanity check.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Callable, Iterable

from core.bank import load_companies
from core.resume.dates import find_period, is_date_only, normalize_period, split_period
from core.resume.layout import LayoutLine, LayoutPage, document_lines, is_duration, lines_from_text

# Section header words (lower-case, letters only) -> canonical section.
_HEADERS: dict[str, tuple[str, ...]] = {
    "experience": ("경력", "경력사항", "경력기술", "경력기술서", "업무경력", "직무경력", "경험", "근무경력",
                   "경력및경험", "주요경력", "workexperience", "experience", "experiences",
                   "professionalexperience", "employment", "employmenthistory", "workhistory",
                   "career", "careerhistory", "relevantexperience", "volunteerexperience",
                   "internships", "internship", "workexperiences", "researchexperience",
                   "otherexperience", "otherworkexperience", "industryexperience", "teachingexperience",
                   "workandresearchexperience", "researchandworkexperience", "work", "workhistoryandexperience"),
    "education": ("학력", "학력사항", "교육", "교육사항", "education", "academicbackground",
                  "educationalbackground", "academics", "educationandtraining"),
    "skills": ("기술스택", "기술", "보유기술", "스킬", "나의스킬", "보유스킬", "기술및역량", "역량", "핵심역량", "보유역량",
               "competencies", "skills", "technicalskills", "techstack", "technologies", "skillset",
               "coreskills", "corecompetencies", "skillsandtools", "tools", "expertise",
               "technicalexpertise", "keyskills", "capabilities", "corecapabilities", "computerskills",
               "itskills", "컴퓨터기술", "컴퓨터활용능력", "컴퓨터활용",
               "keycapabilities", "technicalcapabilities", "strengths", "keystrengths",
               "주요기술", "주요기술스택", "사용기술", "기술역량", "사용가능기술", "사용가능한기술", "활용가능기술",
               "languagesandframeworks", "languagesandtools", "languagesframeworks", "programminglanguages",
               "programmingskills", "frameworksandtools", "toolsandtechnologies", "technicalskillsandtools"),
    "projects": ("프로젝트", "프로젝트경험", "주요프로젝트", "프로젝트경력", "projects", "project",
                 "personalprojects", "keyprojects", "sideprojects", "selectedprojects",
                 "academicprojects", "portfolio"),
    "certifications": ("자격증", "자격", "자격사항", "자격증및면허", "면허", "certifications",
                       "certificates", "licenses", "certification", "licensesandcertifications",
                       "certificationsandlicenses", "licensescertifications"),
    "awards": ("수상", "수상경력", "수상내역", "수상이력", "awards", "honors", "honorsandawards",
               "awardsandhonors", "achievements", "honours", "awardsandachievements"),
    "languages": ("어학", "어학능력", "외국어", "언어능력", "언어", "외국어능력", "어학및자격",
                  "languages", "languageskills", "language"),
    "summary": ("요약", "소개", "자기소개", "프로필", "개요", "summary", "profile", "about", "aboutme",
                "objective", "careerobjective", "professionalsummary", "careersummary",
                "summaryofqualifications", "personalstatement", "professionalprofile"),
    "activities": ("대외활동", "활동", "동아리", "activities", "extracurricular",
                   "extracurricularactivities", "volunteer", "volunteering", "leadership",
                   "oncampusinvolvement", "involvement", "campusinvolvement", "경험활동교육",
                   "경험활동", "활동경험", "대외활동경험"),
    "publications": ("논문", "publications", "papers", "research", "researchpublications"),
    "links": ("링크", "links", "포트폴리오및기타문서", "contact", "contacts", "연락처", "인적사항", "personalinformation",
              "personaldetails"),
    "interests": ("관심분야", "취미", "interests", "hobbies"),
    "references": ("references", "추천인"),
    "cover_letter": ("자기소개서", "자소서", "성장과정", "성격의장단점", "성격장단점", "지원동기",
                     "입사후포부", "입사후계획", "coverletter", "motivation"),
}
_HEADER_LOOKUP = {alias: sec for sec, aliases in _HEADERS.items() for alias in aliases}

_BULLET_RE = re.compile(r"^\s*(?:[-•·▪●◦*‣■□▶►➢✓✔◆◇❖➤→✦–↳○\x00]|\d{1,2}[.)](?!\d))\s*")
_HANGUL_RE = re.compile(r"[\uac00-\ud7a3]")
_LATIN_RE = re.compile(r"[A-Za-z]")
# field separators inside a title line; " - " only with spaces so "Front-End" stays whole
_SEP_RE = re.compile(r"\s*(?:\||•|·|\s[-–—:]\s|—|–|\t|,|;)\s*")
# field labels inside a title line ("Date: July 2012 – Ongoing  Location: Sunnyvale, CA")
_HEAD_LABEL_RE = re.compile(r"(?i)(?:^|(?<=[\s|]))(?:dates?|period|location|duration|기간|위치|근무지|소재지)\s*[:：]")
_AT_RE = re.compile(r"\s+(?:at|@)\s+|^@\s*|(?<=\S)@(?=\s)", re.I)

_KO_ROLE_WORD_RE = re.compile(r"(?:개발|엔지니어|담당|사원|팀장|인턴|연구원|매니저|디자이너|기획|운영|관리)$")
_ROLE_WORDS = {
    "engineer", "engineers", "developer", "manager", "scientist", "analyst", "intern", "internship",
    "lead", "designer", "architect", "consultant", "researcher", "assistant", "associate",
    "coordinator", "director", "officer", "specialist", "administrator", "technician", "coach",
    "volunteer", "member", "president", "vice", "founder", "co-founder", "cofounder", "owner",
    "head", "vp", "cto", "ceo", "cfo", "coo", "pm", "po", "sre", "devops", "programmer", "tester",
    "qa", "teacher", "tutor", "instructor", "professor", "lecturer", "fellow", "editor", "writer",
    "strategist", "representative", "advisor", "adviser", "trainee", "apprentice",
    "executive", "supervisor", "operator", "planner", "marketer",
    "accountant", "auditor", "recruiter", "chair", "captain", "ambassador", "maintainer",
    "creator", "contributor", "staff", "clerk", "agent", "partner", "principal", "expert",
    "student", "employee", "mentor", "demonstrator",
}
_SENIORITY = {"senior", "sr", "sr.", "junior", "jr", "jr.", "staff", "principal", "chief", "lead",
              "entry", "i", "ii", "iii", "iv", "associate", "head", "deputy", "assistant"}
_KO_ROLE = ("개발자", "엔지니어", "매니저", "연구원", "인턴", "팀장", "리드", "기획자", "디자이너",
            "분석가", "사원", "대리", "과장", "차장", "부장", "책임", "선임", "수석", "주임", "담당",
            "개발", "기획", "마케터", "컨설턴트", "대표", "이사", "실장", "파트장", "조교", "강사",
            "운영", "연구", "관리자", "리더", "멘토", "슈퍼바이저", "PM", "PO")
_COMPANY_WORDS = {
    "company", "co", "corp", "corporation", "inc", "incorporated", "llc", "ltd", "limited", "gmbh",
    "plc", "solutions", "technologies", "technology", "labs", "lab", "systems", "group",
    "organization", "organisation", "foundation", "university", "college", "institute", "agency",
    "bank", "studio", "studios", "software", "consulting", "partners", "holdings", "enterprises",
    "industries", "networks", "ventures", "capital", "media", "electronics", "motors", "games",
    "hospital", "center", "centre", "association", "society", "ministry", "department", "club",
    "school", "academy", "laboratory", "ymca", "ngo", "startup", "firm",
}
_LEGAL_RE = re.compile(r"^(?:inc|llc|ltd|co|corp|gmbh|plc|ag|s\.?a|b\.?v|pte|pvt)\.?$", re.I)
_KO_COMPANY_RE = re.compile(r"(?:\(주\)|주식회사|㈜|진흥원|공사|공단|은행|그룹|전자|증권|보험|카드|"
                            r"연구소|연구원|재단|협회|병원|대학교|랩스?|컴퍼니|코리아|테크|소프트|"
                            r"시스템즈?|네트웍스|엔터테인먼트|스튜디오|벤처스)")
_US_STATES = set("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE "
                 "NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC".split())
_LOCATIONS = {
    "usa", "us", "u.s.", "u.s.a.", "united states", "uk", "united kingdom", "india", "canada",
    "korea", "south korea", "republic of korea", "japan", "china", "germany", "france",
    "singapore", "australia", "remote", "hybrid", "on-site", "onsite", "new york", "nyc",
    "san francisco", "seattle", "london", "berlin", "paris", "tokyo", "seoul", "busan", "boston",
    "los angeles", "chicago", "austin", "bay area", "silicon valley", "new delhi", "delhi",
    "bangalore", "bengaluru", "mumbai", "toronto", "vancouver", "sydney", "beijing", "shanghai",
    "mountain view", "menlo park", "cupertino", "palo alto", "sunnyvale", "san jose", "redmond",
    "cambridge", "pasadena", "san diego", "los gatos", "berkeley", "stanford", "anywhere",
    "türkiye", "turkey", "spain", "italy", "netherlands", "sweden", "switzerland", "israel",
    "brazil", "mexico", "vietnam", "indonesia", "taiwan", "hong kong", "ireland", "poland",
    "europe", "asia", "emea", "apac", "worldwide", "uae", "dubai", "istanbul", "amsterdam",
    "america", "north america", "south america", "latin america", "california", "texas", "washington",
    "massachusetts", "illinois", "florida", "virginia", "colorado", "georgia", "oregon", "new jersey",
    "pennsylvania", "north carolina", "michigan", "ohio", "arizona", "utah", "minnesota", "maryland",
    "edinburgh", "manchester", "munich", "bremen", "hamburg", "zurich", "melbourne", "taipei", "new taipei",
    "hsinchu", "osaka", "kyoto", "pangyo",
    "서울", "서울시", "서울특별시", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기", "경기도",
    "판교", "성남", "수원", "분당", "제주", "강원", "충북", "충남", "전북", "전남", "경북", "경남", "재택",
}
_DEGREE_RE = re.compile(
    r"\b(?:bachelor|master|masters|doctor|doctorate|ph\.?\s?d|mba|b\.?\s?tech|m\.?\s?tech|b\.?\s?eng|"
    r"m\.?\s?eng|b\.?\s?sc?|m\.?\s?sc?|b\.?\s?a|m\.?\s?a|bba|associate(?:'s)?|diploma|certificate|"
    r"high school diploma|a\.?\s?a|a\.?\s?s|b\.?\s?f\.?\s?a|m\.?\s?f\.?\s?a|j\.?\s?d|m\.?\s?d)\b\.?"
    r"|(?:학사|석사|박사|전문학사|수료|졸업|재학|휴학|중퇴)", re.I)
_SCHOOL_RE = re.compile(r"universit|college|institute|school|academy|polytechnic|conservatory|"
                        r"coursera|udacity|udemy|edx|bootcamp|boot camp|부트캠프|아카데미|교육원|학원|캠퍼스|"
                        r"대학교|대학원|대학|학교|고등학교|과학기술원|KAIST|POSTECH", re.I)
_FIELD_RE = re.compile(r"\b(?:science|sciences|engineering|studies|administration|business|arts|"
                       r"mathematics|math|statistics|economics|physics|chemistry|biology|design|"
                       r"management|finance|marketing|psychology|law|medicine|education|major|minor|"
                       r"specialization|concentration|focus|honors|track)\b|학과|학부|전공|공학|계열|인문계|자연계",
                       re.I)
_TABLE_HEAD_RE = re.compile(r"자격증명|발급기관|취득일|시행처|취득일자|issuer|issued by|date earned|근무기간|재직기간|회사명|"
                            r"직위|직급|담당업무|학교명|졸업여부|전공명|기간\s*\||"
                            r"(?:^|\|)\s*(?:전공|기간|학위|구분|교육\s*과정|과정명|교육명|기관명|회사|담당|비고|회고|"
                            r"company|part|position|tech\s*stack|course|period)\s*(?=\||$)",
                            re.I)  # a cell of its own
_EDU_LABEL_RE = re.compile(r"^(?:relevant\s+)?(?:course\s*work|courses|thesis|advisor|supervisor|honou?rs|awards|"
                           r"activities|minor|major|gpa|dean|exchange|study abroad|이수과목|논문)\b", re.I)
_GPA_RE = re.compile(r"\b(?:gpa|cgpa|grade|학점)\b|\d\.\d+\s*/\s*\d", re.I)
_SKILL_LABEL_RE = re.compile(r"^\s*([^:：]{1,30})[:：]\s*(?:\|\s*)?")
# a label naming several groups: "Infrastructures, Frameworks, and Software:" (capitalised words,
# commas, an "and"), a list after it
_LABEL_WORDS = r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}"  # title-case words, no acronyms ("SPI") or versions
_LABEL_LIST_RE = re.compile(rf"^\s*({_LABEL_WORDS}(?:\s*,\s*(?:and\s+|&\s+)?{_LABEL_WORDS}){{1,3}}|"
                            rf"{_LABEL_WORDS}\s+(?:and|&)\s+{_LABEL_WORDS})\s*[:：]\s*(?=\S+.*,)")
_SKILL_LEAD_RE = re.compile(r"^(?:(?:also\s+|highly\s+)?proficient\s+(?:in|with)|fluent\s+in|experienced?\s+"
                            r"(?:in|with)|familiar\s+with|knowledge\s+of|basic\s+knowledge\s+of|"
                            r"skilled\s+in|and|or|&)\s+", re.I)
_PROFICIENT_RE = re.compile(r"(?i)^(?:also\s+)?(?:highly\s+|very\s+)?(?:proficient|skilled|experienced|fluent)\s+"
                            r"(?:in|with)\s+([^,.;:()]{2,60})")
_PROJECT_LABEL_RE = re.compile(r"^(?:(?:personal|side|academic|team|group|capstone|course|school|"
                               r"open[- ]source|research)\s+)?project\s*[:：]\s*", re.I)
_TECH_LABEL_RE = re.compile(r"^(?:tech(?:nologies|\s*stack)?|stack|tools|built\s+with|사용\s*기술|"
                            r"기술\s*스택|기술|개발\s*환경)\s*[:：]\s*", re.I)
_SENTENCE_END_RE = re.compile(r"(?:[.!?]|습니다|니다|했음|함|됨)\s*$")


@lru_cache(maxsize=1)
def known_companies() -> frozenset[str]:
    """Lower-cased company names from resources/companies.json (both languages, with the
    parts of "토스(비바리퍼블리카)" as names of their own)."""
    names: set[str] = set()
    for c in load_companies():
        for lang in ("ko", "en"):
            name = c.company_name.get(lang) or ""
            names.add(name.lower())
            names.update(p.strip().lower() for p in re.split(r"[()]", name) if p.strip())
    return frozenset(n for n in names if n)


def detect_language(text: str) -> str:
    """"ko" when Hangul makes up at least 30% of the letters, else "en"."""
    hangul = len(_HANGUL_RE.findall(text))
    latin = len(_LATIN_RE.findall(text))
    total = hangul + latin
    if total == 0:
        return "en"
    # Korean resumes are full of English tech words, so a modest Hangul share already means ko
    return "ko" if hangul / total >= 0.3 else "en"


# ------------------------------------------------------------------------------ headers
def _key(text: str) -> str:
    key = re.sub(r"[^0-9a-z\uac00-\ud7a3]+", "", text.lower())
    return re.sub(r"^\d+", "", key)


# a heading's caption of how long in total: "경력 총 2년 11개월", "Experience 7 years", "Career (total 5 yrs)"
_TOTAL_RE = re.compile(r"(?i)\s*[(\[]?\s*(?:총|total|약|about|approx\.?|만)?\s*(?:\d+\s*(?:년|years?|yrs?)\+?"
                       r"(?:\s*\d+\s*(?:개월|months?|mos?))?|\d+\s*(?:개월|months?))\s*[)\]]?\s*$")


def _vocab_section(text: str) -> str | None:
    """The section a header names, also for "SKILLS & AWARDS" (the first part decides)."""
    s = text.strip()
    if not s or len(s) > 45 or find_period(s):
        return None
    s = re.sub(r"^(?:\d+[.)]|[IVX]+\.)\s*", "", s)
    if s.rstrip().endswith(":") is False and ":" in s:
        return None
    sec = (_HEADER_LOOKUP.get(_key(s)) or _HEADER_LOOKUP.get(_key(re.sub(r"[(\[].*?[)\]]", "", s)))
           or _HEADER_LOOKUP.get(_key(_TOTAL_RE.sub("", s))))
    if sec:
        return sec  # also "경력 (총 3년 2개월)", "Work Experience (5 years)"
    words = s.split()
    for n in (1, 2, 3):
        rest = " ".join(words[n:])
        if (len(words) > n and _HEADER_LOOKUP.get(_key(" ".join(words[:n])))
                and re.fullmatch(r"[A-Z0-9&/,·\s-]{3,}", rest)):
            return _HEADER_LOOKUP[_key(" ".join(words[:n]))]  # "Experience ROLES & OWNERSHIP": a caption beside it
    parts = [p for p in re.split(r"\s*(?:&|/|,|\band\b|및|·)\s*", s, flags=re.I) if p.strip()]
    if len(parts) > 1 and not role_score(s):  # "Project & Lab Manager" is a role, not "Projects"
        for p in parts:
            sec = _HEADER_LOOKUP.get(_key(p))
            if sec:
                return sec
    return None


def _header_form(ln: LayoutLine) -> bool:
    """Short, no sentence, no separators, no date: the shape of a header line."""
    t = ln.text.strip().rstrip(":：")
    if not ln.geometric or not t or len(t) > 40 or len(t.split()) > 5:
        return False
    return not (re.search(r"[|,;•—–@]|\s-\s|\d{2,}", t) or find_period(t) or _SENTENCE_END_RE.search(t))


def _looks_like_header(ln: LayoutLine, body: float) -> bool:
    """A header by its look alone: the form of a header (:func:`_header_form`), and capitals
    in a bold or larger font, or clearly larger and bold."""
    if not _header_form(ln):
        return False
    t = ln.text.strip().rstrip(":：")
    latin = [c for c in t if c.isascii() and c.isalpha()]
    caps = bool(latin) and sum(c.isupper() for c in latin) >= 0.8 * len(latin) and len(latin) >= 3
    bigger = ln.size >= 1.1 * body
    # "SQLD", "AWS" in a list are acronyms, not headers: a lone capital word needs weight or length
    if caps and (ln.bold or (bigger and (len(t.split()) > 1 or len(latin) >= 6))):
        return True
    return ln.bold and ln.size >= 1.25 * body


def _stands_out(ln: LayoutLine, body: float, body_color: int | None) -> bool:
    t = ln.text.strip()
    latin = [c for c in t if c.isascii() and c.isalpha()]
    caps = bool(latin) and sum(c.isupper() for c in latin) >= 0.8 * len(latin)
    return (ln.bold or caps or ln.size >= 1.08 * body
            or (body_color is not None and ln.color is not None and ln.color != body_color))


def _body_size(lines: Iterable[LayoutLine]) -> float:
    c: Counter[float] = Counter()
    for ln in lines:
        c[round(ln.size * 2) / 2] += len(ln.text)
    return c.most_common(1)[0][0] if c else 10.0


# ------------------------------------------------------------------------- line joining
def _bullet(text: str) -> tuple[bool, str]:
    m = _BULLET_RE.match(text)
    if m and not re.match(r"^\s*\d+[.)]\d", text) and text[m.end():].strip():
        return True, text[m.end():].strip()
    return False, text.strip()


def _continues(prev: LayoutLine, ln: LayoutLine) -> bool:
    """Whether ``ln`` is the wrapped rest of ``prev`` (see the module docstring)."""
    if not (prev.geometric and ln.geometric) or prev.page != ln.page:
        return False
    if _bullet(ln.text)[0] or prev.bold != ln.bold or ln.size > prev.size * 1.06:
        return False
    dy = ln.y0 - prev.y0
    if not 0 < dy <= 1.9 * max(prev.size, ln.size):
        return False
    if ln.x0 < prev.x0 - 2 or ln.x0 > prev.x0 + 40:
        return False
    col = prev.column or (prev.x0, prev.x1)
    width = max(col[1] - col[0], 1.0)
    first_word = ln.text.split(" ", 1)[0]
    fits = prev.x1 + _text_width(" " + first_word, ln.size) < col[1] - 1.0
    if prev.x1 < col[1] - max(0.12 * width, 2.5 * prev.size) and (fits or prev.x1 - col[0] < 0.6 * width):
        return False  # the previous line ended early though the next word would have fitted
    first = find_period(ln.text)
    if is_date_only(ln.text) or (first is not None and first.start() == 0):
        return False  # "May 2014 | Ithaca, NY", "2020 Certified Kubernetes ...": a line of its own
    if prev.text.rstrip().endswith((":", "：")) or (
            ln.text.rstrip().endswith((":", "：")) and len(ln.text.split()) <= 4):
        return False  # "Over 1000 lines:" / "C • C++ • CSS": a label, then its list; never a wrap
    if prev.text.count(" | ") >= 2 and ln.text.count(" | ") >= 2 and _table_head(prev.text):
        # "학교명 | 전공 | 기간" / "서울대학교 | 컴퓨터공학과 | 2016.03 ~": a table's header row,
        # then its first row (a row of wrapped cells does go on in the next)
        return False
    if _row_label(prev.text) and _row_label(ln.text):
        return False  # "Languages: Go, Rust" / "Data: SQL, Redis": labelled rows, each its own list
    caps = [c for c in prev.text if c.isascii() and c.isalpha()]
    if len(caps) >= 4 and all(c.isupper() for c in caps) and any(c.islower() for c in ln.text if c.isascii()):
        return False  # "COMPUTER LANGUAGE" over "C, C++, Rust": a label in capitals, then its list
    pieces = prev.text.split(" | ")
    if (len(pieces) >= 2 and all(len(p.split()) <= 4 for p in pieces) and len(ln.text.split()) <= 4
            and not find_period(prev.text)):
        return False  # "Hard-working | Persuasive" / "Motivator & Leader": rows of a grid of tags
    head, bar, tail = prev.text.rpartition(" | ")
    if bar and is_date_only(tail) and not head.rstrip().endswith((",", "-")):
        return False  # "Role | Jan 2023 - Present": the row is full because of its dates
    m = find_period(prev.text, single=False)
    if m and len(prev.text) - m.end() <= 2 and not prev.text.rstrip().endswith((",", "-", "–")):
        return False  # "Role : Company : Jan 2026 - Present": a title line ends with its period
    if m and m.start() <= 1 and not _bullet(prev.text)[0]:
        return False  # "2021 – 2023 (18 months) – Acme – Engineer": a title line starts with its period
    if (re.search(r"[,•·]", prev.text) and re.search(r"[,•·]", ln.text)
            and len(prev.text.split()) <= 8 and len(ln.text.split()) <= 8
            and prev.x1 < col[1] - 2 * prev.size
            and not prev.text.rstrip().endswith((",", "&", " and", " or", "-"))):
        return False  # "Rust, Go, C++" / "Docker, Terraform": the next row of a list, not its wrap
    if (re.search(r"\S\s[•·]\s\S", prev.text) and re.search(r"\S\s[•·]\s\S", ln.text)
            and not re.search(r"[•·,&-]$", prev.text.rstrip()) and not re.match(r"^[•·,&]", ln.text)):
        return False  # "Java • Shell • Python" / "OCaml • Matlab": rows of a dotted list in a narrow column
    if find_period(ln.text, single=False) and not prev.text.rstrip().endswith((",", "-", "–")):
        return False
    return True


def _table_head(text: str) -> bool:
    """A table's header row: cells that name columns ("학교명 | 전공 | 기간", "분류 | 기술")."""
    cells = [c for c in text.split(" | ") if c.strip()]
    return len(_TABLE_HEAD_RE.findall(text)) >= 2 or (len(cells) >= 2 and all(is_label(c) for c in cells))


def _row_label(text: str) -> bool:
    """A line that starts with a label of at most three words and a colon ("Languages: Go",
    "사용 기술: Java"); a time ("10:30") is no label."""
    m = re.match(r"^\s*(?:[-•·▪●◦*]\s*)?([^\W\d][^:：|,;()]{0,28}?)\s*[:：]\s+\S", text)
    return m is not None and len(m.group(1).split()) <= 3


def _text_width(text: str, size: float) -> float:
    """Rough advance width: Hangul/CJK are square, Latin about half as wide."""
    return sum(size if ord(c) > 0x2E80 else 0.5 * size for c in text)


def _join(a: str, b: str) -> str:
    if re.search(r"\w-$", a):
        return a + b  # "Devel-" + "oping", "community-" + "driven": the hyphen is kept
    return f"{a} {b}"


def join_wrapped(lines: list[LayoutLine]) -> list[LayoutLine]:
    """Wrapped lines joined to the line (or bullet) they continue. The continuation test
    looks at the last physical line of what was joined so far."""
    out: list[LayoutLine] = []
    last: LayoutLine | None = None
    for ln in lines:
        if out and last is not None and _continues(last, ln):
            p = out[-1]
            out[-1] = replace(p, text=_join(p.text, ln.text),
                              bbox=(min(p.x0, ln.x0), p.y0, max(p.x1, ln.x1), ln.y1))
        else:
            out.append(ln)
        last = ln
    return out


# ------------------------------------------------------------------------------ sections
@dataclass
class Section:
    name: str
    header: LayoutLine | None
    lines: list[LayoutLine] = field(default_factory=list)
    body: float | None = None  # the document's body font size


_LABEL_PIECE_RE = re.compile(r"^(?:[A-Z&/][A-Z&/.\-]*(?:\s+[A-Z&/][A-Z&/.\-]*){0,2}|[가-힣/·\s]{2,12}|[&/])$")


def _label_column(lines: list[LayoutLine]) -> list[LayoutLine]:
    """Resumes that set the section names in a column of their own left of the entries
    ("RESEARCH" / "EXPERIENCE" beside the first two rows of that section, "학력" beside the
    first school): the label column's pieces become a header line each (a name broken over
    rows joined first: "AWARDS &" / "SCHOLARSHIPS"), its other notes ("총 1년 5개월",
    "대학교(4년) 졸업": a Saramin form's summary cells) are dropped, the entries keep the rest
    of their rows. Other layouts are returned as they are: at least three rows must start
    with a label at one left edge that the remaining lines keep clear of."""
    geo = [ln for ln in lines if ln.geometric]
    if len(geo) < 10:
        return lines
    def label_of(ln: LayoutLine) -> str | None:
        first = ln.text.split(" | ", 1)[0].strip()
        if " | " not in ln.text or not first or len(first) > 24 or find_period(first):
            return None
        return first if _LABEL_PIECE_RE.match(first) else None

    # the edge is found by labels that name a section ("EDUCATION", "학력"); at that edge other
    # short capitals then continue or start a name ("OTHER WORK" / "EXPERIENCE", "CAMPUS")
    starts = Counter(round(ln.x0 / 3) for ln in geo if label_of(ln) and _vocab_section(label_of(ln) or ""))
    if not starts:
        return lines
    # the leftmost edge that starts three labels: field names inside entries ("주야간 | 주간")
    # sit further in
    edge3, count = min(((x, n) for x, n in starts.items() if n >= 3), default=starts.most_common(1)[0])
    edge = edge3 * 3
    at_edge = [ln for ln in geo if abs(ln.x0 - edge) <= 4]
    inner = [ln for ln in geo if ln.x0 > edge + 30]
    if count < 3 or len(inner) < len(at_edge):
        return lines
    # where the entries start: the leftmost inner edge that several lines share (bullets and
    # field names sit further in)
    inner_x = Counter(round(ln.x0 / 3) for ln in inner)
    value_x = min((x for x, n in inner_x.items() if n >= 3), default=inner_x.most_common(1)[0][0]) * 3
    out: list[LayoutLine] = []
    label: LayoutLine | None = None  # the label being collected (a name broken over rows)
    for ln in lines:
        at = ln.geometric and abs(ln.x0 - edge) <= 4 and " | " in ln.text
        first, _, rest = ln.text.partition(" | ")
        if not at or edge + _text_width(first, ln.size) > value_x + 2:
            label = None
            out.append(ln)
            continue
        name = label_of(ln)
        if name:
            prev = label
            if (prev is not None and ln.y0 - prev.y1 <= 1.2 * ln.height
                    and (_HEADER_LOOKUP.get(_key(prev.text)) is None or prev.text.rstrip().endswith(("&", "/"))
                         or _HEADER_LOOKUP.get(_key(f"{prev.text} {name}")))):
                label = replace(prev, text=f"{prev.text} {name}", bbox=(prev.x0, prev.y0, prev.x1, ln.y1))
                out[out.index(prev)] = label
            else:
                label = LayoutLine(name, ln.page, (ln.x0, ln.y0, ln.x0 + _text_width(name, ln.size), ln.y1),
                                   round(ln.size * 1.25, 1), True, ln.column, color=ln.color)
                out.append(label)
        else:
            label = None  # a note in the label column, not a value
        if rest.strip():
            # the entry keeps its own size, not the label's ("EXPERIENCE" set larger beside it)
            size = ln.looks[1][0] if ln.looks and ln.cell_x0(1) is not None else ln.size
            out.append(replace(ln, text=rest.strip(), bbox=(value_x, ln.y0, ln.x1, ln.y1), size=size,
                               cells=ln.cells[1:] if ln.cells else None, looks=ln.looks[1:] if ln.looks else None))
    return out


def split_sections(lines: list[LayoutLine]) -> tuple[list[LayoutLine], list[Section]]:
    """(lines before the first header, sections in reading order)."""
    lines = _label_column(lines)
    body = _body_size(lines)
    head: list[LayoutLine] = []
    sections: list[Section] = []
    colors = Counter(ln.color for ln in lines for _ in range(len(ln.text)))
    body_color = colors.most_common(1)[0][0] if colors else None
    # when the document marks its headers (bold, capitals, size, colour) a header word in
    # body type ("Volunteer" under an entry) is no header; a flat document has only words
    marked = [ln for ln in lines if _vocab_section(ln.text) and _stands_out(ln, body, body_color)]
    strict = len(marked) >= 2
    # an unknown header looks like the known ones ("KAIST" in bold under EDUCATION does not)
    styles = [(ln.size, ln.bold) for ln in marked]

    def like_known(ln: LayoutLine) -> bool:
        return not styles or any(abs(ln.size - sz) <= 0.6 and ln.bold == b for sz, b in styles)

    sub_style: tuple[str, tuple[float, bool]] | None = None  # a section's group headings' type
    # a heading set smaller than its section's heading and indented to the entries ("Languages"
    # under "Education"): a group inside that section. Its own lines follow; a line in the
    # type and margin of the outer section's first entry, with a period, resumes the outer one
    outer: Section | None = None
    for ln in lines:
        if (outer is not None and outer.lines and ln.geometric and outer.lines[0].geometric
                and _same_style(ln, outer.lines[0]) and abs(ln.x0 - outer.lines[0].x0) <= 3
                and find_period(ln.text, single=False) and not _vocab_section(ln.text)):
            sections.append(Section(outer.name, outer.header, body=body))
            outer = None
        sec = _vocab_section(ln.text)
        if (not sec and ln.geometric and ln.size >= 1.2 * body and len(ln.text.split()) <= 4
                and _header_form(ln)):
            sec = _HEADER_LOOKUP.get(_key(ln.text.split()[0]))  # "경력 역할과 책임": a heading and its caption
        label, bar, rest = ln.text.partition(" | ")
        if (not sec and bar and rest.strip() and _vocab_section(label) and len(label) <= 12
                and not is_label(label) and (not sections or sections[-1].name != _vocab_section(label))):
            # a label column ("경력 | HYPERCONNECT | 2019.11 - 현재"): the section's name sits
            # left of its first entry, on the entry's row
            sections.append(Section(_vocab_section(label) or "", ln, body=body))
            x0 = ln.cell_x0(1)
            if x0 is None:
                x0 = ln.x0 + _text_width(label + " ", ln.size)
            # the entry keeps its own size, not the label's ("EXPERIENCE" set larger beside it)
            size = ln.looks[1][0] if ln.looks and ln.cell_x0(1) is not None else ln.size
            ln = replace(ln, text=rest.strip(), bbox=(x0, ln.y0, ln.x1, ln.y1), size=size,
                         cells=ln.cells[1:] if ln.cells else None, looks=ln.looks[1:] if ln.looks else None)
            sections[-1].lines.append(ln)
            continue
        if sec and strict and ln.geometric and not _stands_out(ln, body, body_color):
            sec = None  # "Volunteer" under a role is no header: it looks like body text
        current = sections[-1] if sections else None
        if sec:
            if current is not None and current.name == "cover_letter" and sec == "cover_letter":
                current.lines.append(ln)  # a question heading inside the cover letter
                continue
            if current is not None and current.name == "cover_letter" and not (ln.bold or ln.size > body):
                current.lines.append(ln)
                continue
            nested = (current is not None and current.header is not None and current.header.geometric
                      and ln.geometric and current.lines and sec != current.name
                      and ln.page == current.header.page
                      and ln.size <= 0.92 * current.header.size and ln.x0 >= current.header.x0 + 6)
            outer = current if nested else None
            sections.append(Section(sec, ln, body=body))
            continue
        if (current is not None and current.name != "cover_letter" and like_known(ln)
                and (_looks_like_header(ln, body) or (styles and _header_form(ln) and ln.size >= 1.15 * body))
                and not (current.name == "education" and _DEGREE_RE.match(ln.text.strip()))):
            # ("MASTER OF ARTS" set like a heading under EDUCATION is an entry's degree, no group)
            style = (round(ln.size, 1), ln.bold)
            if not current.name.startswith("other:") and (not current.lines or sub_style == (current.name, style)):
                # "Experiences" / "Work", "Computer Skills" / "Experienced tools" ... "Novice
                # level tools": a heading straight under a section's heading, and later ones in
                # its type, head groups inside that section
                sub_style = (current.name, style)
                continue
            sections.append(Section("other:" + ln.text.strip().rstrip(":："), ln, body=body))
            continue
        if current is None:
            head.append(ln)
            continue
        # "경력 한국인터넷진흥원 ..." (a Word template repeats the section word): drop the word
        first, _, rest = ln.text.partition(" ")
        if rest and _HEADER_LOOKUP.get(_key(first)) == current.name:
            ln = replace(ln, text=rest.strip())
        current.lines.append(ln)
    return head, sections


# ------------------------------------------------------------------------------ entries
@dataclass
class Entry:
    head: list[LayoutLine] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    period: str | None = None


def _same_style(a: LayoutLine, b: LayoutLine) -> bool:
    return abs(a.size - b.size) < 0.3 and a.bold == b.bold


def _entries(lines: list[LayoutLine], doc_body: float | None = None) -> list[Entry]:
    """Group a section's (already joined) lines into entries: heads, then a body."""
    if not lines:
        return []
    # a short section's own mode may be its titles: the document's body type bounds it
    # (a long section's own mode is its body: achievements may be set larger than the rest)
    body_size = _body_size(lines) if len(lines) >= 8 else min(_body_size(lines), doc_body or 1e9)
    entries: list[Entry] = []
    cur: Entry | None = None
    prev_bullet = False
    body_x0: float | None = None  # where the current entry's last body line starts
    for idx, ln in enumerate(lines):
        is_bullet, text = _bullet(ln.text)
        nxt = lines[idx + 1] if idx + 1 < len(lines) else None
        if " | " in text and len(_TABLE_HEAD_RE.findall(text)) >= 2 and not find_period(text):
            continue  # a table's header row ("근무기간 | 회사명 | 직위"), not an entry
        after_bullet, prev_bullet = prev_bullet, is_bullet
        has_period = _head_period(text) is not None
        titled = ln.bold or ln.size >= 1.04 * body_size
        if is_bullet and has_period and not ln.bold and " | " in text and _field_row(text) and (
                cur is None or cur.body or cur.period is not None):
            kind = "head"  # "- We4IT GmbH | Developer | 2019 – 2021": entries written as a dash list
        elif (is_bullet and not has_period and nxt is not None and _field_row(text) and len(text.split()) <= 12
              # a title's fields ("Google | Mountain View, CA") or a company's name, not a lone
              # achievement ("- 데이터 집계 자동화로 주 15시간 절감") before the next dated title
              and (re.search(r" \| |, ", text) or company_score(text) > 0)
              and not _bullet(nxt.text)[0] and _head_period(nxt.text) is not None and _field_row(nxt.text)
              and (cur is None or cur.body or cur.period is not None)
              and (idx == 0 or _glyph(lines[idx - 1].text) != _glyph(ln.text))):
            # "• Google | Mountain View, CA" over "Software Engineer | Oct 2016 – Present", the
            # achievements under it bulleted otherwise ("◦"): a list of entries, not a last bullet
            kind = "head"
        elif (is_bullet and has_period and ln.bold and cur is not None and cur.period is None and not cur.body
              and not _SENTENCE_END_RE.search(text)):
            kind = "head"  # "Institute ..." / "■ Research Student | 2004 – 2005": the title's bold second line
        elif is_bullet:
            kind = "body"
        elif titled and not has_period and _SENTENCE_END_RE.search(text) and len(text.split()) > 6:
            kind = "body"  # a bold summary sentence under the title, not a title
        elif has_period or titled:
            kind = "head"
        elif (after_bullet and ln.geometric and _SEP_RE.search(text) and len(text.split()) <= 8
              and (ln.x1 - ln.x0) <= 0.75 * max((ln.column or (0, 1))[1] - (ln.column or (0, 1))[0], 1)
              and not _SENTENCE_END_RE.search(text)):
            kind = "head"  # not the bullet's continuation (that was joined): the next title
        elif cur is not None and not cur.body and _short(ln):
            kind = "head"
        elif (cur is not None and not cur.body and cur.period is not None and _field_row(text)
              and (not ln.geometric or abs(ln.x0 - cur.head[0].x0) <= 4)):
            kind = "head"  # company-first: "HUINNO | Dec 2025 – Present" then "Data Engineer | Seoul"
        elif (cur is not None and cur.body and ln.geometric and body_x0 is not None
              and ln.x0 <= body_x0 - 8 and _field_row(text) and _short(ln, 0.9)):
            kind = "head"  # back at the titles' margin after indented body lines: the next title
        elif cur is None:
            kind = "head"  # a section's first line opens its first entry
        else:
            kind = "body"
        if kind == "head":
            new = cur is None or bool(cur.body)
            if new and cur is not None and cur.period is None and is_date_only(text):
                new = False  # "KAIST" / "B.S. ..." / "2014 - 2018": the date closes the entry above
            if not new and cur is not None and cur.period is not None:
                if has_period and not is_date_only(text):
                    new = True
                elif has_period:
                    new = True  # a second date: the next entry
                elif (ln.geometric and cur.head[0].geometric and ln.x0 <= cur.head[0].x0 - 8
                      and not is_date_only(text)):
                    new = True  # a title back at the margin after an indented one (a paper under a degree)
                elif _same_style(ln, cur.head[0]) and is_date_only(cur.head[-1].text):
                    new = True  # "세종대학교" / dates / "중앙고등학교": a title like the first again
                elif (_same_style(ln, cur.head[0]) and len(cur.head) >= 2
                      and not _same_style(cur.head[-1], cur.head[0])
                      and (ln.bold or _head_period(cur.head[0].text) is None)):
                    # company / role + period / (page break) / next company: no body between;
                    # "Vice President" / "Google" / "Date: 2005 – 2010" / "Product Manager": an entry
                    # without achievements, then the next title in the first title's type
                    new = True
                elif (ln.geometric and cur.head[0].geometric and len(cur.head) >= 2
                      and abs(ln.size - cur.head[0].size) <= 0.3 and ln.size >= cur.head[-1].size + 1
                      and _head_period(cur.head[-1].text) is not None and _field_row(text)
                      and len(text.split()) <= 8):
                    # "TRAINEE | COMPANY C" in the titles' size (bold or not) after the entry's period
                    # line set smaller ("March 2014 - ..., what was done"): the next entry's title
                    new = True
            if new:
                cur = Entry()
                entries.append(cur)
            assert cur is not None
            if has_period and cur.period is None:
                cur.period = _head_period(text)
            cur.head.append(ln)
            if new:
                body_x0 = None
        else:
            if ln.geometric:
                body_x0 = ln.x0  # the last body line's margin (bullets are indented)
            if cur is None:
                cur = Entry()
                entries.append(cur)
            cur.body.append(text)
    for e in entries:
        if not e.head and e.body:
            # no title line stood out (plain type): the entry's first line is its title
            first = next(ln for ln in lines if _bullet(ln.text)[1] == e.body[0])
            e.head.append(first)
            e.body.pop(0)
            e.period = _head_period(first.text)
    return entries


def _glyph(text: str) -> str | None:
    """The bullet a line starts with ("•", "◦", "-"), or None."""
    m = _BULLET_RE.match(text)
    return m.group(0).strip() if m and m.group(0).strip() else None


_GRAD_LABEL_RE = re.compile(r"(?i)^\s*(?:grad(?:uated|uation)?\.?|expected(?:\s+graduation)?|anticipated|"
                            r"class\s+of|졸업(?:\s*예정)?)\s*:?\s*")


def _head_period(text: str) -> str | None:
    """The period of a title line: a date range anywhere, or one date standing as a field of
    its own ("UC Berkeley | 2019", "..., USA, May 2016", "(2019)")."""
    m = find_period(text, single=False)
    if m:
        return _clean_period(m.group(0))
    if is_date_only(text):
        m = find_period(text)
        return _clean_period(m.group(0)) if m else None
    for piece in re.split(r"\s*(?:\||,|;|\s[-–—]\s|[()])\s*", text):
        piece = _GRAD_LABEL_RE.sub("", piece)  # "Grad. May 2011", "Expected June 2023", "졸업 2020.02"
        if piece.strip() and is_date_only(piece):
            m = find_period(piece)
            return _clean_period(m.group(0)) if m else None
    return None


def _short(ln: LayoutLine, share: float = 0.6) -> bool:
    if not ln.geometric:
        return len(ln.text) <= 60
    col = ln.column or (ln.x0, ln.x1)
    return (ln.x1 - ln.x0) <= share * max(col[1] - col[0], 1.0)


def _field_row(text: str) -> bool:
    """A row of a few short fields ("Data Engineer | Seoul", "Server Engineer → Lead"), not
    a sentence: what a title's second line looks like."""
    t = text.strip()
    if not t or _SENTENCE_END_RE.search(t) or len(t.split()) > 18:
        return False
    if t.count(",") >= 3:
        return False  # "Stack Next.js, TypeScript, React, ...": a list
    pieces = [p for p in re.split(r"\s(?:\||:|·|—|–)\s", t) if p.strip()]
    return len(pieces) <= 3 and all(len(p.split()) <= 12 and not _sentence_like(p, 12) for p in pieces)


def _clean_period(p: str) -> str:
    return re.sub(r"\s+", " ", p).strip(" ,|()")


def _head_parts(entry: Entry) -> list[tuple[str, bool]]:
    """The entry's head lines cut into fields (period removed); (text, followed 'at'/'@')."""
    parts: list[tuple[str, bool]] = []
    for ln in entry.head:
        text = _HEAD_LABEL_RE.sub(" | ", ln.text)
        m = find_period(text)
        while m:
            text = text[:m.start()] + " | " + text[m.end():]
            m = find_period(text)
        text = re.sub(r"\(\s*\|?\s*\)", " | ", text)
        # "(만 3년 1개월, 19.06 – 현재)" once the period is out: how long, in brackets, is no name
        text = re.sub(r"[(\[]([^()\[\]]*)[)\]]",
                      lambda m: " | " if is_duration(m.group(1).replace("|", " ").strip(" ,;")) else m.group(0), text)
        # ("Graduated as M.Sc. Digital Media": the word and its "as" go)
        text = re.sub(r"(?i)\b(?:expected\s+graduation|graduated(?:\s+(?:as|with|from|in)\b)?|graduation|grad\.|"
                      r"expected)\s*:?", " | ", text)
        text = re.sub(r"(?<=\S)\s+@(?=[^\s@])", lambda m: _at_sign(m.string, m.end()), text)
        chunks = [c for c in _AT_RE.split(text)]
        for ci, chunk in enumerate(chunks):
            pieces = [q for p in _split_top(chunk) if _trim(p) for q in _title_pieces(_trim(p))]
            for pi, p in enumerate(pieces):
                if _LEGAL_RE.match(p) and parts:
                    parts[-1] = (parts[-1][0] + ", " + p, parts[-1][1])
                    continue
                parts.append((p, ci > 0 and pi == 0))
    return [(p, at) for p, at in parts if p and not re.fullmatch(r"[\W_]+", p) and not is_duration(p)]


def _at_sign(text: str, end: int) -> str:
    """"Trendyol @Istanbul, Turkey": an "@" glued to a place marks where, and separates it;
    "Engineer @Google": glued to anything else it is "at" (the employer follows)."""
    place = re.split(r"\s*[|,]\s*", text[end:], maxsplit=1)[0]
    return " | " if is_location(place) else " @ "


_KO_LEGAL_PREFIX_RE = re.compile(r"^((?:\(주\)|㈜|주식회사)\s*\S+)\s+(\S.*)$")


# "애드원 플랫폼 개발 사원": a Korean job site's title row - the employer, then the department
# and the rank in one run (the rank last)
_KO_RANK_ROW_RE = re.compile(r"^([가-힣A-Za-z0-9&.]*[가-힣][가-힣A-Za-z0-9&.]*)\s+(\S.*\s(?:사원|주임|대리|과장|차장|부장|팀장|"
                             r"인턴|선임|책임|수석|매니저|연구원|이사))$")


_KO_RANK_END_RE = re.compile(r"\s(?:사원|주임|대리|과장|차장|부장|팀장|인턴|선임|책임|수석|매니저|이사)$")


def _rank_row_split(p: str) -> list[str]:
    m = _KO_RANK_ROW_RE.match(p)
    if not m or len(m.group(1)) < 2 or _KO_ROLE_WORD_RE.search(m.group(1)):
        return [p]
    return [m.group(1), m.group(2)]


def _title_pieces(p: str) -> list[str]:
    """A title field cut at a Korean legal prefix ("(주)프라뱅 | 정보보호 담당자 사원") or, without
    one, at the employer of a rank row ("애드원 | 플랫폼 개발 사원")."""
    pieces = _legal_prefix_split(p)
    return pieces if len(pieces) > 1 else _rank_row_split(p)


def _legal_prefix_split(p: str) -> list[str]:
    """"(주)프라뱅 정보보호 담당자 사원": a company written with its legal prefix, then the job in
    the same cell - two parts when the rest reads as a role."""
    m = _KO_LEGAL_PREFIX_RE.match(p)
    if m and role_score(m.group(2)) > 0 and company_score(m.group(2)) == 0:
        return [m.group(1), m.group(2)]
    return [p]


_LEAD_PUNCT_RE = re.compile(r"^[\s\-–—•·*▪●◦‣■□▶►➢✓✔◆◇❖➤→✦○|,;:]+")
_TAIL_PUNCT_RE = re.compile(r"(?<![+#])[\s\-–—•·|,;:/&]+$")


def clean_value(v: str | None) -> str | None:
    """A stored value without the punctuation around it in the text: bullets and dashes in
    front ("- We4IT GmbH"), separators and middle dots behind ("KT 알파코치 ·"), unbalanced
    brackets; None when nothing is left."""
    if v is None:
        return None
    out = _trim(v)
    return out or None


def _trim(p: str) -> str:
    """Strip spaces, colons, bars, bullets, dashes and middle dots at either end, and
    brackets only where they are unbalanced or wrap the whole part ("(Front-End)" stays in
    "Software Engineer (Front-End)")."""
    p = _TAIL_PUNCT_RE.sub("", _LEAD_PUNCT_RE.sub("", p.strip()))
    while p:
        if p[0] in "([" and p[-1] in ")]" and _balanced(p[1:-1]):
            p = p[1:-1].strip(" :|,;")
        elif p[-1] in ")]" and p.count("(") + p.count("[") < p.count(")") + p.count("]"):
            p = p[:-1].strip(" :|,;")
        elif p[0] in "([" and p.count("(") + p.count("[") > p.count(")") + p.count("]"):
            p = p[1:].strip(" :|,;")
        else:
            break
    p = _TAIL_PUNCT_RE.sub("", _LEAD_PUNCT_RE.sub("", p))
    return p


def _split_top(text: str) -> list[str]:
    """Split at field separators that are not inside parentheses."""
    out, depth, start = [], 0, 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "([（":
            depth += 1
        elif ch in ")]）":
            depth = max(depth - 1, 0)
        elif depth == 0:
            m = _SEP_RE.match(text, i)
            if m and m.end() > i:
                out.append(text[start:i])
                start = i = m.end()
                continue
        i += 1
    out.append(text[start:])
    return out


def _words(p: str) -> list[str]:
    return [w.strip(".,()").lower() for w in p.split() if w.strip(".,()")]


def role_score(p: str) -> int:
    ws = _words(p)
    score = sum(1 for w in ws if w in _ROLE_WORDS or w.rstrip("s") in _ROLE_WORDS)
    if score and any(w in _SENIORITY for w in ws):
        score += 1
    for kw in _KO_ROLE:
        if any(w == kw.lower() or w.endswith(kw.lower()) for w in ws):
            score += 1
    if re.search(r"\b(?:software|data|machine learning|full[- ]stack|front[- ]end|back[- ]end|mern)\b", p, re.I) and score:
        score += 1
    return score


def company_score(p: str, at: bool = False) -> int:
    low = p.lower().strip()
    ws = _words(p)
    score = 3 if at else 0
    if low in known_companies() or re.sub(r"\s*\(.*?\)\s*", "", low) in known_companies():
        score += 3
    if any(_LEGAL_RE.match(w) for w in ws[1:]) or re.search(r"\(주\)|주식회사|㈜", p):
        score += 3
    if any(w in _COMPANY_WORDS for w in ws):
        score += 2
    if _KO_COMPANY_RE.search(p):
        score += 2
    if re.search(r"\([A-Z]{2,6}\)", p):  # "한국인터넷진흥원(KISA)"
        score += 1
    return score


_COUNTRIES = {"usa", "us", "u.s.", "u.s.a.", "united states", "uk", "united kingdom", "india", "canada",
              "korea", "south korea", "japan", "china", "germany", "france", "singapore", "australia",
              "türkiye", "turkey", "spain", "italy", "netherlands", "sweden", "switzerland", "israel",
              "brazil", "mexico", "vietnam", "indonesia", "taiwan", "ireland", "poland", "uae"}


_CA_PROVINCES = set("ON BC QC AB MB SK NS NB NL PE YT NT NU".split())


def _is_region(p: str) -> bool:
    """A US state or Canadian province code, or a country: what follows a city."""
    return p.strip() in _US_STATES or p.strip() in _CA_PROVINCES or p.strip().lower() in _COUNTRIES


_MORE_PLACES = {
    "s.korea", "s. korea", "u.s.a", "u.s", "r.o.k", "las vegas", "pohang", "daejeon", "incheon",
    "gyeonggi", "gyeonggi-do", "pangyo", "yongsan", "gangnam", "yeouido", "yeongdeungpo", "siheung",
    "ithaca", "atlanta", "ontario", "british columbia", "princeton", "santa clara", "mountain view",
    "kolkata", "pilani", "hyderabad", "chennai", "pune", "munich", "hamburg", "bremen", "zurich",
    "stockholm", "copenhagen", "oslo", "helsinki", "vienna", "prague", "warsaw", "madrid",
    "barcelona", "lisbon", "rome", "milan", "montreal", "ottawa", "melbourne", "auckland", "osaka",
    "kyoto", "shenzhen", "hangzhou", "taipei", "hanoi", "ho chi minh city", "bangkok", "jakarta",
    "manila", "kuala lumpur", "cairo", "lagos", "nairobi", "sao paulo", "buenos aires", "bogota",
    "lima", "santiago", "philadelphia", "pittsburgh", "denver", "portland", "miami", "dallas",
    "houston", "washington", "new jersey", "california", "texas", "massachusetts",
    "virginia", "online", "global", "worldwide", "강남", "판교동", "대한민국", "한국", "국내", "영등포",
    "여의도", "성수", "역삼", "삼성동", "잠실", "구로", "가산", "상암", "마곡", "광화문", "을지로", "용산", "송파",
}
# Korean and romanised Korean districts: "서초구", "Mapo-gu", "Gyeonggi-do"
_DISTRICT_RE = re.compile(r"^(?:[가-힣]{1,5}(?:구|시|군|동|도|읍|면)|[a-z]+-(?:gu|do|si|dong|gun|eup|myeon))$")


def _place_word(w: str) -> bool:
    w = w.strip(" .").lower()
    return (w in _LOCATIONS or w in _MORE_PLACES or w.replace(". ", ".") in _MORE_PLACES
            or w.upper() in _US_STATES or bool(_DISTRICT_RE.match(w)))


def is_location(p: str) -> bool:
    """A place: "Seoul", "Seoul, S.Korea", "Santa Clara, CA", "서초구, 서울", "Remote"."""
    low = p.lower().strip(" .")
    if not low:
        return False
    if low in _LOCATIONS or p.strip() in _US_STATES or _place_word(low):
        return True
    parts = [w.strip() for w in re.split(r"[,/&]|\s[-–·]\s", p) if w.strip()]
    if len(parts) > 1:
        return all(_place_word(w) or is_location(w) for w in parts)
    ws = low.split()
    return bool(ws) and all(_place_word(w) for w in ws)


_ABBREV_END_RE = re.compile(r"(?i)\b(?:inc|corp|co|ltd|llc|plc|gmbh|jr|sr|st|dept|univ|intl|bros|no)\.$")


def _sentence_like(p: str, max_words: int = 9) -> bool:
    """More words than a name has, two sentences, or a sentence's end ("...했습니다.");
    "Omnious. Co., Ltd." and "Acme Inc." are names."""
    if len(p.split()) > max_words:
        return True
    breaks = [m for m in re.finditer(r"([A-Za-z\uac00-\ud7a3]+)[.!?]\s+\S", p)
              if re.search(r"[a-z\uac00-\ud7a3]{2}$", m.group(1)) and not _ABBREV_END_RE.search(m.group(1) + ".")]
    if breaks and len(p) > 25:
        return True
    return bool(_SENTENCE_END_RE.search(p) and len(p) > 25 and not _ABBREV_END_RE.search(p))


def _nested(entries: list[Entry]) -> list[Entry]:
    """Entries whose title is indented under the one before ("Plancy · Founding Engineer" /
    "  MICE All-in-One · Lead Engineer"): a product line or project inside that job, kept as
    its achievements rather than read as a job of its own."""
    out: list[Entry] = []
    for e in entries:
        if (out and e.head and out[0].head and e.head[0].geometric and out[0].head[0].geometric
                and max(h.size for h in e.head) < 0.9 * out[0].head[0].size
                and not any(h.bold for h in e.head)):
            # "솔박스" (10.5 pt) / ... / "URL 암호화" / "2022-07-01 ~ 2022-08-01" (9.3 pt): a project
            # inside the job, in body type below the section's titles
            out[-1].body.extend([ln.text for ln in e.head] + e.body)
            continue
        if (out and e.head and out[-1].head and e.head[0].geometric and out[-1].head[0].geometric
                and e.head[0].x0 >= out[-1].head[0].x0 + 8
                and e.head[0].size <= 1.08 * out[-1].head[0].size):
            # (a title set larger than the one above is no sub-entry of it: "NHN" after
            # "HYPERCONNECT" in a label-column resume, whose first row lost its label)
            out[-1].body.extend([ln.text for ln in e.head] + e.body)
            continue
        out.append(e)
    return out


def _experience(section: Section) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    entries = _nested(_entries(section.lines, section.body))
    # a section that writes its jobs "Title (Employer)" (two or more read so by their role words)
    # writes them all so: "Project Management Simulation Training (Getoq Consulting)"
    bracketed = sum(1 for e in entries for p, _ in _head_parts(e) if len(_employer_in_brackets(p)) == 2) >= 2
    for e in entries:
        parts = [(q, at) for p, at in _head_parts(e) if not _sentence_like(p, 12)
                 for q in _employer_in_brackets(p, any_title=bracketed)]
        # "Santa Clara, CA": a part followed by a state or country is a city
        loc = [is_location(p) or (i > 0 and i + 1 < len(parts) and _is_region(parts[i + 1][0])
                                  and company_score(p) == 0 and role_score(p) == 0)
               for i, (p, _) in enumerate(parts)]
        # "Manager: Jane Roe", "Contact: ...": a labelled field is no role or company, whatever
        # its label's words; "Position: Data Analyst" / "Company: Acme" name them outright
        named: dict[str, str] = {}
        fields: set[int] = set()
        for i, (p, _) in enumerate(parts):
            lab = _field_label(p)
            if lab is not None:
                fields.add(i)
                kind = _NAMED_FIELD.get(_key(lab[0]))
                if kind and lab[1] and kind not in named:
                    named[kind] = lab[1]
        cands = [(i, p, at) for i, (p, at) in enumerate(parts)
                 if not loc[i] and i not in fields and not is_label(p)
                 and not _URL_RE.search(p)]
        role = company = None
        roles = [(role_score(p) - (2 if company_score(p, at) >= 3 else 0), -i, p) for i, p, at in cands]
        roles = [r for r in roles if r[0] > 0]
        role_parts: set[str] = set()
        ranked = [p for _, p, _ in cands if _KO_RANK_END_RE.search(p) and len(p.split()) <= 5]
        if "role" in named:
            role = named["role"]
        elif len(ranked) == 1:
            role = ranked[0]  # "플랫폼 개발 사원": a title with its rank, over a duty line ("... 개발 담당")
        elif roles:
            role = max(roles)[2]
            # "Manager, Data Engineer": two titles one comma apart are one role as written
            head_text = " ".join(ln.text for ln in e.head)
            role_parts = {role}
            for _, _, other in sorted(roles, key=lambda r: -r[1]):
                if other not in role_parts and company_score(other) == 0:
                    if f"{other}, {role}" in head_text:
                        role = f"{other}, {role}"
                        role_parts.add(other)
                    elif f"{role}, {other}" in head_text:
                        role = f"{role}, {other}"
                        role_parts.add(other)
        rest = [(i, p, at) for i, p, at in cands if p != role and p not in role_parts]
        comps = [(company_score(p, at), -i, p) for i, p, at in rest]
        comps = [c for c in comps if c[0] > 0]
        if "company" in named:
            company = named["company"]
        elif comps:
            company = max(comps)[2]
        elif rest:
            # no evidence either way: the first part, unless it reads as a task ("추천시스템 관련 모델링")
            company = next((p for _, p, _ in rest if not _KO_TASK_RE.search(p)), None)
        if role is None:
            others = [p for i, p, at in rest if p != company]
            if others and len(others[0].split()) <= 6:
                role = others[0]
        body = list(e.body)
        if "role" not in named and (role is None or role_score(role) == 0):
            found = _body_role(body)
            if found is not None:
                role, i = found
                body.pop(i)
        company, role = clean_value(company), clean_value(role)
        company = _unsmall(company) if company else None
        role = _natural_case(_without_term_note(role)) if role else None
        if not (company or role) or not (e.period or e.body):
            continue
        held = _roles_in_bullets(body) if company and not role and e.period else []
        if held:
            # one employer, one period, several roles each a bullet led by its title: a job each
            start, end = split_period(e.period)
            for title, duties in held:
                conf = _experience_confidence(company, title, e.period)
                out.append({"company": company, "role": _natural_case(title), "period": e.period,
                            "start": start, "end": end, "location": None, "achievements": duties,
                            "source": e.head[0].source(), "confidence": conf,
                            "uncertain": conf < UNCERTAIN_BELOW})
            continue
        if not e.period and (not company or not role or company_score(company) == 0):
            # no date and no evidence: a wrapped line or a sub-heading ("Key Achievements"), not
            # a job; what is under it belongs to the job above
            if out:
                out[-1]["achievements"].extend(body)
            continue
        location = ", ".join(p for i, (p, _) in enumerate(parts) if loc[i]) or None
        start, end = split_period(e.period)
        conf = _experience_confidence(company, role, e.period)
        out.append({"company": company, "role": role, "period": e.period, "start": start, "end": end,
                    "location": location, "achievements": body, "source": e.head[0].source(),
                    "confidence": conf, "uncertain": conf < UNCERTAIN_BELOW})
    return out


_BRACKETED_RE = re.compile(r"(.+?)\s*\(([^()]{2,60})\)")
# "Programmer Trainee (Summer)": the season the title was held in, no part of the title (how it
# was held, "(Contract)", "(Part-time)", stays as written)
_TERM_NOTE_RE = re.compile(r"\s*\((?:summer|winter|spring|autumn|fall)(?:\s+(?:term|semester|\d{4}))?\)$", re.I)
_ROLE_BULLET_RE = re.compile(r"^(\S.{1,58}?)\s+[-–—]\s+(\S.*)$")


def _without_term_note(role: str) -> str:
    return _TERM_NOTE_RE.sub("", role).strip() or role


def _roles_in_bullets(body: list[str]) -> list[tuple[str, list[str]]]:
    """(role, duties) for each bullet under an employer that has no role of its own when every
    bullet (its wrapped rest joined) is led by a title and a dash ("• MSc Mentor - Mentored groups of masters students"),
    at least two of them; [] for anything else (a list of achievements)."""
    out: list[tuple[str, list[str]]] = []
    for line in body:  # bullets, mostly joined with their wrapped rest, marks already cut
        if out and line[:1].islower():
            out[-1][1].append(line)  # a wrapped rest left on its own line
            continue
        m = _ROLE_BULLET_RE.match(_bullet(line)[1])
        title = m.group(1).strip() if m else ""
        if not (m and len(title.split()) <= 6 and role_score(title) > 0 and company_score(title) < 3
                and not _sentence_like(title, 6)):
            return []
        out.append((title, [m.group(2)]))
    return out if len(out) >= 2 else []


def _employer_in_brackets(p: str, any_title: bool = False) -> list[str]:
    """"IT Consultant for IBM XPages (We4IT GmbH Bremen)", "Student Assistant (otulea.uni-bremen.de)":
    a title (role words) with its employer in brackets behind it is two fields. A bracket that
    names no organisation ("(Summer)", "(Remote)") or follows no title stays. ``any_title``:
    the section writes its jobs so, and a title without role words counts too."""
    m = _BRACKETED_RE.fullmatch(p.strip())
    if not m:
        return [p]
    lead, inner = m.group(1).strip(), m.group(2).strip()
    org = (company_score(inner) > 0 or _SCHOOL_RE.search(inner)
           or re.fullmatch(r"[\w-]+(?:\.[\w-]+)*\.[a-z]{2,3}", inner))
    if not org or is_location(inner) or is_duration(inner) or (role_score(lead) == 0 and not any_title):
        return [p]  # ("Devsisters (Studio Kingdom)": a company with its studio is one name)
    return [lead, inner]


def _merge_repeats(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A job named again without its role, same employer and same period ("Crinity | 2024.05 –
    2026.01" heading its projects further down): one job, the later lines its achievements."""
    out: list[dict[str, Any]] = []
    for j in jobs:
        same = next((o for o in out if j.get("company") and o.get("company") == j["company"]
                     and normalize_period(o.get("period")) == normalize_period(j.get("period"))
                     and (not j.get("role") or not o.get("role"))), None)
        if same is None:
            out.append(j)
            continue
        if not same.get("role") and j.get("role"):
            same.update({k: j[k] for k in ("role", "confidence", "uncertain", "source")})
        same["achievements"] = list(same["achievements"]) + list(j["achievements"])
    return out


# a web address is no company ("github.com/kim", "www.acme.com"); "Sociality.io" named alone may be
_URL_RE = re.compile(r"https?://|www\.|\.(?:com|io|dev|net|org|me|co\.kr)/|\S@\S", re.I)
_KO_PERSON = ("개발자", "엔지니어", "매니저", "연구원", "인턴", "팀장", "리드", "기획자", "디자이너", "분석가",
              "사원", "대리", "과장", "차장", "부장", "책임", "선임", "수석", "주임", "마케터", "컨설턴트", "대표",
              "이사", "실장", "파트장", "조교", "강사", "관리자", "리더", "멘토", "PM", "PO")


def _body_role(body: list[str]) -> tuple[str, int] | None:
    """The role written as the first lines under the title: "• Backend Engineer", "• Role:
    Backend Engineer", "- 역할: 데이터 엔지니어" - (role, index of that line), or None."""
    for i, line in enumerate(body[:2]):
        lab = _field_label(line)
        if lab is not None:
            if _NAMED_FIELD.get(_key(lab[0])) == "role" and lab[1] and len(lab[1].split()) <= 8:
                return lab[1], i
            continue  # "Team: Payments", "Stack: Kotlin": another field, the role may follow
        if (i == 0 and len(line.split()) <= 6 and role_score(line) > 0 and company_score(line) < 3
                # "웹 기반 시스템 운영 및 유지보수" is a task: a Korean title ends with a person's noun
                and (not _HANGUL_RE.search(line) or line.split()[-1].endswith(_KO_PERSON))
                and not _sentence_like(line, 6) and not re.search(r"[.;,]\s*\S", line)):
            return line, i
        break
    return None


_FIELD_LABEL_RE = re.compile(r"^([^\W\d][^:：|,;()]{0,23}?)\s*[:：]\s*(\S.*)$")
_NAMED_FIELD = {k: "role" for k in ("role", "position", "title", "jobtitle", "designation", "직책", "직위",
                                     "직무", "담당", "담당업무", "포지션", "역할")}
_NAMED_FIELD.update({k: "company" for k in ("company", "employer", "organisation", "organization", "회사",
                                             "회사명", "근무처", "소속")})


def _field_label(p: str) -> tuple[str, str] | None:
    """("Manager", "Jane Roe") for "Manager: Jane Roe": a label of at most three words, a colon
    and a value; None for anything else (a colon inside a time, "10:30", is no label)."""
    m = _FIELD_LABEL_RE.match(p.strip())
    if not m or len(m.group(1).split()) > 3:
        return None
    return m.group(1).strip(), clean_value(m.group(2)) or ""


# Below this confidence an entry is "uncertain": shown marked in the preview, never quoted by
# a question (see resume_facts).
UNCERTAIN_BELOW = 0.6
_KO_TASK_RE = re.compile(r"(?:관련|개발|구축|모델링|분석|설계|운영|개선|연구|기획|관리|자동화|최적화|성과|업무|담당)$")


def _experience_confidence(company: str | None, role: str | None, period: str | None) -> float:
    """How sure intake is of one job: a company with evidence (a known name, a legal suffix,
    an organisation word), a role with role words, and a period make 1.0; each missing or
    unsupported part costs."""
    conf = 1.0
    if not company:
        conf -= 0.45
    else:
        if company_score(company) == 0:
            conf -= 0.1  # only its position says it is the company
        if not fact_ok("prev_company", company):
            conf -= 0.35
    if not role:
        conf -= 0.35
    else:
        if role_score(role) == 0:
            conf -= 0.2
        if not fact_ok("role", role) and role_score(role) > 0:
            conf -= 0.3
    if not period:
        conf -= 0.3
    return round(max(conf, 0.0), 2)


_SMALL_WORDS = {"in", "of", "and", "for", "the", "at", "on", "to", "with", "a", "an", "or", "by"}


def _unsmall(v: str) -> str:
    """Small caps read back with a lowercase i ("SECURiTY ENGiNEER", "TRAiNEE"): capitals."""
    return re.sub(r"(?<=[A-Z])i(?=[A-Z])|(?<=[A-Z]{2})i\b", "I", v)


def _natural_case(v: str) -> str:
    """A role or degree set in capitals or small caps ("SECURITY ENGINEER (INTERN)", "B.S. iN
    CYBER DEFENSE") as a person writes it ("Security Engineer (Intern)"); short capitals
    (CTO, SRE, AI, II) stay as they are. Anything in mixed case is left alone."""
    v = _unsmall(v)
    letters = [c for c in v if c.isascii() and c.isalpha()]
    words = re.findall(r"[A-Za-z]+", v)
    if len(letters) < 6 or not any(len(w) >= 4 for w in words):
        return v
    upper = sum(c.isupper() for c in letters)
    if upper < 0.9 * len(letters) and not re.fullmatch(r"(?:[A-Z]{2,}|[a-z]{1,3})(?:\W+(?:[A-Z]{2,}|[a-z]{1,3}))*\W*", v):
        return v

    def fix(m: re.Match) -> str:
        w = m.group(0)
        if w.lower() in _SMALL_WORDS and m.start() > 0:
            return w.lower()
        if len(w) <= 3 and w.isupper():
            return w
        return w[:1].upper() + w[1:].lower()
    return re.sub(r"[A-Za-z]+", fix, v)


_CUT_NAME_RE = re.compile(r"(?i)\b(?:of|and|for|the|in|at|de|&)$")


def _rejoin_cut_names(e: Entry) -> list[str]:
    """The entry's head parts, a name that a title line cut after a joining word ("...,
    University of" | dates / "British Columbia, Vancouver") joined to the next line's first part."""
    out: list[str] = []
    cut = False
    for ln in e.head:
        parts = [p for p, _ in _head_parts(Entry(head=[ln])) if not _sentence_like(p)]
        if cut and out and parts:
            out[-1] = f"{out[-1]} {parts.pop(0)}"
        out.extend(parts)
        cut = bool(out) and bool(_CUT_NAME_RE.search(out[-1])) and _SCHOOL_RE.search(out[-1]) is not None
    return out


_SCHOOL_KIND_RE = re.compile(r"(?i)^(?:(?:4년제|2년제|3년제|전문)?\s*(?:대학교|대학원|대학|고등학교|학교)|"
                             r"(?:high\s+)?school|university|college|graduate\s+school)\s*(?:[(（][^()（）]*[)）])?$")


def _education(section: Section, certificates: list[LayoutLine] | None = None) -> list[dict[str, Any]]:
    """Schools and degrees of an education section. A certificate listed there ("Engineer
    Information Processing | Nov 2017" over its issuer) is no school: its title line goes to
    ``certificates`` when given."""
    out: list[dict[str, Any]] = []
    titles: list[LayoutLine] = []  # the head lines accepted schools were read from
    skipped: list[tuple[int, LayoutLine, dict[str, Any]]] = []
    last_school: tuple[str, float] | None = None  # the school above and where its title starts
    for e in _entries(section.lines, section.body):
        if len(e.head) > 1:
            # a sentence left over above the entry (the end of a quote from the page before) is
            # no part of its title
            e.head = [ln for ln in e.head if not (_SENTENCE_END_RE.search(ln.text)
                                                  and (_prose(ln.text) or len(ln.text.split()) > 12))] or e.head
        parts = _rejoin_cut_names(e)
        # "서울대학교 컴퓨터공학부 학사": Korean writes school, department and degree in one run
        split: list[str] = []
        for p in parts:
            m = re.match(r"^(\S*(?:대학교|대학원|대학|고등학교|학교|과학기술원))\s+(.+)$", p)
            # "IOT 사물인터넷 개발자 양성 과정 한국직업능력교육원": a course, then the institution that ran it
            c = re.match(r"^(.*(?:과정|교육|course|program(?:me)?|bootcamp))\s+(\S*(?:교육원|학원|아카데미|캠퍼스|"
                         r"대학교|진흥원|센터))$", p, re.I)
            # "Master Studies Digital Media (University of Bremen)": a degree, its school in brackets
            inner = re.match(r"^(.+?)\s*\(([^()]+)\)$", p)
            if (not (m or c) and inner and _SCHOOL_RE.search(inner.group(2))
                    and not _SCHOOL_RE.search(inner.group(1))):
                split.extend([inner.group(2), inner.group(1)])
                continue
            split.extend([m.group(1), m.group(2)] if m else [c.group(2), c.group(1)] if c else [p])
        parts = split
        kinds = []
        for p in parts:
            if _GPA_RE.search(p):
                kinds.append("gpa")
            elif p.strip() in _US_STATES or p.strip() in _CA_PROVINCES:
                kinds.append("location")
            elif _SCHOOL_RE.search(p) and not _DEGREE_RE.match(p):
                kinds.append("school")
            elif _DEGREE_RE.search(p):
                kinds.append("degree")
            elif is_location(p):
                kinds.append("location")
            elif _FIELD_RE.search(p):
                kinds.append("field")
            else:
                kinds.append("other")
        # "Giresun High School of Science, Giresun, Turkey": a name followed by a country or a
        # state is a city
        kinds = ["location" if k == "other" and i + 1 < len(parts) and kinds[i + 1] in ("location", "other")
                 and _is_region(parts[i + 1]) else k for i, k in enumerate(kinds)]
        # "대학교(4년) | 한국대학교 | 경영학과": a table's kind-of-school cell is no school's name
        named = [p for p, k in zip(parts, kinds) if k == "school" and not _SCHOOL_KIND_RE.match(p)]
        school = named[0] if named else next((p for p, k in zip(parts, kinds) if k == "school"), None)
        if (school is None and last_school is not None and "degree" in kinds and e.head and e.head[0].geometric
                and (_bullet(e.head[0].text)[0] or e.head[0].x0 >= last_school[1] + 3)):
            # "First American University | 2009 – 2014" / ... / "■ M.B.A. | 2008 – 2009": a further
            # degree listed under the school, bulleted or indented
            school = last_school[0]
        if school is None and "degree" in kinds and e.body and not _bullet(e.body[0])[0]:
            # "Diploma in Full Stack Web Development" (bold) / "School of Information Technology,
            # Kathmandu, Nepal" (body type): the degree's title, then its school under it
            # ("Major in Engineering, University B, Los Angeles, USA.": the school is the part
            # that names one, after the field)
            for first in [_trim(x) for x in _split_top(" ".join(e.body[:2]))][:3]:
                if (_SCHOOL_RE.search(first) and not _DEGREE_RE.match(first) and not _sentence_like(first)
                        and len(first.split()) <= 8 and not _EDU_LABEL_RE.match(first)):
                    school = first
                    break
        if school is None:
            # "MIT", "CalTech", "UC San Diego": the first part that is no degree, field, place
            # or an education sub-heading ("Coursework", "Thesis")
            # (in a table row, "42 Seoul - 피신 | Shell, C": a course's name cell, in any script)
            row = e.head[0].text.count(" | ") >= 2 and bool(e.period)
            # (a table's course-name cell may run longer; a number, "24" hours, names nothing)
            school = next((p for p, k in zip(parts, kinds) if k == "other" and len(p.split()) <= (10 if row else 6)
                           and not re.fullmatch(r"[\d+.,\s]+", p)
                           and (p[:1].isupper() or row and re.match(r"[\d\uac00-\ud7a3]", p))
                           and not _EDU_LABEL_RE.match(p)), None)
        if school is None:
            continue
        degree_parts = [p for p, k in zip(parts, kinds) if k in ("degree", "field")]
        degree_parts = [d for d in degree_parts if not any(d != o and d in o for o in degree_parts)]
        if not degree_parts and e.body and _DEGREE_RE.search(e.body[0]) and len(e.body[0]) <= 120:
            # a degree line as long as its column: its degree and field pieces
            degree_parts = [p for p in (_trim(x) for x in _split_top(e.body[0]))
                            if p and not _GPA_RE.search(p) and not find_period(p)][:2]
        real_degree = bool(degree_parts)
        if not degree_parts:
            degree_parts = [p for p, k in zip(parts, kinds) if k == "other" and p != school][:1]
        nameless = not _SCHOOL_RE.search(school) and not real_degree and not re.fullmatch(r"[A-Z]{2,7}", school)
        if not e.period:
            e.period = _body_graduation(e.body)
        start, end = split_period(e.period)
        text = " ".join(ln.text for ln in e.head)
        school = _unsmall(clean_value(school) or school)
        degree = clean_value(", ".join(degree_parts)) if degree_parts else None
        degree = _natural_case(degree) if degree else None
        conf = 1.0 if _SCHOOL_RE.search(school) else 0.75  # "MIT", "UBC": a name without a school word
        if not e.period:
            conf -= 0.2
        if len(school.split()) > 10 or _sentence_like(school):
            conf -= 0.4
        conf = round(conf, 2)
        item = {"school": school, "degree": degree, "period": e.period,
                "start": start, "end": end, "text": text, "source": e.head[0].source(),
                "confidence": conf, "uncertain": conf < UNCERTAIN_BELOW}
        if nameless and certificates is not None and _certificate_title(e, school, parts):
            certificates.append(e.head[0])
            continue
        if nameless:
            # no school word, no degree, no acronym: a paper title ("Balanced Graph Partition
            # Problems") or a school named without the word ("La Martiniere for Boys") - kept
            # below only when set as the section's school titles are
            row = e.head[0].text.count(" | ") >= 2  # a table row: its cells say what is what
            if (e.period and e.head[0].geometric and (len(school.split()) >= 3 or row) and role_score(school) == 0
                    and not _CERT_WORD_RE.search(school)):
                skipped.append((len(out), e.head[0], item))
            continue
        titles.append(e.head[0])
        out.append(item)
        if e.head[0].geometric and _SCHOOL_RE.search(school) and not _bullet(e.head[0].text)[0]:
            last_school = (school, e.head[0].x0)
        for b in e.body:
            # "First American University | 2009 – 2014" / "■ Ph.D. ..." / "■ M.B.A. | 2008 – 2009":
            # one school, each further degree with its own period
            bp = _head_period(b)
            if bp and _DEGREE_RE.search(b) and not _sentence_like(b) and len(b) <= 120:
                deg = clean_value(_split_top(b[:b.find(bp)] if bp in b else b)[0])
                if deg and deg != degree:
                    s2, e2 = split_period(bp)
                    out.append({**item, "degree": _natural_case(deg), "period": bp, "start": s2, "end": e2})
    # rows of one table without any school word ("42 Seoul", "멋쟁이 사자처럼", "구공팩토리" under a
    # "기간 | 교육 과정" head): the table is the section's list of schools and courses
    table = (not titles and len(skipped) >= 2 and all(ln.text.count(" | ") >= 2 for _, ln, _ in skipped)
             and all(_same_style(ln, skipped[0][1]) and abs(ln.x0 - skipped[0][1].x0) <= 4 for _, ln, _ in skipped))
    for pos, ln, item in reversed(skipped):
        if table or any(_same_style(ln, t) and abs(ln.x0 - t.x0) <= 4 for t in titles):
            out.insert(pos, item)
    return out


_BODY_GRAD_RE = re.compile(r"(?i)(?:expected\s+graduation|graduat(?:ed|ion)(?:\s+date)?|expected|졸업(?:\s*예정)?)\s*:?\s*")


def _body_graduation(body: list[str]) -> str | None:
    """"Honours B.Sc., Statistics  Expected Graduation: June 2023  GPA: 3.2" under the school:
    the date after a graduation label in the entry's first lines, as its period."""
    for b in body[:3]:
        for g in _BODY_GRAD_RE.finditer(b):
            m = find_period(b[g.end():])
            if m and m.start() == 0:
                return _clean_period(m.group(0))
    return None


def _certificate_title(e: Entry, name: str, parts: list[str]) -> bool:
    """An education entry that is a certificate: named with a certificate word ("Certified",
    "License", "Engineer", "자격") and dated by one day or month (a certificate is issued on a
    date, a school is attended over a period)."""
    if not e.period or split_period(e.period)[1] is not None or _sentence_like(name):
        return False
    return bool(_CERT_WORD_RE.search(name))


def split_skills(body: str) -> list[str]:
    """Items of one skills line: commas, semicolons, bars and bullets split; "and" splits two
    short names; parentheses stay with their item ("JavaScript (ES6+)"); a list inside
    parentheses ("databases (MySQL, MongoDB)") adds its items."""
    items: list[str] = []
    for raw in _split_skill_top(body):
        s = _SKILL_LEAD_RE.sub("", raw.strip(" .;")).strip()
        s = _SKILL_LEAD_RE.sub("", s).strip()
        if not s:
            continue
        inner = re.search(r"\(([^()]*,[^()]*)\)", s)
        if inner:
            s_main = (s[:inner.start()] + s[inner.end():]).strip()
            if _component_list(s_main) or _trim(s_main).lower() in _SPOKEN:
                # ("English (can read, write and speak fluently)": a level, no list of skills)
                # "AWS (EC2, Lambda, S3)", "Firebase (Firestore, Storage)": the parts of one
                # product, which is the skill; its services are not listed as skills of their own
                items.append(s_main)
                continue
            # "Relational DBs (Postgres, MySQL)": a category before its members is no skill
            if not re.search(r"[a-z]{2}s$", s_main) or re.search(r"\s(?:and|&)\s", s_main):
                items.extend(_split_and(s_main))
            items.extend(x.strip() for x in inner.group(1).split(",") if x.strip())
            continue
        items.extend(_split_and(s))
    return items


# technologies, methods and languages spelt like ordinary words (the others show themselves:
# "PostgreSQL", "C++", "HTML")
_PLAIN_TECH = frozenset(
    "python java kotlin swift go golang rust ruby scala dart perl haskell elixir erlang julia matlab "
    "spring django flask express rails laravel react angular vue svelte flutter ionic electron jquery "
    "docker kubernetes helm terraform ansible puppet chef jenkins git linux unix ubuntu debian windows "
    "redis kafka spark hadoop hive airflow flink snowflake oracle cassandra mongo mariadb elastic "
    "elasticsearch kibana grafana prometheus nginx apache tomcat pandas numpy scipy keras pytorch "
    "tensorflow jupyter tableau excel word powerpoint outlook photoshop illustrator figma sketch blender "
    "unity unreal maya webpack babel redux jest mocha cypress selenium playwright postman firebase "
    "heroku netlify vercel azure jira confluence slack notion trello bash shell android xcode "
    "arduino raspberry wordpress shopify salesforce sap splunk datadog bootstrap tailwind sass less "
    "latex markdown junit mockito testng gradle maven npm yarn agile scrum kanban lean jest "
    # spoken languages are names too ("English and Spanish")
    "english spanish french german korean japanese chinese mandarin cantonese italian portuguese "
    "russian arabic hindi dutch swedish turkish vietnamese thai indonesian".split())


def _plain_words(p: str) -> bool:
    """Ordinary words ("Motivator", "Problem Solving"), not a technology's name: letters only,
    no capital after a word's first letter, none a known technology."""
    ws = p.split()
    return bool(ws) and all(re.fullmatch(r"[A-Za-z][a-z]{2,}", w) and w.lower() not in _PLAIN_TECH for w in ws)


def _component_list(main: str) -> bool:
    """Whether "main (a, b, c)" names one cloud platform and its services ("AWS (EC2, S3)",
    "GCP (Cloud Run)", "Firebase (Firestore, Storage)"): the platform is the skill. Any other
    list in parentheses names skills of their own: "Databases (MySQL, MongoDB)", "Agile
    (Scrum, Kanban)", "Python (Django, Flask)"."""
    return _trim(main).lower() in _PLATFORMS  # _trim: "○AWS", a bullet of a row's second piece


_PLATFORMS = {"aws", "amazon web services", "gcp", "google cloud", "google cloud platform", "azure",
              "microsoft azure", "firebase", "oracle cloud", "oci", "ibm cloud", "alibaba cloud",
              "ncp", "naver cloud", "naver cloud platform", "ncloud", "supabase", "heroku", "cloudflare"}


def _split_and(s: str) -> list[str]:
    """"HTML & CSS", "Python and R": two names; "Motivator & Leader", "Research and Development":
    one phrase (both sides ordinary words, neither a technology)."""
    parts = re.split(r"\s+(?:and|&)\s+", s)
    if len(parts) > 1 and all(1 <= len(p.split()) <= 3 for p in parts):
        if len(parts) == 2 and all(_plain_words(p) for p in parts):
            return [s.strip()]
        return [p.strip() for p in parts if p.strip()]
    return [s] if s else []


def _split_skill_top(text: str) -> list[str]:
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([（":
            depth += 1
        elif ch in ")]）":
            depth = max(depth - 1, 0)
        elif depth == 0 and ch in ",;|•·、":
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return out


# headings that never name a skill ("Leadership", "Volunteer" may: they head activities too)
_MAIN_SECTIONS = {"experience", "education", "skills", "projects", "certifications", "summary",
                  "links", "awards", "cover_letter", "publications", "references"}
_KO_PROSE_RE = re.compile(r"(?:습니다|니다|하여|하고|했고|으로|에서|하는|했으며|였으며|하였|을\s|를\s|의\s|등을|경험)")


def _prose(body: str) -> bool:
    """A description written in sentences (a "Core Skills" paragraph), not a list of names:
    long, with list items that are mostly phrases of several words."""
    words = body.split()
    if len(re.findall(r"[\uac00-\ud7a3]", body)) >= 12 and _KO_PROSE_RE.search(body):
        return True  # Korean run together without spaces ("...등을활용하여...설계하였으며"): few "words", still prose
    if len(words) < 9:
        return False
    items = [x for x in re.split(r"[,;|•·]", body) if x.strip()]
    long_items = sum(1 for x in items if len(x.split()) >= 4)
    if _SENTENCE_END_RE.search(body.rstrip(" )")) and max(len(x.split()) for x in items) >= 8:
        return True  # "Extensive experience in ... for cost and performance, utilizing PySpark, ...": a sentence
    return long_items * 2 >= len(items) or bool(_KO_PROSE_RE.search(body))


_SPOKEN = {"korean", "english", "japanese", "chinese", "mandarin", "cantonese", "german", "french",
           "spanish", "italian", "portuguese", "russian", "arabic", "hindi", "vietnamese", "thai",
           "한국어", "영어", "일본어", "중국어", "독일어", "프랑스어", "스페인어"}


def _skill_item_ok(s: str) -> bool:
    if not s or len(s) > 40 or len(s.split()) > 5 or find_period(s):
        return False
    if re.sub(r"\s*\(.*\)$", "", s).strip().lower() in _SPOKEN:
        return False  # a spoken language is no technical skill (the languages section has it)
    if is_label(s) or vocab_section(s) in _MAIN_SECTIONS or _KO_PROSE_RE.search(s):
        return False
    if _URL_RE.search(s) or re.match(r"(?i)^(?:https?:|//)", s):
        return False  # a contact link beside the skills ("https://githu b.co m/jo hnyD")
    if re.match(r"^[a-z]+\s+[a-z]+\s+[a-z]+\b", s) and not _PLAIN_TECH.intersection(s.lower().split()):
        return False  # "grew up bilingual (...)": three plain lower-case words, a sentence's piece
    # "utilizing PySpark", "by analyzing trade-offs": a phrase cut out of a sentence
    return not re.match(r"^(?:by|using|utilizing|with|for|to|from|in|on|of|the|a|an|such as|including|"
                        r"based on|as|via|through|etc)(?:\s|$)", s, re.I)


def _run_in_label(lead: str, last: str) -> bool:
    """Whether "<lead> <last>:" is an item followed by the group label ``last`` ("Prompt
    Engineering ML:", "Redis DB:") rather than a label of several words ("Cloud Platforms:",
    "Big Data:", "Machine Learning:"): ``last`` is a group word, and it is an acronym or
    ``lead`` is a name of two words or more that is no group word itself."""
    if not is_label(last) or is_label(lead):
        return False
    return (last.isupper() and len(last) >= 2) or len(lead.split()) >= 2


def _skills(lines: list[LayoutLine]) -> tuple[list[str], list[dict]]:
    skills: list[str] = []
    sources: list[dict] = []
    seen: set[str] = set()
    open_prose = False  # the line above was prose that did not end its sentence
    for ln in lines:
        is_bullet, text = _bullet(ln.text)
        if open_prose and not is_bullet and re.match(r"[a-z]", text):
            # "... trade-offs between" / "cost, performance, and operational complexity ...": the
            # sentence goes on (a wrap the joiner left apart), no list
            open_prose = not _SENTENCE_END_RE.search(text)
            continue
        open_prose = _prose(text) and not _SENTENCE_END_RE.search(text)
        if text.rstrip().endswith((":", "：")) and len(text.split()) > 3:
            continue  # a sub-heading of a descriptive skills section ("Data Pipeline Design:")
        lab = _SKILL_LABEL_RE.match(text)
        if lab and re.sub(r"\s*\(.*\)$", "", lab.group(1)).strip().lower() in _SPOKEN:
            continue  # "English: Can read, write and speak fluently": a language's level, no skills
        # "Languages: C++, Go | Tools: Git": each row piece and each label starts a list
        pieces = [p for p in text.split(" | ") if p.strip(" ,")]
        if len(pieces) > 1 and all(is_label(p) or vocab_section(p) for p in pieces):
            continue  # a table's header row ("분류 | 기술")
        items: list[str] = []
        labelled = False  # the row started with a label: its later pieces are that list's items
        for pi, body in enumerate(pieces):
            m = _SKILL_LABEL_RE.match(body)
            if not (m and len(m.group(1).split()) <= 4):
                m = _LABEL_LIST_RE.match(body)  # "Infrastructures, Frameworks, and Software: Git, ..."
            if m:  # "Languages: Python, Go" -> the list after the label
                label = m.group(1).strip()
                lead, _, last = label.rpartition(" ")
                if labelled and lead and _run_in_label(lead, last) and not is_label(label):
                    # "LLM: LangChain | RAG | Prompt Engineering ML: HuggingFace": two labelled
                    # lists run into one row; the last item of the first and the next label
                    # share a piece, and the label is the last word before the colon
                    items.append(lead)
                labelled = labelled or pi == 0
                body = body[m.end():]
            elif is_label(body.split(" ", 1)[0]) and len(body.split(" ", 1)) > 1 and re.search(r"[,•·]", body):
                body = body.split(" ", 1)[1]  # "DevOps AWS, Docker": a group word before the list
            lead = _PROFICIENT_RE.match(body)
            if (lead and (_sentence_like(body) or _prose(body))
                    and not re.match(r"\s*,\s*(?:and\s+)?[A-Z0-9]", body[lead.end():])):
                # "Also proficient in Adobe Photoshop and Illustrator, grew up bilingual ...": a
                # sentence whose first clause names skills; the rest is no list (a list goes on
                # with more names: "Proficient in Windows, Microsoft Word, and Excel")
                items.extend(_split_and(lead.group(1).strip()))
                continue
            if _sentence_like(body) and not re.search(r"[,|;•·]", body):
                continue  # a sentence in the skills section, not a list
            if _prose(body):
                continue
            for item in split_skills(body):
                # a label inside a joined line: "ARMv7 SoCs Software: Linux" -> "ARMv7 SoCs", "Linux"
                left, colon, right = item.partition(": ")
                if colon and len(left.split()) >= 2:
                    items.extend([left.rsplit(" ", 1)[0], right])
                elif colon:
                    items.append(right)
                else:
                    items.append(item)
        for s in items:
            s = clean_value(s.strip(" .")) or ""
            key = s.lower()
            if key not in seen and _skill_item_ok(s):
                seen.add(key)
                skills.append(s)
                sources.append(ln.source())
    return skills, sources


_TECH_ROW_RE = re.compile(r"(?i)^\s*(?:techs?|technologies|technology|tech\s*stack|stack|tools|skills|"
                          r"technical\s+skills|기술\s*스택|보유\s*기술|사용\s*기술|스킬)\s*[:：]\s*\S")


def _tech_rows(ln: LayoutLine) -> list[LayoutLine]:
    """The labelled technology lists in a header row ("Status: ... | Tech: Meteor, Git"), each
    as a line of its own; none when the row has no such label."""
    cells = ln.text.split(" | ")
    # "Tech: | Meteor, Javascript": the label set apart from its list, in a cell of its own
    cells = [f"{c} {cells[i + 1]}" if _TECH_ROW_RE.match(f"{c} x") and re.search(r"[:：]\s*$", c)
             and i + 1 < len(cells) else c for i, c in enumerate(cells)]
    out: list[LayoutLine] = []
    for i, c in enumerate(cells):
        if _TECH_ROW_RE.match(c):
            # the list runs on in the cells after it up to the next labelled cell ("Tools:") or a link
            run = [c]
            for nxt in cells[i + 1:]:
                if _FIELD_LABEL_RE.match(nxt) or _URL_RE.search(nxt) or "," not in nxt:
                    break
                run.append(nxt)
            out.append(replace(ln, text=", ".join(run)))
    return out


def _projects(section: Section) -> list[dict[str, Any]]:
    out = []
    for e in _entries(section.lines, section.body):
        heads = [ln.text for ln in e.head]
        first = heads[0] if heads else ""
        m = find_period(first)
        if m:
            first = (first[:m.start()] + " | " + first[m.end():]).strip(" |")
            first = re.sub(r"\(\s*\|?\s*\)", "", first).strip(" |")
        first = _PROJECT_LABEL_RE.sub("", _bullet(first)[1])
        paren = re.match(r"^(?P<name>[^(（]+?)\s*[(（](?P<desc>[^()]*\s[^()]*)[)）]\s*$", first)
        desc: list[str] = []
        if paren:  # "알림 봇 개발 (Slack 연동, 장애 감지 5분 → 30초)": name, then what it did
            name, desc = paren.group("name").strip(), [paren.group("desc").strip()]
        else:
            pieces = [p for p in re.split(r"\s*(?:\||\s[-–—:]\s)\s*", first) if p.strip()]
            name = pieces[0].strip() if pieces else first
            desc = [p.strip() for p in pieces[1:]]
        role = None
        tech: list[str] = []
        for h in heads[1:]:
            hm = find_period(h)
            rest = (h[:hm.start()] + h[hm.end():]).strip(" |()") if hm else h
            rest = re.sub(r"\(\s*[^()]*\)$", "", rest).strip() if hm else rest
            if rest and not is_date_only(h):
                if role is None and role_score(rest) and len(rest.split()) <= 5:
                    role = rest
                else:
                    desc.append(rest)
        for b in e.body:
            label = _TECH_LABEL_RE.match(b)
            if label:
                tech.extend(split_skills(b[label.end():]))
            else:
                desc.append(b)
        if name and len(name.split()) <= 12 and not _sentence_like(name):
            start, end = split_period(e.period)
            name = clean_value(name) or name
            # a project is named in a few words; a long one may be a sentence's start
            conf = round((0.95 if len(name.split()) <= 6 else 0.65) - (0.0 if e.period else 0.1), 2)
            out.append({"name": name, "description": " ".join(desc).strip(), "tech": tech,
                        "period": e.period, "start": start, "end": end, "role": role,
                        "source": e.head[0].source() if e.head else None,
                        "confidence": conf, "uncertain": conf < UNCERTAIN_BELOW})
    return out


def _plain_list(lines: list[LayoutLine], tidy: Callable[[str], str] | None = None,
                max_words: int = 9) -> tuple[list[str], list[dict]]:
    """One item per (joined) line; a date on a line of its own belongs to the item above;
    a date in front ("2023 AWS Certified ..."), a trailing list comma and "| 2024.05 취득" are
    not part of the name. ``tidy`` (name -> name) runs before the sentence check."""
    items: list[str] = []
    sources: list[dict] = []
    for ln in lines:
        _, body = _bullet(ln.text)
        if is_date_only(body) and items:
            continue
        if " | " in body:
            cells = [f for f in body.split(" | ") if f.strip(" |")]
            if any(_URL_RE.search(c) or re.match(r"^(?:[\w-]+\.)+[a-z]{2,}/\S*$", c.strip()) for c in cells[1:]):
                continue  # "GITHUB | github.com/kim", "포트폴리오 | kim.github.io": a link, no item
            if (len(cells) >= 4 and len(cells) % 2 == 0 and all(is_date_only(c) for c in cells[1::2])
                    and not any(is_date_only(c) for c in cells[::2])):
                # "정보처리기사 | 2024.06 | 빅데이터분석기사 | 2024.07": two items a row, each with its date
                for c in cells[::2]:
                    if tidy is not None:
                        c = tidy(c)
                    if c and not _sentence_like(c, max_words):
                        items.append(c)
                        sources.append(ln.source())
                continue
            # a table row "정보처리기사 | 한국산업인력공단 | 2020.05": the first field is the name
            fields = [f for f in cells if not is_date_only(f)]
            if not fields or _TABLE_HEAD_RE.search(body):
                continue
            body = fields[0]
        m = find_period(body)
        if m and m.start() == 0 and not is_date_only(body):
            body = body[m.end():].strip(" -–—:|,;")  # "2023 AWS Certified ...": the date in front
            m = find_period(body)
        if m and m.start() > 0:
            rest = body[m.end():].strip(" )]|,;")
            body = body[:m.start()]
            if rest and not is_date_only(rest) and not re.match(r"^(?:취득|합격|issued|expires?)\b", rest, re.I):
                body = f"{body} {rest}"  # "Cert (2021) – Issuer": the issuer stays
        # the cut leaves "Name (" or "Name –": drop the dangling bracket or separator
        body = re.sub(r"[\s|,;:(\[\-–—]+$", "", body.strip()).strip(" |,;")
        if tidy is not None:
            body = tidy(body)
        if body and not _sentence_like(body, max_words):
            items.append(body)
            sources.append(ln.source())
    return items, sources


_CERT_WORD_RE = re.compile(r"(?i)certif|associate|professional|specialist|expert|practitioner|architect|"
                           r"developer|administrator|engineer|analyst|master|level|license|licence|"
                           r"자격|기사|기능사|기술사|면허|급")
_KO_QUALIFICATION_RE = re.compile(r"^[가-힣A-Za-z0-9]{2,20}(?:산업기사|기사|기능사|기능장|기술사)(?:\s*[12]급)?$")
_ISSUER_RE = re.compile(r"(?i)\b(?:amazon|aws|google|microsoft|oracle|cisco|linux foundation|hashicorp|"
                        r"comptia|isc2|isaca|pmi|scrum|axelos|red hat|ibm|salesforce|databricks|"
                        r"snowflake|coursera|udemy|edx|nvidia|meta|vmware|mongodb|elastic|"
                        r"cncf|tensorflow|kaggle|datacamp|codecademy|pluralsight|linkedin\s+learning)\b|(?:한국산업인력공단|산업인력공단|공단|진흥원|협회|평가원|"
                        r"위원회|재단|연구원|기획평가원|데이터산업진흥원)")


# "ATC자격시험 CAD 2급 한국ATC센터", "1종보통운전면허 경찰청(운전면허시험관리단)": a Korean issuer
# written behind the name, known by how issuing bodies are named
_KO_ISSUER_TAIL_RE = re.compile(r"\s+[가-힣A-Za-z]*(?:센터|본부|상공회의소|회의소|공단|진흥원|협회|평가원|위원회|재단|"
                                r"경찰청|청|관리단|교육원|학회|진흥회)(?:\s*[(（][^()（）]*[)）])?$")


def _without_notes(lines: list[LayoutLine]) -> list[LayoutLine]:
    """A list whose items are set larger than the line under each ("AICE Associate" over "KT ·
    2024" in smaller type): the smaller lines are the items' notes (issuer, date), not items."""
    if len(lines) < 3 or not all(ln.geometric for ln in lines):
        return lines
    top = max(ln.size for ln in lines)
    big = [ln for ln in lines if ln.size >= top - 0.3]
    small = [ln for ln in lines if ln.size <= top - 0.8 and not ln.bold]
    if len(big) < 2 or not small or len(big) + len(small) < len(lines):
        return lines
    return big


def _certifications(lines: list[LayoutLine]) -> tuple[list[str], list[dict]]:
    """Certificate names: the list's items without the date in front ("2023 AWS ...") and
    without the issuer run in behind ("..., Amazon Web Services (AWS)", "| 한국산업인력공단")."""
    def tidy(n: str) -> str:
        # "TOEIC Speaking (150점, Intermediate High)", "OPIC (intermediate Mid2급/PASS)": the score
        # or grade behind the name is no part of it
        # (a bare score, "TOPCIT Level 3 (580)", is how that certificate is named and stays)
        m = re.search(r"\s*[(（]([^()（）]*)[)）]\s*$", n)
        if m and re.search(r"\d", m.group(1)) and re.search(r"[A-Za-z\uac00-\ud7a3]", m.group(1)):
            n = n[:m.start()]
        m = _KO_ISSUER_TAIL_RE.search(n)
        if m and m.start() > 0 and (_CERT_WORD_RE.search(n[:m.start()]) or re.search(r"\d|[A-Z]{2,}", n[:m.start()])):
            n = n[:m.start()]
        head, comma, tail = n.rpartition(", ")
        if comma and head and len(tail.split()) <= 6 and not re.search(r"\d", tail) and (
                _ISSUER_RE.search(tail) or company_score(tail) > 0 or re.search(r"\([A-Z]{2,6}\)$", tail)):
            return head
        return n

    # a course certificate's name may be long ("Learning How to Learn: Powerful mental tools
    # to help you master tough subjects"); a sentence still ends in its own way
    names, sources = _plain_list(lines, tidy, max_words=14)
    out: list[str] = []
    out_src: list[dict] = []
    for n, src in zip(names, sources):
        n = re.sub(r"^\.[.\d]*(?=[A-Z\uac00-\ud7a3])|^\d+\.[.\d]*(?=[A-Z\uac00-\ud7a3])", "", n)  # ".29TOPCIT": a date cell's tail ("1종보통운전면허" keeps its 1)
        n = clean_value(n) or ""
        if not _balanced(n):
            continue  # "IITP(정보통신기획": a wrapped issuer cell, a fragment
        if not (_CERT_WORD_RE.search(n) or re.search(r"[A-Z]{2,}|\d", n)) and (
                len(n.split()) <= 1 or _ISSUER_RE.search(n)):
            continue  # "Amazon Web" / "Services", "평가원": an issuer's name cut over two lines
        if n and not is_label(n) and not vocab_section(n) and not is_date_only(n) and n.lower() not in {o.lower() for o in out}:
            out.append(n)
            out_src.append(src)
    return out, out_src


def _name(pages_lines: list[LayoutLine]) -> str | None:
    """The candidate's name: the largest short line at the top of page 1 that is not a
    header, contact detail or title."""
    page1 = [ln for ln in pages_lines if ln.page == 1]
    top = min((ln.y0 for ln in page1), default=0.0)
    first = [ln for ln in page1 if ln.y0 <= top + 220][:40]
    cands = []
    for i, ln in enumerate(first):
        t = ln.text.strip()
        if (not t or _vocab_section(t) or "@" in t or re.search(r"\d", t) or len(t.split()) > 4
                or len(t) > 30 or role_score(t) or ":" in t or "|" in t):
            continue
        cands.append((ln.size, ln.bold, -i, t))
    return max(cands)[3] if cands else None


def structure_layout(pages: list[LayoutPage] | list[LayoutLine]) -> dict[str, Any]:
    """Structure a resume read as a layout (pages from the PDF engine) or as lines."""
    if pages and isinstance(pages[0], LayoutPage):
        raw_lines = [ln for p in pages for ln in p.lines]
        lines = document_lines(pages)
    else:
        raw_lines = list(pages)  # type: ignore[arg-type]
        lines = list(pages)  # type: ignore[arg-type]
    text = "\n".join(ln.text for ln in lines)
    head, sections = split_sections(lines)
    by_name: dict[str, list[Section]] = {}
    for s in sections:
        by_name.setdefault(s.name, []).append(s)

    def joined(name: str) -> list[LayoutLine]:
        return [ln for s in by_name.get(name, []) for ln in join_wrapped(s.lines)]

    experience = _merge_repeats([x for s in by_name.get("experience", []) for x in _experience(
        Section(s.name, s.header, join_wrapped(s.lines), s.body))])
    edu_certs: list[LayoutLine] = []
    education = [x for s in by_name.get("education", []) for x in _education(
        Section(s.name, s.header, join_wrapped(s.lines), s.body), edu_certs)]
    projects = [x for s in by_name.get("projects", []) for x in _projects(
        Section(s.name, s.header, join_wrapped(s.lines), s.body))]
    skills, skill_src = _skills(joined("skills"))
    if not by_name.get("skills"):
        # no skills section: "Tech: Meteor, Git" / "Stack: ..." rows in the page's header
        # block or summary (one-page templates put them beside the contact details)
        skills, skill_src = _skills([row for ln in head + joined("summary") for row in _tech_rows(ln)])
    # "정보처리기사 | 2017.11" listed under education: a national qualification by its grade
    # word (기사, 산업기사, 기능사, 기능장, 기술사) is a certificate wherever it is listed
    certs, cert_src = _certifications([ln for s in by_name.get("certifications", [])
                                       for ln in join_wrapped(_without_notes(s.lines))] + [
        ln for ln in joined("education") if _KO_QUALIFICATION_RE.match(_bullet(ln.text)[1].split(" | ")[0].strip())]
        + [ln for ln in edu_certs if not _KO_QUALIFICATION_RE.match(_bullet(ln.text)[1].split(" | ")[0].strip())])
    awards, award_src = _plain_list(joined("awards"))
    langs, lang_src = _plain_list(joined("languages"))
    sections_out: dict[str, list[str]] = {}
    for s in sections:
        sections_out.setdefault(s.name, []).extend(ln.text for ln in join_wrapped(s.lines))
    named = _name(raw_lines if raw_lines and raw_lines[0].geometric else lines)
    for job in experience:
        # the candidate's own name over the first job (a heading block read into the section) is
        # no employer or title of theirs
        if named and job["role"] and _key(job["role"]) == _key(named):
            job["role"] = None
        if named and job["company"] and _key(job["company"]) == _key(named):
            job["company"], job["role"] = (job["role"], None) if job["role"] and role_score(job["role"]) == 0 else (None, job["role"])
    for name, values, srcs in (("skills", skills, skill_src), ("certifications", certs, cert_src)):
        for v, src in zip(values, srcs):
            conf = _item_confidence(name, v)
            src["confidence"] = conf
            src["uncertain"] = conf < UNCERTAIN_BELOW
    uncertain = {"skills": [v for v, src in zip(skills, skill_src) if src["uncertain"]],
                 "certifications": [v for v, src in zip(certs, cert_src) if src["uncertain"]]}
    return {
        "language": detect_language(text),
        "name": named,
        "summary": " ".join(sections_out.get("summary", [])),
        "sections": sections_out,
        "experience": experience,
        "education": education,
        "skills": skills,
        "projects": projects,
        "certifications": certs,
        "awards": awards,
        "languages": langs,
        "provenance": {"skills": skill_src, "certifications": cert_src, "awards": award_src,
                       "languages": lang_src},
        "uncertain": uncertain,
    }


def _item_confidence(kind: str, v: str) -> float:
    """A skill is a short name ("Kubernetes", "REST APIs"); a phrase of four words or more
    may be a sentence's fragment. A certificate is a name; one of many words or without a
    capital letter may be a description."""
    words = len(v.split())
    if kind == "skills":
        return 0.9 if words <= 3 else 0.5
    conf = 0.9
    if words > 8:
        conf -= 0.4
    if not re.search(r"[A-Z\uac00-\ud7a3]", v):
        conf -= 0.3
    return round(conf, 2)


def structure_resume(text: str, layout: list[LayoutPage] | None = None) -> dict[str, Any]:
    """Structure a resume: from its ``layout`` when the reader gave one (fonts, positions,
    columns), else from ``text`` (all pages joined). Never raises on odd layouts: what
    cannot be recognised stays in ``sections``/``summary`` as text."""
    if layout:
        return structure_layout(layout)
    return structure_layout(lines_from_text(text))


# ------------------------------------------------------------------------ planner facts
def _balanced(v: str) -> bool:
    return v.count("(") == v.count(")") and v.count("[") == v.count("]")


_NO_EMPLOYER = {"freelance", "freelancer", "self-employed", "self employed", "independent", "independent contractor",
                "contract", "contractor", "프리랜서", "개인사업", "개인 사업", "자영업"}


def fact_ok(slot: str, value: Any) -> bool:
    """Sanity check of one slot value before a question quotes it: a company is not a role,
    a date or a sentence fragment; a role has role words; a skill is a short name; a project
    and a certification are names, not sentences. Unbalanced parentheses mean a fragment."""
    if not isinstance(value, str):
        return False
    v = value.strip()
    if not v or len(v) > 60 or not _balanced(v) or find_period(v) or is_date_only(v):
        return False
    if re.match(r"^(?:and|or|&|및|,)\b", v, re.I) or re.search(r"(?:\b(?:and|or|of|in|&)|[,/-])$", v, re.I):
        return False
    if _sentence_like(v, 12) or (_SENTENCE_END_RE.search(v) and not _ABBREV_END_RE.search(v)) or "|" in v or ": " in v:
        return False
    words = len(v.split())
    if slot == "prev_company":
        if v.lower() in _NO_EMPLOYER:
            return False  # "Freelance": no company to ask about
        return words <= 6 and role_score(v) == 0 and not is_location(v) and not _vocab_section(v)
    if slot == "role":
        return words <= 12 and role_score(v) > 0 and company_score(v) < 3
    if slot == "skill":
        return words <= 4 and len(v) <= 40 and not _vocab_section(v)
    if slot == "project":
        return 1 <= words <= 10
    if slot == "certification":
        return words <= 10
    return True


def is_confident(entry: Any) -> bool:
    """Whether a structured entry (a job, a school, a project) may fill a question slot: not
    marked ``"uncertain"`` by intake, or confirmed by the user (``"confirmed": True``, set by
    core.resume.store.correct_field). Entries from before confidence existed count as sure."""
    if not isinstance(entry, dict):
        return False
    return bool(entry.get("confirmed")) or not entry.get("uncertain", False)


def confident_values(structured: dict[str, Any], kind: str) -> list[str]:
    """The ``skills`` or ``certifications`` intake is sure of, and every one the user typed
    or corrected (only values intake itself listed as uncertain are left out)."""
    unsure = set((structured.get("uncertain") or {}).get(kind) or [])
    return [v for v in structured.get(kind) or [] if isinstance(v, str) and v not in unsure]


def resume_facts(structured: dict[str, Any]) -> dict[str, list[str]]:
    """Slot values a question may be filled with, each copied from the resume, confident
    (:func:`is_confident`, :func:`confident_values`: an uncertain value never fills a slot,
    so the planner asks a generic question instead) and passing :func:`fact_ok`: project,
    skill, prev_company, role, certification (empty when absent)."""
    exp = [e for e in structured.get("experience") or [] if is_confident(e)]
    raw = {
        "project": [p.get("name") for p in structured.get("projects") or [] if is_confident(p)],
        "skill": confident_values(structured, "skills"),
        "prev_company": [e.get("company") for e in exp],
        "role": [e.get("role") for e in exp],
        "certification": confident_values(structured, "certifications"),
    }
    out: dict[str, list[str]] = {}
    for slot, values in raw.items():
        seen: set[str] = set()
        out[slot] = []
        for v in values:
            if fact_ok(slot, v) and v.strip().lower() not in seen:
                seen.add(v.strip().lower())
                out[slot].append(v.strip())
    return out


# ------------------------------------------------------------------ headings and labels
# Group headings inside a skills section and field labels: never a skill, company or role.
_GROUP_LABELS = {
    "programming", "programminglanguages", "languages", "language", "frameworks", "framework",
    "libraries", "library", "tools", "tool", "toolsandtechnologies", "technologies", "technology",
    "databases", "database", "db", "frontend", "backend", "fullstack", "devops", "cloud", "infra",
    "infrastructure", "platforms", "platform", "mobile", "web", "ml", "ai", "aiml", "aillm", "llm",
    "data", "dataanalytics", "os", "etc", "others", "other", "misc", "miscellaneous", "familiar",
    "proficient", "advanced", "intermediate", "beginner", "basic", "fluent", "workedwith", "areas",
    "softskills", "hardskills", "mlframeworks", "researchareas", "vectorstore", "testing", "version control",
    "versioncontrol", "methodologies", "ide", "collaboration", "design", "skills", "technicalskills",
    "분류", "구분", "항목", "내용", "기타", "언어", "프레임워크", "라이브러리", "도구", "툴", "데이터베이스",
    "프론트엔드", "백엔드", "인프라", "클라우드", "협업", "협업툴", "주력", "경험", "관심", "기술", "역량",
    "date", "dates", "location", "period", "duration", "role", "position", "title", "company", "employer",
    "organization", "school", "degree", "gpa", "major", "기간", "직위", "직급", "회사", "회사명", "소속",
    "담당", "담당업무", "역할", "주요성과", "주요업무", "성과", "업무", "학교", "전공", "학위", "위치", "근무지",
    "computerlanguage", "computerlanguages", "software", "hardware", "languagesandframeworks",
    "programminglanguage", "scripting", "markup", "webtechnologies", "operatingsystems",
    "정규직", "계약직", "파견직", "재직중", "퇴사", "fulltime", "parttime", "permanent", "contract", "temporary",
}


def vocab_section(text: str) -> str | None:
    """The resume section a heading names ("Work Experience" -> "experience"), or None."""
    return _vocab_section(text)


def is_label(text: str) -> bool:
    """A label or group heading rather than a value: "Date:", "Location:", "Frameworks",
    "PROGRAMMING", "AI/LLM", "분류", "주요 성과"."""
    t = text.strip()
    if not t:
        return False
    if re.fullmatch(r"[^:：]{1,30}[:：]", t):
        return True
    key = re.sub(r"[^0-9a-z\uac00-\ud7a3]+", "", t.lower())
    if key in _GROUP_LABELS:
        return True
    parts = [p for p in re.split(r"\s*(?:/|&|,|\band\b|및|·)\s*", t.lower()) if p.strip()]
    return len(parts) > 1 and all(re.sub(r"[^0-9a-z\uac00-\ud7a3]+", "", p) in _GROUP_LABELS for p in parts)


def confident_facts(structured: dict[str, Any]) -> dict[str, list[str]]:
    """The facts a question may quote: :func:`resume_facts` (confident, sane values only)."""
    return resume_facts(structured)
