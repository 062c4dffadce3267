"""LanguageModel over llama-cpp-python (GGUF).

- The model file is checked before llama.cpp sees it (exists, GGUF magic): a missing or
  corrupt file raises ModelError ``planner.model_corrupt`` naming the file and the fix.
- Chat formatting: the GGUF's own template when it has one; a template-less base model
  (the embedded gemma-3-270m) gets a plain "System/User/Assistant:" prompt via completion.
- ``chat_json``: generation constrained by the JSON schema (``response_format``), then parsed
  and checked against the schema's required keys; invalid JSON, a schema violation or empty
  output raise EngineError, never a half-filled dict.
- Before llama.cpp is loaded in this process, :func:`engines.runtime_probe.ensure_runtime` has
  run it once in a child for this build: a runtime that crashes there raises RuntimeRefused
  (a ModelError the caller turns into "bank questions, rubric evaluator") instead of killing us.
- GPU layers: ``n_gpu_layers`` as the caller's plan says (:func:`engines.llm.gpu.plan_models`
  over the question model and the evaluator together); without one, the planner for this
  model alone (all layers when the card holds it, some when not, 0 on the CPU), so a card too
  small never fails to load. CPU threads from :func:`default_threads` (cores less one:
  spinning workers collapse on a busy machine).
- With a :class:`engines.llm.gpu.GpuLane` (the two models do not fit the GPU together) the
  weights are loaded when the model is used and unloaded when the other model needs the GPU.

Threading: a ``Llama`` instance is not thread-safe; a lock serialises calls, and
:meth:`LlamaCppModel.shared` gives one instance per (path, n_ctx, GPU layers) per process.
Cancellation: checked between streamed tokens.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence, cast

from core.errors import Cancelled, EngineError, ModelError
from core.gpu_plan import plan_offload
from core.protocols import ChatMessage, JsonObject
from core.tasks import CancelToken
from engines.llm.gpu import GpuLane, gguf_spec, gpus, llama_gpu_build
from engines.runtime_probe import ensure_runtime

if TYPE_CHECKING:  # llama_cpp itself is imported when a model loads (a native library)
    from llama_cpp import Llama
    from llama_cpp.llama_types import (
        ChatCompletionRequestAssistantMessage,
        ChatCompletionRequestMessage,
        ChatCompletionRequestSystemMessage,
        ChatCompletionRequestUserMessage,
        CreateChatCompletionResponse,
        CreateChatCompletionStreamResponse,
        CreateCompletionResponse,
    )

log = logging.getLogger(__name__)

_SHARED: dict[tuple, "LlamaCppModel"] = {}
_SHARED_LOCK = threading.Lock()


def check_gguf(path: Path, model_id: str) -> None:
    path = Path(path)
    if not path.is_file():
        raise ModelError("planner.model_corrupt", file=str(path), reason="missing", id=model_id)
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic != b"GGUF":
        raise ModelError("planner.model_corrupt", file=path.name, reason="not a GGUF file", id=model_id)


def default_threads() -> int:
    """llama.cpp threads: the cores this process may use, less one, at most 4.

    llama.cpp's workers busy-wait for each other at every layer; with as many threads as
    cores on a machine where anything else runs (the UI, whisper, another process) one
    worker is always descheduled and the rest spin. On the 2-core dev machine 2 threads gave
    9-11 tokens/s (1.9 when the machine was loaded) against 21 for one thread."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores - 1))


def _gpu_layers(path: Path, model_id: str, n_ctx: int) -> int:
    """This model alone on the first GPU (core.gpu_plan); 0 without a GPU build or GPU."""
    if not llama_gpu_build():
        return 0
    scan = gpus()
    if scan.best is None:
        return 0
    try:
        spec = gguf_spec(model_id, path, n_ctx)
    except ModelError:
        return 0
    return plan_offload([spec], scan.best.free_bytes).models[0].n_gpu_layers


