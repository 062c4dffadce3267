"""A PDF page as a layout: positioned text lines, and the order a person reads them in.

The PDF engine (engines/pdf) fills :class:`LayoutPage` objects with the raw lines it found
(text already Unicode-normalised by :func:`clean_text`, with position, font size and weight);
:func:`reading_order` turns a page into the sequence of logical lines a recruiter reads:

* columns are found by an empty vertical gutter that at least three lines on either side
  border; a text column is read whole before the next one;
* a column that holds only dates (a left "date column", or dates flush right) is not read
  as a column: each date - joined first when it is split over two lines ("2017 –" /
  "Present") - is attached to the text line beside it;
* pieces of text on one row (a role and its right-aligned dates, a skills grid) become one
  line, the pieces joined by `` | ``.

Pure geometry over dataclasses: no PDF library here, safe from any thread.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from statistics import median

from core.resume.dates import DATE, ends_open, is_date_only

_WS_RE = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_HYPHENS_RE = re.compile(r"[-\u2010\u2011]{2,}")
_KO_UNIT_RE = re.compile(r"(?<=\d) (?=(?:년|월|일|급|점|건|명|개|차)(?:\W|$|[가-힣]))")
_PAGE_NO_RE = re.compile(r"^(?:page\s*)?\d{1,3}(?:\s*(?:/|of)\s*\d{1,3})?$|^.{0,40}\s[-–—|]\s*\d{1,3}\s*/\s*\d{1,3}$", re.I)
_DURATION_RE = re.compile(r"^\(?(?:만|총|약|about|approx\.?)?\s*\d+\+?\s*(?:years?|yrs?|months?|mos?|년|개월)(?:\s*\d+\s*(?:months?|mos?|개월))?\)?$", re.I)
# a bullet, or a line going on in lower case ("eCloudValley", "iOS Developer": a camel-case name
# starts a title, not a wrapped line)
_TEXT_ROW_RE = re.compile(r"^(?:[-•·▪●◦*‣■□▶►➢✓✔◆◇❖➤→✦–]|\d{1,2}[.)]\s)|^[a-z](?![a-z]*[A-Z])")


def clean_text(text: str) -> str:
    """NFKC (ligatures such as "ﬂ" become "fl", full-width forms become ASCII), soft hyphens
    read as the hyphens they stand in for, every run of whitespace - tabs, carriage returns,
    no-break spaces - one space, and Korean "2 급" written "2급" (Word PDFs space the digit from
    its unit).

    Some text layers (XeLaTeX with certain fonts, Awesome-CV among them) write every visible
    hyphen and dash as U+00AD: "Sep. 2023 \u00ad Mar. 2024", "Co\u00adfounder". Dropping it
    would glue the two dates of a period into one, so it becomes "-"."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "-")
    text = _HYPHENS_RE.sub("-", text.replace("\u2010", "-").replace("\u2011", "-"))
    text = _WS_RE.sub(" ", text).strip()
    return _KO_UNIT_RE.sub("", text)


@dataclass(frozen=True)
class LayoutLine:
    """One line of text. ``page`` counts from 1; ``bbox`` is (x0, y0, x1, y1) in PDF points
    from the page's top-left; ``column`` is the (x0, x1) of the column it was read in (set by
    :func:`reading_order`)."""

    text: str
    page: int
    bbox: tuple[float, float, float, float]
    size: float = 10.0
    bold: bool = False
    column: tuple[float, float] | None = None
    geometric: bool = True  # False for lines made from plain text (no real positions)
    color: int | None = None  # sRGB of the text when known
    line: int | None = None  # 1-based number of the line in its page's reading order
    # x0 of each `` | ``-separated piece of a merged row, in text order (None when unknown);
    # only valid while ``len(cells) == text.count(" | ") + 1``
    cells: tuple[float, ...] | None = None
    looks: tuple[tuple[float, bool], ...] | None = None  # (size, bold) of each such piece
    turned: bool = False  # set up or down the page (rotated 90 degrees), not across it

    def cell_x0(self, index: int) -> float | None:
        """Where the ``index``-th `` | ``-separated piece of the text starts, when known."""
        if self.cells is None or len(self.cells) != self.text.count(" | ") + 1 or index >= len(self.cells):
            return None
        return self.cells[index]

    @property
    def x0(self) -> float:
        return self.bbox[0]

    @property
    def y0(self) -> float:
        return self.bbox[1]

    @property
    def x1(self) -> float:
        return self.bbox[2]

    @property
    def y1(self) -> float:
        return self.bbox[3]

    @property
    def height(self) -> float:
        return max(self.bbox[3] - self.bbox[1], 1.0)

    def source(self) -> dict:
        """Provenance for a structured item: page, line (in the page's reading order, from 1)
        and rounded bounding box - what the resume preview highlights."""
        out: dict = {"page": self.page, "bbox": [round(v, 1) for v in self.bbox]}
        if self.line is not None:
            out["line"] = self.line
        return out


