"""Decision pages: members propose, vote, reopen and confirm; facilitators follow progress and
record concerns (never vote); the funder reads everything once the round is decided.

Staff see how far a vote has got while it is open, never how members are voting. Every refused
attempt to change a decision is itself kept in the audit trail.
"""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from commission.accounts.models import User
from commission.actions import attempt
from commission.applications.models import Application
from commission.criteria import service as criteria
from commission.decisions import policy, reopen as reopening, service
from commission.decisions.forms import ProposalForm
from commission.decisions.models import (OUTCOMES, VOTE_CHOICES, Decision, DecisionConcern, DecisionMotion,
                                         DecisionVote, ReopenMotion, ReopenVote)
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.panels.models import CONFLICT_LEVELS
from commission.rounds import policy as round_policy
from commission.rounds import service as rounds
from commission.rounds.lookup import round_or_404
from commission.rounds.models import Round

bp = Blueprint("decisions", __name__, url_prefix="/rounds/<int:round_id>/decisions")

STATUS_WORDS = {"agreed": "agreed", "not_agreed": "the panel did not agree", "discussion": "went back to discussion",
                "withheld": "another panel did not agree, so the group is not funded",
                "replaced": "replaced by a later proposal"}
REOPEN_WORDS = {"agreed": "the panel agreed, so they were reopened",
                "not_agreed": "the panel did not agree, so they stay locked",
                "discussion": "it went back to discussion, so they stay locked",
                "replaced": "replaced by a later request"}
NOT_YET = "The panel makes its decisions once the round reaches the deciding stage."
FUNDER_WAIT = "You can read the panel's decisions once the panel has confirmed them."


def _readable_round(round_id: int) -> Round:
    round = round_or_404(round_id)
    if not policy.may_read(current_user, round):
        wait = FUNDER_WAIT if round_policy.round_role(current_user, round) == "funder" else NOT_YET
        abort(403, wait)
    return round


