"""Who may do what in a round. The one home for these questions: services enforce them,
views turn them into 403/404, templates use them only to hide what would be refused."""
from __future__ import annotations

from sqlalchemy import select

from commission.extensions import db
from commission.rounds.models import Round, RoundPerson


def part_in(user, round: Round) -> RoundPerson | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(RoundPerson).where(RoundPerson.round_id == round.id, RoundPerson.user_id == user.id))


def round_role(user, round: Round) -> str | None:
    part = part_in(user, round)
    return part.role if part else None


def can_view_round(user, round: Round) -> bool:
    """Facilitators, panel members and funders of the round see its page."""
    return round_role(user, round) is not None


def can_manage_round(user, round: Round) -> bool:
    """Setting up, pausing, resuming and cancelling: the round's facilitators only."""
    return round_role(user, round) == "facilitator"


def can_take_step(user, round: Round, step) -> bool:
    return round_role(user, round) in step.by


def can_read_audit(user, round: Round) -> bool:
    """The round's facilitators and its funder or auditor read its audit trail."""
    return round_role(user, round) in ("facilitator", "funder")


def can_administer(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role == "administrator"
