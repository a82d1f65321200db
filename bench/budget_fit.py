"""How long does the optimal budget fit take on a big round?

    .venv/bin/python bench/budget_fit.py            # best of 5, plus 20 other rounds for the spread
    .venv/bin/python bench/budget_fit.py --quick    # best of 2, plus 5 other rounds

A round of 2,000 applications (seeded, so every run builds the same ones):
  cost     £5,000 to £250,000 in whole pounds (in pence)
  score    the weighted mean of 4-5 scorers' whole-number scores (0-4) on 8 criteria, as
           results() would give it (so many applications share a score)
  partial  one in six also declares a partial amount: 50-80% of the cost, for that share of
           the score (rounded to thousandths)
  budget   £20m to £40m
Entries are in ranking order (highest score first; an application's partial amount right after
its full amount). `scoring.fit_budget(items, budget, "optimal")` is timed.

The last line is `RESULT budget_fit_optimal value=<s> baseline=1.0 ratio=<value/1.0>`: the goal
is one second, so a ratio at or under 1 meets it.
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _timing import timed  # noqa: E402  (bench/_timing.py, beside this script)
from scoring import fit_budget  # noqa: E402
from scoring.budget import fit_budget_positions, score_units  # noqa: E402

APPLICATIONS = 2_000
WEIGHTS = (3, 3, 2, 2, 2, 1, 1, 1)


def make_round(seed: int, applications: int = APPLICATIONS):
    """(items in ranking order, budget in pence)."""
    rng = random.Random(seed)
    projects = []
    for number in range(1, applications + 1):
        quality = rng.gauss(2.4, 0.6)
        scorers = rng.choice((4, 5))
        means = []
        for _ in WEIGHTS:
            given = [min(4, max(0, round(rng.gauss(quality, 0.8)))) for _ in range(scorers)]
            means.append(sum(given) / scorers)
        score = sum(w * m for w, m in zip(WEIGHTS, means)) / sum(WEIGHTS)
        cost = rng.randint(5_000, 250_000) * 100
        entries = [(number, cost, round(score, 6))]
        if rng.random() < 1 / 6:
            share = rng.uniform(0.5, 0.8)
            entries.append((number, round(cost * share / 100) * 100, round(score * share, 3)))
        projects.append((score, number, entries))
    projects.sort(key=lambda project: (-project[0], project[1]))
    items = [entry for _, _, entries in projects for entry in entries]
    budget = rng.randint(20_000_000, 40_000_000) * 100
    return items, budget


def describe(items, budget, positions) -> str:
    cost = sum(items[p][1] for p in positions)
    score = sum(score_units(items[p][2]) for p in positions) / 1000
    return f"{len(positions)} funded, £{cost / 100:,.0f} of £{budget / 100:,.0f}, total score {score:,.3f}"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and fewer other rounds")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    repeat, others = (2, 5) if args.quick else (5, 20)

    items, budget = make_round(args.seed)
    print(f"round: {len(items):,} entries ({len({i[0] for i in items}):,} applications), "
          f"budget £{budget / 100:,.0f}")
    greedy_time, greedy = timed(lambda: fit_budget_positions(items, budget, "greedy"), repeat)
    optimal_time, optimal = timed(lambda: fit_budget_positions(items, budget, "optimal"), repeat)
    assert fit_budget(items, budget, "optimal") == [items[p][0] for p in optimal]
    print(f"greedy   {greedy_time * 1000:8.1f} ms  {describe(items, budget, greedy)}")
    print(f"optimal  {optimal_time * 1000:8.1f} ms  {describe(items, budget, optimal)}")

    spread = []
    for seed in range(args.seed + 1, args.seed + 1 + others):
        other_items, other_budget = make_round(seed)
        seconds, _ = timed(lambda: fit_budget_positions(other_items, other_budget, "optimal"), 1)
        spread.append(seconds)
    spread.sort()
    print(f"{others} other rounds, optimal once each: median {spread[len(spread) // 2] * 1000:.1f} ms, "
          f"slowest {spread[-1] * 1000:.1f} ms")
    print(f"RESULT budget_fit_optimal value={optimal_time:.4f} baseline=1.0 ratio={optimal_time / 1.0:.4f}")


if __name__ == "__main__":
    main()
