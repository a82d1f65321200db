"""Feedback letter pages: the facilitator drafts and changes letters, the panel approves them, the
funder reads them, and each applicant reads their own once it is published. Thin: the rules are
in commission.letters.service and policy."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from commission.actions import attempt
from commission.applications.models import STATUS_LABELS, Application, ApplicationStatus
from commission.decisions import policy as decision_policy
from commission.documents.render import to_html
from commission.documents.service import problems_by_sentence
from commission.extensions import db
from commission.letters import forms, policy, service
from commission.letters.models import APPROVERS, Letter
from commission.panels import policy as panel_policy
from commission.panels.service import SETUP_STAGES
from commission.rounds import policy as round_policy
from commission.rounds.lookup import round_or_404
from commission.rounds.models import Round

bp = Blueprint("letters", __name__)


def _round(round_id: int) -> Round:
    return round_or_404(round_id, may_see=policy.may_list)


def _letter(round: Round, letter_id: int) -> tuple[Letter, Application]:
    letter = db.session.get(Letter, letter_id)
    if letter is None or letter.round_id != round.id:
        abort(404)
    application = db.session.get(Application, letter.application_id)
    if not policy.may_read(current_user, letter, application):
        abort(404)
    return letter, application


def state_words(letter: Letter | None, application: Application, current_decision_id: int | None) -> str:
    """Where a letter has got to, for the list."""
    if application.status not in policy.FINISHED:
        return "Waiting for the panel to decide again"
    if letter is None:
        return "Not written yet"
    newest, published = letter.newest, letter.published
    if newest.decision_id != current_decision_id:
        return "Out of date: the panel's decision has changed. Write the letters again"
    if published is newest:
        return "Published: the applicant can read it"
    waiting = "waiting for approval" if newest.check_passed else "does not pass the plain-English check yet"
    if published is not None:
        return f"Published, and a changed version is {waiting}"
    return f"Draft {waiting}"


@bp.get("/rounds/<int:round_id>/letters")
@login_required
def index(round_id: int):
    round = _round(round_id)
    role = round_policy.round_role(current_user, round)
    rows = []
    if round.stage in policy.READING_STAGES:
        applications = service.sent_applications(round)
        if role == "member":
            panel_id = panel_policy.panel_of(current_user, round)
            linked = {a for a, m in panel_policy.excluded_pairs(round, [a.id for a in applications])
                      if m == current_user.id}
            applications = [a for a in applications if a.panel_id in (None, panel_id) and a.id not in linked]
        letters = {letter.application_id: letter for letter in db.session.scalars(
            select(Letter).where(Letter.round_id == round.id).options(selectinload(Letter.versions)))}
        decisions = decision_policy.currents(round)
        for application in applications:
            letter = letters.get(application.id)
            decision = decisions.get(application.id)
            rows.append((application, letter, state_words(letter, application, decision.id if decision else None)))
    return render_template("letters/index.html", round=round, role=role, rows=rows, labels=STATUS_LABELS,
                           writer=policy.can_write(current_user, round), approver=policy.settings_for(round).approver,
                           approvers=APPROVERS, writing=round.stage == policy.WRITING_STAGE,
                           reading=round.stage in policy.READING_STAGES, untold=policy.untold(round))


@bp.post("/rounds/<int:round_id>/letters/draft")
@login_required
def draft_all(round_id: int):
    round = _round(round_id)

    def said(drafted):
        if not drafted:
            return "Every letter is already written from the panel's decisions. Nothing new was drafted."
        count = len(drafted)
        return (f"{count} {'letter is' if count == 1 else 'letters are'} drafted. Check each one, change it if "
                "needed, and ask the panel to approve it.")

    return attempt(lambda: service.draft_all(current_user, round), said, url_for(".index", round_id=round_id))


def _show_page(round: Round, letter: Letter, application: Application, errors: dict | None = None,
               typed: str | None = None, status: int = 200):
    newest = letter.newest
    refusal = policy.why_not_approve(current_user, letter, application)
    return render_template(
        "letters/show.html", round=round, letter=letter, application=application, newest=newest,
        published=letter.published, preview=to_html(newest.markdown), label=STATUS_LABELS[application.status_enum],
        current=policy.is_current(newest, application), writer=policy.can_write(current_user, round),
        writing=round.stage == policy.WRITING_STAGE, may_approve=refusal is None,
        approve_wait=refusal[0] if refusal and not refusal[1] else None,
        approver=APPROVERS[policy.settings_for(round).approver], errors=errors or {},
        markdown=newest.markdown if typed is None else typed, hint=forms.MARKDOWN_HINT,
        min_flesch=service.min_flesch_for(round), problems_by_sentence=problems_by_sentence), status


@bp.get("/rounds/<int:round_id>/letters/<int:letter_id>")
@login_required
def show(round_id: int, letter_id: int):
    round = _round(round_id)
    letter, application = _letter(round, letter_id)
    return _show_page(round, letter, application)


@bp.post("/rounds/<int:round_id>/letters/<int:letter_id>/versions")
@login_required
def revise(round_id: int, letter_id: int):
    round = _round(round_id)
    letter, application = _letter(round, letter_id)
    form = forms.LetterForm()
    back = url_for(".show", round_id=round_id, letter_id=letter_id)

    def show_again(problem):
        return _show_page(db.session.get(Round, round_id), db.session.get(Letter, letter_id),
                          db.session.get(Application, application.id), errors=problem.fields,
                          typed=form.markdown.data, status=400)

    def said(version):
        passes = ("It passes the plain-English check, so it can be approved." if version.check_passed else
                  "It does not pass the plain-English check yet: see what to change below.")
        return f"Version {version.number} is saved. {passes}"

    return attempt(lambda: service.revise(current_user, letter, form.markdown.data), said, back, on_fields=show_again)


@bp.post("/rounds/<int:round_id>/letters/<int:letter_id>/approve")
@login_required
def approve(round_id: int, letter_id: int):
    round = _round(round_id)
    letter, application = _letter(round, letter_id)
    form = forms.ApproveForm()
    version = next((v for v in letter.versions if str(v.id) == form.version_id.data), None)
    if version is None:
        abort(400)
    return attempt(lambda: service.approve(current_user, version),
                   f"Version {version.number} is approved and published. {application.organisation} can read it now.",
                   url_for(".show", round_id=round_id, letter_id=letter_id))


def _settings_page(round: Round, form=None, status: int = 200):
    settings = policy.settings_for(round)
    form = form or forms.SettingsForm(formdata=None, data={"approver": settings.approver})
    return render_template("letters/settings.html", round=round, form=form, settings=settings, approvers=APPROVERS,
                           editable=policy.can_write(current_user, round) and round.stage in SETUP_STAGES), status


@bp.get("/rounds/<int:round_id>/letters/settings")
@login_required
def settings(round_id: int):
    return _settings_page(_round(round_id))


@bp.post("/rounds/<int:round_id>/letters/settings")
@login_required
def save_settings(round_id: int):
    round = _round(round_id)
    form = forms.SettingsForm()

    def show_again(problem):
        form.approver.errors = [str(problem)]
        return _settings_page(db.session.get(Round, round_id), form, 400)

    return attempt(lambda: service.set_approver(current_user, round, form.approver.data),
                   lambda s: f"Saved. {APPROVERS[s.approver]} approves the letters.",
                   url_for(".settings", round_id=round_id), on_fields=show_again)


@bp.get("/applications/<int:application_id>/letter")
@login_required
def applicant_letter(application_id: int):
    """The applicant's own letter, once it is published. Nobody else reads it here."""
    application = db.session.get(Application, application_id)
    if application is None or application.applicant_id != current_user.id:
        abort(404)
    letter = policy.letter_for_applicant(current_user, application)
    version = letter.published if letter else None
    return render_template("letters/applicant.html", application=application, version=version,
                           html=to_html(version.markdown) if version else None,
                           current=version is not None and policy.told(application),
                           withdrawn=application.status == ApplicationStatus.withdrawn.value)
