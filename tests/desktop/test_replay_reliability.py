"""`big20 replay` never loses the user's files or leaves a half-done interview, and says so
when its input is wrong (issue 10). Real files: generated and shared PDFs (one truncated),
espeak-ng speech converted to 32-bit float WAV, a read-only folder as a non-root user, a
process killed with SIGKILL mid-answer and resumed."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from desktop.cli import main

REPO = Path(__file__).resolve().parents[2]
ANSWER = ("An index is a separate sorted structure, usually a B-tree, that lets the database find rows "
          "without scanning the whole table. Before adding one I check the query plan and the write cost.")


@pytest.fixture
def files(tmp_path):
    from tests.core.test_resume_structure import EN, make_pdf

    pdf = tmp_path / "resume.pdf"
    make_pdf(pdf, EN, False)
    typed = tmp_path / "a1.txt"
    typed.write_text(ANSWER, "utf-8")
    return {"pdf": pdf, "typed": typed, "db": tmp_path / "db.sqlite3", "tmp": tmp_path}


def _args(f, *extra, answers=None, out=None, position="Backend Developer"):
    return ["replay", "--resume", str(f["pdf"]), "--company", "KAKAO", "--position", position, "--lang", "en",
            "--answers", *(answers or [str(f["typed"])]), "--out", str(out or f["tmp"] / "report.json"),
            "--db", f"sqlite:///{f['db']}", *extra]


def _rows(db: Path, table: str) -> int:
    if not db.exists():
        return 0
    con = sqlite3.connect(db)
    try:
        return con.execute(f"select count(*) from {table}").fetchone()[0]
    except sqlite3.OperationalError:  # no schema: nothing stored
        return 0
    finally:
        con.close()


def _err(capsys) -> str:
    return capsys.readouterr().err


# ----------------------------------------------------------------------------- item 1: inputs overwritten
def test_outputs_that_are_inputs_or_each_other_are_refused_before_work(files, capsys, tmp_path):
    f = files
    wav = tmp_path / "answer.wav"
    subprocess.run(["espeak-ng", "-v", "en", "-w", str(wav), "Hello there."], check=True)
    before = {p: p.read_bytes() for p in (f["pdf"], wav, f["typed"])}
    cases = [
        (_args(f, out=f["pdf"]), "--out", "one of the input files"),
        (_args(f, "--html", str(wav), answers=[str(wav)]), "--html", "one of the input files"),
        (_args(f, "--html", str(tmp_path / "same.json"), out=tmp_path / "same.json"), "--html", "both name"),
        (_args(f, out=f["typed"]), "--out", "one of the input files"),
        (_args(f, "--pdf", str(tmp_path / "x" / ".." / "report.json")), "--pdf", "both name"),
    ]
    for argv, option, text in cases:
        assert main(argv) == 1, argv
        err = _err(capsys)
        assert option in err and text in err, err
        assert "Traceback" not in err
    assert {p: p.read_bytes() for p in before} == before  # every input intact
    assert _rows(f["db"], "interviews") == 0


# ----------------------------------------------------------------------------- item 2: outputs checked first
def test_unwritable_outputs_are_refused_before_work(files, capsys, tmp_path):
    f = files
    folder = tmp_path / "outdir"
    folder.mkdir()
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    cases = [
        (_args(f, out=folder), "is a folder"),
        (_args(f, out=Path("/dev/full")), "not a regular file"),
        (_args(f, "--html", str(blocker / "r.html")), "is a file, not a folder"),
    ]
    for argv, text in cases:
        assert main(argv) == 1
        err = _err(capsys)
        assert text in err and "Traceback" not in err, err
    assert _rows(f["db"], "interviews") == 0


def _as_nobody() -> list[str]:
    if os.geteuid() != 0:
        return []  # already an ordinary user: permissions apply as they are
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot drop to an ordinary user for a permission test")
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def _world_tmp() -> Path:
    d = Path(tempfile.mkdtemp(prefix="big20-nobody-"))
    d.chmod(0o755)
    return d


def _cli_sub(argv: list[str], env: dict, prefix: list[str] = ()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, "-m", "desktop.cli", *argv], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "BIG20_LANGUAGE": "en", **env})


def test_read_only_folder_as_ordinary_user_output_and_data_folder():
    from tests.core.test_resume_structure import EN, make_pdf

    prefix = _as_nobody()
    root = _world_tmp()
    try:
        pdf, typed = root / "resume.pdf", root / "a1.txt"
        make_pdf(pdf, EN, False)
        typed.write_text(ANSWER, "utf-8")
        for p in (pdf, typed):
            p.chmod(0o644)
        home = root / "home"
        home.mkdir()
        home.chmod(0o777)
        ro = root / "readonly"
        ro.mkdir()
        ro.chmod(0o555)  # no write for anyone but root
        argv = ["replay", "--resume", str(pdf), "--company", "KAKAO", "--position", "Backend", "--lang", "en",
                "--answers", str(typed), "--out", str(ro / "r.json"), "--db", f"sqlite:///{home / 'db.sqlite3'}"]
        env = {"BIG20_HOME": str(home), "BIG20_MODELS_DIR": str(home / "models")}
        out = _cli_sub(argv, env, prefix)
        assert out.returncode == 1, out.stderr
        assert "Cannot write --out" in out.stderr and "Permission denied" in out.stderr, out.stderr
        assert "Traceback" not in out.stderr
        assert not (ro / "r.json").exists()
        # a read-only data folder (the database and logs live there)
        ro_home = root / "ro-home"
        ro_home.mkdir()
        ro_home.chmod(0o555)
        out = _cli_sub(["models", "list"], {"BIG20_HOME": str(ro_home), "BIG20_MODELS_DIR": str(ro_home / "m")},
                       prefix)
        assert out.returncode == 1 and "data folder" in out.stderr and "Traceback" not in out.stderr, out.stderr
        # a database file in a folder the user cannot write
        out = _cli_sub(argv[:-4] + ["--out", str(home / "r.json"), "--db", f"sqlite:///{ro / 'db.sqlite3'}"],
                       env, prefix)
        assert out.returncode == 1 and "Cannot open the database from --db" in out.stderr, out.stderr
        assert "Traceback" not in out.stderr
    finally:
        for d in (root / "readonly", root / "ro-home"):
            if d.exists():
                d.chmod(0o755)
        shutil.rmtree(root, ignore_errors=True)


def test_bad_database_urls_are_clear_errors(files, capsys):
    f = files
    for url, text in (("nonsense", "not usable"), ("mysql+nodriver://x/y", "not usable"),
                      ("postgresql://big20:secret@127.0.0.1:1/big20", "Cannot open the database")):
        argv = _args(f)
        argv[argv.index("--db") + 1] = url
        assert main(argv) == 1
        err = _err(capsys)
        assert text in err and "--db" in err and "Traceback" not in err, err
        assert "secret" not in err  # passwords never shown


def test_atomic_write_keeps_the_old_file_when_the_writer_fails(tmp_path):
    from core.outputs import atomic_path, atomic_write_text

    target = tmp_path / "report.json"
    atomic_write_text(target, "old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("disk gone")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temp file left


# ----------------------------------------------------------------------------- item 4 (position) and lesser items
def test_blank_position_directory_as_file_and_truncated_pdf(files, capsys, shared_data, tmp_path):
    f = files
    assert main(_args(f, position="   ")) == 1
    assert "position is empty" in _err(capsys)
    assert main(_args(f, answers=[str(tmp_path)])) == 1
    assert "is a folder, not a file" in _err(capsys)
    argv = _args(f)
    argv[argv.index("--resume") + 1] = str(tmp_path)
    assert main(argv) == 1
    assert "is a folder, not a file" in _err(capsys)
    data = (shared_data / "resumes" / "en_frontend_choi.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 2])
    argv[argv.index("--resume") + 1] = str(cut)
    assert main(argv) == 1
    err = _err(capsys)
    assert "damaged or incomplete" in err and "no text" not in err, err
    assert _rows(f["db"], "interviews") == 0 and _rows(f["db"], "resumes") == 0


def _float32_wav(src: Path, dst: Path) -> None:
    """Rewrite a 16-bit PCM WAV as WAVE_FORMAT_IEEE_FLOAT (format 3), 32-bit samples."""
    import wave

    import numpy as np

    with wave.open(str(src)) as w:
        rate, ch = w.getframerate(), w.getnchannels()
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype("<f4") / 32768.0
    data = pcm.tobytes()
    fmt = struct.pack("<HHIIHH", 3, ch, rate, rate * ch * 4, ch * 4, 32)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    dst.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)


@pytest.mark.slow
def test_float32_wav_typed_answer_exact_questions_and_one_final_progress_line(files, capsys, tmp_path, model_manager):
    f = files
    pcm16 = tmp_path / "pcm16.wav"
    subprocess.run(["espeak-ng", "-v", "en", "-w", str(pcm16), ANSWER], check=True)
    f32 = tmp_path / "float32.wav"
    _float32_wav(pcm16, f32)
    assert f32.read_bytes()[20:22] == b"\x03\x00"  # IEEE float
    out = tmp_path / "r.json"
    rc = main(_args(f, "--questions", "backend.db_index", "backend.acid", "--html", str(tmp_path / "r.html"),
                    answers=[str(f32), str(f["typed"])], out=out))
    err = _err(capsys)
    assert rc == 0, err
    lines = [ln for ln in err.splitlines() if ln.startswith("[")]
    assert len(lines) == len(set(lines)), lines  # no progress line printed twice
    report = json.loads(out.read_text("utf-8"))
    spoken, typed = report["details"]
    assert spoken["question"].startswith("How does a database index work")
    assert typed["question"].startswith("Explain each of the ACID")
    assert "query plan" in spoken["answer"].lower() and spoken["answer_mode"] == "speech"
    assert typed["answer_mode"] == "typed" and typed["delivery"]["applicable"] is False
    assert spoken["delivery"]["applicable"] is True and spoken["evaluated"] and typed["evaluated"]
    html = (tmp_path / "r.html").read_text("utf-8")
    assert "pace, fillers and pauses do not apply" in html


def test_model_chosen_in_settings_missing_is_an_error_naming_the_key(files, capsys, monkeypatch, model_manager):
    monkeypatch.setenv("BIG20_MODELS__STT", "faster-whisper-small")
    assert main(_args(files)) == 1
    err = _err(capsys)
    assert "models.stt" in err and "faster-whisper-small" in err and "not installed" in err, err
    monkeypatch.setenv("BIG20_MODELS__STT", "gemma3-270m-q4km")
    assert main(_args(files)) == 1
    err = _err(capsys)
    assert "models.stt" in err and "'llm'" in err, err
    assert _rows(files["db"], "interviews") == 0


# ----------------------------------------------------------------------------- item 3: interrupted runs
def _replay_proc(f, answers, extra_env=None) -> subprocess.Popen:
    argv = [sys.executable, "-m", "desktop.cli", "replay", "--resume", str(f["pdf"]), "--company", "KAKAO",
            "--position", "Frontend Engineer", "--lang", "en", "--answers", *map(str, answers), "--realtime",
            "--out", str(f["tmp"] / "killed.json"), "--db", f"sqlite:///{f['db']}"]
    return subprocess.Popen(argv, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "BIG20_LANGUAGE": "en", "BIG20_SPEECH__USE_DEEPGRAM": "false",
                                 **(extra_env or {})})


def _wait_for_second_answer(proc: subprocess.Popen, db: Path, timeout: float = 120.0) -> None:
    """Until the first answer's words are stored and the second question was asked (the
    child is then mid-answer: it streams in real time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read())
        if _rows(db, "transcripts") >= 1 and _rows(db, "interview_questions") >= 2:
            return
        time.sleep(0.2)  # polling a condition the child reaches on its own, with a deadline
    proc.kill()
    raise AssertionError("the replay never reached its second answer")


