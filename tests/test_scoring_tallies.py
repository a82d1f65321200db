"""Results and agreement from tallies (how many scorers gave each point) are exactly what the
scores themselves give. Pure functions, no database."""
from __future__ import annotations

import random

import krippendorff
import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import (CountTable, CriterionSpec, Flag, Rules, Score, agreement, agreement_from_tallies, count_table,
                     results, results_from_tallies, tally)

TWO = [CriterionSpec("impact", 3, 1), CriterionSpec("reach", 1, 2)]
RULES = Rules(draw_seed="seed written down at co-design", tie_break=(2, "draw"), minimum_hundredths=150)


def tallied(scores, scale_max):
    """The tallies of `scores`, worked out here by hand (not by scoring.tally)."""
    cells: dict = {}
    for score in scores:
        cells.setdefault((score.application_id, score.criterion_id), [0] * (scale_max + 1))[score.value] += 1
    return [(application, criterion, *counts) for (application, criterion), counts in cells.items()]


# -- plain examples --------------------------------------------------------------------------

def test_a_tally_counts_how_many_scorers_gave_each_point():
    scores = [Score(7, "ann", "impact", 1), Score(7, "bob", "impact", 2), Score(7, "cat", "impact", 2),
              Score(7, "dee", "impact", 4), Score(7, "ann", "reach", 3)]
    assert sorted(tally(scores, scale_max=4)) == [(7, "impact", 0, 1, 2, 0, 1), (7, "reach", 0, 0, 0, 1, 0)]
    assert sorted(tally(scores)) == sorted(tally(scores, scale_max=4))   # the scale runs to the highest score
    with pytest.raises(ValueError, match="above the top of the scale"):
        tally(scores, scale_max=3)


def test_results_from_tallies_rank_flag_and_break_ties_like_the_scores():
    tallies = [("A", "impact", 0, 0, 1, 1, 0), ("A", "reach", 0, 0, 0, 1, 1),   # impact 2.5, reach 3.5
               ("B", "impact", 0, 0, 1, 1, 0), ("B", "reach", 1, 0, 0, 0, 1),   # impact 2.5, reach 2: flagged
               ("C", "impact", 1, 1, 0, 0, 0)]                                   # no reach: no total yet
    found = results_from_tallies(tallies, TWO, RULES)
    assert [(r.application_id, r.rank) for r in found] == [("A", 1), ("B", 2), ("C", None)]
    assert found[0].per_criterion == {"impact": 2.5, "reach": 3.5}
    assert found[1].flags == [Flag("B", "reach", 0, 4, 4)]
    assert found[2].total is None


def test_agreement_from_tallies_matches_krippendorffs_worked_example():
    # Krippendorff (2011), the example with missing values; published ordinal alpha 0.815.
    units = [(1, 1, 1), (2, 2, 3, 2), (3, 3, 3, 3), (3, 3, 3, 3), (2, 2, 2, 2), (1, 2, 3, 4), (4, 4, 4, 4),
             (1, 1, 2, 1), (2, 2, 2, 2), (5, 5, 5), (1, 1), (3,)]
    tallies = [(unit, "impact", *(values.count(point) for point in range(6))) for unit, values in enumerate(units)]
    assert round(agreement_from_tallies(tallies), 3) == 0.815
    assert agreement_from_tallies(tallies, criterion_id="reach") is None
    assert agreement_from_tallies([]) is None


def test_tallies_checked_once_serve_both_results_and_agreement():
    scores = [Score(a, s, c.id, (a * 3 + s) % 5) for a in range(6) for s in range(3) for c in TWO]
    rows = tally(scores, scale_max=4)
    table = count_table(rows, 4)
    assert isinstance(table, CountTable) and table.counts.shape == (12, 5)
    assert results_from_tallies(table, TWO, RULES) == results_from_tallies(rows, TWO, RULES) == results(scores, TWO,
                                                                                                          RULES)
    assert agreement_from_tallies(table) == agreement_from_tallies(rows) == agreement(scores)
    with pytest.raises(ValueError, match="from 0 to 3"):
        results_from_tallies(table, TWO, Rules(draw_seed="s", scale_max=3))


# -- bad tallies -----------------------------------------------------------------------------

@pytest.mark.parametrize("tallies, message", [
    ([(1, "impact", 0, 0, 0, 0, 1, 1)], "every point of the scale from 0 to 4"),     # a score of 5: off the scale
    ([(1, "impact", 0, 1, 1)], "every point of the scale from 0 to 4"),
    ([(1, "impact", 0, -1, 2, 0, 0)], "cannot be below zero"),
    ([(1, "impact", 0, 0, 0, 0, 0)], "Nobody is counted"),
    ([(1, "impact", 0, 1.5, 0, 0, 0)], "whole numbers of scorers"),
    ([(1, "impact", 0, "2", 0, 0, 0)], "whole numbers of scorers"),
    ([(1, "impact", 0, None, 0, 0, 0)], "whole numbers of scorers"),
    ([(1, "impact", 0, 1, 0, 0, 0), (1, "impact", 0, 0, 1, 0, 0)], "two tallies for application 1"),
    ([(1, "cost", 0, 1, 0, 0, 0)], "not one of the round's"),
    ([7], "should be a row"),
])
def test_results_from_tallies_refuse_tallies_that_make_no_sense(tallies, message):
    with pytest.raises(ValueError, match=message):
        results_from_tallies(tallies, TWO, Rules(draw_seed="s"))


