"""Wall time of a five-answer interview split by stage (resume, plan, transcribe, evaluate, report).

Drives :class:`core.interview.session.InterviewSession` directly (the object replay and the
live screen drive) with the active models under the user's settings. Answers: espeak-ng
English synthesis (or ``--answers`` files; ``.txt`` files are typed answers).
``python -m bench.replay --json``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path

TEXTS = ["I am a backend developer with five years of experience in payments.",
         "In my settlement project I cut batch time from six hours to fifty minutes because I rewrote the queries.",
         "First, I listen to my teammate. Second, we compare data. As a result we agreed quickly.",
         "I want to join because your users trust the platform every day.",
         "I don't know."]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--answers", nargs="*", default=None)
    ap.add_argument("--resume", default=None)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-replay-"))
    answers = [Path(a) for a in args.answers] if args.answers else []
    if not answers:
        for i, t in enumerate(TEXTS):
            wav = tmp / f"a{i}.wav"
            subprocess.run(["espeak-ng", "-v", "en", "-w", str(wav), t], check=True)
            answers.append(wav)
    resume = Path(args.resume) if args.resume else None
    if resume is None:
        shared = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "resumes" / "en_frontend_choi.pdf"
        if shared.is_file():
            resume = shared
        else:
            import pymupdf

            resume = tmp / "r.pdf"
            doc = pymupdf.open()
            page = doc.new_page()
            for k, line in enumerate(["Alex Kim", "Experience", "Acme (2019 - 2024) Backend Engineer",
                                      "- Cut latency by 40%", "Skills", "Python, Kafka, Redis"]):
                page.insert_text((50, 50 + 14 * k), line)
            doc.save(str(resume))
    print(json.dumps(run_session(resume, answers, tmp)))


def run_session(resume: Path, answers: list[Path], tmp: Path) -> dict:
    from core.bank import get_company
    from core.db.session import open_database, session_factory
    from core.interview.session import InterviewSession, InterviewSetup
    from core.resume.store import parse_resume
    from core.services.users import create_user
    from engines.assembly import file_engines

    t0 = time.perf_counter()
    # the rubric evaluator only (no LLM), as the bench always measured; engines as replay builds them
    eng = file_engines(with_llm=False)
    t_resume = time.perf_counter()
    parsed = parse_resume(eng.reader, resume)
    t_resume = time.perf_counter() - t_resume
    db = open_database(f"sqlite:///{tmp / 'db.sqlite3'}")
    factory = session_factory(db)
    with factory() as s:
        uid = create_user(s, email="bench@localhost.localdomain", username="bench", password="bench-password-1").id
        s.commit()
    company = get_company("KAKAO")
    session = InterviewSession(factory, InterviewSetup(
        candidate_id=uid, company=company, position="Backend Developer", language="en",
        n_questions=len(answers), resume_path=resume, resume=parsed),
        eng.session_engines("en", company))
    session.prepare()
    session.start()
    for a in answers:
        session.ask_next()
        if a.suffix.lower() == ".txt":
            session.answer_text(a.read_text("utf-8"))
        else:
            session.answer_audio(a)
    report = session.finish()
    db.dispose()
    wall = time.perf_counter() - t0
    stages = {k: round(v, 3) for k, v in {**session.timings, "resume": t_resume}.items()}
    return {"answers": len(answers), "wall_s": round(wall, 2), "stages_s": stages,
            "overall": report["summary"].get("overall"), "plan_source": session.plan_source}

if __name__ == "__main__":
    main()
