"""Training and conflicts of interest: recorded before anyone reads or scores an application."""
from __future__ import annotations

from sqlalchemy import func, select

from commission import clock
from commission.applications.models import Application
from commission.audit import service as audit
from commission.errors import NotAllowed, RuleBroken
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.panels import assignment
from commission.panels.models import (CONFLICT_LEVELS, Assignment, ConflictDeclaration, TrainingModule,
                                       TrainingRecord)
from commission.rounds import policy
from commission.rounds.models import Round

SETUP_STAGES = ("draft", "co_design", "open", "eligibility")
DECLARING_STAGES = ("eligibility", "shortlisting", "rest_after_shortlisting", "interviews",
                    "rest_after_interviews", "deciding")


def set_training(actor, round: Round, titles: list[str]) -> list[TrainingModule]:
    """The training every member must finish before reading applications."""
    if actor is not None and not policy.can_manage_round(actor, round):
        raise NotAllowed("Only a facilitator of this round can set the training.")
    if round.stage not in SETUP_STAGES:
        raise RuleBroken("The training can only be set before shortlisting starts.")
    cleaned = [t.strip() for t in titles if t and t.strip()]
    if len(set(cleaned)) != len(cleaned):
        raise RuleBroken("Each piece of training should be listed once.")
    if any(len(t) > 120 for t in cleaned):
        raise RuleBroken("Keep each training title to 120 characters or fewer.")
    existing = list(db.session.scalars(select(TrainingModule).where(TrainingModule.round_id == round.id)))
    if db.session.scalar(select(func.count()).select_from(TrainingRecord).where(
            TrainingRecord.module_id.in_([m.id for m in existing]))):
        raise RuleBroken("Some members have already done the training, so the list cannot change now.")
    for module in existing:
        db.session.delete(module)
    db.session.flush()
    made = [TrainingModule(round_id=round.id, position=n, title=t) for n, t in enumerate(cleaned, start=1)]
    db.session.add_all(made)
    db.session.flush()
    audit.record(actor, "training.set", "round", round.id, round_id=round.id, module_ids=[m.id for m in made])
    return made


def record_training(actor, member, module: TrainingModule) -> TrainingRecord:
    """A facilitator records a member's training (or the member, where the round allows it)."""
    round = db.session.get(Round, module.round_id)
    if policy.round_role(member, round) != "member":
        raise RuleBroken("Training is recorded for the round's panel members.")
    role = policy.round_role(actor, round)
    self_allowed = panel_policy.settings_for(round).members_record_own_training
    if not (role == "facilitator" or (role == "member" and actor.id == member.id and self_allowed)):
        raise NotAllowed("Only a facilitator of this round can record training.")
    if db.session.get(TrainingRecord, (module.id, member.id)) is not None:
        raise RuleBroken(f"'{module.title}' is already recorded as done.")
    record = TrainingRecord(module_id=module.id, member_id=member.id, recorded_by_id=actor.id,
                            recorded_at=clock.now())
    db.session.add(record)
    db.session.flush()
    audit.record(actor, "training.recorded", "training_module", module.id, round_id=round.id, member_id=member.id)
    return record


def declare(actor, application: Application, level: str) -> ConflictDeclaration:
    """A member says whether they have a link with an application in their panel. They may say
    so again later; every declaration is kept and the newest counts."""
    round = application.round
    if policy.round_role(actor, round) != "member":
        raise NotAllowed("Only panel members declare conflicts of interest.")
    if panel_policy.panel_of(actor, round) != application.panel_id \
            or application.status not in panel_policy.PANEL_STATUSES:
        raise NotAllowed("This application is not one your panel is looking at.")
    if round.stage not in DECLARING_STAGES:
        raise RuleBroken("Conflicts are declared once the applications have been checked against the rules.")
    if level not in CONFLICT_LEVELS:
        raise RuleBroken("Choose the answer that fits your link with this group best.")
    before = panel_policy.level_for(actor, application)
    if before == level:
        raise RuleBroken("You have already said this.")
    declaration = ConflictDeclaration(application_id=application.id, member_id=actor.id, level=level,
                                      declared_at=clock.now())
    db.session.add(declaration)
    db.session.flush()
    audit.record(actor, "conflict.declared", "application", application.id, round_id=round.id,
                 level=audit.change(before, level),
                 excluded=level in panel_policy.settings_for(round).excluded_levels)
    return declaration


