"""Embedder over llama.cpp: a GGUF model run with ``embedding=True``, mean-pooled over the
tokens and L2-normalised (so a dot product is the cosine).

The embedded default is ``gemma3-270m-embed``: the shared gemma-3-270m base-model file, not
a trained sentence encoder. Its dimension is read from the loaded model (``n_embd``) and
checked against the catalog's ``dim``: a mismatch raises ModelError rather than storing
vectors of the wrong width in pgvector columns.

Measured separation (``python -m bench.embed --json``: 10 ko + 10 en model-answer sentences
from the bank, each against the key point it makes and against a key point of another
position's question; 2-core machine, mean pooling, cosine):

=====  ==========  ==============  =====  =================  ==========================
lang   mean match  mean non-match  AUC    max non-match      matches above it
=====  ==========  ==============  =====  =================  ==========================
ko     0.963       0.903           0.94   0.946              8 / 10
en     0.879       0.737           0.90   0.825              8 / 10
both   0.921       0.820           0.825  (pooled: languages have different baselines)
=====  ==========  ==============  =====  =================  ==========================

It separates within a language on these pairs, but the matching pairs share words with
their key point, and real off-topic answers from the replays score as high: "지원자 출신...
선배들이 일을 잘했습니다." vs "팀 구성과 본인의 역할을 구분해 말한다" 0.954 (above every
matching Korean pair but two; min match 0.921), "Second, we compare data from user tests."
vs the micro-frontend key point 0.826 (en min match 0.716). Any threshold that keeps those
out drops most true matches, and one that lets matches in scores off-topic answers - the
false credit this product must not give. Semantic matching therefore stays OFF for this
model (:data:`SEPARATION` is empty); a real sentence encoder (catalog ``bge-m3-q8``) has to
be measured with ``bench.embed`` and entered there before it is used.

Threading: a ``Llama`` context is not thread-safe, so :meth:`LlamaEmbedder.shared` keeps
one instance per (path) per process and every ``embed`` call holds its lock; callers on
any thread may share it. ``llama_cpp`` is imported lazily (on first construction).
"""

from __future__ import annotations

import logging
import math
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from core.errors import EngineError, ModelError
from engines.llm.llama_cpp_model import check_gguf, default_threads
from engines.runtime_probe import ensure_runtime

if TYPE_CHECKING:
    from engines.models.manager import ModelManager

log = logging.getLogger(__name__)

_SHARED: dict[str, "LlamaEmbedder"] = {}
_SHARED_LOCK = threading.Lock()

# Measured with bench/embed.py (figures in the module docstring). model id -> language ->
# cosine threshold; a model or language not listed was not measured to separate, and then
# semantic matching stays off (only the lexical rule scores).
SEPARATION: dict[str, dict[str, float]] = {
    # "gemma3-270m-embed": measured, does not separate on real answers (module docstring)
}


def semantic_thresholds_for(model_id: str) -> dict[str, float]:
    """Per-language cosine thresholds the coverage evaluator may use for ``model_id``;
    empty when the model was not measured to separate (semantic matching off)."""
    return dict(SEPARATION.get(model_id, {}))


def _l2(v: Sequence[float]) -> list[float]:
    n = math.sqrt(sum(x * x for x in v))
    return [x / n for x in v] if n else [0.0 for _ in v]


class LlamaEmbedder:
    """:class:`core.protocols.Embedder` over a GGUF file.

    ``expected_dim``: the catalog's ``dim``; the model's own ``n_embd`` must equal it.
    ``embed`` returns one unit-length vector per input text (an empty text gives a zero
    vector: there is nothing to mean-pool). Thread-safe (one lock per instance).
    """

    def __init__(self, path: Path, *, model_id: str, expected_dim: int | None = None,
                 n_ctx: int = 512, n_threads: int | None = None) -> None:
        self.path = Path(path)
        self.model_id = model_id
        check_gguf(self.path, model_id)
        # a native crash in llama.cpp would take the whole app down: probe it in a child first
        ensure_runtime("llama.cpp-embed", self.path, engine=model_id)
        import llama_cpp  # heavy: lazily

        self._lock = threading.Lock()
        try:
            self._llm = llama_cpp.Llama(
                model_path=str(self.path), embedding=True, n_ctx=n_ctx, n_batch=n_ctx, n_ubatch=n_ctx,
                # a base LM has no pooling in its metadata: ask for mean pooling explicitly
                pooling_type=llama_cpp.LLAMA_POOLING_TYPE_MEAN,
                n_threads=n_threads or default_threads(), verbose=False)
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError("planner.model_corrupt", file=self.path.name, reason=str(exc)[:200],
                             id=model_id) from exc
        self.dim = int(self._llm.n_embd())
        if expected_dim is not None and self.dim != int(expected_dim):
            raise ModelError("embed.dim_mismatch", id=model_id, dim=self.dim, expected=expected_dim)
        self._n_ctx = n_ctx

    @classmethod
    def shared(cls, path: Path, *, model_id: str, expected_dim: int | None = None) -> "LlamaEmbedder":
        """The one instance for ``path`` in this process (loaded on first use)."""
        key = str(path)
        with _SHARED_LOCK:
            if key not in _SHARED:
                _SHARED[key] = cls(path, model_id=model_id, expected_dim=expected_dim)
            return _SHARED[key]

    @classmethod
    def from_manager(cls, manager: ModelManager) -> "LlamaEmbedder":
        """The shared embedder for the manager's active ``embed`` model."""
        entry, path = manager.require("embed")
        if path.is_dir():  # a folder model: its single GGUF
            ggufs = sorted(path.glob("*.gguf"))
            if not ggufs:
                raise ModelError("planner.model_corrupt", file=str(path), reason="no .gguf", id=entry.id)
            path = ggufs[0]
        return cls.shared(path, model_id=entry.id, expected_dim=getattr(entry, "dim", None))

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        out: list[list[float]] = []
        with self._lock:
            for text in texts:
                if not text.strip():
                    out.append([0.0] * self.dim)
                    continue
                toks = self._llm.tokenize(text.encode("utf-8"), add_bos=True)
                if len(toks) > self._n_ctx:  # llama.cpp refuses over-long input: keep the head
                    text = self._llm.detokenize(toks[1:self._n_ctx - 8]).decode("utf-8", "ignore")
                try:
                    vec = self._llm.embed(text, normalize=False)
                except (ValueError, RuntimeError) as exc:
                    raise EngineError(engine=self.model_id, reason=str(exc)[:200]) from exc
                if vec and isinstance(vec[0], list):  # per-token output: pool ourselves
                    vec = [sum(col) / len(vec) for col in zip(*vec)]
                out.append(_l2(vec))
        return out
