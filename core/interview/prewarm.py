"""Encode an answer for its evaluation while it is still being spoken.

The offline evaluator spends almost all its time in the sentence encoder (about 35 ms per
sentence on a quiet 2-core machine); a two-minute answer of 20 sentences is over a second of
encoding if it all waits for the answer's end. The speech engine delivers the answer as final
utterances every few seconds, so the session hands each one to an
:class:`EvaluationPrewarmer`, which calls the evaluator's optional ``prepare(question, words,
language)`` (:meth:`core.evaluation.coverage.CoverageEvaluator.prepare`) on the words so far.
When the answer ends, ``evaluate`` finds those vectors cached and encodes only what changed.
Before that, ``prime()`` (called when the question is asked) has the evaluator's optional
``prepare_question`` encode the question's rubric side (key points, misconceptions, the
baseline pool: about 20 texts the first time a question is asked), so the first answer to a
question does not pay for them at its end either. An evaluator without ``prepare`` (the LLM
evaluator) is simply not prewarmed.

Threading: ``prime()`` and ``update(words)`` are called on the speech engine's thread and never blocks (it
stores the newest words and wakes the worker); the encoding runs on one daemon thread named
``evaluation-prewarm``, never two at once, the newest words winning. ``close()`` (controller
thread, at the answer's end) stops the worker after its current call without waiting for it:
the evaluation on the session's post thread is correct with or without what it left.
A failure is logged and ignored: prewarming only moves work earlier, it never decides a score.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Sequence

from core.interview.types import PlannedQuestion
from core.protocols import Word

log = logging.getLogger(__name__)
THREAD_NAME = "evaluation-prewarm"


class EvaluationPrewarmer:
    """Runs ``evaluator.prepare`` on the newest words of an answer, one call at a time."""

    def __init__(self, evaluator: Any, question: PlannedQuestion, language: str, *, position: str = "",
                 company_terms: Sequence[str] = ()) -> None:
        self._prepare = getattr(evaluator, "prepare", None)
        self._prepare_question = getattr(evaluator, "prepare_question", None)
        self.question = question
        self.language = language
        self.position = position
        self.company_terms = tuple(company_terms)
        self._cond = threading.Condition()
        self._latest: list[Word] | None = None
        self._question_due = False  # prime() asked for the rubric side; the worker has not run it
        self._busy = False
        self._closed = False
        self.calls = 0
        self.encoded = 0

    def prime(self) -> None:
        """Encode the question's rubric side now (``evaluator.prepare_question``), before the
        first words arrive: the first answer to a question then waits only for its own
        sentences. Non-blocking; any thread; a no-op for an evaluator without it."""
        if callable(self._prepare_question):
            self._wake(question=True)

    @property
    def enabled(self) -> bool:
        return callable(self._prepare)

    def update(self, words: list[Word]) -> None:
        """The answer so far (final utterances only). Non-blocking; any thread."""
        if self.enabled:
            self._wake(words=list(words))

    def _wake(self, *, question: bool = False, words: list[Word] | None = None) -> None:
        """Hand over the rubric side or the newest words and start the worker unless it runs."""
        with self._cond:
            if self._closed:
                return
            if question:
                self._question_due = True
            if words is not None:
                self._latest = words
            if self._busy:
                return
            self._busy = True
        threading.Thread(target=self._run, name=THREAD_NAME, daemon=True).start()

    def _run(self) -> None:
        while True:
            with self._cond:
                question_due, self._question_due = self._question_due, False
                words, self._latest = (None, self._latest) if question_due else (self._latest, None)
                if self._closed or (words is None and not question_due):
                    self._busy = False
                    self._cond.notify_all()
                    return
            try:
                if question_due:
                    got = self._prepare_question(self.question, self.language, position=self.position,  # type: ignore[misc]
                                                 company_terms=self.company_terms)
                else:
                    got = self._prepare(self.question, words, self.language)  # type: ignore[misc]
                with self._cond:
                    self.calls += 1
                    self.encoded += int(got or 0)
            except Exception:  # only moves work earlier; evaluate() encodes what is missing
                log.exception("evaluation prewarm failed")

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no prepare call runs (tests and benches); True when idle."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._busy, timeout=timeout)

    def close(self) -> None:
        """Stop after the running call (if any); does not wait."""
        with self._cond:
            self._closed = True
            self._latest = None