def _application(round: Round, application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None or application.round_id != round.id or application.status not in policy.ON_SHORTLIST:
        abort(404)
    return application


def _guarded(round: Round, attempted: str, run, **details):
    """Run a POST; if the person may not do it at all (403), keep the refused attempt in the audit
    trail before saying no. `attempt` has already rolled back whatever was refused."""
    try:
        return run()
    except Forbidden:
        db.session.rollback()
        service.record_refusal(current_user, db.session.get(Round, round.id), attempted, **details)
        db.session.commit()
        raise


@bp.context_processor
def words():
    return dict(state_words=policy.STATE_WORDS)


@bp.errorhandler(403)
def refused(err):
    message = err.description if err.description and not err.description.startswith("You don't have") else (
        "Your account cannot do that here. Nothing was changed.")
    return render_template("error.html", title="You cannot do that", message=message), 403


# Pages -------------------------------------------------------------------------------------------

def _visible_applications(round: Round, role: str | None) -> list[Application]:
    query = select(Application).where(Application.round_id == round.id,
                                      Application.status.in_(policy.ON_SHORTLIST)).order_by(Application.id)
    if role == "member" and not policy.dual_key(round):
        query = query.where(Application.panel_id == panel_policy.panel_of(current_user, round))
    return list(db.session.scalars(query))


@bp.get("")
@login_required
def index(round_id: int):
    round = _readable_round(round_id)
    return _index_page(round)


def _index_page(round: Round, errors: dict[str, str] | None = None, typed: dict | None = None, status: int = 200):
    role = round_policy.round_role(current_user, round)
    applications = _visible_applications(round, role)
    ids = [a.id for a in applications]
    linked = {a for a, m in panel_policy.excluded_pairs(round, ids) if m == current_user.id} if role == "member" else set()
    decisions = policy.currents(round)
    by_id = {a.id: a for a in applications}
    open_motions = {m.application_id: m for m in db.session.scalars(
        select(DecisionMotion).where(DecisionMotion.round_id == round.id, DecisionMotion.status == "open"))
        if m.application_id in by_id and policy.why_not_now(round, by_id[m.application_id]) is None}
    concerns = {}
    for application_id in db.session.scalars(select(DecisionConcern.application_id)
                                             .where(DecisionConcern.round_id == round.id)):
        concerns[application_id] = concerns.get(application_id, 0) + 1
    confirm_reasons = None
    if role == "member" and round.stage == policy.DECIDING:
        confirm_reasons = next((o.reasons for o in rounds.step_options(current_user, round)
                                if o.step.name == "confirm_decisions"), None)
    reopens = list(db.session.scalars(select(ReopenMotion).where(ReopenMotion.round_id == round.id)
                                      .order_by(ReopenMotion.id.desc())))
    member_panel = panel_policy.panel_of(current_user, round) if role == "member" else None
    reopen_open = [m for m in reopens if m.status == "open"
                   and (member_panel is None or member_panel in policy.voting_panels(round, m.panel_id))]
    titles = dict(db.session.execute(select(Decision.id, Application.title).join(
        Application, Application.id == Decision.application_id).where(Decision.round_id == round.id)).all())
    return render_template(
        "decisions/index.html", round=round, role=role, applications=applications, linked=linked,
        decisions=decisions, open_motions=open_motions, concerns=concerns, outcomes=OUTCOMES,
        awarded=policy.awarded_pence(round), remaining=policy.remaining_pence(round),
        locked={a: policy.is_locked(round, d) for a, d in decisions.items()}, panels={p.id: p.name for p in round.panels},
        confirm_reasons=confirm_reasons, waiting=policy.waiting_to_confirm(round) if role == "member" else [],
        reopenable=reopening.reopenable(current_user, round) if role == "member" and round.stage == policy.DECIDED else [],
        reopen_open=reopen_open, reopens=reopens, titles=titles,
        reopen_tallies={m.id: reopening.reopen_positions(round, m) for m in reopen_open},
        why_not_reopen={m.id: reopening.why_not_vote_reopen(current_user, round, m) for m in reopen_open},
        my_reopen_votes=_my_ballots(ReopenVote, [m.id for m in reopen_open]),
        choices=VOTE_CHOICES, errors=errors or {}, typed=typed or {}, stage=policy.stage_of(round),
        dual_key=policy.dual_key(round), status_words=REOPEN_WORDS), status


def _my_ballots(model, motion_ids: list[int]) -> dict[int, str]:
    if not motion_ids:
        return {}
    return dict(db.session.execute(select(model.motion_id, model.choice).where(
        model.motion_id.in_(motion_ids), model.member_id == current_user.id)).all())


@bp.get("/<int:application_id>")
@login_required
def application(round_id: int, application_id: int):
    round = _readable_round(round_id)
    application = _application(round, application_id)
    return _application_page(round, application)


def _application_page(round: Round, application: Application, errors: dict[str, str] | None = None,
                      typed: dict | None = None, status: int = 200):
    role = round_policy.round_role(current_user, round)
    keep_out = None
    if role == "member":
        if panel_policy.panel_of(current_user, round) not in policy.voting_panels(round, application.panel_id):
            abort(404)
        keep_out = policy.why_not_link(current_user, application)
    motions = list(db.session.scalars(select(DecisionMotion).where(DecisionMotion.application_id == application.id)
                                      .order_by(DecisionMotion.number)))
    motion = next((m for m in motions if m.status == "open"), None)
    if motion is not None and policy.why_not_now(round, application) is not None:
        motion = None  # still open when the panel confirmed its decisions: it did not go ahead
    version = criteria.current_version(round)
    people = {m.moved_by_id for m in motions}
    concerns = list(db.session.scalars(select(DecisionConcern).where(DecisionConcern.application_id == application.id)
                                       .order_by(DecisionConcern.id)))
    people |= {c.raised_by_id for c in concerns}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(people))).all()) if people else {}
    decision = policy.current(application.id)
    my_vote = motion and db.session.scalar(select(DecisionVote.choice).where(
        DecisionVote.motion_id == motion.id, DecisionVote.member_id == current_user.id))
    return render_template(
        "decisions/application.html", round=round, application=application, role=role, keep_out=keep_out,
        needs_link=policy.needs_link_answer(current_user, round, application), levels=CONFLICT_LEVELS,
        motions=motions, motion=motion, tally=service.motion_positions(round, motion, application) if motion else [],
        decision=decision, locked=policy.is_locked(round, decision), outcomes=OUTCOMES, choices=VOTE_CHOICES,
        criteria={c.id: c for c in version.criteria} if version else {}, names=names, concerns=concerns,
        my_vote=my_vote, why_not_vote=policy.why_not_vote(current_user, round, application),
        why_not_propose=policy.why_not_propose(current_user, round, application),
        may_concern=round_policy.can_manage_round(current_user, round), remaining=policy.remaining_pence(
            round, application.id), panels={p.id: p.name for p in round.panels}, errors=errors or {},
        typed=typed or {}, dual_key=policy.dual_key(round), status_words=STATUS_WORDS), status


