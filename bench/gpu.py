"""GPU against CPU in one run: llama.cpp tokens/s and time to first token of a GGUF, and
faster-whisper's real-time factor, each with the app's own placement code.

``python -m bench.gpu --json [--gguf PATH] [--whisper DIR] [--audio WAV]``: the last stdout
line is one JSON object:

- ``gpus``: what :func:`engines.llm.gpu.detect_gpus` saw; ``llama_gpu_build``: whether
  llama-cpp-python was built with CUDA (``make gpu``);
- ``llm``: for ``cpu`` (n_gpu_layers=0) and ``gpu`` (the planner's n_gpu_layers for this
  model alone on the card), p50/p95 tokens/s (first token excluded) and time to first token
  over ``--runs`` prompts, plus the load time;
- ``stt``: faster-whisper on the CPU (int8) and on CUDA (compute type by capability): the
  real-time factor (decode seconds / audio seconds) p50/p95 over ``--runs`` passes.

A part that cannot run here (no GPU, a CPU-only build) is reported with the reason, not
skipped silently. Defaults: the active 'llm' GGUF and 'stt' model, and the first English
clip of ../shared/data (or a synthesised tone when absent, which only times the encoder).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from bench.stats import percentile

PROMPTS = [
    "Write three interview questions for a backend developer who built a payment service in Python.",
    "지원자가 데이터 분석 경험을 말했습니다. 꼬리 질문 두 개를 만들어 주세요.",
    "Ask a follow-up question about how the candidate handled a production outage.",
    "신입 프론트엔드 개발자에게 협업 경험을 묻는 질문을 세 개 써 주세요.",
]


def _llm_block(path: Path, n_gpu_layers: int, runs: int, max_tokens: int) -> dict:
    from llama_cpp import Llama

    from engines.llm.llama_cpp_model import default_threads

    t0 = time.perf_counter()
    llm = Llama(model_path=str(path), n_ctx=2048, n_gpu_layers=n_gpu_layers, n_threads=default_threads(),
                verbose=False, seed=0)
    load_s = time.perf_counter() - t0
    ttft, tps = [], []
    for k in range(runs + 1):  # the first run warms up and is not counted
        start = time.perf_counter()
        first = None
        n = 0
        for _chunk in llm.create_completion(PROMPTS[k % len(PROMPTS)], max_tokens=max_tokens, temperature=0.3,
                                            stream=True):
            n += 1
            if first is None:
                first = time.perf_counter()
        end = time.perf_counter()
        if k == 0 or first is None:
            continue
        ttft.append(first - start)
        if n > 1:
            tps.append((n - 1) / max(end - first, 1e-9))
    llm.close()
    return {"n_gpu_layers": n_gpu_layers, "load_s": round(load_s, 2), "runs": len(ttft),
            "tokens_per_s_p50": percentile(tps, 0.5, 4), "tokens_per_s_p95": percentile(tps, 0.95, 4),
            "ttft_s_p50": percentile(ttft, 0.5, 4), "ttft_s_p95": percentile(ttft, 0.95, 4)}


def _audio(path: str | None):
    import numpy as np

    if path:
        from faster_whisper.audio import decode_audio

        return decode_audio(path, sampling_rate=16000), path
    shared = Path(__file__).resolve().parents[2] / "shared" / "data"
    for wav in sorted(shared.rglob("*.wav")) if shared.is_dir() else []:
        if "en" in wav.name.lower() or "jfk" in wav.name.lower():
            from faster_whisper.audio import decode_audio

            return decode_audio(str(wav), sampling_rate=16000), str(wav)
    t = np.arange(16000 * 10, dtype=np.float32) / 16000.0
    return (0.05 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), "synthesised 10 s tone"


def _stt_block(folder: Path, device: str, compute_type: str, audio, runs: int) -> dict:
    from faster_whisper import WhisperModel

    from engines.stt.whisper_runtime import FILE_OPTIONS

    t0 = time.perf_counter()
    model = WhisperModel(str(folder), device=device, compute_type=compute_type,
                         cpu_threads=(os.cpu_count() or 1) if device == "cpu" else 0)
    load_s = time.perf_counter() - t0
    seconds = len(audio) / 16000
    rtf = []
    for k in range(runs + 1):
        start = time.perf_counter()
        segments, _ = model.transcribe(audio, language="en", **FILE_OPTIONS)
        list(segments)
        if k:
            rtf.append((time.perf_counter() - start) / seconds)
    return {"device": device, "compute_type": compute_type, "load_s": round(load_s, 2), "audio_s": round(seconds, 1),
            "rtf_p50": percentile(rtf, 0.5, 4), "rtf_p95": percentile(rtf, 0.95, 4), "runs": len(rtf)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gguf", help="GGUF file (default: the active 'llm' model)")
    ap.add_argument("--whisper", help="CTranslate2 whisper folder (default: the active 'stt' model)")
    ap.add_argument("--audio", help="a speech recording for the STT part")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    from core.gpu_plan import plan_offload
    from engines.llm.gpu import detect_gpus, gguf_spec, llama_gpu_build
    from engines.assembly import model_manager

    manager = model_manager()
    scan = detect_gpus()
    out: dict = {"gpus": [g.describe() for g in scan.gpus], "gpu_reason": scan.reason,
                 "llama_gpu_build": llama_gpu_build(), "load_avg": os.getloadavg()}

    gguf = Path(args.gguf) if args.gguf else manager.require("llm")[1]
    out["llm"] = {"model": gguf.name, "cpu": _llm_block(gguf, 0, args.runs, args.max_tokens)}
    if scan.best is None or not out["llama_gpu_build"]:
        out["llm"]["gpu"] = {"skipped": scan.reason or "llama-cpp-python built without GPU offload (make gpu)"}
    else:
        layers = plan_offload([gguf_spec(gguf.stem, gguf, 2048)], scan.best.free_bytes).models[0].n_gpu_layers
        out["llm"]["gpu"] = _llm_block(gguf, layers, args.runs, args.max_tokens)
        cpu, gpu = out["llm"]["cpu"], out["llm"]["gpu"]
        out["llm"]["speedup_tokens_per_s"] = round(gpu["tokens_per_s_p50"] / max(cpu["tokens_per_s_p50"], 1e-9), 1)

    folder = Path(args.whisper) if args.whisper else manager.require("stt")[1]
    audio, source = _audio(args.audio)
    out["stt"] = {"model": folder.name, "audio": source, "cpu": _stt_block(folder, "cpu", "int8", audio, args.runs)}
    import ctranslate2

    from engines.stt.whisper_runtime import cuda_compute_type

    if ctranslate2.get_cuda_device_count() <= 0:
        out["stt"]["gpu"] = {"skipped": "CTranslate2 sees no CUDA device"}
    else:
        ct = cuda_compute_type(scan.best.compute_capability if scan.best else None,
                               set(ctranslate2.get_supported_compute_types("cuda")))
        out["stt"]["gpu"] = _stt_block(folder, "cuda", ct, audio, args.runs)
        out["stt"]["speedup_rtf"] = round(out["stt"]["cpu"]["rtf_p50"] / max(out["stt"]["gpu"]["rtf_p50"], 1e-9), 1)

    if not args.json:
        for key in ("gpus", "llama_gpu_build"):
            print(f"{key}: {out[key]}")
        for part in ("llm", "stt"):
            for where in ("cpu", "gpu"):
                print(f"{part} {where}: {out[part][where]}")
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
