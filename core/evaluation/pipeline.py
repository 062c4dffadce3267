"""The LLM evaluator as an :class:`~core.protocols.AnswerEvaluator`.

The interview session takes one AnswerEvaluator; what it is made of (LLM, rubric coverage,
an embedder) is the composition root's choice. Thread-safety: whatever the wrapped engines
allow; the session calls them from its one evaluation thread.
"""

from __future__ import annotations

from typing import Any, Sequence

from core.evaluation.llm import evaluate_with_llm
from core.interview.types import AnswerEvaluation, PlannedQuestion
from core.protocols import LanguageModel, Word


class LlmEvaluator:
    """Evaluation by a chat model under a JSON schema (core.evaluation.llm)."""

    def __init__(self, llm: LanguageModel, *, company_ideal: str | None = None, cancel: Any = None) -> None:
        self.llm = llm
        self.company_ideal = company_ideal
        self.cancel = cancel
        self.model_id = llm.model_id

    def evaluate(self, question: PlannedQuestion, words: list[Word], language: str, *,
                 position: str = "", company_terms: Sequence[str] = ()) -> AnswerEvaluation:
        return evaluate_with_llm(self.llm, question, words, language, company_ideal=self.company_ideal,
                                 cancel=self.cancel)
