"""Tallies: for each application and criterion, how many scorers gave each point of the scale.

A tally is one row: (application_id, criterion_id, n0, n1, ..., n_top), where n0 is how many
scorers gave 0 points, n1 how many gave 1, and so on up to the top of the scale. On a 0-4
scale, (7, "impact", 0, 1, 2, 0, 1) says that application 7 was scored on "impact" by four
people: one gave 1, two gave 2 and one gave 4.

With the weighted average, that is all the ranking, the moderation flags, the tie-break and
the agreement between scorers need: who gave which score does not change any of them. So a
database can do the counting (one GROUP BY row per application and criterion, far fewer than
the scores), and `results_from_tallies` and `agreement_from_tallies` give exactly what
`results` and `agreement` give for the scores counted. Adjusting for generosity needs each
scorer's own scores, so it has no tally form.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy

from scoring.totals import group_scores


def tally(scores, scale_max: int | None = None) -> list[tuple]:
    """The tallies of `scores`, one for each application and criterion scored (in no
    particular order). Without `scale_max`, the scale runs up to the highest score given.
    A score above `scale_max`, or a scorer who scored one thing twice, is refused."""
    grouped = group_scores(scores)
    if scale_max is None:
        scale_max = max((score.value for cells in grouped.values() for cell in cells.values() for score in cell),
                        default=0)
    tallies = []
    for application_id, by_criterion in grouped.items():
        for criterion_id, cell in by_criterion.items():
            counts = [0] * (scale_max + 1)
            for score in cell:
                if score.value > scale_max:
                    raise ValueError(f"A score of {score.value} for application {application_id!r} is above the "
                                     f"top of the scale ({scale_max}).")
                counts[score.value] += 1
            tallies.append((application_id, criterion_id, *counts))
    return tallies


class CountTable(NamedTuple):
    """Tallies checked and taken apart by `count_table`: the application and criterion of each
    tally, and its counts as a whole-number array (a row for each tally, a column for each point
    of the scale, 0 first)."""

    application_ids: list
    criterion_ids: list
    counts: numpy.ndarray


def count_table(tallies, scale_max: int | None = None) -> CountTable:
    """The tallies checked and taken apart (see `CountTable`). Without `scale_max`, every tally
    must simply have the same length. A CountTable is checked only against `scale_max`, so
    tallies read once can be checked once and used for both the results and the agreement.

    Refused with ValueError: a tally that is not as long as the scale needs (a count for a
    point off the scale, or a missing one), a count that is not a whole number or is below
    zero, a tally that counts nobody, and two tallies for the same application and criterion.
    """
    if isinstance(tallies, CountTable):
        if scale_max is not None and tallies.counts.shape[1] != scale_max + 1:
            raise ValueError(f"These tallies have counts for {tallies.counts.shape[1]} points, but the scale runs "
                             f"from 0 to {scale_max} ({scale_max + 1} points).")
        return tallies
    tallies = tallies if isinstance(tallies, list) else list(tallies)
    if scale_max is not None:
        size = scale_max + 3
    elif tallies:
        size = _length(tallies[0])
    else:
        size = 3
    if size < 3:
        raise ValueError("A tally needs an application, a criterion and a count for each point of the scale.")
    try:
        lengths = set(map(len, tallies))
    except TypeError:
        lengths = {_length(row) for row in tallies}
    if lengths - {size}:
        row = next(row for row in tallies if _length(row) != size)
        if scale_max is None:
            raise ValueError("Every tally must have a count for the same points of the scale; "
                             f"{_name(row)} has {_length(row) - 2} counts, another has {size - 2}.")
        raise ValueError(f"Each tally needs a count for every point of the scale from 0 to {scale_max} "
                         f"({scale_max + 1} counts); {_name(row)} has {_length(row) - 2}.")
    if not tallies:
        return CountTable([], [], numpy.zeros((0, size - 2), dtype=numpy.int64))
    columns = list(zip(*tallies))
    application_ids, criterion_ids = list(columns[0]), list(columns[1])
    counts = numpy.array(columns[2:]).T
    if counts.dtype.kind not in "iu":
        row = next(row for row in tallies if not all(_whole(count) for count in row[2:]))
        raise ValueError(f"The counts in {_name(row)} must be whole numbers of scorers.")
    counts = counts.astype(numpy.int64, copy=False)
    if counts.min() < 0:
        raise ValueError(f"A count cannot be below zero, as in {_name(tallies[int(numpy.argmin(counts.min(1)))])}.")
    scorers = counts.sum(axis=1)
    if scorers.min() < 1:
        raise ValueError(f"Nobody is counted in {_name(tallies[int(numpy.argmin(scorers))])}: "
                         "leave out what nobody scored.")
    cells = set(zip(application_ids, criterion_ids))
    if len(cells) != len(tallies):
        seen = set()
        for key in zip(application_ids, criterion_ids):
            if key in seen:
                raise ValueError(f"There are two tallies for application {key[0]!r} on criterion {key[1]!r}; "
                                 "count each application and criterion once.")
            seen.add(key)
    return CountTable(application_ids, criterion_ids, counts)


def _length(row) -> int:
    try:
        return len(row)
    except TypeError:
        raise ValueError(f"A tally should be a row (application id, criterion id, counts...), not {row!r}.") from None


def _whole(value) -> bool:
    return isinstance(value, (int, numpy.integer)) and not isinstance(value, bool)


def _name(row) -> str:
    if len(row) >= 2:
        return f"the tally for application {row[0]!r} on criterion {row[1]!r}"
    return f"the tally {row!r}"
