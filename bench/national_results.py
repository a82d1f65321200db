"""How long do a national round's results take, against a bare SQL GROUP BY over the same scores?

    .venv/bin/python bench/national_results.py            # 20,000 applications, best of 3
    .venv/bin/python bench/national_results.py --quick    # 2,000 applications, best of 3
    .venv/bin/python bench/national_results.py --profile  # also a cProfile listing of the results

The round is built once (seeded) into a SQLite file in bench/out/ and reused by later runs of the
same size: 40 panels of 15 members (600), 8 weighted criteria, 20,000 eligible applications (500
a panel), each scored by 4 or 5 members of its panel: about 750,000 criterion scores. About 2% of
score sheets were changed once (the old record is kept and must not count) and about 0.5% were
set aside after a conflict was declared (kept, and must not count). Rows are written with
executemany, not through the services: this measures reading, not writing.

Two timings over the same stored scores, in the same run:

  value     commission.shortlist.results.round_results: panel_results for every panel: the one
            query that tallies the scores that count (how many scorers gave each point, per
            application and criterion), then ranking (exact totals, tie-break, draw), moderation
            flags, agreement (Krippendorff's alpha) and the optimal budget fit, exactly as the
            results page and closing scoring use it
  baseline  SELECT application_id, criterion_id, AVG(value) ... GROUP BY over the same scores
            (the same joins and filters: current record, not set aside, this round), all rows
            fetched: the least a database can do to report a mean per criterion

It also prints where the value's time goes, each part timed on its own over every panel (best
of the runs): the tally query, scoring.count_table (checking the tallies once),
scoring.results_from_tallies, scoring.agreement_from_tallies and scoring.fit_budget.

The last line is `RESULT national_results value=<s> baseline=<s> ratio=<value/baseline>`.
The goal (issue 5) is value at most 1 second and at most 3 times the baseline.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import random
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

from _timing import timed  # noqa: E402  (bench/_timing.py, beside this script)
from commission import create_app  # noqa: E402
from commission.database import read_only  # noqa: E402
from commission.extensions import db  # noqa: E402
from commission.applications.models import Application  # noqa: E402
from commission.rounds.models import Round  # noqa: E402
import scoring  # noqa: E402
from commission.shortlist import results  # noqa: E402

OUT = ROOT / "bench" / "out"
FULL, QUICK = 20_000, 2_000
PANELS, MEMBERS_PER_PANEL = 40, 15
WEIGHTS = (3, 3, 2, 2, 2, 1, 1, 1)
AT = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
BATCH = 50_000
PARTS = ("query", "check", "results", "agreement", "fit")

GROUP_BY = text("""
    SELECT s.application_id, cs.criterion_id, AVG(cs.value)
    FROM criterion_scores cs
    JOIN score_sheets s ON s.current_record_id = cs.record_id
    JOIN applications a ON a.id = s.application_id
    WHERE a.round_id = :round_id AND s.set_aside_at IS NULL
    GROUP BY s.application_id, cs.criterion_id
