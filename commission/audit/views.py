import json

from flask import Blueprint, render_template, request
from flask_login import login_required
from sqlalchemy import select

from commission.accounts.models import User
from commission.audit import service
from commission.audit.describe import describe, who
from commission.criteria.models import Motion
from commission.extensions import db
from commission.rounds import policy
from commission.rounds.lookup import round_or_404

bp = Blueprint("audit", __name__)
PAGE_SIZE = 100


@bp.get("/rounds/<int:round_id>/audit")
@login_required
def round_log(round_id: int):
    round = round_or_404(round_id, may_change=policy.can_read_audit)
    before = request.args.get("before", type=int)
    entries = service.entries_for_round(round.id, limit=PAGE_SIZE, before_seq=before)
    older = entries[-1].seq if len(entries) == PAGE_SIZE else None
    ids = {e.actor_id for e in entries if e.actor_id}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}
    count, head_hash = service.head()
    return render_template("audit/round_log.html", round=round, entries=entries, older=older, names=names,
                           describe=describe, who=who, total=count, head_hash=head_hash,
                           sealed=sealed_until_counted(round, entries))


VOTE_ACTIONS = ("criteria.voted", "criteria.vote_changed")


def sealed_until_counted(round, entries) -> set[int]:
    """Entries whose details would show how a member voted while the vote is still open.

    Staff count the votes but must not see how each member voted before then, so the
    page shows that a vote happened and keeps its details back until the count."""
    open_motions = set(db.session.scalars(select(Motion.id).where(Motion.round_id == round.id,
                                                                  Motion.status == "open")))
    return {e.seq for e in entries
            if e.action in VOTE_ACTIONS and json.loads(e.details).get("motion_id") in open_motions}
