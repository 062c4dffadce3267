"""Tokens/s and time to first token of the active GGUF on a planning prompt.

``python -m bench.llm --json``: last stdout line is one JSON object with two blocks:

- ``free``: unconstrained streamed generation (what the chat/follow-up path does);
- ``json_schema``: generation constrained by the planner's JSON schema (``PLAN_SCHEMA``,
  a llama.cpp grammar), streamed the same way.

Tokens are counted by llama.cpp (``usage.completion_tokens`` of a final non-streamed call
would re-run the prompt, so the stream's chunks are counted: one chunk per token for
llama-cpp-python's completion stream). tokens/s excludes the first token (its time is the
TTFT, which includes prompt evaluation). Each run uses a different planning prompt (position,
skills, company), so the TTFT is not a KV-cache hit on an identical prompt; the first run of
each block (model warm-up) is reported separately (``ttft_cold_s``). ``load_avg`` and ``threads`` say how busy the
machine was and how many llama.cpp threads ran: figures from a shared machine are only
comparable with the same load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time


def _pct(v: list[float], q: float) -> float:
    v = sorted(v)
    return round(v[min(len(v) - 1, int(q * (len(v) - 1) + 0.5))], 3)


def _run(model, prompts: list, runs: int, max_tokens: int, grammar) -> dict:
    ttft: list[float] = []
    tps: list[float] = []
    tokens: list[int] = []
    cold = None
    for k in range(runs + 1):
        msgs = prompts[k % len(prompts)]
        prompt = model.plain_prompt(msgs) if not model.has_template else None
        start = time.perf_counter()
        first = None
        n = 0
        with model._lock:  # the bench drives the same Llama the app uses
            if prompt is not None:
                it = model.llama.create_completion(prompt, max_tokens=max_tokens, temperature=0.3,
                                                   grammar=grammar, stream=True, seed=k)
            else:
                it = model.llama.create_chat_completion(
                    messages=[{"role": m.role, "content": m.content} for m in msgs],
                    max_tokens=max_tokens, temperature=0.3, stream=True, seed=k,
                    **({"response_format": {"type": "json_object", "schema": grammar}} if grammar else {}))
            for _ in it:
                n += 1
                if first is None:
                    first = time.perf_counter() - start
        total = time.perf_counter() - start
        if k == 0:
            cold = round(first or total, 3)
            continue
        ttft.append(first or total)
        gen = total - (first or 0)
        tps.append((n - 1) / gen if n > 1 and gen > 0 else 0.0)
        tokens.append(n)
    return {"runs": runs, "ttft_cold_s": cold, "ttft_s_p50": _pct(ttft, .5), "ttft_s_p95": _pct(ttft, .95),
            "tokens_per_s_p50": _pct(tps, .5), "tokens_per_s_p95": _pct(tps, .95),
            "tokens_per_s_mean": round(statistics.mean(tps), 2), "tokens_mean": round(statistics.mean(tokens), 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--max-tokens", type=int, default=64)
    ap.add_argument("--threads", type=int, default=None, help="llama.cpp threads (default: the app's)")
    args = ap.parse_args()
    from core.bank import get_company
    from core.interview.planner import PLAN_SCHEMA, PlanContext, build_plan_messages
    from engines.assembly import language_model_file, llm_threads
    from engines.models.manager import ModelManager

    entry, path = ModelManager().require("llm")
    threads = args.threads or llm_threads()
    t0 = time.perf_counter()
    model = language_model_file(path, model_id=entry.id, n_ctx=2048, n_threads=threads)
    load_s = time.perf_counter() - t0
    # a different planning prompt each run (position, skills, company), so the TTFT includes
    # evaluating the prompt's new part instead of a KV-cache hit on an identical prompt
    setups = [("백엔드 개발자", ["Kafka", "Redis"], "KAKAO"), ("Frontend Engineer", ["React", "TypeScript"], "NAVER"),
              ("Data Scientist", ["Python", "SQL"], "COUPANG"), ("iOS 개발자", ["Swift"], "TOSS"),
              ("DevOps Engineer", ["Kubernetes", "Terraform"], "LINE"), ("프로덕트 매니저", ["SQL"], "BAEMIN")]
    from core.bank import load_companies

    known = {c.id for c in load_companies()}
    prompts = [build_plan_messages(PlanContext("ko" if any("가" <= ch <= "힣" for ch in pos) else "en", pos,
                                               {"skills": skills}, get_company(cid if cid in known else "KAKAO")), 5)
               for pos, skills, cid in setups]
    prompt_tokens = [len(model.llama.tokenize(model.plain_prompt(m).encode("utf-8"))) for m in prompts]
    load_before = os.getloadavg()[0]
    free = _run(model, prompts, args.runs, args.max_tokens, None)
    if model.has_template:
        constrained = _run(model, prompts, args.runs, args.max_tokens, PLAN_SCHEMA)
    else:
        from llama_cpp import LlamaGrammar

        grammar = LlamaGrammar.from_json_schema(json.dumps(PLAN_SCHEMA), verbose=False)
        constrained = _run(model, prompts, args.runs, args.max_tokens, grammar)
    res = {"model": entry.id, "threads": threads, "cores": len(os.sched_getaffinity(0)),
           "load_avg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
           "load_s": round(load_s, 2), "prompt_tokens": prompt_tokens, "max_tokens": args.max_tokens,
           "free": free, "json_schema": constrained}
    print(json.dumps(res))


if __name__ == "__main__":
    main()
