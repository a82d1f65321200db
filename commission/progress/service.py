"""How far the panel's work has got: counts only, never scores, comments or totals.

Facilitators see every member and application of a round; a member sees their own work in
each of their rounds. Both are built from the same few grouped queries, so a page costs the
same number of queries whatever the size of the round or the number of rounds.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, case, exists, func, select


from commission.accounts.models import User
from commission.applications.models import Application
from commission.extensions import db
from commission.panels.models import Assignment, ConflictDeclaration, PanelSettings, TrainingModule, TrainingRecord
from commission.panels.policy import PANEL_STATUSES
from commission.rounds.models import Panel, Round, RoundPerson
from commission.scores.models import ScoreSheet
from commission.scores.policy import SCORING_STAGE
from commission.shortlist.models import ScoringClosure


@dataclass
class MemberWork:
    """One member's part in one round, in counts."""

    round_id: int
    member_id: int
    name: str
    panel_id: int
    stepped_back: bool
    minutes_each: int
    scoring_open: bool  # the round is shortlisting and this member's panel has not closed scoring
    scoring_closed: bool  # this member's panel has closed its scoring
    training_missing: list[str] = field(default_factory=list)
    undeclared: int = 0  # applications in the panel they have not yet said whether they have a link with
    assigned: int = 0  # live (not passed on) applications asked of them
    accepted: int = 0
    sent_in: int = 0  # of those assigned, sent in and still counting
    drafts: int = 0  # of those assigned, a draft saved but not sent in

    @property
    def waiting_to_accept(self) -> int:
        return self.assigned - self.accepted

    @property
    def to_score(self) -> int:
        return self.assigned - self.sent_in

    @property
    def minutes_done(self) -> int:
        return self.sent_in * self.minutes_each

    @property
    def minutes_asked(self) -> int:
        return self.assigned * self.minutes_each

    @property
    def help_reasons(self) -> list[str]:
        """Why this member may need a hand, in words. Empty if nothing stands out."""
        if self.stepped_back:
            return []
        reasons = []
        if self.training_missing:
            reasons.append("Training not finished")
        if self.scoring_open and self.waiting_to_accept:
            reasons.append("Has not accepted their work")
        if self.scoring_open and self.to_score and not self.sent_in:
            reasons.append("Nothing sent in yet")
        return reasons


@dataclass
class ApplicationProgress:
    """How many scorers one application has: wanted, asked and sent in. Never the scores."""

    id: int
    title: str
    panel_id: int
    wanted: int
    assigned: int = 0
    sent_in: int = 0

    @property
    def short_of_scorers(self) -> bool:
        return self.assigned < self.wanted


@dataclass
class PanelProgress:
    panel: Panel
    closed: ScoringClosure | None
    members: list[MemberWork]
    applications: list[ApplicationProgress]

    @property
    def may_need_help(self) -> list[MemberWork]:
        return [m for m in self.members if m.help_reasons]


def _settings(round_ids) -> dict[int, PanelSettings]:
    found = {s.round_id: s for s in db.session.scalars(select(PanelSettings).where(PanelSettings.round_id.in_(round_ids)))}
    return {r: found.get(r) or PanelSettings.defaults(r) for r in round_ids}


def _closures(round_ids) -> dict[int, ScoringClosure]:
    return {c.panel_id: c for c in db.session.scalars(
        select(ScoringClosure).join(Panel, Panel.id == ScoringClosure.panel_id).where(Panel.round_id.in_(round_ids)))}


