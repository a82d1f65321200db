from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from commission.errors import NotAllowed, RuleBroken
from commission.extensions import db
from commission.rounds import policy, service
from commission.rounds.forms import ReasonForm
from commission.rounds.guidance import MEMBER_NEXT
from commission.rounds.lookup import round_or_404
from commission.rounds.models import Round
from workflows import get_workflow
from workflows.model import PAUSED

bp = Blueprint("rounds", __name__, url_prefix="/rounds")


def _round_for(user, round_id: int, *, manage: bool = False) -> Round:
    return round_or_404(round_id, may_change=policy.can_manage_round if manage else None)


@bp.get("/<int:round_id>")
@login_required
def show(round_id: int):
    return _page(_round_for(current_user, round_id))


def _page(round: Round, errors: dict[str, str] | None = None, status: int = 200):
    workflow = get_workflow(round.workflow_name)
    manager = policy.can_manage_round(current_user, round)
    options = service.step_options(current_user, round)
    if not manager:
        # People who cannot take a step are not shown it: a volunteer is not asked to do staff work.
        options = [o for o in options if policy.can_take_step(current_user, round, o.step)]
    return render_template("rounds/show.html", round=round, workflow=workflow, options=options,
                           manager=manager, can_read_audit=policy.can_read_audit(current_user, round),
                           role=policy.round_role(current_user, round), member_next=MEMBER_NEXT,
                           paused=round.stage == PAUSED, errors=errors or {},
                           can_pause=manager and round.stage in workflow.active,
                           can_cancel=manager and round.stage not in (*workflow.final, "cancelled")), status


PANEL_DECISION_STEPS = ("confirm_decisions",)


def _act(round_id: int, action, success: str, *, manage: bool, field: str | None = None):
    """Run one action on the round. A broken rule about the typed reason is shown on the
    form itself (GOV.UK error pattern); any other is shown at the top of the page."""
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
        if field and not (form.reason.data or "").strip():
            return _page(db.session.get(Round, round_id), errors={field: str(err)}, status=400)
        flash(str(err), "error")
        return redirect(url_for(".show", round_id=round_id), 303)
    db.session.commit()
    flash(success, "success")
    return redirect(url_for(".show", round_id=round_id), 303)


@bp.post("/<int:round_id>/steps/<step_name>")
@login_required
def take_step(round_id: int, step_name: str):
    round = _round_for(current_user, round_id, manage=False)
    if step_name in PANEL_DECISION_STEPS and policy.round_role(current_user, round) != "member":
        # Staff trying to confirm the panel's decisions are refused below; the attempt itself is kept.
        from commission.decisions import service as decisions

        decisions.record_refusal(current_user, round, f"the step {step_name}")
        db.session.commit()
    return _act(round_id, lambda r, _reason: service.take_step(current_user, r, step_name),
                "The round has moved on.", manage=False)


@bp.post("/<int:round_id>/pause")
@login_required
def pause(round_id: int):
    return _act(round_id, lambda r, reason: service.pause(current_user, r, reason),
                "The round is paused.", manage=True, field="pause")


@bp.post("/<int:round_id>/resume")
@login_required
def resume(round_id: int):
    return _act(round_id, lambda r, reason: service.resume(current_user, r, reason),
                "The round has started again where it left off.", manage=True)


@bp.post("/<int:round_id>/cancel")
@login_required
def cancel(round_id: int):
    return _act(round_id, lambda r, reason: service.cancel(current_user, r, reason),
                "The round is cancelled.", manage=True, field="cancel")
