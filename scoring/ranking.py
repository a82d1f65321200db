"""From scores to a ranking: totals, minimum, declared tie-break, recorded draw, moderation flags.

The order is decided only by the scores and the round's declared rules, never by the order the
scores arrive in:

1. Higher exact total first (see `scoring.totals`; with "generosity_adjusted", totals of the
   adjusted scores).
2. Applications with exactly the same total are told apart by the tie-break criteria in the
   declared order: a higher mean score on that criterion wins.
3. Then the recorded draw: each application's ticket is sha256 of "<draw_seed>:<application id>"
   written in hexadecimal, and the lower ticket wins. Anyone can repeat the draw from the
   seed, and the same seed always gives the same order.
"""
from __future__ import annotations

import hashlib
from fractions import Fraction
from math import lcm

from scoring.model import Flag, Result, Rules, id_order
from scoring.totals import ADJUSTED_UNIT, adjusted_offsets, criteria_by_id, group_scores, whole_weights

DRAW_WORDS = "the recorded draw"


def draw_ticket(seed: str, application_id) -> tuple:
    """The application's place in the recorded draw: lower goes first."""
    digest = hashlib.sha256(f"{seed}:{application_id}".encode()).hexdigest()
    # Two different ids that print the same (1 and "1") would share a ticket: settle that by type.
    return (digest, id_order(application_id))


def results(scores, criteria, rules: Rules) -> list[Result]:
    """Every scored application's result: the ranked ones (rank 1 first), then those below the
    minimum (rank None, in the same order), then those that cannot be totalled yet (rank None,
    in draw order).

    Scores must be whole numbers from 0 to `rules.scale_max`, for the round's criteria, with at
    most one score per scorer, application and criterion; anything else is refused with
    ValueError.
    """
    if not isinstance(rules, Rules):
        raise ValueError("results() needs the round's Rules.")
    by_id = criteria_by_id(criteria)
    weights = whole_weights(by_id)
    weighted = [(criterion_id, weight) for criterion_id, weight in weights.items() if weight]
    in_position_order = sorted(by_id, key=lambda criterion_id: by_id[criterion_id].position)
    criterion_at = {criterion.position: criterion_id for criterion_id, criterion in by_id.items()}
    for position in rules.tie_break[:-1]:
        if position not in criterion_at:
            raise ValueError(f"The tie-break names criterion {position}, but no criterion is at that position.")

    grouped = group_scores(scores)
    adjusted = rules.combination == "generosity_adjusted"
    unit = ADJUSTED_UNIT if adjusted else 1
    offsets = adjusted_offsets(grouped) if adjusted else {}
    top, scale_max, tolerance = rules.scale_max * unit, rules.scale_max, rules.moderation_tolerance

    sums_of: dict = {}       # application -> {criterion: (sum of scores in units, number of scorers)}
    flags_of: dict = {}      # application -> [Flag], in position order
    parts: dict = {}         # application -> (numerator, lcm of counts) of its exact total
    untotalled = []
    for application_id, by_criterion in grouped.items():
        sums = {}
        for criterion_id, cell in by_criterion.items():
            if criterion_id not in by_id:
                raise ValueError(f"There is a score for criterion {criterion_id!r}, which is not one of the round's.")
            if len(cell) == 1:
                highest = total = cell[0].value
            else:
                values = [score.value for score in cell]
                highest, lowest, total = max(values), min(values), sum(values)
                if highest - lowest > tolerance:
                    flags_of.setdefault(application_id, []).append(
                        Flag(application_id, criterion_id, lowest, highest, highest - lowest))
            if highest > scale_max:
                raise ValueError(f"A score of {highest} for application {application_id!r} is above the top of "
                                 f"the scale ({scale_max}).")
            if adjusted:
                total = 0
                for score in cell:
                    value = score.value * unit - offsets[score.scorer_id]
                    total += 0 if value < 0 else top if value > top else value
            sums[criterion_id] = (total, len(cell))
        sums_of[application_id] = sums
        # The exact total is numerator / (common · Σ weights · unit); see scoring.totals.total_parts.
        common = 1
        for criterion_id, _ in weighted:
            part = sums.get(criterion_id)
            if part is None:
                untotalled.append(application_id)
                break
            common = lcm(common, part[1])
        else:
            parts[application_id] = (sum(weight * sums[criterion_id][0] * (common // sums[criterion_id][1])
                                         for criterion_id, weight in weighted), common)

    # One common denominator, so that totals compare as whole numbers: fast and exact.
    common = lcm(*(count_lcm for _, count_lcm in parts.values())) if parts else 1
    denominator = common * sum(weights.values()) * unit
    keys = {application_id: numerator * (common // count_lcm)
            for application_id, (numerator, count_lcm) in parts.items()}
    order = sorted(keys, key=keys.__getitem__, reverse=True)
    tie_words = _settle_ties(order, keys, sums_of, [criterion_at[p] for p in rules.tie_break[:-1]],
                             rules.tie_break[:-1], rules.draw_seed)

    def result(application_id, key=None, below=False, rank=None):
        sums = sums_of[application_id]
        flags = flags_of.get(application_id, [])
        if len(flags) > 1:
            flags.sort(key=lambda flag: by_id[flag.criterion_id].position)
        return Result(application_id=application_id,
                      total=None if key is None else (key * 100 // denominator) / 100,
                      per_criterion={criterion_id: sums[criterion_id][0] / (sums[criterion_id][1] * unit)
                                     for criterion_id in in_position_order if criterion_id in sums},
                      below_minimum=below, rank=rank, tie_broken_by=tie_words.get(application_id), flags=flags,
                      exact_total=None if key is None else Fraction(key, denominator))

    minimum = rules.minimum_hundredths
    found, ranked = [], 0
    for application_id in order:
        key = keys[application_id]
        if minimum is not None and key * 100 < minimum * denominator:
            found.append(result(application_id, key, below=True))
        else:
            ranked += 1
            found.append(result(application_id, key, rank=ranked))
    untotalled.sort(key=lambda application_id: draw_ticket(rules.draw_seed, application_id))
    return found + [result(application_id) for application_id in untotalled]


def _settle_ties(order, keys, sums_of, tie_criteria, tie_positions, seed) -> dict:
    """Put each run of equal totals in `order` (in place) in the declared tie-break order, and
    say how each member of a run was told apart: {application_id: words}."""
    # Criterion means compared exactly as whole numbers: sum × (lcm of all counts / count).
    counts = {count for sums in sums_of.values() for _, count in sums.values()}
    scale = lcm(*counts) if counts else 1

    def tie_key(application_id):
        sums = sums_of[application_id]
        key = []
        for criterion_id in tie_criteria:
            part = sums.get(criterion_id)
            # Higher mean first; an application with no score on a tie-break criterion comes after.
            key.append((1, 0) if part is None else (0, -part[0] * (scale // part[1])))
        return key, draw_ticket(seed, application_id)

    def words(upper, lower):
        for position, a, b in zip(tie_positions, upper[0], lower[0]):
            if a != b:
                return f"higher score on criterion {position}"
        return DRAW_WORDS

    settled = {}
    start = 0
    while start < len(order):
        end = start + 1
        while end < len(order) and keys[order[end]] == keys[order[start]]:
            end += 1
        if end - start > 1:
            run = sorted((tie_key(application_id), application_id) for application_id in order[start:end])
            order[start:end] = [application_id for _, application_id in run]
            for index, (key, application_id) in enumerate(run):
                upper, lower = (run[index - 1][0], key) if index else (key, run[1][0])
                settled[application_id] = words(upper, lower)
        start = end
    return settled