def member_work(rounds: list[Round], member_id: int | None = None, *, settings=None,
                closures=None) -> dict[tuple[int, int], MemberWork]:
    """{(round id, member id): MemberWork} for the panel members of these rounds (or one of them).
    Pass `settings` and `closures` if you already have them, to save asking again."""
    round_ids = [r.id for r in rounds]
    stage = {r.id: r.stage for r in rounds}
    if not round_ids:
        return {}

    def only(query, column):
        return query if member_id is None else query.where(column == member_id)

    settings = settings if settings is not None else _settings(round_ids)
    closures = closures if closures is not None else _closures(round_ids)
    people = db.session.execute(only(
        select(RoundPerson.round_id, RoundPerson.user_id, RoundPerson.panel_id, RoundPerson.stepped_back_at, User.name)
        .join(User, User.id == RoundPerson.user_id)
        .where(RoundPerson.round_id.in_(round_ids), RoundPerson.role == "member")
        .order_by(RoundPerson.round_id, User.name, User.id), RoundPerson.user_id)).all()
    found = {(r, u): MemberWork(r, u, name, panel, stepped is not None, settings[r].minutes_per_application,
                                scoring_open=stage[r] == SCORING_STAGE and panel not in closures,
                                scoring_closed=panel in closures)
             for r, u, panel, stepped, name in people}

    # Training each member has not done, in the round's order.
    done = exists().where(TrainingRecord.module_id == TrainingModule.id, TrainingRecord.member_id == RoundPerson.user_id)
    for r, u, title in db.session.execute(only(
            select(TrainingModule.round_id, RoundPerson.user_id, TrainingModule.title)
            .join(RoundPerson, RoundPerson.round_id == TrainingModule.round_id)
            .where(TrainingModule.round_id.in_(round_ids), RoundPerson.role == "member", ~done)
            .order_by(TrainingModule.position), RoundPerson.user_id)):
        found[(r, u)].training_missing.append(title)

    # Applications in each member's panel they have said nothing about yet.
    declared = exists().where(ConflictDeclaration.application_id == Application.id,
                              ConflictDeclaration.member_id == RoundPerson.user_id)
    for r, u, count in db.session.execute(only(
            select(RoundPerson.round_id, RoundPerson.user_id, func.count(Application.id))
            .join(Application, and_(Application.panel_id == RoundPerson.panel_id,
                                    Application.status.in_(PANEL_STATUSES)))
            .where(RoundPerson.round_id.in_(round_ids), RoundPerson.role == "member", ~declared)
            .group_by(RoundPerson.round_id, RoundPerson.user_id), RoundPerson.user_id)):
        found[(r, u)].undeclared = count

    # The work asked of each member now, and how far they have got with it.
    counting = and_(ScoreSheet.current_record_id.is_not(None), ScoreSheet.set_aside_at.is_(None))
    drafting = and_(ScoreSheet.current_record_id.is_(None), ScoreSheet.set_aside_at.is_(None),
                    ScoreSheet.draft_saved_at.is_not(None))
    for r, u, assigned, accepted, sent_in, drafts in db.session.execute(only(
            select(Application.round_id, Assignment.member_id, func.count(Assignment.id),
                   func.count(Assignment.accepted_at), func.count(case((counting, 1))),
                   func.count(case((drafting, 1))))
            .join(Application, Application.id == Assignment.application_id)
            .outerjoin(ScoreSheet, and_(ScoreSheet.application_id == Assignment.application_id,
                                        ScoreSheet.member_id == Assignment.member_id))
            .where(Application.round_id.in_(round_ids), Assignment.released_at.is_(None))
            .group_by(Application.round_id, Assignment.member_id), Assignment.member_id)):
        work = found.get((r, u))
        if work is not None:  # someone asked to score who is no longer a member of the round
            work.assigned, work.accepted, work.sent_in, work.drafts = assigned, accepted, sent_in, drafts
    return found


def round_progress(round: Round) -> list[PanelProgress]:
    """Every panel of the round: its members' progress and each application's scorers."""
    settings, closures = _settings([round.id]), _closures([round.id])
    members = member_work([round], settings=settings, closures=closures)
    wanted = settings[round.id].scorers_per_application
    applications = {a.id: ApplicationProgress(a.id, a.title, a.panel_id, wanted) for a in db.session.execute(
        select(Application.id, Application.title, Application.panel_id)
        .where(Application.round_id == round.id, Application.status.in_(PANEL_STATUSES)).order_by(Application.id))}
    for application_id, count in db.session.execute(
            select(Assignment.application_id, func.count()).join(Application)
            .where(Application.round_id == round.id, Assignment.released_at.is_(None))
            .group_by(Assignment.application_id)):
        if application_id in applications:
            applications[application_id].assigned = count
    for application_id, count in db.session.execute(
            select(ScoreSheet.application_id, func.count()).join(Application)
            .where(Application.round_id == round.id, ScoreSheet.current_record_id.is_not(None),
                   ScoreSheet.set_aside_at.is_(None))
            .group_by(ScoreSheet.application_id)):
        if application_id in applications:
            applications[application_id].sent_in = count
    return [PanelProgress(panel, closures.get(panel.id),
                          [m for m in members.values() if m.panel_id == panel.id],
                          [a for a in applications.values() if a.panel_id == panel.id])
            for panel in round.panels]
