"""How far scorers agree: Krippendorff's alpha at the ordinal level.

Alpha is 1 when scorers always agree, about 0 when they agree no more than chance would, and
below 0 when they disagree more than chance. Ordinal means a 1 and a 2 are closer than a 1 and
a 4, and that only the order of the points counts, not their spacing.

The arithmetic is done by the `krippendorff` package (from its table of how many scorers gave
each value to each unit); this module only arranges the scores for it.
"""
from __future__ import annotations

import krippendorff
import numpy

from scoring.totals import cells_of, group_scores


def agreement(scores, criterion_id=None) -> float | None:
    """Krippendorff's alpha (ordinal) between the scorers.

    A unit is one application on one criterion, and its values are the scores the scorers gave
    it. With `criterion_id`, only that criterion's units count; without, all criteria's units
    are pooled into one overall figure.

    Units scored by only one person say nothing about agreement and are left out. None when
    alpha cannot be worked out: no unit has two scores, or every score given is the same
    number (there is no variation to agree or disagree about).
    """
    units = [[score.value for score in cell] for _, unit_criterion, cell in cells_of(group_scores(scores))
             if len(cell) > 1 and (criterion_id is None or unit_criterion == criterion_id)]
    if not units:
        return None
    domain = sorted({value for unit in units for value in unit})
    if len(domain) < 2:
        return None
    column = {value: index for index, value in enumerate(domain)}
    rows = [row for row, unit in enumerate(units) for _ in unit]
    columns = [column[value] for unit in units for value in unit]
    counts = numpy.zeros((len(units), len(domain)), dtype=numpy.int64)
    numpy.add.at(counts, (rows, columns), 1)
    return float(krippendorff.alpha(value_counts=counts, value_domain=domain, level_of_measurement="ordinal"))
