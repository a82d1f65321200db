"""Row locks that order a round's writes on PostgreSQL.

On SQLite every writing transaction already runs alone (BEGIN IMMEDIATE), and these are no-ops.
On PostgreSQL two requests can read the same stage at once: two facilitators could both pause a
round, or a score could be sent in while scoring closes. So a stage move locks the round's row
for update, and work that depends on the stage (sending in scores) holds it shared, then reads the
round again: it waits for a stage move in flight and sees the stage that move left."""
from __future__ import annotations

from sqlalchemy import select

from commission.extensions import db
from commission.rounds.models import Panel, Round


def hold_round(round: Round, *, shared: bool = False) -> Round:
    """Lock the round's row until the transaction ends, and read it again as it is now."""
    db.session.scalar(select(Round.id).where(Round.id == round.id).with_for_update(read=shared))
    db.session.refresh(round)
    return round


def hold_panel(panel_id: int | None, *, shared: bool = False) -> None:
    """Lock a panel's row until the transaction ends (closing its scoring takes it for update)."""
    if panel_id is not None:
        db.session.scalar(select(Panel.id).where(Panel.id == panel_id).with_for_update(read=shared))
