"""A panel member's preparation (training, conflicts) and the facilitator's training record."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required

from commission.accounts.models import User
from commission.actions import attempt
from commission.applications.models import Application
from commission.errors import RuleBroken
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.panels import service
from commission.panels.models import CONFLICT_LEVELS, TrainingModule, TrainingRecord
from commission.rounds import policy
from commission.rounds.lookup import round_or_404

bp = Blueprint("panels", __name__, url_prefix="/rounds/<int:round_id>")


def _is_member(user, round) -> bool:
    return policy.round_role(user, round) == "member"


def _modules(round):
    return list(db.session.scalars(db.select(TrainingModule).where(TrainingModule.round_id == round.id)
                                   .order_by(TrainingModule.position)))


@bp.get("/panel")
@login_required
def prepare(round_id: int):
    """Before you start: the member's training, and their links with each application."""
    round = round_or_404(round_id, may_change=_is_member)
    applications = panel_policy.panel_applications(current_user, round)
    return render_template("panels/prepare.html", round=round, missing=panel_policy.training_missing(current_user, round),
                           modules=_modules(round), applications=applications,
                           levels=panel_policy.levels(current_user, round), choices=CONFLICT_LEVELS,
                           excluded=panel_policy.settings_for(round).excluded_levels,
                           self_training=panel_policy.settings_for(round).members_record_own_training,
                           assigned=service.my_assignments(current_user, round),
                           minutes_each=panel_policy.settings_for(round).minutes_per_application,
                           cap_hours=panel_policy.settings_for(round).workload_cap_hours)


@bp.post("/panel/conflicts")
@login_required
def declare(round_id: int):
    round = round_or_404(round_id, may_change=_is_member)

    def save_all():
        said = panel_policy.levels(current_user, round)
        chosen = 0
        for application in panel_policy.panel_applications(current_user, round):
            level = request.form.get(f"level_{application.id}")
            if level and level != said.get(application.id):
                service.declare(current_user, application, level)
                chosen += 1
        if not chosen:
            raise RuleBroken("Choose an answer for at least one application, or nothing has changed.")
    return attempt(save_all, "Thank you. What you said is saved.", url_for(".prepare", round_id=round.id))


@bp.get("/panel/applications/<int:application_id>")
@login_required
def application(round_id: int, application_id: int):
    round = round_or_404(round_id, may_change=_is_member)
    found = db.session.get(Application, application_id)
    if found is None or found.round_id != round.id or found.panel_id != panel_policy.panel_of(current_user, round):
        abort(404)
    reason = panel_policy.why_not_details(current_user, found)
    return render_template("panels/application.html", round=round, application=found, reason=reason), \
        (403 if reason else 200)


@bp.post("/share-out")
@login_required
def share_out(round_id: int):
    round = round_or_404(round_id, may_change=policy.can_manage_round)
    # The service says exactly what happened, including any application left short of scorers.
    return attempt(lambda: service.share_out(current_user, round), lambda said: said,
                   url_for("rounds.show", round_id=round.id))


@bp.get("/training")
@login_required
def training(round_id: int):
    round = round_or_404(round_id, may_change=policy.can_manage_round)
    members = [p.user for p in round.people if p.role == "member"]
    done = {(r.module_id, r.member_id) for r in db.session.scalars(
        db.select(TrainingRecord).join(TrainingModule).where(TrainingModule.round_id == round.id))}
    return render_template("panels/training.html", round=round, modules=_modules(round), members=members,
                           done=done)


@bp.post("/training/list")
@login_required
def set_training(round_id: int):
    round = round_or_404(round_id, may_change=policy.can_manage_round)
    titles = (request.form.get("titles") or "").splitlines()
    return attempt(lambda: service.set_training(current_user, round, titles), "The training list is saved.",
                 url_for(".training", round_id=round.id))


@bp.post("/training/<int:module_id>/members/<int:member_id>")
@login_required
def record(round_id: int, module_id: int, member_id: int):
    round = round_or_404(round_id)
    module = db.session.get(TrainingModule, module_id)
    member = db.session.get(User, member_id)
    if module is None or module.round_id != round.id or member is None:
        abort(404)
    then = url_for(".training", round_id=round.id) if policy.can_manage_round(current_user, round) \
        else url_for(".prepare", round_id=round.id)
    return attempt(lambda: service.record_training(current_user, member, module),
                 f"'{module.title}' is recorded as done.", then)