@dataclass
class LayoutPage:
    number: int
    width: float
    height: float
    lines: list[LayoutLine] = field(default_factory=list)


def lines_from_text(text: str) -> list[LayoutLine]:
    """Logical lines of plain text (no layout known). Only ``\\n`` ends a line: a ``\\r``
    between words (some PDF producers emit them) is whitespace, not a line break."""
    out: list[LayoutLine] = []
    for i, raw in enumerate(text.split("\n")):
        t = clean_text(raw)
        if t:
            out.append(LayoutLine(t, 1, (0.0, i * 12.0, 0.0, i * 12.0 + 10.0), geometric=False,
                                  line=len(out) + 1))
    return out


# ------------------------------------------------------------------------ geometry helpers
def _v_overlap(a: LayoutLine, b: LayoutLine) -> float:
    """Vertical overlap as a share of the shorter line's height."""
    inter = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(inter, 0.0) / min(a.height, b.height)


def is_duration(text: str) -> bool:
    """"2 years 10 months", "4 months", "(3년)": how long, not when."""
    return bool(_DURATION_RE.match(text.strip()))


def merge_rows(lines: list[LayoutLine], column: tuple[float, float] | None = None) -> list[LayoutLine]:
    """Lines sharing a row become one line, left to right; a wide gap becomes `` | ``.
    """
    rows: list[list[LayoutLine]] = []
    for ln in sorted(lines, key=lambda l: (l.y0 + l.y1) / 2):
        for row in rows[-3:]:
            if any(_v_overlap(ln, o) >= 0.5 for o in row):
                row.append(ln)
                break
        else:
            rows.append([ln])
    rows = [r for r in rows if r]
    out = []
    for row in rows:
        row.sort(key=lambda l: l.x0)
        text = row[0].text
        # a piece with fields of its own ("FACEBOOK | SOFTWARE ENGINEER", split by the reader at
        # a change of type) gives each of them its start, as near as is known
        cells = [row[0].x0] * (row[0].text.count(" | ") + 1)
        looks = [(row[0].size, row[0].bold)] * len(cells)
        for prev, cur in zip(row, row[1:]):
            gap = cur.x0 - prev.x1
            wide = gap > 1.2 * max(prev.size, cur.size)
            text += (" | " if wide else " ") + cur.text
            n = cur.text.count(" | ") + (1 if wide else 0)
            cells.extend([cur.x0] * n)
            looks.extend([(cur.size, cur.bold)] * n)
        # the row's look is its first piece's: "Co-Founder & CTO" (bold) | "San Francisco"
        bold = row[0].bold
        main = row[0]
        bbox = (min(l.x0 for l in row), min(l.y0 for l in row), max(l.x1 for l in row),
                max(l.y1 for l in row))
        col = column or (bbox[0], bbox[2])
        out.append(LayoutLine(text, row[0].page, bbox, main.size, bold, col, color=main.color,
                              cells=tuple(cells), looks=tuple(looks)))
    out.sort(key=lambda l: (l.y0 + l.y1) / 2)
    return out


