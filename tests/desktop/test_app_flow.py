"""The candidate's journey in the real Qt app (offscreen): sign-in, home, new interview with
the device check, the live interview driven by file sources, the report and its export; plus
the error paths (no camera, no microphone, missing models, unreadable resume, an LLM runtime
refused by the probe). Devices are the file sources the app takes as arguments."""

from __future__ import annotations

import pytest

from core.errors import ModelError
from core.i18n import tr
from tests.desktop.ui_support import MissingCamera, MissingMicrophone, close_shell, make_ctx, open_shell

pytestmark = pytest.mark.usefixtures("model_manager")


_shell = open_shell
_close = close_shell


def _create_account(qtbot, shell, username="minji"):
    login = shell.screens["login"]
    qtbot.waitUntil(lambda: login.view.forms.currentIndex() == 1, timeout=10_000)  # first run: create
    v = login.view
    v.full_name.setText("Kim Minji")
    v.username.setText(username)
    v.email.setText(f"{username}@example.com")
    v.new_password.setText("correct horse 1")
    v.confirm.setText("correct horse 1")
    v.create_button.click()
    qtbot.waitUntil(lambda: shell.current == "home", timeout=20_000)


def _wait_plan(qtbot, shell, timeout=120_000):
    new = shell.screens["new"]
    qtbot.waitUntil(lambda: new.plan is not None or new.view.banner.isVisible(), timeout=timeout)
    return new


def test_first_run_remembered_session_and_sign_out(qtbot, tmp_path):
    ctx = make_ctx(tmp_path)
    shell = _shell(qtbot, ctx)
    _create_account(qtbot, shell)
    # a new account: "Welcome", not "Welcome back" (that is for someone with past interviews)
    assert shell.screens["home"].view.greeting.text() == "Welcome, Kim Minji"
    _close(shell)

    # a second start signs the remembered user in without asking (keyring session)
    from desktop.app import build_context

    ctx2 = build_context(ctx.settings, camera_factory=ctx.camera_factory, microphone_factory=ctx.microphone_factory,
                         save_settings_to_disk=False)
    shell2 = _shell(qtbot, ctx2)
    qtbot.waitUntil(lambda: shell2.current == "home", timeout=20_000)
    assert ctx2.user.username == "minji"
    shell2.window.sign_out.click()
    assert shell2.current == "login" and ctx2.user is None
    assert ctx2.secrets.get("local_session") is None

    # wrong password: a plain message, still on the sign-in screen
    v = shell2.screens["login"].view
    v.login.setText("minji")
    v.password.setText("wrong password")
    v.sign_in.click()
    qtbot.waitUntil(lambda: v.banner.isVisible(), timeout=20_000)
    assert "not right" in v.banner.text() and shell2.current == "login"
    v.password.setText("correct horse 1")
    v.sign_in.click()
    qtbot.waitUntil(lambda: shell2.current == "home", timeout=20_000)
    _close(shell2)


def test_create_account_refuses_bad_input(qtbot, tmp_path):
    shell = _shell(qtbot, make_ctx(tmp_path, "ko"))
    login = shell.screens["login"]
    qtbot.waitUntil(lambda: login.view.forms.currentIndex() == 1, timeout=10_000)
    v = login.view
    v.username.setText("minji")
    v.email.setText("minji@example.com")
    v.new_password.setText("short")
    v.confirm.setText("short")
    v.create_button.click()
    qtbot.waitUntil(lambda: bool(v.banner.text()), timeout=30_000)
    assert "8" in v.banner.text(), v.banner.text()  # the minimum length, in Korean
    assert shell.current == "login"
    _close(shell)


def _audio_answer(tmp_path, shared_dir):
    """16 kHz float32 speech: a real Korean recording when the shared media is present,
    else English synthesised by espeak-ng; with lead-in silence (the question is on screen)."""
    import shutil
    import subprocess

    import numpy as np

    from engines.capture.audio import load_audio

    if shared_dir is not None and (shared_dir / "speech" / "ko" / "leopard_test_ko.wav").is_file():
        audio, lang = load_audio(shared_dir / "speech" / "ko" / "leopard_test_ko.wav"), "ko"
    else:
        if not shutil.which("espeak-ng"):
            pytest.skip("neither shared speech nor espeak-ng available")
        wav = tmp_path / "answer.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(wav),
                        "I built the payment service in Python and cut latency by forty percent."], check=True)
        audio, lang = load_audio(wav), "en"
    lead = np.zeros(16_000 * 2, np.float32)
    return np.concatenate([lead, audio]), lang


TYPED = {"ko": "먼저 측정하고 가장 느린 쿼리를 고쳤습니다. 행마다 쿼리를 하던 부분을 조인 한 번으로 바꾸고 "
               "인덱스를 추가해서 응답 시간을 800밀리초에서 90밀리초로 줄였습니다.",
         "en": "I measure first, then fix the slowest query; I added an index and batched the calls "
               "because each request made one query per row."}


