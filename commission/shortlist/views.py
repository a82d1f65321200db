"""Closing scoring, the panel's results and its vote on the shortlist.

Who sees a panel's results (commission.scores.policy): its own members once its scoring has
closed; the round's facilitators and funder only once the panel has agreed its shortlist (or
the round has moved on). Anyone else gets nothing.
"""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from commission.accounts.models import User
from commission.actions import attempt
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.rounds import policy
from commission.rounds.lookup import round_or_404
from commission.rounds.models import Panel, Round
from commission.scores import policy as score_policy
from commission.shortlist import service
from commission.shortlist.models import SHORTLIST_CHOICES, ShortlistMotion, ShortlistVote
from commission.shortlist.results import panel_results

bp = Blueprint("shortlist", __name__, url_prefix="/rounds/<int:round_id>")

MEMBERS_WAIT = "Your panel's results are shown here once its scoring has closed."
STAFF_WAIT = ("Staff see a panel's scores and ranking once the panel has agreed its shortlist. "
              "Until then the choice stays with the panel. You can follow how the scoring is going instead.")


def _panel(round: Round, panel_id: int) -> Panel:
    panel = db.session.get(Panel, panel_id)
    if panel is None or panel.round_id != round.id:
        abort(404)
    return panel


def _refused(message: str):
    return render_template("error.html", title="Not yet", message=message), 403


def _why_not_see(round: Round, panel: Panel) -> str | None:
    """None if the person may see the panel's results; otherwise why not (a 403). Members of
    other panels get a 404: they have no business with this panel at all."""
    role = policy.round_role(current_user, round)
    if role == "member":
        if panel_policy.panel_of(current_user, round) != panel.id:
            abort(404)
        return None if score_policy.member_sees_results(current_user, round, panel.id) else MEMBERS_WAIT
    if role in ("facilitator", "funder"):
        return None if score_policy.staff_see_results(current_user, round, panel.id) else STAFF_WAIT
    abort(404)


def _motions(panel: Panel) -> list[ShortlistMotion]:
    return list(db.session.scalars(select(ShortlistMotion).where(ShortlistMotion.panel_id == panel.id)
                                   .order_by(ShortlistMotion.number)))


@bp.get("/panels/<int:panel_id>/results")
@login_required
def results(round_id: int, panel_id: int):
    round = round_or_404(round_id)
    panel = _panel(round, panel_id)
    refusal = _why_not_see(round, panel)
    if refusal:
        return _refused(refusal)
    return _page(round, panel)


def _page(round: Round, panel: Panel, errors: dict[str, str] | None = None, status: int = 200,
          chosen: list[int] | None = None, reason: str = ""):
    found = panel_results(round, panel)
    motions = _motions(panel)
    motion = motions[-1] if motions else None
    member = policy.round_role(current_user, round) == "member"
    excluded = {a for a, m in panel_policy.excluded_pairs(round, found.order) if m == current_user.id} if member else set()
    movers = {m.moved_by_id for m in motions if m.moved_by_id}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(movers))).all()) if movers else {}
    my_vote = motion and db.session.scalar(select(ShortlistVote.choice).where(
        ShortlistVote.motion_id == motion.id, ShortlistVote.member_id == current_user.id))
    return render_template(
        "shortlist/results.html", round=round, panel=panel, results=found, motion=motion, motions=motions,
        counts=service.counts(round, motion) if motion else {}, excluded=excluded, my_vote=my_vote,
        why_not_vote=service.why_not_vote(current_user, round, motion) if motion else None,
        choices=SHORTLIST_CHOICES, names=names, round_role=policy.round_role(current_user, round),
        closure=score_policy.closure(panel.id), errors=errors or {},
        chosen=set(motion.application_ids if chosen is None and motion else chosen or []), reason=reason), status


@bp.post("/panels/<int:panel_id>/close-scoring")
@login_required
def close_scoring(round_id: int, panel_id: int):
    round = round_or_404(round_id, may_change=policy.can_manage_round)
    panel = _panel(round, panel_id)
    return attempt(lambda: service.close_scoring(current_user, round, panel, request.form.get("reason")),
                   f"Scoring for {panel.name} is closed. The panel can now see its results and vote on its "
                   "shortlist.", url_for("rounds.show", round_id=round.id))


@bp.post("/panels/<int:panel_id>/motions/<int:motion_id>/vote")
@login_required
def vote(round_id: int, panel_id: int, motion_id: int):
    round = round_or_404(round_id)
    panel = _panel(round, panel_id)
    motion = db.session.get(ShortlistMotion, motion_id)
    if motion is None or motion.panel_id != panel.id:
        abort(404)
    return attempt(lambda: service.vote(current_user, round, motion, request.form.get("choice", "")),
                   "Thank you. Your vote is saved.", url_for(".results", round_id=round.id, panel_id=panel.id))


@bp.post("/panels/<int:panel_id>/shortlist/change")
@login_required
def change(round_id: int, panel_id: int):
    round = round_or_404(round_id)
    panel = _panel(round, panel_id)
    refusal = _why_not_see(round, panel)
    if refusal:  # the form shows the results again on a mistake: only to those who may see them
        return _refused(refusal)
    ids = request.form.getlist("application")
    reason = request.form.get("reason", "")

    def show_again(message: str):
        field = "reason" if not reason.strip() else "applications"
        chosen = [int(i) for i in ids if i.isdigit()]
        return _page(db.session.get(Round, round.id), db.session.get(Panel, panel.id), errors={field: message},
                     status=400, chosen=chosen, reason=reason)

    return attempt(lambda: service.propose_change(current_user, round, panel, ids, reason),
                   "Your change is put to the panel. Everyone votes again on the new shortlist.",
                   url_for(".results", round_id=round.id, panel_id=panel.id), on_error=show_again)


@bp.app_template_global()
def shortlist_panels(round: Round) -> list[dict]:
    """For the round page: each panel's scoring and shortlist, and what this person may do."""
    manager = policy.can_manage_round(current_user, round)
    member_panel = panel_policy.panel_of(current_user, round)
    found = []
    for panel in round.panels:
        closure = score_policy.closure(panel.id)
        agreed = score_policy.panel_agreed(panel.id)
        if policy.round_role(current_user, round) == "member":
            if panel.id != member_panel:
                continue
            may_see = score_policy.member_sees_results(current_user, round, panel.id)
        else:
            may_see = score_policy.staff_see_results(current_user, round, panel.id)
        found.append(dict(panel=panel, closure=closure, agreed=agreed, may_see=may_see,
                          may_close=manager and closure is None and round.stage == score_policy.SCORING_STAGE))
    return found
