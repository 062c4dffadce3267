"""Dates and periods as resumes write them, in Korean and English.

Recognised: "2019 – 2022", "Jan 2023 - Present", "June 2012 – Present", "2019.03 ~ 현재",
"2020.03 – 2023.12", "2023 년 7 월 - 2023 년 8 월", "03/2019 – 05/2021", "07 2023 - 10 2023" and
"2022 08" (a two-digit month and the year, spaced), "2021 01 - 08" / "2021.01 - 08" / "2021년 1월 ~ 8월"
(the end month in the start's year), "19.06 – 현재" / "11.03 – 17.08" (two-digit years, as a range
only), "Summer 2022",
"Fall 2013 – Spring 2014", "Summer 2013, 2014", "Summer 2012 and 2013", "2017 –" (open: the end follows on the next
line), "March 21, 2022" (a day: its month counts), "May-August 2016" (two months of one year), "since January 2016" (open to the present), a lone
"2022" or "May 2016". :func:`normalize_period` gives a canonical form used to
compare periods ("2019-03..present"). Pure functions; safe from any thread.
"""

from __future__ import annotations

import re

_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
           "sep": 9, "oct": 10, "nov": 11, "dec": 12}
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_SEASON = r"(?:spring|summer|fall|autumn|winter)"
_YEAR = r"(?:19|20)\d{2}"
_MM = r"(?:0?[1-9]|1[0-2])"
DATE = (rf"(?:{_MONTH}\.?\s+(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,?\s*{_YEAR}|{_MONTH}\.?,?\s*{_YEAR}|{_SEASON}\s+{_YEAR}|{_YEAR}\s*[./-]\s*{_MM}(?![\d])(?:\s*[./-]\s*\d{{1,2}}(?!\d))?"
        rf"|{_MM}\s*[./]\s*{_YEAR}|{_YEAR}\s*년(?:\s*{_MM}\s*월)?"
        rf"|(?<![\d.])(?:0[1-9]|1[0-2])\s{_YEAR}|{_YEAR}\s(?:0[1-9]|1[0-2])(?![\d.:])|{_YEAR})")
PRESENT = r"(?:present|current(?:ly)?|now|today|ongoing|현재|재직\s*중|진행\s*중)"
_SEP = r"\s*(?:[-–—~∼〜]|to|until)\s*"
_B = r"(?<![\w.])"
_A = r"(?![\w])"
# "2021.12.27. ~ 현재": a full stop after the start date (Korean writes dates with one) is no separator
RANGE_RE = re.compile(rf"{_B}(?P<start>{DATE})\.?{_SEP}(?P<end>{DATE}|{PRESENT}){_A}", re.I)
LIST_RE = re.compile(rf"{_B}(?P<start>{DATE})(?:\s*(?:,|and|&)\s*(?P<end>{_YEAR}))+{_A}", re.I)
OPEN_RE = re.compile(rf"{_B}(?P<start>{DATE})\s*[-–—~]\s*$", re.I)
# "2021 01 - 08", "2021.01 - 08", "2021년 1월 ~ 8월": the end month is in the start's year (a Korean
# table cell). A bare "-" between digits ("2021-01-08") is a full date, so it needs a space beside it.
_SHORT_SEP = r"(?:\s*[–—~∼〜]\s*|\s+-\s*|\s*-\s+|\s+(?:to|until)\s+)"
SHORT_END_RE = re.compile(rf"{_B}(?P<start>{_YEAR}\s*[./]?\s*(?<![\d])(?:0[1-9]|1[0-2])|{_YEAR}\s*[./]\s*{_MM}"
                          rf"|{_YEAR}\s*년\s*{_MM}\s*월){_SHORT_SEP}(?P<end>(?:0[1-9]|1[0-2])|{_MM}\s*월|[1-9](?=\s*(?:$|\|)))"
                          rf"(?![\w.]|\s*[./]\s*\d)", re.I)
