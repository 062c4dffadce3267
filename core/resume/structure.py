"""Turn a resume's extracted text into structured data, for Korean and English resumes.

Pure functions over text: no I/O, no logging of the text (it is personal data). Safe from
any thread. The output is a JSON-ready dict (``resumes.structured_data``)::

    {"language": "ko"|"en", "name": str|None, "summary": str,
     "sections": {section: [lines]},
     "experience": [{"company", "role", "period", "achievements": [..]}],
     "education": [{"school", "degree", "period", "text"}],
     "skills": [..], "projects": [{"name", "description", "tech": [..], "period"}],
     "certifications": [..], "awards": [..], "languages": [..]}

Everything in it is copied from the text (numbers in achievements are kept verbatim), so a
question planner may quote it without inventing facts. A field the resume lacks is empty.
"""

from __future__ import annotations

import re
from typing import Any

# Section header words (lower-case, spaces removed) -> canonical section.
_HEADERS: dict[str, tuple[str, ...]] = {
    "experience": ("경력", "경력사항", "경력기술", "경력기술서", "업무경력", "직무경력", "경험",
                   "workexperience", "experience", "professionalexperience", "employment",
                   "employmenthistory", "workhistory", "career"),
    "education": ("학력", "학력사항", "교육", "education", "academicbackground"),
    "skills": ("기술스택", "기술", "보유기술", "스킬", "기술및역량", "역량", "핵심역량", "competencies", "skills", "technicalskills",
               "techstack", "technologies", "skillset", "coreskills"),
    "projects": ("프로젝트", "프로젝트경험", "주요프로젝트", "projects", "project", "personalprojects",
                 "keyprojects", "sideprojects"),
    "certifications": ("자격증", "자격", "자격사항", "certifications", "certificates", "licenses",
                       "certification", "licensesandcertifications"),
    "awards": ("수상", "수상경력", "수상내역", "awards", "honors", "honorsandawards", "achievements"),
    "languages": ("어학", "어학능력", "외국어", "languages", "languageskills"),
    "summary": ("자기소개", "요약", "소개", "summary", "profile", "about", "aboutme", "objective"),
    "activities": ("대외활동", "활동", "activities", "extracurricular", "volunteer"),
}
_HEADER_LOOKUP = {alias: sec for sec, aliases in _HEADERS.items() for alias in aliases}

_PERIOD_RE = re.compile(
    r"(?P<period>(?:(?:19|20)\d{2}[./\-년\s]*(?:\d{1,2}\s*월?)?|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|"
    r"Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(?:19|20)\d{2})\s*(?:[-–~—]|to)\s*"
    r"(?:(?:19|20)\d{2}[./\-년\s]*(?:\d{1,2}\s*월?)?|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|"
    r"Nov|Dec)[a-z]*\.?\s+(?:19|20)\d{2}|현재|재직\s*중|present|current|now))", re.IGNORECASE)
_BULLET_RE = re.compile(r"^\s*(?:[-•·▪●◦*‣]|\d+[.)])\s*")
_SPLIT_SKILLS = re.compile(r"\s*(?:[,/|·•;]|\band\b|\s{2,})\s*")
_ROLE_WORDS = ("engineer", "developer", "manager", "scientist", "analyst", "intern", "lead",
               "designer", "architect", "consultant", "researcher", "개발자", "엔지니어", "매니저",
               "연구원", "인턴", "팀장", "리드", "기획자", "디자이너", "분석가", "사원", "대리", "과장",
               "책임", "선임", "담당")
_HANGUL_RE = re.compile(r"[\uac00-\ud7a3]")
_LATIN_RE = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """"ko" when Hangul makes up at least 30% of the letters, else "en"."""
    hangul = len(_HANGUL_RE.findall(text))
    latin = len(_LATIN_RE.findall(text))
    total = hangul + latin
    if total == 0:
        return "en"
    # Korean resumes are full of English tech words, so a modest Hangul share already means ko
    return "ko" if hangul / total >= 0.3 else "en"


