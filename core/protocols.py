"""Engine Protocols: what the pipeline needs from each capability.

Adapters live in ``engines/<capability>/`` and import their heavy runtime lazily. Unless a
Protocol says otherwise, an engine instance is used from one thread at a time (the worker
that owns it); results are plain dataclasses that can cross threads.

Audio is 16 kHz mono float32 in [-1, 1] (``numpy.ndarray``). Video frames are BGR uint8
``numpy.ndarray`` (OpenCV's layout). Times are seconds on the session clock (seconds since the
interview started, from ``time.monotonic``) unless stated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Literal, Protocol, Sequence, runtime_checkable

if TYPE_CHECKING:
    import numpy as np

    from core.interview.types import AnswerEvaluation, PlannedQuestion
    from core.tasks import CancelToken

# A decoded JSON object (a model's structured output, a JSON schema): its shape is checked at run
# time (a schema, pydantic), not by the type checker.
JsonObject = dict[str, Any]

SAMPLE_RATE = 16_000
Capability = Literal["llm", "evaluator", "stt", "vad", "emotion", "eyes", "embed", "tts"]
CAPABILITIES: tuple[str, ...] = ("llm", "evaluator", "stt", "vad", "emotion", "eyes", "embed", "tts")


# ----------------------------------------------------------------------------- language models
@dataclass
class ChatMessage:
    role: Literal["system", "user", "assistant"]
    content: str


@runtime_checkable
class LanguageModel(Protocol):
    """A chat model. ``chat_json`` returns a dict valid against ``schema`` or raises
    :class:`core.errors.EngineError` (invalid JSON, schema violation, runtime failure)."""

    model_id: str

    def chat(self, messages: Sequence[ChatMessage], *, max_tokens: int = 512,
             temperature: float = 0.2, cancel: "CancelToken | None" = None) -> str: ...

    def stream(self, messages: Sequence[ChatMessage], *, max_tokens: int = 512,
               temperature: float = 0.2, cancel: "CancelToken | None" = None) -> Iterator[str]: ...

    def chat_json(self, messages: Sequence[ChatMessage], schema: JsonObject, *,
                  max_tokens: int = 1024, temperature: float = 0.1,
                  cancel: "CancelToken | None" = None) -> JsonObject: ...


# ----------------------------------------------------------------------------- speech
@dataclass
class Word:
    text: str
    start: float
    end: float
    confidence: float | None = None


@dataclass
class TranscriptSegment:
    """A piece of recognised speech. ``is_final`` False means interim text that may change."""

    text: str
    start: float
    end: float
    words: list[Word] = field(default_factory=list)
    confidence: float | None = None
    language: str | None = None
    is_final: bool = True
    engine: str = ""


@dataclass
class Transcription:
    """``detected_language`` / ``language_probability``: what language identification heard
    (None when the engine did not identify it); ``chosen_language_probability``: the share
    of the language the interview is held in."""

    segments: list[TranscriptSegment]
    language: str
    duration: float
    engine: str
    detected_language: str | None = None
    language_probability: float | None = None
    chosen_language_probability: float | None = None

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments if s.text.strip())

    @property
    def words(self) -> list[Word]:
        return [w for s in self.segments for w in s.words]


@runtime_checkable
class FileTranscriber(Protocol):
    engine_name: str

    def transcribe(self, audio: "Path | np.ndarray", language: str | None = None,
                   cancel: "CancelToken | None" = None) -> Transcription: ...


@runtime_checkable
class StreamingTranscriber(Protocol):
    """Push audio in, get interim and final segments out through ``on_segment``.

    ``on_segment`` is called on the transcriber's own thread; consumers marshal it.
    ``finish()`` flushes: every audio sample fed before it ends up in a final segment.
    """

    engine_name: str

    def start(self, language: str, on_segment: Callable[[TranscriptSegment], None]) -> None: ...

    def feed(self, pcm: "np.ndarray") -> None: ...

    def finish(self) -> None: ...

    def close(self) -> None: ...


@runtime_checkable
class VoiceActivityDetector(Protocol):
    sample_rate: int
    frame_samples: int

    def speech_probability(self, frame: "np.ndarray") -> float: ...

    def reset(self) -> None: ...


# ----------------------------------------------------------------------------- capture
@dataclass
class Frame:
    image: "np.ndarray"
    t: float  # session clock seconds
    index: int


@runtime_checkable
class CameraSource(Protocol):
    """Frames from a camera or a file. ``read()`` returns None at end of stream.
    ``open()`` raises :class:`core.errors.DeviceError` for a missing or busy device."""

    fps: float
    size: tuple[int, int]

    def open(self) -> None: ...

    def read(self) -> Frame | None: ...

    def close(self) -> None: ...


@runtime_checkable
class MicrophoneSource(Protocol):
    """Audio blocks (16 kHz mono float32) delivered to ``on_audio`` on the source's thread."""

    sample_rate: int

    def start(self, on_audio: Callable[["np.ndarray", float], None]) -> None: ...

    def stop(self) -> None: ...


# ----------------------------------------------------------------------------- vision
@dataclass
class GazeSample:
    t: float
    face_found: bool
    eyes_found: int = 0
    face_box: tuple[int, int, int, int] | None = None
    eye_points: list[tuple[float, float]] = field(default_factory=list)
    gaze: tuple[float, float] | None = None  # (x, y) relative to calibration, ~[-1, 1]
    on_target: bool | None = None  # looking at camera / question area
    eyes_closed: bool | None = None
    blink: bool = False


@runtime_checkable
class GazeTracker(Protocol):
    def process(self, frame: Frame) -> GazeSample: ...

    def reset(self) -> None: ...


EMOTIONS: tuple[str, ...] = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")


@dataclass
class EmotionSample:
    t: float
    dominant: str
    scores: dict[str, float]  # the seven EMOTIONS, summing to ~1
    face_found: bool = True
    backend: str = ""


@runtime_checkable
class EmotionAnalyzer(Protocol):
    backend: str

    def analyze(self, frame: Frame) -> EmotionSample | None: ...


# ----------------------------------------------------------------------------- text
@runtime_checkable
class Embedder(Protocol):
    model_id: str
    dim: int

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


@runtime_checkable
class AnswerEvaluator(Protocol):
    """Scores one answer against its question's rubric. Returns an AnswerEvaluation (with
    ``evaluated=False`` and a reason when it cannot judge), never a made-up score.
    :class:`core.evaluation.coverage.CoverageEvaluator` conforms; so does
    :class:`core.evaluation.pipeline.LlmEvaluator`. Called on the interview session's
    evaluation thread."""

    def evaluate(self, question: "PlannedQuestion", words: list[Word], language: str, *,
                 position: str = "", company_terms: Sequence[str] = ()) -> "AnswerEvaluation": ...


@dataclass
class PdfDocument:
    path: Path
    pages: list[str]
    metadata: dict[str, str | int] = field(default_factory=dict)  # the PDF's title, author ... and page_count
    # core.resume.layout.LayoutPage per page when the reader knows the layout, else empty
    layout: list[Any] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


@runtime_checkable
class PdfReader(Protocol):
    """Raises :class:`core.errors.InputError` with a specific code for encrypted, image-only,
    oversized, non-PDF or broken files."""

    def read(self, path: Path) -> PdfDocument: ...
