"""How long does `audit verify` take on a big trail, against a bare hashing loop?

    .venv/bin/python bench/audit_verify.py            # 1,000,000 entries (SQLite in bench/out/)
    .venv/bin/python bench/audit_verify.py --quick    # 100,000 entries
    .venv/bin/python bench/audit_verify.py --entries 250000 --database-url postgresql+psycopg://...

The trail is built once (rows precomputed with the real `entry_hash`, written with executemany)
and reused on the next run. Two timings over the same rows, read the same way:

  value     commission.audit.service.verify(): what `flask audit verify` does
  baseline  the same streamed SELECT (service.chain_rows), one sha256 over the fields simply
            joined, and the same comparisons: the cost of reading and hashing, nothing more

The last line is `RESULT audit_verify value=<s> baseline=<s> ratio=<value/baseline>`.
"""
from __future__ import annotations

import argparse
import cProfile
import hashlib
import pstats
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

from commission import create_app  # noqa: E402
from commission.audit import service  # noqa: E402
from commission.audit.chain import GENESIS, canonical_details, entry_hash  # noqa: E402
from commission.audit.models import DROP_TRIGGERS, AuditEntry, trigger_statements  # noqa: E402
from commission.database import read_only  # noqa: E402
from commission.extensions import db  # noqa: E402

OUT = ROOT / "bench" / "out"
FULL, QUICK = 1_000_000, 100_000
BATCH = 20_000
START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
ACTIONS = [("score.submitted", "application", "member"), ("vote.cast", "shortlist", "member"),
           ("round.person_added", "round_person", "facilitator"), ("document.published", "document", "facilitator")]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help=f"{QUICK:,} entries instead of {FULL:,}")
    size.add_argument("--entries", type=int, help="how many entries the trail holds")
    parser.add_argument("--database-url", help="default: a SQLite file in bench/out/ (PostgreSQL works too)")
    parser.add_argument("--rebuild", action="store_true",
                        help="empty audit_entries and build the trail again (needed for a database "
                             "outside bench/out/ whose trail is not the right size)")
    parser.add_argument("--repeat", type=int, default=3, help="time each this many times, keep the best")
    parser.add_argument("--profile", action="store_true", help="also run verify under cProfile and print it")
    args = parser.parse_args(argv)
    args.entries = args.entries or (QUICK if args.quick else FULL)
    return args


def rows(count: int):
    """The trail, precomputed: what `service.record` would have written, without the ORM."""
    prev = GENESIS
    for seq in range(1, count + 1):
        action, object_type, role = ACTIONS[seq % len(ACTIONS)]
        at = START + timedelta(seconds=seq * 7, microseconds=seq % 997)
        actor_id, object_id, round_id = 10 + seq % 40, seq // 3 + 1, 1 + seq // 50_000
        details = canonical_details({"score": seq % 5, "criterion_id": seq % 12, "status": {"before": "draft",
                                                                                          "after": "submitted"}})
        digest = entry_hash(seq, at, actor_id, role, action, object_type, object_id, round_id, details, prev)
        yield dict(seq=seq, at=at, actor_id=actor_id, actor_role=role, action=action, object_type=object_type,
                   object_id=object_id, round_id=round_id, details=details, prev_hash=prev, hash=digest)
        prev = digest


def build(count: int) -> None:
    started = time.perf_counter()
    table = AuditEntry.__table__
    batch = []
    with db.engine.begin() as conn:
        for n, row in enumerate(rows(count), 1):
            batch.append(row)
            if len(batch) == BATCH:
                conn.execute(table.insert(), batch)
                batch.clear()
                if n % 200_000 == 0:
                    print(f"  written {n:,} of {count:,}", flush=True)
        if batch:
            conn.execute(table.insert(), batch)
    print(f"  built {count:,} entries in {time.perf_counter() - started:.1f}s")


def empty_trail() -> None:
    """Only for bench databases: the triggers go while the old trail is cleared, then come back."""
    with db.engine.begin() as conn:
        dialect = conn.dialect.name
        for statement in DROP_TRIGGERS.get(dialect, []):
            conn.execute(text(statement))
        conn.execute(text("DELETE FROM audit_entries"))
        for statement in trigger_statements(dialect):
            conn.execute(text(statement))


def prepare(args, url: str, ours: bool) -> None:
    db.create_all()  # leaves existing tables alone
    with read_only():
        count, last = db.session.execute(select(func.count(), func.max(AuditEntry.seq))).one()
        db.session.rollback()
    if count == args.entries and last == args.entries and not args.rebuild:
        print(f"Reusing {count:,} entries in {url}")
        return
    if count and not (ours or args.rebuild):
        sys.exit(f"{url} already holds {count:,} audit entries, not {args.entries:,}. "
                 "Pass --rebuild to empty its audit trail and build the benchmark's (never on real data).")
    if count:
        empty_trail()
    print(f"Building {args.entries:,} entries in {url}")
    build(args.entries)


def baseline() -> int:
    """Read exactly as verify does; hash the fields joined plainly; compare as verify does."""
    prev, count, intact = GENESIS, 0, True
    for seq, at, actor_id, actor_role, action, object_type, object_id, round_id, details, prev_hash, stored \
            in service.chain_rows():
        joined = f"{seq}|{at}|{actor_id}|{actor_role}|{action}|{object_type}|{object_id}|{round_id}|{details}|{prev_hash}"
        digest = hashlib.sha256(joined.encode("utf-8")).hexdigest()
        intact = intact and digest != stored and prev_hash == prev  # a different format never matches
        prev = stored
        count += 1
    assert intact, "the baseline read the chain out of order"
    return count


def value() -> int:
    verdict = service.verify()
    assert verdict.ok, verdict.problem
    return verdict.count


def timed(check) -> tuple[float, int]:
    with read_only():  # as `flask audit verify` reads: no write lock held on SQLite
        started = time.perf_counter()
        count = check()
        seconds = time.perf_counter() - started
        db.session.rollback()
    return seconds, count


def profile() -> None:
    profiler = cProfile.Profile()
    with read_only():
        profiler.enable()
        value()
        profiler.disable()
        db.session.rollback()
    print("\nWhere verify spends its time (cProfile, by own time):")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


def main(argv=None) -> None:
    args = parse_args(argv)
    ours = args.database_url is None
    if ours:
        OUT.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{OUT / f'audit_verify_{args.entries}.db'}"
    else:
        url = args.database_url
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        prepare(args, url, ours)
        timings = {"value": [], "baseline": []}
        for _ in range(max(1, args.repeat)):
            for name, check in (("value", value), ("baseline", baseline)):
                seconds, count = timed(check)
                assert count == args.entries, f"{name} saw {count:,} entries, expected {args.entries:,}"
                timings[name].append(seconds)
        best = {name: min(times) for name, times in timings.items()}
        dialect = db.engine.dialect.name
        print(f"{args.entries:,} entries on {dialect}, best of {max(1, args.repeat)}:")
        print(f"  verify()  {best['value']:8.3f}s  ({best['value'] / args.entries * 1e6:.2f} µs/entry)")
        print(f"  baseline  {best['baseline']:8.3f}s  ({best['baseline'] / args.entries * 1e6:.2f} µs/entry)")
        if args.profile:
            profile()
        db.session.remove()
        db.engine.dispose()
    ratio = best["value"] / best["baseline"]
    print(f"RESULT audit_verify value={best['value']:.3f} baseline={best['baseline']:.3f} ratio={ratio:.2f}")


if __name__ == "__main__":
    main()