def test_agreement_from_tallies_refuses_bad_tallies_too():
    with pytest.raises(ValueError, match="the same points of the scale"):
        agreement_from_tallies([(1, "impact", 0, 2, 0), (2, "impact", 1, 1)])
    with pytest.raises(ValueError, match="Nobody is counted"):
        agreement_from_tallies([(1, "impact", 0, 0, 0)])
    with pytest.raises(ValueError, match="cannot be below zero"):
        agreement_from_tallies([(1, "impact", 3, -1, 0)])


def test_adjusting_for_generosity_needs_the_scores_themselves():
    with pytest.raises(ValueError, match="each scorer's own scores"):
        results_from_tallies([(1, "impact", 0, 1, 0, 0, 0)], TWO,
                             Rules(draw_seed="s", combination="generosity_adjusted"))


# -- the same answers as from the scores -----------------------------------------------------

@st.composite
def rounds(draw):
    """Small rounds where totals tie often and scorers disagree: 1-8 applications, 0-5 scorers
    each, 3 criteria (some weighted 0, now and then one left unscored), scales of 2 to 6."""
    scale_max = draw(st.integers(2, 6))
    criteria = [CriterionSpec(f"c{p}", draw(st.sampled_from([1, 2] if p == 1 else [0, 1, 3])), p) for p in (1, 2, 3)]
    scores = []
    for application in range(draw(st.integers(1, 8))):
        for scorer in draw(st.sets(st.integers(0, 6), max_size=5)):
            for criterion in criteria:
                if draw(st.integers(0, 9)):
                    scores.append(Score(application, f"s{scorer}", criterion.id,
                                        draw(st.integers(0, min(scale_max, draw(st.sampled_from([1, scale_max])))))))
    positions = draw(st.permutations([1, 2, 3]))[:draw(st.integers(0, 3))]
    rules = Rules(draw_seed=draw(st.text(min_size=1, max_size=8).filter(str.strip)), scale_max=scale_max,
                  tie_break=(*positions, "draw"), minimum_hundredths=draw(st.sampled_from([None, 50, 150])),
                  moderation_tolerance=draw(st.integers(0, 3)))
    return scores, criteria, rules


@settings(max_examples=250, deadline=None)
@given(rounds(), st.randoms(use_true_random=False))
def test_results_from_tallies_are_exactly_the_results_from_the_scores(round_, rng):
    scores, criteria, rules = round_
    tallies = tallied(scores, rules.scale_max)
    rng.shuffle(tallies)
    from_scores = results(scores, criteria, rules)
    # Same order, ranks, totals (shown and exact), means, flags and tie-break words.
    assert results_from_tallies(tallies, criteria, rules) == from_scores
    assert sorted(tally(scores, rules.scale_max)) == sorted(tallies)


@settings(max_examples=250, deadline=None)
@given(rounds(), st.randoms(use_true_random=False))
def test_agreement_from_tallies_is_exactly_the_agreement_of_the_scores(round_, rng):
    scores, criteria, rules = round_
    tallies = tallied(scores, rules.scale_max)
    rng.shuffle(tallies)
    for criterion_id in (None, *(c.id for c in criteria)):
        assert agreement_from_tallies(tallies, criterion_id) == agreement(scores, criterion_id)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 3), min_size=5, max_size=5), min_size=1, max_size=30))
def test_agreement_is_what_the_krippendorff_package_works_out(table):
    tallies = [(unit, "impact", *counts) for unit, counts in enumerate(table) if sum(counts)]
    units = numpy.array([counts for counts in table if sum(counts) > 1]).reshape(-1, 5)
    found = agreement_from_tallies(tallies)
    if len(units) == 0 or numpy.count_nonzero(units.sum(axis=0)) < 2:
        assert found is None
    else:
        expected = krippendorff.alpha(value_counts=units, level_of_measurement="ordinal")
        assert found == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_agreement_does_not_move_with_the_order_of_a_large_round():
    rng = random.Random(7)
    scores = [Score(a, s, c, min(4, max(0, round(rng.gauss(2, 1))))) for a in range(400)
              for s in rng.sample(range(15), 5) for c in ("impact", "reach")]
    tallies = tally(scores, 4)
    figures = set()
    for _ in range(5):
        rng.shuffle(tallies)
        figures.add(agreement_from_tallies(tallies))
    assert len(figures) == 1 and figures == {agreement(scores)}
