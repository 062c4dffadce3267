"""One interview, one set of numbers: the report screen, home (weakest areas and the progress
chart), the HTML export and the PDF export name each criterion the same and show the same
rounded number, and number the questions the same way, in Korean and in English.
Real widgets offscreen, a report built by the real builder from real evaluations, the PDF's
text read back with PyMuPDF. Also: an interview with no evaluated answer is no progress point."""

from __future__ import annotations

import re
import unicodedata

import pytest

from tests.desktop.test_app_flow import _close, _create_account, _shell
from tests.desktop.ui_support import make_ctx

pytestmark = pytest.mark.usefixtures("model_manager")

ANSWERS = ["I used Python and PostgreSQL; I added an index because the query scanned every row, "
           "and latency fell from 800 ms to 90 ms.",
           "I don't know.",
           "I would measure first, then cache the hot path and check the hit rate over a week."]
ANSWERS_KO = ["파이썬과 PostgreSQL을 썼고, 쿼리가 모든 행을 읽어서 인덱스를 추가해 지연을 800ms에서 90ms로 줄였습니다.",
              "잘 모르겠습니다.",
              "먼저 측정하고, 자주 쓰는 경로를 캐시한 뒤 일주일 동안 적중률을 확인하겠습니다."]


def store_interview(ctx, user_id: int, lang: str, indices: list[int], *, evaluate: bool = True) -> int:
    """A completed interview whose answers sit at question ``indices`` (a gap = a skipped
    question), its report built by the real builder from the rubric evaluator's scores."""
    from core.bank import load_question_bank
    from core.db.models import InterviewStatus
    from core.evaluation.coverage import CoverageEvaluator
    from core.evaluation.text import words_from_text
    from core.interview.planner import PlanContext, plan_from_bank
    from core.report.builder import AnswerRecord, build_report
    from core.report.store import save_report
    from core.services.interviews import add_asked_question, create_interview, transition

    plan = plan_from_bank(load_question_bank(), PlanContext(language=lang, position="Backend developer"),
                          max(indices) + 1)
    with ctx.sessions() as s:
        iv = create_interview(s, candidate_id=user_id, position="Backend developer", language=lang)
        transition(s, iv, InterviewStatus.live)
        recs = []
        for n, i in enumerate(indices):
            q = plan[i]
            add_asked_question(s, iv, text=q.text, position=i)
            answers = ANSWERS_KO if lang == "ko" else ANSWERS
            text = answers[n % len(answers)]
            words = words_from_text(text)
            recs.append(AnswerRecord(index=i, question=q, answer_text=text, words=words, language=lang,
                                     evaluation=CoverageEvaluator().evaluate(q, words, lang) if evaluate else None,
                                     answer_mode="typed"))
        report = build_report(recs, language=lang, position="Backend developer", company_id=None)
        save_report(s, iv.id, report)
        transition(s, iv, InterviewStatus.completed)
        s.commit()
        return iv.id


