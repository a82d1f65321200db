"""Moderation: where scorers of one application are far apart on a criterion, the panel talks it over."""
from __future__ import annotations

from scoring.model import Flag, id_order
from scoring.totals import cells_of, group_scores


def flags_of_grouped(grouped: dict, tolerance: int) -> list[Flag]:
    """Flags for grouped scores (see `group_scores`), in no particular order."""
    flags = []
    for application_id, criterion_id, cell in cells_of(grouped):
        if len(cell) > 1:
            values = [score.value for score in cell]
            low, high = min(values), max(values)
            if high - low > tolerance:
                flags.append(Flag(application_id, criterion_id, low, high, high - low))
    return flags


def moderation_flags(scores, tolerance: int = 2) -> list[Flag]:
    """Every application and criterion where the highest and lowest score differ by MORE than `tolerance`.

    With the default of 2 points on a 0-4 scale, scores of 1 and 3 are not flagged; 0 and 3 are.
    Flags come in order of application id, then criterion id.
    """
    if isinstance(tolerance, bool) or not isinstance(tolerance, int) or tolerance < 0:
        raise ValueError("The moderation tolerance must be a whole number of points, zero or more.")
    flags = flags_of_grouped(group_scores(scores), tolerance)
    flags.sort(key=lambda flag: (id_order(flag.application_id), id_order(flag.criterion_id)))
    return flags
