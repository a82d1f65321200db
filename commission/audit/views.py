from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from commission.audit import service
from commission.extensions import db
from commission.rounds import policy
from commission.rounds.models import Round

bp = Blueprint("audit", __name__)
PAGE_SIZE = 100


@bp.get("/rounds/<int:round_id>/audit")
@login_required
def round_log(round_id: int):
    round = db.session.get(Round, round_id)
    if round is None or not policy.can_view_round(current_user, round):
        abort(404)
    if not policy.can_read_audit(current_user, round):
        abort(403)
    before = request.args.get("before", type=int)
    entries = service.entries_for_round(round.id, limit=PAGE_SIZE, before_seq=before)
    older = entries[-1].seq if len(entries) == PAGE_SIZE else None
    return render_template("audit/round_log.html", round=round, entries=entries, older=older)
