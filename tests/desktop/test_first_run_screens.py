"""First-run defects on the sign-in, home and new-interview screens, on real widgets offscreen:
"keep me signed in" without a keyring is explained at sign-in; "practise again" does not tick
strong answers and shows the latest score after practising; a language switch keeps the
loaded resume and the candidate's corrections."""

from __future__ import annotations

import pytest

from core.i18n import tr
from tests.desktop.test_app_flow import _close, _create_account, _shell
from tests.desktop.ui_support import make_ctx

pytestmark = pytest.mark.usefixtures("model_manager")


def test_without_a_keyring_keep_me_signed_in_is_explained_at_sign_in(qtbot, tmp_path):
    import keyring
    from keyring.backends import fail

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # what a desktop without Secret Service/KWallet gives
    try:
        ctx = make_ctx(tmp_path, "ko")
        shell = _shell(qtbot, ctx)
        login = shell.screens["login"]
        qtbot.waitUntil(lambda: login.view.forms.currentIndex() == 1 and all(op.done for op in login.ops),
                        timeout=10_000)
        v = login.view
        assert not v.remember.isEnabled() and not v.remember.isChecked()
        assert not v.server_remember.isEnabled()
        assert tr("ui.login.no_keyring", "ko") in v.status.text()
        assert v.remember.toolTip() == tr("ui.login.no_keyring", "ko")
        _close(shell)
    finally:
        keyring.set_keyring(before)


def _store(ctx, user_id: int, scores: list[float], questions: list[str]) -> int:
    """A completed interview whose answers carry these overall scores (explicit rubric
    evaluations, as the report tests build them), its report from the real builder."""
    from core.db.models import InterviewStatus
    from core.evaluation.text import words_from_text
    from core.interview.types import CRITERIA, AnswerEvaluation, CriterionScore, PlannedQuestion
    from core.report.builder import AnswerRecord, build_report
    from core.report.store import save_report
    from core.services.interviews import add_asked_question, create_interview, transition

    with ctx.sessions() as s:
        iv = create_interview(s, candidate_id=user_id, position="Backend developer", language="en")
        transition(s, iv, InterviewStatus.live)
        recs = []
        for i, (score, text) in enumerate(zip(scores, questions)):
            add_asked_question(s, iv, text=text, position=i)
            ev = AnswerEvaluation({c: CriterionScore(c, score, [], reason="r") for c in CRITERIA},
                                  feedback="f", evaluator_model="rubric-coverage/lexical")
            answer = "I would measure first and then change one thing at a time."
            recs.append(AnswerRecord(i, PlannedQuestion(text, "technical", "technical", language="en"), answer,
                                     words_from_text(answer), "en", ev, answer_mode="typed"))
        save_report(s, iv.id, build_report(recs, language="en", position="Backend developer", company_id=None))
        transition(s, iv, InterviewStatus.completed)
        s.commit()
        return iv.id


def test_practise_again_leaves_strong_answers_unticked_and_shows_the_latest_score(qtbot, tmp_path):
    from PySide6.QtCore import Qt

    ctx = make_ctx(tmp_path, "en")
    shell = _shell(qtbot, ctx)
    _create_account(qtbot, shell)
    qs = ["How would you find a slow query?", "How do you design a cache?", "Tell me about a conflict."]
    _store(ctx, ctx.user.id, [30.0, 85.0, 55.0], qs)
    ctx.events.interviews_changed.emit(None)
    shell.move_to("home")
    home = shell.screens["home"]
    qtbot.waitUntil(lambda: not home.loading and home.view.worst.count() == 3, timeout=20_000)
    ticked = {home.view.worst.item(i).text(): home.view.worst.item(i).checkState() == Qt.CheckState.Checked
              for i in range(home.view.worst.count())}
    assert [w.question for w in home.chosen_worst()] == [qs[0], qs[2]]  # the strong one (85) is not ticked
    assert sum(ticked.values()) == 2
    # practised: the slow-query question now scores 80; the list shows 80, not the old 30
    _store(ctx, ctx.user.id, [80.0], [qs[0]])
    ctx.events.interviews_changed.emit(None)
    shell.move_to("settings")
    shell.move_to("home")
    qtbot.waitUntil(lambda: not home.loading and home.view.table.rowCount() == 2, timeout=20_000)
    scores = {w.question: w.score for w in home.worst}
    assert scores[qs[0]] == 80.0
    texts = [home.view.worst.item(i).text() for i in range(home.view.worst.count())]
    assert any("80" in t and qs[0] in t for t in texts) and not any("30" in t for t in texts)
    assert [w.question for w in home.chosen_worst()] == [qs[2]]
    _close(shell)


