"""Tokens/s and time to first token of the active GGUF on a planning prompt.

``python -m bench.llm --json``: last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--max-tokens", type=int, default=64)
    args = ap.parse_args()
    from core.bank import get_company
    from core.interview.planner import PlanContext, build_plan_messages
    from engines.llm.llama_cpp_model import LlamaCppModel
    from engines.models.manager import ModelManager

    entry, path = ModelManager().require("llm")
    t0 = time.perf_counter()
    model = LlamaCppModel(path, model_id=entry.id, n_ctx=2048)
    load_s = time.perf_counter() - t0
    msgs = build_plan_messages(PlanContext("ko", "백엔드 개발자", {"skills": ["Kafka", "Redis"]},
                                           get_company("KAKAO")), 5)
    ttft, tps = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        first = None
        n = 0
        for _piece in model.stream(msgs, max_tokens=args.max_tokens, temperature=0.3):
            n += 1
            if first is None:
                first = time.perf_counter() - start
        total = time.perf_counter() - start
        ttft.append(first or total)
        gen = total - (first or 0)
        tps.append((n - 1) / gen if n > 1 and gen > 0 else 0.0)

    def pct(v, q):
        v = sorted(v)
        return round(v[min(len(v) - 1, int(q * (len(v) - 1) + 0.5))], 3)

    res = {"model": entry.id, "load_s": round(load_s, 2), "runs": args.runs, "max_tokens": args.max_tokens,
           "ttft_s_p50": pct(ttft, .5), "ttft_s_p95": pct(ttft, .95),
           "tokens_per_s_p50": pct(tps, .5), "tokens_per_s_p95": pct(tps, .95),
           "tokens_per_s_mean": round(statistics.mean(tps), 2)}
    print(json.dumps(res))


if __name__ == "__main__":
    main()
