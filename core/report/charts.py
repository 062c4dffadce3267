"""Report charts as PNG bytes (matplotlib, Agg backend, a Korean-capable font when present).

Thread-safety: uses matplotlib's object API on private Figure objects (no pyplot state), so
charts can be drawn from worker threads; the font is registered (and matplotlib's default
font family set) once, under a lock.
"Not evaluated" answers get no bar and a label saying so, never a bar of height 0.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from core.i18n import tr
from core.report.model import Report
from core.report.scores import criterion_name, criterion_scores, question_label, score_text

_CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/AppleSDGothicNeo.ttc",
    "C:/Windows/Fonts/malgun.ttf",
)
_lock = threading.Lock()
_family: list[str | None] = []

if TYPE_CHECKING:  # matplotlib itself is imported when a chart is drawn (start-up time)
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

COLORS = {"bar": "#3b6fb6", "band": "#c8e6c9", "fill": "#e0893a", "pause": "#7a5bb5", "na": "#9e9e9e"}


def cjk_font_path() -> Path | None:
    """A font file with Hangul glyphs: known Noto/OS paths, then ``fc-match``; None if none."""
    for p in _CJK_FONT_CANDIDATES:
        if Path(p).is_file():
            return Path(p)
    if shutil.which("fc-match"):
        try:
            out = subprocess.run(["fc-match", "-f", "%{file}", "sans:lang=ko"], capture_output=True,
                                 text=True, timeout=5).stdout.strip()
            if out and Path(out).is_file():
                return Path(out)
        except (OSError, subprocess.SubprocessError):
            pass
    return None


def _font_family() -> str | None:
    with _lock:
        if not _family:
            family = None
            path = cjk_font_path()
            if path is not None:
                from matplotlib import font_manager

                try:
                    font_manager.fontManager.addfont(str(path))
                    family = font_manager.FontProperties(fname=str(path)).get_name()
                    import matplotlib as mpl

                    # Set once (under the lock): Hangul first, DejaVu for anything it lacks.
                    mpl.rcParams["font.family"] = [family, "DejaVu Sans"]
                except (OSError, RuntimeError, ValueError):
                    family = None  # fall back to the default font: Latin text still renders
            _family.append(family)
        return _family[0]


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    # A bare Figure renders through Agg without pyplot, so the Qt app's backend is untouched.
    from matplotlib.figure import Figure

    _font_family()
    fig = Figure(figsize=(width, height), dpi=110)
    mpl_axes = fig.add_subplot(1, 1, 1)
    mpl_axes.spines[["top", "right"]].set_visible(False)
    return fig, mpl_axes


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def criteria_chart(report: Report, lang: str) -> bytes:
    rows = criterion_scores(report.summary)
    fig, ax = _figure(6.0, 2.6)
    labels = [criterion_name(k, lang) for k, _ in rows]
    names = [k for k, _ in rows]
    for i, (_k, v) in enumerate(rows):
        if v is None:
            ax.text(1, i, tr("report.chart.not_evaluated_mark", lang), va="center", color=COLORS["na"])
        else:
            ax.barh(i, v, color=COLORS["bar"])
            ax.text(v + 1, i, score_text(v), va="center")
    ax.set_yticks(range(len(names)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 105)
    ax.set_title(tr("report.chart.criteria", lang), fontsize=10)
    return _png(fig)


def answers_chart(report: Report, lang: str) -> bytes:
    details = report.details
    fig, ax = _figure(6.0, 2.6)
    xs = list(range(len(details)))
    for i, d in zip(xs, details):
        if d.evaluated and d.score is not None:
            ax.bar(i, d.score, color=COLORS["bar"])
            ax.text(i, d.score + 1.5, score_text(d.score), ha="center", fontsize=8)
        else:
            ax.text(i, 3, tr("report.chart.not_evaluated_mark", lang), ha="center",
                    color=COLORS["na"], fontsize=8, va="bottom")
    ax.set_xticks(xs, [question_label(i) for i in xs])
    ax.set_ylim(0, 105)
    ax.set_title(tr("report.chart.answers", lang), fontsize=10)
    return _png(fig)


def rate_chart(report: Report, lang: str) -> bytes:
    details = report.details
    fig, ax = _figure(6.0, 2.6)
    xs = list(range(len(details)))
    first = details[0].delivery if details else None
    band = first["rate"]["band"] if first is not None else [0.0, 0.0]
    unit = first["rate"]["unit"] if first is not None else "words_per_min"
    ax.axhspan(band[0], band[1], color=COLORS["band"], label=tr("report.chart.band", lang))
    top = band[1] * 1.3
    for i, d in zip(xs, details):
        v = d.delivery["rate"]["value"] if d.delivery is not None and d.spoken else None
        if v is None:
            mark = tr("report.label.no_data" if d.spoken else "report.chart.typed_mark", lang)
            ax.text(i, band[0] * 0.1, mark, ha="center", color=COLORS["na"], fontsize=8)
        else:
            ax.plot([i], [v], "o", color=COLORS["bar"])
            ax.text(i, v, f" {v:.0f}", va="center", fontsize=8)
            top = max(top, v * 1.1)
    ax.set_xticks(xs, [question_label(i) for i in xs])
    ax.set_xlim(-0.6, max(len(xs), 1) - 0.4)
    ax.set_ylim(0, top)
    ax.set_ylabel(tr(f"delivery.unit.{unit}", lang), fontsize=8)
    ax.legend(loc="upper right", fontsize=8, frameon=False)
    ax.set_title(tr("report.chart.rate", lang), fontsize=10)
    return _png(fig)


def fillers_pauses_chart(report: Report, lang: str) -> bytes:
    from matplotlib.ticker import MaxNLocator

    details = report.details
    fig, ax = _figure(6.0, 2.6)
    xs = list(range(len(details)))
    w = 0.38
    said = [(x, dl) for x, d in zip(xs, details) if (dl := d.delivery) is not None and d.spoken]
    ax.bar([x - w / 2 for x, _ in said], [dl["fillers"]["count"] for _, dl in said], w,
           color=COLORS["fill"], label=tr("report.chart.fillers", lang))
    ax.bar([x + w / 2 for x, _ in said], [dl["pauses"]["count"] for _, dl in said], w,
           color=COLORS["pause"], label=tr("report.chart.pauses", lang))
    for x, d in zip(xs, details):
        if not d.spoken:  # not measured: a label, never a bar of 0
            ax.text(x, 0.05, tr("report.chart.typed_mark", lang), ha="center", color=COLORS["na"], fontsize=8)
    ax.set_ylim(bottom=0)
    ax.set_xticks(xs, [question_label(i) for i in xs])
    locator = ax.yaxis.get_major_locator()
    if isinstance(locator, MaxNLocator):  # matplotlib's default (AutoLocator): whole counts only
        locator.set_params(integer=True)
    ax.legend(fontsize=8, frameon=False)
    ax.set_title(tr("report.chart.fillers_pauses", lang), fontsize=10)
    return _png(fig)


def all_charts(report: Report, lang: str) -> dict[str, bytes]:
    """{name: PNG bytes} for the report's charts; empty when there are no answers. The speaking
    rate and fillers/pauses charts only when at least one answer was spoken: a typed answer
    measures neither, and an empty chart would read as "zero fillers"."""
    if not report.details:
        return {}
    out = {"criteria": criteria_chart(report, lang), "answers": answers_chart(report, lang)}
    if any(d.spoken for d in report.details):
        out["rate"] = rate_chart(report, lang)
        out["fillers_pauses"] = fillers_pauses_chart(report, lang)
    return out
