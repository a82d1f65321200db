"""Training and conflicts of interest: recorded before anyone reads or scores an application."""
from __future__ import annotations

from sqlalchemy import func, select

from commission import clock
from commission.applications.models import Application
from commission.audit import service as audit
from commission.errors import NotAllowed, RuleBroken
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.panels.models import CONFLICT_LEVELS, ConflictDeclaration, TrainingModule, TrainingRecord
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