# "19.06 – 현재", "11.03 – 17.08", "17.07 - 19.5": a period with two-digit years (Korean resumes);
# only as a range (a lone "19.06" may be a version or a score), and the end not before the start
_YY = r"\d{2}\s*\.\s*(?:0?[1-9]|1[0-2])"
YY_RANGE_RE = re.compile(rf"{_B}(?P<start>{_YY}){_SEP}(?P<end>{_YY}|{PRESENT})(?![\w.]|\s*[./]\s*\d)", re.I)
# "May-August 2016", "June – July 2017": two months of one year (the year written once)
MONTH_SPAN_RE = re.compile(rf"{_B}(?P<start>{_MONTH})\.?{_SEP}(?P<end>{_MONTH}\.?,?\s*{_YEAR}){_A}", re.I)
# "since January 2016", "seit 2019": an open period that runs to the present
SINCE_RE = re.compile(rf"(?<![\w])(?:since|seit|depuis)\s+(?P<start>{DATE}){_A}", re.I)
SINGLE_RE = re.compile(rf"{_B}(?P<start>{DATE}){_A}", re.I)
_PRESENT_ONLY = re.compile(rf"^\s*{PRESENT}\s*$", re.I)
_FILLER = re.compile(r"^[\s|,;:()\[\]\-–—~.]*(?:expected\s+graduation|graduat(?:ed|ion)|expected|"
                     r"since|from|졸업(?:\s*예정)?|입학|취득|재학\s*중?)?[\s|,;:()\[\]\-–—~.]*$", re.I)


def find_period(text: str, *, single: bool = True) -> re.Match[str] | None:
    """The first date range in ``text``; failing that (``single``) a season list, an open
    range or one date."""
    for rx in (RANGE_RE, MONTH_SPAN_RE, SHORT_END_RE, YY_RANGE_RE, LIST_RE, OPEN_RE, SINCE_RE) + (
            (SINGLE_RE,) if single else ()):
        if rx is YY_RANGE_RE:
            for yy in rx.finditer(text):
                end = _yy_point(yy.group("end"))
                if end == "present" or end >= _yy_point(yy.group("start")):
                    return yy
            continue
        m = rx.search(text)
        if m:
            return m
    return None


def _yy_point(text: str) -> str:
    """"19.06" -> "2019-06" ("97.03" -> "1997-03"); "현재" -> "present"."""
    t = text.strip()
    if re.fullmatch(PRESENT, t, re.I):
        return "present"
    yy, mm = (int(x) for x in re.split(r"\s*\.\s*", t))
    return f"{(2000 if yy < 70 else 1900) + yy}-{mm:02d}"


def is_date_only(text: str) -> bool:
    """True when ``text`` is a date or period and nothing else (a date-column cell)."""
    if _PRESENT_ONLY.match(text):
        return True
    m = find_period(text)
    if not m:
        return False
    rest = text[:m.start()] + text[m.end():]
    return bool(_FILLER.match(rest))


def ends_open(text: str) -> bool:
    """"2017 –": a period whose end is on the next line."""
    return bool(OPEN_RE.search(text.strip()))


def _point(text: str) -> str:
    t = text.strip().lower()
    if re.fullmatch(PRESENT, t, re.I):
        return "present"
    year = re.search(_YEAR, t)
    if not year:
        return t
    y = year.group(0)
    mon = re.search(_MONTH, t)
    if mon:
        return f"{y}-{_MONTHS[mon.group(0)[:3]]:02d}"
    season = re.search(_SEASON, t)
    if season:
        return f"{y}-{'fall' if season.group(0) == 'autumn' else season.group(0)}"
    rest = (t[:year.start()] + " " + t[year.end():]).strip()
    mm = re.search(r"(?<!\d)(\d{1,2})(?!\d)", rest)
    if mm and 1 <= int(mm.group(1)) <= 12:
        return f"{y}-{int(mm.group(1)):02d}"
    return y


def normalize_period(text: str | None) -> str | None:
    """Canonical "start..end" ("2019-03..present", "2022-summer", "2016..2018"), or None."""
    if not text:
        return None
    m = find_period(text)
    if not m:
        return None
    start = _point(m.group("start"))
    end = m.groupdict().get("end")
    if m.re is OPEN_RE:
        return f"{start}.."
    if m.re is SINCE_RE:
        return f"{start}..present"
    if m.re is MONTH_SPAN_RE:  # "May-August 2016": the start month in the end's year
        last = _point(end or "")
        return f"{last[:4]}-{_MONTHS[m.group('start')[:3].lower()]:02d}..{last}"
    if m.re is YY_RANGE_RE:
        return f"{_yy_point(m.group('start'))}..{_yy_point(m.group('end'))}"
    if m.re is SHORT_END_RE:  # "2021 01 - 08": the end month in the start's year
        return f"{start}..{start[:4]}-{int(re.sub(r'[^0-9]', '', end or '')):02d}"
    return f"{start}..{_point(end)}" if end else start


def split_period(text: str | None) -> tuple[str | None, str | None]:
    """(start, end) of :func:`normalize_period` ("present" for an ongoing one)."""
    norm = normalize_period(text)
    if norm is None:
        return None, None
    start, _, end = norm.partition("..")
    return start, (end or None) if ".." in norm else None
