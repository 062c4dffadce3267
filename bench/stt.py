"""Speech-to-text benchmark for the local engine on this machine.

    python -m bench.stt --json [--per-language 6] [--realtime-speed 1.0]

For each real recording of 3-15 s in ../shared/data/speech/{en,ko} (reference transcripts in
transcripts.tsv), two measurements with the same faster-whisper model:

* streaming: the file is played in real time through FileAudioSource into the threaded
  LocalWhisperStream (VAD, rolling window with LocalAgreement, speculative final decode).
  Latency per utterance = wall time its final text arrived - wall time of the utterance's
  last voiced sample (VAD), i.e. the endpointing wait (0.5 s of silence) is included.
* after the end: the whole clip is transcribed once it has ended (the non-streaming way);
  that latency is the decode time alone (add the same endpointing wait to compare like for
  like: reported as ``after_end_with_endpoint_*``).

Also: real-time factor of the after-the-end decode, CPU seconds per audio second of the
streaming engine, WER (English) and CER (Korean) for both. Figures only; no pass/fail.
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BIG20_SHARED_DATA", REPO.parent / "shared" / "data"))


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return round(v[lo] + (v[hi] - v[lo]) * (k - lo), 3)


def clips(per_language: int) -> list[tuple[str, Path, str, float]]:
    out = []
    for lang in ("en", "ko"):
        folder = SHARED / "speech" / lang
        n = 0
        with open(folder / "transcripts.tsv", encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                ref = row.get("reference_transcript") or row.get("reference_transcript_spelled_out") or ""
                dur = float(row["duration_s"])
                if not (3.0 <= dur <= 15.0) or "[S" in ref or "diarization" in row["file"]:
                    continue  # multi-speaker clips are not one answer
                out.append((lang, folder / row["file"], ref, dur))
                n += 1
                if n >= per_language:
                    break
    return out


def stream_clip(model, path: Path, lang: str, speed: float) -> tuple[list[float], str, float, float]:
    """Returns (latencies, final text, cpu seconds, audio seconds)."""
    from engines.capture.audio import FileAudioSource
    from engines.stt.whisper_stream import LocalWhisperStream

    eng = LocalWhisperStream(model, threaded=True)
    src = FileAudioSource(path, speed=speed, tail_silence_s=1.5)
    lat: list[float] = []
    finals: list[str] = []
    done = threading.Event()

    def on_segment(seg) -> None:  # worker thread
        if not seg.is_final:
            return
        now = time.monotonic()
        voiced_wall = src.started_at + eng.last_final_voiced_s / speed
        lat.append(now - voiced_wall)
        finals.append(seg.text)

    eng.start(lang, on_segment)
    cpu0 = time.process_time()
    src.start(lambda block, _t: eng.feed(block))
    src.done.wait()
    eng.finish()
    done.set()
    cpu = time.process_time() - cpu0
    return lat, " ".join(finals), cpu, src.duration


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the JSON summary as the last line")
    ap.add_argument("--per-language", type=int, default=6)
    ap.add_argument("--realtime-speed", type=float, default=1.0)
    args = ap.parse_args(argv)

    from engines.capture.audio import load_audio
    from engines.stt.accuracy import cer, wer
    from engines.stt.whisper_stream import decode_words, load_whisper_model

    if not SHARED.is_dir():
        print(f"shared speech data not found at {SHARED}", file=sys.stderr)
        return 2
    from engines.assembly import model_manager

    _, stt_dir = model_manager().require("stt")
    model = load_whisper_model(stt_dir)  # the live engine's model: short-window encoding
    # The baseline is faster-whisper as usually run after the end: every window padded to 30 s.
    baseline = load_whisper_model(stt_dir, short_windows=False)
    for m in (model, baseline):  # warm-up
        decode_words(m, load_audio(SHARED / "speech/en/jfk.wav")[:16000 * 2], "en", 0.0)
    stream_lat, after_lat, rtf_num, rtf_den, cpu_num = [], [], 0.0, 0.0, 0.0
    scores: dict[str, dict[str, list[float]]] = {"en": {"stream": [], "after": []}, "ko": {"stream": [], "after": []}}
    load_before = os.getloadavg()
    for lang, path, ref, dur in clips(args.per_language):
        lat, text, cpu, audio_s = stream_clip(model, path, lang, args.realtime_speed)
        audio = load_audio(path)
        t0 = time.monotonic()
        words = decode_words(baseline, audio, lang, 0.0)
        after = time.monotonic() - t0
        after_text = " ".join(w.text for w in words)
        metric = wer if lang == "en" else cer
        s_err, a_err = metric(ref, text), metric(ref, after_text)
        scores[lang]["stream"].append(s_err)
        scores[lang]["after"].append(a_err)
        stream_lat += lat
        after_lat.append(after)
        rtf_num += after
        rtf_den += len(audio) / 16000
        cpu_num += cpu
        print(f"{lang} {path.name:28s} {dur:5.1f}s  final-after-speech {', '.join(f'{x:.2f}' for x in lat)} s"
              f"  after-the-end {after:.2f} s  {'WER' if lang == 'en' else 'CER'} stream {s_err:.3f} after {a_err:.3f}"
              f"  | {text}")
    end_wait = 0.5
    summary = {
        "engine": "faster-whisper base int8 (local, streaming)",
        "utterances": len(stream_lat),
        "clips": len(after_lat),
        "final_latency_p50_s": pct(stream_lat, 0.5),
        "final_latency_p95_s": pct(stream_lat, 0.95),
        "final_latency_max_s": pct(stream_lat, 1.0),
        "after_end_transcribe_p50_s": pct(after_lat, 0.5),
        "after_end_transcribe_p95_s": pct(after_lat, 0.95),
        "after_end_with_endpoint_final_p50_s": pct([x + end_wait for x in after_lat], 0.5),
        "after_end_with_endpoint_final_p95_s": pct([x + end_wait for x in after_lat], 0.95),
        "endpoint_silence_s": end_wait,
        "after_end_decoding": "same weights, faster-whisper default (windows padded to 30 s)",
        "budget_final_p95_s": 1.0,
        "rtf_after_end": round(rtf_num / rtf_den, 3) if rtf_den else None,
        "streaming_cpu_s_per_audio_s": round(cpu_num / rtf_den, 3) if rtf_den else None,
        "wer_en_stream": round(statistics.mean(scores["en"]["stream"]), 3) if scores["en"]["stream"] else None,
        "wer_en_after_end": round(statistics.mean(scores["en"]["after"]), 3) if scores["en"]["after"] else None,
        "cer_ko_stream": round(statistics.mean(scores["ko"]["stream"]), 3) if scores["ko"]["stream"] else None,
        "cer_ko_after_end": round(statistics.mean(scores["ko"]["after"]), 3) if scores["ko"]["after"] else None,
        "cpu_count": os.cpu_count(),
        "loadavg_1m_before": round(load_before[0], 2),
        "loadavg_1m_after": round(os.getloadavg()[0], 2),
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        for k, v in summary.items():
            print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