class LlamaCppModel:
    def __init__(self, path: Path, *, model_id: str = "", n_ctx: int = 4096, n_threads: int | None = None,
                 embedding: bool = False, seed: int = 0, n_gpu_layers: int | None = None,
                 lane: GpuLane | None = None) -> None:
        self.path = Path(path)
        self.model_id = model_id or self.path.stem
        check_gguf(self.path, self.model_id)
        # a native crash in llama.cpp (SIGILL on a CPU feature it cannot run) would take the
        # whole app down: the first load per build runs in a child (engines.runtime_probe)
        ensure_runtime("llama.cpp", self.path, engine=self.model_id)
        self._lock = threading.Lock()
        self._n_ctx, self._embedding, self._seed = n_ctx, embedding, seed
        self._n_threads = n_threads or default_threads()
        self.n_gpu_layers = _gpu_layers(self.path, self.model_id, n_ctx) if n_gpu_layers is None else n_gpu_layers
        self.lane = lane
        self._llm: Llama | None = None
        self.has_template = False
        self.loads = 0
        if lane is None:
            self.load()

    def load(self) -> None:
        """Load the weights (n_gpu_layers on the GPU). Called at construction, or by the
        GPU lane when this model's turn comes."""
        if self._llm is not None:
            return
        import llama_cpp  # heavy: lazily

        try:
            llm = llama_cpp.Llama(model_path=str(self.path), n_ctx=self._n_ctx, n_threads=self._n_threads,
                                  n_gpu_layers=self.n_gpu_layers, embedding=self._embedding,
                                  seed=self._seed, verbose=False)
        except (ValueError, RuntimeError, OSError) as exc:  # llama.cpp refuses a damaged file
            raise ModelError("planner.model_corrupt", file=self.path.name, reason=str(exc)[:200],
                             id=self.model_id) from exc
        self._llm = llm
        self.loads += 1
        self.has_template = bool(llm.metadata.get("tokenizer.chat_template"))

    def unload(self) -> None:
        """Free the weights (GPU memory included); the next use through the lane reloads."""
        llm, self._llm = self._llm, None
        if llm is not None:
            close = getattr(llm, "close", None)
            if callable(close):
                close()

    @property
    def loaded(self) -> bool:
        return self._llm is not None

    def _resident(self) -> contextlib.AbstractContextManager[None]:
        """Context in which the weights are loaded: the lane's turn, or nothing to do."""
        if self.lane is not None:
            return self.lane.use(self)
        return contextlib.nullcontext()

    @classmethod
    def shared(cls, path: Path, *, model_id: str = "", n_ctx: int = 4096, embedding: bool = False,
               n_gpu_layers: int | None = None, lane: GpuLane | None = None) -> "LlamaCppModel":
        key = (str(path), n_ctx, embedding, n_gpu_layers, lane is not None)
        with _SHARED_LOCK:
            if key not in _SHARED:
                _SHARED[key] = cls(path, model_id=model_id, n_ctx=n_ctx, embedding=embedding,
                                   n_gpu_layers=n_gpu_layers, lane=lane)
            return _SHARED[key]

    @property
    def llama(self) -> Llama:
        """The loaded llama.cpp model (loaded now when it is not)."""
        if self._llm is None:
            self.load()
        return cast("Llama", self._llm)

    # ------------------------------------------------------------------ prompting
    @staticmethod
    def plain_prompt(messages: Sequence[ChatMessage]) -> str:
        """Prompt for a template-less base model."""
        parts = [f"{m.role.capitalize()}: {m.content}" for m in messages]
        return "\n\n".join(parts) + "\n\nAssistant:"

    @staticmethod
    def _chat_messages(messages: Sequence[ChatMessage]) -> list[ChatCompletionRequestMessage]:
        out: list[ChatCompletionRequestMessage] = []
        for m in messages:
            if m.role == "system":
                system: ChatCompletionRequestSystemMessage = {"role": "system", "content": m.content}
                out.append(system)
            elif m.role == "user":
                user: ChatCompletionRequestUserMessage = {"role": "user", "content": m.content}
                out.append(user)
            else:
                said: ChatCompletionRequestAssistantMessage = {"role": "assistant", "content": m.content}
                out.append(said)
        return out

    def _complete(self, messages: Sequence[ChatMessage], *, max_tokens: int, temperature: float,
                  schema: JsonObject | None = None, stream: bool = False) -> object:
        """llama.cpp's completion (a response, or an iterator of chunks with ``stream``): the
        chat template's when the model has one, else a plain prompt (``schema`` as a grammar)."""
        llm = self.llama
        try:
            if self.has_template:
                if schema is not None:
                    return llm.create_chat_completion(
                        messages=self._chat_messages(messages), max_tokens=max_tokens, temperature=temperature,
                        stream=stream, response_format={"type": "json_object", "schema": schema})
                return llm.create_chat_completion(messages=self._chat_messages(messages), max_tokens=max_tokens,
                                                  temperature=temperature, stream=stream)
            grammar = None
            if schema is not None:
                from llama_cpp import LlamaGrammar

                grammar = LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
            return llm.create_completion(self.plain_prompt(messages), max_tokens=max_tokens,
                                         temperature=temperature, grammar=grammar, stream=stream,
                                         stop=["\nUser:", "\nSystem:"])
        except (ValueError, RuntimeError) as exc:
            raise EngineError(engine=self.model_id, reason=str(exc)[:200]) from exc

    def _text_of(self, out: object) -> str:
        if self.has_template:
            return cast("CreateChatCompletionResponse", out)["choices"][0]["message"].get("content") or ""
        return cast("CreateCompletionResponse", out)["choices"][0].get("text") or ""

    def _pieces(self, chunks: object) -> Iterator[str | None]:
        if self.has_template:
            for chunk in cast("Iterator[CreateChatCompletionStreamResponse]", chunks):
                piece = chunk["choices"][0]["delta"].get("content")  # an empty delta has none
                yield piece if isinstance(piece, str) else None
        else:
            for done in cast("Iterator[CreateCompletionResponse]", chunks):
                yield done["choices"][0].get("text")

    def chat(self, messages: Sequence[ChatMessage], *, max_tokens: int = 512, temperature: float = 0.2,
             cancel: CancelToken | None = None) -> str:
        return "".join(self.stream(messages, max_tokens=max_tokens, temperature=temperature, cancel=cancel))

    def stream(self, messages: Sequence[ChatMessage], *, max_tokens: int = 512, temperature: float = 0.2,
               cancel: CancelToken | None = None) -> Iterator[str]:
        with self._lock, self._resident():
            chunks = self._complete(messages, max_tokens=max_tokens, temperature=temperature, stream=True)
            for piece in self._pieces(chunks):
                if cancel is not None and cancel.cancelled:
                    raise Cancelled()
                if piece:
                    yield piece

    def chat_json(self, messages: Sequence[ChatMessage], schema: JsonObject, *, max_tokens: int = 1024,
                  temperature: float = 0.1, cancel: CancelToken | None = None) -> JsonObject:
        if cancel is not None:
            cancel.raise_if_cancelled()
        with self._lock, self._resident():
            out = self._complete(messages, max_tokens=max_tokens, temperature=temperature, schema=schema)
        text = self._text_of(out).strip()
        if not text:
            raise EngineError(engine=self.model_id, reason="empty output")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise EngineError(engine=self.model_id, reason=f"invalid JSON ({exc.msg})") from None
        problem = schema_problem(data, schema)
        if problem:
            raise EngineError(engine=self.model_id, reason=f"schema violation: {problem}")
        return cast(JsonObject, data)  # schema_problem checked it is an object (every schema here is one)