def _espeak_answers(tmp_path, texts):
    out = []
    for i, t in enumerate(texts):
        wav = tmp_path / f"ans{i}.wav"
        subprocess.run(["espeak-ng", "-v", "en", "-w", str(wav), t], check=True)
        out.append(wav)
    return out


@pytest.mark.slow
def test_sigkill_mid_answer_then_next_start_offers_resume(files, tmp_path, model_manager):
    from core.db.models import Interview, InterviewStatus
    from core.db.session import open_database, session_factory
    from core.evaluation.coverage import CoverageEvaluator
    from core.interview.recovery import find_resumable, sweep_interrupted
    from core.interview.session import InterviewSession, SessionEngines
    from engines.stt.whisper_file import WhisperFileTranscriber

    f = files
    answers = _espeak_answers(tmp_path, [
        "I am a frontend engineer and I improved conversion by eight percent in React.",
        "I work with designers on a shared component library every single day of the week.",
        "I would like to join because your users trust the platform."])
    proc = _replay_proc(f, answers)
    _wait_for_second_answer(proc, f["db"])
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()

    engine = open_database(f"sqlite:///{f['db']}")
    factory = session_factory(engine)
    try:
        assert sweep_interrupted(factory)  # found by the next start, kept (it has an answer)
        offers = find_resumable(factory)
        assert len(offers) == 1 and offers[0].answered >= 1 and offers[0].planned == 3
        entry, path = model_manager.require("stt")
        session = InterviewSession.resume(factory, offers[0].id, SessionEngines(
            evaluator=CoverageEvaluator(), transcriber=WhisperFileTranscriber(path, model_id=entry.id)))
        done = offers[0].answered
        while (q := session.ask_next()) is not None:
            session.answer_audio(answers[q.index])
        report = session.finish()
        assert len(report["details"]) == 3 and "conversion" in report["details"][0]["answer"].lower()
        assert [d["index"] for d in report["details"]] == [0, 1, 2] and done in (1, 2)
        with factory() as s:
            assert s.get(Interview, offers[0].id).status is InterviewStatus.completed
        assert find_resumable(factory) == []
    finally:
        engine.dispose()


