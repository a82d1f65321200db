"""Finding the round a page is about, for the person asking."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from commission.extensions import db
from commission.rounds import policy
from commission.rounds.models import Round


def round_or_404(round_id: int, *, may_see=policy.can_view_round, may_change=None) -> Round:
    """The round, if this person may see it. Not theirs looks the same as not there (404), so
    nobody learns which rounds exist; seen but not theirs to change is 403."""
    round = db.session.get(Round, round_id)
    if round is None or not may_see(current_user, round):
        abort(404)
    if may_change is not None and not may_change(current_user, round):
        abort(403)
    return round
