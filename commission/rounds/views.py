from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from commission.errors import NotAllowed, RuleBroken
from commission.extensions import db
from commission.rounds import policy, service
from commission.rounds.forms import ReasonForm, StepForm
from commission.rounds.models import Round
from workflows import get_workflow
from workflows.model import PAUSED

bp = Blueprint("rounds", __name__, url_prefix="/rounds")


def _round_for(user, round_id: int, *, manage: bool = False) -> Round:
    round = db.session.get(Round, round_id)
    # Not yours looks the same as not there: nobody learns which rounds exist.
    if round is None or not policy.can_view_round(user, round):
        abort(404)
    if manage and not policy.can_manage_round(user, round):
        abort(403)
    return round


@bp.get("/<int:round_id>")
@login_required
def show(round_id: int):
    round = _round_for(current_user, round_id)
    workflow = get_workflow(round.workflow_name)
    options = service.step_options(current_user, round)
    manager = policy.can_manage_round(current_user, round)
    return render_template("rounds/show.html", round=round, workflow=workflow, options=options,
                           manager=manager, can_read_audit=policy.can_read_audit(current_user, round),
                           step_form=StepForm(), reason_form=ReasonForm(), paused=round.stage == PAUSED,
                           can_pause=manager and round.stage in workflow.active,
                           can_cancel=manager and round.stage not in (*workflow.final, "cancelled"))


def _act(round_id: int, action, success: str, *, manage: bool):
    round = _round_for(current_user, round_id, manage=manage)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        action(round, form.reason.data)
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except RuleBroken as err:
        db.session.rollback()
        flash(str(err), "error")
        return redirect(url_for(".show", round_id=round_id), 303)
    db.session.commit()
    flash(success, "success")
    return redirect(url_for(".show", round_id=round_id), 303)


@bp.post("/<int:round_id>/steps/<step_name>")
@login_required
def take_step(round_id: int, step_name: str):
    return _act(round_id, lambda r, _reason: service.take_step(current_user, r, step_name),
                "The round has moved on.", manage=False)


@bp.post("/<int:round_id>/pause")
@login_required
def pause(round_id: int):
    return _act(round_id, lambda r, reason: service.pause(current_user, r, reason),
                "The round is paused.", manage=True)


@bp.post("/<int:round_id>/resume")
@login_required
def resume(round_id: int):
    return _act(round_id, lambda r, reason: service.resume(current_user, r, reason),
                "The round has started again where it left off.", manage=True)


@bp.post("/<int:round_id>/cancel")
@login_required
def cancel(round_id: int):
    return _act(round_id, lambda r, reason: service.cancel(current_user, r, reason),
                "The round is cancelled.", manage=True)
