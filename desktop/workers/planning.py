"""The prepared interview, built in the background while the candidate checks camera and mic:
engines loaded (speech model, evaluator, the planner LLM when it may run), an
:class:`core.interview.session.InterviewSession` constructed and its plan prepared.

``prepare_interview`` runs on a worker thread (it may load a GGUF and faster-whisper). The
LLM is used only when the active model is capable (core.catalog.ModelEntry.is_capable) and the
runtime probe lets it load (engines.assembly.session_engines); a refused runtime falls back to
the question bank and says why in ``note`` (never silently). A missing speech model leaves speech off: typed answers still work,
and ``speech_note`` says what to install. "Practise again" asks exactly the given bank
questions (``question_keys``).
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sqlalchemy.orm import Session

from core.bank import BankQuestion, get_company, load_question_bank
from core.config import Settings
from core.errors import InputError
from core.i18n import tr
from core.interview.followup import follow_up_budget
from core.interview.session import InterviewSession, InterviewSetup
from core.protocols import VoiceActivityDetector
from core.services.history import WorstAnswer
from core.tasks import CancelToken
from desktop.workers.warmup import run_niced, warm_live_imports
from engines.assembly import Probe, Progress, SessionNotes, session_engines
from engines.models.manager import ModelManager

log = logging.getLogger(__name__)


@dataclass
class PreparedInterview:
    session: InterviewSession  # prepared (not started)
    questions: list  # PlannedQuestion
    source: str  # "llm" | "bank" | "keys"
    note: str = ""  # why the bank was used instead of the LLM, in the UI language
    speech: bool = True  # a speech model is installed (else typed answers only)
    speech_note: str = ""
    previous: dict[str, dict] = field(default_factory=dict)  # plan index -> earlier answer
    gpu_note: str = ""  # where the LLMs run (GPU, one at a time, CPU and why), UI language
    endpoint_vad: VoiceActivityDetector | None = None  # built in the background for the end-of-answer detector

    @classmethod
    def of(cls, session: InterviewSession, notes: SessionNotes,
           previous: dict[str, dict] | None = None) -> "PreparedInterview":
        """The prepared interview of a session whose plan is ready, with the engines' notes."""
        return cls(session=session, questions=list(session.plan), source=session.plan_source, note=notes.plan,
                   speech=notes.speech, speech_note=notes.speech_note, previous=previous or {},
                   gpu_note=notes.gpu_note, endpoint_vad=notes.endpoint_vad)


def _template_re(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[a-z_]+\})", template)
    return re.compile("^" + "".join("(.+?)" if p.startswith("{") and p.endswith("}") else re.escape(p)
                                    for p in parts) + "$")


def bank_key_for(text: str, lang: str, bank: list[BankQuestion], key: str | None = None) -> str | None:
    """The bank question ``text`` was asked from (its key, else the template it fills)."""
    for q in bank:
        if key and q.key == key:
            return q.key
    for q in bank:
        template = q.text.get(lang)
        if template == text or (q.slots and _template_re(template).match(text)):
            return q.key
    return None


def prepare_interview(*, sessions: Callable[[], Session], candidate_id: int, lang: str, company_id: str | None,
                      position: str, resume_path: Path | None, resume: tuple[str, dict] | None, n: int,
                      manager: ModelManager, settings: Settings, practise: list[WorstAnswer] | None = None,
                      seed: int | None = None, probe: Probe | None = None, progress: Progress | None = None,
                      cancel: CancelToken | None = None) -> PreparedInterview:
    if not position.strip():
        raise InputError("ui.new.position_missing")
    company = get_company(company_id) if company_id else None
    keys: list[str] | None = None
    previous: dict[str, dict] = {}
    if practise:
        bank = load_question_bank()
        keys = []
        for w in practise:
            key = bank_key_for(w.question, lang, bank, w.bank_key)
            if key is None:
                raise InputError("ui.new.practise_unknown", question=w.question[:60])
            previous[str(len(keys))] = {"answer": w.answer, "score": w.score, "interview_id": w.interview_id}
            keys.append(key)
    engines, notes = session_engines(manager, settings, lang, company, probe=probe, progress=progress,
                                     run_loader=run_niced)
    warm_live_imports()  # the live screen's lazy imports, here instead of during the interview
    if cancel is not None:
        cancel.raise_if_cancelled()
    if seed is None:  # a fresh interview each time; practise-again keeps its questions (keys)
        seed = secrets.randbelow(2**31)
    setup = InterviewSetup(candidate_id=candidate_id, company=company, position=position.strip(), language=lang,
                           n_questions=n, resume_path=resume_path, resume=resume, question_keys=keys, seed=seed,
                           follow_ups=follow_up_budget(settings.follow_ups_per_interview, n,
                                                       settings.questions_per_interview))
    session = InterviewSession(sessions, setup, engines)
    if progress:
        progress(0, 0, tr("ui.new.planning", lang))
    session.prepare(cancel)
    return PreparedInterview.of(session, notes, previous)
