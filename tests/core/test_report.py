"""Report building (seed shape, means, not-evaluated answers, emotions), storage on SQLite
and HTML/PDF export."""

from __future__ import annotations

import json
import re

import pytest
from pydantic import ValidationError

from core.interview.types import CRITERIA, AnswerEvaluation, CriterionScore, Evidence, PlannedQuestion
from core.protocols import Word
from core.report.builder import AnswerRecord, build_report
from core.report.model import Report


def _words(text: str, t0: float = 0.5) -> list[Word]:
    out, t = [], t0
    for tok in text.split():
        out.append(Word(tok, t, t + 0.3, 0.9))
        t += 0.38
    return out


def _eval(scores: list[float], answer: str) -> AnswerEvaluation:
    quote = answer.split()[0]
    return AnswerEvaluation(
        {c: CriterionScore(c, s, [Evidence(quote, 0.5, 0.8, f"point {c}")], reason=f"reason {c}")
         for c, s in zip(CRITERIA, scores)},
        feedback="결론부터 말한 점이 좋습니다.", strengths=["수치 제시"], improvements=["STAR 구조"],
        evaluator_model="rubric-coverage/lexical")


ANSWERS_KO = [
    "저는 결제 시스템을 3년간 운영한 백엔드 개발자입니다. 응답 시간을 40% 줄였습니다.",
    "Redis 캐시를 도입했습니다. 음 TTL은 그, 트래픽에 맞춰 조정했어요.",
    "<script>alert('x')</script> 잘 모르겠습니다.",
]


def _records(lang: str = "ko", *, third_evaluated: bool = False) -> list[AnswerRecord]:
    qs = [PlannedQuestion("자기소개 부탁드립니다.", "behavioral", "자기소개", language=lang),
          PlannedQuestion("캐시를 어떻게 설계하셨나요?", "technical", "직무지식", language=lang),
          PlannedQuestion("갈등 경험을 말씀해 주세요.", "cultural_fit", "협업·갈등", language=lang, is_follow_up=True,
                          parent_index=0)]
    evals = [_eval([70, 80, 60, 90], ANSWERS_KO[0]), _eval([50, 60, 70, 80], ANSWERS_KO[1]),
             _eval([10, 20, 30, 40], ANSWERS_KO[2]) if third_evaluated else None]
    return [AnswerRecord(i, q, a, _words(a), lang, e, audio_duration=35.0, stt_confidence=0.9,
                         stt_engine="faster-whisper/base")
            for i, (q, a, e) in enumerate(zip(qs, ANSWERS_KO, evals))]


@pytest.fixture(scope="module")
def built() -> Report:
    recs = _records()
    return build_report(list(reversed(recs)), language="ko", position="백엔드", company_id="KAKAO",
                        company_name="카카오")


@pytest.fixture(scope="module")
def report(built: Report) -> dict:
    """The stored JSON form: what the database, the sync bundle and the screens hold."""
    return built.to_json()


def test_seed_shape_and_extras(report):
    assert {"technical", "communication", "cultural"} <= set(report["summary"])
    assert {"overall", "evaluated_answers", "total_answers", "text"} <= set(report["summary"])
    assert {"confidence", "nervousness"} <= set(report["emotions"])
    for d in report["details"]:
        assert {"question", "answer", "feedback", "score"} <= set(d)
        assert {"index", "question_type", "category", "is_follow_up", "scores", "strengths", "improvements",
                "evidence", "delivery", "evaluated", "not_evaluated_reason", "evaluator_model", "stt",
                "gaze", "emotion"} <= set(d)
    assert [d["index"] for d in report["details"]] == [0, 1, 2]  # answer order, whatever came in
    ev = report["details"][0]["evidence"][0]
    assert set(ev) == {"quote", "start", "end", "rubric_point", "criterion"}
    assert report["meta"]["company"] == {"id": "KAKAO", "name": "카카오"}
    assert report["meta"]["evaluator_models"] == ["rubric-coverage/lexical"]
    json.dumps(report)  # JSON-able


