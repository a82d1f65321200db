"""Scoring: totals, generosity, minimum, ranking and tie-breaks, moderation, agreement.

Pure functions, no database. Budget fitting is in test_scoring_budget.py.
"""
from __future__ import annotations

import hashlib
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import (CriterionSpec, Flag, Rules, Score, agreement, generosity_offsets, moderation_flags, results,
                     weighted_total)

TWO = [CriterionSpec("impact", 3, 1), CriterionSpec("reach", 1, 2)]


def scores_of(table):
    """{(application, scorer): {criterion: value}} -> [Score]"""
    return [Score(application, scorer, criterion, value)
            for (application, scorer), row in table.items() for criterion, value in row.items()]


def by_id(found):
    return {result.application_id: result for result in found}


# -- records ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [-1, 2.5, True, "3"])
def test_a_score_is_a_whole_number_of_points(value):
    with pytest.raises(ValueError, match="whole number of points"):
        Score(1, "ann", "impact", value)


@pytest.mark.parametrize("changes, message", [
    (dict(tie_break=(1, 2)), "must end with \"draw\""),
    (dict(tie_break=("draw", 1)), "must end with \"draw\""),
    (dict(tie_break=(1, 1, "draw")), "same criterion twice"),
    (dict(tie_break=("impact", "draw")), "by their position"),
    (dict(draw_seed=" "), "recorded seed"),
    (dict(combination="median"), "Unknown way of combining"),
    (dict(minimum_hundredths=2.5), "hundredths"),
    (dict(scale_max=0), "top of the scoring scale"),
    (dict(moderation_tolerance=-1), "moderation tolerance"),
])
def test_rules_refuse_what_would_leave_a_ranking_undecided_or_unclear(changes, message):
    with pytest.raises(ValueError, match=message):
        Rules(**{"draw_seed": "round 7, drawn 3 March", **changes})


def test_criteria_refuse_negative_weights():
    with pytest.raises(ValueError, match="cannot be below zero"):
        CriterionSpec("impact", -1, 1)


# -- weighted totals -------------------------------------------------------------------------

def test_weighted_total_is_the_weighted_average_of_criterion_means():
    scores = scores_of({(1, "ann"): {"impact": 4, "reach": 2}, (1, "bob"): {"impact": 3}})
    # impact: mean 3.5, weight 3; reach: mean 2 (only ann scored it), weight 1.
    assert weighted_total(scores, TWO) == (3 * 3.5 + 1 * 2) / 4 == 3.125


def test_a_missing_score_counts_as_the_mean_of_those_who_did_score_that_criterion():
    partial = scores_of({(1, "ann"): {"impact": 4, "reach": 1}, (1, "bob"): {"impact": 2, "reach": 4},
                         (1, "cat"): {"impact": 3}})
    filled_in = partial + [Score(1, "cat", "reach", 0)]
    assert weighted_total(partial, TWO) == pytest.approx((3 * 3 + 2.5) / 4)
    assert weighted_total(partial, TWO) != weighted_total(filled_in, TWO)


def test_no_total_without_scores_on_every_weighted_criterion():
    assert weighted_total([], TWO) is None
    assert weighted_total(scores_of({(1, "ann"): {"impact": 4}}), TWO) is None
    unweighted_reach = [CriterionSpec("impact", 1, 1), CriterionSpec("reach", 0, 2)]
    assert weighted_total(scores_of({(1, "ann"): {"impact": 4}}), unweighted_reach) == 4


def test_fractional_weights_are_used_in_exact_proportion():
    scores = scores_of({(1, "ann"): {"impact": 4, "reach": 1}})
    as_fractions = [CriterionSpec("impact", 0.75, 1), CriterionSpec("reach", 0.25, 2)]
    assert weighted_total(scores, as_fractions) == weighted_total(scores, TWO) == 3.25


@pytest.mark.parametrize("scores, message", [
    ([Score(1, "ann", "impact", 4), Score(2, "ann", "impact", 4)], "one application"),
    ([Score(1, "ann", "cost", 4)], "not one of the round's"),
    ([Score(1, "ann", "impact", 4), Score(1, "ann", "impact", 3)], "more than once"),
])
def test_weighted_total_refuses_scores_it_cannot_make_sense_of(scores, message):
    with pytest.raises(ValueError, match=message):
        weighted_total(scores, TWO)