def _camera(shared_dir):
    from devtools.demo import SyntheticFaceCamera
    from engines.capture.video import FileVideoSource

    clip = shared_dir / "video" / "grid" / "bbaf2n.mpg" if shared_dir is not None else None
    if clip is not None and clip.is_file():
        return lambda: FileVideoSource(clip, realtime=True, loop=True)
    return lambda: SyntheticFaceCamera()


@pytest.mark.slow
def test_whole_flow_from_login_to_report_with_file_sources(qtbot, tmp_path, request):
    from engines.capture.audio import FileAudioSource

    try:
        shared_dir = request.getfixturevalue("shared_data")
    except pytest.skip.Exception:
        shared_dir = None
    audio, lang = _audio_answer(tmp_path, shared_dir)
    ctx = make_ctx(tmp_path, lang, camera=_camera(shared_dir),
                   microphone=lambda: FileAudioSource(audio=audio, speed=1.0, tail_silence_s=4.0))
    ctx.settings.ui.read_questions_aloud = False
    shell = _shell(qtbot, ctx)
    _create_account(qtbot, shell)

    shell.move_to("new")
    new = shell.screens["new"]
    new.view.count.setValue(2)
    # the device check runs while the plan is prepared: camera frames, gaze samples, meter
    qtbot.waitUntil(lambda: new.view.preview.frames_shown > 5 and new.last_sample is not None, timeout=30_000)
    new = _wait_plan(qtbot, shell)
    assert new.plan is not None, new.view.banner.text()
    assert len(new.plan.questions) == 2 and new.plan.speech
    new.view.start.click()

    live = shell.screens["live"]
    qtbot.waitUntil(lambda: live.index == 0, timeout=30_000)
    assert live.view.question.text() == new.plan.questions[0].text
    # the first answer is spoken: captions appear, the silence end-point closes the answer
    qtbot.waitUntil(lambda: live.index == 1, timeout=120_000)
    assert live.captions.get(0), "no final caption for the spoken answer"
    # the rest is typed; the interviewer may follow up on what was just said (budget: 1 in a
    # 2-question interview), labelled as a follow-up and answered like any question
    follow_up = 0
    for _ in range(3):
        if shell.current == "report":
            break
        at = live.index
        follow_up += live.view.question.text().startswith(tr("ui.live.follow_up", lang))
        live.view.typed.setPlainText(TYPED[lang])
        live.view.send_typed.click()
        qtbot.waitUntil(lambda at=at: shell.current == "report" or live.index > at, timeout=180_000)
    assert shell.current == "report" and follow_up <= 1

    report = shell.screens["report"]
    r = report.report
    assert len(r["details"]) == 2 + follow_up
    for i, d in enumerate(r["details"]):
        if d["source"] == "follow_up":  # filed right under the answer it follows up
            assert i > 0 and d["parent_index"] == r["details"][i - 1]["index"]
    assert sum(d["source"] == "follow_up" for d in r["details"]) == follow_up
    spoken, typed = r["details"][0], r["details"][-1]
    assert spoken["answer"].strip() and spoken["stt"]["engine"] != "typed"
    assert typed["stt"]["engine"] == "typed"
    assert spoken["gaze"] is not None and spoken["gaze"]["frames"] > 0 and spoken["gaze"]["timeline"]
    assert report.view.answers.count() == 2 + follow_up
    report.view.answers.setCurrentRow(report.view.answers.count() - 1)
    assert tr("ui.report.warn.typed", lang) in report.view.detail.toPlainText()
    assert typed["answer_mode"] == "typed" and typed["delivery"]["applicable"] is False

    html_op = report.export("html", tmp_path / "r.html")
    qtbot.waitUntil(lambda: html_op.done, timeout=60_000)
    pdf_op = report.export("pdf", tmp_path / "r.pdf")
    qtbot.waitUntil(lambda: pdf_op.done, timeout=120_000)
    assert (tmp_path / "r.html").read_text("utf-8").count("<h3") >= 2
    assert (tmp_path / "r.pdf").read_bytes()[:4] == b"%PDF"

    # home lists it, with its score, and offers it for practice
    shell.move_to("home")
    home = shell.screens["home"]
    qtbot.waitUntil(lambda: not home.loading, timeout=20_000)
    assert home.view.table.rowCount() == 1
    assert len(home.history) == 1 and home.history[0].total == 2 + follow_up
    _close(shell)


