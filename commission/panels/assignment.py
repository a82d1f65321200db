"""Sharing applications out among a panel's members.

The method is a minimum-cost maximum flow (networkx): applications send "scorer places" to
members who may score them, and each member's n-th application costs n, so the flow first
covers as many places as the rules allow and then spreads them as evenly as it can. Conflicts
and workload caps are hard limits. The same inputs always give the same plan.

Pure: no Flask, no database. The service turns the plan into rows and audit entries.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import networkx as nx

SOURCE, SINK = "source", "sink"


@dataclass(frozen=True)
class Plan:
    pairs: tuple[tuple[int, int], ...]  # new (application id, member id) pairs, sorted
    short: dict[int, int] = field(default_factory=dict)  # application id -> scorer places left empty

    def loads(self, existing=()) -> Counter:
        return Counter(member for _, member in (*existing, *self.pairs))


def plan(applications, members, scorers_per_application: int, capacity: dict[int, int],
         excluded=frozenset(), existing=frozenset()) -> Plan:
    """New pairs so that each application has `scorers_per_application` scorers where possible.

    `capacity` is how many applications each member can take in all (their workload cap);
    `excluded` holds (application, member) pairs that must never be made (conflicts);
    `existing` holds pairs already made, which are kept and count towards both limits.
    """
    if scorers_per_application < 1:
        raise ValueError("Each application needs at least one scorer.")
    applications, members = sorted(set(applications)), sorted(set(members))
    excluded, existing = set(excluded), set(existing)
    have = Counter(app for app, _ in existing)
    load = Counter(member for _, member in existing)
    graph = nx.DiGraph()
    graph.add_node(SOURCE)
    graph.add_node(SINK)
    for app in applications:
        needed = max(0, scorers_per_application - have[app])
        if needed:
            graph.add_edge(SOURCE, ("a", app), capacity=needed, weight=0)
            for member in members:
                if (app, member) not in excluded and (app, member) not in existing:
                    graph.add_edge(("a", app), ("m", member), capacity=1, weight=0)
    for member in members:
        # One slot per further application the member can take; the k-th costs k, to even loads out.
        for k in range(load[member] + 1, capacity.get(member, 0) + 1):
            graph.add_edge(("m", member), ("s", member, k), capacity=1, weight=k)
            graph.add_edge(("s", member, k), SINK, capacity=1, weight=0)
    flow = nx.max_flow_min_cost(graph, SOURCE, SINK)
    pairs = tuple(sorted((node[1], target[1]) for node, targets in flow.items()
                         if isinstance(node, tuple) and node[0] == "a"
                         for target, amount in targets.items() if amount))
    got = Counter(app for app, _ in pairs) + have
    short = {app: scorers_per_application - got[app] for app in applications
             if got[app] < scorers_per_application}
    return Plan(pairs=pairs, short=short)


def explain(plan_: Plan, scorers_per_application: int, excluded=frozenset(), members=None) -> str | None:
    """Why some applications have fewer scorers than the round asks for, in plain words.
    `members`, if given, are those who can take new work (so a panel that is simply too small
    is told so, rather than blamed on caps)."""
    if not plan_.short:
        return None
    count = len(plan_.short)
    conflicted = {member for app, member in excluded if app in plan_.short}
    what = (f"{count} application{'s have' if count != 1 else ' has'} fewer than "
            f"{scorers_per_application} scorers")
    if conflicted:
        return (f"{what} because {len(conflicted)} member{'s' if len(conflicted) != 1 else ''} declared "
                f"conflicts on {'them' if count != 1 else 'it'}, and nobody else had room left.")
    if members is not None and len(set(members)) < scorers_per_application:
        n = len(set(members))
        return (f"{what} because the panel has only {n} member{'s' if n != 1 else ''} who can score "
                f"{'them' if count != 1 else 'it'}.")
    return f"{what} because the panel's members have no more room within their workload caps."
