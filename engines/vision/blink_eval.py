"""Blink detection scored against annotated clips (``video/blink_annotations.csv`` in the
shared test media): one definition for the tests and ``bench/vision.py``.

A detection overlapping an annotated closure (within ``slack`` frames) is a hit; one that
overlaps only a ``partial_or_uncertain`` range counts neither way; any other is a false
positive. Frames are stamped ``index / fps`` as the annotations are. Blocking, CPU-heavy.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from core.protocols import Frame

if TYPE_CHECKING:
    from engines.vision.tracker import HaarEyeTracker


@dataclass
class BlinkScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    per_clip: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # annotated, hit, false

    @property
    def precision(self) -> float:
        return self.tp / max(1, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return self.tp / max(1, self.tp + self.fn)


def parse_ranges(text: str | None) -> list[tuple[int, int]]:
    """``"12-15; 40-43 (half)"`` -> ``[(12, 15), (40, 43)]``; a lone number is a one-frame range."""
    out = []
    for part in (text or "").split(";"):
        tok = part.strip().split()[0] if part.strip() else ""
        if "-" in tok:
            a, b = tok.split("-")
            out.append((int(a), int(b)))
        elif tok.isdigit():
            out.append((int(tok), int(tok)))
    return out


def score_blinks(data_dir: Path, make_tracker: Callable[[], HaarEyeTracker], slack: int = 2) -> BlinkScore:
    import cv2


    score = BlinkScore()
    with open(data_dir / "video" / "blink_annotations.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))

    def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
        return a[0] <= b[1] + slack and b[0] <= a[1] + slack

    for r in rows:
        tracker = make_tracker()
        cap = cv2.VideoCapture(str(data_dir / "video" / r["file"]))
        fps = float(r["fps"])
        i = 0
        try:
            while True:
                ok, img = cap.read()
                if not ok:
                    break
                tracker.process(Frame(img, i / fps, i))
                i += 1
        finally:
            cap.release()
        det = [(b.start_index, b.end_index) for b in tracker.blinks.blinks]
        gt = parse_ranges(r["blink_closure_frames_0based"])
        unc = parse_ranges(r["partial_or_uncertain"])
        hit = sum(any(overlaps(d, g) for d in det) for g in gt)
        false = sum(not any(overlaps(d, g) for g in gt) and not any(overlaps(d, u) for u in unc)
                    for d in det)
        score.tp, score.fn, score.fp = score.tp + hit, score.fn + len(gt) - hit, score.fp + false
        score.per_clip[r["file"]] = (len(gt), hit, false)
    return score
