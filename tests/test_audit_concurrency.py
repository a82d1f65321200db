"""Many workers writing at once still make one unbroken chain (SQLite WAL file and PostgreSQL).

Each writer is a thread with its own app context, so its own session and connection, the
way gunicorn workers each hold their own. Writers that break are reported with their
traceback, and writers that hang fail the test after a timeout instead of hanging it.
"""
from __future__ import annotations

import json
import threading
import time
import traceback

from sqlalchemy import func, select

from commission.audit import service as audit
from commission.audit.models import AuditEntry
from commission.audit.service import Actor
from commission.extensions import db

WRITERS = 8
APPENDS = 25
TIMEOUT_SECONDS = 120


class Broken(Exception):
    """A failure a writer meets on purpose."""


def run_writers(app, work, writers: int = WRITERS) -> list[str]:
    """Run work(n) in `writers` threads started together; return what went wrong, if anything."""
    problems: list[str] = []
    start_together = threading.Barrier(writers, timeout=30)

    def writer(n: int) -> None:
        started = False
        try:
            with app.app_context():
                try:
                    start_together.wait()
                    started = True
                    work(n)
                finally:
                    db.session.remove()  # rolls back anything left open, so no lock outlives a failure
        except BaseException:
            problems.append(f"writer {n} failed:\n{traceback.format_exc()}")
            if not started:
                start_together.abort()  # nobody waits at the start for a writer that is gone

    # The main thread must not hold a transaction: on SQLite even a read starts with BEGIN
    # IMMEDIATE outside a request, and would hold the write lock the writers wait for.
    db.session.commit()
    threads = [threading.Thread(target=writer, args=(n,), name=f"writer-{n}", daemon=True) for n in range(writers)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + TIMEOUT_SECONDS
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    stuck = [thread.name for thread in threads if thread.is_alive()]
    if stuck:
        problems.append(f"still writing after {TIMEOUT_SECONDS}s (deadlock?): {', '.join(stuck)}")
    return problems


def append_scores(n: int, fail_every: int | None = None) -> None:
    """One worker's requests: each records one entry and commits, as a view does."""
    for i in range(APPENDS):
        audit.record(Actor(100 + n, "member"), "score.submitted", "application", n * 1000 + i, round_id=1,
                     writer=n, i=i)
        if fail_every and i % fail_every == fail_every - 1:
            db.session.rollback()  # the request broke after recording: its entry must vanish
            continue
        db.session.commit()


def assert_one_unbroken_chain(app, expected_count: int) -> list[AuditEntry]:
    db.session.commit()  # a fresh look at what the writers committed
    seqs = list(db.session.scalars(select(AuditEntry.seq).order_by(AuditEntry.seq)))
    assert len(seqs) == expected_count
    assert seqs == list(range(1, expected_count + 1)), "seq must run 1..n with no gaps"
    verdict = audit.verify()
    assert verdict.ok, verdict.problem
    assert verdict.count == expected_count
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"{expected_count} entries" in result.output
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def test_writers_at_once_make_one_unbroken_chain(app, world):
    already = db.session.scalar(select(func.count()).select_from(AuditEntry))
    assert already > 0  # the world's administrator and programme are in the trail first

    problems = run_writers(app, append_scores)
    assert not problems, "\n".join(problems)

    entries = assert_one_unbroken_chain(app, already + WRITERS * APPENDS)
    written = [e for e in entries if e.action == "score.submitted"]
    for n in range(WRITERS):
        mine = [json.loads(e.details)["i"] for e in written if e.actor_id == 100 + n]
        assert mine == list(range(APPENDS)), f"writer {n}'s entries are all there, in the order written"


def test_writes_that_roll_back_under_load_leave_no_holes(app):
    failing_writer, fail_every = 3, 5

    def work(n: int) -> None:
        append_scores(n, fail_every if n == failing_writer else None)

    problems = run_writers(app, work)
    assert not problems, "\n".join(problems)
    assert_one_unbroken_chain(app, WRITERS * APPENDS - APPENDS // fail_every)


def test_a_writer_that_breaks_is_reported_and_the_others_finish(app):
    def work(n: int) -> None:
        append_scores(n)
        if n == 0:
            raise Broken("writer 0 broke after its appends")

    problems = run_writers(app, work)
    assert len(problems) == 1 and "writer 0 failed" in problems[0] and "Broken" in problems[0], problems
    assert_one_unbroken_chain(app, WRITERS * APPENDS)


def test_a_funder_can_verify_while_the_panel_writes(app):
    """`audit verify` runs alongside the writers and always sees a whole chain, never one
    caught half-way through an append."""
    verdicts: list[tuple[int, str]] = []
    checks = 10

    def work(n: int) -> None:
        if n < WRITERS:
            append_scores(n)
            return
        for _ in range(checks):
            result = app.test_cli_runner().invoke(args=["audit", "verify"])
            verdicts.append((result.exit_code, result.output))

    problems = run_writers(app, work, writers=WRITERS + 1)
    assert not problems, "\n".join(problems)
    assert len(verdicts) == checks
    assert all(code == 0 for code, _ in verdicts), verdicts
    counts = [int(output.split("intact: ")[1].split(" entries")[0]) for _, output in verdicts]
    assert counts == sorted(counts), "each check sees at least what the one before saw"
    assert_one_unbroken_chain(app, WRITERS * APPENDS)
