"""Fitting the ranked applications into the budget.

`fit_budget(items, budget, method)` takes `items` in ranking order, each `(id, cost_in_pence,
score)`, and returns the chosen ids in ranking order. An id may appear more than once with
different costs and scores (the full amount and a declared partial amount): at most one entry
per id is ever chosen, and `fit_budget_positions` says which (by position in `items`).

greedy   Walk down the ranking; take each entry that still fits and whose id is not already
         chosen; skip the rest and keep going. List an application's full amount before its
         partial amount, so the full amount is tried first.

optimal  The choice with the greatest total score whose cost is within the budget. Scores are
         compared in whole thousandths of a point (each score is rounded to the nearest
         thousandth once, exactly, from the number given), so the answer is exact and does not
         depend on floating-point sums. When several choices have the same greatest total,
         the one best in ranking order wins: compare two choices at the best-ranked entry
         (lowest position in `items`) that is in one but not the other; the choice holding
         that entry wins. (So a choice that adds a zero-score entry that fits beats one
         without it; and of two equal choices, the one holding the higher-ranked project wins.)

How the optimal choice is found, and why this way
-------------------------------------------------
It is a knapsack problem (with "at most one of these" groups for partial amounts). Costs are in
pence and budgets in the tens of millions of pounds, so a table over the budget is out of the
question, and a table over total score (up to ~10^6 thousandths × 2,000 entries) is too slow.
A MIP solver (scipy's HiGHS) took about a second on the bench's rounds, works in floating point
with tolerances, and would still need the tie rule enforced afterwards. A plain
branch-and-bound was fast on fine-grained costs but ran for minutes once costs were round
numbers (£10,000 steps) or scores were whole points: too many choices come within a hair of
the best. So the method is exact whole-number arithmetic in four steps:

1. Bound. The linear-programming fill (fractions of applications allowed; for an id with
   several amounts, the upper convex hull of its amounts) gives the critical ratio λ of score
   per penny. For any λ ≥ 0, λ·budget + Σ over ids of max(0, best score - λ·cost) is an upper
   bound on every choice (Lagrangian relaxation); with this λ it is the tightest such bound.
2. A good choice, found quickly: the better of "greedy by score per penny" and the exact best
   of the 48 entries whose score is closest to λ·cost (everything else taken or left as the
   bound says).
3. Reduction. An entry whose bound when forced in is strictly below the good choice's total
   cannot be in any best choice, so it is dropped; an id that must be funded (its bound
   without it is strictly below) and has one entry left is fixed in. The tests are strict, so
   every best choice survives and the tie rule is applied among all of them. On realistic
   rounds this leaves a few dozen entries out of 2,000 (some hundreds when scores are whole
   points, as many entries then tie).
4. Exact search over what is left, on a combined whole-number objective: score × 2^k plus a
   bit per entry, worth more the better its rank (k entries left). One thousandth of a point
   outweighs all the rank bits together, so the best combined value is exactly the highest
   score with the tie rule above. The search is dynamic programming over partial choices, an
   id at a time, keeping only partial choices that no other beats (one is beaten when another
   costs no more and is worth at least as much) and whose step-1 bound still reaches the good
   choice. Round-number costs make many partial choices cost the same, and then only the best
   of them is kept: that is what makes the awkward rounds fast too.

Speed (bench/budget_fit.py; 2,000 applications, 2 cores): about 0.02-0.1 s on realistic rounds,
and under 0.6 s on every variant tried (costs in £1 to £25,000 steps, scores to 3 places or
whole points, equal scores, equal costs, tiny and huge budgets, many partial amounts; the
answers agreed with HiGHS on all 36 rounds compared). A round where every score is exactly
proportional to its cost defeats any bound; rather than run for minutes, the search stops
after SEARCH_LIMIT partial choices (about 1.5 s) and raises TooHardToFit with a plain message.
"""
from __future__ import annotations

import math
from fractions import Fraction
from numbers import Real

METHODS = ("greedy", "optimal")
SCORE_UNITS = 1000  # scores are compared in whole thousandths of a point
CORE_SIZE = 48      # entries in the quick exact solve that gives step 2 its good choice
QUICK_LIMIT = 50_000        # partial choices the quick solve may keep before giving up on it
SEARCH_LIMIT = 250_000      # partial choices the exact search may keep before refusing


class TooHardToFit(Exception):
    """The optimal method gave up: the costs and scores are too evenly matched to search in time."""


class _GaveUp(Exception):
    pass


def fit_budget(items, budget: int, method: str) -> list:
    """The ids chosen to fund, in ranking order (see the module's notes for both methods)."""
    items = list(items)
    return [items[position][0] for position in fit_budget_positions(items, budget, method)]