""")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK:,} applications instead of {FULL:,}")
    parser.add_argument("--applications", type=int, help="how many applications the round has")
    parser.add_argument("--database-url", help="default: a SQLite file in bench/out/. Another database must "
                                               "be empty: the round is written into it")
    parser.add_argument("--repeat", type=int, default=3, help="time each this many times, keep the best")
    parser.add_argument("--profile", action="store_true", help="also run the results under cProfile")
    args = parser.parse_args(argv)
    args.applications = args.applications or (QUICK if args.quick else FULL)
    return args


def insert(table: str, rows: list[dict]) -> None:
    target = db.metadata.tables[table]
    with db.engine.begin() as conn:
        for start in range(0, len(rows), BATCH):
            conn.execute(target.insert(), rows[start:start + BATCH])


def build(applications: int, seed: int = 2026) -> None:
    """The round, as rows. Ids are given, so that every table can be written in one go."""
    started = time.perf_counter()
    rng = random.Random(seed)
    user = dict(password_hash="x", active=True, created_at=AT)
    members = PANELS * MEMBERS_PER_PANEL
    insert("users", [dict(user, id=1, email="facilitator@bench.example", name="Facilitator", role="facilitator")]
           + [dict(user, id=1 + n, email=f"member{n}@bench.example", name=f"Member {n}", role="member")
              for n in range(1, members + 1)]
           + [dict(user, id=1 + members + n, email=f"applicant{n}@bench.example", name=f"Applicant {n}",
                   role="applicant") for n in range(1, 201)])
    insert("programmes", [dict(id=1, name="National programme", funder_name="Bench Lottery Fund",
                               total_budget_pence=21_000_000_00, min_flesch=60, created_at=AT)])
    insert("rounds", [dict(id=1, programme_id=1, name="National round", workflow_name="default",
                           stage="shortlisting", budget_pence=20_000_000_00, scale_max=4, vote_rule="majority",
                           quorum_percent=50, created_at=AT)])
    insert("panels", [dict(id=p, round_id=1, name=f"Panel {p}") for p in range(1, PANELS + 1)])
    panel_members = {p: [1 + (p - 1) * MEMBERS_PER_PANEL + m for m in range(1, MEMBERS_PER_PANEL + 1)]
                     for p in range(1, PANELS + 1)}
    insert("round_people", [dict(id=1, round_id=1, user_id=1, role="facilitator", panel_id=None, joined_at=AT)]
           + [dict(id=1 + member, round_id=1, user_id=member, role="member", panel_id=p, joined_at=AT)
              for p, ids in panel_members.items() for member in ids])
    insert("panel_settings", [dict(round_id=1, scorers_per_application=5, minutes_per_application=45,
                                   workload_cap_hours=200, members_record_own_training=False,
                                   excluded_levels_json='["know_someone", "close", "involved"]',
                                   comments_required=False, moderation_tolerance=2, shortlist_percent=150,
                                   budget_method="optimal")])
    _criteria()
    apps, sheets, records, scores = [], [], [], []
    generosity = {m: rng.gauss(0, 0.4) for ids in panel_members.values() for m in ids}
    for n in range(1, applications + 1):
        panel = 1 + (n - 1) * PANELS // applications
        apps.append(dict(id=n, round_id=1, panel_id=panel, applicant_id=1 + members + 1 + n % 200,
                         organisation=f"Group {n}", contact_name="Contact", title=f"Project {n}", summary="A project.",
                         amount_requested_pence=rng.randrange(5_000, 150_000) * 100, timescale_months=12,
                         status="eligible", created_at=AT, submitted_at=AT))
        quality = rng.gauss(2.3, 0.7)
        for member in rng.sample(panel_members[panel], rng.choice((4, 5, 5))):
            sheet = len(sheets) + 1
            sheets.append(dict(id=sheet, application_id=n, member_id=member, criteria_version_id=1,
                               set_aside_at=AT if rng.random() < 0.005 else None))
            for number in range(1, 3 if rng.random() < 0.02 else 2):
                record = len(records) + 1
                records.append(dict(id=record, sheet_id=sheet, number=number,
                                    kind="submitted" if number == 1 else "revised", after_discussion=False, at=AT))
                for criterion in range(1, len(WEIGHTS) + 1):
                    value = round(rng.gauss(quality + generosity[member], 0.8))
                    scores.append(dict(record_id=record, criterion_id=criterion, value=min(4, max(0, value))))
    insert("applications", apps)
    insert("score_sheets", sheets)
    insert("score_records", records)
    insert("criterion_scores", scores)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE score_sheets SET current_record_id = "
                          "(SELECT MAX(r.id) FROM score_records r WHERE r.sheet_id = score_sheets.id)"))
        conn.execute(text("ANALYZE"))  # as a live database would have: the planner knows the tables' sizes
    print(f"  built {applications:,} applications, {len(sheets):,} score sheets, {len(scores):,} criterion "
          f"scores in {time.perf_counter() - started:.1f}s")


def _criteria() -> None:
    """One adopted version of 8 criteria (with the proposals and motion it came from)."""
    descriptors = '["Not at all", "A little", "Partly", "Mostly", "Fully"]'
    count = len(WEIGHTS)
    insert("criterion_proposals", [dict(id=p, round_id=1, proposer_id=2, created_at=AT) for p in range(1, count + 1)])
    insert("criterion_proposal_versions", [dict(id=p, proposal_id=p, number=1, title=f"Criterion {p}",
                                                meaning="What it means.", descriptors_json=descriptors, author_id=2,
                                                created_at=AT) for p in range(1, count + 1)])
    insert("criteria_motions", [dict(id=1, round_id=1, moved_by_id=2, status="adopted", combination="weighted_average",
                                     minimum_score_hundredths=150, tie_break_json='[1, 2, "draw"]', created_at=AT,
                                     counted_at=AT)])
    insert("criteria_motion_items", [dict(motion_id=1, position=p, proposal_version_id=p, weight=w)
                                     for p, w in enumerate(WEIGHTS, start=1)])
    insert("criteria_versions", [dict(id=1, round_id=1, number=1, motion_id=1, adopted_at=AT, scale_max=4,
                                      combination="weighted_average", minimum_score_hundredths=150,
                                      tie_break_json='[1, 2, "draw"]', draw_seed="bench")])
    insert("criteria", [dict(id=p, version_id=1, position=p, title=f"Criterion {p}", meaning="What it means.",
                             descriptors_json=descriptors, weight=w, proposal_version_id=p)
                        for p, w in enumerate(WEIGHTS, start=1)])


def prepare(args, url: str) -> None:
    db.create_all()  # leaves existing tables alone
    with read_only():
        rounds = db.session.scalar(select(func.count()).select_from(Round))
        stored = db.session.scalar(select(func.count()).select_from(db.metadata.tables["applications"]))
        db.session.rollback()
    if rounds and stored == args.applications:
        print(f"Reusing the round of {stored:,} applications in {url}")
        return
    if rounds:
        sys.exit(f"{url} already holds rounds. Give an empty database, or delete the file in bench/out/.")
    print(f"Building a round of {args.applications:,} applications in {url}")
    build(args.applications)


def whole_round() -> list:
    """What the benchmark times: every panel's results, through the same code as the pages."""
    round = db.session.get(Round, 1)
    return results.round_results(round)


