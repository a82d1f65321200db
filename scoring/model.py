"""The records the scoring functions take and give back.

All are frozen dataclasses. They check what can be checked on their own (a score is a whole
number of points, a weight is not negative, the tie-break ends with the draw) and raise
`ValueError` with a plain message; checks that need the whole round (a score above the
scale, a score for a criterion the round does not have) happen in `results()`.
"""
from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass, field
from fractions import Fraction
from numbers import Real

COMBINATIONS = ("weighted_average", "generosity_adjusted")
DRAW = "draw"


def _is_whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class CriterionSpec:
    """One adopted criterion: its weight in the total, and its position (as numbered to the panel)."""

    id: Hashable
    weight: Real
    position: int

    def __post_init__(self):
        if isinstance(self.weight, bool) or not isinstance(self.weight, Real) or not math.isfinite(self.weight):
            raise ValueError(f"The weight of criterion {self.id!r} must be a number.")
        if self.weight < 0:
            raise ValueError(f"The weight of criterion {self.id!r} cannot be below zero.")
        if not _is_whole(self.position):
            raise ValueError(f"The position of criterion {self.id!r} must be a whole number.")


@dataclass(frozen=True, slots=True)
class Score:
    """One scorer's score for one application on one criterion: a whole number from 0 to the scale's top."""

    application_id: Hashable
    scorer_id: Hashable
    criterion_id: Hashable
    value: int

    def __post_init__(self):
        if not _is_whole(self.value) or self.value < 0:
            raise ValueError(f"A score must be a whole number of points, zero or more (got {self.value!r}).")


@dataclass(frozen=True, slots=True, kw_only=True)
class Rules:
    """How a round turns scores into a ranking, as declared at co-design.

    scale_max            the top of the scoring scale (scores run from 0 to this)
    combination          "weighted_average", or "generosity_adjusted" (see `generosity_offsets`)
    minimum_hundredths   the lowest total, in hundredths of a point, an application needs to be ranked
                         (250 means 2.50); None for no minimum
    tie_break            criterion positions, in the order they are tried (a higher mean on that
                         criterion wins), ending with "draw"
    draw_seed            the recorded seed that makes the draw repeatable; it must be written down
                         before scoring starts
    moderation_tolerance the largest gap between scorers on one criterion that is not flagged
    """

    scale_max: int = 4
    combination: str = "weighted_average"
    minimum_hundredths: int | None = None
    tie_break: tuple = (DRAW,)
    draw_seed: str
    moderation_tolerance: int = 2

    def __post_init__(self):
        if not _is_whole(self.scale_max) or self.scale_max < 1:
            raise ValueError("The top of the scoring scale must be a whole number, 1 or more.")
        if self.combination not in COMBINATIONS:
            raise ValueError(f"Unknown way of combining scores {self.combination!r}: "
                             f"use {' or '.join(repr(c) for c in COMBINATIONS)}.")
        if self.minimum_hundredths is not None and (not _is_whole(self.minimum_hundredths)
                                                    or self.minimum_hundredths < 0):
            raise ValueError("The minimum score must be a whole number of hundredths of a point, zero or more.")
        if not isinstance(self.tie_break, tuple):
            raise ValueError("The tie-break order must be a tuple of criterion positions ending with \"draw\".")
        if not self.tie_break or self.tie_break[-1] != DRAW or self.tie_break.count(DRAW) != 1:
            raise ValueError("The tie-break order must end with \"draw\", once, so that every tie is settled.")
        positions = self.tie_break[:-1]
        if not all(_is_whole(p) for p in positions):
            raise ValueError("The tie-break order can only name criteria by their position (a whole number).")
        if len(set(positions)) != len(positions):
            raise ValueError("The tie-break order names the same criterion twice.")
        if not isinstance(self.draw_seed, str) or not self.draw_seed.strip():
            raise ValueError("The draw needs a recorded seed: a non-empty piece of text.")
        if not _is_whole(self.moderation_tolerance) or self.moderation_tolerance < 0:
            raise ValueError("The moderation tolerance must be a whole number of points, zero or more.")


@dataclass(frozen=True, slots=True)
class Flag:
    """Scorers of one application differ by more than the tolerance on one criterion: talk about it."""

    application_id: Hashable
    criterion_id: Hashable
    low: int
    high: int
    spread: int


@dataclass(frozen=True, slots=True)
class Result:
    """Where one application stands.

    total          the (possibly adjusted) weighted total for display: rounded DOWN to hundredths, so
                   that a shown total and the minimum never disagree; None when the application cannot
                   be totalled yet (a weighted criterion has no scores)
    per_criterion  {criterion_id: mean score} (adjusted if the round adjusts for generosity)
    below_minimum  the total is under the round's minimum, so it is not ranked
    rank           1 for the highest total; None if below the minimum or not totalled
    tie_broken_by  how it was told apart from an application with exactly the same total, in plain
                   words ("higher score on criterion 2", "the recorded draw"); None if no tie
    flags          moderation flags for this application, by criterion position
    exact_total    the exact total (a Fraction) that ranking compares; None if not totalled
    """

    application_id: Hashable
    total: float | None
    per_criterion: dict
    below_minimum: bool
    rank: int | None
    tie_broken_by: str | None
    flags: list = field(default_factory=list)
    exact_total: Fraction | None = None


def id_order(identifier) -> tuple:
    """A sort key for ids that gives the same order whatever order they arrived in."""
    return (type(identifier).__name__, identifier)