def fit_budget_positions(items, budget: int, method: str) -> list[int]:
    """Like `fit_budget`, but the positions in `items` of the chosen entries, in ranking order:
    this tells a full amount from a partial amount of the same id."""
    items = list(items)
    ids, costs, values = _checked(items, budget, method)
    if method == "greedy":
        return _greedy(ids, costs, budget)
    return _optimal(ids, costs, values, budget)


def score_units(score) -> int:
    """A score in whole thousandths of a point: the nearest, worked out exactly from the number given
    (exactly half way goes to the even one)."""
    if type(score) is Fraction:   # the usual case (scoring.Result.exact_total): whole-number arithmetic is faster
        whole, rest = divmod(score.numerator * SCORE_UNITS, score.denominator)
        twice = 2 * rest
        return whole + (twice > score.denominator or (twice == score.denominator and whole % 2))
    return round(Fraction(score) * SCORE_UNITS)


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _checked(items, budget, method):
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}: use \"greedy\" or \"optimal\".")
    if not _whole(budget):
        raise ValueError("The budget must be a whole number of pence.")
    if budget < 0:
        raise ValueError("The budget cannot be below zero.")
    ids, costs, values = [], [], []
    for position, item in enumerate(items, start=1):
        try:
            identifier, cost, score = item
            hash(identifier)
        except (TypeError, ValueError):
            raise ValueError(f"Item {position} should be (id, cost in pence, score).") from None
        if not _whole(cost):
            raise ValueError(f"The cost of {identifier!r} must be a whole number of pence.")
        if cost < 0:
            raise ValueError(f"The cost of {identifier!r} cannot be below zero.")
        if type(score) not in (Fraction, int) and (isinstance(score, bool) or not isinstance(score, Real)
                                                   or not math.isfinite(score)):
            raise ValueError(f"The score of {identifier!r} must be a number.")
        if (score.numerator if type(score) is Fraction else score) < 0:
            raise ValueError(f"The score of {identifier!r} cannot be below zero.")
        ids.append(identifier)
        costs.append(cost)
        values.append(score_units(score))
    return ids, costs, values


def _greedy(ids, costs, budget) -> list[int]:
    chosen, funded, left = [], set(), budget
    for position, (identifier, cost) in enumerate(zip(ids, costs)):
        if cost <= left and identifier not in funded:
            chosen.append(position)
            funded.add(identifier)
            left -= cost
    return chosen


def _optimal(ids, costs, values, budget) -> list[int]:
    group_index: dict = {}
    groups: list[list[int]] = []      # positions of each id's entries that fit the budget at all
    group_of = [-1] * len(ids)
    for position, identifier in enumerate(ids):
        if costs[position] <= budget:
            index = group_index.setdefault(identifier, len(groups))
            if index == len(groups):
                groups.append([])
            groups[index].append(position)
            group_of[position] = index
    if not groups:
        return []

    # 1. The bound, scaled by q (λ = p/q): bound_q = p·budget + Σ best_q[g], where reduced[i] is
    #    q·(score - λ·cost) of entry i and best_q[g] the best of those in group g (or 0).
    p, q = _critical_ratio(groups, costs, values, budget)
    reduced = {position: q * values[position] - p * costs[position] for members in groups for position in members}
    best_q = [max(0, max(reduced[position] for position in members)) for members in groups]
    bound_q = p * budget + sum(best_q)

    # 2. A good choice.
    good = _good_choice(groups, group_of, costs, values, budget, (p, q), reduced, best_q)
    good_value = sum(values[position] for position in good)

    # 3. Reduction: keep only what can be in a best choice.
    floor_q = good_value * q
    fixed, free = [], []
    for index, members in enumerate(groups):
        without_q = bound_q - best_q[index]
        kept = [position for position in members if without_q + reduced[position] >= floor_q]
        if without_q < floor_q and len(kept) == 1:
            fixed.append(kept[0])
        else:
            free.extend(kept)
    left = budget - sum(costs[position] for position in fixed)
    floor = good_value - sum(values[position] for position in fixed)

    # 4. Exact search over what is left.
    try:
        chosen = _search(free, group_of, costs, values, left, floor, (p, q), reduced, limit=SEARCH_LIMIT)
    except _GaveUp:
        raise TooHardToFit("These costs and scores are too evenly matched for the best combination to be "
                           "found in reasonable time (almost every application gives the same score per "
                           "pound). Use the greedy method, or ask the panel to decide between them.") from None
    if sum(values[position] for position in chosen) < floor:   # cannot happen: step 2's choice is a candidate
        raise RuntimeError("The optimal budget fit found less than a choice it already knew: please report this.")
    return sorted(fixed + chosen)