def active_assignments(round: Round):
    return list(db.session.scalars(select(Assignment).join(Application).where(
        Application.round_id == round.id, Assignment.released_at.is_(None))))


def share_out(actor, round: Round) -> str:
    """Share each panel's applications out among its members by the round's rules (see
    commission.panels.assignment). Pairs already made are kept. Returns what happened, in words."""
    if actor is not None and not policy.can_manage_round(actor, round):
        raise NotAllowed("Only a facilitator of this round can share out the applications.")
    if round.stage != "shortlisting":
        raise RuleBroken("Applications are shared out once shortlisting has started.")
    settings = panel_policy.settings_for(round)
    per_member = max(0, settings.workload_cap_hours * 60 // settings.minutes_per_application)
    existing = {(a.application_id, a.member_id) for a in active_assignments(round)}
    made, notes = [], []
    for panel in round.panels:
        members = [p.user_id for p in panel.people if p.role == "member"]
        applications = list(db.session.scalars(select(Application.id).where(
            Application.panel_id == panel.id, Application.status.in_(panel_policy.PANEL_STATUSES))))
        excluded = _excluded_pairs(round, applications, settings.excluded_levels)
        result = assignment.plan(applications, members, settings.scorers_per_application,
                                 {m: per_member for m in members}, excluded, existing)
        for application_id, member_id in result.pairs:
            db.session.add(Assignment(application_id=application_id, member_id=member_id, assigned_at=clock.now()))
            made.append([application_id, member_id])
        why = assignment.explain(result, settings.scorers_per_application, excluded)
        if why:
            notes.append(f"{panel.name}: {why}")
    db.session.flush()
    audit.record(actor, "assignments.shared_out", "round", round.id, round_id=round.id, pairs=made,
                 shortfall=notes)
    done = f"{len(made)} new pieces of scoring were shared out." if made else "Nothing new needed sharing out."
    return " ".join([done, *notes])


def _excluded_pairs(round: Round, application_ids, excluded_levels) -> set[tuple[int, int]]:
    newest = (select(ConflictDeclaration.application_id, ConflictDeclaration.member_id,
                     func.max(ConflictDeclaration.id).label("id"))
              .where(ConflictDeclaration.application_id.in_(application_ids))
              .group_by(ConflictDeclaration.application_id, ConflictDeclaration.member_id).subquery())
    rows = db.session.execute(select(ConflictDeclaration.application_id, ConflictDeclaration.member_id,
                                     ConflictDeclaration.level).join(newest, newest.c.id == ConflictDeclaration.id))
    return {(app, member) for app, member, level in rows if level in excluded_levels}


def my_assignments(member, round: Round) -> list[Application]:
    return list(db.session.scalars(select(Application).join(Assignment).where(
        Application.round_id == round.id, Assignment.member_id == member.id, Assignment.released_at.is_(None))
        .order_by(Application.id)))


def accept_work(actor, round: Round) -> int:
    """The member has seen what they are asked to score and the hours it takes, and says yes.
    Returns how many applications they accepted."""
    if policy.round_role(actor, round) != "member":
        raise NotAllowed("Only panel members accept work to score.")
    waiting = list(db.session.scalars(select(Assignment).join(Application).where(
        Application.round_id == round.id, Assignment.member_id == actor.id, Assignment.released_at.is_(None),
        Assignment.accepted_at.is_(None))))
    if not waiting:
        raise RuleBroken("There is no new work waiting for you to accept.")
    for work in waiting:
        work.accepted_at = clock.now()
    db.session.flush()
    audit.record(actor, "assignments.accepted", "round", round.id, round_id=round.id,
                 assignment_ids=[w.id for w in waiting])
    return len(waiting)
