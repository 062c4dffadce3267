"""Settings (language, theme, model manager, Deepgram key, delete my data), the home screen's
history and the report's evidence highlighting, on real Qt widgets offscreen."""

from __future__ import annotations

import pytest

from tests.desktop.test_app_flow import _close, _create_account, _shell
from tests.desktop.ui_support import make_ctx

pytestmark = pytest.mark.usefixtures("model_manager")


def _store_finished_interview(ctx, user_id: int, scores: list[float | None], lang: str = "en") -> int:
    """An interview with a report built by the real builder from real evaluations."""
    from core.bank import load_question_bank
    from core.db.models import InterviewStatus
    from core.evaluation.coverage import CoverageEvaluator
    from core.evaluation.text import words_from_text
    from core.interview.planner import PlanContext, plan_from_bank
    from core.report.builder import AnswerRecord, build_report
    from core.report.store import save_report
    from core.services.interviews import add_asked_question, create_interview, transition

    answers = ["I used Python and PostgreSQL; I added an index because the query scanned every row, "
               "and latency fell from 800 ms to 90 ms.", "I don't know."]
    plan = plan_from_bank(load_question_bank(), PlanContext(language=lang, position="Backend developer"), len(scores))
    with ctx.sessions() as s:
        iv = create_interview(s, candidate_id=user_id, position="Backend developer", language=lang)
        transition(s, iv, InterviewStatus.live)
        recs = []
        for i, q in enumerate(plan):
            add_asked_question(s, iv, text=q.text, position=i)
            words = words_from_text(answers[i % 2])
            recs.append(AnswerRecord(index=i, question=q, answer_text=answers[i % 2], words=words, language=lang,
                                     evaluation=CoverageEvaluator().evaluate(q, words, lang)))
        report = build_report(recs, language=lang, position="Backend developer", company_id=None)
        save_report(s, iv.id, report)
        transition(s, iv, InterviewStatus.completed)
        s.commit()
        return iv.id


def test_home_shows_history_progress_and_practise_again(qtbot, tmp_path):
    ctx = make_ctx(tmp_path)
    shell = _shell(qtbot, ctx)
    _create_account(qtbot, shell)
    ids = [_store_finished_interview(ctx, ctx.user.id, [1, 1]) for _ in range(2)]
    ctx.events.interviews_changed.emit(None)
    shell.move_to("home")
    home = shell.screens["home"]
    qtbot.waitUntil(lambda: not home.loading, timeout=20_000)
    assert home.view.table.rowCount() == 2
    assert len(home.view.progress_chart.points) == 2
    assert all(v is not None for _, v in home.view.progress_chart.points)
    assert home.view.weak_chart.bars, "weakest areas from the stored criteria"
    assert home.worst and home.worst[0].score == min(w.score for w in home.worst)
    # practise again: the chosen questions are planned exactly, by their bank keys
    home.practise_again()
    assert shell.current == "new"
    new = shell.screens["new"]
    qtbot.waitUntil(lambda: new.plan is not None or new.view.banner.isVisible(), timeout=120_000)
    assert new.plan is not None, new.view.banner.text()
    assert new.plan.source == "keys"
    assert [q.text for q in new.plan.questions] == [w.question for w in home.chosen_worst()]
    assert new.plan.previous["0"]["answer"] == home.chosen_worst()[0].answer
    # opening a report from the table
    shell.move_to("report", interview_id=ids[0])
    rep = shell.screens["report"]
    qtbot.waitUntil(lambda: rep.report is not None, timeout=20_000)
    assert rep.view.answers.count() == 2
    # deleting one interview from the table: its rows go, the other stays
    shell.move_to("home")
    qtbot.waitUntil(lambda: not home.loading, timeout=20_000)
    home.confirm_delete = lambda: True
    home.view.table.selectRow(0)
    op = home.delete_selected()
    qtbot.waitUntil(lambda: op.done and not home.loading and home.view.table.rowCount() == 1, timeout=20_000)
    from core.db.models import Interview, Transcript

    with ctx.sessions() as s:
        assert s.query(Interview).count() == 1 and s.query(Transcript).count() == 0
    _close(shell)


def test_settings_language_theme_models_key_and_delete(qtbot, tmp_path):
    ctx = make_ctx(tmp_path)
    shell = _shell(qtbot, ctx)
    _create_account(qtbot, shell)
    _store_finished_interview(ctx, ctx.user.id, [1])
    shell.move_to("settings")
    st = shell.screens["settings"]
    qtbot.waitUntil(lambda: bool(st.statuses), timeout=30_000)
    # the model manager: installed defaults are listed as installed; verify one
    whisper = next(s for s in st.statuses if s.entry.capability == "stt" and s.installed)
    st.select_model(whisper.entry.id)
    assert st.view.verify.isEnabled()
    op = st.verify_selected()
    qtbot.waitUntil(lambda: op.done, timeout=60_000)
    assert "intact" in st.view.model_status.text()
    # Deepgram key goes to the keyring only
    st.view.deepgram_key.setText("dg-test-key-123")
    st.save_key()
    assert ctx.secrets.get("deepgram_api_key") == "dg-test-key-123"
    assert "dg-test-key-123" not in (tmp_path / "settings.toml").read_text("utf-8") if (tmp_path / "settings.toml").exists() else True
    st.clear_key()
    assert ctx.secrets.get("deepgram_api_key") is None
    # delete my data (confirmation answered yes)
    st.confirm_delete = lambda: True
    op = st.delete_my_data()
    qtbot.waitUntil(lambda: op.done, timeout=20_000)
    from core.services.history import interview_history

    with ctx.sessions() as s:
        assert interview_history(s, ctx.user.id) == []
    # dark theme and Korean: saved to the settings file, every screen rebuilt in Korean
    st.view.theme.setCurrentIndex(1)
    st.view.language.setCurrentIndex(0)
    st.save()
    assert "ko" in (tmp_path / "settings.toml").read_text("utf-8")
    assert shell.current == "settings"
    assert shell.screens["settings"].view.save.text() == "저장"
    assert shell.window.nav_buttons["home"].text() == "홈"
    from PySide6.QtWidgets import QApplication

    assert QApplication.instance().property("big20_theme") == "dark"
    _close(shell)


def test_evidence_highlight_marks_quotes_and_escapes_html():
    from desktop.controllers.report import highlight

    out = highlight("I used <Redis> and cut latency by 40%.", ["cut latency", "missing quote"])
    assert "&lt;Redis&gt;" in out
    assert out.count("<span") == 1 and ">cut latency</span>" in out
