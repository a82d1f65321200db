"""How long does `scoring.results()` take on a very big round, against a bare loop over the same scores?

    .venv/bin/python bench/results_maths.py            # best of 3
    .venv/bin/python bench/results_maths.py --quick    # best of 1

The round is built in memory (seeded): 20,000 applications, each scored by 4 or 5 of 150 scorers
on 8 weighted criteria, whole-number scores 0-4: about 800,000 Score objects. Timings:

  value     results(scores, criteria, rules) with the default rules plus a minimum and a
            tie-break on two criteria: exact totals, ranking, ties, draw, moderation flags
  baseline  one plain Python loop over the same Score objects summing and counting per
            application, then dividing: the least any per-application mean can cost

The adjusted combination (generosity_adjusted), moderation_flags() and agreement() are timed
too and printed, but not in the RESULT line:
`RESULT results_maths value=<s> baseline=<s> ratio=<value/baseline>`.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _timing import timed  # noqa: E402  (bench/_timing.py, beside this script)
from scoring import CriterionSpec, Rules, Score, agreement, moderation_flags, results  # noqa: E402

APPLICATIONS, SCORERS = 20_000, 150
CRITERIA = [CriterionSpec(f"criterion {p}", weight, p) for p, weight in enumerate((3, 3, 2, 2, 2, 1, 1, 1), start=1)]


def make_scores(seed: int, applications: int = APPLICATIONS) -> list[Score]:
    rng = random.Random(seed)
    generosity = [rng.gauss(0, 0.4) for _ in range(SCORERS)]
    scores = []
    for application in range(1, applications + 1):
        quality = rng.gauss(2.3, 0.7)
        for scorer in rng.sample(range(SCORERS), rng.choice((4, 5))):
            for criterion in CRITERIA:
                value = round(rng.gauss(quality + generosity[scorer], 0.8))
                scores.append(Score(application, scorer, criterion.id, min(4, max(0, value))))
    return scores


def plain_means(scores) -> dict:
    sums, counts = {}, {}
    for score in scores:
        application = score.application_id
        sums[application] = sums.get(application, 0) + score.value
        counts[application] = counts.get(application, 0) + 1
    return {application: sums[application] / counts[application] for application in sums}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="time each once instead of best of 3")
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else 3

    started = time.perf_counter()
    scores = make_scores(2026)
    print(f"round: {APPLICATIONS:,} applications, {len(scores):,} scores "
          f"(built in {time.perf_counter() - started:.1f} s)")
    rules = Rules(draw_seed="bench", minimum_hundredths=200, tie_break=(1, 2, "draw"))
    adjusted = Rules(draw_seed="bench", minimum_hundredths=200, tie_break=(1, 2, "draw"),
                     combination="generosity_adjusted")

    baseline, means = timed(lambda: plain_means(scores), repeat)
    value, found = timed(lambda: results(scores, CRITERIA, rules), repeat)
    adjusted_time, _ = timed(lambda: results(scores, CRITERIA, adjusted), repeat)
    flags_time, flags = timed(lambda: moderation_flags(scores), 1)
    agreement_time, alpha = timed(lambda: agreement(scores), 1)

    ranked = sum(1 for r in found if r.rank is not None)
    tied = sum(1 for r in found if r.tie_broken_by)
    drawn = sum(1 for r in found if r.tie_broken_by == "the recorded draw")
    assert len(means) == len(found) == APPLICATIONS
    print(f"plain per-application means   {baseline:6.3f} s")
    print(f"results(), weighted average   {value:6.3f} s  ({ranked:,} ranked, {tied:,} in ties, "
          f"{drawn:,} settled by draw, {sum(len(r.flags) for r in found):,} flags)")
    print(f"results(), generosity adjusted {adjusted_time:5.3f} s")
    print(f"moderation_flags()            {flags_time:6.3f} s  ({len(flags):,} flags)")
    print(f"agreement()                   {agreement_time:6.3f} s  (alpha {alpha:.3f})")
    print(f"RESULT results_maths value={value:.4f} baseline={baseline:.4f} ratio={value / baseline:.4f}")


if __name__ == "__main__":
    main()