def _date_groups(lines: list[LayoutLine]) -> list[LayoutLine]:
    """Dates of a date column, a date split over two lines ("2017 –" / "Present") joined."""
    groups: list[LayoutLine] = []
    for ln in sorted(lines, key=lambda l: l.y0):
        if groups and ends_open(groups[-1].text) and ln.y0 - groups[-1].y1 < 1.2 * ln.height:
            g = groups[-1]
            groups[-1] = replace(g, text=f"{g.text} {ln.text}",
                                 bbox=(min(g.x0, ln.x0), g.y0, max(g.x1, ln.x1), ln.y1))
        else:
            groups.append(ln)
    return groups


def _attach_dates(dates: list[LayoutLine], text_lines: list[LayoutLine],
                  column: tuple[float, float]) -> list[LayoutLine]:
    """Each date goes onto the text line that starts on its row (``text | date``)."""
    rows = merge_rows(text_lines, column)
    loose: list[LayoutLine] = []
    for d in _date_groups(dates):
        best = None
        for i, r in enumerate(rows):
            dist = abs(r.y0 - d.y0)
            if dist <= 0.8 * max(r.height, d.height) and (best is None or dist < best[0]):
                best = (dist, i)
        if best is None:
            loose.append(replace(d, column=column))
            continue
        r = rows[best[1]]
        rows[best[1]] = replace(r, text=f"{r.text} | {d.text}",
                                bbox=(min(r.x0, d.x0), r.y0, max(r.x1, d.x1), r.y1),
                                cells=(*r.cells, d.x0) if r.cells is not None else None,
                                looks=(*r.looks, (d.size, d.bold)) if r.looks is not None else None)
    return sorted(rows + loose, key=lambda l: l.y0)


def _datey(ln: LayoutLine) -> bool:
    return is_date_only(ln.text)


def _find_gutter(lines: list[LayoutLine], width: float) -> tuple[float, float] | None:
    """(score, x) of the best empty vertical gutter, or None. Candidates are the middles of
    the empty x-intervals between line edges at least 6 pt wide (between two edges every x
    splits the lines alike), crossed by fewer than 60% of the lines."""
    if len(lines) < 3:
        return None
    edges = sorted({round(v, 1) for l in lines for v in (l.x0, l.x1)})
    best: tuple[float, float] | None = None
    for a, b in zip(edges, edges[1:]):
        if b - a < 6.0:
            continue
        x = (a + b) / 2
        crossing = sum(1 for l in lines if l.x0 < x < l.x1)
        if crossing > 0.6 * len(lines):
            continue
        score = _gutter_score(lines, x)
        if score > 0 and (best is None or score > best[0]):
            best = (score, x)
    return best


def _runs(lines: list[LayoutLine], x: float) -> list[tuple[bool, list[LayoutLine]]]:
    """Split lines at ``x``: (False, band) for rows crossing x, (True, run) between them."""
    margin = 3.0
    cross = sorted((l for l in lines if l.x0 < x + margin and l.x1 > x - margin), key=lambda l: l.y0)
    cross_y0 = [c.y0 for c in cross]
    max_h = max((c.height for c in cross), default=0.0)
    band_ids = {id(c) for c in cross}
    for l in lines:
        if id(l) in band_ids:
            continue
        # only crossers starting within one line height can overlap this line
        lo = bisect_left(cross_y0, l.y0 - max_h)
        hi = bisect_right(cross_y0, l.y1)
        if any(_v_overlap(l, c) > 0.3 for c in cross[lo:hi]):
            band_ids.add(id(l))
    out: list[tuple[bool, list[LayoutLine]]] = []
    for ln in sorted(lines, key=lambda l: l.y0):
        is_band = id(ln) in band_ids
        if out and out[-1][0] == (not is_band):
            out[-1][1].append(ln)
        else:
            out.append((not is_band, [ln]))
    return out


