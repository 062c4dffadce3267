"""Wall time of a five-answer interview split by stage (resume, plan, transcribe, evaluate, report),
and how soon a follow-up (꼬리 질문) is ready after an answer ends.

Drives :class:`core.interview.session.InterviewSession` directly (the object replay and the
live screen drive) with the active models under the user's settings. Answers: espeak-ng
English synthesis (or ``--answers`` files; ``.txt`` files are typed answers); follow-ups
(budget ``--follow-ups``, default 2) are answered with ``FOLLOW_UP_TEXTS``.
``follow_up_ready_s``: seconds from the end of each answer (the session's ``_ended``, once
the transcript is final) to the follow-up decision, p50/p95/max over the interview's answers;
``follow_up_drafting_ms``: the same decision timed alone on the 60 graded answers in
../shared/data/graded_answers (when present) plus the bench's own answers, p50/p95/max.
``python -m bench.replay --json [--seed N] [--follow-ups N]``.
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
FOLLOW_UP_TEXTS = ["I measured it on the batch dashboard before and after the change, and the query rewrite was mine.",
                   "We compared Kafka with a simple database queue, and chose Kafka because of replay."]


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    v = sorted(values)
    return v[min(len(v) - 1, round(q * (len(v) - 1)))]


def drafting_latency(extra: list[str]) -> dict:
    """Template follow-up decision time on real answers (ms)."""
    import csv

    from core.interview.followup import draft_follow_up
    from core.interview.types import PlannedQuestion

    answers = [("en", t) for t in extra]
    tsv = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "graded_answers" / "answers.tsv"
    if tsv.is_file():
        with open(tsv, encoding="utf-8") as f:
            answers += [(r["lang"], r["answer"]) for r in csv.DictReader(f, delimiter="\t")]
    times, asked = [], 0
    for lang, text in answers:
        parent = PlannedQuestion(text="-", category="behavioral", question_type="경험", language=lang)
        t0 = time.perf_counter()
        fu = draft_follow_up(parent, 0, text, lang)
        times.append((time.perf_counter() - t0) * 1000)
        asked += fu is not None
    return {"answers": len(answers), "follow_ups": asked, "p50": round(_pct(times, 0.5), 2),
            "p95": round(_pct(times, 0.95), 2), "max": round(max(times), 2)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--answers", nargs="*", default=None)
    ap.add_argument("--resume", default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--follow-ups", type=int, default=2, help="follow-up budget (0: none)")
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
    extra = []
    for i, t in enumerate(FOLLOW_UP_TEXTS):
        txt = tmp / f"f{i}.txt"
        txt.write_text(t, "utf-8")
        extra.append(txt)
    out = run_session(resume, answers, tmp, seed=args.seed, follow_ups=args.follow_ups, follow_up_answers=extra)
    out["follow_up_drafting_ms"] = drafting_latency(TEXTS)
    print(json.dumps(out, ensure_ascii=False))


def run_session(resume: Path, answers: list[Path], tmp: Path, *, seed: int = 0, follow_ups: int = 0,
                follow_up_answers: list[Path] | None = None) -> dict:
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
        n_questions=len(answers), resume_path=resume, resume=parsed, seed=seed, follow_ups=follow_ups),
        eng.session_engines("en", company))
    session.prepare()
    session.start()
    main, extra = list(answers), list(follow_up_answers or [])
    while (asked := session.ask_next()) is not None:
        if asked.question.is_follow_up:
            if not extra:
                session.skip()
                continue
            a = extra.pop(0)
        elif main:
            a = main.pop(0)
        else:
            session.skip()
            break
        if a.suffix.lower() == ".txt":
            session.answer_text(a.read_text("utf-8"))
        else:
            session.answer_audio(a)
    report = session.finish()
    db.dispose()
    wall = time.perf_counter() - t0
    stages = {k: round(v, 3) for k, v in {**session.timings, "resume": t_resume}.items()}
    lat = session.follow_up_latency
    return {"answers": len(answers), "wall_s": round(wall, 2), "stages_s": stages,
            "overall": report["summary"].get("overall"), "plan_source": session.plan_source,
            "questions": [{"q": d["question"], "source": d["source"], "parent_index": d["parent_index"],
                           "grounding": d["grounding"]} for d in report["details"]],
            "follow_ups_asked": session.follow_ups_asked,
            "follow_up_ready_s": {"n": len(lat), "p50": _pct(lat, 0.5) and round(_pct(lat, 0.5), 4),
                                  "p95": _pct(lat, 0.95) and round(_pct(lat, 0.95), 4),
                                  "max": round(max(lat), 4) if lat else None}}

if __name__ == "__main__":
    main()
