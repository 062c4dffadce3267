"""Plain data shared by the planner, evaluators, metrics and report builder.

Everything here is a dataclass that can cross threads and serialise to JSON (``asdict``).
Scores are 0-100 floats or ``None`` for "not evaluated"; a ``None`` always comes with a
reason. Nothing in the pipeline may invent a number or a quote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

CRITERIA: tuple[str, ...] = ("technical_accuracy", "logic", "job_fit", "communication")


@dataclass
class PlannedQuestion:
    """A question as it will be asked, with where it came from and how it is scored."""

    text: str
    category: Literal["technical", "behavioral", "situational", "cultural_fit"]
    question_type: str  # 자기소개, 지원동기, 직무지식, 경험, 협업·갈등, 상황
    difficulty: Literal["easy", "medium", "hard"] = "medium"
    rubric: dict[str, Any] = field(default_factory=dict)  # see resources/questions/README.md
    bank_key: str | None = None
    source: Literal["bank", "llm", "template", "follow_up"] = "bank"
    is_follow_up: bool = False
    parent_index: int | None = None  # index in the plan of the question this follows up
    language: str = "ko"
    grounding: list[str] = field(default_factory=list)  # "slot: value" facts / answer words the text relies on
    drafted_by: str | None = None  # follow-ups: "template" or "llm" (what wrote the text)


@dataclass
class Evidence:
    """A quoted span of the answer, verified to occur in the transcript."""

    quote: str
    start: float | None
    end: float | None
    rubric_point: str
    criterion: str | None = None


@dataclass
class CriterionScore:
    criterion: str  # one of CRITERIA
    score: float | None  # 0-100, None = not evaluated
    evidence: list[Evidence] = field(default_factory=list)
    reason: str = ""  # why this score, or why not evaluated


@dataclass
class AnswerEvaluation:
    criteria: dict[str, CriterionScore]
    feedback: str
    strengths: list[str] = field(default_factory=list)
    improvements: list[str] = field(default_factory=list)
    evaluator_model: str = ""  # what produced the scores, e.g. "rubric-coverage/lexical" or a GGUF id
    evaluated: bool = True
    not_evaluated_reason: str | None = None

    @property
    def score(self) -> float | None:
        """Mean of the evaluated criteria; None if none was evaluated."""
        vals = [c.score for c in self.criteria.values() if c.score is not None]
        return round(sum(vals) / len(vals), 1) if vals and self.evaluated else None

    @property
    def evidence(self) -> list[Evidence]:
        return [e for c in self.criteria.values() for e in c.evidence]


@dataclass
class KeptSummary:
    """What an interrupted interview left in the database (for the "what was kept" line)."""

    interview_id: int | None
    answers_kept: int
    planned: int
    status: str  # "cancelled" | "deleted" | "completed" | "none"
    reason: str = ""
