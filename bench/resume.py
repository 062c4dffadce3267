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
the resume lists.

The public corpus: when BIG20_RESUME_CORPUS names a folder holding the PDFs of
bench/data/resume_corpus_manifest.json (not in this repository), they are scored against
bench/data/resume_corpus_truth.json too, separately for the tuning half and the held-out half
(split by source repository before any tuning) and the fresh sets (split "fresh": further
repositories added later, truth committed before intake first ran on them, since folded into the
tuning half, "first_split" keeps it; "fresh2": a third such set); the held-out half
and the fresh sets also by layout kind (``heldout_by_layout``, ``fresh_by_layout``,
``fresh2_by_layout``; "fresh2" is a third unseen set, added the same way). Without the variable (or the folder) that part is skipped and says so.
``stored_junk`` lists every stored company, role, skill or certification that is a section
heading, a label, a location, a date or a fragment, whatever the truth says. The last line
printed is one JSON object: the shared resumes' figures at the top level (as before), the
corpus under ``corpus``.
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
CORPUS_TRUTH = REPO / "bench" / "data" / "resume_corpus_truth.json"
FIELDS = ("experience", "education", "skills", "projects", "certifications")
# corpus splits in report order; every split but tuning is also broken down by layout kind
SPLITS = ("heldout", "tuning", "fresh", "fresh2")
UNSEEN = tuple(s for s in SPLITS if s != "tuning")
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
        if "projects" not in truth:
            return True  # projects are not in this truth: not judged
        return any(_contains(_n(p["name"]), _n(value)) for p in truth["projects"])
    if slot == "certification":
        return _n(value) in {_n(c) for c in truth["certifications"]}
    return True


def stored_junk(data: dict) -> list[str]:
    """Stored values no recruiter would write down as that field: a section heading or group
    label ("PROGRAMMING", "Frameworks", "분류"), a label ("Date:"), a place ("S.Korea"), a
    date, or a fragment (a dangling bullet, separator or bracket, or a phrase's piece starting
    with "as", "of", ...)."""
    from core.resume.dates import find_period, is_date_only
    from core.resume.structure import is_label, is_location, vocab_section

    main = {"experience", "education", "skills", "projects", "certifications", "summary", "links", "awards"}

    out = []

    def bad(kind: str, v: str | None) -> None:
        if not v:
            return
        t = v.strip()
        why = None
        if vocab_section(t) in main or is_label(t):
            why = "heading/label"
        elif is_location(t):
            why = "location"
        elif is_date_only(t) or (kind != "certification" and find_period(t) and len(t) < 25):
            why = "date"
        elif (re.match(r"^[-–—•·*|,:;)\]]", t) or re.search(r"[-–—•·|,:;(\[]$", t)
              or t.count("(") != t.count(")")
              or re.match(r"^(?:as|of|and|or|in|at|for|the|to|with|by|from)\s", t)):
            why = "fragment"  # a dangling bullet or bracket, or a piece cut out of a phrase ("as M.Sc. ...")
        if why:
            out.append(f"{kind}={t!r} ({why})")

    for e in data.get("experience") or []:
        bad("company", e.get("company"))
        bad("role", e.get("role"))
    for sk in data.get("skills") or []:
        bad("skill", sk)
    for c in data.get("certifications") or []:
        bad("certification", c)
    return out


def markdown_text(pdf: Path) -> str:
    """The resume as pymupdf4llm (with pymupdf-layout) reads it, Markdown marks removed: the
    library's reading order, to set against our own (``--reading pymupdf4llm``)."""
    import pymupdf4llm

    md = pymupdf4llm.to_markdown(str(pdf), show_progress=False)
    lines = []
    for ln in md.splitlines():
        ln = re.sub(r"^\s*#+\s*", "", ln)
        ln = re.sub(r"\*\*|__|`|<br>", "", ln).replace("|", " | ")
        ln = re.sub(r"^\s*\|?\s*(?:-{3,}\s*\|\s*)+-*\s*$", "", ln)
        if ln.strip(" |"):
            lines.append(ln.strip(" |"))
    return "\n".join(lines)


