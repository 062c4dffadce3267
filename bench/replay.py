"""Wall time of a five-answer replay split by stage (resume, plan, transcribe, evaluate, report).

Answers: espeak-ng English synthesis (or ``--answers`` files). ``python -m bench.replay --json``.
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
    from desktop.headless.runner import ReplayRequest, run_replay

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
    t0 = time.perf_counter()
    res = run_replay(ReplayRequest(resume=resume, company="KAKAO", position="Backend Developer", language="en",
                                   answers=answers, out=tmp / "r.json", db_url=f"sqlite:///{tmp / 'db.sqlite3'}"))
    wall = time.perf_counter() - t0
    print(json.dumps({"answers": len(answers), "wall_s": round(wall, 2), "stages_s": res.timings,
                      "overall": res.report["summary"].get("overall"), "plan_source": res.plan_source}))


if __name__ == "__main__":
    main()