def _classify_run(run: list[LayoutLine], x: float) -> str:
    left = [l for l in run if l.x1 <= x]
    right = [l for l in run if l.x0 >= x]
    if not left or not right:
        return "one"
    for side in (left, right):
        if sum(_datey(l) for l in side) >= 0.8 * len(side):
            other = right if side is left else left
            if not all(_datey(l) for l in other):
                return "dates_left" if side is left else "dates_right"
    if len(left) >= 3 and len(right) >= 3:
        small, big = (left, right) if len(left) <= len(right) else (right, left)
        aligned = sum(any(_v_overlap(a, b) >= 0.5 for b in big) for a in small)
        # pieces of the same rows (a contact line, role + dates) are a table, not columns
        # and a column is left-aligned: flush-right places and dates beside rows are not one
        if min(_aligned(left), _aligned(right)) < 0.6:
            return "one"
        if aligned < 0.5 * len(small):
            return "columns"
        if len(small) >= 8:
            # rows that line up may be two columns set in the same leading (a sidebar) or
            # one table (a Korean 표 resume): columns carry headings of their own on both
            # sides, a table's headings are on one side only (its column heads are body type)
            size = median(l.size for l in run)
            if (_has_heading(left, size) and _has_heading(right, size)) or _side_by_side_headings(left, right):
                return "columns"
            # only rows where both sides have text can line up: the name and a section heading
            # above a table (on one side of the gutter) are no evidence of two columns when
            # every row below them lines up
            top = max(min(l.y0 for l in left), min(l.y0 for l in right))
            small_in = [a for a in small if a.y1 > top or a.size < 1.15 * size]
            table = 0 < len(small_in) < len(small) and all(
                any(_v_overlap(a, b) >= 0.5 for b in big) for a in small_in)
            if aligned < 0.8 * len(small) and not table:
                return "columns"
    return "one"


def _side_by_side_headings(left: list[LayoutLine], right: list[LayoutLine]) -> bool:
    """"Education" and "Experience" on one row near the top of two columns set in the body's
    size (bold), each well apart from the line under it: two columns' headings, not a table's
    head row (whose rows follow close under it)."""
    if len(left) < 8 or len(right) < 8:
        return False
    h = median(l.height for l in left + right)

    def heading(side: list[LayoutLine]) -> LayoutLine | None:
        rows = sorted(side, key=lambda l: l.y0)
        for ln, nxt in zip(rows[:3], rows[1:4]):
            if (ln.bold and 1 <= len(ln.text.split()) <= 3 and not re.search(r"\d", ln.text)
                    and nxt.y0 - ln.y1 >= 1.5 * h
                    and not any(o is not ln and _v_overlap(o, ln) >= 0.5 for o in side)):
                return ln  # alone on its row in its column (a table's head row has cells beside it)
        return None

    a, b = heading(left), heading(right)
    return a is not None and b is not None and _v_overlap(a, b) >= 0.5


def _has_heading(side: list[LayoutLine], size: float) -> bool:
    return any(l.size >= 1.15 * size and len(l.text.split()) <= 5 for l in side)


def _aligned(side: list[LayoutLine]) -> float:
    """Share of the side's rows (a skills grid row is one) starting at its left edge, or at
    a second tab stop most rows share (a column whose entries have their dates on the left:
    dates at the edge, the text beside them further in), or centred on one axis (five rows
    or more: a centred sidebar)."""
    rows = merge_rows(side)
    left = min(r.x0 for r in rows)
    at_edge = [r for r in rows if r.x0 - left <= 20]
    rest = Counter(round(r.x0 / 5) for r in rows if r.x0 - left > 20)
    stop = rest.most_common(1)[0] if rest else None
    second = [r for r in rows if stop and stop[1] >= 2 and abs(r.x0 / 5 - stop[0]) <= 2 and r.x0 - left > 20]
    if len(at_edge) < 2:
        second = []
    # a sidebar set centred (headings and items on one axis) is as much a column
    axis = median((r.x0 + r.x1) / 2 for r in rows)
    centred = sum(abs((r.x0 + r.x1) / 2 - axis) <= 12 for r in rows) if len(rows) >= 5 else 0
    # a left column set flush right against the gutter (an HTML-printed "left-right" layout)
    right = max(r.x1 for r in rows)
    flush = sum(right - r.x1 <= 6 for r in rows) if len(rows) >= 8 else 0
    return max(len(at_edge) + len(second), centred, flush) / len(rows)