@pytest.mark.slow
def test_no_camera_and_no_microphone_still_interview_by_typing(qtbot, tmp_path):
    ctx = make_ctx(tmp_path, camera=lambda: MissingCamera(), microphone=lambda: MissingMicrophone())
    ctx.settings.ui.read_questions_aloud = False
    shell = _shell(qtbot, ctx)
    _create_account(qtbot, shell)
    shell.move_to("new")
    new = shell.screens["new"]
    assert "No camera" in new.view.hints.text() and not new.view.calibrate.isEnabled()
    assert "No microphone" in new.view.mic_state.text() and not new.view.test_record.isEnabled()
    # a local account has no server to share with: the live-sharing choice is not offered
    assert not new.view.share_live.isVisible() and not new.may_share_live()
    new.view.count.setValue(2)
    new = _wait_plan(qtbot, shell)
    qtbot.waitUntil(lambda: new.plan is not None and len(new.plan.questions) == 2, timeout=120_000)
    new.view.start.click()
    live = shell.screens["live"]
    qtbot.waitUntil(lambda: live.index == 0, timeout=30_000)
    assert live.typed_only and "No microphone" in live.view.banner.text()
    live.view.skip.click()  # skipped: no row, no report entry
    qtbot.waitUntil(lambda: live.index == 1, timeout=30_000)
    live.view.typed.setPlainText("I would profile the endpoint, find the N+1 query and fetch the rows in one join.")
    live.view.send_typed.click()
    qtbot.waitUntil(lambda: shell.current == "report", timeout=120_000)
    details = shell.screens["report"].report["details"]
    assert len(details) == 1 and details[0]["question"] == new.plan.questions[1].text
    d = details[0]
    assert d["gaze"] is None  # no camera: nothing measured, nothing invented
    assert shell.screens["report"].report["emotions"]["confidence"] is None
    _close(shell)


def test_missing_speech_model_means_typed_answers_with_a_plain_note(qtbot, tmp_path, monkeypatch):
    empty = tmp_path / "no-models"
    empty.mkdir()
    monkeypatch.setenv("BIG20_MODELS_DIR", str(empty))
    shell = _shell(qtbot, make_ctx(tmp_path))
    _create_account(qtbot, shell)
    shell.move_to("new")
    new = _wait_plan(qtbot, shell)
    assert new.plan is not None and not new.plan.speech
    assert "Speech recognition is not available" in new.view.plan_list.text()
    assert "Settings > Models" in new.view.plan_list.text()
    # the camera's eye tracker needs no download (OpenCV's cascades); the emotion model is missing
    _close(shell)


def test_unreadable_resume_is_refused_with_what_to_do(qtbot, tmp_path):
    bad = tmp_path / "resume.pdf"
    bad.write_bytes(b"this is not a PDF at all")
    shell = _shell(qtbot, make_ctx(tmp_path))
    _create_account(qtbot, shell)
    shell.move_to("new")
    new = shell.screens["new"]
    op = new.load_resume(bad)
    qtbot.waitUntil(lambda: op.done, timeout=20_000)
    assert new.view.banner.isVisible() and "resume could not be used" in new.view.banner.text()
    assert new.resume_path is None
    _close(shell)


def test_llm_runtime_refused_by_the_probe_falls_back_to_the_bank(qtbot, tmp_path, model_manager):
    """A capable LLM is active, but the runtime probe refuses it (as engines.runtime_probe does
    after a SIGILL in its child): the plan comes from the bank and the screen says why."""
    from core.catalog import load_catalog
    from engines.models.manager import ModelManager

    catalog = load_catalog().model_copy(deep=True)
    small = next(m for m in catalog.models if m.capability == "llm" and model_manager.is_installed(m.id))
    small.role = "recommended"  # pretend the installed GGUF is a capable one, so it would be loaded
    ctx = make_ctx(tmp_path)
    ctx.model_manager = lambda: ModelManager(catalog=catalog, choice=ctx.settings.models)
    probed = []

    def refuse(entry, path):
        probed.append(entry.id)
        raise ModelError("models.error", reason=f"{entry.id}: llama.cpp died with SIGILL in its probe")

    ctx.runtime_probe = refuse
    shell = _shell(qtbot, ctx)
    _create_account(qtbot, shell)
    shell.move_to("new")
    new = _wait_plan(qtbot, shell)
    assert small.id in probed
    assert new.plan is not None and new.plan.source == "bank"
    assert "cannot run here" in new.view.plan_list.text() and "SIGILL" in new.view.plan_list.text()
    _close(shell)


def test_device_check_records_three_seconds_and_calibrates_gaze(qtbot, tmp_path, monkeypatch):
    """The synthesised face and microphone: the 3-s test recording comes back with a level,
    and the calibration gathers the tracker's gaze features at each target."""
    import desktop.controllers.new_interview as ni

    monkeypatch.setattr(ni, "CALIBRATION_STEP_MS", 700)  # shorter steps; the same sequence
    shell = _shell(qtbot, make_ctx(tmp_path))
    _create_account(qtbot, shell)
    shell.move_to("new")
    new = shell.screens["new"]
    new.cal_timer.setInterval(ni.CALIBRATION_STEP_MS)
    qtbot.waitUntil(lambda: new.last_sample is not None and new.last_sample.face_found, timeout=30_000)
    assert new.view.test_record.isEnabled()
    new.test_recording()
    qtbot.waitUntil(lambda: new.recording is not None, timeout=15_000)
    assert len(new.recording) == 3 * 16_000
    assert "dBFS" in new.view.record_state.text()
    assert (new._tmp / "test.wav").stat().st_size > 90_000
    new.start_calibration()
    assert new.view.target.isVisible()
    qtbot.waitUntil(lambda: new._cal_step == -1, timeout=30_000)
    assert new.calibration is not None, new.view.calibration_state.text()
    assert new.calibration.calibrated and len(new.calibration.corners) >= 2
    assert not new.view.target.isVisible()
    _close(shell)
