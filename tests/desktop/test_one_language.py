"""No user-visible string in the other language: the i18n tables (every English text without
Hangul, every Korean text without English words other than product and technical names), and
the strings the screens build at run time (every label, button, tab, list, table and tooltip
of the candidate's screens, and the HTML report) in each language."""

from __future__ import annotations

import html as htmllib
import json
import re

import pytest

from tests.desktop.test_app_flow import _close, _create_account, _shell
from tests.desktop.ui_support import MissingCamera, MissingMicrophone, make_ctx

HANGUL = re.compile(r"[\uac00-\ud7a3]")
WORD = re.compile(r"[A-Za-z][A-Za-z\-]*")
# product, technology and format names a Korean text may carry as they are
ALLOWED = {w.lower() for w in """
AI BIG Big big GPU CPU HTTP HTTPS PDF Deepgram LLM GB GiB MB KB B SERVER CUDA API STAR llama cpp NVIDIA
nanoe SHA TURN STUN URL redis-server Redis sqlite UTF dBFS JPEG PNG AMX pip KEY FILE tsv WAV Ctrl Ctrl-C
Kafka JSON DATABASE PostgreSQL DIR SECRET ENV MODELS EMBED apt-get BROKER HOME CA bcrypt Python SQL HTML
faster-whisper whisper espeak-ng Secret Service KWallet GNOME Keyring MP AVI BMP WebP OpenCV DeepFace FER
CC-BY-NC- CC-BY-NC CC-BY-SA CC-BY MIT Apache GPL Qt Gemma gemma Silero ONNX onnx int id x e s ms fps
opencv-contrib-python-headless PortAudio libportaudio mock speechd WebRTC VAD STT TTS OS Q A N Windows macOS Linux Wayland X
Python3 PyMuPDF matplotlib Hz kHz dB GHz RAM VRAM SSD HDD USB
""".split()}


