"""Follow-up (꼬리 질문) drafting from the last answer.

Template path (no capable model): pick, in this order, a claim with a number ("응답 시간 60%
개선"), a technology the answer names (from the resume's skills or a Latin-script term in a
Korean answer), or the longest claim sentence, and ask about it with an i18n template. The
picked words are copied from the answer, so the question never states what was not said;
``grounding`` records them. LLM path: see :func:`draft_follow_up_llm`.

Pure logic; thread-safe per call; the LLM is called on the caller's thread.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.errors import EngineError
from core.evaluation.text import norm, sentences
from core.i18n import tr
from core.interview.types import PlannedQuestion
from core.protocols import ChatMessage, LanguageModel, Word

_TECH_RE = re.compile(r"\b[A-Z][A-Za-z0-9+#.\-]{1,20}\b")
_EN_COMMON = {"I", "The", "We", "My", "It", "In", "At", "And", "So", "Then", "This", "That", "First",
              "Second", "Finally", "When", "As", "But", "For", "Our", "After", "Because"}


def _follow(parent: PlannedQuestion, parent_index: int, text: str, grounding: list[str],
            source: str = "follow_up") -> PlannedQuestion:
    return PlannedQuestion(text=text, category=parent.category, question_type=parent.question_type,
                           difficulty=parent.difficulty, rubric=parent.rubric, bank_key=parent.bank_key,
                           source="follow_up", is_follow_up=True, parent_index=parent_index,
                           language=parent.language, grounding=grounding)


def draft_follow_up(parent: PlannedQuestion, parent_index: int, answer_words: list[Word],
                    language: str, *, known_terms: Sequence[str] = ()) -> PlannedQuestion:
    """A template follow-up about something the answer itself said."""
    sents = sentences([w for w in answer_words if w.text.strip()])
    for s in sents:
        if re.search(r"\d", s.quote) and len(s.quote) <= 120:
            return _follow(parent, parent_index, tr("planner.follow_up.number", language, claim=s.quote.rstrip(".")),
                           [f"answer: {s.quote}"])
    text = " ".join(s.quote for s in sents)
    for term in known_terms:
        if len(norm(term)) >= 2 and norm(term) in norm(text):
            return _follow(parent, parent_index, tr("planner.follow_up.tech", language, claim=term),
                           [f"answer: {term}"])
    for m in _TECH_RE.finditer(text):
        if m.group(0) not in _EN_COMMON and (language == "ko" or m.group(0).isupper() or
                                             any(c.isdigit() for c in m.group(0))):
            return _follow(parent, parent_index, tr("planner.follow_up.tech", language, claim=m.group(0)),
                           [f"answer: {m.group(0)}"])
    if sents:
        longest = max(sents, key=lambda s: len(s.quote))
        if len(norm(longest.quote)) >= 8:
            return _follow(parent, parent_index,
                           tr("planner.follow_up.claim", language, claim=longest.quote.rstrip(".")),
                           [f"answer: {longest.quote}"])
    return _follow(parent, parent_index, tr("planner.follow_up.generic", language), [])


class _FollowUpOut(BaseModel):
    model_config = ConfigDict(extra="ignore")
    question: str = Field(min_length=8, max_length=400)
    about: str = Field(min_length=2, max_length=200)


FOLLOW_UP_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"question": {"type": "string", "minLength": 8},
                   "about": {"type": "string", "minLength": 2}},
    "required": ["question", "about"],
}


def draft_follow_up_llm(llm: LanguageModel, parent: PlannedQuestion, parent_index: int,
                        answer_words: list[Word], language: str, *, known_terms: Sequence[str] = (),
                        cancel: Any = None) -> PlannedQuestion:
    """Ask the model for one follow-up; ``about`` must quote the answer. One retry, then
    the template (never a question about something the answer did not say)."""
    answer = " ".join(w.text for w in answer_words)
    lang_name = "Korean (존댓말)" if language == "ko" else "English"
    messages = [
        ChatMessage("system", "You are a job interviewer. Write one follow-up question in "
                    f"{lang_name} about a specific claim in the candidate's answer. "
                    "Return JSON: {\"question\": ..., \"about\": <exact words copied from the answer>}."),
        ChatMessage("user", f"Question: {parent.text}\nAnswer: {answer}"),
    ]
    for _attempt in range(2):
        if cancel is not None:
            cancel.raise_if_cancelled()
        try:
            out = _FollowUpOut.model_validate(llm.chat_json(messages, FOLLOW_UP_SCHEMA, max_tokens=200))
        except (EngineError, ValidationError):
            continue
        if norm(out.about) and norm(out.about) in norm(answer):
            fu = _follow(parent, parent_index, out.question.strip(), [f"answer: {out.about}"])
            return fu
    return draft_follow_up(parent, parent_index, answer_words, language, known_terms=known_terms)
