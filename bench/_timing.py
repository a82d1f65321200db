"""Shared by the benchmarks: the best of several timed runs."""
from __future__ import annotations

import time


def timed(function, repeat: int) -> tuple[float, object]:
    """Run `function` `repeat` times; return the fastest time in seconds and its answer."""
    best, answer = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        answer = function()
        best = min(best, time.perf_counter() - started)
    return best, answer
