"""Scoring for Commission: pure functions and dataclasses, no Flask, no database.

    results(scores, criteria, rules)         totals, minimum, ranking with tie-break and draw, flags
    results_from_tallies(tallies, criteria, rules)   the same from how many gave each point (weighted average)
    tally(scores, scale_max=None)            per application and criterion, how many scorers gave each point
    count_table(tallies, scale_max=None)     tallies checked once, to give to both of the *_from_tallies
    weighted_total(scores, criteria)         one application's weighted total (unadjusted)
    generosity_offsets(scores)               how much higher or lower than others each person scores
    moderation_flags(scores, tolerance=2)    where scorers differ by more than the tolerance
    agreement(scores, criterion_id=None)     Krippendorff's alpha, ordinal
    agreement_from_tallies(tallies, criterion_id=None)   the same from tallies
    fit_budget(items, budget, method)        which ranked applications fit the budget ("greedy" or "optimal")
    fit_budget_positions(items, budget, method)   the same, as positions in `items` (full or partial amount)

Bad input is refused with ValueError and a plain message; the optimal budget fit raises
TooHardToFit (rather than run for minutes) on a round built to defeat it.
"""
from scoring.agreement import agreement, agreement_from_tallies
from scoring.budget import TooHardToFit, fit_budget, fit_budget_positions
from scoring.model import CriterionSpec, Flag, Result, Rules, Score
from scoring.moderation import moderation_flags
from scoring.ranking import results, results_from_tallies
from scoring.tallies import CountTable, count_table, tally
from scoring.totals import generosity_offsets, weighted_total

__all__ = [
    "CountTable", "CriterionSpec", "Flag", "Result", "Rules", "Score", "TooHardToFit",
    "agreement", "agreement_from_tallies", "count_table", "fit_budget", "fit_budget_positions",
    "generosity_offsets", "moderation_flags", "results", "results_from_tallies", "tally", "weighted_total",
]
