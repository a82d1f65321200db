from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from commission.extensions import db
from commission.types import UTCDateTime


class AuditEntry(db.Model):
    """One link of the append-only, hash-chained audit trail.

    Holds ids, never names or email addresses, so a person can be erased later
    without breaking the chain. There is no code path that updates or deletes a row,
    and database triggers refuse both.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (Index("audit_entries_round", "round_id", "seq"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None]
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[int | None]
    round_id: Mapped[int | None]
    details: Mapped[str] = mapped_column(Text)  # canonical JSON, hashed as stored
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


REFUSAL = "The audit trail is append-only: entries cannot be changed or deleted."

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
    f"""CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
    # INSERT OR REPLACE deletes the old row without firing delete triggers: refuse it here.
    f"""CREATE TRIGGER audit_entries_no_replace BEFORE INSERT ON audit_entries
        WHEN EXISTS (SELECT 1 FROM audit_entries WHERE seq = NEW.seq OR hash = NEW.hash)
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
]
POSTGRES_TRIGGERS = [
    f"""CREATE OR REPLACE FUNCTION audit_entries_refuse() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{REFUSAL}'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries
        FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse()""",
    """CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
        FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_refuse()""",
]
DROP_TRIGGERS = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_entries_no_update", "DROP TRIGGER IF EXISTS audit_entries_no_delete",
               "DROP TRIGGER IF EXISTS audit_entries_no_replace"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_entries_no_change ON audit_entries",
        "DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries",
        "DROP FUNCTION IF EXISTS audit_entries_refuse()",
    ],
}


def trigger_statements(dialect_name: str) -> list[str]:
    """The statements that make the database itself refuse edits to the trail.

    One home for them: the Alembic migration and `create_all` both use this.
    """
    return {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_TRIGGERS}.get(dialect_name, [])


def _install_triggers(target, connection, **kw):
    for statement in trigger_statements(connection.dialect.name):
        connection.execute(DDL(statement))


event.listen(AuditEntry.__table__, "after_create", _install_triggers)
