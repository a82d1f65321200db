"""Appending to the audit trail. Every write in the engine calls `record` in its own transaction."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text

from commission import clock
from commission.audit.chain import FIELDS, GENESIS, Verdict, canonical_details, entry_hash, verify_rows
from commission.audit.models import AuditEntry
from commission.extensions import db

# Any constant will do: it names the one lock that orders appends on PostgreSQL.
_POSTGRES_AUDIT_LOCK = 727_001


@dataclass(frozen=True)
class Actor:
    """Who did something, as the trail records it: an id and the role they acted in."""

    id: int | None
    role: str

    @classmethod
    def of(cls, user) -> "Actor":
        if user is None or not getattr(user, "is_authenticated", False):
            return SYSTEM
        return cls(user.id, user.role)


SYSTEM = Actor(None, "system")


def _head() -> tuple[int, str]:
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        # Held until commit: appends from many workers queue here in order.
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _POSTGRES_AUDIT_LOCK})
    # SQLite writers already hold the database's write lock (BEGIN IMMEDIATE).
    row = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def record(actor, action: str, object_type: str, object_id: int | None = None, *,
           round_id: int | None = None, **details: Any) -> AuditEntry:
    """Append one entry. Details hold ids and values, never names or email addresses."""
    who = actor if isinstance(actor, Actor) else Actor.of(actor)
    db.session.flush()  # the rows this entry describes get their ids first
    seq, prev_hash = _head()
    seq += 1
    at = clock.now()
    details_json = canonical_details(details)
    entry = AuditEntry(
        seq=seq, at=at, actor_id=who.id, actor_role=who.role, action=action,
        object_type=object_type, object_id=object_id, round_id=round_id,
        details=details_json, prev_hash=prev_hash,
        hash=entry_hash(seq, at, who.id, who.role, action, object_type, object_id, round_id,
                        details_json, prev_hash),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def change(before: Any, after: Any) -> dict[str, Any]:
    return {"before": before, "after": after}


def chain_rows(batch: int = 20_000):
    """Every entry in order, streamed, as the tuples `verify_rows` reads."""
    columns = [getattr(AuditEntry, name) for name in FIELDS] + [AuditEntry.hash]
    result = db.session.execute(select(*columns).order_by(AuditEntry.seq).execution_options(yield_per=batch))
    for partition in result.partitions():
        yield from partition


def verify(expect_head: str | None = None) -> Verdict:
    return verify_rows(chain_rows(), expect_head=expect_head)


def head() -> tuple[int, str]:
    """How many entries the whole trail has, and the latest hash."""
    row = db.session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def entries_for_round(round_id: int, limit: int = 200, before_seq: int | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.round_id == round_id)
    if before_seq:
        query = query.where(AuditEntry.seq < before_seq)
    return list(db.session.scalars(query.order_by(AuditEntry.seq.desc()).limit(limit)))