def _gutter_score(lines: list[LayoutLine], x: float) -> float:
    score = 0.0
    for free, run in _runs(lines, x):
        if not free:
            continue
        kind = _classify_run(run, x)
        if kind == "columns":
            left = [l for l in run if l.x1 <= x]
            right = [l for l in run if l.x0 >= x]
            # a column is left-aligned; right-aligned dates beside a column are not one
            score += 2 * min(len(left), len(right)) * _aligned(left) * _aligned(right)
        elif kind.startswith("dates"):
            score += sum(_datey(l) for l in run)
    return score


def _slabs(lines: list[LayoutLine]) -> list[list[LayoutLine]]:
    """Horizontal slabs separated by a band no line touches, at least ~3 lines of text high:
    a page header beside a contact block is read before the columns below it."""
    if not lines:
        return []
    size = median(l.size for l in lines)
    ordered = sorted(lines, key=lambda l: l.y0)
    slabs = [[ordered[0]]]
    bottom = ordered[0].y1
    for ln in ordered[1:]:
        if ln.y0 - bottom >= 3.0 * size:
            slabs.append([ln])
        else:
            slabs[-1].append(ln)
        bottom = max(bottom, ln.y1)
    return slabs


_FURNITURE_RE = re.compile(r"(?i)\b(?:page|last\s+updated|updated|résumé|resume|curriculum\s+vitae|cv)\b|"
                           r"이력서|경력기술서|페이지")


def _page_furniture(lines: list[LayoutLine], page: LayoutPage) -> set[int]:
    """ids of the page's running header and footer: a band in the top or bottom margin that
    holds a page number, a date or a "Résumé"/"Last updated" caption ("February 10, 2026 ·
    Byungjin Park · Résumé 1"). They are the page's, not the candidate's."""
    out: set[int] = set()
    for band in ([l for l in lines if l.y0 > 0.92 * page.height], [l for l in lines if l.y1 < 0.05 * page.height]):
        marked = [l for l in band if _PAGE_NO_RE.match(l.text.strip()) or _FURNITURE_RE.search(l.text)
                  or (is_date_only(l.text) and l.y0 > 0.92 * page.height and not _under_text(l, lines))
                  or (l.y1 < 0.05 * page.height and _FURNITURE_RE.search(l.text))]
        if not marked:
            continue
        rows = {id(o) for m in marked for o in band if _v_overlap(m, o) >= 0.5}
        out |= rows
    return out


def _under_text(ln: LayoutLine, lines: list[LayoutLine]) -> bool:
    """A line set right under another one above it (an entry's period under its school near the
    page's foot), not apart from the text as a footer is."""
    return any(o is not ln and o.y1 <= ln.y0 + 1 and ln.y0 - o.y1 < 1.2 * ln.height
               and o.x0 < ln.x1 and ln.x0 < o.x1 for o in lines)


def _column_extent(lines: list[LayoutLine]) -> tuple[float, float]:
    """(left edge, right margin) of a column: the margin where its full lines end, not the
    end of its longest line - a chart label or a wide caption sticking out of a sidebar
    would make every line look short, and wrapped text would read as separate lines."""
    left = min(l.x0 for l in lines)
    ends = sorted(l.x1 for l in lines)
    right = ends[-1]
    # only a column of running text has a margin its lines fill; in a list ("Kotlin" /
    # "Spring Boot") the longest item is the margin, or every long item would look wrapped
    if len(ends) >= 10 and sum(len(l.text.split()) >= 5 for l in lines) >= 0.5 * len(lines):
        right = ends[int(0.9 * (len(ends) - 1))]
    return left, right


