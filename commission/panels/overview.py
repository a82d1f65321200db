"""For facilitators: who is asked to score what, and whether each has sent in. Yes or no only."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from commission.applications.models import Application
from commission.extensions import db
from commission.panels import assignment
from commission.panels import policy as panel_policy
from commission.panels.models import Assignment
from commission.panels.service import _sent_in, active_assignments, applications_each
from commission.rounds.models import Panel, Round, RoundPerson


@dataclass
class Scorer:
    assignment: Assignment
    name: str
    accepted: bool
    sent_in: bool
    stepped_back: bool


@dataclass
class ApplicationWork:
    application: Application
    scorers: list[Scorer] = field(default_factory=list)
    # (member id, name) of those the work could move to now
    could_take: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class PanelWork:
    panel: Panel
    applications: list[ApplicationWork]
    shortfall: str | None


def overview(round: Round) -> list[PanelWork]:
    """For facilitators: who is asked to score what, and whether each has sent in. Yes or no
    only: never a score, a comment or a ranking."""
    settings = panel_policy.settings_for(round)
    per_member = applications_each(settings)
    applications = list(db.session.scalars(select(Application).where(
        Application.round_id == round.id, Application.status.in_(panel_policy.PANEL_STATUSES))
        .order_by(Application.id)))
    live = active_assignments(round)
    sent = _sent_in([a.id for a in applications])
    conflicts = panel_policy.excluded_pairs(round, [a.id for a in applications])
    people = list(db.session.scalars(select(RoundPerson).options(selectinload(RoundPerson.user)).where(
        RoundPerson.round_id == round.id, RoundPerson.role == "member").order_by(RoundPerson.id)))
    names = {p.user_id: p.user.name for p in people}
    gone = {p.user_id for p in people if p.stepped_back_at is not None}
    loads = Counter(a.member_id for a in live)
    by_application: dict[int, list[Assignment]] = {}
    for work in sorted(live, key=lambda w: w.id):
        by_application.setdefault(work.application_id, []).append(work)
    result = []
    for panel in round.panels:
        rows, short = [], {}
        members = [p for p in people if p.panel_id == panel.id]
        for application in (a for a in applications if a.panel_id == panel.id):
            work = by_application.get(application.id, [])
            taken = {w.member_id for w in work}
            row = ApplicationWork(application, [
                Scorer(w, names.get(w.member_id, ""), w.accepted_at is not None,
                       (application.id, w.member_id) in sent, w.member_id in gone) for w in work])
            row.could_take = [(p.user_id, names[p.user_id]) for p in members
                              if p.user_id not in gone and p.user_id not in taken
                              and (application.id, p.user_id) not in conflicts and loads[p.user_id] < per_member]
            rows.append(row)
            if len(work) < settings.scorers_per_application:
                short[application.id] = settings.scorers_per_application - len(work)
        able = [p.user_id for p in members if p.user_id not in gone]
        shortfall = assignment.explain(assignment.Plan(pairs=(), short=short), settings.scorers_per_application,
                                       conflicts, able) if live else None
        result.append(PanelWork(panel, rows, shortfall))
    return result