def score(items: list[tuple[str, Path, dict]], seeds: int = 3, n_questions: int = 10,
          verbose: bool = False, *, keep_files: bool = False, reading: str = "own") -> dict[str, Any]:
    """Figures over ``items`` = (name, pdf, truth); see the module docstring. ``reading``:
    "own" (our layout reading order, what intake uses) or "pymupdf4llm" (that library's text,
    structured as plain text)."""
    from core.bank import load_question_bank
    from core.interview.planner import RESUME_SLOTS, PlanContext, plan_from_bank
    from core.resume.store import parse_resume
    from engines.pdf.pymupdf_reader import PyMuPdfReader

    fields = {k: Tally() for k in FIELDS}
    # what a question may quote: the values intake is sure of (core.resume.structure.resume_facts)
    sure = {k: Tally() for k in ("experience", "education", "skills", "certifications")}
    invented = 0
    lang_right = 0
    slots_total = slots_right = resume_questions = 0
    wrong_slots: list[str] = []
    junk: list[str] = []
    per_file: dict[str, Any] = {}
    reader = PyMuPdfReader()
    bank = load_question_bank() if seeds else None
    for rel, pdf, t in items:
        if reading == "pymupdf4llm":
            from core.resume.structure import structure_resume

            data = structure_resume(markdown_text(pdf))
        else:
            _, data = parse_resume(reader, pdf)
        lang_right += data["language"] == t["language"]
        exp_r = match(t["experience"], data["experience"], exp_ok)
        fields["experience"].add(exp_r, len(data["experience"]), len(t["experience"]))
        # invented: read entries that share neither company nor role with any true entry
        invented += sum(1 for r in data["experience"] if not any(
            _contains(n_company(e["company"]), n_company(r.get("company"))) or _n(e["role"]) == _n(r.get("role"))
            for e in t["experience"]))
        edu_r = match(t["education"], data["education"], edu_ok)
        fields["education"].add(edu_r, len(data["education"]), len(t["education"]))
        if "projects" in t:
            fields["projects"].add(match(t["projects"], data["projects"], proj_ok),
                                   len(data["projects"]), len(t["projects"]))
        ts = {n_skill(s) for s in t["skills"]}
        rs = {n_skill(s) for s in data["skills"]} - {""}
        fields["skills"].add(len(ts & rs), len(rs), len(ts))
        tc = {_n(c) for c in t["certifications"]}
        rc = {_n(c) for c in data["certifications"]}
        fields["certifications"].add(len(tc & rc), len(rc), len(tc))
        from core.resume.structure import confident_values, is_confident

        exp_s = [e for e in data["experience"] if is_confident(e)]
        sure["experience"].add(match(t["experience"], exp_s, exp_ok), len(exp_s), len(t["experience"]))
        edu_s = [e for e in data["education"] if is_confident(e)]
        sure["education"].add(match(t["education"], edu_s, edu_ok), len(edu_s), len(t["education"]))
        rs_s = {n_skill(v) for v in confident_values(data, "skills")} - {""}
        sure["skills"].add(len(ts & rs_s), len(rs_s), len(ts))
        rc_s = {_n(v) for v in confident_values(data, "certifications")}
        sure["certifications"].add(len(tc & rc_s), len(rc_s), len(tc))
        bad = stored_junk(data)
        junk.extend(f"{rel}: {b}" for b in bad)
        per_file[rel] = {"experience": f"{exp_r}/{len(t['experience'])} of {len(data['experience'])} read",
                         "education": f"{edu_r}/{len(t['education'])} of {len(data['education'])} read",
                         "skills": f"{len(ts & rs)}/{len(ts)} of {len(rs)} read",
                         "certifications": f"{len(tc & rc)}/{len(tc)} of {len(rc)} read"}
        if verbose:
            print(rel, per_file[rel], file=sys.stderr)
            for e in data["experience"]:
                if not any(exp_ok(x, e) for x in t["experience"]):
                    print("   wrong exp:", e.get("company"), "|", e.get("role"), "|", e.get("period"), file=sys.stderr)
            for e in t["experience"]:
                if not any(exp_ok(e, x) for x in data["experience"]):
                    print("   missed exp:", e["company"], "|", e["role"], "|", e["period"], file=sys.stderr)
            for e in data["education"]:
                if not any(edu_ok(x, e) for x in t["education"]):
                    print("   wrong edu:", e.get("school"), "|", e.get("degree"), "|", e.get("period"), file=sys.stderr)
            for e in t["education"]:
                if not any(edu_ok(e, x) for x in data["education"]):
                    print("   missed edu:", e["school"], "|", e.get("degree"), "|", e.get("period"), file=sys.stderr)
            print("   wrong skills:", sorted(rs - ts), file=sys.stderr)
            print("   missed skills:", sorted(ts - rs), file=sys.stderr)
            print("   wrong certs:", sorted(rc - tc), "missed:", sorted(tc - rc), file=sys.stderr)
            for b in bad:
                print("   JUNK", b, file=sys.stderr)
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
    out = {
        "resumes": len(per_file),
        "language_right": lang_right,
        **{k: v.figures() for k, v in fields.items() if v.truth or v.read},
        "confident_only": {k: v.figures() for k, v in sure.items() if v.truth or v.read},
        "invented_experience": invented,
        "stored_junk": junk,
        "resume_questions": resume_questions,
        "slots": slots_total,
        "slots_right_share": round(slots_right / slots_total, 3) if slots_total else None,
        "wrong_slots": wrong_slots[:20],
    }
    if keep_files:
        out["per_file"] = per_file
    return out


def run(seeds: int = 3, n_questions: int = 10, verbose: bool = False, *, root: Path | None = None,
        truth: Path = TRUTH, reading: str = "own") -> dict[str, Any]:
    """The shared resumes (or ``root`` with ``truth``) scored as one set."""
    truth_all = json.loads(Path(truth).read_text("utf-8"))["resumes"]
    root = Path(root) if root is not None else shared_resumes()
    pdfs = sorted(p for p in root.rglob("*.pdf"))
    missing = [str(p.relative_to(root)) for p in pdfs if str(p.relative_to(root)) not in truth_all]
    items = [(str(p.relative_to(root)), p, truth_all[str(p.relative_to(root))]) for p in pdfs
             if str(p.relative_to(root)) in truth_all]
    res = score(items, seeds, n_questions, verbose, reading=reading)
    return {"resumes": res.pop("resumes"), "without_truth": missing, **res}


