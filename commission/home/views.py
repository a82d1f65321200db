"""Each person's home page: what they need to do next."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from commission.accounts.models import User
from commission.applications import service as applications
from commission.extensions import db
from commission.programmes.models import Programme
from commission.rounds import service as rounds
from commission.rounds.guidance import MEMBER_NEXT
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
        return render_template("home/member.html", rounds=_my_rounds("member"), next_for=MEMBER_NEXT)
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


@bp.get("/healthz")
def health():
    return {"ok": True}

