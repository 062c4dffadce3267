"""One name, one number and one question numbering for every place that shows a report.

The report screen, the home screen (weakest areas, progress chart), the report's charts and
its HTML/PDF export all read a report through these functions, so a criterion is called the
same and shows the same rounded number everywhere, and question 3 is "3" everywhere.

- Criteria are :data:`core.interview.types.CRITERIA`, each the mean over the evaluated answers
  that scored it (``summary["criteria"]``, computed once by :func:`core.report.builder.build_report`).
- Scores are shown as whole numbers rounded half up (43.5 -> 44), never with Python's
  half-to-even rounding (which would print 42.5 as 42 in one place and 43 in another).
- Questions are numbered by their position in the report (1..N): a skipped question leaves no
  answer and no gap in the numbering.

Pure and thread-safe (reads the read-only i18n catalog only).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from core.i18n import tr
from core.interview.types import CRITERIA
from core.report.model import Summary

# A report's summary: the model, or its stored JSON form as the screens read it from the database.
AnySummary = Summary | Mapping[str, object]


def _summary(summary: AnySummary) -> Summary:
    return summary if isinstance(summary, Summary) else Summary.model_validate(
        {"technical": None, "communication": None, "cultural": None, **summary})


def criterion_name(key: str, lang: str) -> str:
    """The one display name of criterion ``key`` (e.g. "Job fit" / "직무 적합성")."""
    return tr(f"report.criterion.{key}", lang)


def score_text(value: float | None, na: str = "—") -> str:
    """``value`` (0-100) as a whole number rounded half up; ``na`` when None."""
    if value is None:
        return na
    return str(int(Decimal(str(float(value))).quantize(Decimal("1"), rounding=ROUND_HALF_UP)))


def criterion_scores(summary: AnySummary) -> list[tuple[str, float | None]]:
    """(criterion key, mean score or None) for every criterion, in :data:`CRITERIA` order."""
    crit = _summary(summary).criteria
    return [(k, crit.get(k)) for k in CRITERIA]


def criterion_rows(summary: AnySummary, lang: str) -> list[tuple[str, float | None]]:
    """(display name, score or None) for every criterion: what every screen and export shows."""
    return [(criterion_name(k, lang), v) for k, v in criterion_scores(summary)]


def question_number(position: int) -> int:
    """The number shown for the answer at ``position`` (0-based) in ``report["details"]``."""
    return position + 1


def question_label(position: int) -> str:
    """The short chart label of the answer at ``position``: "Q1", "Q2" ..."""
    return f"Q{question_number(position)}"


def has_evaluated_answer(summary: AnySummary) -> bool:
    """True when at least one answer was evaluated (only such interviews show progress)."""
    s = _summary(summary)
    return s.evaluated_answers > 0 and s.overall is not None