# "updated: @March 21, 2022", "Last updated 2024.05", "최종 수정일: 2024.05.01": the document's date
_UPDATED_RE = re.compile(rf"(?i)(?:\s*\|)?\s*(?:last\s+)?(?:updated|modified|revised)(?:\s+on)?\s*[:：]?\s*(?:\|\s*)?@?\s*"
                         rf"(?:{DATE})|(?:\s*\|)?\s*최종\s*(?:수정|업데이트)일?\s*[:：]?\s*(?:\|\s*)?(?:{DATE})")


def _without_document_date(line: LayoutLine) -> LayoutLine | None:
    """The line without what dates the document ("김형률 | updated: | @March 21, 2022"), None
    when nothing else is on it: the date is the file's, not an entry's period."""
    m = _UPDATED_RE.search(line.text)
    if not m:
        return line
    text = (line.text[:m.start()] + line.text[m.end():]).strip(" |")
    if not text:
        return None
    return replace(line, text=text, cells=None, looks=None)


def reading_order(page: LayoutPage) -> list[LayoutLine]:
    """The page's logical lines in reading order (see the module docstring)."""
    lines = [l for l in page.lines if l.text.strip()]
    # page numbers ("1", "1/2") in the top or bottom margin are not resume content
    lines = [l for l in lines if not (_PAGE_NO_RE.match(l.text.strip())
                                      and (l.y1 < 0.07 * page.height or l.y0 > 0.85 * page.height))]
    furniture = _page_furniture(lines, page)
    lines = [l for l in lines if id(l) not in furniture]
    lines = _table_cells(lines)
    margin_headings = _turned_headings(lines)
    lines = [l for l in lines if id(l) not in {id(h) for h in margin_headings}]
    out: list[LayoutLine] = []
    for slab in _slabs(lines):
        slab_col = (min(l.x0 for l in slab), max(l.x1 for l in slab))
        gut = _find_gutter(slab, page.width)
        if gut is None:
            out.extend(merge_rows(slab, slab_col))
            continue
        x = gut[1]
        runs = [(free, run, _classify_run(run, x) if free else "one") for free, run in _runs(slab, x)]
        columns = False  # a run above showed two columns
        for free, run, kind in runs:
            if free and kind == "one" and columns and _column_tail(run, x):
                kind = "columns"
            columns = columns or kind == "columns"
            left = [l for l in run if l.x1 <= x]
            right = [l for l in run if l.x0 >= x]
            if kind == "columns":
                out.extend(merge_rows(left, _column_extent(left)))
                out.extend(merge_rows(right, _column_extent(right)))
            elif kind == "dates_left":
                out.extend(_attach_dates(left, right, (min(l.x0 for l in right), max(l.x1 for l in right))))
            elif kind == "dates_right":
                # flush-right dates: the row runs to the dates, so the column does too
                out.extend(_attach_dates(right, left, (min(l.x0 for l in run), max(l.x1 for l in run))))
            else:
                # the slab's extent, so a short line in a wide slab is not taken for a full one
                out.extend(merge_rows(run, slab_col))
    out = _place_turned_headings(out, margin_headings)
    kept = [k for k in (_without_document_date(ln) for ln in out) if k is not None]
    return [replace(ln, line=i) for i, ln in enumerate(kept, start=1)]


