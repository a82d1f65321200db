"""Fitting the ranking into the budget: `scoring.fit_budget`, greedy and optimal.

No database. The optimal method is checked against brute force on every small case, and
against a plain dynamic programme (over small budgets) on medium ones.
"""
from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import scoring.budget
from scoring import TooHardToFit, fit_budget, fit_budget_positions

POUND = 100


# -- plain examples -------------------------------------------------------------------------

def test_greedy_walks_down_the_ranking_skipping_what_does_not_fit():
    items = [("A", 60 * POUND, 3.5), ("B", 50 * POUND, 3.4), ("C", 30 * POUND, 3.0), ("D", 10 * POUND, 2.0)]
    assert fit_budget(items, 100 * POUND, "greedy") == ["A", "C", "D"]


def test_optimal_finds_the_most_total_score_within_the_budget():
    items = [("A", 60 * POUND, 3.5), ("B", 50 * POUND, 3.4), ("C", 50 * POUND, 3.0), ("D", 10 * POUND, 2.0)]
    assert fit_budget(items, 100 * POUND, "greedy") == ["A", "D"]      # 5.5 points
    assert fit_budget(items, 100 * POUND, "optimal") == ["B", "C"]     # 6.4 points


def test_optimal_returns_ids_in_ranking_order_not_the_order_found():
    items = [("first", 70, 1.0), ("second", 40, 2.0), ("third", 30, 2.0)]
    assert fit_budget(items, 70, "optimal") == ["second", "third"]


def test_a_declared_partial_amount_can_be_chosen_but_never_alongside_the_full_amount():
    items = [("A", 80 * POUND, 3.0), ("A", 40 * POUND, 2.0), ("B", 60 * POUND, 2.5)]
    assert fit_budget(items, 100 * POUND, "greedy") == ["A"]
    assert fit_budget(items, 100 * POUND, "optimal") == ["A", "B"]
    assert fit_budget_positions(items, 100 * POUND, "optimal") == [1, 2]   # A's partial amount
    assert fit_budget(items, 200 * POUND, "optimal") == ["A", "B"]
    assert fit_budget_positions(items, 200 * POUND, "optimal") == [0, 2]   # now the full amount


def test_equal_totals_go_to_the_choice_holding_the_better_ranked_application():
    # {A} and {B, C} both score 4 within £100: A is ranked higher, so {A} wins.
    items = [("A", 100, 4.0), ("B", 50, 2.0), ("C", 50, 2.0)]
    assert fit_budget(items, 100, "optimal") == ["A"]
    items = [("B", 50, 2.0), ("A", 100, 4.0), ("C", 50, 2.0)]
    assert fit_budget(items, 100, "optimal") == ["B", "C"]


def test_scores_are_compared_in_thousandths_of_a_point():
    # 1.0004 rounds to 1.000, so the two choices tie and the better-ranked one wins.
    items = [("A", 100, 1.0), ("B", 100, 1.0004)]
    assert fit_budget(items, 100, "optimal") == ["A"]
    assert fit_budget([("A", 100, 1.0), ("B", 100, 1.0006)], 100, "optimal") == ["B"]


def test_nothing_fits_and_nothing_to_fit():
    assert fit_budget([("A", 500, 3.0)], 100, "optimal") == []
    assert fit_budget([], 100, "optimal") == []
    assert fit_budget([], 0, "greedy") == []
    assert fit_budget([("free", 0, 1.0)], 0, "optimal") == ["free"]


@pytest.mark.parametrize("items, budget, method, message", [
    ([("A", 10, 1.0)], 100, "best", "Unknown method"),
    ([("A", -1, 1.0)], 100, "optimal", "cannot be below zero"),
    ([("A", 10, 1.0)], -5, "greedy", "budget cannot be below zero"),
    ([("A", 10.5, 1.0)], 100, "optimal", "whole number of pence"),
    ([("A", 10, 1.0)], 100.0, "optimal", "budget must be a whole number"),
    ([("A", True, 1.0)], 100, "optimal", "whole number of pence"),
    ([("A", 10, float("nan"))], 100, "optimal", "must be a number"),
    ([("A", 10, -0.5)], 100, "greedy", "score of 'A' cannot be below zero"),
    ([("A", 10)], 100, "optimal", "Item 1 should be"),
    ([(["unhashable"], 10, 1.0)], 100, "optimal", "Item 1 should be"),
])
def test_bad_input_is_refused_plainly(items, budget, method, message):
    with pytest.raises(ValueError, match=message):
        fit_budget(items, budget, method)


def test_a_round_too_evenly_matched_to_search_is_refused_not_left_running(monkeypatch):
    monkeypatch.setattr(scoring.budget, "SEARCH_LIMIT", 50)
    monkeypatch.setattr(scoring.budget, "QUICK_LIMIT", 50)
    rng = random.Random(4)
    items = [(n, cost, cost / 1000) for n, cost in enumerate(rng.randint(1_000, 9_000) for _ in range(60))]
    with pytest.raises(TooHardToFit, match="greedy method"):
        fit_budget(items, 100_000, "optimal")


# -- references -----------------------------------------------------------------------------

def units(score) -> int:
    return round(Fraction(score) * 1000)


def brute_force(items, budget) -> list[int]:
    """Every choice of at most one entry per id; the most total score within the budget; ties to
    the choice holding the best-ranked entry where two choices differ."""
    by_id: dict = {}
    for position, (identifier, _, _) in enumerate(items):
        by_id.setdefault(identifier, []).append(position)
    best_key, best = None, []
    for picks in itertools.product(*([None] + positions for positions in by_id.values())):
        chosen = sorted(position for position in picks if position is not None)
        if sum(items[p][1] for p in chosen) > budget:
            continue
        # Compare by total, then by the first position where the choices differ: the one
        # holding it wins. Marking chosen positions in a list of 0/1 does exactly that.
        key = (sum(units(items[p][2]) for p in chosen), [int(p in chosen) for p in range(len(items))])
        if best_key is None or key > best_key:
            best_key, best = key, chosen
    return best