def schema_problem(data: object, schema: JsonObject, path: str = "$") -> str | None:
    """A small JSON-schema check (type, required, properties, items, minLength, minItems,
    enum, minimum/maximum): enough for our own schemas, no extra dependency."""
    t = schema.get("type")
    types: dict[str, type | tuple[type, ...]] = {"object": dict, "array": list, "string": str, "integer": int,
                                                 "number": (int, float), "boolean": bool}
    if t and not isinstance(data, types[t]) or (t in ("integer", "number") and isinstance(data, bool)):
        return f"{path}: expected {t}"
    if "enum" in schema and data not in schema["enum"]:
        return f"{path}: not one of {schema['enum']}"
    # the type check above holds: each isinstance below only tells the type checker so
    if t == "string" and isinstance(data, str) and len(data.strip()) < schema.get("minLength", 0):
        return f"{path}: too short"
    if t in ("integer", "number") and isinstance(data, (int, float)):
        if "minimum" in schema and data < schema["minimum"] or "maximum" in schema and data > schema["maximum"]:
            return f"{path}: out of range"
    if t == "object" and isinstance(data, dict):
        for key in schema.get("required", []):
            if key not in data:
                return f"{path}.{key}: missing"
        for key, sub in (schema.get("properties") or {}).items():
            if key in data:
                p = schema_problem(data[key], sub, f"{path}.{key}")
                if p:
                    return p
    if t == "array" and isinstance(data, list):
        if len(data) < schema.get("minItems", 0):
            return f"{path}: too few items"
        for i, item in enumerate(data):
            p = schema_problem(item, schema.get("items") or {}, f"{path}[{i}]")
            if p:
                return p
    return None
