"""The interrupted-interview prompt on start, in the real Qt app offscreen: an interview whose
process died after one answer is offered on arrival at home; "discard" keeps it cancelled
(Korean), "resume" continues on the live screen with the unanswered question and ends in a
report that holds the earlier answer too (English)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.desktop.test_app_flow import _close, _shell
from tests.desktop.ui_support import MissingCamera, MissingMicrophone, make_ctx

pytestmark = pytest.mark.usefixtures("model_manager")

FIRST = {"en": "I measured first, found the query that scanned every row, added an index and cut latency "
               "from 800 ms to 90 ms.",
         "ko": "먼저 측정해서 전체 행을 스캔하던 쿼리를 찾았고, 인덱스를 추가해 응답 시간을 800밀리초에서 90밀리초로 줄였습니다."}


def _dead_pid() -> int:
    import os

    pid = 2 ** 22 - 7  # above the default pid_max range, so no live process has it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return pid
    pytest.skip("could not find a pid that no process uses")


def _user(ctx):
    from core.services.users import create_user
    from desktop.context import CurrentUser

    with ctx.sessions() as s:
        u = create_user(s, email="minji@example.com", username="minji", password="correct horse 1",
                        full_name="Kim Minji")
        s.commit()
        return CurrentUser(u.id, u.username, u.full_name, u.email)


def _interrupted(ctx, user_id: int, lang: str) -> int:
    """What a crash leaves: an interview with one typed answer, the second question asked,
    and its owning process gone."""
    from core.bank import get_company
    from core.db.models import Interview
    from core.evaluation.coverage import CoverageEvaluator
    from core.interview.session import InterviewSession, InterviewSetup, SessionEngines

    setup = InterviewSetup(candidate_id=user_id, company=get_company("KAKAO"),
                           position="Backend developer" if lang == "en" else "백엔드 개발자", language=lang,
                           question_keys=["backend.slow_api_debug", "backend.cache_strategy"])
    session = InterviewSession(ctx.sessions, setup, SessionEngines(evaluator=CoverageEvaluator()))
    session.prepare()
    iid = session.start()
    session.ask_next()
    session.answer_text(FIRST[lang])
    session.wait_idle()
    session.ask_next()
    session._stop_post()  # the process "dies" here: nothing more happens to this session
    with ctx.sessions() as s:
        iv = s.get(Interview, iid)
        iv.plan = {**iv.plan, "owner": {**iv.plan["owner"], "pid": _dead_pid()}}
        s.commit()
    return iid


def _signed_in_shell(qtbot, ctx, user):
    shell = _shell(qtbot, ctx)
    qtbot.waitUntil(lambda: shell.current == "login", timeout=10_000)
    shell.signed_in(user)
    assert shell.current == "home"
    return shell


def test_discard_keeps_the_answers_as_a_cancelled_interview_in_korean(qtbot, tmp_path):
    from core.db.models import Interview, InterviewStatus

    ctx = make_ctx(tmp_path, "ko", camera=lambda: MissingCamera(), microphone=lambda: MissingMicrophone())
    user = _user(ctx)
    iid = _interrupted(ctx, user.id, "ko")
    shell = _signed_in_shell(qtbot, ctx, user)
    rec = shell.screens["home"].recovery
    qtbot.waitUntil(lambda: rec.dialog is not None and rec.dialog.isVisible(), timeout=20_000)
    dlg = rec.dialog
    assert dlg.windowTitle() == "중단된 면접"
    assert "질문 2개 중 1개 답변함" in dlg.detail.text() and "카카오" in dlg.detail.text()
    assert dlg.resume.text() == "이어서 하기" and dlg.discard.text() == "그만두기"
    dlg.discard.click()
    home = shell.screens["home"]
    qtbot.waitUntil(lambda: home.view.banner.isVisible(), timeout=20_000)
    assert "2개 중 1개" in home.view.banner.text()
    from shiboken6 import isValid

    assert rec.dialog is None and (not isValid(dlg) or not dlg.isVisible())  # closed (and deleted)
    with ctx.sessions() as s:
        iv = s.get(Interview, iid)
        assert iv.status is InterviewStatus.cancelled and iv.cancel_reason == "중단 후 그만두기"
    assert shell.current == "home"
    # asked once per run: coming back home does not ask again, and nothing is left to offer
    shell.move_to("settings")
    shell.move_to("home")
    assert rec.dialog is None
    _close(shell)


def test_resume_continues_on_the_live_screen_and_reports_both_answers(qtbot, tmp_path):
    from core.db.models import Interview, InterviewStatus

    ctx = make_ctx(tmp_path, "en", camera=lambda: MissingCamera(), microphone=lambda: MissingMicrophone())
    ctx.settings.ui.read_questions_aloud = False
    user = _user(ctx)
    iid = _interrupted(ctx, user.id, "en")
    shell = _signed_in_shell(qtbot, ctx, user)
    rec = shell.screens["home"].recovery
    qtbot.waitUntil(lambda: rec.dialog is not None and rec.dialog.isVisible(), timeout=20_000)
    assert "1 of 2 questions answered" in rec.dialog.detail.text()
    rec.dialog.resume.click()
    live = shell.screens["live"]
    qtbot.waitUntil(lambda: shell.current == "live" and live.index == 1, timeout=120_000)
    # the question that was on screen when the process died is asked again
    assert "cach" in live.view.question.text().lower()
    assert live.view.progress_label.text().startswith("Question 2")
    live.view.typed.setPlainText("Cache-aside with Redis: on a write I update the database and delete the key, "
                                 "and every key has a TTL so stale data cannot live long.")
    live.view.send_typed.click()
    qtbot.waitUntil(lambda: shell.current == "report", timeout=120_000)
    report = shell.screens["report"].report
    assert [d["index"] for d in report["details"]] == [0, 1]
    assert report["details"][0]["answer"] == FIRST["en"] and report["details"][0]["evaluated"]
    with ctx.sessions() as s:
        iv = s.get(Interview, iid)
        assert iv.status is InterviewStatus.completed
        assert s.scalars(select(Interview)).all() == [iv]  # the same interview, not a new one
    _close(shell)
