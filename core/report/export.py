"""Export a report (from :func:`core.report.builder.build_report`) as one self-contained HTML
file and as a PDF with the same content and charts.

HTML: inline CSS, charts as base64 PNG, no external URL; every string from the report (the
candidate's words above all) is HTML-escaped. PDF: the same markup laid out by PyMuPDF's
Story engine, whose built-in fallback fonts include Korean, so Hangul renders without a
system font. Each call builds its own objects: safe to run from worker threads.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Callable, TypeVar

from core.delivery import DeliveryMetrics
from core.i18n import tr
from core.report.charts import all_charts
from core.report.model import Detail, Emotions, EvidenceQuote, Report
from core.report.scores import criterion_name, criterion_rows, question_number, score_text

Quote = TypeVar("Quote", EvidenceQuote, Mapping[str, object])

_CSS = """
body { font-family: "Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif;
       color: #222; margin: 0; padding: 0; font-size: 10.5pt; line-height: 1.45; }
.page { max-width: 900px; margin: 0 auto; padding: 16px 24px; }
h1 { font-size: 20pt; margin: 0 0 4px 0; color: #1d3d6b; }
h2 { font-size: 14pt; margin: 18px 0 6px 0; color: #1d3d6b; border-bottom: 1px solid #c9d4e5; }
h3 { font-size: 11.5pt; margin: 14px 0 4px 0; }
.meta { color: #555; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; }
td, th { padding: 3px 6px; vertical-align: top; text-align: left; border-bottom: 1px solid #e3e3e3; }
th { color: #555; font-weight: normal; }
.row { margin: 2px 0; }
.cards td { text-align: center; border: 1px solid #c9d4e5; width: 20%; }
.big { font-size: 18pt; font-weight: bold; color: #1d3d6b; }
.na { color: #8a8a8a; font-style: italic; }
.answer { background: #f6f7f9; padding: 6px 8px; white-space: pre-wrap; }
.quote { color: #1d3d6b; }
.mark { background: #ffe58a; color: #222; }
.ts { color: #777; font-size: 8.5pt; }
.warn { color: #a25b00; }
img { max-width: 100%; }
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def num(value: float, digits: int = 1) -> str:
    """``value`` with up to ``digits`` decimals and no trailing zeros (71.5, 70). Pure."""
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _fmt(value: float | None, lang: str, digits: int = 1) -> str:
    if value is None:
        return f'<span class="na">{_e(tr("report.label.not_evaluated", lang))}</span>'
    return _e(num(value, digits))


def _score(value: float | None, lang: str) -> str:
    """A 0-100 score as every surface shows it (core.report.scores.score_text)."""
    if value is None:
        return f'<span class="na">{_e(tr("report.label.not_evaluated", lang))}</span>'
    return _e(score_text(value))


def _delivery_rows(dl: DeliveryMetrics, lang: str) -> str:
    rows: list[tuple[str, str]] = []
    rate = dl["rate"]
    if rate["value"] is None:
        rate_txt = f'<span class="na">{_e(tr("delivery.rate_unknown", lang))}</span>'
    else:
        rate_txt = _e(f'{rate["value"]:.0f} {tr("delivery.unit." + rate["unit"], lang)} '
                      f'({rate["band"][0]:.0f}-{rate["band"][1]:.0f}): {tr("delivery.verdict." + str(rate["verdict"]), lang)}')
    rows.append((tr("delivery.rate", lang), rate_txt))
    f = dl["fillers"]
    ftxt = tr("delivery.fillers_value", lang, count=f["count"], per_min=f["per_min"] if f["per_min"] is not None else "-")
    if f["top"]:
        ftxt += " — " + ", ".join(f"{w} ×{n}" for w, n in f["top"])
    rows.append((tr("delivery.fillers", lang), _e(ftxt)))
    p = dl["pauses"]
    rows.append((tr("delivery.pauses", lang), _e(tr("delivery.pauses_value", lang, count=p["count"], longest=p["longest_s"]))))
    ln = dl["length"]
    rows.append((tr("delivery.length", lang), _e(tr("delivery.length_value", lang, duration=f'{ln["duration_s"]:.0f}',
                                                   lo=f'{ln["window"][0]:.0f}', hi=f'{ln["window"][1]:.0f}',
                                                   verdict=tr("delivery.length." + ln["verdict"], lang)))))
    hon = dl.get("honorifics")
    if hon and (consistency := hon["consistency"]) is not None:
        rows.append((tr("delivery.honorifics", lang), _e(tr("delivery.honorifics_value", lang, formal=hon["formal_endings"],
                                                            informal=hon["informal_endings"],
                                                            pct=round(100 * consistency)))))
    h = dl.get("hedges")
    if h:
        rows.append((tr("delivery.hedges", lang), _e(tr("delivery.hedges_value", lang, count=h["count"],
                                                        per100=h["per_100_words"] if h["per_100_words"] is not None else "-"))))
    q = dl["quality"]
    if q["words_with_timestamps"] is not None:
        rows.append(("", f'<span class="ts">{_e(tr("delivery.quality", lang, pct=round(100 * q["words_with_timestamps"]), conf=q["mean_confidence"] if q["mean_confidence"] is not None else "-"))}</span>'))
    return _rows(rows)


def mark_quotes(answer: str, quotes: list[str]) -> str:
    """``answer`` HTML-escaped, every occurrence of each evidence quote wrapped in <mark>
    (case-insensitive; overlapping quotes merged). Pure."""
    spans: list[tuple[int, int]] = []
    low = answer.lower()
    for q in quotes:
        q = (q or "").strip().lower()
        start = low.find(q) if q else -1
        while start >= 0:
            spans.append((start, start + len(q)))
            start = low.find(q, start + len(q))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    out, pos = [], 0
    for a, b in merged:
        out += [_e(answer[pos:a]), f'<span class="mark">{_e(answer[a:b])}</span>']
        pos = b
    return "".join(out) + _e(answer[pos:])


def _text(ev: EvidenceQuote | Mapping[str, object], name: str) -> str:
    value = getattr(ev, name) if isinstance(ev, EvidenceQuote) else ev.get(name)
    return value if isinstance(value, str) else ""


def grouped_evidence(evidence: Sequence[Quote]) -> list[tuple[Quote, list[str]]]:
    """Each (quote, rubric point) once, with the criteria that cite it, in first-seen order:
    one sentence cited for three criteria is listed once, not three times. ``evidence``: the
    model's quotes or their stored JSON form (the report screen's). Pure."""
    groups: dict[tuple[str, str], tuple[Quote, list[str]]] = {}
    for ev in evidence:
        key = (_text(ev, "quote").strip(), _text(ev, "rubric_point").strip())
        item = groups.setdefault(key, (ev, []))
        crit = _text(ev, "criterion")
        if crit and crit not in item[1]:
            item[1].append(crit)
    return list(groups.values())


def _rows(rows: list[tuple[str, str]]) -> str:
    # Label: value paragraphs, not tables: PyMuPDF's Story ignores column widths and would
    # squeeze the label column to one character per line.
    return "".join(f'<p class="row"><b>{_e(k)}</b>{": " if k else ""}{v}</p>' for k, v in rows)


def _in_language(text: str, lang: str) -> str:
    """``text`` when it is written in ``lang`` (a bank label such as "자기소개" is not shown in
    an English report), else ""."""
    has_hangul = any("\uac00" <= ch <= "\ud7a3" for ch in text)
    return text if has_hangul == (lang == "ko") or not text else ""


def _detail_html(d: Detail, lang: str, position: int) -> str:
    out: list[str] = []
    title = tr("report.label.answer_n", lang, n=question_number(position))
    tags = [_in_language(d.question_type or "", lang),
            tr(f"report.category.{d.category}", lang) if d.category else ""]
    if d.is_follow_up:
        tags.append(tr("report.label.follow_up", lang))
    out.append(f'<h3>{_e(title)} · <span class="meta">{_e(" / ".join(t for t in tags if t))}</span></h3>')
    out.append(f'<p><b>{_e(tr("report.label.question", lang))}:</b> {_e(d.question)}</p>')
    quotes = [ev.quote or "" for ev in d.evidence]
    out.append(f'<p><b>{_e(tr("report.label.answer", lang))}:</b></p>'
               f'<div class="answer">{mark_quotes(d.answer or "", quotes) or "-"}</div>')
    for warning in d.warnings:
        if warning != d.not_evaluated_reason:
            out.append(f'<p class="warn">{_e(warning)}</p>')
    if not d.evaluated:
        out.append(f'<p class="warn"><b>{_e(tr("report.label.not_evaluated_reason", lang, reason=d.not_evaluated_reason))}</b></p>')
    else:
        out.append(f'<p><b>{_e(tr("report.label.score", lang))}: {_score(d.score, lang)}</b> / 100'
                   f' <span class="ts">({_e(d.evaluator_model)})</span></p>')
        out.append(_rows([(criterion_name(k, lang),
                           _score(v.score, lang) + ((" — " + _e(v.reason)) if v.reason else ""))
                          for k, v in d.scores.items()]))
        if d.feedback:
            out.append(f'<p><b>{_e(tr("report.label.feedback", lang))}:</b> {_e(d.feedback)}</p>')
        for key, items in (("report.label.strengths", d.strengths), ("report.label.improvements", d.improvements)):
            if items:
                out.append(f'<p><b>{_e(tr(key, lang))}:</b></p><ul>' + "".join(f"<li>{_e(x)}</li>" for x in items) + "</ul>")
        if d.evidence:
            lis = []
            for ev, crits in grouped_evidence(d.evidence):
                ts = ""
                if ev.start is not None:
                    ts = f' <span class="ts">[{ev.start:.1f}-{(ev.end or ev.start):.1f}s]</span>'
                crit = ", ".join(criterion_name(c, lang) for c in crits)
                lis.append(f'<li><span class="quote">“{_e(ev.quote)}”</span>{ts} → {_e(ev.rubric_point)}'
                           f' <span class="ts">({_e(crit)})</span></li>')
            out.append(f'<p><b>{_e(tr("report.label.evidence", lang))}:</b></p><ul>{"".join(lis)}</ul>')
    if d.delivery is not None and d.spoken:
        out.append(f'<p><b>{_e(tr("report.section.delivery", lang))}</b></p>' + _delivery_rows(d.delivery, lang))
    elif d.delivery is not None:  # a typed answer was not spoken: pace, fillers and pauses do not apply
        out.append(f'<p><b>{_e(tr("report.section.delivery", lang))}</b>: '
                   f'<span class="na">{_e(d.delivery.get("reason") or "")}</span></p>')
    stt = d.stt
    if stt.engine or stt.confidence is not None:
        conf = f'{stt.confidence:.2f}' if stt.confidence is not None else "-"
        out.append(f'<p class="ts">{_e(tr("report.label.stt", lang, engine=stt.engine or "-", confidence=conf))}</p>')
    return "\n".join(out)


def _emotions_html(emo: Emotions, lang: str) -> str:
    if not emo.is_reliable:
        return f'<p class="na">{_e(tr("report.label.unreliable", lang, reason=emo.reason or "-"))}</p>'
    rows = []
    for v, key in ((emo.confidence, "confidence"), (emo.nervousness, "nervousness")):
        rows.append((tr("report.label." + key, lang), _fmt(v, lang, 2) if v is not None and v <= 1 else _fmt(v, lang)))
    # the vision pipeline's other measures (e.g. eye_contact_pct), as it named them
    rows += [(k, _e(v)) for k, v in (emo.model_extra or {}).items() if isinstance(v, (int, float, str))]
    return _rows(rows)


def render_html(report: Report | Mapping[str, object], *, lang: str, image_src: Callable[[str, bytes], str],
                css: str = _CSS, img_width: int = 560) -> str:
    """The report (a Report or its stored JSON form) as an HTML document; ``image_src(name, png)``
    returns each chart's src. Raises pydantic.ValidationError for a document that is not a report."""
    report = Report.from_json(report)
    s, meta = report.summary, report.meta
    company = meta.company
    charts = all_charts(report, lang)
    out = [f'<!DOCTYPE html><html lang="{_e(lang)}"><head><meta charset="utf-8">'
           f'<title>{_e(tr("report.title", lang))}</title><style>{css}</style></head><body><div class="page">']
    out.append(f'<h1>{_e(tr("report.title", lang))}</h1>')
    info = [(tr("report.position", lang), meta.position),
            (tr("report.company", lang), company.name or company.id),
            (tr("report.candidate", lang), meta.candidate_name),
            (tr("report.generated_at", lang), (meta.generated_at or "")[:16].replace("T", " ")),
            (tr("report.evaluator_models", lang), ", ".join(meta.evaluator_models))]
    out.append('<p class="meta">' + " · ".join(f"{_e(k)}: {_e(v)}" for k, v in info if v) + "</p>")
    out.append(f'<h2>{_e(tr("report.section.summary", lang))}</h2>')
    # the overall score and every criterion, named and rounded as on every screen (core.report.scores)
    cards = [(tr("report.label.overall", lang), s.overall), *criterion_rows(s, lang)]
    out.append('<table class="cards"><tr>' + "".join(
        f'<td><div class="meta">{_e(name)}</div><div class="big">{_score(v, lang)}</div></td>' for name, v in cards)
        + "</tr></table>")
    out.append(f'<p>{_e(s.text)}</p>')
    if charts:
        out.append(f'<h2>{_e(tr("report.section.scores", lang))}</h2>')
        for name in ("criteria", "answers", "rate", "fillers_pauses"):
            if name in charts:
                out.append(f'<p><img alt="{_e(name)}" src="{image_src(name, charts[name])}" width="{img_width}"></p>')
        if "rate" not in charts:  # every answer was typed: delivery was not measured
            out.append(f'<p class="na">{_e(tr("report.label.delivery_typed_all", lang))}</p>')
    out.append(f'<h2>{_e(tr("report.section.answers", lang))}</h2>')
    out.extend(_detail_html(d, lang, i) for i, d in enumerate(report.details))
    out.append(f'<h2>{_e(tr("report.section.emotions", lang))}</h2>')
    out.append(_emotions_html(report.emotions, lang))
    out.append("</div></body></html>")
    return "\n".join(out)


def write_html(report: Report | Mapping[str, object], path: str | Path, *, lang: str) -> Path:
    """Write the report (a Report or its stored JSON form) as ONE self-contained HTML file
    (charts inline); return the path."""
    path = Path(path)
    doc = render_html(report, lang=lang,
                      image_src=lambda _n, png: "data:image/png;base64," + base64.b64encode(png).decode("ascii"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc, encoding="utf-8")
    return path


# Story's CSS engine is a subset: no max-width centering; the page margins come from the layout.
_PDF_CSS = _CSS.replace("max-width: 900px; margin: 0 auto; padding: 16px 24px;", "") \
    + "\nbody { font-family: sans-serif; }\n"


def write_pdf(report: Report | Mapping[str, object], path: str | Path, *, lang: str) -> Path:
    """Write the report (a Report or its stored JSON form) as an A4 PDF with the same content and
    charts; return the path."""
    import pymupdf

    path = Path(path)
    archive = pymupdf.Archive()

    def image_src(name: str, png: bytes) -> str:
        archive.add(png, f"{name}.png")
        return f"{name}.png"

    doc = render_html(report, lang=lang, image_src=image_src, css=_PDF_CSS, img_width=440)
    # Story takes the <body> markup; the <style> block travels as user CSS.
    body = doc.split("<body>", 1)[1].rsplit("</body>", 1)[0]
    story = pymupdf.Story(html=body, user_css=_PDF_CSS, archive=archive)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = pymupdf.DocumentWriter(str(path))
    mediabox = pymupdf.paper_rect("a4")
    where = mediabox + (40, 40, -40, -40)
    more = True
    while more:
        device = writer.begin_page(mediabox)
        more, _ = story.place(where)
        story.draw(device)
        writer.end_page()
    writer.close()
    # The fallback CJK font is embedded whole (~6 MB); keep only the glyphs used.
    with pymupdf.open(str(path)) as pdf:
        pdf.subset_fonts()
        pdf.save(str(path) + ".tmp", garbage=3, deflate=True)
    Path(str(path) + ".tmp").replace(path)
    return path
