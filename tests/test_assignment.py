"""Sharing applications out: caps and conflicts are never broken, coverage is as full as the
rules allow, loads are even, and the same inputs always give the same plan."""
import itertools
import random
from collections import Counter

import pytest
from hypothesis import given, settings, strategies as st

from commission.panels.assignment import explain, plan


def test_four_scorers_each_spread_evenly():
    result = plan(range(1, 11), range(100, 110), 4, {m: 10 for m in range(100, 110)})
    assert not result.short
    assert Counter(app for app, _ in result.pairs) == {app: 4 for app in range(1, 11)}
    loads = result.loads()
    assert max(loads.values()) - min(loads.values()) <= 1


def test_conflicts_and_caps_are_hard_limits_and_the_shortfall_is_explained():
    excluded = {(1, 100), (1, 101), (1, 102)}
    result = plan([1, 2], [100, 101, 102, 103, 104], 4, {m: 2 for m in range(100, 105)}, excluded)
    assert not set(result.pairs) & excluded
    assert result.short == {1: 2}
    assert explain(result, 4, excluded) == ("1 application has fewer than 4 scorers because 3 members declared "
                                           "conflicts on it, and nobody else had room left.")
    capped = plan([1, 2, 3], [100, 101], 2, {100: 1, 101: 1})
    assert sum(capped.short.values()) == 4
    assert explain(capped, 2) == ("3 applications have fewer than 2 scorers because the panel's members have "
                                  "no more room within their workload caps.")


def test_existing_pairs_are_kept_and_count_towards_limits():
    existing = {(1, 100), (1, 101)}
    result = plan([1, 2], [100, 101, 102], 2, {100: 1, 101: 2, 102: 2}, existing=existing)
    assert not set(result.pairs) & existing
    loads = result.loads(existing)
    assert loads[100] <= 1 and loads[101] <= 2
    assert not result.short


settings_small = settings(max_examples=60, deadline=None)


@settings_small
@given(st.data())
def test_property_limits_coverage_and_determinism(data):
    apps = list(range(data.draw(st.integers(1, 4))))
    members = list(range(100, 100 + data.draw(st.integers(1, 4))))
    scorers = data.draw(st.integers(1, 3))
    capacity = {m: data.draw(st.integers(0, 3)) for m in members}
    pairs = list(itertools.product(apps, members))
    excluded = set(data.draw(st.lists(st.sampled_from(pairs), max_size=len(pairs), unique=True)))
    result = plan(apps, members, scorers, capacity, excluded)
    loads = result.loads()
    assert all(loads[m] <= capacity[m] for m in members)
    assert not set(result.pairs) & excluded
    assert all(n <= scorers for n in Counter(a for a, _ in result.pairs).values())
    # Coverage is the most possible: compare with a brute force over every choice of pairs.
    assert len(result.pairs) == best_coverage(apps, members, scorers, capacity, excluded)
    shuffled = plan(random.Random(1).sample(apps, len(apps)), list(reversed(members)), scorers,
                    dict(reversed(list(capacity.items()))), set(excluded))
    assert shuffled == result


def best_coverage(apps, members, scorers, capacity, excluded) -> int:
    allowed = [(a, m) for a in apps for m in members if (a, m) not in excluded]
    best = 0
    for size in range(len(allowed), 0, -1):
        if size <= best:
            break
        for chosen in itertools.combinations(allowed, size):
            per_app, per_member = Counter(a for a, _ in chosen), Counter(m for _, m in chosen)
            if all(v <= scorers for v in per_app.values()) and all(per_member[m] <= capacity[m] for m in per_member):
                return size
    return best


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="at least one scorer"):
        plan([1], [2], 0, {2: 1})
