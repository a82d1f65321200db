"""Scoring for Commission: pure functions and dataclasses, no Flask, no database.

    results(scores, criteria, rules)         totals, minimum, ranking with tie-break and draw, flags
    weighted_total(scores, criteria)         one application's weighted total (unadjusted)
    generosity_offsets(scores)               how much higher or lower than others each person scores
    moderation_flags(scores, tolerance=2)    where scorers differ by more than the tolerance
    agreement(scores, criterion_id=None)     Krippendorff's alpha, ordinal
    fit_budget(items, budget, method)        which ranked applications fit the budget ("greedy" or "optimal")
    fit_budget_positions(items, budget, method)   the same, as positions in `items` (full or partial amount)

Bad input is refused with ValueError and a plain message; the optimal budget fit raises
TooHardToFit (rather than run for minutes) on a round built to defeat it.
"""
from scoring.agreement import agreement
from scoring.budget import TooHardToFit, fit_budget, fit_budget_positions
from scoring.model import CriterionSpec, Flag, Result, Rules, Score
from scoring.moderation import moderation_flags
from scoring.ranking import results
from scoring.totals import generosity_offsets, weighted_total

__all__ = [
    "CriterionSpec", "Flag", "Result", "Rules", "Score", "TooHardToFit",
    "agreement", "fit_budget", "fit_budget_positions", "generosity_offsets", "moderation_flags",
    "results", "weighted_total",
]