# -- results and ranking ---------------------------------------------------------------------

RULES = Rules(draw_seed="spring round, seed agreed 4 March", tie_break=(2, 1, "draw"), minimum_hundredths=200)


def test_results_rank_by_total_then_list_those_below_the_minimum_then_those_not_yet_totalled():
    scores = scores_of({
        ("low", "ann"): {"impact": 1, "reach": 2}, ("low", "bob"): {"impact": 1, "reach": 1},
        ("high", "ann"): {"impact": 4, "reach": 3}, ("high", "bob"): {"impact": 3, "reach": 3},
        ("mid", "ann"): {"impact": 3, "reach": 2}, ("mid", "bob"): {"impact": 2, "reach": 2},
        ("unfinished", "ann"): {"impact": 4},
    })
    found = results(scores, TWO, RULES)
    assert [(r.application_id, r.rank, r.below_minimum) for r in found] == [
        ("high", 1, False), ("mid", 2, False), ("low", None, True), ("unfinished", None, False)]
    high = found[0]
    assert high.exact_total == Fraction(3 * 7 + 2 * 3, 2 * 4) and high.total == 3.37   # 3.375 shown rounded down
    assert high.per_criterion == {"impact": 3.5, "reach": 3.0}
    assert found[-1].total is None and found[-1].exact_total is None


def test_the_shown_total_never_disagrees_with_the_minimum():
    scores = scores_of({(1, "ann"): {"impact": 3, "reach": 2}, (1, "bob"): {"impact": 3, "reach": 3},
                        (1, "cat"): {"impact": 2, "reach": 3}})
    just_above = by_id(results(scores, TWO, Rules(draw_seed="s", minimum_hundredths=266)))[1]
    just_below = by_id(results(scores, TWO, Rules(draw_seed="s", minimum_hundredths=267)))[1]
    assert just_above.exact_total == Fraction(8, 3)   # both criteria average 8/3
    assert (just_above.total, just_above.below_minimum, just_above.rank) == (2.66, False, 1)
    assert (just_below.total, just_below.below_minimum, just_below.rank) == (2.66, True, None)
    exactly_on = by_id(results(scores_of({(1, "ann"): {"impact": 2, "reach": 2}}), TWO,
                               Rules(draw_seed="s", minimum_hundredths=200)))[1]
    assert (exactly_on.total, exactly_on.below_minimum) == (2.0, False)


def test_a_tie_on_total_goes_to_the_higher_score_on_the_first_tie_break_criterion():
    criteria = [CriterionSpec("impact", 1, 1), CriterionSpec("reach", 1, 2)]
    scores = scores_of({("A", "ann"): {"impact": 4, "reach": 2}, ("B", "ann"): {"impact": 2, "reach": 4},
                        ("C", "ann"): {"impact": 1, "reach": 1}})
    found = results(scores, criteria, Rules(draw_seed="s", tie_break=(2, "draw")))
    assert [r.application_id for r in found] == ["B", "A", "C"]
    assert [r.tie_broken_by for r in found] == ["higher score on criterion 2", "higher score on criterion 2", None]
    found = results(scores, criteria, Rules(draw_seed="s", tie_break=(1, 2, "draw")))
    assert [r.application_id for r in found][:2] == ["A", "B"]
    assert found[0].tie_broken_by == "higher score on criterion 1"


def test_a_tie_on_everything_goes_to_the_recorded_draw_the_same_way_every_time():
    criteria = [CriterionSpec("impact", 1, 1)]
    scores = [Score(application, "ann", "impact", 3) for application in range(1, 7)]

    def order(seed):
        return [r.application_id for r in results(scores, criteria, Rules(draw_seed=seed))]

    drawn = order("seed agreed at co-design")
    assert drawn == order("seed agreed at co-design")
    assert drawn == sorted(range(1, 7), key=lambda a: hashlib.sha256(f"seed agreed at co-design:{a}".encode())
                           .hexdigest())
    assert any(order(f"another seed {n}") != drawn for n in range(5))
    assert {r.tie_broken_by for r in results(scores, criteria, Rules(draw_seed="x"))} == {"the recorded draw"}


