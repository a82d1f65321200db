"""How far scorers agree: Krippendorff's alpha at the ordinal level.

Alpha is 1 when scorers always agree, about 0 when they agree no more than chance would, and
below 0 when they disagree more than chance. Ordinal means a 1 and a 2 are closer than a 1 and
a 4, and that only the order of the points counts, not their spacing.

Alpha is worked out from the table of how many scorers gave each value to each unit, exactly as
Krippendorff (2011, "Computing Krippendorff's alpha-reliability") defines it: the coincidence
matrix, the ordinal distances from its margins, then 1 - observed / expected disagreement. That
table is what a tally says (see `scoring.tallies`), so `agreement` and `agreement_from_tallies`
share it. It is the same table the `krippendorff` package takes, and the tests check the two
agree; the package is not used here because it builds a value × value matrix for every unit
(about five times slower on a national round) and adds them up in floating point, so its last
digits move with the order the units come in. Here the coincidences are summed as whole numbers,
one matrix product for each number of scorers, and only then divided: the same scores always
give exactly the same figure.
"""
from __future__ import annotations

import numpy

from scoring.tallies import count_table, tally


def agreement(scores, criterion_id=None) -> float | None:
    """Krippendorff's alpha (ordinal) between the scorers.

    A unit is one application on one criterion, and its values are the scores the scorers gave
    it. With `criterion_id`, only that criterion's units count; without, all criteria's units
    are pooled into one overall figure.

    Units scored by only one person say nothing about agreement and are left out. None when
    alpha cannot be worked out: no unit has two scores, or every score given is the same
    number (there is no variation to agree or disagree about).
    """
    return agreement_from_tallies(tally(scores), criterion_id)


def agreement_from_tallies(tallies, criterion_id=None) -> float | None:
    """Exactly what `agreement` gives for the scores counted in `tallies` (rows
    (application_id, criterion_id, n0, n1, ..., n_top), all with counts for the same points;
    see `scoring.tallies`). Bad tallies are refused with ValueError."""
    _, criterion_ids, counts = count_table(tallies)
    if criterion_id is not None:
        counts = counts[numpy.fromiter((unit == criterion_id for unit in criterion_ids), dtype=bool,
                                       count=len(criterion_ids))]
    scorers = counts.sum(axis=1)
    pairable = scorers > 1                             # a unit needs two scorers to say anything
    counts, scorers = counts[pairable], scorers[pairable]
    given = numpy.flatnonzero(counts.sum(axis=0))      # the points anyone gave
    if len(given) < 2:
        return None
    return _ordinal_alpha(counts[:, given], scorers)


def _ordinal_alpha(counts: numpy.ndarray, scorers: numpy.ndarray) -> float:
    """Alpha from `counts` (a row for each unit, a column for each value given, in order; every
    unit with two or more scorers, every value given by someone) and `scorers` (each row's sum)."""
    # Coincidences: o[c, k] = Σ over units of (n_c · n_k - [c = k] · n_c) / (scorers - 1).
    coincidences = numpy.zeros((counts.shape[1], counts.shape[1]))
    for size in numpy.unique(scorers).tolist():        # in order, whatever order the units came in
        units = counts[scorers == size]
        pairs = units.T @ units                        # whole numbers: exact in any order
        pairs[numpy.diag_indices_from(pairs)] -= units.sum(axis=0)
        coincidences += pairs / (size - 1)
    totals = coincidences.sum(axis=0)                  # n_c: how often each value was paired
    # Ordinal distance: (the values paired from c to k, less half of those at c and at k) squared.
    below = numpy.concatenate(([0.0], numpy.cumsum(totals)))
    index = numpy.arange(len(totals))
    low, high = numpy.minimum.outer(index, index), numpy.maximum.outer(index, index)
    distance = (below[high + 1] - below[low] - (totals[low] + totals[high]) / 2) ** 2
    observed = (coincidences * distance).sum()
    expected = (numpy.outer(totals, totals) * distance).sum() / (totals.sum() - 1)
    return float(1 - observed / expected)
