"""`big20 replay` end to end on the embedded defaults with real speech."""

from __future__ import annotations

import json
import subprocess

import pytest

from desktop.cli import main

SEED_KEYS = {"summary": {"technical", "communication", "cultural"},
             "detail": {"question", "answer", "feedback", "score", "evidence"},
             "emotions": {"confidence", "nervousness"}}


def _check(report: dict, n: int) -> None:
    assert SEED_KEYS["summary"] <= set(report["summary"])
    assert len(report["details"]) == n
    for d in report["details"]:
        assert SEED_KEYS["detail"] <= set(d)
    assert SEED_KEYS["emotions"] <= set(report["emotions"])
    assert report["emotions"]["confidence"] is None  # no video: null with a reason


@pytest.mark.slow
def test_replay_en_espeak(tmp_path, model_manager):
    answers = []
    for i, text in enumerate(["I am a frontend engineer. In my remittance project I improved "
                              "conversion by eight percent because I rebuilt the flow in React.",
                              "I don't know."]):
        wav = tmp_path / f"a{i}.wav"
        subprocess.run(["espeak-ng", "-v", "en", "-w", str(wav), text], check=True)
        answers.append(str(wav))
    from tests.core.test_resume_structure import EN, make_pdf

    pdf = tmp_path / "r.pdf"
    make_pdf(pdf, EN, False)
    out = tmp_path / "report.json"
    rc = main(["replay", "--resume", str(pdf), "--company", "KAKAO", "--position", "Frontend Engineer",
               "--lang", "en", "--answers", *answers, "--out", str(out), "--html", str(tmp_path / "r.html"),
               "--db", f"sqlite:///{tmp_path / 'db.sqlite3'}"])
    assert rc == 0
    report = json.loads(out.read_text("utf-8"))
    _check(report, 2)
    first, second = report["details"]
    assert first["score"] > second["score"]  # a real answer beats "I don't know."
    assert all(e["start"] is not None for e in first["evidence"])
    assert (tmp_path / "r.html").stat().st_size > 1000


@pytest.mark.slow
def test_replay_ko_real_recordings(tmp_path, shared_data, model_manager):
    rows = (shared_data / "speech" / "ko" / "transcripts.tsv").read_text("utf-8").splitlines()[1:]
    wavs = [str(shared_data / "speech" / "ko" / r.split("\t")[0]) for r in rows][:2]
    out = tmp_path / "ko.json"
    rc = main(["replay", "--resume", str(shared_data / "resumes" / "ko_backend_kim.pdf"), "--company", "KAKAO",
               "--position", "백엔드 개발자", "--lang", "ko", "--answers", *wavs, "--out", str(out),
               "--db", f"sqlite:///{tmp_path / 'db.sqlite3'}"])
    assert rc == 0
    report = json.loads(out.read_text("utf-8"))
    _check(report, 2)
    assert report["details"][0]["answer"].strip()


def test_replay_bad_input(tmp_path, capsys):
    notwav = tmp_path / "a.wav"
    notwav.write_text("nope")
    rc = main(["replay", "--resume", str(tmp_path / "r.pdf"), "--company", "KAKAO", "--position", "x",
               "--lang", "en", "--answers", str(notwav), "--out", str(tmp_path / "o.json"),
               "--db", f"sqlite:///{tmp_path / 'db.sqlite3'}"])
    assert rc == 1 and "WAV" in capsys.readouterr().err
    rc = main(["replay", "--resume", str(tmp_path / "r.pdf"), "--company", "NOPE", "--position", "x",
               "--lang", "en", "--answers", str(tmp_path / "missing.wav"), "--out", str(tmp_path / "o.json")])
    assert rc == 1
    assert not (tmp_path / "db.sqlite3").exists()  # nothing stored on bad input


def _espeak_answers(tmp_path, texts):
    answers = []
    for i, text in enumerate(texts):
        wav = tmp_path / f"v{i}.wav"
        subprocess.run(["espeak-ng", "-v", "en", "-w", str(wav), text], check=True)
        answers.append(str(wav))
    return answers


@pytest.mark.slow
def test_replay_with_video_and_realtime_speech(tmp_path, shared_data, model_manager):
    """--video: eyes and expression from a real talking-face clip, aligned to the answers;
    --realtime: answers streamed through the live speech path, utterances stored on arrival."""
    from sqlalchemy import select

    from core.db.models import Transcript
    from core.db.session import make_engine, session_factory

    clip = shared_data / "video" / "sadtalker" / "WDA_AlexandriaOcasioCortez_000.mp4"
    if not clip.exists():
        clip = sorted((shared_data / "video" / "sadtalker").glob("*.mp4"))[0]
    answers = _espeak_answers(tmp_path, [
        "I am a frontend engineer. I improved conversion by eight percent in React.",
        "I work with designers on a shared component library."])
    out = tmp_path / "video.json"
    db = tmp_path / "db.sqlite3"
    rc = main(["replay", "--resume", str(shared_data / "resumes" / "en_frontend_choi.pdf"), "--company",
               "KAKAO", "--position", "Frontend Engineer", "--lang", "en", "--answers", *answers,
               "--video", str(clip), "--realtime", "--out", str(out), "--db", f"sqlite:///{db}"])
    assert rc == 0
    report = json.loads(out.read_text("utf-8"))
    emo = report["emotions"]
    assert emo["reliable"] is True and emo["reason"] is None
    assert 0 <= emo["confidence"] <= 100 and 0 <= emo["nervousness"] <= 100
    assert emo["face_visible_pct"] > 90 and emo["video"]["frames"] > 100
    first = report["details"][0]
    assert first["gaze"]["frames"] > 0 and first["gaze"]["face_visible_pct"] > 90
    assert "eight" in first["answer"].lower() or "8" in first["answer"]
    engine = make_engine(f"sqlite:///{db}")
    with session_factory(engine)() as s:
        rows = s.scalars(select(Transcript)).all()
        assert rows and all(r.engine for r in rows) and all(r.start_s is not None for r in rows)
    engine.dispose()


def test_replay_rejects_undecodable_video_before_storing(tmp_path, model_manager):
    from tests.core.test_resume_structure import EN, make_pdf

    pdf = tmp_path / "r.pdf"
    make_pdf(pdf, EN, False)
    wav = _espeak_answers(tmp_path, ["Hello."])
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200)
    db = tmp_path / "db.sqlite3"
    rc = main(["replay", "--resume", str(pdf), "--company", "KAKAO", "--position", "Frontend Engineer",
               "--lang", "en", "--answers", *wav, "--video", str(bad), "--out", str(tmp_path / "o.json"),
               "--db", f"sqlite:///{db}"])
    assert rc == 1
    assert not db.exists() or db.stat().st_size == 0 or _no_interviews(db)


def _no_interviews(db) -> bool:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return con.execute("select count(*) from interviews").fetchone()[0] == 0
    except sqlite3.OperationalError:  # no schema at all: nothing stored
        return True
    finally:
        con.close()