def parts() -> dict:
    """For the breakdown: each part of the results on its own, every panel, in seconds."""
    round = db.session.get(Round, 1)
    version = results.criteria.current_version(round)
    specs = [scoring.CriterionSpec(c.id, c.weight, c.position) for c in version.criteria]
    rules = results.rules_for(version, 2)
    requested = results.requested_by_panel(round)
    spent = dict.fromkeys(PARTS, 0.0)
    rows = 0
    for panel in round.panels:
        started = time.perf_counter()
        tallies = results.counted_tallies(round.id, panel.id, rules.scale_max)
        spent["query"] += time.perf_counter() - started
        rows += len(tallies)
        started = time.perf_counter()
        table = scoring.count_table(tallies, rules.scale_max)
        spent["check"] += time.perf_counter() - started
        started = time.perf_counter()
        found = scoring.results_from_tallies(table, specs, rules)
        spent["results"] += time.perf_counter() - started
        started = time.perf_counter()
        scoring.agreement_from_tallies(table)
        spent["agreement"] += time.perf_counter() - started
        costs = dict(db.session.execute(select(Application.id, Application.amount_requested_pence)
                                        .where(Application.panel_id == panel.id)).all())
        items = [(r.application_id, costs[r.application_id], r.exact_total) for r in found if r.rank]
        started = time.perf_counter()
        scoring.fit_budget(items, results.share_of_budget(round, requested[panel.id], sum(requested.values()), 150),
                           "optimal")
        spent["fit"] += time.perf_counter() - started
    spent["rows"] = rows
    return spent


def parts_as_the_results_run() -> dict:
    with results._collector_paused():   # as round_results does, while the rows are in hand
        return parts()


def group_by() -> list:
    return db.session.execute(GROUP_BY, {"round_id": 1}).all()


def run(function):
    with read_only():
        answer = function()
        db.session.rollback()
    return answer


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.database_url is None:
        OUT.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{OUT / f'national_results_{args.applications}.db'}"
    else:
        url = args.database_url
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    repeat = max(1, args.repeat)
    with app.app_context():
        prepare(args, url)
        counted = run(lambda: db.session.scalar(text(
            "SELECT COUNT(*) FROM criterion_scores cs JOIN score_sheets s ON s.current_record_id = cs.record_id "
            "WHERE s.set_aside_at IS NULL")))
        # Alternate, so that neither always runs on a warmer cache.
        best = {"value": float("inf"), "baseline": float("inf")}
        split = dict.fromkeys(PARTS, float("inf"))
        # Each timing starts with a full collection (not timed), so that neither pays for the
        # cyclic garbage collector going over what the other left in memory.
        for _ in range(repeat):
            found = means = None
            gc.collect()
            seconds, found = timed(lambda: run(whole_round), 1)
            best["value"] = min(best["value"], seconds)
            gc.collect()
            seconds, means = timed(lambda: run(group_by), 1)
            best["baseline"] = min(best["baseline"], seconds)
            gc.collect()
            spent = run(parts_as_the_results_run)
            split = {part: min(split[part], spent[part]) for part in split}
        ranked = sum(len(r.ranked) for r in found)
        chosen = sum(len(r.chosen_ids) for r in found)
        assert len(means) == args.applications * len(WEIGHTS), len(means)
        print(f"{args.applications:,} applications, {len(found)} panels, {counted:,} criterion scores that count, "
              f"on {db.engine.dialect.name}; best of {repeat}:")
        print(f"  panel_results, every panel  {best['value']:7.3f}s  ({ranked:,} ranked, {chosen:,} suggested "
              f"for shortlists, {sum(len(r.flags) for r in found):,} moderation flags)")
        print(f"  bare GROUP BY               {best['baseline']:7.3f}s  ({len(means):,} means)")
        print(f"  of the results, each part on its own (best of {repeat}), every panel:")
        print(f"    the tally query           {split['query']:7.3f}s  ({spent['rows']:,} rows)")
        print(f"    count_table (checks)      {split['check']:7.3f}s")
        print(f"    results_from_tallies      {split['results']:7.3f}s")
        print(f"    agreement_from_tallies    {split['agreement']:7.3f}s")
        print(f"    fit_budget, optimal       {split['fit']:7.3f}s")
        if args.profile:
            profiler = cProfile.Profile()
            with read_only():
                profiler.enable()
                whole_round()
                profiler.disable()
                db.session.rollback()
            print("\nWhere the results spend their time (cProfile, by own time):")
            pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
        db.session.remove()
        db.engine.dispose()
    ratio = best["value"] / best["baseline"]
    print(f"RESULT national_results value={best['value']:.3f} baseline={best['baseline']:.3f} ratio={ratio:.2f}")


if __name__ == "__main__":
    main()
