"""Aggregation of gaze and emotion samples into per-answer metrics and the report's
``emotions`` section. Pure (no OpenCV): takes the samples the vision workers produced.

Quality gates: a metric computed from too little face is withheld. Below
``MIN_FACE_VISIBLE_PCT`` the confidence/nervousness values are None with ``reliable`` False
and a ``reason`` in the user's language; they are never shown as numbers. Emotion is
reported as an observation of the expression, never a verdict on the person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from core.i18n import tr
from core.protocols import EMOTIONS, EmotionSample, GazeSample

MIN_FACE_VISIBLE_PCT = 60.0
MIN_LOOK_AWAY_S = 1.0  # shorter glances are not "looking away" events
NORMAL_BLINKS_PER_MIN = 20.0
_POSITIVE = ("happy", "neutral")
_TENSE = ("fear", "sad", "angry", "surprise")


@dataclass
class LookAway:
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class AnswerVisionMetrics:
    start: float
    end: float
    frames: int
    face_visible_pct: float
    eyes_found_pct: float
    eye_contact_pct: float | None  # of frames with a gaze estimate
    look_away_events: list[LookAway] = field(default_factory=list)
    blinks: int = 0
    blinks_per_min: float | None = None
    emotion_samples: int = 0
    emotion_mean: dict[str, float] = field(default_factory=dict)
    dominant_emotion: str | None = None

    @property
    def reliable(self) -> bool:
        return self.frames > 0 and self.face_visible_pct >= MIN_FACE_VISIBLE_PCT

    def as_json(self) -> dict[str, object]:
        return {
            "start": self.start, "end": self.end, "frames": self.frames,
            "face_visible_pct": round(self.face_visible_pct, 1),
            "eyes_found_pct": round(self.eyes_found_pct, 1),
            "eye_contact_pct": None if self.eye_contact_pct is None or not self.reliable
            else round(self.eye_contact_pct, 1),
            "look_away_events": [{"start": e.start, "end": e.end, "duration": round(e.duration, 2)}
                                 for e in self.look_away_events],
            "blinks": self.blinks,
            "blinks_per_min": None if self.blinks_per_min is None or not self.reliable
            else round(self.blinks_per_min, 1),
            "emotion_samples": self.emotion_samples,
            "emotion_mean": {k: round(v, 4) for k, v in self.emotion_mean.items()},
            "dominant_emotion": self.dominant_emotion,
            "reliable": self.reliable,
        }


def _look_aways(gaze: Sequence[GazeSample], end: float) -> list[LookAway]:
    events: list[LookAway] = []
    since: float | None = None
    for s in gaze:
        away = s.face_found and s.on_target is False
        if away and since is None:
            since = s.t
        elif not away and since is not None and s.on_target is not None:
            if s.t - since >= MIN_LOOK_AWAY_S:
                events.append(LookAway(since, s.t))
            since = None
    if since is not None and end - since >= MIN_LOOK_AWAY_S:
        events.append(LookAway(since, end))
    return events


def answer_metrics(gaze: Iterable[GazeSample], emotions: Iterable[EmotionSample],
                   start: float, end: float) -> AnswerVisionMetrics:
    """Metrics of the samples stamped within ``[start, end)`` on the session clock."""
    g = sorted((s for s in gaze if start <= s.t < end), key=lambda s: s.t)
    e = [s for s in emotions if start <= s.t < end and s.face_found and s.scores]
    n = len(g)
    face = sum(s.face_found for s in g)
    eyes = sum(s.face_found and s.eyes_found >= 2 for s in g)
    judged = [s for s in g if s.on_target is not None]
    contact = (100.0 * sum(bool(s.on_target) for s in judged) / len(judged)) if judged else None
    blinks = sum(s.blink for s in g)
    minutes = (end - start) / 60.0
    mean = {k: sum(s.scores.get(k, 0.0) for s in e) / len(e) for k in EMOTIONS} if e else {}
    return AnswerVisionMetrics(
        start=start, end=end, frames=n,
        face_visible_pct=100.0 * face / n if n else 0.0,
        eyes_found_pct=100.0 * eyes / n if n else 0.0,
        eye_contact_pct=contact, look_away_events=_look_aways(g, end), blinks=blinks,
        blinks_per_min=blinks / minutes if minutes > 0 and face else None,
        emotion_samples=len(e), emotion_mean=mean,
        dominant_emotion=max(mean, key=lambda k: mean[k]) if mean else None)



def emotion_summary(answers: Sequence[AnswerVisionMetrics]) -> dict[str, object]:
    """Session-level figures for ``interviews.emotion_summary`` (JSON-safe dict)."""
    frames = sum(a.frames for a in answers)
    dur = sum(a.end - a.start for a in answers)
    face_pct = sum(a.face_visible_pct * a.frames for a in answers) / frames if frames else 0.0
    eyes_pct = sum(a.eyes_found_pct * a.frames for a in answers) / frames if frames else 0.0
    contact = [(a.eye_contact_pct, a.end - a.start) for a in answers if a.eye_contact_pct is not None]
    cdur = sum(d for _, d in contact)
    n_emo = sum(a.emotion_samples for a in answers)
    mean = {k: sum(a.emotion_mean.get(k, 0.0) * a.emotion_samples for a in answers) / n_emo
            for k in EMOTIONS} if n_emo else {}
    blinks = sum(a.blinks for a in answers)
    away = [ev for a in answers for ev in a.look_away_events]
    return {
        "duration_s": round(dur, 2), "frames": frames,
        "face_visible_pct": round(face_pct, 1), "eyes_found_pct": round(eyes_pct, 1),
        "eye_contact_pct": round(sum(c * d for c, d in contact) / cdur, 1) if cdur else None,
        "blinks": blinks, "blinks_per_min": round(blinks / (dur / 60), 1) if dur > 0 else None,
        "look_away_count": len(away), "look_away_s": round(sum(ev.duration for ev in away), 2),
        "emotion_samples": n_emo, "emotion_mean": {k: round(v, 4) for k, v in mean.items()},
        "dominant_emotion": max(mean, key=lambda k: mean[k]) if mean else None,
    }


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None


def emotions_section(summary: Mapping[str, object], lang: str = "en",
                     min_face_visible_pct: float = MIN_FACE_VISIBLE_PCT) -> dict[str, object]:
    """The report's ``emotions`` section from :func:`emotion_summary`'s dict.

    confidence = 100 * (0.4 * eye contact + 0.3 * (happy + neutral) + 0.3 * (1 - fear - sad))
    nervousness = 100 * (0.4 * (fear + sad + angry + surprise)
                         + 0.3 * min(1, max(0, blinks/min - 20) / 20) + 0.3 * (1 - eye contact))
    with eye contact and emotion shares in [0, 1]. When gaze was not judged, its terms drop
    out and the remaining weights are rescaled to sum to 1. ``method`` states this in words.
    """
    face = _number(summary.get("face_visible_pct")) or 0.0
    base = {"face_visible_pct": summary.get("face_visible_pct"),
            "eyes_found_pct": summary.get("eyes_found_pct"),
            "eye_contact_pct": summary.get("eye_contact_pct"),
            "blinks_per_min": summary.get("blinks_per_min"),
            "dominant_emotion": summary.get("dominant_emotion"),
            "emotion_mean": summary.get("emotion_mean") or {},
            "method": tr("vision.emotions.method", lang)}
    shares = summary.get("emotion_mean")
    mean = {k: float(v) for k, v in shares.items() if isinstance(v, (int, float))} if isinstance(shares, dict) else {}
    reason = None
    if face < min_face_visible_pct:
        reason = tr("vision.emotions.low_face_visibility", lang, pct=round(face),
                    min=round(min_face_visible_pct))
    elif not mean:
        reason = tr("vision.emotions.no_samples", lang)
    if reason is not None:
        return {"confidence": None, "nervousness": None, "reliable": False, "reason": reason,
                **base, "eye_contact_pct": None, "blinks_per_min": None}
    contact = _number(summary.get("eye_contact_pct"))
    pos = sum(mean.get(k, 0.0) for k in _POSITIVE)
    neg = mean.get("fear", 0.0) + mean.get("sad", 0.0)
    tense = sum(mean.get(k, 0.0) for k in _TENSE)
    bpm = _number(summary.get("blinks_per_min"))
    blink_excess = min(1.0, max(0.0, (bpm or 0.0) - NORMAL_BLINKS_PER_MIN) / NORMAL_BLINKS_PER_MIN)
    # Weighted means over the terms that were measured: gaze that was not judged (no
    # calibration) drops out and the other weights are rescaled, rather than being guessed.
    conf_terms = [(0.3, pos), (0.3, 1.0 - neg)]
    nerv_terms = [(0.4, tense), (0.3, blink_excess)]
    if contact is not None:
        c = contact / 100.0
        conf_terms.append((0.4, c))
        nerv_terms.append((0.3, 1.0 - c))
    confidence = 100.0 * sum(w * v for w, v in conf_terms) / sum(w for w, _ in conf_terms)
    nervous = 100.0 * sum(w * v for w, v in nerv_terms) / sum(w for w, _ in nerv_terms)
    clamp = lambda v: round(max(0.0, min(100.0, v)), 1)  # noqa: E731
    return {"confidence": clamp(confidence), "nervousness": clamp(nervous), "reliable": True,
            "reason": None, **base}