def _table_cells(lines: list[LayoutLine]) -> list[LayoutLine]:
    """A table under a row of bold column headings ("기간 | 기관명 | 교육명/대상 | 구분") whose
    cells run over several lines, each cell set level with the middle of its row: the lines of
    one row (touching, or under a line's height apart) are read cell by cell, each cell's lines
    joined, as one line. Rows whose cells are all one line are left to :func:`merge_rows`."""
    if not lines:
        return lines
    heads = _table_heads(lines)
    if not heads:
        return lines
    replaced: dict[int, LayoutLine | None] = {}
    for head in heads:
        starts = sorted(l.x0 for l in head)
        size = median(l.size for l in head)
        below = sorted((l for l in lines if l.y0 >= max(h.y1 for h in head) - 1 and not l.turned
                        and l.page == head[0].page), key=lambda l: l.y0)
        body: list[LayoutLine] = []
        for ln in below:
            if ln.x0 < starts[0] - 4 or ln.size > 1.15 * size or (
                    body and ln.y0 - max(b.y1 for b in body) > 3 * size):
                break  # out of the table: left of it, a heading, or far below
            body.append(ln)
        bands: list[list[LayoutLine]] = []
        for ln in body:
            if bands and ln.y0 - max(b.y1 for b in bands[-1]) < 1.2 * ln.height:
                bands[-1].append(ln)
            else:
                bands.append([ln])
        for band in bands:
            cols: dict[int, list[LayoutLine]] = {}
            for ln in band:
                k = max(i for i, x in enumerate(starts) if x <= ln.x0 + 4) if ln.x0 + 4 >= starts[0] else 0
                cols.setdefault(k, []).append(ln)
            if len(cols) < 2 or all(len(c) == 1 for c in cols.values()):
                continue
            cells = [" ".join(l.text for l in sorted(cols[k], key=lambda l: l.y0)) for k in sorted(cols)]
            first = min(band, key=lambda l: (l.y0, l.x0))
            bbox = (min(l.x0 for l in band), min(l.y0 for l in band), max(l.x1 for l in band),
                    max(l.y1 for l in band))
            row = replace(first, text=" | ".join(cells), bbox=bbox, cells=tuple(min(l.x0 for l in cols[k])
                                                                               for k in sorted(cols)),
                          looks=tuple((cols[k][0].size, cols[k][0].bold) for k in sorted(cols)))
            for i, ln in enumerate(band):
                replaced[id(ln)] = row if i == 0 else None
    out: list[LayoutLine] = []
    for ln in lines:
        if id(ln) not in replaced:
            out.append(ln)
        elif replaced[id(ln)] is not None:
            out.append(replaced[id(ln)])  # type: ignore[arg-type]
    return out


def _table_heads(lines: list[LayoutLine]) -> list[list[LayoutLine]]:
    """Rows of at least three short bold pieces, a gap apart, over lines in body type: a
    table's column headings."""
    heads: list[list[LayoutLine]] = []
    for ln in lines:
        if not ln.bold or ln.turned or len(ln.text.split()) > 3 or " | " in ln.text:
            continue
        row = [o for o in lines if o.page == ln.page and o.bold and not o.turned and _v_overlap(ln, o) >= 0.8
               and len(o.text.split()) <= 3 and " | " not in o.text]
        row.sort(key=lambda l: l.x0)
        if (len(row) >= 3 and row[0] is ln and len(row) == len([o for o in lines if o.page == ln.page
                                                               and _v_overlap(ln, o) >= 0.5])
                and all(b.x0 - a.x1 > 2 * a.size for a, b in zip(row, row[1:]))):
            heads.append(row)
    return heads


def _turned_headings(lines: list[LayoutLine]) -> list[LayoutLine]:
    """Short lines turned up or down the page beside the text ("EXPERIENCE" set vertically
    in the right margin): section headings for the lines level with them, not lines of the
    row they happen to touch."""
    flat = [l for l in lines if not l.turned]
    if not flat:
        return []
    left, right = min(l.x0 for l in flat), max(l.x1 for l in flat)
    return sorted((l for l in lines if l.turned and len(l.text.split()) <= 3
                   and (l.x0 >= right - 2 or l.x1 <= left + 2 or _beside_rows(l, flat))),
                  key=lambda l: l.y0)


def _beside_rows(heading: LayoutLine, flat: list[LayoutLine]) -> bool:
    """No line across the page crosses the heading's strip: it stands in a margin of its own."""
    return not any(l.x0 < heading.x1 and l.x1 > heading.x0 and l.y0 < heading.y1 and l.y1 > heading.y0
                   for l in flat)