def dynamic_programme(items, budget) -> list[int]:
    """The same rule by a table over whole budgets (only for small budgets): the objective is
    total × 2^n plus 2^(n-1-position) for each chosen entry, which adds up, so a table works."""
    n = len(items)
    by_id: dict = {}
    for position, (identifier, _, _) in enumerate(items):
        by_id.setdefault(identifier, []).append(position)
    worth = {p: (units(items[p][2]) << n) + (1 << (n - 1 - p)) for p in range(n)}
    table = [0] * (budget + 1)   # best objective within each budget, over the ids seen so far
    for positions in by_id.values():
        previous = table[:]
        for spend in range(budget + 1):
            for p in positions:
                cost = items[p][1]
                if cost <= spend and previous[spend - cost] + worth[p] > table[spend]:
                    table[spend] = previous[spend - cost] + worth[p]
    best = table[budget]
    return [p for p in range(n) if best >> (n - 1 - p) & 1]


def total_units(items, positions) -> int:
    return sum(units(items[p][2]) for p in positions)


# -- properties -----------------------------------------------------------------------------

# Scores from a few repeated values (so totals tie often) or anything to the thousandth.
scores = st.one_of(st.sampled_from([0, 1, 2, 2.5, 3, 3.25]), st.integers(0, 4000).map(lambda n: n / 1000))


@st.composite
def small_rounds(draw, most=12):
    n = draw(st.integers(0, most))
    ids = draw(st.lists(st.integers(0, max(0, n - 2)), min_size=n, max_size=n))   # repeats = partial amounts
    costs = draw(st.lists(st.one_of(st.integers(0, 40), st.sampled_from([10, 20])), min_size=n, max_size=n))
    values = draw(st.lists(scores, min_size=n, max_size=n))
    budget = draw(st.integers(0, 120))
    return list(zip(ids, costs, values)), budget


@settings(max_examples=400, deadline=None)
@given(small_rounds())
@example(([(5, 5, 0), (5, 28, 2.5), (4, 29, 2), (2, 18, 2.5), (4, 27, 2.5), (3, 21, 2), (0, 21, 1), (4, 26, 0)], 30))
@example(([(0, 10, 2), (1, 10, 2), (2, 10, 2), (3, 10, 2)], 25))
def test_optimal_equals_brute_force_on_every_small_round(round_):
    items, budget = round_
    assert fit_budget_positions(items, budget, "optimal") == brute_force(items, budget)


@st.composite
def medium_rounds(draw):
    n = draw(st.integers(12, 45))
    ids, next_id = [], 0
    for _ in range(n):   # an application's partial amount straight after its full amount, now and then
        if ids and ids[-1] == next_id - 1 and draw(st.integers(0, 5)) == 0:
            ids.append(next_id - 1)
        else:
            ids.append(next_id)
            next_id += 1
    costs = draw(st.lists(st.integers(1, 30), min_size=n, max_size=n))
    values = draw(st.lists(scores, min_size=n, max_size=n))
    budget = draw(st.integers(0, 250))
    return list(zip(ids, costs, values)), budget


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(medium_rounds())
def test_optimal_equals_a_dynamic_programme_on_medium_rounds(round_):
    items, budget = round_
    assert fit_budget_positions(items, budget, "optimal") == dynamic_programme(items, budget)


@settings(max_examples=300, deadline=None)
@given(small_rounds(most=30))
def test_both_methods_stay_within_budget_fund_an_id_once_and_optimal_scores_at_least_greedy(round_):
    items, budget = round_
    greedy = fit_budget_positions(items, budget, "greedy")
    optimal = fit_budget_positions(items, budget, "optimal")
    for chosen in (greedy, optimal):
        assert chosen == sorted(chosen)
        assert sum(items[p][1] for p in chosen) <= budget
        assert len({items[p][0] for p in chosen}) == len(chosen)
        assert fit_budget(items, budget, "optimal" if chosen is optimal else "greedy") == [items[p][0] for p in chosen]
    assert total_units(items, optimal) >= total_units(items, greedy)
    # Greedy never leaves out an entry that would still have fitted when it was reached.
    left, funded = budget, set()
    for position, (identifier, cost, _) in enumerate(items):
        if position in greedy:
            left -= cost
            funded.add(identifier)
        else:
            assert identifier in funded or cost > left


def realistic_round(seed: int):
    rng = random.Random(seed)
    items = []
    for number in range(2_000):
        cost = rng.randint(5_000, 250_000) * POUND
        score = round(min(4, max(0, rng.gauss(2.4, 0.6))), 3)
        items.append((number, cost, score))
        if rng.random() < 0.15:
            items.append((number, cost * 3 // 4, round(score * 0.75, 3)))
    return items, rng.randint(20_000_000, 40_000_000) * POUND


def test_a_realistic_round_of_two_thousand_is_fitted_exactly_and_repeatably():
    items, budget = realistic_round(11)
    greedy = fit_budget_positions(items, budget, "greedy")
    optimal = fit_budget_positions(items, budget, "optimal")
    assert sum(items[p][1] for p in optimal) <= budget
    assert len({items[p][0] for p in optimal}) == len(optimal)
    assert total_units(items, optimal) > total_units(items, greedy)
    assert fit_budget_positions(list(items), budget, "optimal") == optimal
