"""What a panel member may see of an application: the one home for these questions.

A member sees an application's details only when all of these hold: it is in their panel,
they have done every required training, they have said for each application in their
panel whether they have a link with it, and their link with this one does not exclude them.
"""
from __future__ import annotations

from sqlalchemy import func, select

from commission.applications.models import Application
from commission.extensions import db
from commission.panels.models import ConflictDeclaration, PanelSettings, TrainingModule, TrainingRecord
from commission.rounds.models import Round, RoundPerson

# Applications a panel looks at: they met the published rules (whatever happened after).
PANEL_STATUSES = ("eligible", "shortlisted", "not_shortlisted", "funded", "part_funded", "not_funded")


def settings_for(round: Round) -> PanelSettings:
    return db.session.get(PanelSettings, round.id) or PanelSettings.defaults(round.id)


def panel_of(member, round: Round) -> int | None:
    return db.session.scalar(select(RoundPerson.panel_id).where(
        RoundPerson.round_id == round.id, RoundPerson.user_id == member.id, RoundPerson.role == "member"))


def panel_applications(member, round: Round) -> list[Application]:
    panel_id = panel_of(member, round)
    if panel_id is None:
        return []
    return list(db.session.scalars(select(Application).where(
        Application.round_id == round.id, Application.panel_id == panel_id,
        Application.status.in_(PANEL_STATUSES)).order_by(Application.id)))


def training_missing(member, round: Round) -> list[str]:
    """Titles of the round's required training this member has not done yet."""
    done = select(TrainingRecord.module_id).where(TrainingRecord.member_id == member.id)
    return list(db.session.scalars(select(TrainingModule.title).where(
        TrainingModule.round_id == round.id, TrainingModule.id.not_in(done)).order_by(TrainingModule.position)))


def levels(member, round: Round) -> dict[int, str]:
    """The member's newest declaration for each application of the round."""
    newest = (select(ConflictDeclaration.application_id, func.max(ConflictDeclaration.id).label("id"))
              .join(Application, Application.id == ConflictDeclaration.application_id)
              .where(ConflictDeclaration.member_id == member.id, Application.round_id == round.id)
              .group_by(ConflictDeclaration.application_id).subquery())
    return dict(db.session.execute(select(ConflictDeclaration.application_id, ConflictDeclaration.level)
                                   .join(newest, newest.c.id == ConflictDeclaration.id)).all())


def level_for(member, application: Application) -> str | None:
    return db.session.scalar(select(ConflictDeclaration.level).where(
        ConflictDeclaration.member_id == member.id, ConflictDeclaration.application_id == application.id)
        .order_by(ConflictDeclaration.id.desc()).limit(1))


def excluded_pairs(round: Round, application_ids) -> set[tuple[int, int]]:
    """(application id, member id) for every member whose newest declaration keeps them out."""
    application_ids = list(application_ids)
    if not application_ids:
        return set()
    excluded_levels = settings_for(round).excluded_levels
    newest = (select(ConflictDeclaration.application_id, ConflictDeclaration.member_id,
                     func.max(ConflictDeclaration.id).label("id"))
              .where(ConflictDeclaration.application_id.in_(application_ids))
              .group_by(ConflictDeclaration.application_id, ConflictDeclaration.member_id).subquery())
    rows = db.session.execute(select(ConflictDeclaration.application_id, ConflictDeclaration.member_id,
                                     ConflictDeclaration.level).join(newest, newest.c.id == ConflictDeclaration.id))
    return {(app, member) for app, member, level in rows if level in excluded_levels}


def is_excluded(member, application: Application) -> bool:
    return level_for(member, application) in settings_for(application.round).excluded_levels


def undeclared(member, round: Round) -> list[Application]:
    said = levels(member, round)
    return [a for a in panel_applications(member, round) if a.id not in said]


def why_not_details(member, application: Application) -> str | None:
    """None if the member may read the application's details; otherwise why not, in plain words."""
    round = application.round
    if panel_of(member, round) is None or panel_of(member, round) != application.panel_id \
            or application.status not in PANEL_STATUSES:
        return "This application is not one your panel is looking at."
    missing = training_missing(member, round)
    if missing:
        return f"Before you read applications, you need to finish this training: {', '.join(missing)}."
    if is_excluded(member, application):
        return ("You told us about a link with this group that keeps you out of its scoring, so you will not "
                "see its application. Thank you for saying so.")
    if undeclared(member, round):
        return "Before you read any application, say for each one in your panel whether you have a link with it."
    return None
