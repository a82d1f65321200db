"""The panel's settings: how many scorers, how long each application takes, the cap on hours,
which links keep a member out, and how results and the suggested shortlist are worked out."""
from __future__ import annotations

import json

from commission.audit import service as audit
from commission.errors import FieldProblem, NotAllowed, RuleBroken
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.panels.models import CONFLICT_LEVELS, PanelSettings
from commission.panels.service import SETUP_STAGES
from commission.rounds import policy
from commission.rounds.models import Round


SETTING_RANGES = {
    # name: (lowest, highest, what to say if out of range)
    "scorers_per_application": (1, 20, "Each application needs from 1 to 20 scorers."),
    "minutes_per_application": (5, 600, "The time for each application must be from 5 to 600 minutes."),
    "workload_cap_hours": (1, 500, "The most hours for each member must be from 1 to 500."),
    "moderation_tolerance": (0, 10, "The gap between scores must be from 0 to 10 points."),
    "shortlist_percent": (10, 1000, "The shortlist size must be from 10% to 1000% of the budget."),
}
SETTING_SWITCHES = ("members_record_own_training", "comments_required")
BUDGET_METHODS = ("optimal", "greedy")


def update_settings(actor, round: Round, **values) -> PanelSettings:
    """A facilitator changes the panel's settings before shortlisting starts. Each box that is
    out of range is named; nothing is saved unless all are right. Every change is audited."""
    if not policy.can_manage_round(actor, round):
        raise NotAllowed("Only a facilitator of this round can change the panel's settings.")
    if round.stage not in SETUP_STAGES:
        raise RuleBroken("The panel's settings can only change before shortlisting starts.")
    known = {*SETTING_RANGES, *SETTING_SWITCHES, "excluded_levels", "budget_method"}
    if set(values) - known:
        raise TypeError(f"Unknown panel settings: {sorted(set(values) - known)}")
    settings = panel_policy.settings_for(round)
    problems = {}
    for name, (low, high, message) in SETTING_RANGES.items():
        value = values.get(name, low)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems[name] = message
    if "budget_method" in values and values["budget_method"] not in BUDGET_METHODS:
        problems["budget_method"] = "Choose how the budget is fitted."
    if "excluded_levels" in values:
        problem = _check_levels(values["excluded_levels"])
        if problem:
            problems["excluded_levels"] = problem
    if problems:
        raise FieldProblem(problems)
    after = {name: bool(v) if name in SETTING_SWITCHES else v for name, v in values.items()}
    if "excluded_levels" in after:
        after["excluded_levels"] = [lvl for lvl in CONFLICT_LEVELS if lvl in set(after["excluded_levels"])]
    before = {name: list(settings.excluded_levels) if name == "excluded_levels" else getattr(settings, name)
              for name in after}
    changes = {name: audit.change(before[name], value) for name, value in after.items() if before[name] != value}
    if not changes:
        return settings  # nothing to write, so nothing to audit
    if settings not in db.session:
        db.session.add(settings)  # the first change from the defaults
    for name, value in after.items():
        if name == "excluded_levels":
            settings.excluded_levels_json = json.dumps(value)
        else:
            setattr(settings, name, value)
    db.session.flush()
    audit.record(actor, "panel_settings.changed", "round", round.id, round_id=round.id, **changes)
    return settings


def _check_levels(chosen) -> str | None:
    """Links that keep a member out: always the closest, and every link closer than one chosen."""
    order = [lvl for lvl in CONFLICT_LEVELS if lvl != "none"]
    chosen = set(chosen or ())
    if chosen - set(order):
        return "Choose from the links listed."
    if "involved" not in chosen:
        return "Someone who works or volunteers at a group, or has money involved, must always be kept out."
    first = min((order.index(lvl) for lvl in chosen), default=len(order))
    if any(lvl not in chosen for lvl in order[first:]):
        return "If a link keeps people out, every closer link must keep them out too."
    return None
