"""Progress without steering: how much scoring is done, never the scores."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from commission.progress import service
from commission.rounds import policy
from commission.rounds.lookup import round_or_404

bp = Blueprint("progress", __name__, url_prefix="/rounds/<int:round_id>")


@bp.get("/progress")
@login_required
def show(round_id: int):
    """The round's facilitators see who has done what, and who may need a hand. Members and the
    funder are refused (403): this page is for helping, not for watching."""
    round = round_or_404(round_id, may_change=policy.can_manage_round)
    return render_template("progress/round.html", round=round, panels=service.round_progress(round))