def _critical_ratio(groups, costs, values, budget) -> tuple[int, int]:
    """λ = p/q, the score per penny at which the linear-programming fill runs out of budget."""
    segments = []
    for members in groups:
        hull = [(0, 0)]  # upper convex hull of (cost, value) from (0, 0): the amounts worth considering
        for cost, value in sorted(((costs[i], values[i]) for i in members), key=lambda cv: (cv[0], -cv[1])):
            if value <= hull[-1][1]:
                continue
            if cost == hull[-1][0]:  # a free entry: it replaces (0, 0)
                hull[-1] = (cost, value)
                continue
            while len(hull) >= 2:
                (c0, v0), (c1, v1) = hull[-2], hull[-1]
                if (v1 - v0) * (cost - c1) <= (value - v1) * (c1 - c0):
                    hull.pop()
                else:
                    break
            hull.append((cost, value))
        segments.extend((v1 - v0, c1 - c0) for (c0, v0), (c1, v1) in zip(hull, hull[1:]))
    # Steepest first. A float key is enough (and much faster than comparing fractions): every
    # λ ≥ 0 gives a true bound, so two slopes a hair apart taken in the wrong order only make
    # the bound a hair looser; the λ returned is exact.
    segments.sort(key=lambda segment: segment[0] / segment[1], reverse=True)
    left = budget
    for value, cost in segments:
        if cost > left:
            slope = Fraction(value, cost)
            return slope.numerator, slope.denominator
        left -= cost
    return 0, 1


def _good_choice(groups, group_of, costs, values, budget, ratio, reduced, best_q) -> list[int]:
    """A feasible choice with a high total (not necessarily the best): the better of two."""
    # Greedy by score per penny (a float key is fine: this only needs to be good, not exact).
    greedy, used, left = [], set(), budget
    for position in sorted(reduced, key=lambda i: -values[i] / costs[i] if costs[i] else -math.inf):
        if costs[position] <= left and group_of[position] not in used:
            greedy.append(position)
            used.add(group_of[position])
            left -= costs[position]
    greedy_value = sum(values[position] for position in greedy)

    # The bound's own choice away from the critical ratio, and an exact solve of the core near it.
    near = {group_of[position] for position in sorted(reduced, key=lambda i: abs(reduced[i]))[:CORE_SIZE]}
    taken = [max(members, key=lambda i: (reduced[i], -i))
             for index, members in enumerate(groups) if index not in near and best_q[index] > 0]
    left = budget - sum(costs[position] for position in taken)
    if left < 0:
        return greedy
    taken_value = sum(values[position] for position in taken)
    core = [position for index in near for position in groups[index]]
    try:
        better = _search(core, group_of, costs, values, left, greedy_value - taken_value + 1, ratio, reduced,
                         limit=QUICK_LIMIT)
    except _GaveUp:
        return greedy
    if sum(values[position] for position in better) + taken_value > greedy_value:
        return taken + better
    return greedy


def _search(entries, group_of, costs, values, capacity, floor, ratio, reduced, limit) -> list[int]:
    """The best choice among `entries` within `capacity`, at most one entry per group, by the
    tie rule (see the module's notes), provided its total is at least `floor`; positions, any
    order. [] if nothing reaches `floor`.

    Dynamic programming over partial choices, one group at a time, keeping only those no other
    beats: a partial choice is dropped if another costs no more and is worth at least as much on
    the combined objective (any completion of the first also completes the second, as well
    or better), or if its bound (λ-relaxation) is below `floor`. What remains after the last
    group holds the best choice as its most valuable entry. More than `limit` partial choices
    at once: raise _GaveUp.
    """
    k = len(entries)
    if k == 0:
        return []
    rank_bit = {position: 1 << (k - 1 - rank) for rank, position in enumerate(sorted(entries))}
    combined = {position: (values[position] << k) + rank_bit[position] for position in entries}
    by_group: dict = {}
    for position in entries:
        by_group.setdefault(group_of[position], []).append(position)
    stages = [(max(0, max(reduced[i] for i in members)), members) for members in by_group.values()]
    # The hardest to leave (or to take) first: partial choices that stray from the bound's own
    # choice on them are cut early, which keeps the lists short.
    stages.sort(key=lambda stage: -max(abs(reduced[i]) for i in stage[1]))
    p, q = ratio
    rest_q = p * capacity + sum(best for best, _ in stages)
    floor_q = floor * q
    states = [(0, 0)]  # (cost, -combined), cheapest first; combined rises strictly along the list
    for best, members in stages:
        rest_q -= best
        candidates = list(states)
        for position in members:
            cost, worth, room = costs[position], combined[position], capacity - costs[position]
            candidates.extend([(spent + cost, minus - worth) for spent, minus in states if spent <= room])
        candidates.sort()
        states, top = [], 1
        for spent, minus in candidates:
            if minus < top:  # worth more than every cheaper partial choice
                top = minus
                if q * (-minus >> k) - p * spent + rest_q >= floor_q:
                    states.append((spent, minus))
        if not states:
            return []
        if len(states) > limit:
            raise _GaveUp
    best = -states[-1][1]
    return [position for position in entries if best & rank_bit[position]]
