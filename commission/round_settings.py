"""Saving a round's settings row: the one way every domain records a change to its settings."""
from __future__ import annotations

from commission.audit import service as audit
from commission.extensions import db


def save_changes(actor, round, row, action: str, **after) -> None:
    """Set the values in `after` that differ on `row` (a settings row, perhaps unsaved defaults),
    and audit each change with its before and after. Nothing changed: nothing written."""
    changes = {name: audit.change(getattr(row, name), value) for name, value in after.items()
               if getattr(row, name) != value}
    if not changes:
        return
    if row not in db.session:
        db.session.add(row)  # the first change from the defaults
    for name in changes:
        setattr(row, name, after[name])
    db.session.flush()
    audit.record(actor, action, "round", round.id, round_id=round.id, **changes)
