"""Co-design pages: propose, discuss, amend, put to the vote, vote and count."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required

from commission.accounts.models import User
from commission.actions import attempt
from commission.criteria import service
from commission.criteria.models import COMBINATIONS, VOTE_CHOICES, Motion, Proposal
from commission.errors import RuleBroken
from commission.extensions import db
from commission.rounds import policy
from commission.rounds.lookup import round_or_404
from commission.rounds.models import Round

bp = Blueprint("criteria", __name__, url_prefix="/rounds/<int:round_id>/criteria")


def _round(round_id: int) -> Round:
    return round_or_404(round_id)


def _proposal(round: Round, proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.round_id != round.id:
        abort(404)
    return proposal


def _motion(round: Round, motion_id: int) -> Motion:
    motion = db.session.get(Motion, motion_id)
    if motion is None or motion.round_id != round.id:
        abort(404)
    return motion


def _members(round: Round) -> list[User]:
    return [p.user for p in round.people if p.role == "member"]


def _on_behalf(round: Round) -> User | None:
    """The member a facilitator is writing for, from the form's 'whose words' field."""
    chosen = request.form.get("on_behalf_of", type=int)
    if chosen is None:
        return None
    member = db.session.get(User, chosen)
    if member is None or policy.round_role(member, round) != "member":
        raise RuleBroken("Choose the panel member whose words you are writing down.")
    return member


def _common(round: Round) -> dict:
    role = policy.round_role(current_user, round)
    return {"round": round, "role": role, "members": _members(round), "can_write": role in ("member", "facilitator")
            and round.stage in service.ADOPTION_STAGES}


@bp.get("")
@login_required
def overview(round_id: int):
    round = _round(round_id)
    motion = service.open_motion(round)
    voted = {v.member_id: v.choice for v in motion.votes} if motion else {}
    return render_template("criteria/overview.html", **_common(round), proposals=service.proposals(round),
                           versions=list(reversed(service.versions(round))), motion=motion,
                           voters=len(service.eligible_voters(round)), my_vote=voted.get(current_user.id),
                           voted_count=len(voted), choices=VOTE_CHOICES, combinations=COMBINATIONS)


def _descriptor_inputs(round: Round) -> list[str]:
    return [request.form.get(f"descriptor_{n}", "") for n in range(round.scale_max + 1)]


@bp.route("/propose", methods=["GET", "POST"])
@login_required
def propose(round_id: int):
    round = _round(round_id)

    def form(error=None, status=200):
        return render_template("criteria/propose.html", **_common(round), error=error, values=request.form,
                               heading="Propose a criterion"), status
    if request.method == "GET":
        return form()
    return attempt(
        lambda: service.propose(current_user, round, request.form.get("title", ""), request.form.get("meaning", ""),
                                _descriptor_inputs(round), on_behalf_of=_on_behalf(round)),
        "Your proposal is saved. Other members can now discuss it.", url_for(".overview", round_id=round.id),
        on_error=lambda error: form(error, 400))


@bp.get("/proposals/<int:proposal_id>")
@login_required
def proposal(round_id: int, proposal_id: int, error: str | None = None, error_field: str | None = None,
             status: int = 200):
    round = _round(round_id)
    found = _proposal(round, proposal_id)
    return render_template("criteria/proposal.html", **_common(round), proposal=found, error=error,
                           error_field=error_field, values=request.form if error else None), status


@bp.post("/proposals/<int:proposal_id>/comment")
@login_required
def comment(round_id: int, proposal_id: int):
    round = _round(round_id)
    found = _proposal(round, proposal_id)
    return attempt(lambda: service.comment(current_user, found, request.form.get("body", ""),
                                           on_behalf_of=_on_behalf(round)),
                   "Your comment is added.", url_for(".proposal", round_id=round.id, proposal_id=found.id),
                   on_error=lambda error: proposal(round_id, proposal_id, error, "comment", 400))


@bp.post("/proposals/<int:proposal_id>/amend")
@login_required
def amend(round_id: int, proposal_id: int):
    round = _round(round_id)
    found = _proposal(round, proposal_id)
    return attempt(lambda: service.amend(current_user, found, request.form.get("title", ""),
                                         request.form.get("meaning", ""), _descriptor_inputs(round)),
                   "Your new version is saved. The earlier versions are kept.",
                   url_for(".proposal", round_id=round.id, proposal_id=found.id),
                   on_error=lambda error: proposal(round_id, proposal_id, error, "amend", 400))


def _motion_items(round: Round) -> list[tuple[int, int]]:
    items = []
    for proposal in service.proposals(round):
        if request.form.get(f"include_{proposal.id}"):
            weight = request.form.get(f"weight_{proposal.id}", type=int)
            if weight is None:
                raise RuleBroken(f"Give '{proposal.current.title}' a weight from 1 to 100.")
            items.append((proposal.id, weight))
    return items


def _tie_break(items: list[tuple[int, int]]) -> list:
    order = []
    positions = {proposal_id: n for n, (proposal_id, _) in enumerate(items, start=1)}
    for field in ("tie_first", "tie_second"):
        chosen = request.form.get(field, type=int)
        if chosen:
            if chosen not in positions:
                raise RuleBroken("A tie can only be broken by a criterion that is in the set.")
            order.append(positions[chosen])
    return order + [service.DRAW]


def _minimum() -> float | None:
    raw = (request.form.get("minimum_score") or "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise RuleBroken("The minimum score must be a number, for example 1.5.") from None


@bp.route("/vote/new", methods=["GET", "POST"])
@login_required
def new_motion(round_id: int):
    round = _round(round_id)

    def form(error=None, status=200):
        return render_template("criteria/motion_form.html", **_common(round), proposals=service.proposals(round),
                               combinations=COMBINATIONS, error=error, values=request.form), status
    if request.method == "GET":
        return form()

    def move():
        items = _motion_items(round)
        service.move(current_user, round, items, request.form.get("combination", ""), _minimum(),
                     _tie_break(items), on_behalf_of=_on_behalf(round))
    return attempt(move, "The criteria are now up for the panel's vote.", on_error=lambda error: form(error, 400),
                   then=url_for(".overview", round_id=round.id))


@bp.post("/motions/<int:motion_id>/vote")
@login_required
def vote(round_id: int, motion_id: int):
    round = _round(round_id)
    motion = _motion(round, motion_id)
    return attempt(lambda: service.vote(current_user, motion, request.form.get("choice", "")),
                   "Your vote is recorded. You can change it until the votes are counted.",
                   url_for(".overview", round_id=round.id))


@bp.post("/motions/<int:motion_id>/count")
@login_required
def count(round_id: int, motion_id: int):
    round = _round(round_id)
    motion = _motion(round, motion_id)
    return attempt(lambda: service.count(current_user, motion),
                   "The votes are counted. The result is below.", url_for(".overview", round_id=round.id))


@bp.post("/motions/<int:motion_id>/withdraw")
@login_required
def withdraw(round_id: int, motion_id: int):
    round = _round(round_id)
    motion = _motion(round, motion_id)
    return attempt(lambda: service.withdraw_motion(current_user, motion),
                   "You withdrew the vote.", url_for(".overview", round_id=round.id))
