"""Summary figures the benchmarks print: nearest-rank percentiles (no interpolation, so every
figure is one that was measured). Pure; any thread."""

from __future__ import annotations

from typing import Sequence


def percentile(values: Sequence[float], q: float, digits: int | None = None) -> float | None:
    """The ``q`` quantile (0..1) of ``values`` by nearest rank, rounded to ``digits`` when given;
    None for no values (JSON has no NaN)."""
    if not values:
        return None
    v = sorted(values)
    x = v[min(len(v) - 1, int(round(q * (len(v) - 1))))]
    return round(x, digits) if digits is not None else x