# Members' actions ------------------------------------------------------------------------------

@bp.post("/<int:application_id>/propose")
@login_required
def propose(round_id: int, application_id: int):
    round = round_or_404(round_id)
    application = _application(round, application_id)
    form = ProposalForm()

    def show_again(problem):
        fields = getattr(problem, "fields", None) or {"outcome": str(problem)}
        return _application_page(db.session.get(Round, round.id), db.session.get(Application, application.id),
                                 errors=fields, typed=form.typed(), status=400)

    return _guarded(round, "propose a decision", lambda: attempt(
        lambda: service.propose(current_user, round, application, form.outcome.data or "", **form.proposal()),
        "Your proposal is put to the panel. Members can now vote on it.",
        url_for(".application", round_id=round.id, application_id=application.id), on_fields=show_again),
        application_id=application.id)


@bp.post("/motions/<int:motion_id>/vote")
@login_required
def vote(round_id: int, motion_id: int):
    round = round_or_404(round_id)
    motion = db.session.get(DecisionMotion, motion_id)
    if motion is None or motion.round_id != round.id:
        abort(404)
    return _guarded(round, "vote on a decision", lambda: attempt(
        lambda: service.vote(current_user, round, motion, request.form.get("choice", "")),
        "Thank you. Your vote is saved.",
        url_for(".application", round_id=round.id, application_id=motion.application_id)),
        application_id=motion.application_id, motion_id=motion.id)


@bp.post("/<int:application_id>/link")
@login_required
def link(round_id: int, application_id: int):
    round = round_or_404(round_id)
    application = _application(round, application_id)
    return _guarded(round, "say whether they have a link with a group", lambda: attempt(
        lambda: service.declare_link(current_user, round, application, request.form.get("level", "")),
        "Thank you for saying.", url_for(".application", round_id=round.id, application_id=application.id)),
        application_id=application.id)


@bp.post("/confirm")
@login_required
def confirm(round_id: int):
    round = round_or_404(round_id)
    return _guarded(round, "confirm the panel's decisions", lambda: attempt(
        lambda: reopening.confirm(current_user, round),
        "The panel's decisions are confirmed and locked.", url_for(".index", round_id=round.id)))


@bp.post("/reopen")
@login_required
def reopen(round_id: int):
    round = round_or_404(round_id)
    chosen = request.form.getlist("decision")

    def show_again(problem):
        fields = getattr(problem, "fields", None) or {"decisions": str(problem)}
        return _index_page(db.session.get(Round, round.id), errors=fields, status=400,
                           typed=dict(reason=request.form.get("reason", ""), decisions=set(chosen)))

    return _guarded(round, "reopen decisions", lambda: attempt(
        lambda: reopening.propose_reopen(current_user, round, chosen, request.form.get("reason")),
        "Your request to reopen is put to the panel. Members can now vote on it.",
        url_for(".index", round_id=round.id), on_fields=show_again))


@bp.post("/reopen/<int:motion_id>/vote")
@login_required
def vote_reopen(round_id: int, motion_id: int):
    round = round_or_404(round_id)
    motion = db.session.get(ReopenMotion, motion_id)
    if motion is None or motion.round_id != round.id:
        abort(404)
    return _guarded(round, "vote on reopening decisions", lambda: attempt(
        lambda: reopening.vote_reopen(current_user, round, motion, request.form.get("choice", "")),
        "Thank you. Your vote is saved.", url_for(".index", round_id=round.id)), motion_id=motion.id)


# Staff -----------------------------------------------------------------------------------------

@bp.post("/<int:application_id>/concern")
@login_required
def concern(round_id: int, application_id: int):
    round = round_or_404(round_id)
    application = _application(round, application_id)

    def show_again(problem):
        return _application_page(db.session.get(Round, round.id), db.session.get(Application, application.id),
                                 errors=problem.fields, typed=dict(concern=request.form.get("concern", "")),
                                 status=400)

    return _guarded(round, "record a concern", lambda: attempt(
        lambda: service.record_concern(current_user, round, application, request.form.get("concern")),
        "Your concern is recorded. The panel and the funder will see it. It does not change the decision.",
        url_for(".application", round_id=round.id, application_id=application.id), on_fields=show_again),
        application_id=application.id)


@bp.app_template_global()
def decisions_readable(round: Round) -> bool:
    """For the round page: whether to link to the decisions."""
    return policy.may_read(current_user, round)
