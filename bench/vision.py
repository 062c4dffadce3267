"""Vision benchmark: eye-tracking latency per 640x480 frame on one core, beside a naive
full-frame Haar face + eyes detector on the same frames; eyes-found rates; time per emotion
sample (FER, and DeepFace with architecture-only weights); CPU share of the whole vision
pipeline fed at 30 fps.

    python -m bench.vision --json

Reads talking-face clips from ../shared/data/video (not copied). Prints figures, then one
JSON object as the last line. Figures, not pass/fail.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("BIG20_SHARED_DATA", REPO.parent / "shared" / "data"))
CLIPS = ["sadtalker/WDA_KatieHill_000.mp4", "grid/bbaf2n.mpg", "liveportrait/d18.mp4",
         "grid/lbax4n.mpg", "liveportrait/d12.mp4"]


def load_frames(max_per_clip: int = 150) -> list[list[np.ndarray]]:
    """Clips resized (letterboxed) to 640x480, as a webcam would deliver them."""
    import cv2

    clips = []
    for rel in CLIPS:
        cap = cv2.VideoCapture(str(DATA / "video" / rel))
        frames = []
        while len(frames) < max_per_clip:
            ok, img = cap.read()
            if not ok:
                break
            h, w = img.shape[:2]
            s = min(640 / w, 480 / h)
            small = cv2.resize(img, (int(w * s), int(h * s)))
            canvas = np.zeros((480, 640, 3), np.uint8)
            y0, x0 = (480 - small.shape[0]) // 2, (640 - small.shape[1]) // 2
            canvas[y0:y0 + small.shape[0], x0:x0 + small.shape[1]] = small
            frames.append(canvas)
        cap.release()
        clips.append(frames)
    return clips


def blink_scores(manager) -> tuple[float, float, dict[str, tuple[int, int, int]]]:
    """Blink precision/recall over the annotated clips at their own size (engines.vision.blink_eval)."""
    from engines.vision.blink_eval import score_blinks
    from engines.vision.tracker import HaarEyeTracker

    score = score_blinks(DATA, lambda: HaarEyeTracker(manager))
    return round(score.precision, 3), round(score.recall, 3), score.per_clip


def pct(xs: list[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(xs) * 1000.0, q)), 2)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--cpu-seconds", type=float, default=8.0)
    args = ap.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import cv2

    cpu = sorted(os.sched_getaffinity(0))[0]
    os.sched_setaffinity(0, {cpu})
    cv2.setNumThreads(1)
    sys.path.insert(0, str(REPO))
    from core.protocols import Frame
    from core.vision.summary import answer_metrics
    from engines.models.manager import ModelManager
    from engines.vision.haar import EYE_FILE, FACE_FILE, cascade_paths
    from engines.vision.tracker import HaarEyeTracker

    manager = ModelManager()
    clips = load_frames()
    n_frames = sum(len(c) for c in clips)

    # -- tracker
    lat, found, eyes = [], 0, 0
    for clip in clips:
        tr = HaarEyeTracker(manager)
        for i, img in enumerate(clip):
            t0 = time.perf_counter()
            s = tr.process(Frame(img, i / 30, i))
            lat.append(time.perf_counter() - t0)
            found += s.face_found
            eyes += s.face_found and s.eyes_found >= 2
    # -- naive full-frame Haar on the same frames
    paths = cascade_paths(manager)
    face_c = cv2.CascadeClassifier(str(paths[FACE_FILE]))
    eye_c = cv2.CascadeClassifier(str(paths[EYE_FILE]))
    nlat, nfound, neyes = [], 0, 0
    for clip in clips:
        for img in clip:
            t0 = time.perf_counter()
            g = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
            faces = face_c.detectMultiScale(g, 1.1, 5, minSize=(60, 60))
            ne = 0
            if len(faces):
                x, y, w, h = max(faces, key=lambda f: f[2] * f[3])
                ne = len(eye_c.detectMultiScale(g[y:y + h // 2 + h // 8, x:x + w], 1.1, 5))
            nlat.append(time.perf_counter() - t0)
            nfound += len(faces) > 0
            neyes += ne >= 2
    print(f"frames: {n_frames} (640x480, {len(clips)} clips), one core (cpu {cpu})")
    print(f"eye tracker      p50 {pct(lat, 50)} ms  p95 {pct(lat, 95)} ms  face {found / n_frames:.1%}  both eyes {eyes / n_frames:.1%}")
    print(f"naive full Haar  p50 {pct(nlat, 50)} ms  p95 {pct(nlat, 95)} ms  face {nfound / n_frames:.1%}  both eyes {neyes / n_frames:.1%}")

    # -- blinks against the annotations (same scoring as the test; ~2,400 frames)
    bp, br, btab = blink_scores(manager)
    print(f"blinks vs blink_annotations.csv: precision {bp:.2f} recall {br:.2f}")
    for clip, (gt, hit, false) in btab.items():
        print(f"  {clip:45s} annotated {gt} hit {hit} false {false}")

    # -- emotion
    from engines.emotion.deepface_backend import DeepFaceEmotionAnalyzer, write_architecture_weights
    from engines.emotion.fer_backend import FerEmotionAnalyzer

    fer = FerEmotionAnalyzer(manager)
    sample_frames = [c[j] for c in clips for j in range(0, len(c), 15)]
    fer.analyze(Frame(sample_frames[0], 0, 0))  # trace once
    flat = []
    for i, img in enumerate(sample_frames):
        t0 = time.perf_counter()
        fer.analyze(Frame(img, i, i))
        flat.append(time.perf_counter() - t0)
    face_only = []
    crop = cv2.resize(sample_frames[0][100:380, 180:460], (64, 64))
    for _ in range(50):
        t0 = time.perf_counter()
        fer.scores_for_face(crop)
        face_only.append(time.perf_counter() - t0)
    with tempfile.TemporaryDirectory() as home:
        write_architecture_weights(Path(home))
        t0 = time.perf_counter()
        dfa = DeepFaceEmotionAnalyzer(home=Path(home))
        df_load = time.perf_counter() - t0
        dfa.analyze(Frame(sample_frames[0], 0, 0))
        dlat = []
        for i, img in enumerate(sample_frames):
            t0 = time.perf_counter()
            dfa.analyze(Frame(img, i, i))
            dlat.append(time.perf_counter() - t0)
    print(f"emotion FER      per sample (detect + classify) p50 {pct(flat, 50)} ms p95 {pct(flat, 95)} ms; classify only p50 {pct(face_only, 50)} ms")
    print(f"emotion DeepFace per sample (analyze, opencv detector; architecture-only weights) p50 {pct(dlat, 50)} ms p95 {pct(dlat, 95)} ms; load {df_load:.1f} s")

    # -- CPU share at 30 fps: gaze every frame, FER emotion every 2 s of session time
    from engines.vision.pipeline import VisionPipeline

    pipe = VisionPipeline(HaarEyeTracker(manager), fer, emotion_interval_s=2.0)
    seq = [f for c in clips for f in c]
    period = 1 / 30
    start = time.monotonic()
    c0 = time.process_time()
    i = 0
    gaze = []
    while time.monotonic() - start < args.cpu_seconds:
        due = start + i * period
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)  # pacing like a 30 fps camera
        r = pipe.process(Frame(seq[i % len(seq)], i * period, i))
        gaze.append(r.gaze)
        i += 1
    wall = time.monotonic() - start
    cpu_share = (time.process_time() - c0) / wall
    m = answer_metrics(gaze, [], 0.0, i * period)
    print(f"pipeline at 30 fps for {wall:.1f} s: {i} frames, process CPU {cpu_share:.1%} of one core"
          f" (face visible {m.face_visible_pct:.0f}%)")

    out = {
        "frames": n_frames, "frame_size": "640x480", "cores": 1,
        "eye_tracking_p50_ms": pct(lat, 50), "eye_tracking_p95_ms": pct(lat, 95),
        "eye_tracking_face_found_rate": round(found / n_frames, 3),
        "eye_tracking_eyes_found_rate": round(eyes / n_frames, 3),
        "naive_haar_p50_ms": pct(nlat, 50), "naive_haar_p95_ms": pct(nlat, 95),
        "naive_haar_face_found_rate": round(nfound / n_frames, 3),
        "naive_haar_eyes_found_rate": round(neyes / n_frames, 3),
        "emotion_fer_sample_p50_ms": pct(flat, 50), "emotion_fer_sample_p95_ms": pct(flat, 95),
        "emotion_fer_classify_p50_ms": pct(face_only, 50),
        "emotion_deepface_sample_p50_ms": pct(dlat, 50), "emotion_deepface_sample_p95_ms": pct(dlat, 95),
        "emotion_deepface_weights": "architecture-only (untrained)",
        "pipeline_cpu_share_30fps": round(cpu_share, 3), "pipeline_frames": i,
        "blink_precision": bp, "blink_recall": br,
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