@pytest.mark.slow
def test_sigterm_prints_what_was_kept_and_next_replay_cancels_leftovers(files, tmp_path, model_manager):
    f = files
    answers = _espeak_answers(tmp_path, [
        "I am a frontend engineer and I improved conversion by eight percent in React.",
        "I work with designers on a shared component library every single day of the week."])
    proc = _replay_proc(f, answers)
    _wait_for_second_answer(proc, f["db"])
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Kept interview" in err and "Traceback" not in err, err
    # the signal lands while answer 2 is being transcribed: its first words may already be
    # stored, so the message must count exactly what the database kept (1 or 2 of 2)
    kept = re.search(r"(\d) of 2 answers", err)
    assert kept is not None, err
    con = sqlite3.connect(f["db"])
    status, reason = con.execute("select status, cancel_reason from interviews").fetchone()
    answered = con.execute("select count(distinct interview_question_id) from transcripts").fetchone()[0]
    con.close()
    assert status == "cancelled" and reason
    assert int(kept.group(1)) == answered and answered >= 1

    # a leftover from a SIGKILL: the next replay marks it cancelled with a reason and says so
    proc = _replay_proc(f, answers)
    _wait_for_second_answer_of(proc, f["db"], interviews=2)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    assert main(_args(f)) == 0
    con = sqlite3.connect(f["db"])
    rows = con.execute("select status, cancel_reason from interviews order by id").fetchall()
    con.close()
    assert [r[0] for r in rows] == ["cancelled", "cancelled", "completed"]
    assert "interrupted" in rows[1][1]


def _wait_for_second_answer_of(proc, db: Path, interviews: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read())
        con = sqlite3.connect(db)
        try:
            n = con.execute("select count(*) from transcripts t join interviews i on i.id = t.interview_id "
                            "where i.status = 'live'").fetchone()[0]
            asked = con.execute("select count(*) from interview_questions q join interviews i on i.id = q.interview_id "
                                "where i.status = 'live'").fetchone()[0]
        except sqlite3.OperationalError:
            n = asked = 0
        finally:
            con.close()
        if n >= 1 and asked >= 2:
            return
        time.sleep(0.2)  # polling a condition the child reaches on its own, with a deadline
    proc.kill()
    raise AssertionError(f"replay {interviews} never reached its second answer")
