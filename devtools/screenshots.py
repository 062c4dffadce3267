"""``python -m devtools.screenshots DIR`` (``make screenshots``): every main screen, filled with
a demo session, as PNG files in Korean and English, light and dark (login, home, new interview
with the device check, live interview, report, settings, model manager; the server sign-in and
the recruiter's screens, devtools/screenshots_recruiter.py).

The demo is real app code on demo inputs: a private data folder, a demo account, finished
interviews whose reports the real builder made from typed demo answers scored by the rubric
evaluator, with eye-contact metrics measured by the real tracker on the synthesised face
(devtools.demo: drawn, never the shared test media). The live screen runs a real typed
interview. Run under Xvfb (``xvfb-run -a``) or offscreen. UI thread; takes about a minute.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

import numpy as np
from PySide6.QtWidgets import QApplication

from core.bank import get_company
from core.config import Settings
from core.db.models import Company as CompanyRow
from core.db.models import InterviewStatus
from core.evaluation.text import words_from_text
from core.i18n import LANGUAGES, tr
from core.interview.planner import PlanContext
from core.interview.session import plan_from_keys
from core.report.builder import AnswerRecord, build_report
from core.report.store import save_report
from core.services.interviews import add_asked_question, create_interview, transition
from core.services.users import create_user
from desktop.app import build_context
from desktop.context import AppContext, CurrentUser
from desktop.controllers.home import HomeController
from desktop.controllers.live import LiveController
from desktop.controllers.login import LoginController
from desktop.controllers.new_interview import NewInterviewController
from desktop.controllers.report import ReportController
from desktop.controllers.settings import SettingsController
from desktop.controllers.shell import Shell
from desktop.controllers.wizard import WizardController, _state_file
from desktop.ui.theme import apply_theme
from desktop.workers.jobs import wait_idle
from devtools.demo import DEMO_ANSWERS, DEMO_SESSIONS, SyntheticFaceCamera, SyntheticMicrophone, demo_live_answer
from devtools.screenshots_recruiter import render_recruiter
from devtools.shots import SIZE, demo_vision, grab_window, tiled, wait_until
from engines.assembly import manager_rubric_evaluator, model_manager
from engines.capture.audio import FileAudioSource, load_audio

# more screens after the candidate's: (shell, ctx, lang, shot) -> None, e.g. render_recruiter
ExtraScreens = Callable[[Shell, AppContext, str, Callable[[str], None]], None]
log = logging.getLogger(__name__)
DEMO_RESUME = {
    "ko": "김민지\n백엔드 개발자\n경력\n토스페이 (2021.03 – 2024.12) 서버 개발자\n- 결제 API 응답 시간 40% 단축\n"
          "- 일 3천만 건 이벤트 파이프라인 구축\n학력\n한국대학교 컴퓨터공학과 학사 (2015 – 2021)\n기술 스택\n"
          "Python, FastAPI, PostgreSQL, Redis, Kafka\n프로젝트\n실시간 정산 시스템 (Kafka 기반, 지연 1초 이하)\n"
          "자격증\n정보처리기사\n",
    "en": "Minji Kim\nExperience\nToss Pay (2021 - 2024) Backend Engineer\n- Cut payment API latency by 40%\n"
          "Education\nB.S. Computer Science, Hankuk University (2021)\nSkills\nPython, FastAPI, PostgreSQL, Redis, Kafka\n"
          "Projects\nReal-time Settlement | Kafka pipeline under 1 s delay\nCertifications\nAWS Certified Developer\n",
}


def demo_resume(folder: Path, lang: str) -> Path:
    """A one-page demo resume PDF (PyMuPDF; its built-in CJK font for Korean)."""
    import pymupdf  # a native runtime: loaded only when a demo resume is drawn

    path = folder / f"resume_{lang}.pdf"
    doc = pymupdf.open()
    page = doc.new_page()
    y = 60
    for line in DEMO_RESUME[lang].splitlines():
        page.insert_text((56, y), line, fontname="korea" if lang == "ko" else "helv", fontsize=11)
        y += 16
    doc.save(str(path))
    doc.close()
    return path


def demo_speech(folder: Path, lang: str, text: str) -> np.ndarray | None:
    """The demo's spoken answer: espeak-ng reading ``text`` (None without it). English only:
    faster-whisper base hears espeak-ng's Korean voice as noise (docs/ARCHITECTURE.md §9), so the Korean
    live screenshot shows the typed-answer path instead, with a silent microphone."""
    if lang == "ko":
        return np.zeros(16_000 * 120, np.float32)
    if not shutil.which("espeak-ng"):
        return None
    wav = folder / f"answer_{lang}.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(wav), text],
                   check=True, capture_output=True, timeout=30)
    return np.concatenate([np.zeros(16_000 * 3, np.float32), load_audio(wav)])


def seed_demo(ctx: AppContext, user_id: int, lang: str, sessions: int = 3) -> list[int]:
    """Finished demo interviews for ``user_id``, each with a real built report: the bank
    questions of devtools.demo.DEMO_SESSIONS answered with DEMO_ANSWERS (genuine answers to
    those questions), scored by the rubric evaluator the app uses."""
    company = get_company("KAKAO")
    position = "백엔드 개발자" if lang == "ko" else "Backend developer"
    gaze = demo_vision()

    # the demo is scored exactly as a real session is: the encoder-backed rubric evaluator
    evaluator = manager_rubric_evaluator(model_manager(ctx.settings), lang)
    ids = []
    with ctx.sessions() as s:
        if s.get(CompanyRow, company.id) is None:
            s.add(CompanyRow(id=company.id, company_name=company.company_name.get(lang)))
            s.flush()
        for keys in DEMO_SESSIONS[:sessions]:
            plan = plan_from_keys(keys, PlanContext(language=lang, position=position, company=company))
            iv = create_interview(s, candidate_id=user_id, position=position, company_id=company.id, language=lang)
            transition(s, iv, InterviewStatus.live)
            recs = []
            for i, q in enumerate(plan):
                add_asked_question(s, iv, text=q.text, position=i)
                assert q.bank_key is not None, "demo questions come from the bank"
                text = DEMO_ANSWERS[lang][q.bank_key]
                words = words_from_text(text)
                # demo pace: ~4.5 syllables/s in Korean, ~2.5 words/s in English
                dur = max(2.0, len(text.replace(" ", "")) / 4.5 if lang == "ko" else len(words) / 2.5)
                for j, w in enumerate(words):  # demo timing: the typed text read at an even pace
                    w.start, w.end = j * dur / len(words), (j + 0.8) * dur / len(words)
                ev = evaluator.evaluate(q, words, lang, position=position,
                                        company_terms=list(company.values.get(lang)))
                recs.append(AnswerRecord(index=i, question=q, answer_text=text, words=words, language=lang,
                                         evaluation=ev, audio_duration=dur, stt_confidence=0.91,
                                         stt_engine="faster-whisper-base",
                                         gaze={**gaze, "start": 0.0, "end": dur, "timeline": tiled(gaze["timeline"], dur)},
                                         emotion={"dominant": "neutral", "samples": 2, "reliable": True,
                                                  "timeline": [(0.0, "neutral"), (dur * 0.6, "happy")]}))
            report = build_report(recs, language=lang, position=position, company_id=company.id,
                                  company_name=company.company_name.get(lang),
                                  emotions={"confidence": 68.0, "nervousness": 31.0, "reliable": True,
                                            "eye_contact_pct": gaze.get("eye_contact_pct")})
            save_report(s, iv.id, report)
            transition(s, iv, InterviewStatus.completed)
            ids.append(iv.id)
        s.commit()
    return ids


def render_language(out: Path, lang: str, theme: str = "light",
                    extra_screens: ExtraScreens | None = None) -> list[Path]:
    """Every screen in ``lang`` and ``theme``; dark-theme files are named ``<screen>_dark_<lang>``."""
    home = Path(tempfile.mkdtemp(prefix=f"big20-demo-{lang}-"))
    settings = Settings(language=lang, database_url=f"sqlite:///{home / 'demo.sqlite3'}")
    settings.ui.read_questions_aloud = False
    speech: dict[str, Any] = {"audio": None}  # the live answer, made once the first question is known

    def microphone() -> FileAudioSource | SyntheticMicrophone:
        # the device check hears the synthetic tone; the live answer is espeak-ng speech
        if speech["audio"] is not None and shell.current == "live":
            return FileAudioSource(audio=speech["audio"], speed=1.0, tail_silence_s=30.0)
        return SyntheticMicrophone()

    ctx = build_context(settings, settings_path=home / "settings.toml", camera_factory=SyntheticFaceCamera,
                        microphone_factory=microphone, save_settings_to_disk=False)
    shell = Shell(ctx)
    w = shell.window
    w.resize(*SIZE)
    w.show()
    shots: list[Path] = []
    app = QApplication.instance()
    assert isinstance(app, QApplication), "render_all makes the application"
    apply_theme(app, theme)
    suffix = "_dark" if theme == "dark" else ""

    def shot(name: str) -> None:
        QApplication.processEvents()
        p = out / f"{name}{suffix}_{lang}.png"
        grab_window(w, p)
        shots.append(p)

    _wizard_shots(shell, shot)
    shell.start()
    login = shell.screen_of(LoginController)
    wait_until(lambda: login.view.forms.currentIndex() == 1, 20)
    login.view.show_create(False)

    # the sign-in form (not the first-run text); a machine without a keyring says so here
    login.view.status.setText("" if login.keyring_ok else tr("ui.login.no_keyring", lang))
    login.view.login.setText("minji")
    shot("login")

    with ctx.sessions() as s:
        u = create_user(s, email="minji@example.com", username="minji", password="demo-password-1",
                        full_name="김민지" if lang == "ko" else "Minji Kim")
        s.commit()
        user = CurrentUser(u.id, u.username, u.full_name, u.email)
    shell.signed_in(user)
    ids = seed_demo(ctx, user.id, lang)
    ctx.events.interviews_changed.emit(None)
    shell.move_to("home")
    wait_until(lambda: not shell.screen_of(HomeController).loading, 30)
    shot("home")

    shell.move_to("new")
    new = shell.screen_of(NewInterviewController)
    new.view.count.setValue(4)
    op = new.load_resume(demo_resume(home, lang))
    wait_until(lambda: op.done, 30)
    wait_until(lambda: new.plan is not None, 120)
    wait_until(lambda: new.view.preview.frames_shown > 20 and new.last_sample is not None and new.last_sample.face_found, 30)
    new.mic and new.mic.record(3.0)
    new.view.record_state.setText("")
    wait_until(lambda: new.recording is not None, 10)
    wait_until(lambda: False, 0.7)
    shot("new_interview")

    # the plan the live screen will ask (the resume's edits may have rebuilt it meanwhile)
    wait_until(lambda: new.plan is not None and not new.plan_timer.isActive(), 120)

    live_answer = demo_live_answer(lang, new.plan.questions[0].bank_key if new.plan else None)
    speech["audio"] = demo_speech(home, lang, live_answer)
    new.view.start.click()
    live = shell.screen_of(LiveController)
    wait_until(lambda: live.index == 0, 60)
    wait_until(lambda: live.view.preview.frames_shown > 10, 20)
    # the spoken demo answer: wait for live captions (interim grey, final solid)
    if lang == "ko":
        live.view.typed.setPlainText(live_answer)
        wait_until(lambda: False, 2.0)
    else:
        # mid-answer: a sentence or so of captions (final solid, interim grey) on the first question
        if not wait_until(lambda: live.index != 0 or len(" ".join(live.captions.get(0, []) + [live.interim])) > 60, 120) \
                or live.index != 0:
            log.warning("the live screenshot did not catch the spoken answer's captions")
    shot("live")
    live.leave()  # stops camera, microphone and speech; the unfinished demo interview is discarded
    shell.current = None

    shell.move_to("report", interview_id=ids[-1])
    rep = shell.screen_of(ReportController)
    if not wait_until(lambda: rep.report is not None, 90):
        log.warning("the demo report did not load in time")
    wait_until(lambda: False, 0.3)
    shot("report")

    shell.move_to("settings")
    st = shell.screen_of(SettingsController)
    wait_until(lambda: bool(st.statuses), 30)
    shot("settings")
    st.view.show_tab("models")
    stt = next((x for x in st.statuses if x.entry.capability == "stt" and x.installed), None)
    if stt is not None:
        st.select_model(stt.entry.id)
    shot("models")
    if extra_screens is not None:  # the server sign-in and the recruiter's screens (render_all passes them)
        extra_screens(shell, ctx, lang, shot)
    shell.screen.leave()
    wait_idle(30_000)
    w.close()
    apply_theme(app, "light")
    return shots


def _wizard_shots(shell: Shell, shot: Callable[[str], None]) -> None:
    """The first-run wizard's machine check and model choice; the candidate's own first-run
    state (config folder) is left as it was."""
    path = _state_file()
    before = path.read_bytes() if path.exists() else None
    try:
        shell.move_to("wizard", step="checks")
        wiz = shell.screen_of(WizardController)
        wait_until(lambda: wiz.diagnosis is not None, 60)
        shot("wizard_checks")
        wiz.go("models")
        wait_until(lambda: bool(wiz.view.rows), 20)
        shot("wizard_models")
        shell.screen.leave()
        shell.current = None
    finally:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(before)


def render_all(out_dir: str | os.PathLike[str], extra_screens: ExtraScreens | None = render_recruiter) -> int:
    """Every screen in both themes and every language into ``out_dir``; the recruiter's screens
    too unless ``extra_screens`` is None. Prints the files made."""
    out = Path(out_dir)
    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841 - must exist for widgets
    made = []
    for theme in ("light", "dark"):
        for lang in LANGUAGES:
            made += render_language(out, lang, theme, extra_screens)
    print("\n".join(str(p) for p in made))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.screenshots",
                                     description="render every screen with a demo session to PNG files (ko and en)")
    parser.add_argument("out_dir", metavar="DIR")
    parser.add_argument("--no-recruiter", action="store_true", help="the candidate's screens only")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    return render_all(args.out_dir, None if args.no_recruiter else render_recruiter)


if __name__ == "__main__":
    sys.exit(main())
