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

`results` (from the scores) and `results_from_tallies` (from how many scorers gave each point)
differ only in how they sum up each application's scores on each criterion: both hand those
sums to the one ranking below (`_Round.rank`).
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from fractions import Fraction
from math import lcm

import numpy

from scoring.model import Flag, Result, Rules, id_order
from scoring.tallies import count_table
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
    round_ = _Round(criteria, rules)
    grouped = group_scores(scores)
    if rules.combination != "generosity_adjusted":
        return round_.rank(_plain_cells(grouped), unit=1)
    offsets = adjusted_offsets(grouped)
    top = rules.scale_max * ADJUSTED_UNIT

    def adjusted_cells():
        for application_id, criterion_id, _, count, lowest, highest in _plain_cells(grouped):
            total = 0
            for score in grouped[application_id][criterion_id]:
                value = score.value * ADJUSTED_UNIT - offsets[score.scorer_id]
                total += 0 if value < 0 else top if value > top else value
            yield application_id, criterion_id, total, count, lowest, highest

    return round_.rank(adjusted_cells(), unit=ADJUSTED_UNIT)


def results_from_tallies(tallies, criteria, rules: Rules) -> list[Result]:
    """Exactly what `results` gives for the scores counted in `tallies` (see `scoring.tallies`:
    rows (application_id, criterion_id, n0, n1, ..., n_top), how many scorers gave each point
    of the scale from 0 to `rules.scale_max`).

    Only for the weighted average: adjusting for generosity needs each scorer's own scores, so
    a round that adjusts is refused (use `results`). Tallies that do not fit the scale, counts
    that are not whole numbers of scorers, and tallies that count nobody are refused with
    ValueError.
    """
    round_ = _Round(criteria, rules)
    if rules.combination == "generosity_adjusted":
        raise ValueError("Adjusting for generosity needs each scorer's own scores, not only how many gave each "
                         "point: use results() with the scores.")
    application_ids, criterion_ids, counts = count_table(tallies, rules.scale_max)
    points = numpy.arange(counts.shape[1], dtype=numpy.int64)
    given = counts > 0
    cells = zip(application_ids, criterion_ids, (counts @ points).tolist(), counts.sum(axis=1).tolist(),
                given.argmax(axis=1).tolist(), (points[-1] - given[:, ::-1].argmax(axis=1)).tolist())
    return round_.rank(cells, unit=1)


def _plain_cells(grouped: dict):
    """The cells of grouped scores (see `_Round.rank`), with plain sums."""
    for application_id, by_criterion in grouped.items():
        for criterion_id, cell in by_criterion.items():
            if len(cell) == 1:
                value = cell[0].value
                yield application_id, criterion_id, value, 1, value, value
            else:
                values = [score.value for score in cell]
                yield application_id, criterion_id, sum(values), len(values), min(values), max(values)


class _Round:
    """The round's criteria and rules, checked, and the one way of ranking from them."""

    def __init__(self, criteria, rules: Rules):
        if not isinstance(rules, Rules):
            raise ValueError("results() needs the round's Rules.")
        self.rules = rules
        self.by_id = criteria_by_id(criteria)
        self.weights = whole_weights(self.by_id)
        self.criterion_at = {criterion.position: criterion_id for criterion_id, criterion in self.by_id.items()}
        for position in rules.tie_break[:-1]:
            if position not in self.criterion_at:
                raise ValueError(f"The tie-break names criterion {position}, but no criterion is at that position.")

    def rank(self, cells, unit: int) -> list[Result]:
        """The results from `cells`: (application_id, criterion_id, total, count, lowest, highest)
        for each application and criterion scored, where total is the sum of the (possibly
        adjusted) scores in 1/`unit` points, count how many scored it, and lowest and highest
        the lowest and highest score given (unadjusted: moderation compares what people gave)."""
        by_id, weights, rules = self.by_id, self.weights, self.rules
        weighted = [(criterion_id, weight) for criterion_id, weight in weights.items() if weight]
        in_position_order = sorted(by_id, key=lambda criterion_id: by_id[criterion_id].position)
        scale_max, tolerance = rules.scale_max, rules.moderation_tolerance

        sums_of = defaultdict(dict)  # application -> {criterion: (sum of scores in units, number of scorers)}
        flags_of: dict = {}          # application -> [Flag], in position order
        for application_id, criterion_id, total, count, lowest, highest in cells:
            if criterion_id not in by_id:
                raise ValueError(f"There is a score for criterion {criterion_id!r}, which is not one of the round's.")
            if highest > scale_max:
                raise ValueError(f"A score of {highest} for application {application_id!r} is above the top of "
                                 f"the scale ({scale_max}).")
            if highest - lowest > tolerance:
                flags_of.setdefault(application_id, []).append(
                    Flag(application_id, criterion_id, lowest, highest, highest - lowest))
            sums_of[application_id][criterion_id] = (total, count)
        sums_of = dict(sums_of)

        parts: dict = {}         # application -> (numerator, lcm of counts) of its exact total
        untotalled = []
        for application_id, sums in sums_of.items():
            # The exact total is numerator / (common · Σ weights · unit), where common is the lcm of
            # the numbers of scorers: Σ weight · total · (common / count); see scoring.totals.total_parts.
            numerator, common = 0, 1
            for criterion_id, weight in weighted:
                part = sums.get(criterion_id)
                if part is None:
                    untotalled.append(application_id)
                    break
                total, count = part
                if count != common:
                    wider = lcm(common, count)
                    numerator *= wider // common
                    common = wider
                numerator += weight * total * (common // count)
            else:
                parts[application_id] = (numerator, common)

        # One common denominator, so that totals compare as whole numbers: fast and exact.
        common = lcm(*(count_lcm for _, count_lcm in parts.values())) if parts else 1
        denominator = common * sum(weights.values()) * unit
        keys = {application_id: numerator * (common // count_lcm)
                for application_id, (numerator, count_lcm) in parts.items()}
        order = sorted(keys, key=keys.__getitem__, reverse=True)
        tie_words = _settle_ties(order, keys, sums_of, [self.criterion_at[p] for p in rules.tie_break[:-1]],
                                 rules.tie_break[:-1], rules.draw_seed)

        def result(application_id, key=None, below=False, rank=None):
            mean_of = sums_of[application_id].get
            flags = flags_of.get(application_id, [])
            if len(flags) > 1:
                flags.sort(key=lambda flag: by_id[flag.criterion_id].position)
            # Result(application_id, total, per_criterion, below_minimum, rank, tie_broken_by, flags, exact_total)
            return Result(application_id,
                          None if key is None else (key * 100 // denominator) / 100,
                          {criterion_id: part[0] / (part[1] * unit)
                           for criterion_id in in_position_order if (part := mean_of(criterion_id)) is not None},
                          below, rank, tie_words.get(application_id), flags,
                          None if key is None else Fraction(key, denominator))

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