def test_switching_the_language_keeps_the_resume_and_the_corrections(qtbot, tmp_path):
    from tests.core.test_resume_structure import EN, make_pdf

    pdf = tmp_path / "cv.pdf"
    make_pdf(pdf, EN, False)
    ctx = make_ctx(tmp_path, "en")
    shell = _shell(qtbot, ctx)
    _create_account(qtbot, shell)
    shell.move_to("new")
    new = shell.screens["new"]
    op = new.load_resume(pdf)
    qtbot.waitUntil(lambda: op.done, timeout=60_000)
    assert new.resume_path == pdf
    new.view.r_name.setText("Kim Minji (corrected)")
    new.view.r_skills.setText("Python, PostgreSQL, Kafka")
    new.view.count.setValue(4)
    new_settings = ctx.settings.model_copy(update={"language": "ko"})
    ctx.apply_settings(new_settings)  # what the language choice does: every screen is rebuilt
    now = shell.screens["new"]
    assert now is not new and now.lang == "ko"
    assert shell.current == "new"
    assert now.resume_path == pdf
    assert now.resume["name"] == "Kim Minji (corrected)"
    assert now.resume["skills"] == ["Python", "PostgreSQL", "Kafka"]
    assert now.view.r_name.text() == "Kim Minji (corrected)"
    assert now.view.r_skills.text() == "Python, PostgreSQL, Kafka"
    assert now.view.count.value() == 4
    assert pdf.name in now.view.resume_state.text()
    _close(shell)


def test_model_manager_shows_sizes_licences_and_what_is_actually_used(qtbot, tmp_path):
    ctx = make_ctx(tmp_path, "en")
    shell = _shell(qtbot, ctx)
    _create_account(qtbot, shell)
    shell.move_to("settings")
    st = shell.screens["settings"]
    qtbot.waitUntil(lambda: bool(st.statuses), timeout=30_000)
    v = st.view
    rows = {v.models.item(r, 1).text(): r for r in range(v.models.rowCount())}
    for s in st.statuses:  # every model the wizard offers with a size has it here too
        if s.entry.download_size or s.entry.size:
            assert v.models.item(rows[s.entry.name], 2).text() not in ("", "—", "?"), s.entry.id
    # nothing selected: what each job uses now. The embedded gemma-270m is too small to
    # score, so the rubric evaluator does it, and the table does not mark gemma as in use.
    assert v.model_detail.text().startswith(tr("ui.models.in_use", "en", items="").rstrip())
    small = [s for s in st.statuses if s.entry.capability == "evaluator" and s.active and not s.entry.is_capable]
    if small:
        assert tr("ui.models.fallback.evaluator", "en") in v.model_detail.text()
        assert v.models.item(rows[small[0].entry.name], 5).text() == ""
        st.select_model(small[0].entry.id)
        assert tr("ui.models.too_small", "en", name=small[0].entry.name) in v.model_detail.text()
    # selecting a row says its size, licence and what it improves
    llm = next(s for s in st.statuses if s.entry.capability == "llm")
    st.select_model(llm.entry.id)
    text = v.model_detail.text()
    assert llm.entry.licence in text and tr("wizard.improves.llm", "en") in text
    _close(shell)


def test_engine_checks_start_at_sign_in_and_the_plan_says_what_it_checks(qtbot, tmp_path):
    import threading

    ctx = make_ctx(tmp_path, "en")
    probed: list[str] = []
    lock = threading.Lock()

    def probe(entry, path):  # the real check's place; records what is checked, and when
        with lock:
            probed.append(entry.id)

    ctx.runtime_probe = probe
    shell = _shell(qtbot, ctx)
    _create_account(qtbot, shell)
    # signed in, still on the home screen: the checks already run in the background
    assert shell.current == "home"
    qtbot.waitUntil(lambda: shell.warm_op.done, timeout=30_000)
    stt = ctx.model_manager().active("stt")
    assert stt is not None and stt.id in probed
    # the plan's progress names the engine it checks
    shell.move_to("new")
    new = shell.screens["new"]
    messages: list[str] = []
    new.view.plan_state.setText = lambda text, _orig=new.view.plan_state.setText: (messages.append(text), _orig(text))
    qtbot.waitUntil(lambda: new.plan is not None or new.view.banner.isVisible(), timeout=120_000)
    assert any(tr("ui.new.checking_engine", "en", name=stt.name) == m for m in messages), messages
    _close(shell)
