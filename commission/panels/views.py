"""A panel member's preparation (training, conflicts, accepting work, stepping back) and the
facilitator's pages: training records, the panel's settings, and who is scoring what."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from commission.accounts.models import User
from commission.actions import attempt
from commission.applications.models import Application
from commission.applications.views import error_list, show_problems
from commission.errors import RuleBroken
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.panels import overview, service
from commission.panels import settings as panel_settings
from commission.panels.forms import PanelSettingsForm
from commission.panels.models import CONFLICT_LEVELS, Assignment, TrainingModule, TrainingRecord
from commission.scores import policy as score_policy
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
    settings = panel_policy.settings_for(round)
    work = service.my_work(current_user, round)
    return render_template("panels/prepare.html", round=round, missing=panel_policy.training_missing(current_user, round),
                           modules=_modules(round), applications=applications,
                           levels=panel_policy.levels(current_user, round), choices=CONFLICT_LEVELS,
                           excluded=settings.excluded_levels, self_training=settings.members_record_own_training,
                           assigned=[w.application for w in work],
                           waiting=[w.application for w in work if w.accepted_at is None],
                           accepted=[w.application for w in work if w.accepted_at is not None],
                           stepped_back=score_policy.stepped_back(current_user, round),
                           score_url=_score_url, minutes_each=settings.minutes_per_application,
                           cap_hours=settings.workload_cap_hours)


def _score_url(application: Application) -> str:
    return url_for("scores.score", round_id=application.round_id, application_id=application.id)


@bp.post("/panel/accept")
@login_required
def accept(round_id: int):
    round = round_or_404(round_id, may_change=_is_member)
    return attempt(lambda: service.accept_work(current_user, round),
                   lambda n: f"Thank you. You said yes to scoring {n} application{'s' if n != 1 else ''}.",
                   url_for(".prepare", round_id=round.id))


@bp.route("/panel/step-back", methods=["GET", "POST"])
@login_required
def step_back(round_id: int):
    """Stepping back: a plain page that asks once, then passes the unfinished work on."""
    round = round_or_404(round_id, may_change=_is_member)
    if request.method == "GET":
        work = service.my_work(current_user, round)
        return render_template("panels/step_back.html", round=round, work=work,
                               stepped_back=score_policy.stepped_back(current_user, round))

    def said(counts):
        passed, kept = counts
        text = "You have stepped back from this round. Thank you for everything you did."
        if passed:
            text += f" {passed} application{'s' if passed != 1 else ''} you had not scored will go to others."
        if kept:
            text += f" The scores you sent in ({kept}) stay and still count."
        return text
    return attempt(lambda: service.step_back(current_user, round, request.form.get("reason")), said,
                   url_for("rounds.show", round_id=round.id), on_error=lambda reason: _step_back_again(round, reason))


def _step_back_again(round, reason: str):
    return render_template("panels/step_back.html", round=round, work=service.my_work(current_user, round),
                           stepped_back=score_policy.stepped_back(current_user, round), error=reason,
                           reason=request.form.get("reason", "")), 400


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


@bp.get("/assignments")
@login_required
def assignments(round_id: int):
    """Who is scoring what, and whether each has sent in: never a score or a ranking."""
    round = round_or_404(round_id, may_change=policy.can_manage_round)
    return render_template("panels/assignments.html", round=round, panels=overview.overview(round),
                           can_move=round.stage == service.SHARING_STAGE)


@bp.post("/assignments/<int:assignment_id>/move")
@login_required
def move(round_id: int, assignment_id: int):
    round = round_or_404(round_id, may_change=policy.can_manage_round)
    work = db.session.get(Assignment, assignment_id)
    to_member = db.session.get(User, request.form.get("to_member", type=int) or 0)
    if work is None or work.application.round_id != round.id:
        abort(404)
    then = url_for(".assignments", round_id=round.id)
    if to_member is None:
        flash("Choose who the work should go to.", "error")
        return redirect(then, 303)
    return attempt(lambda: service.move_assignment(current_user, work, to_member, request.form.get("reason")),
                   f"The work on ‘{work.application.title}’ has moved to {to_member.name}. They will be asked to "
                   "accept it.", then)


@bp.route("/panel-settings", methods=["GET", "POST"])
@login_required
def settings(round_id: int):
    round = round_or_404(round_id, may_change=policy.can_manage_round)
    editable = round.stage in service.SETUP_STAGES
    if request.method == "GET":
        form = PanelSettingsForm.showing(panel_policy.settings_for(round))
        return _settings_page(round, form, editable)
    form = PanelSettingsForm()
    if not form.validate_on_submit():
        return _settings_page(round, form, editable, status=400)
    return attempt(lambda: panel_settings.update_settings(current_user, round, **form.values),
                   "The panel’s settings are saved.", url_for(".settings", round_id=round.id),
                   on_fields=lambda err: _settings_page(round, form, editable, show_problems(form, err.fields),
                                                        status=400))


def _settings_page(round, form, editable: bool, leftover=(), status: int = 200):
    return render_template("panels/settings.html", round=round, form=form, editable=editable,
                           settings=panel_policy.settings_for(round), choices=CONFLICT_LEVELS,
                           errors=error_list(form, extra=leftover)), status