@pytest.mark.parametrize("scores, rules, message", [
    ([Score(1, "ann", "impact", 5)], Rules(draw_seed="s"), "above the top of the scale"),
    ([Score(1, "ann", "cost", 3)], Rules(draw_seed="s"), "not one of the round's"),
    ([Score(1, "ann", "impact", 3)], Rules(draw_seed="s", tie_break=(9, "draw")), "no criterion is at that position"),
    ([Score(1, "ann", "impact", 3), Score(1, "ann", "impact", 2)], Rules(draw_seed="s"), "more than once"),
])
def test_results_refuse_scores_that_break_the_rounds_rules(scores, rules, message):
    with pytest.raises(ValueError, match=message):
        results(scores, TWO, rules)


def test_results_refuse_criteria_sharing_a_position():
    with pytest.raises(ValueError, match="position 1"):
        results([], [CriterionSpec("a", 1, 1), CriterionSpec("b", 1, 1)], Rules(draw_seed="s"))


def test_results_carry_moderation_flags_for_each_application():
    scores = scores_of({(1, "ann"): {"impact": 0, "reach": 4}, (1, "bob"): {"impact": 3, "reach": 0},
                        (2, "ann"): {"impact": 2, "reach": 2}, (2, "bob"): {"impact": 4, "reach": 3}})
    found = by_id(results(scores, TWO, Rules(draw_seed="s")))
    assert found[1].flags == [Flag(1, "impact", 0, 3, 3), Flag(1, "reach", 0, 4, 4)]
    assert found[2].flags == []


# Small rounds where totals tie often: 2-6 applications, 1-3 scorers, values 0-2 on 3 criteria.
@st.composite
def tied_rounds(draw):
    # Criterion 1 always counts; the others may have weight 0 (then they can go unscored and
    # still break ties: no score there comes after any score).
    criteria = [CriterionSpec(f"c{p}", draw(st.sampled_from([1, 2] if p == 1 else [0, 1, 1, 2])), p)
                for p in (1, 2, 3)]
    scores = []
    for application in range(draw(st.integers(2, 6))):
        for scorer in range(draw(st.integers(1, 3))):
            for criterion in criteria:
                if draw(st.integers(0, 9)):   # now and then a criterion goes unscored
                    scores.append(Score(application, f"s{scorer}", criterion.id, draw(st.integers(0, 2))))
    positions = draw(st.permutations([1, 2, 3]))[:draw(st.integers(0, 3))]
    rules = Rules(draw_seed=draw(st.text(min_size=1, max_size=8).filter(str.strip)), tie_break=(*positions, "draw"),
                  minimum_hundredths=draw(st.sampled_from([None, 50, 100])),
                  combination=draw(st.sampled_from(["weighted_average", "generosity_adjusted"])))
    return scores, criteria, rules


@settings(max_examples=150, deadline=None)
@given(tied_rounds(), st.randoms(use_true_random=False))
def test_ranking_does_not_depend_on_the_order_scores_arrive_in(round_, rng):
    scores, criteria, rules = round_
    shuffled = list(scores)
    rng.shuffle(shuffled)
    assert results(shuffled, criteria, rules) == results(scores, criteria, rules)


@settings(max_examples=200, deadline=None)
@given(tied_rounds())
def test_every_tie_is_broken_by_the_declared_rule(round_):
    scores, criteria, rules = round_
    if rules.combination != "weighted_average":
        return
    position = {c.id: c.position for c in criteria}
    cells: dict = {}
    for s in scores:
        cells.setdefault((s.application_id, position[s.criterion_id]), []).append(s.value)
    mean = {key: Fraction(sum(values), len(values)) for key, values in cells.items()}

    found = [r for r in results(scores, criteria, rules) if r.exact_total is not None]
    ranked = [r for r in found if not r.below_minimum]
    assert [r.rank for r in ranked] == list(range(1, len(ranked) + 1))
    for upper, lower in zip(found, found[1:]):
        if upper.below_minimum != lower.below_minimum:
            assert not upper.below_minimum
            continue
        assert upper.exact_total >= lower.exact_total
        if upper.exact_total > lower.exact_total:
            continue
        for p in rules.tie_break[:-1]:
            a, b = mean.get((upper.application_id, p)), mean.get((lower.application_id, p))
            if a != b:
                assert b is None or (a is not None and a > b)
                assert lower.tie_broken_by == f"higher score on criterion {p}"
                break
        else:
            def ticket(application):
                return hashlib.sha256(f"{rules.draw_seed}:{application}".encode()).hexdigest()
            assert ticket(upper.application_id) < ticket(lower.application_id)
            assert lower.tie_broken_by == "the recorded draw"
    for result in found:
        tied = [r for r in found if r.exact_total == result.exact_total]
        assert (result.tie_broken_by is None) == (len(tied) == 1)


