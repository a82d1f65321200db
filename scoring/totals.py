"""Weighted totals, and the adjustment for scorer generosity.

Everything here is exact: means of whole-number scores are fractions, weights are turned into
whole numbers in the same proportions, and totals are `Fraction`s until they are shown. So two
applications with the same total really tie (no 2.6666666666666665 against 2.666666666666667),
and a tie is settled by the round's declared rule, never by rounding noise.
"""
from __future__ import annotations

from fractions import Fraction
from math import gcd, lcm

from scoring.model import CriterionSpec

ADJUSTED_UNIT = 1000  # adjusted scores are kept in whole thousandths of a point


def criteria_by_id(criteria) -> dict:
    """The round's criteria by id, refusing two with the same id or the same position."""
    criteria = list(criteria)
    if not criteria:
        raise ValueError("The round has no criteria to score against.")
    by_id, positions = {}, set()
    for criterion in criteria:
        if not isinstance(criterion, CriterionSpec):
            raise ValueError(f"Expected a CriterionSpec, got {criterion!r}.")
        if criterion.id in by_id:
            raise ValueError(f"Two criteria have the id {criterion.id!r}.")
        if criterion.position in positions:
            raise ValueError(f"Two criteria are at position {criterion.position}.")
        by_id[criterion.id] = criterion
        positions.add(criterion.position)
    return by_id


def whole_weights(criteria_by_id: dict) -> dict:
    """The weights as whole numbers in exactly the same proportions (0.5 and 0.25 become 2 and 1)."""
    exact = {cid: Fraction(c.weight) for cid, c in criteria_by_id.items()}
    scale = lcm(*(w.denominator for w in exact.values()))
    whole = {cid: int(w * scale) for cid, w in exact.items()}
    common = gcd(*whole.values())
    if common == 0:
        raise ValueError("At least one criterion needs a weight above zero.")
    return {cid: w // common for cid, w in whole.items()}


def group_scores(scores) -> dict:
    """{application_id: {criterion_id: [Score, ...]}}, refusing a scorer who scored one thing twice."""
    grouped: dict = {}
    for score in scores:
        by_criterion = grouped.get(score.application_id)
        if by_criterion is None:
            grouped[score.application_id] = by_criterion = {}
        cell = by_criterion.get(score.criterion_id)
        if cell is None:
            by_criterion[score.criterion_id] = [score]
        else:
            cell.append(score)
    for application_id, by_criterion in grouped.items():
        for criterion_id, cell in by_criterion.items():
            if len(cell) > 1 and len({score.scorer_id for score in cell}) != len(cell):
                raise ValueError(f"Someone scored application {application_id!r} on criterion {criterion_id!r} "
                                 "more than once; keep only their latest score.")
    return grouped


def cells_of(grouped: dict):
    """(application_id, criterion_id, [Score, ...]) for every application and criterion scored."""
    for application_id, by_criterion in grouped.items():
        for criterion_id, cell in by_criterion.items():
            yield application_id, criterion_id, cell


def total_parts(sums: dict, weights: dict) -> tuple[int, int] | None:
    """(numerator, lcm of counts) of one application's total, or None if it cannot be totalled.

    `sums` is {criterion_id: (sum of scores, number of scorers)}. The exact total is
    numerator / (lcm · sum of weights · unit of the sums). A criterion with weight 0 may go
    unscored; a weighted criterion with no scores at all means no total yet.
    """
    common = 1
    for criterion_id, weight in weights.items():
        if weight:
            part = sums.get(criterion_id)
            if part is None:
                return None
            common = lcm(common, part[1])
    numerator = 0
    for criterion_id, weight in weights.items():
        if weight:
            total, count = sums[criterion_id]
            numerator += weight * total * (common // count)
    return numerator, common


def weighted_total(scores_for_one_application, criteria) -> float | None:
    """The weighted total of one application on the 0..scale_max scale, unadjusted.

    For each criterion, the mean of the scores given; then the average of those means weighted
    by the criteria's weights. A scorer who did not score a criterion counts as giving that
    criterion's mean of those who did, which leaves the mean as it is: so each criterion simply
    takes the mean of the scores it has. If a criterion with a weight above zero has no scores
    at all, or there are no scores, there is no total yet: None (and the application is not
    ranked).
    """
    by_id = criteria_by_id(criteria)
    weights = whole_weights(by_id)
    grouped = group_scores(scores_for_one_application)
    if not grouped:
        return None
    if len(grouped) > 1:
        raise ValueError("weighted_total takes the scores of one application; these are for several.")
    sums = {}
    for _, criterion_id, cell in cells_of(grouped):
        if criterion_id not in by_id:
            raise ValueError(f"There is a score for criterion {criterion_id!r}, which is not one of the round's.")
        sums[criterion_id] = (sum(score.value for score in cell), len(cell))
    parts = total_parts(sums, weights)
    if parts is None:
        return None
    numerator, common = parts
    return float(Fraction(numerator, common * sum(weights.values())))


def exact_offsets(grouped: dict) -> dict:
    """{scorer_id: Fraction}: see `generosity_offsets`; exact, for every scorer in `grouped`."""
    deviations: dict = {}  # (scorer_id, others) -> sum of (n·value - cell total), over cells of n scorers
    counts: dict = {}
    for _, _, cell in cells_of(grouped):
        n = len(cell)
        if n < 2:
            counts.setdefault(cell[0].scorer_id, 0)
            continue
        total = sum(score.value for score in cell)
        others = n - 1
        for score in cell:
            # value - (total - value) / others  ==  (n·value - total) / others
            key = (score.scorer_id, others)
            deviations[key] = deviations.get(key, 0) + n * score.value - total
            counts[score.scorer_id] = counts.get(score.scorer_id, 0) + 1
    by_scorer: dict = {}
    for (scorer, others), numerator in deviations.items():
        by_scorer[scorer] = by_scorer.get(scorer, 0) + Fraction(numerator, others)
    return {scorer: by_scorer[scorer] / count if scorer in by_scorer else Fraction(0)
            for scorer, count in counts.items()}


def generosity_offsets(all_scores) -> dict:
    """How much higher or lower than others each person scores the same applications.

    In plain words: for every application and criterion a person scored alongside others, take
    their score minus the average score the others gave it; a person's offset is the average of
    those differences over everything they scored alongside others. +1 means they usually score
    a point higher than the rest of the panel. Someone who never scored anything that others
    also scored gets 0, as there is nothing to compare with.

    When a round adjusts for generosity, each score has the scorer's offset (rounded to the
    nearest thousandth of a point) taken off, and the result is kept within the scale (never
    below 0 or above the top) before totals are worked out.

    Returns {scorer_id: offset} as floats.
    """
    return {scorer: float(offset) for scorer, offset in exact_offsets(group_scores(all_scores)).items()}


def adjusted_offsets(grouped: dict) -> dict:
    """{scorer_id: offset in whole thousandths of a point}, rounded to nearest (half to even)."""
    return {scorer: round(offset * ADJUSTED_UNIT) for scorer, offset in exact_offsets(grouped).items()}
