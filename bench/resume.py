"""How well does resume intake read real resumes? ``python -m bench.resume --json``.

Every PDF under ../shared/data/resumes (BIG20_SHARED_DATA overrides ../shared/data) that has
an entry in bench/data/resume_truth.json (written by reading each PDF as a recruiter would)
is parsed with the real reader (PyMuPDF) and structurer and compared field by field:

* experience: an entry is right only when company, role and period all are;
* education: school and period right, and the degree when the truth names one;
* projects: name and period; skills and certifications: as sets.

Matching is one-to-one; precision = right / read, recall = right / in the truth, pooled over
all resumes. Names compare after NFKC, case folding and dropping punctuation and spaces (a
company also without legal suffixes; one name may contain the other, as "리브" and
"스타트업 리브" or "UC Berkeley" read from "UC Berkeley, Berkeley"); a skill also without
parentheses and generic words ("databases", "basics"); periods after
core.resume.dates.normalize_period. Then questions are planned from the bank for each
resume (``--seeds`` seeds, 10 questions) and every resume slot a question quotes is checked
against the truth: a company must be one of the candidate's companies, a role their role
(and at the same company when both appear), a skill, project or certification one that
the resume lists. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TRUTH = REPO / "bench" / "data" / "resume_truth.json"
_LEGAL = re.compile(r"\b(?:inc|llc|ltd|co|corp|corporation|gmbh|plc)\b\.?|\(주\)|주식회사|㈜", re.I)
_GENERIC = re.compile(r"\b(?:databases?|basics|fundamentals|concepts)\b", re.I)


def shared_resumes() -> Path:
    base = Path(os.environ.get("BIG20_SHARED_DATA", REPO.parent / "shared" / "data"))
    return base / "resumes"


def _n(s: str | None) -> str:
    s = unicodedata.normalize("NFKC", s or "").lower()
    return re.sub(r"[^0-9a-z\uac00-\ud7a3+#]", "", s)


def n_company(s: str | None) -> str:
    return _n(_LEGAL.sub("", s or ""))


def n_skill(s: str | None) -> str:
    s = re.sub(r"\([^()]*\)", "", s or "")
    return _n(_GENERIC.sub("", s))


def _contains(a: str, b: str) -> bool:
    return bool(a and b) and (a == b or (min(len(a), len(b)) >= 2 and (a in b or b in a)))


def _period(p: str | None) -> str | None:
    from core.resume.dates import normalize_period

    return normalize_period(p)


def exp_ok(t: dict, r: dict) -> bool:
    return (_contains(n_company(t["company"]), n_company(r.get("company")))
            and _n(t["role"]) == _n(r.get("role")) and _period(t["period"]) == _period(r.get("period")))


def edu_ok(t: dict, r: dict) -> bool:
    if not _contains(_n(t["school"]), _n(r.get("school"))):
        return False
    if _period(t.get("period")) != _period(r.get("period")):
        return False
    return not t.get("degree") or _contains(_n(t["degree"]), _n(r.get("degree")))


def proj_ok(t: dict, r: dict) -> bool:
    return _contains(_n(t["name"]), _n(r.get("name"))) and _period(t.get("period")) == _period(r.get("period"))


def match(truth: list, read: list, ok) -> int:
    """Right entries under a one-to-one matching (greedy is exact enough for these sizes)."""
    used: set[int] = set()
    right = 0
    for t in truth:
        for i, r in enumerate(read):
            if i not in used and ok(t, r):
                used.add(i)
                right += 1
                break
    return right


class Tally:
    def __init__(self) -> None:
        self.right = self.read = self.truth = 0

    def add(self, right: int, read: int, truth: int) -> None:
        self.right += right
        self.read += read
        self.truth += truth

    def figures(self) -> dict[str, Any]:
        return {"precision": round(self.right / self.read, 3) if self.read else None,
                "recall": round(self.right / self.truth, 3) if self.truth else None,
                "right": self.right, "read": self.read, "truth": self.truth}


def slot_right(slot: str, value: str, truth: dict, pair_role: str | None = None) -> bool:
    if slot == "prev_company":
        return any(_contains(n_company(e["company"]), n_company(value))
                   and (pair_role is None or _n(e["role"]) == _n(pair_role)) for e in truth["experience"])
    if slot == "role":
        return any(_n(e["role"]) == _n(value) for e in truth["experience"])
    if slot == "skill":
        return n_skill(value) in {n_skill(s) for s in truth["skills"]}
    if slot == "project":
        return any(_contains(_n(p["name"]), _n(value)) for p in truth["projects"])
    if slot == "certification":
        return _n(value) in {_n(c) for c in truth["certifications"]}
    return True


def run(seeds: int = 3, n_questions: int = 10, verbose: bool = False, *, root: Path | None = None,
        truth: Path = TRUTH) -> dict[str, Any]:
    from core.bank import load_question_bank
    from core.interview.planner import RESUME_SLOTS, PlanContext, plan_from_bank
    from core.resume.store import parse_resume
    from engines.pdf.pymupdf_reader import PyMuPdfReader

    truth_all = json.loads(Path(truth).read_text("utf-8"))["resumes"]
    root = Path(root) if root is not None else shared_resumes()
    pdfs = sorted(p for p in root.rglob("*.pdf"))
    missing = [str(p.relative_to(root)) for p in pdfs if str(p.relative_to(root)) not in truth_all]
    fields = {k: Tally() for k in ("experience", "education", "skills", "projects", "certifications")}
    invented = 0
    lang_right = 0
    slots_total = slots_right = resume_questions = 0
    wrong_slots: list[str] = []
    per_file: dict[str, Any] = {}
    reader = PyMuPdfReader()
    bank = load_question_bank()
    for pdf in pdfs:
        rel = str(pdf.relative_to(root))
        t = truth_all.get(rel)
        if t is None:
            continue
        _, data = parse_resume(reader, pdf)
        lang_right += data["language"] == t["language"]
        exp_r = match(t["experience"], data["experience"], exp_ok)
        fields["experience"].add(exp_r, len(data["experience"]), len(t["experience"]))
        # invented: read entries that share neither company nor role with any true entry
        invented += sum(1 for r in data["experience"] if not any(
            _contains(n_company(e["company"]), n_company(r.get("company"))) or _n(e["role"]) == _n(r.get("role"))
            for e in t["experience"]))
        fields["education"].add(match(t["education"], data["education"], edu_ok),
                                len(data["education"]), len(t["education"]))
        fields["projects"].add(match(t["projects"], data["projects"], proj_ok),
                               len(data["projects"]), len(t["projects"]))
        ts = {n_skill(s) for s in t["skills"]}
        rs = {n_skill(s) for s in data["skills"]} - {""}
        fields["skills"].add(len(ts & rs), len(rs), len(ts))
        tc = {_n(c) for c in t["certifications"]}
        rc = {_n(c) for c in data["certifications"]}
        fields["certifications"].add(len(tc & rc), len(rc), len(tc))
        per_file[rel] = {"experience": f"{exp_r}/{len(t['experience'])} of {len(data['experience'])} read"}
        for seed in range(seeds):
            ctx = PlanContext(language=t["language"], position=t["position"], resume=data, seed=seed)
            for q in plan_from_bank(bank, ctx, n_questions):
                vals = dict(g.split(": ", 1) for g in q.grounding if ": " in g)
                vals = {k: v for k, v in vals.items() if k in RESUME_SLOTS}
                if not vals:
                    continue
                resume_questions += 1
                for slot, value in vals.items():
                    slots_total += 1
                    ok = slot_right(slot, value, t, vals.get("role") if slot == "prev_company" else None)
                    slots_right += ok
                    if not ok:
                        wrong_slots.append(f"{rel}: {slot}={value!r} in {q.text!r}")
        if verbose:
            print(rel, per_file[rel], file=sys.stderr)
    return {
        "resumes": len(per_file),
        "without_truth": missing,
        "language_right": lang_right,
        **{k: v.figures() for k, v in fields.items()},
        "invented_experience": invented,
        "resume_questions": resume_questions,
        "slots": slots_total,
        "slots_right_share": round(slots_right / slots_total, 3) if slots_total else None,
        "wrong_slots": wrong_slots[:20],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    ap.add_argument("--seeds", type=int, default=3, help="question plans per resume")
    ap.add_argument("--root", type=Path, default=None, help="folder of PDFs (default: ../shared/data/resumes)")
    ap.add_argument("--truth", type=Path, default=TRUTH, help="ground-truth JSON for the PDFs under --root")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    root = args.root or shared_resumes()
    if not root.is_dir():
        print(f"no resumes at {root} (set BIG20_SHARED_DATA or --root)", file=sys.stderr)
        return 2
    res = run(args.seeds, verbose=args.verbose, root=root, truth=args.truth)
    if not args.json:
        for k in ("experience", "education", "skills", "projects", "certifications"):
            f = res[k]
            print(f"{k:15s} precision {f['precision']}  recall {f['recall']}  ({f['right']} right, "
                  f"{f['read']} read, {f['truth']} true)")
        print(f"invented experience entries: {res['invented_experience']}; planned resume questions: "
              f"{res['resume_questions']}, slots right: {res['slots_right_share']}")
    print(json.dumps(res, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