def _ko_foreign_words(text: str) -> list[str]:
    """English words in a Korean text, outside placeholders, quotes, commands, URLs and paths."""
    t = re.sub(r"\{[^}]*\}", "", text)
    t = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`|“[^”]*”", "", t)
    t = re.sub(r"https?://\S+|\S+@\S+|\S*[/\\]\S*|\S+\.(?:com|txt|pdf|json|tsv|wav|toml|cpp)\b", "", t)
    t = re.sub(r"(?:big20|make|pip|apt-get)(?:\s+-{0,2}[a-z][\w.-]*)+", "", t)
    t = re.sub(r"(?<!\S)--?[a-z][\w-]*(?:\s+[A-Z_]+)?", "", t)  # command-line flags and their metavars
    t = re.sub(r"\b[A-Z][A-Z0-9_]{2,}\b", "", t)  # environment variable names
    t = re.sub(r"\b[a-z]+_[a-z_]+\b", "", t)  # setting names (database_url)
    return [w for w in WORD.findall(t) if w.lower() not in ALLOWED]


# catalog entries whose Korean legitimately quotes English (a CLI's column names, examples)
KO_EXEMPT = {"evaluate.usage", "evaluate.batch_columns", "db.bad_url", "ui.login.login_hint",
             "vision.emotions.method", "server.weak_secret",
             # command-line options and TSV column names, typed as they are
             "evaluate.free_question_empty", "evaluate.row_question_missing"}


def test_the_i18n_tables_keep_each_language_apart():
    from core.i18n import _catalog

    en_bad = {k: v["en"] for k, v in _catalog().items() if HANGUL.search(v.get("en") or "")}
    assert en_bad == {}
    ko_bad = {k: _ko_foreign_words(v.get("ko") or "") for k, v in _catalog().items() if k not in KO_EXEMPT}
    assert {k: w for k, w in ko_bad.items() if w} == {}
    missing = [k for k, v in _catalog().items() if not v.get("en") or not v.get("ko")]
    assert missing == []


def _texts(widget) -> list[str]:
    """Every string a person can read on ``widget`` and its children, shown or on hover."""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QComboBox,
        QGroupBox,
        QLabel,
        QLineEdit,
        QListWidget,
        QPlainTextEdit,
        QTableWidget,
        QTabWidget,
        QTextBrowser,
        QWidget,
    )

    out = []
    for w in [widget, *widget.findChildren(QWidget)]:
        if w.toolTip():
            out.append(w.toolTip())
        if isinstance(w, (QLabel, QAbstractButton)):
            out.append(w.text())
        elif isinstance(w, QGroupBox):
            out.append(w.title())
        elif isinstance(w, QComboBox):
            out += [w.itemText(i) for i in range(w.count())]
        elif isinstance(w, (QLineEdit, QPlainTextEdit)):
            out.append(w.placeholderText())
        elif isinstance(w, QTabWidget):
            out += [w.tabText(i) for i in range(w.count())]
        elif isinstance(w, QListWidget):
            out += [w.item(i).text() for i in range(w.count())]
        elif isinstance(w, QTableWidget):
            out += [w.horizontalHeaderItem(i).text() for i in range(w.columnCount()) if w.horizontalHeaderItem(i)]
        elif isinstance(w, QTextBrowser):
            out.append(w.toPlainText())
    bars = getattr(widget, "areas", None) or getattr(widget, "weak_chart", None)
    if bars is not None:
        out += [name for name, _ in bars.bars]
    return [re.sub(r"<[^>]+>", " ", t) for t in out if t]


def _foreign(texts: list[str], lang: str, own: set[str]) -> list[str]:
    """The strings that carry the other language (the test's own data, ``own``, excepted)."""
    bad = []
    for t in texts:
        for o in own:
            t = t.replace(o, "")
        if lang == "en" and HANGUL.search(t):
            bad.append(t)
        if lang == "ko" and _ko_foreign_words(t):
            bad.append(f"{t} -> {_ko_foreign_words(t)}")
    return bad


# names the language switcher shows in their own language, and the candidate's own data
OWN = {"English", "한국어", "Kim Minji", "minji", "minji@example.com"}


@pytest.mark.usefixtures("model_manager")
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_screen_speaks_one_language(qtbot, tmp_path, lang):
    from core.report.export import render_html
    from tests.desktop.test_one_set_of_numbers import ANSWERS, ANSWERS_KO, store_interview

    ctx = make_ctx(tmp_path, lang, camera=lambda: MissingCamera(), microphone=lambda: MissingMicrophone())
    shell = _shell(qtbot, ctx)
    login = shell.screens["login"]
    qtbot.waitUntil(lambda: login.view.forms.currentIndex() == 1, timeout=10_000)
    bad = {"login": _foreign(_texts(login.view), lang, OWN)}
    _create_account(qtbot, shell)
    iid = store_interview(ctx, ctx.user.id, lang, [0, 1, 2])
    ctx.events.interviews_changed.emit(iid)
    shell.move_to("home")
    home = shell.screens["home"]
    qtbot.waitUntil(lambda: not home.loading and home.view.table.rowCount() == 1, timeout=20_000)
    report = shell.screens["report"]
    questions = set()
    with ctx.sessions() as s:
        from core.services.history import latest_report

        rep = latest_report(s, iid)
    # the bank's questions and rubric lines (quoted in the evaluator's feedback) and the
    # candidate's typed answers are data, not the app's words
    data = set()
    for d in rep["details"]:
        data |= {d["question"], d.get("feedback") or ""} | set(d.get("strengths") or []) | set(d.get("improvements") or [])
        data |= {e.get("rubric_point") or "" for e in d.get("evidence") or []}
        data |= {c.get("reason") or "" for c in (d.get("scores") or {}).values()}
    from core.bank import load_companies
    from core.catalog import load_catalog

    names = {c.company_name.get(lg) for c in load_companies() for lg in ("ko", "en")}  # companies' own names
    names |= {e.name for e in load_catalog().models}  # model names are product names
    own = OWN | names | {t for t in data if t} | set(ANSWERS) | set(ANSWERS_KO) | questions | {"Backend developer"}
    bad["home"] = _foreign(_texts(home.view), lang, own)
    shell.move_to("report", interview_id=iid)
    qtbot.waitUntil(lambda: report.report is not None, timeout=20_000)
    for row in range(report.view.answers.count()):
        report.view.answers.setCurrentRow(row)
        bad[f"report {row}"] = _foreign(_texts(report.view), lang, own)
    shell.move_to("new")
    new = shell.screens["new"]
    qtbot.waitUntil(lambda: new.plan is not None or new.view.banner.isVisible(), timeout=120_000)
    bad["new"] = _foreign(_texts(new.view), lang, own | {q.text for q in (new.plan.questions if new.plan else [])})
    shell.move_to("settings")
    bad["settings"] = _foreign(_texts(shell.screens["settings"].view), lang, own)
    html = htmllib.unescape(re.sub(r"<style>.*?</style>|<[^>]+>", " ",
                                   render_html(rep, lang=lang, image_src=lambda n, _p: n), flags=re.S))
    bad["html"] = _foreign([ln for ln in html.splitlines() if ln.strip()], lang,
                           own | {"rubric-coverage/lexical", "criteria", "answers"})
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)
    _close(shell)