def test_overall_is_mean_of_evaluated_answer_scores(report):
    s, d = report["summary"], report["details"]
    assert d[0]["score"] == 75.0 and d[1]["score"] == 65.0
    assert s["overall"] == 70.0
    assert s["technical"] == 60.0 and s["communication"] == 85.0
    # the seed's "cultural" is the job_fit criterion: one number per criterion, everywhere
    assert s["cultural"] == s["criteria"]["job_fit"] == 65.0 and "cultural_basis" not in s
    assert (s["evaluated_answers"], s["total_answers"]) == (2, 3)


def test_not_evaluated_answer_is_excluded_and_labelled(report):
    d = report["details"][2]
    assert d["evaluated"] is False and d["score"] is None and d["feedback"] is None
    assert d["scores"] == {} and d["evidence"] == []
    assert "평가기" in d["not_evaluated_reason"]
    with_third = build_report(_records(third_evaluated=True), language="ko", position="p", company_id=None)
    assert with_third.summary.overall == pytest.approx((75 + 65 + 25) / 3, abs=0.05)


def test_cultural_is_job_fit_over_all_answers_and_no_scores_means_none():
    recs = _records()
    only_tech = build_report([recs[1]], language="en", position="p", company_id=None)
    assert only_tech.summary.cultural == only_tech.summary.criteria["job_fit"] == 70.0
    s = build_report([recs[2]], language="en", position="p", company_id=None).summary
    assert s.overall is None and s.technical is None and s.cultural is None
    assert "None of the 1 answers" in s.text


def test_fewer_than_half_evaluated_is_said():
    recs = _records()
    recs.append(AnswerRecord(3, recs[0].question, "", [], "ko", None, not_evaluated_reason="empty answer"))
    r = build_report([recs[0], recs[2], recs[3]], language="en", position="p", company_id=None)
    assert "Fewer than half" in r.summary.text
    assert r.details[2].not_evaluated_reason == "empty answer"


def test_emotions_null_with_reason_without_video(report):
    e = report["emotions"]
    assert e["confidence"] is None and e["nervousness"] is None and e["reliable"] is False
    assert "영상" in e["reason"]
    vis = {"confidence": 0.7, "nervousness": 0.2, "reliable": True, "face_visible": 0.93}
    with_video = build_report(_records(), language="ko", position="p", company_id=None, emotions=vis)
    assert with_video.to_json()["emotions"] == vis
    assert with_video.emotions.is_reliable and with_video.emotions.model_extra == {"face_visible": 0.93}