def run_corpus(folder: Path, seeds: int = 3, n_questions: int = 10, verbose: bool = False,
               truth: Path = CORPUS_TRUTH, reading: str = "own") -> dict[str, Any]:
    """The public corpus: tuning half, held-out half and the fresh set (added later, never
    inspected before its first score), the held-out half and the fresh set also by layout kind."""
    truth_all = json.loads(Path(truth).read_text("utf-8"))["resumes"]
    folder = Path(folder)
    absent = sorted(rel for rel in truth_all if not (folder / rel).is_file())
    halves: dict[str, list] = {half: [] for half in SPLITS}
    for rel, t in truth_all.items():
        if (folder / rel).is_file():
            halves[t["split"]].append((rel, folder / rel, t))
    out: dict[str, Any] = {"folder": str(folder), "absent": absent}
    for half in SPLITS:
        if not halves[half]:
            continue
        if verbose:
            print(f"== {half}", file=sys.stderr)
        out[half] = score(halves[half], seeds, n_questions, verbose, reading=reading)
    for half in UNSEEN:
        by_layout: dict[str, Any] = {}
        for kind in sorted({t["layout"] for _, _, t in halves[half]}):
            part = [x for x in halves[half] if x[2]["layout"] == kind]
            r = score(part, 0, n_questions, reading=reading)
            by_layout[kind] = {"resumes": r["resumes"], **{k: r[k] for k in FIELDS if k in r},
                               "confident_only": r["confident_only"], "stored_junk": len(r["stored_junk"])}
        if by_layout:
            out[f"{half}_by_layout"] = by_layout
    return out


def _print_fields(title: str, res: dict[str, Any]) -> None:
    print(f"-- {title}: {res['resumes']} resumes")
    for k in FIELDS:
        f = res.get(k)
        if f:
            print(f"{k:15s} precision {f['precision']}  recall {f['recall']}  ({f['right']} right, "
                  f"{f['read']} read, {f['truth']} true)")
    sure = res.get("confident_only") or {}
    print("  confident values only (what questions may quote): " + "  ".join(
        f"{k[:4]} {f['precision']}/{f['recall']}" for k, f in sure.items()))
    print(f"stored junk: {len(res['stored_junk'])}; invented experience entries: {res['invented_experience']}; "
          f"planned resume questions: {res['resume_questions']}, slots right: {res['slots_right_share']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    ap.add_argument("--seeds", type=int, default=3, help="question plans per resume")
    ap.add_argument("--root", type=Path, default=None, help="folder of PDFs (default: ../shared/data/resumes)")
    ap.add_argument("--truth", type=Path, default=TRUTH, help="ground-truth JSON for the PDFs under --root")
    ap.add_argument("--corpus", type=Path, default=None,
                    help="folder of the public corpus (default: $BIG20_RESUME_CORPUS)")
    ap.add_argument("--only", choices=["shared", "corpus"], default=None, help="score one set only")
    ap.add_argument("--reading", choices=["own", "pymupdf4llm"], default="own",
                    help="reading order: ours (what intake uses) or pymupdf4llm's, for comparison")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    root = args.root or shared_resumes()
    res: dict[str, Any] = {}
    if args.only != "corpus":
        if root.is_dir():
            res = run(args.seeds, verbose=args.verbose, root=root, truth=args.truth, reading=args.reading)
        else:
            print(f"no resumes at {root} (set BIG20_SHARED_DATA or --root)", file=sys.stderr)
            res = {"skipped": f"no resumes at {root}"}
    corpus = args.corpus or (Path(os.environ["BIG20_RESUME_CORPUS"]) if os.environ.get("BIG20_RESUME_CORPUS") else None)
    if args.only != "shared":
        if corpus is not None and corpus.is_dir():
            res["corpus"] = run_corpus(corpus, args.seeds, verbose=args.verbose, reading=args.reading)
        else:
            res["corpus"] = {"skipped": "set BIG20_RESUME_CORPUS to the folder of resume_corpus_manifest.json's PDFs"}
    if not args.json:
        if "experience" in res:
            _print_fields("shared resumes", res)
        c = res.get("corpus", {})
        for half in SPLITS:
            if half in c:
                _print_fields(f"corpus {half}", c[half])
        for half in UNSEEN:
            for kind, f in c.get(f"{half}_by_layout", {}).items():
                figs = "  ".join(f"{k[:4]} {f[k]['precision']}/{f[k]['recall']}" for k in FIELDS if k in f)
                print(f"   {half} {kind:16s} ({f['resumes']}): {figs}")
    if "experience" not in res and "corpus" not in res:
        return 2
    print(json.dumps(res, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
