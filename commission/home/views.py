"""Each person's home page: what they need to do next."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.routing import BuildError

from commission.accounts.models import User
from commission.applications import service as applications
from commission.extensions import db
from commission.programmes.models import Programme
from commission.progress import service as progress
from commission.rounds import service as rounds
from commission.rounds.guidance import MEMBER_NEXT, about, member_steps
from commission.rounds.models import Round, RoundPerson

bp = Blueprint("home", __name__)


def _my_rounds(role: str) -> list[Round]:
    return list(db.session.scalars(
        select(Round).join(RoundPerson).where(RoundPerson.user_id == current_user.id, RoundPerson.role == role)
        .order_by(Round.id)))


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.sign_in"))
    role = current_user.role
    if role == "member":
        return _member_home()
    if role == "facilitator":
        rows = [(r, rounds.step_options(current_user, r)) for r in _my_rounds("facilitator")]
        return render_template("home/facilitator.html", rows=rows)
    if role == "funder":
        return render_template("home/funder.html", rounds=_my_rounds("funder"))
    if role == "applicant":
        return render_template("home/applicant.html", applications=applications.for_applicant(current_user))
    programmes = list(db.session.scalars(select(Programme).order_by(Programme.id)))
    accounts = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    return render_template("home/administrator.html", programmes=programmes, accounts=accounts)


def _member_home():
    """Each round: what to do next, how much is done, and the hours so far against the estimate.
    A fixed number of queries however many rounds or applications (see progress.member_work)."""
    mine = _my_rounds("member")
    work = progress.member_work(mine, current_user.id)
    cards = []
    for round in mine:
        mine_here = work.get((round.id, current_user.id))
        steps = member_steps(round.stage, mine_here) if mine_here else []
        cards.append((round, mine_here, [(step, _place(step.place, round, mine_here)) for step in steps]))
    return render_template("home/member.html", cards=cards, next_for=MEMBER_NEXT, about=about)


def _place(place: str | None, round, work) -> str | None:
    """Where a step is done. The results page may not exist yet: then the member's scoring list."""
    if place is None:
        return None
    if place == "prepare":
        return url_for("panels.prepare", round_id=round.id)
    if place == "results":
        try:
            return url_for("shortlist.results", round_id=round.id, panel_id=work.panel_id)
        except BuildError:
            pass
    return url_for("scores.mine", round_id=round.id)


@bp.get("/healthz")
def health():
    return {"ok": True}