def _place_turned_headings(out: list[LayoutLine], headings: list[LayoutLine]) -> list[LayoutLine]:
    """Each margin heading goes before the first line of its section. Headings are centred on
    their sections, so a section runs from halfway between the previous heading and this one;
    the first section reaches as far above its heading's middle as below it to the next
    section's start (a lone heading starts at its own top)."""
    if not headings:
        return out
    starts = [h.y0 if k == 0 else (headings[k - 1].y1 + h.y0) / 2 for k, h in enumerate(headings)]
    if len(headings) > 1:
        mid = (headings[0].y0 + headings[0].y1) / 2
        starts[0] = min(headings[0].y0, mid - (starts[1] - mid))
    placed = list(out)
    for h, start in sorted(zip(headings, starts, strict=True), key=lambda p: -p[1]):
        at = next((i for i, ln in enumerate(placed) if ln.y0 >= start and not ln.turned), len(placed))
        placed.insert(at, replace(h, turned=True))
    return placed


def _column_tail(run: list[LayoutLine], x: float) -> bool:
    """A run too short to show columns of its own ("ACTIVITIES" under a sidebar beside the
    main column's last lines) below a run that did, with the same gutter: the columns go on,
    unless a side is only dates (those belong to the rows beside them). Only below: a grid
    above the columns (a skills table) is no column of theirs."""
    left = [l for l in run if l.x1 <= x]
    right = [l for l in run if l.x0 >= x]
    return bool(left and right) and not any(all(_datey(l) for l in side) for side in (left, right))


def _lift_side_dates(lines: list[LayoutLine]) -> list[LayoutLine]:
    """Flush-right dates (and durations) that happen to sit on a bullet's or a wrapped line's
    row belong to the entry's title above it (a few lines up), and move there."""
    out = list(lines)
    for i, ln in enumerate(out):
        if not _TEXT_ROW_RE.match(ln.text):
            continue
        body = ln.text
        tails: list[str] = []
        while " | " in body:
            head, _, tail = body.rpartition(" | ")
            if not (is_date_only(tail) or is_duration(tail)):
                break
            body, tails = head, [tail] + tails
        if not tails or " | " in body:
            continue  # "- We4IT GmbH | Developer | 2019 - 2021": a title row of its own, dates and all
        for j in range(i - 1, max(i - 5, -1), -1):
            t = out[j]
            if t.page != ln.page or ln.y0 - t.y1 > 4 * ln.height:
                break
            if not _TEXT_ROW_RE.match(t.text):
                if is_date_only(t.text.rpartition(" | ")[2]):
                    break  # the title has its period: "■ M.B.A. | 2008 – 2009" is a dated line of its own
                out[j] = replace(t, text=" | ".join([t.text] + tails))
                out[i] = replace(ln, text=body)
                break
    return out


def _close_open_periods(lines: list[LayoutLine]) -> list[LayoutLine]:
    """A table cell's period broken over two lines ("서울대학교 | 2016.03 ~ | 졸업" over
    "2020.02"): the date under the row closes the row's open period, inside the row."""
    out: list[LayoutLine] = []
    for ln in lines:
        prev = out[-1] if out else None
        if (prev is not None and prev.page == ln.page and is_date_only(ln.text)
                and 0 <= ln.y0 - prev.y1 < 1.2 * ln.height and prev.x0 <= ln.x0 <= prev.x1):
            pieces = prev.text.split(" | ")
            open_at = [i for i, p in enumerate(pieces) if ends_open(p)]
            if len(open_at) == 1 and len(pieces) > 1:
                pieces[open_at[0]] = f"{pieces[open_at[0]]} {ln.text}"
                out[-1] = replace(prev, text=" | ".join(pieces),
                                  bbox=(prev.x0, prev.y0, max(prev.x1, ln.x1), ln.y1))
                continue
        out.append(ln)
    return out


def document_lines(pages: list[LayoutPage]) -> list[LayoutLine]:
    return _lift_side_dates(_close_open_periods([ln for p in pages for ln in reading_order(p)]))
