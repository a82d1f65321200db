"""Who may do what with an application. Services enforce these; views turn them into 404/403;
templates use them only to hide what would be refused."""
from __future__ import annotations

from commission import clock
from commission.applications.models import Application, ApplicationStatus as S
from commission.rounds import policy as round_policy
from commission.rounds.models import Round

EDITABLE = (S.draft.value, S.submitted.value)
# Statuses still waiting for (or open to a second look at) the eligibility check.
CHECKABLE = (S.submitted.value, S.eligible.value, S.ineligible.value)
DECIDED = (S.funded.value, S.part_funded.value, S.not_funded.value)
# From here on the panel decides: what an applicant on the shortlist sees stays the same whether
# or not their decision has been made, until their letter tells them.
PANEL_DECIDING = ("deciding", "decided", "closed")


def awaiting_decision(application: Application) -> bool:
    """On the shortlist (or decided) while the panel decides: nothing may change for the applicant
    until their letter, or they would learn when their decision was made."""
    stage = application.round.paused_from if application.round.stage == "paused" else application.round.stage
    return application.status in (S.shortlisted.value, *DECIDED) and stage in PANEL_DECIDING


def owns(user, application: Application) -> bool:
    return getattr(user, "is_authenticated", False) and application.applicant_id == user.id


def is_applicant(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role == "applicant"


def applications_open(round: Round) -> bool:
    """Open for applications: the round is at `open` and its closing date has not passed."""
    if round.stage != "open":
        return False
    return round.applications_close_at is None or clock.now() < round.applications_close_at


def can_read_application(user, application: Application) -> bool:
    """The applicant, and once it is sent in, the round's facilitators (to check it against the
    published rules). Panel members read applications through scoring, with their conflicts."""
    if owns(user, application):
        return True
    # Sent in at some point: a draft withdrawn before sending was never the round's to read.
    return application.submitted_at is not None and round_policy.can_manage_round(user, application.round)


def can_download_files(user, application: Application) -> bool:
    """Whoever may read it here, and panel members who may read its details (trained, conflicts
    declared, not excluded by their own link with the group)."""
    if can_read_application(user, application):
        return True
    from commission.panels.policy import why_not_details  # panels builds on applications

    return round_policy.round_role(user, application.round) == "member" and why_not_details(user, application) is None


def can_edit_application(user, application: Application) -> bool:
    """Only its applicant, only while the round is open and before the closing date."""
    return owns(user, application) and application.status in EDITABLE and applications_open(application.round)


def can_withdraw_application(user, application: Application) -> bool:
    """Its applicant, at any time before the panel starts deciding."""
    return (owns(user, application) and application.status not in (*DECIDED, S.withdrawn.value)
            and not awaiting_decision(application))


def can_check_eligibility(user, round: Round) -> bool:
    """The round's facilitators check eligibility. Panel members, funders and applicants do not."""
    return round_policy.can_manage_round(user, round)


def can_set_up_form(user, round: Round) -> bool:
    """The round's facilitators write the application form, its rules and its settings."""
    return round_policy.can_manage_round(user, round)
