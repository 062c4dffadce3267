"""Question plans on real resumes: grounding, resume questions, seed variety, order.

For every resume PDF under ../shared/data/resumes (parsed by the real PDF reader) and
``--seeds`` seeds (default 10), plans the default interview (6 questions, KAKAO, a backend
position in the resume's language) and prints:

- ``facts_named`` / ``facts_real``: resume facts named by questions (``grounding`` slots
  project, skill, prev_company, role, certification) and how many are facts of that resume
  (``core.interview.planner.resume_facts``);
- ``resume_questions``: min / mean per plan, over plans whose resume has facts;
- ``intro_first`` / ``closing_last``: share of plans;
- ``seed_pairs_min_diff``: over every pair of seeds of one resume, the fewest positions at
  which the two plans ask different questions;
- ``plan_ms``: p50 / p95 planning time.

``python -m bench.plan [--seeds 10] [--json]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from core.bank import get_company, load_question_bank
    from core.interview.planner import RESUME_SLOTS, PlanContext, is_closing, plan_from_bank, resume_facts
    from core.resume.store import parse_resume
    from engines.pdf.pymupdf_reader import PyMuPdfReader

    root = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "resumes"
    pdfs = sorted(root.glob("*.pdf")) + sorted(root.glob("from_repos/*/*.pdf"))
    if not pdfs:
        raise SystemExit(f"no resumes under {root}")
    bank = load_question_bank()
    reader = PyMuPdfReader()
    named = real = plans_n = intro = closing = 0
    per_plan: list[int] = []
    min_diff: int | None = None
    times: list[float] = []
    for pdf in pdfs:
        lang = "ko" if pdf.name.startswith("ko_") or pdf.parent.name == "ko" else "en"
        structured = parse_resume(reader, pdf)[1]
        facts = resume_facts(structured)
        plans = []
        for seed in range(args.seeds):
            t0 = time.perf_counter()
            plan = plan_from_bank(bank, PlanContext(lang, "백엔드 개발자" if lang == "ko" else "Backend Engineer",
                                                    structured, get_company("KAKAO"), seed=seed), 6)
            times.append((time.perf_counter() - t0) * 1000)
            plans.append(plan)
            plans_n += 1
            intro += plan[0].question_type == "자기소개"
            closing += is_closing(plan[-1])
            n_resume = 0
            for q in plan:
                used = [g.split(": ", 1) for g in q.grounding if g.split(": ", 1)[0] in RESUME_SLOTS]
                n_resume += bool(used)
                for slot, value in used:
                    named += 1
                    real += value in facts.get(slot, [])
            if any(facts.values()):
                per_plan.append(n_resume)
        for a, b in itertools.combinations(plans, 2):
            d = sum(1 for qa, qb in zip(a, b) if qa.text != qb.text)
            min_diff = d if min_diff is None else min(min_diff, d)
    times.sort()
    out = {"resumes": len(pdfs), "plans": plans_n, "facts_named": named, "facts_real": real,
           "resume_questions": {"min": min(per_plan) if per_plan else None,
                                "mean": round(sum(per_plan) / len(per_plan), 2) if per_plan else None},
           "intro_first": round(intro / plans_n, 3), "closing_last": round(closing / plans_n, 3),
           "seed_pairs_min_diff": min_diff,
           "plan_ms": {"p50": round(times[len(times) // 2], 1), "p95": round(times[int(0.95 * (len(times) - 1))], 1)}}
    print(json.dumps(out) if args.json else "\n".join(f"{k}: {v}" for k, v in out.items()))


if __name__ == "__main__":
    main()