# -- generosity ------------------------------------------------------------------------------

def test_someone_who_always_scores_a_point_higher_gets_an_offset_of_one():
    table = {}
    for application, base in ((1, 1), (2, 3), (3, 2)):
        for criterion in ("impact", "reach"):
            table.setdefault((application, "ann"), {})[criterion] = base
            table.setdefault((application, "bob"), {})[criterion] = base
            table.setdefault((application, "gen"), {})[criterion] = base + 1
    offsets = generosity_offsets(scores_of(table))
    assert offsets == {"ann": -0.5, "bob": -0.5, "gen": 1.0}


def test_adjusting_for_generosity_removes_the_advantage_of_a_generous_scorer():
    # P and Q are equally good; P happens to be scored by the generous scorer.
    table = {("P", "ann"): {"impact": 2, "reach": 2}, ("P", "bob"): {"impact": 2, "reach": 2},
             ("P", "gen"): {"impact": 3, "reach": 3},
             ("Q", "ann"): {"impact": 2, "reach": 2}, ("Q", "bob"): {"impact": 2, "reach": 2},
             ("Q", "dee"): {"impact": 2, "reach": 2}}
    scores = scores_of(table)
    assert generosity_offsets(scores)["gen"] == 1.0
    plain = by_id(results(scores, TWO, Rules(draw_seed="s")))
    adjusted = by_id(results(scores, TWO, Rules(draw_seed="s", combination="generosity_adjusted")))
    assert plain["P"].exact_total > plain["Q"].exact_total
    assert adjusted["P"].exact_total == adjusted["Q"].exact_total
    assert adjusted["P"].tie_broken_by == "the recorded draw"


def test_adjusted_scores_stay_on_the_scale_and_a_lone_scorer_is_not_adjusted():
    table = {(1, "ann"): {"impact": 4, "reach": 4}, (1, "stingy"): {"impact": 1, "reach": 1},
             (2, "stingy"): {"impact": 4, "reach": 4}, (3, "solo"): {"impact": 3, "reach": 1}}
    scores = scores_of(table)
    offsets = generosity_offsets(scores)
    assert offsets == {"ann": 3.0, "stingy": -3.0, "solo": 0.0}
    adjusted = by_id(results(scores, TWO, Rules(draw_seed="s", combination="generosity_adjusted")))
    assert adjusted[2].per_criterion == {"impact": 4.0, "reach": 4.0}   # 4 + 3 kept at the top of the scale
    assert adjusted[1].per_criterion == {"impact": 2.5, "reach": 2.5}   # ann 4 - 3 = 1, stingy 1 + 3 = 4
    assert adjusted[3].per_criterion == {"impact": 3.0, "reach": 1.0}


# -- moderation ------------------------------------------------------------------------------

def test_moderation_flags_only_gaps_wider_than_the_tolerance():
    scores = scores_of({(1, "ann"): {"impact": 1, "reach": 0}, (1, "bob"): {"impact": 3, "reach": 3},
                        (2, "ann"): {"impact": 4}})
    assert moderation_flags(scores) == [Flag(1, "reach", 0, 3, 3)]
    assert moderation_flags(scores, tolerance=1) == [Flag(1, "impact", 1, 3, 2), Flag(1, "reach", 0, 3, 3)]
    with pytest.raises(ValueError, match="tolerance"):
        moderation_flags(scores, tolerance=-1)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4), st.sampled_from(["impact", "reach"]),
                          st.integers(0, 4)), max_size=40, unique_by=lambda t: t[:3]),
       st.integers(0, 4))
