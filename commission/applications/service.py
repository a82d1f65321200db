"""Applications: what an applicant sends in, and the eligibility check against published rules."""
from __future__ import annotations

from sqlalchemy import select

from commission import clock
from commission.applications.models import Application, ApplicationStatus as S
from commission.audit import service as audit
from commission.errors import NotAllowed, RuleBroken
from commission.extensions import db
from commission.rounds import policy
from commission.rounds.models import Panel, Round

MAX_SUMMARY_WORDS = 300


def create(applicant, round: Round, *, organisation: str, contact_name: str, title: str, summary: str,
           amount_requested_pence: int, timescale_months: int, panel: Panel | None = None) -> Application:
    if applicant.role != "applicant":
        raise NotAllowed("Only an applicant organisation can apply.")
    _require_open_for_applications(round)
    for label, value in (("organisation", organisation), ("contact name", contact_name), ("title", title),
                         ("summary", summary)):
        if not value or not value.strip():
            raise RuleBroken(f"Fill in the {label}.")
    words = len(summary.split())
    if words > MAX_SUMMARY_WORDS:
        raise RuleBroken(f"The summary has {words} words. It can have up to {MAX_SUMMARY_WORDS}.")
    if amount_requested_pence <= 0:
        raise RuleBroken("Ask for an amount of more than £0.")
    if amount_requested_pence > round.budget_pence:
        raise RuleBroken(f"You asked for more than the whole round's budget of £{round.budget_pence / 100:,.0f}.")
    if not 1 <= timescale_months <= 60:
        raise RuleBroken("The timescale must be between 1 and 60 months.")
    if panel is not None and panel.round_id != round.id:
        raise RuleBroken("That panel belongs to another round.")
    application = Application(round_id=round.id, applicant_id=applicant.id, organisation=organisation.strip(),
                              contact_name=contact_name.strip(), title=title.strip(), summary=summary.strip(),
                              amount_requested_pence=amount_requested_pence, timescale_months=timescale_months,
                              panel_id=panel.id if panel else None, status=S.draft.value)
    db.session.add(application)
    db.session.flush()
    audit.record(applicant, "application.created", "application", application.id, round_id=round.id,
                 amount_requested_pence=amount_requested_pence)
    return application


def submit(applicant, application: Application) -> None:
    if application.applicant_id != applicant.id:
        raise NotAllowed("You can only send in your own application.")
    _require_open_for_applications(application.round)
    if application.status != S.draft.value:
        raise RuleBroken("This application has already been sent in.")
    application.status = S.submitted.value
    application.submitted_at = clock.now()
    db.session.flush()
    audit.record(applicant, "application.submitted", "application", application.id,
                 round_id=application.round_id, status=audit.change(S.draft.value, S.submitted.value))


def record_eligibility(actor, application: Application, eligible: bool, reason: str | None = None) -> None:
    """A facilitator checks an application against the published rules only, never its quality."""
    round = application.round
    if not policy.can_manage_round(actor, round):
        raise NotAllowed("Only a facilitator of this round can check eligibility.")
    if round.stage != "eligibility":
        raise RuleBroken("Eligibility can only be recorded while the round is checking eligibility.")
    if application.status not in (S.submitted.value, S.eligible.value, S.ineligible.value):
        raise RuleBroken("This application is not waiting for an eligibility check.")
    if not eligible and not (reason and reason.strip()):
        raise RuleBroken("Say which published rule the application does not meet, so the applicant knows why.")
    before = application.status
    application.status = (S.eligible if eligible else S.ineligible).value
    db.session.flush()
    audit.record(actor, "application.eligibility_recorded", "application", application.id,
                 round_id=round.id, status=audit.change(before, application.status),
                 reason=(reason or "").strip() or None)


def for_applicant(applicant) -> list[Application]:
    return list(db.session.scalars(
        select(Application).where(Application.applicant_id == applicant.id).order_by(Application.id)))


def _require_open_for_applications(round: Round) -> None:
    if round.stage != "open":
        raise RuleBroken("This round is not open for applications.")
    if round.applications_close_at and clock.now() >= round.applications_close_at:
        raise RuleBroken("The closing date for this round has passed.")
