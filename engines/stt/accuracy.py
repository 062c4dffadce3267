"""Word/character error rates and missing-span checks against reference transcripts.

Pure Python (jiwer is not installed): Levenshtein alignment over normalised tokens.
Normalisation lower-cases, drops punctuation and speaker tags like ``[S1]``.
"""

from __future__ import annotations

import re
import unicodedata


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = re.sub(r"[^\w\s']", " ", text.lower()).replace("'", "")
    return " ".join(text.split())


def _align(ref: list[str], hyp: list[str]) -> list[tuple[str, str | None, str | None]]:
    """Minimal edit alignment: ('ok'|'sub'|'del'|'ins', ref_token, hyp_token)."""
    n, m = len(ref), len(hyp)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]))
    ops: list[tuple[str, str | None, str | None]] = []
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and d[i][j] == d[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            ops.append(("ok" if ref[i - 1] == hyp[j - 1] else "sub", ref[i - 1], hyp[j - 1]))
            i, j = i - 1, j - 1
        elif i > 0 and d[i][j] == d[i - 1][j] + 1:
            ops.append(("del", ref[i - 1], None))
            i -= 1
        else:
            ops.append(("ins", None, hyp[j - 1]))
            j -= 1
    return ops[::-1]


def error_rate(ref_tokens: list[str], hyp_tokens: list[str]) -> float:
    ops = _align(ref_tokens, hyp_tokens)
    errors = sum(op != "ok" for op, _, _ in ops)
    return errors / max(1, len(ref_tokens))


def wer(reference: str, hypothesis: str) -> float:
    return error_rate(normalize(reference).split(), normalize(hypothesis).split())


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate ignoring spaces (Korean spacing varies between writers)."""
    return error_rate(list(normalize(reference).replace(" ", "")), list(normalize(hypothesis).replace(" ", "")))


def longest_missing_run(reference: str, hypothesis: str) -> list[str]:
    """The longest run of consecutive reference words that the hypothesis lacks (deleted or
    replaced): a gap left by lost audio shows up here."""
    best: list[str] = []
    run: list[str] = []
    for op, r, _h in _align(normalize(reference).split(), normalize(hypothesis).split()):
        if op in ("del", "sub"):
            run.append(r or "")
            if len(run) > len(best):
                best = list(run)
        elif op == "ok":
            run = []
    return best