def _norm(text: str) -> str:
    # NFKC: the PDF's text layer writes "fi" as the ligature "ﬁ"
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_report_home_chart_html_and_pdf_show_one_set_of_numbers(qtbot, tmp_path, lang):
    import pymupdf

    from core.i18n import tr
    from core.interview.types import CRITERIA
    from core.report.scores import criterion_name, score_text

    ctx = make_ctx(tmp_path, lang)
    shell = _shell(qtbot, ctx)
    _create_account(qtbot, shell)
    iid = store_interview(ctx, ctx.user.id, lang, [0, 1, 3])  # question 3 (index 2) was skipped
    ctx.events.interviews_changed.emit(iid)

    # the report screen
    shell.move_to("report", interview_id=iid)
    rep = shell.screens["report"]
    qtbot.waitUntil(lambda: rep.report is not None, timeout=20_000)
    summary = rep.report["summary"]
    crit = summary["criteria"]
    assert sum(v is not None for v in crit.values()) >= 2, "the fixture must score several criteria"
    expected = [(criterion_name(k, lang), score_text(crit[k])) for k in CRITERIA]
    shown_report = [(name, score_text(v)) for name, v in rep.view.areas.bars]
    assert shown_report == expected
    overall = score_text(summary["overall"])
    assert rep.view.overall.text() == overall
    # the seed's three summary names are the same numbers, not a second computation
    assert summary["cultural"] == crit["job_fit"] and summary["technical"] == crit["technical_accuracy"]
    items = [rep.view.answers.item(i).text() for i in range(rep.view.answers.count())]
    assert [t.split(".", 1)[0].lstrip("↳ ") for t in items] == ["1", "2", "3"]
    # the summary sentence names the weakest criterion with its shown number
    scored = {k: v for k, v in crit.items() if v is not None}
    worst = min(scored, key=scored.get)
    if max(scored.values()) - scored[worst] >= 5:
        assert f"{criterion_name(worst, lang)}" in summary["text"] and score_text(scored[worst]) in summary["text"]

    # home: the weakest areas are the report's criteria with the report's numbers; the
    # progress point is the report's overall score
    shell.move_to("home")
    home = shell.screens["home"]
    qtbot.waitUntil(lambda: not home.loading and home.view.table.rowCount() == 1, timeout=20_000)
    weak = [(name, score_text(v)) for name, v in home.view.weak_chart.bars]
    assert weak and set(weak) <= set(expected)
    assert weak[0] == min(((n, t) for n, t in expected if t != "—"), key=lambda nt: float(nt[1]))
    assert [score_text(v) for _, v in home.view.progress_chart.points] == [overall]
    assert home.view.table.item(0, 3).text() == overall

    # HTML and PDF exports: the same cards, the same numbering
    shell.move_to("report", interview_id=iid)
    qtbot.waitUntil(lambda: rep.report is not None and rep.interview_id == iid, timeout=20_000)
    html_op = rep.export("html", tmp_path / "r.html")
    qtbot.waitUntil(lambda: html_op.done, timeout=60_000)
    pdf_op = rep.export("pdf", tmp_path / "r.pdf")
    qtbot.waitUntil(lambda: pdf_op.done, timeout=120_000)
    doc = (tmp_path / "r.html").read_text("utf-8")
    cards = re.findall(r'<td><div class="meta">(.*?)</div><div class="big">(?:<span class="na">)?(.*?)(?:</span>)?</div></td>',
                       doc)
    na = tr("report.label.not_evaluated", lang)
    assert cards[0] == (tr("report.label.overall", lang), overall)
    assert [(n, "—" if t == na else t) for n, t in cards[1:]] == expected
    answer_titles = re.findall(re.escape(tr("report.label.answer_n", lang, n="X")).replace("X", r"(\d+)"), doc)
    assert answer_titles == ["1", "2", "3"]
    with pymupdf.open(str(tmp_path / "r.pdf")) as pdf:
        text = _norm(" ".join(page.get_text() for page in pdf))
    assert f"{_norm(tr('report.label.overall', lang))} {overall}" in text
    for name, number in expected:
        shown = na if number == "—" else number
        assert f"{name} {shown}" in text, (name, shown, text[:600])
    assert [int(n) for n in re.findall(re.escape(tr("report.label.answer_n", lang, n="X")).replace("X", r"(\d+)"),
                                       text)] == [1, 2, 3]
    # every answer was typed: the delivery charts are left out and the export says why
    assert tr("report.label.delivery_typed_all", lang) in _norm(doc)
    assert 'alt="rate"' not in doc and 'alt="fillers_pauses"' not in doc
    _close(shell)


def test_interview_without_an_evaluated_answer_is_no_progress_point(qtbot, tmp_path):
    ctx = make_ctx(tmp_path, "en")
    shell = _shell(qtbot, ctx)
    _create_account(qtbot, shell)
    store_interview(ctx, ctx.user.id, "en", [0, 1])
    store_interview(ctx, ctx.user.id, "en", [0], evaluate=False)  # finished early: nothing evaluated
    ctx.events.interviews_changed.emit(None)
    shell.move_to("home")
    home = shell.screens["home"]
    qtbot.waitUntil(lambda: not home.loading and home.view.table.rowCount() == 2, timeout=20_000)
    points = home.view.progress_chart.points
    assert len(points) == 1 and points[0][1] is not None
    _close(shell)