def test_moderation_flags_exactly_the_spreads_above_tolerance(rows, tolerance):
    scores = [Score(application, scorer, criterion, value) for application, scorer, criterion, value in rows]
    values: dict = {}
    for s in scores:
        values.setdefault((s.application_id, s.criterion_id), []).append(s.value)
    expected = [Flag(a, c, min(v), max(v), max(v) - min(v))
                for (a, c), v in sorted(values.items()) if max(v) - min(v) > tolerance]
    assert moderation_flags(scores, tolerance) == expected


# -- agreement -------------------------------------------------------------------------------

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the example with missing
# values: 4 observers, 12 units. Published ordinal alpha: 0.815.
KRIPPENDORFF_EXAMPLE = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
                        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
                        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
                        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]


def test_agreement_matches_krippendorffs_worked_example():
    scores = [Score(unit, f"observer {row}", "impact", value)
              for row, values in enumerate(KRIPPENDORFF_EXAMPLE) for unit, value in enumerate(values)
              if value is not None]
    assert round(agreement(scores), 3) == 0.815
    assert agreement(scores, criterion_id="impact") == agreement(scores)
    assert agreement(scores, criterion_id="reach") is None


def test_perfect_agreement_is_one_and_no_variation_is_undefined():
    agreeing = [Score(application, scorer, "impact", application % 5) for application in range(8)
                for scorer in ("ann", "bob", "cat")]
    assert agreement(agreeing) == 1.0
    assert agreement([Score(a, s, "impact", 3) for a in range(4) for s in ("ann", "bob")]) is None
    assert agreement([Score(a, "ann", "impact", a % 5) for a in range(4)]) is None   # no one to agree with


def reference_ordinal_alpha(units) -> float:
    """Krippendorff's ordinal alpha from its definition, in fractions (units: lists of values)."""
    units = [u for u in units if len(u) > 1]
    domain = sorted({v for u in units for v in u})
    coincidences = {(c, k): Fraction(0) for c in domain for k in domain}
    for u in units:
        for i, c in enumerate(u):
            for j, k in enumerate(u):
                if i != j:
                    coincidences[c, k] += Fraction(1, len(u) - 1)
    n_c = {c: sum(coincidences[c, k] for k in domain) for c in domain}
    n = sum(n_c.values())

    def distance(c, k):
        low, high = min(c, k), max(c, k)
        return (sum(n_c[g] for g in domain if low <= g <= high) - (n_c[low] + n_c[high]) / 2) ** 2

    observed = sum(coincidences[c, k] * distance(c, k) for c in domain for k in domain)
    expected = sum(n_c[c] * n_c[k] * distance(c, k) for c in domain for k in domain) / (n - 1)
    return float(1 - observed / expected)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3), st.sampled_from(["impact", "reach"]),
                          st.integers(0, 4)), min_size=2, max_size=40, unique_by=lambda t: t[:3]))
def test_agreement_per_criterion_and_overall_match_the_definition(rows):
    scores = [Score(application, scorer, criterion, value) for application, scorer, criterion, value in rows]
    units: dict = {}
    for s in scores:
        units.setdefault((s.application_id, s.criterion_id), []).append(s.value)
    for criterion in (None, "impact", "reach"):
        chosen = [u for (_, c), u in units.items() if criterion in (None, c) and len(u) > 1]
        found = agreement(scores, criterion_id=criterion)
        if not chosen or len({v for u in chosen for v in u}) < 2:
            assert found is None
        else:
            assert found == pytest.approx(reference_ordinal_alpha(chosen), abs=1e-9)


def test_a_realistic_round_agrees_somewhat():
    rng = random.Random(5)
    scores = []
    for application in range(60):
        quality = rng.uniform(0.5, 3.5)
        for scorer in rng.sample(range(12), 4):
            for criterion in ("impact", "reach"):
                scores.append(Score(application, scorer, criterion, min(4, max(0, round(rng.gauss(quality, 0.7))))))
    assert 0.5 < agreement(scores) < 0.95