def _header_of(line: str) -> str | None:
    s = line.strip()
    if not s or len(s) > 40:
        return None
    key = re.sub(r"[\s:：#\[\]【】<>()■□▶►|_\-]+", "", s).lower()
    key = re.sub(r"^\d+\.?", "", key)
    return _HEADER_LOOKUP.get(key)


def split_sections(text: str) -> tuple[list[str], dict[str, list[str]]]:
    """(lines before the first header, {section: non-empty lines}) in reading order."""
    head: list[str] = []
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        sec = _header_of(line)
        if sec:
            current = sec
            sections.setdefault(sec, [])
            continue
        (sections[current] if current else head).append(line)
    return head, sections


def _strip_bullet(line: str) -> tuple[bool, str]:
    m = _BULLET_RE.match(line)
    if m and not re.match(r"^\s*\d+[.)]\d", line):
        return True, line[m.end():].strip()
    return False, line.strip()


def _blocks(lines: list[str]) -> list[list[str]]:
    """Group a section's lines into entries: a non-bullet line after bullets starts a new one,
    so does a line carrying a date range when the current entry already has one."""
    blocks: list[list[str]] = []
    cur: list[str] = []
    cur_has_bullets = False
    cur_has_period = False
    for line in lines:
        is_bullet, _ = _strip_bullet(line)
        has_period = bool(_PERIOD_RE.search(line))
        starts_new = cur and not is_bullet and (cur_has_bullets or (has_period and cur_has_period))
        if starts_new:
            blocks.append(cur)
            cur, cur_has_bullets, cur_has_period = [], False, False
        cur.append(line)
        cur_has_bullets |= is_bullet
        cur_has_period |= has_period and not is_bullet
    if cur:
        blocks.append(cur)
    return blocks


def _cut_period(text: str) -> tuple[str | None, str]:
    """(the first date range, the text with it replaced by a field separator)."""
    m = _PERIOD_RE.search(text)
    if not m:
        return None, text
    rest = text[:m.start()] + " | " + text[m.end():]
    rest = re.sub(r"\(\s*\|\s*\)", " | ", rest)  # "(2019 – 2022)" leaves "( | )"
    return m.group("period").strip(), rest.strip(" ,|")


def _split_title(title: str) -> list[str]:
    parts = re.split(r"\s*(?:[|,/·]|\s[-–—]\s|\s{2,})\s*", title)
    return [p.strip(" ()[]") for p in parts if p.strip(" ()[]")]


def _experience(lines: list[str]) -> list[dict[str, Any]]:
    out = []
    for block in _blocks(lines):
        period = None
        header_parts: list[str] = []
        achievements: list[str] = []
        for line in block:
            is_bullet, body = _strip_bullet(line)
            if period is None and not is_bullet:
                period, body = _cut_period(body)
            if is_bullet:
                if body:
                    achievements.append(body)
            elif body:
                header_parts.extend(_split_title(body))
        company = header_parts[0] if header_parts else None
        role = None
        for part in header_parts[1:]:
            if any(w in part.lower() for w in _ROLE_WORDS):
                role = part
                break
        if role is None and len(header_parts) > 1:
            role = header_parts[1]
        if company and role is None and any(w in company.lower() for w in _ROLE_WORDS) and " at " in company:
            role, _, company = company.partition(" at ")
        extra = [p for p in header_parts[1:] if p != role]
        achievements = extra + achievements if not achievements else achievements
        if company or achievements:
            out.append({"company": company, "role": role, "period": period,
                        "achievements": achievements})
    return out