def test_html_is_self_contained_and_escaped(report, tmp_path):
    from core.report.export import write_html

    path = write_html(report, tmp_path / "r.html", lang="ko")
    html = path.read_text("utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert "http://" not in html and "https://" not in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count("data:image/png;base64,") == 4
    assert "면접 리포트" in html and "평가 안 됨" in html


def test_pdf_opens_with_korean_text_and_charts(report, tmp_path):
    import pymupdf

    from core.report.export import write_pdf

    path = write_pdf(report, tmp_path / "r.pdf", lang="ko")
    with pymupdf.open(path) as doc:
        assert doc.page_count >= 1
        text = "".join(p.get_text() for p in doc)
        images = sum(len(p.get_images()) for p in doc)
    assert "면접 리포트" in text and "답변별 평가" in text and "평가 안 됨" in text
    assert "<script>alert" in text  # shown literally, as the candidate said it
    assert images == 4
    assert path.stat().st_size < 2_000_000  # the CJK font is subset


def _sqlite_with_candidate(tmp_path):
    """A fresh SQLite database with one candidate: (engine, the candidate's id)."""
    from sqlalchemy.orm import Session

    from core.db.models import Base, User
    from core.db.session import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        user = User(email="a@b.c", username="a", password_hash="x")
        s.add(user)
        s.commit()
        return engine, user.id


def test_save_report_round_trip_on_sqlite(report, tmp_path):
    from sqlalchemy.orm import Session

    from core.db.models import AnswerMetrics, EvaluationReport, Interview, InterviewQuestion
    from core.report.store import save_report

    engine, user_id = _sqlite_with_candidate(tmp_path)
    with Session(engine) as s:
        bare = Interview(candidate_id=user_id, position="backend")
        asked = Interview(candidate_id=user_id, position="backend")
        s.add_all([bare, asked])
        s.flush()
        s.add_all([InterviewQuestion(interview_id=asked.id, position=i, text=d["question"])
                   for i, d in enumerate(report["details"])])
        s.flush()
        row = save_report(s, bare.id, report)
        save_report(s, asked.id, report)
        s.commit()
        row_id, bare_id, asked_id = row.id, bare.id, asked.id

    with Session(engine) as s:
        row = s.get(EvaluationReport, row_id)
        assert (row.technical_score, row.communication_score, row.cultural_fit_score) == (60.0, 85.0, 65.0)  # cultural = job fit
        assert row.summary_text == report["summary"]["text"]
        assert row.details_json == json.loads(json.dumps(report))
        assert row.evaluator_model == "rubric-coverage/lexical"
        assert s.get(Interview, bare_id).overall_score == 70.0
        assert s.get(Interview, bare_id).emotion_summary["reliable"] is False
        metrics = s.query(AnswerMetrics).all()
        assert len(metrics) == 3  # only the interview with questions gets per-answer rows
        assert {m.interview_question_id for m in metrics} == {
            q.id for q in s.query(InterviewQuestion).filter_by(interview_id=asked_id)}
        assert metrics[0].delivery["rate"]["unit"] == "syllables_per_min"
        assert metrics[0].quality["stt"]["engine"] == "faster-whisper/base"


def test_stored_form_reads_back_unchanged_and_keeps_unknown_keys(built, report):
    assert Report.from_json(report).to_json() == report
    assert Report.from_json(built) is built
    # a report written by another build: a key this model does not name survives the round trip
    other = json.loads(json.dumps(report))
    other["details"][0]["reviewer"] = {"name": "x"}
    other["meta"]["server_field"] = 1
    again = Report.from_json(other)
    assert again.details[0].model_extra == {"reviewer": {"name": "x"}}
    assert again.to_json() == other
    with pytest.raises(ValidationError):  # not a report: no summary, details or emotions
        Report.from_json({"summary": {}})


def test_export_reads_the_model_and_its_stored_form_alike(built, report):
    from core.report.export import render_html

    def html(rep: Report | dict) -> str:
        return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "", render_html(rep, lang="en", image_src=lambda n, _p: n))

    assert html(built) == html(report)
    assert "Not evaluated" in html(report)


def test_save_report_stores_the_models_json_form(built, tmp_path):
    from sqlalchemy.orm import Session

    from core.db.models import EvaluationReport, Interview
    from core.report.store import save_report

    engine, user_id = _sqlite_with_candidate(tmp_path)
    with Session(engine) as s:
        iv = Interview(candidate_id=user_id, position="backend")
        s.add(iv)
        s.flush()
        row_id = save_report(s, iv.id, built).id
        s.commit()
    with Session(engine) as s:
        row = s.get(EvaluationReport, row_id)
        assert row is not None and row.details_json == built.to_json()
        assert row.technical_score == built.summary.technical == 60.0


def test_evidence_is_grouped_alike_from_the_model_and_its_stored_form(built, report):
    from core.report.export import grouped_evidence

    for model_detail, stored_detail in zip(built.details, report["details"]):
        from_model = [(ev.quote, crits) for ev, crits in grouped_evidence(model_detail.evidence)]
        from_json = [(ev["quote"], crits) for ev, crits in grouped_evidence(stored_detail["evidence"])]
        assert from_model == from_json
    quotes = [{"quote": "a", "rubric_point": "p", "criterion": "logic"},
              {"quote": "a ", "rubric_point": "p", "criterion": "communication"},
              {"quote": "b", "rubric_point": "p", "criterion": "logic"}]
    assert [(q["quote"], c) for q, c in grouped_evidence(quotes)] == [("a", ["logic", "communication"]),
                                                                      ("b", ["logic"])]
