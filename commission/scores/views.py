"""Scoring pages: a member scores an application, blind until they send in their own."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required

from commission.actions import attempt
from commission.applications import questions as form_setup
from commission.applications.models import Application
from commission.criteria.models import CriteriaVersion
from commission.errors import RuleBroken
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.rounds import policy
from commission.rounds.lookup import round_or_404
from commission.scores import policy as score_policy
from commission.scores import service
from commission.scores.listing import my_list, others_for

bp = Blueprint("scores", __name__, url_prefix="/rounds/<int:round_id>")


def _is_member(user, round) -> bool:
    return policy.round_role(user, round) == "member"


def _application(round, application_id: int) -> Application:
    """An application of the member's panel. Any other looks the same as not there."""
    found = db.session.get(Application, application_id)
    if found is None or found.round_id != round.id or found.panel_id != panel_policy.panel_of(current_user, round):
        abort(404)
    return found


@bp.get("/scoring")
@login_required
def mine(round_id: int):
    """The applications the member is asked to score, and how far they have got with each."""
    round = round_or_404(round_id, may_change=_is_member)
    rows = my_list(current_user, round)
    settings = panel_policy.settings_for(round)
    return render_template("scores/mine.html", round=round, rows=rows, settings=settings,
                           missing=panel_policy.training_missing(current_user, round))


def _raw_values(version: CriteriaVersion) -> dict[int, str]:
    return {c.id: request.form.get(service.field_name(c.id), "") for c in version.criteria}


def _page(round, application, *, problems=None, entered=None, status=200):
    reason = panel_policy.why_not_details(current_user, application)
    if reason:
        # Nothing of the application itself: not its summary, answers, files or scores.
        return render_template("scores/not_yet.html", round=round, application=application, reason=reason), 403
    sheet = score_policy.sheet_for(current_user, application)
    version = _version(application, sheet)
    problems = problems or {}
    chosen = entered if entered is not None else (
        sheet.current.by_criterion if sheet and sheet.current else (sheet.draft if sheet else {}))
    comment = request.form.get("comment") if entered is not None else (
        sheet.current.comment if sheet and sheet.current else (sheet.draft_comment if sheet else None))
    sees_others = score_policy.sees_others_scores(current_user, application)
    errors = [{"text": message, "href": f"#{field}"} for field, message in problems.items()]
    return render_template(
        "scores/score.html", round=round, application=application, version=version, sheet=sheet,
        questions=form_setup.questions_for(round), why_not=score_policy.why_not_score(current_user, application),
        chosen={int(k): int(v) for k, v in chosen.items()
                if service.whole_number(k) is not None and service.whole_number(v) is not None},
        comment=comment or "",
        problems=problems, errors=errors, field_name=service.field_name,
        others=others_for(current_user, application) if sees_others else None,
        flags=service.flags_for(application) if sees_others else [],
        settings=panel_policy.settings_for(round), reason=request.form.get("reason", "")), status


@bp.get("/applications/<int:application_id>/score")
@login_required
def score(round_id: int, application_id: int):
    round = round_or_404(round_id, may_change=_is_member)
    return _page(round, _application(round, application_id))


def _run(round, application, action, success: str):
    """Run a scoring action: problems beside their boxes, anything else at the top, nothing half-saved."""
    entered = {k.removeprefix("criterion_"): v for k, v in request.form.items() if k.startswith("criterion_")}
    return attempt(action, success, url_for(".score", round_id=round.id, application_id=application.id),
                   on_fields=lambda err: _page(round, application, problems=err.fields, entered=entered, status=400))


@bp.post("/applications/<int:application_id>/score")
@login_required
def save(round_id: int, application_id: int):
    """'Save as draft' keeps what is chosen so far; 'Send in my scores' sends them in."""
    round = round_or_404(round_id, may_change=_is_member)
    application = _application(round, application_id)
    version = _version(application, score_policy.sheet_for(current_user, application))
    comment = request.form.get("comment")
    if request.form.get("action") == "submit":
        return _run(round, application, lambda: service.submit(current_user, application, _raw_values(version), comment),
                    "Your scores are sent in. Thank you. You can now see the other scores for this application.")
    return _run(round, application, lambda: service.save_draft(current_user, application, _raw_values(version), comment),
                "Your draft is saved. Nobody else can see it.")


@bp.post("/applications/<int:application_id>/score/change")
@login_required
def change(round_id: int, application_id: int):
    round = round_or_404(round_id, may_change=_is_member)
    application = _application(round, application_id)
    version = _version(application, score_policy.sheet_for(current_user, application))
    seen = request.form.get("seen_record", type=int)
    return _run(round, application,
                lambda: service.revise(current_user, application, _raw_values(version), request.form.get("comment"),
                                       request.form.get("reason"), seen),
                "Your scores are changed. Your earlier scores and your reason are kept on record.")


def _version(application, sheet) -> CriteriaVersion:
    try:
        return service.version_for(application, sheet)
    except RuleBroken:  # no criteria adopted: nothing here to score
        abort(404)


# The offline scoring file adds its routes to this blueprint.
from commission.scores import workbook_views  # noqa: E402,F401
