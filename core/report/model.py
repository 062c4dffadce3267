"""The interview report as one typed model (issue 22): what :func:`core.report.builder.build_report`
returns, what the charts and the HTML/PDF export read, and what is stored as JSON.

The stored form (``evaluation_reports.details_json``, the sync bundle, the server's report
route, the desktop's report screens) is :meth:`Report.to_json`; :meth:`Report.from_json` reads
it back. Its shape keeps the seed's ``{"summary": {"technical", "communication", "cultural"},
"details": [{"question", "answer", "feedback", "score"}], "emotions": {"confidence",
"nervousness"}}`` and adds evidence, delivery metrics and measurement quality
(docs/ARCHITECTURE.md §6).

Every part allows keys it does not name (``extra="allow"``): a report written by another build
(older, newer, or the server) keeps them when read and written back. Fields a report always had
are required; fields added later have defaults, so reports stored earlier still read.
``to_json`` writes only the keys that were set, so a report read and written back is the same
document. Models are plain values: safe to share between threads once built (nobody mutates them).
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.delivery import DeliveryMetrics

# Per-answer gaze and emotion metrics come from the vision pipeline as JSON-able dicts whose keys
# grow with it (core.vision); the report keeps them as they are.
VisionMetrics = Mapping[str, object]


class _Part(BaseModel):
    model_config = ConfigDict(extra="allow")


class CriterionResult(_Part):
    score: float | None
    reason: str = ""


class EvidenceQuote(_Part):
    """A quoted span of the answer (verified against the transcript) and the rubric line it meets."""

    quote: str
    start: float | None = None  # seconds from the answer's start
    end: float | None = None
    rubric_point: str = ""
    criterion: str | None = None


class SttInfo(_Part):
    engine: str | None = None
    confidence: float | None = None


class SecondOpinion(_Part):
    """Another evaluator's result beside the main one: shown, never part of any mean."""

    evaluator_model: str = ""
    evaluated: bool = False
    score: float | None = None
    not_evaluated_reason: str | None = None
    feedback: str | None = None
    scores: dict[str, CriterionResult] = Field(default_factory=dict)
    evidence: list[EvidenceQuote] = Field(default_factory=list)


class Detail(_Part):
    """One answer. ``score``/``feedback`` are None and ``not_evaluated_reason`` says why when the
    answer was not evaluated (``evaluated`` False)."""

    question: str
    answer: str
    feedback: str | None
    score: float | None
    index: int = 0  # 0-based order of the answers; matches interview_questions.position
    question_type: str | None = None
    category: str | None = None
    difficulty: str | None = None
    is_follow_up: bool = False
    parent_index: int | None = None
    source: str | None = None  # bank | llm | template | follow_up
    grounding: list[str] = Field(default_factory=list)  # resume facts / answer words the question used
    answer_mode: str = "speech"  # "speech" | "typed"
    warnings: list[str] = Field(default_factory=list)
    evaluated: bool = False
    not_evaluated_reason: str | None = None
    scores: dict[str, CriterionResult] = Field(default_factory=dict)  # CRITERIA order first
    strengths: list[str] = Field(default_factory=list)
    improvements: list[str] = Field(default_factory=list)
    evidence: list[EvidenceQuote] = Field(default_factory=list)
    evaluator_model: str | None = None
    delivery: DeliveryMetrics | None = None
    stt: SttInfo = Field(default_factory=SttInfo)
    gaze: VisionMetrics | None = None
    emotion: VisionMetrics | None = None
    other_evaluations: list[SecondOpinion] = Field(default_factory=list)

    @property
    def spoken(self) -> bool:
        """True when the answer was spoken, so its delivery (rate, fillers, pauses) was measured."""
        return self.delivery is None or self.delivery.get("applicable", True)


class DeliverySummary(_Part):
    """Delivery over the spoken answers (typed answers are left out)."""

    rate_mean: float | None = None
    rate_unit: str | None = None
    fillers_total: int = 0
    fillers_per_min: float | None = None
    pauses_total: int = 0
    longest_pause_s: float = 0.0
    honorific_consistency: float | None = None


class Summary(_Part):
    """``technical``/``communication``/``cultural`` are the seed's names for the
    ``technical_accuracy``/``communication``/``job_fit`` criteria (the same numbers)."""

    technical: float | None
    communication: float | None
    cultural: float | None
    overall: float | None = None  # mean of the evaluated answers' scores; None when none
    evaluated_answers: int = 0
    total_answers: int = 0
    criteria: dict[str, float | None] = Field(default_factory=dict)  # CRITERIA -> mean or None
    delivery: DeliverySummary | None = None
    text: str = ""


class Emotions(_Part):
    """Facial measures over the interview; other keys (e.g. ``eye_contact_pct``) are kept.
    ``reliable`` False (or absent with no ``confidence``): shown as unreliable with ``reason``."""

    confidence: float | None
    nervousness: float | None
    reliable: bool | None = None
    reason: str | None = None

    @property
    def is_reliable(self) -> bool:
        return self.reliable if self.reliable is not None else self.confidence is not None


class CompanyRef(_Part):
    id: str | None = None
    name: str | None = None


class Meta(_Part):
    """How the report was made; callers add their own keys (interview_uuid, plan_source, seed ...)."""

    schema_version: int = 1
    language: str = "ko"
    position: str = ""
    company: CompanyRef = Field(default_factory=CompanyRef)
    candidate_name: str | None = None
    generated_at: str = ""  # ISO 8601, UTC, seconds
    evaluator_models: list[str] = Field(default_factory=list)
    # what each evaluator checks and cannot check, per language (docs/ARCHITECTURE.md §6)
    evaluator_scope: dict[str, dict[str, str]] = Field(default_factory=dict)
    stt_engines: list[str] = Field(default_factory=list)


class Report(_Part):
    summary: Summary
    details: list[Detail]
    emotions: Emotions
    meta: Meta = Field(default_factory=Meta)

    def to_json(self) -> dict[str, object]:
        """The stored, JSON-able form: only the keys that were set (a read report writes back unchanged)."""
        return self.model_dump(mode="json", exclude_unset=True)

    @classmethod
    def from_json(cls, doc: Report | Mapping[str, object]) -> Report:
        """``doc`` as a Report (a Report passes through). Raises pydantic.ValidationError when
        ``doc`` lacks a part every report has."""
        return doc if isinstance(doc, Report) else cls.model_validate(doc)

    @classmethod
    def problem(cls, doc: Mapping[str, object]) -> str | None:
        """None when ``doc`` reads as a report; else where and why it does not, as
        "details.0.answer: Field required" (the first problem; never the document's values)."""
        try:
            cls.model_validate(doc)
        except ValidationError as exc:
            first = exc.errors()[0]
            return f"{'.'.join(str(p) for p in first['loc']) or 'report'}: {first['msg']}"
        return None
