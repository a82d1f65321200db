"""The audit trail: append-only in the database, and any edit to the past is caught by `audit verify`.

Tamper tests play someone with database admin access: they drop the triggers first
(the `admin_access` fixture) and then change rows with raw SQL, as such a person would.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import bindparam, select, text
from sqlalchemy.exc import DBAPIError

from commission.accounts import service as accounts
from commission.audit import service as audit
from commission.audit.chain import FIELDS, GENESIS, entry_hash
from commission.audit.models import DROP_TRIGGERS, REFUSAL, AuditEntry, trigger_statements
from commission.audit.service import Actor
from commission.extensions import db

ENTRIES = 10
COLUMNS = [*FIELDS, "hash"]  # every column of audit_entries
TABLE = AuditEntry.__table__
# Each example builds a fresh chain on the real database: a few examples are plenty.
EXAMPLES = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

PANEL = [Actor(11, "facilitator"), Actor(12, "member"), Actor(13, "member")]


# ---- doors -------------------------------------------------------------------------------------

def write_entries(count: int = ENTRIES) -> list[AuditEntry]:
    """Append `count` entries through the service, every column filled in, and commit."""
    entries = [audit.record(PANEL[i % len(PANEL)], "score.submitted", "application", 100 + i, round_id=7,
                            score=i % 5, note=f"café {i}")
               for i in range(count)]
    db.session.commit()
    return entries


def verify(app, *args: str):
    """Run `flask --app commission audit verify` as a funder would."""
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])


def named_entry(output: str) -> int:
    """The entry the verdict points at: the first 'Entry N' it names."""
    found = re.search(r"\bEntry (\d+)\b", output)
    assert found, output
    return int(found.group(1))


def assert_caught(app, k: int, *args: str) -> str:
    result = verify(app, *args)
    assert result.exit_code == 1, result.output
    assert "The audit trail does not check out." in result.output
    assert named_entry(result.output) == k, result.output
    return result.output


def rows() -> list[tuple]:
    return list(db.session.execute(select(TABLE).order_by(TABLE.c.seq)))


def row(seq: int):
    return db.session.execute(select(TABLE).where(TABLE.c.seq == seq)).one()


def head() -> str:
    return db.session.scalar(select(TABLE.c.hash).order_by(TABLE.c.seq.desc()).limit(1))


def dialect() -> str:
    return db.session.get_bind().dialect.name


def sql(statement: str, **params) -> None:
    """Raw SQL, with values bound as the column types store them (SQLite keeps times as text)."""
    clause = text(statement)
    typed = [bindparam(name, type_=TABLE.c[name].type) for name in params
             if name in TABLE.c and re.search(rf":{name}\b", statement)]
    if typed:
        clause = clause.bindparams(*typed)
    db.session.execute(clause, params)


def set_column(seq: int, column: str, value) -> None:
    sql(f"UPDATE audit_entries SET {column} = :{column} WHERE seq = :at_seq", **{column: value, "at_seq": seq})


@pytest.fixture
def admin_access(app):
    """Someone with database admin access: the refusing triggers are gone while the test runs.

    The triggers come back afterwards, because PostgreSQL keeps one migrated schema for the
    whole session and later tests rely on them.
    """
    for statement in DROP_TRIGGERS[dialect()]:
        db.session.execute(text(statement))
    db.session.commit()
    yield
    db.session.rollback()
    for statement in DROP_TRIGGERS[dialect()] + trigger_statements(dialect()):
        db.session.execute(text(statement))
    db.session.commit()


def fresh_chain(count: int = ENTRIES) -> list[AuditEntry]:
    """Start a hypothesis example from a clean trail (only possible with the triggers dropped)."""
    sql("DELETE FROM audit_entries")
    db.session.commit()
    return write_entries(count)


# ---- appending ---------------------------------------------------------------------------------

def test_entries_are_numbered_from_one_and_each_links_to_the_one_before(app):
    entries = write_entries(ENTRIES)
    stored = rows()
    assert [r.seq for r in stored] == list(range(1, ENTRIES + 1))
    assert stored[0].prev_hash == GENESIS
    for before, after in zip(stored, stored[1:]):
        assert after.prev_hash == before.hash
    for r in stored:
        assert r.hash == entry_hash(*(getattr(r, name) for name in FIELDS))
    assert [e.hash for e in entries] == [r.hash for r in stored]

    result = verify(app)
    assert result.exit_code == 0, result.output
    assert f"The audit trail is intact: {ENTRIES} entries. Last hash: {stored[-1].hash}" in result.output


def test_an_empty_trail_verifies(app):
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert f"0 entries. Last hash: {GENESIS}" in result.output


def test_a_write_that_is_rolled_back_leaves_no_gap(app):
    write_entries(3)
    audit.record(PANEL[0], "score.submitted", "application", 1, round_id=7)
    db.session.rollback()  # the request failed after recording: its entry goes with it
    write_entries(2)
    assert [r.seq for r in rows()] == [1, 2, 3, 4, 5]
    assert verify(app).exit_code == 0


# ---- the database refuses edits ----------------------------------------------------------------

@pytest.mark.parametrize("statement", [
    "UPDATE audit_entries SET details = '{}' WHERE seq = 3",
    "UPDATE audit_entries SET seq = seq + 100",
    "DELETE FROM audit_entries WHERE seq = 3",
    "DELETE FROM audit_entries",
])
def test_the_database_refuses_to_change_or_delete_entries(app, statement):
    write_entries(5)
    before = rows()
    with pytest.raises(DBAPIError, match=REFUSAL):
        db.session.execute(text(statement))
    db.session.rollback()
    assert rows() == before
    assert verify(app).exit_code == 0


def test_emptying_the_trail_at_once_is_refused(app):
    """PostgreSQL's TRUNCATE skips row triggers, so it has its own; SQLite's whole-table
    DELETE (its 'truncate') must still fire the row trigger."""
    write_entries(5)
    before = rows()
    statement = "TRUNCATE audit_entries" if dialect() == "postgresql" else "DELETE FROM audit_entries"
    with pytest.raises(DBAPIError, match=REFUSAL):
        db.session.execute(text(statement))
    db.session.rollback()
    assert rows() == before


def test_the_database_refuses_to_overwrite_an_entry_by_inserting_over_it(app):
    """An insert that collides with an existing entry must not replace it.

    SQLite's INSERT OR REPLACE deletes the old row to make room without firing DELETE
    triggers (unless `recursive_triggers` is on), so only a BEFORE INSERT trigger stops it.
    PostgreSQL's upsert fires the UPDATE trigger.
    """
    write_entries(5)
    before = rows()
    copy_forged = ("SELECT seq, at, actor_id, actor_role, 'decision.overridden', object_type, object_id, "
                   "round_id, details, prev_hash, hash FROM audit_entries WHERE seq = 3")
    columns = ", ".join(COLUMNS)
    overwrite = {
        "sqlite": f"INSERT OR REPLACE INTO audit_entries ({columns}) {copy_forged}",
        "postgresql": f"INSERT INTO audit_entries ({columns}) {copy_forged} "
                      "ON CONFLICT (seq) DO UPDATE SET action = excluded.action",
    }[dialect()]
    with pytest.raises(DBAPIError, match=REFUSAL):
        db.session.execute(text(overwrite))
    db.session.rollback()
    assert rows() == before


# ---- tampering is caught -----------------------------------------------------------------------

def changed(column: str, old):
    """A different value an insider might put in `column` (kept valid for the column's type)."""
    if column == "seq":
        return ENTRIES + 100  # moved past the end: the slot it left is empty
    if column == "at":
        return old + timedelta(microseconds=1)  # the smallest change a timestamp can take
    if column in ("actor_id", "object_id", "round_id"):
        return (old or 0) + 1
    if column == "actor_role":
        return "administrator" if old != "administrator" else "member"
    if column in ("action", "object_type"):
        return old + "x"
    if column == "details":
        return old.replace('"score":', '"score":1')  # 3 becomes 13, still valid JSON
    if column in ("prev_hash", "hash"):
        return old[:-1] + ("0" if old[-1] != "0" else "1")
    raise AssertionError(f"no edit for column {column}")


@pytest.mark.parametrize("column", COLUMNS)
@EXAMPLES
@given(k=st.integers(1, ENTRIES))
def test_editing_any_column_of_any_entry_is_caught_and_names_it(app, admin_access, column, k):
    fresh_chain()
    old = getattr(row(k), column)
    new = changed(column, old)
    assert new != old
    set_column(k, column, new)
    db.session.commit()
    output = assert_caught(app, k)
    # a moved seq shows as a hole; every other edit shows as a broken hash
    assert ("is missing" if column == "seq" else "was changed") in output


@EXAMPLES
@given(k=st.integers(1, ENTRIES - 1))
def test_deleting_an_entry_is_caught_and_names_it(app, admin_access, k):
    fresh_chain()
    sql("DELETE FROM audit_entries WHERE seq = :seq", seq=k)
    db.session.commit()
    output = assert_caught(app, k)
    assert f"Entry {k} is missing" in output


@EXAMPLES
@given(k=st.integers(1, ENTRIES))
def test_inserting_a_forged_entry_is_caught_at_the_entry_after_it(app, admin_access, k):
    fresh_chain()
    # make room at k, from the end first so no two rows ever share a seq
    for seq in range(ENTRIES, k - 1, -1):
        set_column(seq, "seq", seq + 1)
    prev_hash = row(k - 1).hash if k > 1 else GENESIS
    forged = dict(seq=k, at=row(k + 1).at, actor_id=12, actor_role="member", action="decision.recorded",
                  object_type="application", object_id=999, round_id=7, details='{"funded":true}',
                  prev_hash=prev_hash)
    forged["hash"] = entry_hash(*(forged[name] for name in FIELDS))
    sql(f"INSERT INTO audit_entries ({', '.join(COLUMNS)}) VALUES ({', '.join(':' + c for c in COLUMNS)})",
        **forged)
    db.session.commit()
    # The forged entry k is honest about itself: its hash matches its content and it links to
    # entry k-1. What gives it away is the real entry it pushed to k+1: its hash was computed
    # with its old number, so it no longer matches (and its prev_hash still points at k-1).
    output = assert_caught(app, k + 1)
    assert f"Entry {k + 1} was changed" in output


@EXAMPLES
@given(pair=st.lists(st.integers(1, ENTRIES), min_size=2, max_size=2, unique=True).map(sorted))
def test_swapping_two_entries_is_caught_at_the_first_of_them(app, admin_access, pair):
    first, second = pair
    fresh_chain()
    # swapping the numbers of two rows swaps everything else they say
    set_column(first, "seq", -1)
    set_column(second, "seq", first)
    set_column(-1, "seq", second)
    db.session.commit()
    assert_caught(app, first)


def test_cutting_entries_off_the_end_is_caught_only_against_a_known_head(app, admin_access):
    fresh_chain()
    old_head = head()
    intact = verify(app, "--expect-head", old_head)
    assert intact.exit_code == 0, intact.output

    sql("DELETE FROM audit_entries WHERE seq > :seq", seq=ENTRIES - 3)
    db.session.commit()
    # what is left is a perfectly good chain on its own ...
    plain = verify(app)
    assert plain.exit_code == 0, plain.output
    assert f"{ENTRIES - 3} entries. Last hash: {head()}" in plain.output
    # ... but the head the funder wrote down last time is not in it
    against_old = verify(app, "--expect-head", old_head)
    assert against_old.exit_code == 1, against_old.output
    assert f"The trail ends at entry {ENTRIES - 3}" in against_old.output
    assert "entries were cut off the end, or the last ones were rewritten." in against_old.output
    mistyped = verify(app, "--expect-head", "deadbeef")
    assert mistyped.exit_code == 2 and "should be 64 characters" in mistyped.output
    assert verify(app, "--expect-head", head()).exit_code == 0


def test_rewriting_the_tail_with_honest_hashes_is_caught_only_against_a_known_head(app, admin_access):
    """With every later hash recomputed the chain holds together: only a head kept elsewhere
    (the funder's note of the last hash) can show it was rewritten."""
    fresh_chain()
    old_head = head()
    prev = row(4).hash
    for seq in range(5, ENTRIES + 1):
        entry = row(seq)._asdict()
        entry.update(prev_hash=prev, details='{"score":4}' if seq == 5 else entry["details"])
        entry["hash"] = entry_hash(*(entry[name] for name in FIELDS))
        sql("UPDATE audit_entries SET details = :details, prev_hash = :prev_hash, hash = :hash WHERE seq = :seq",
            **{name: entry[name] for name in ("details", "prev_hash", "hash", "seq")})
        prev = entry["hash"]
    db.session.commit()
    assert verify(app).exit_code == 0
    result = verify(app, "--expect-head", old_head)
    assert result.exit_code == 1
    assert "the hash you expected" in result.output


# ---- ids, not personal data --------------------------------------------------------------------

def assert_trail_never_mentions(*words: str) -> None:
    everything = [str(value).lower() for r in rows() for value in r]
    assert everything, "expected some audit entries"
    for word in words:
        assert not [v for v in everything if word.lower() in v], f"the audit trail mentions {word!r}"


def test_creating_an_account_records_its_id_not_its_email_or_name(app):
    by_cli = accounts.create_user(None, "Grace.Hopper@Example.org", "Grace Hopper", "administrator",
                                  "three random words")
    by_admin = accounts.create_user(by_cli, "zoë.ngata@example.org", "Zoë Ngata", "member", "three random words")
    db.session.commit()
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [(e.action, e.object_id, e.actor_id) for e in entries] == [
        ("account.created", by_cli.id, None), ("account.created", by_admin.id, by_cli.id)]
    assert_trail_never_mentions("grace.hopper@example.org", "Grace Hopper", "Grace", "Hopper",
                                "zoë.ngata@example.org", "Zoë Ngata", "Zoë", "Ngata")


def test_running_a_round_records_no_ones_email_or_name(app, world):
    round = world.round(applications_count=2)
    world.advance(round, "eligibility")
    people = [world.admin, round.facilitator, round.funder, *round.members, *round.applicants]
    assert_trail_never_mentions(*[p.email for p in people], *[p.name for p in people])
    assert verify(app).exit_code == 0