def _education(lines: list[str]) -> list[dict[str, Any]]:
    out = []
    for block in _blocks(lines):
        text = " ".join(_strip_bullet(line)[1] for line in block)
        period, rest = _cut_period(text)
        if period is None:
            year = re.search(r"\(?\b((?:19|20)\d{2})\b\)?", rest)
            if year:
                period = year.group(1)
                rest = (rest[:year.start()] + rest[year.end():]).strip(" ,|")
        parts = _split_title(rest)
        school_i = next((i for i, p in enumerate(parts)
                         if re.search(r"universit|college|institute|school|대학|학교", p, re.I)), 0)
        school = parts[school_i] if parts else None
        degree = " ".join(p for i, p in enumerate(parts) if i != school_i) or None
        out.append({"school": school, "degree": degree, "period": period, "text": text})
    return out


def _skills(lines: list[str]) -> list[str]:
    skills: list[str] = []
    for line in lines:
        _, body = _strip_bullet(line)
        if ":" in body or "：" in body:  # "Languages: Python, Go" -> the list after the label
            body = re.split(r"[:：]", body, maxsplit=1)[1]
        for s in _SPLIT_SKILLS.split(body):
            s = s.strip(" .()")
            if s and len(s) <= 40 and s.lower() not in {x.lower() for x in skills}:
                skills.append(s)
    return skills


def _projects(lines: list[str]) -> list[dict[str, Any]]:
    out = []
    for block in _blocks(lines):
        period, first = _cut_period(_strip_bullet(block[0])[1])
        paren = re.match(r"^(?P<name>[^(（]+?)\s*[(（](?P<desc>.+)[)）]\s*$", first)
        if paren:  # "알림 봇 개발 (Slack 연동, 장애 감지 5분 → 30초)": name, then what it did
            name, desc_lines = paren.group("name").strip(), [paren.group("desc").strip()]
        else:
            name_parts = [p for p in re.split(r"\s*(?:\||\s[-–—:]\s)\s*", first) if p.strip()]
            name = name_parts[0].strip() if name_parts else first
            desc_lines = [p.strip() for p in name_parts[1:]]
        tech: list[str] = []
        for line in block[1:]:
            _, body = _strip_bullet(line)
            label = re.match(r"^(?:tech(?:nologies|\s*stack)?|stack|사용\s*기술|기술\s*스택|기술)\s*[:：]\s*",
                             body, re.IGNORECASE)
            if label:
                tech.extend(_skills([body[label.end():]]))
            else:
                desc_lines.append(body)
        if name:
            out.append({"name": name, "description": " ".join(desc_lines).strip(),
                        "tech": tech, "period": period})
    return out


def _plain_list(lines: list[str]) -> list[str]:
    return [b for b in (_strip_bullet(line)[1] for line in lines) if b]


def structure_resume(text: str) -> dict[str, Any]:
    """Structure ``text`` (all pages joined). Never raises on odd layouts: what cannot be
    recognised stays in ``sections``/``summary`` as text."""
    head, sections = split_sections(text)
    name = None
    for line in head[:3]:
        if 1 < len(line) <= 30 and "@" not in line and not re.search(r"\d{3}", line):
            name = line
            break
    return {
        "language": detect_language(text),
        "name": name,
        "summary": " ".join(sections.get("summary", [])),
        "sections": sections,
        "experience": _experience(sections.get("experience", [])),
        "education": _education(sections.get("education", [])),
        "skills": _skills(sections.get("skills", [])),
        "projects": _projects(sections.get("projects", [])),
        "certifications": _plain_list(sections.get("certifications", [])),
        "awards": _plain_list(sections.get("awards", [])),
        "languages": _plain_list(sections.get("languages", [])),
    }


def resume_facts(structured: dict[str, Any]) -> dict[str, list[str]]:
    """Slot values a question may be filled with, each copied from the resume:
    project, skill, prev_company, role, certification (empty lists when absent)."""
    exp = structured.get("experience") or []
    return {
        "project": [p["name"] for p in structured.get("projects") or [] if p.get("name")],
        "skill": list(structured.get("skills") or []),
        "prev_company": [e["company"] for e in exp if e.get("company")],
        "role": [e["role"] for e in exp if e.get("role")],
        "certification": list(structured.get("certifications") or []),
    }
