"""The demo round, built through the same services the app uses.

Time is moved forward in-process (the engine's clock), so rest periods and closing
dates really pass: the demo never skips a guard.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import func, inspect, select

from commission import clock
from commission.accounts import service as accounts
from commission.accounts.models import User
from commission.applications import eligibility
from commission.applications import questions as application_form
from commission.applications import service as applications
from commission.documents import service as documents
from commission.panels import policy as panel_policy
from commission.panels import service as panels
from commission.panels.models import DEFAULT_TRAINING, TrainingModule
from commission.criteria import service as criteria
from commission.demo import codesign, content
from commission.demo import documents as demo_documents
from commission.demo import later as demo_later
from commission.demo import scoring as demo_scoring
from commission.errors import RuleBroken
from commission.extensions import db
from commission.programmes.models import Programme
from commission.rounds import service as rounds
from workflows import get_workflow

PASSWORD = "commission-demo"
# Every stage the demo can reach honestly, in order.
REACHABLE = ("draft", "co_design", "open", "eligibility", "shortlisting", *demo_later.STAGES_AFTER)
# The demo round starts this long ago, so its closing date and checks are in the past.
HISTORY = timedelta(days=50)
# application number -> (which published rule it does not meet, why)
INELIGIBLE = {
    7: (0, "Your group is based just outside the area this programme covers."),
    18: (1, "You asked for money to pay off a loan. The rules say we cannot fund that."),
    26: (2, "Your group started six months ago. The rules ask for at least one year."),
}
ANSWER = ("We will reach people through the GP surgery, the library and the church. "
          "Older people in our group plan the sessions and choose what we do.")


@dataclass
class Cast:
    administrator: User
    facilitator: User
    funder: User
    members: list[User]
    applicants: list[User]
    round: object = None


def build(*, reset: bool, to_stage: str) -> Cast:
    workflow = get_workflow("default")
    if to_stage not in workflow.stages:
        raise RuleBroken(f"'{to_stage}' is not a stage. The stages are: {', '.join(workflow.stages)}.")
    db.session.remove()  # no transaction of ours may hold the database while the schema is checked
    if reset:
        _wipe()
    _ensure_schema()
    if db.session.scalar(select(func.count()).select_from(Programme).where(Programme.name == content.PROGRAMME["name"])):
        raise RuleBroken("The demo is already in this database. Use --reset to build it again.")
    target = REACHABLE.index(to_stage)
    later = to_stage in demo_later.STAGES_AFTER
    start = clock.now() - HISTORY - (timedelta(days=demo_later.DAYS_AFTER) if later else timedelta(0))
    with clock.travel(start):
        cast = _cast()
        programme = rounds.create_programme(cast.administrator, content.PROGRAMME["name"],
                                            content.PROGRAMME["funder"], content.PROGRAMME["total_budget_pence"])
        round = rounds.create_round(cast.administrator, programme, content.ROUND["name"], "default",
                                    content.ROUND["budget_pence"])
        cast.round = round
        rounds.add_person(cast.administrator, round, cast.facilitator, "facilitator")
        rounds.add_person(cast.facilitator, round, cast.funder, "funder")
        panels = []
        for panel_data, members in zip(content.PANELS, _chunks(cast.members, content.PANELS)):
            panel = rounds.add_panel(cast.facilitator, round, panel_data["name"])
            panels.append(panel)
            for member in members:
                rounds.add_person(cast.facilitator, round, member, "member", panel)
        _prepare_documents(cast)
        if target == 0:
            rounds.set_closing_date(cast.facilitator, round, clock.now() + HISTORY + timedelta(days=28))
            return cast
        clock.advance(timedelta(days=2))
        rounds.take_step(cast.facilitator, round, "start_co_design")
        motion = _co_design(cast)
        # A closing date a month after opening; while the demo stops early it stays in the future.
        clock.advance(timedelta(days=7))
        closes = clock.now() + timedelta(days=28) if target > 2 else clock.now() + HISTORY + timedelta(days=21)
        rounds.set_closing_date(cast.facilitator, round, closes)
        if target == 1:
            return cast
        clock.advance(timedelta(hours=2))
        criteria.count(cast.facilitator, motion)
        application_form.prepare_questions(cast.facilitator, round)
        rounds.take_step(cast.facilitator, round, "open_applications")
        for number, (applicant, data) in enumerate(zip(cast.applicants, content.APPLICATIONS), start=1):
            clock.advance(timedelta(hours=15))
            application = applications.create(
                applicant, round, organisation=data["organisation"], contact_name=data["contact_name"],
                title=data["title"], summary=data["summary"], amount_requested_pence=data["amount_pence"],
                timescale_months=data["timescale_months"], panel=panels[data["panel"]])
            if target > 2 or number % 3:
                applications.update_draft(applicant, application, answers={
                    q.id: ANSWER for q in application_form.questions_for(round)})
                applications.submit(applicant, application)
        if target == 2:
            return cast
        with clock.travel(closes + timedelta(hours=1)):
            rounds.take_step(cast.facilitator, round, "start_eligibility")
            if target == 3:
                return cast
            rules = eligibility.rules_for(round)
            for number, application in enumerate(sorted(round_applications(round), key=lambda a: a.id), start=1):
                clock.advance(timedelta(minutes=20))
                unmet, why = INELIGIBLE.get(number, (None, None))
                eligibility.record_checks(cast.facilitator, application, {
                    rule.id: (False, why) if index == unmet else (True, None) for index, rule in enumerate(rules)})
            clock.advance(timedelta(days=2))
            rounds.take_step(cast.facilitator, round, "start_shortlisting")
            _prepare_panel(cast)
            demo_scoring.share_out_and_score(cast)
            if later:
                demo_later.finish_shortlisting(cast, to_stage)
    return cast


def _prepare_panel(cast: Cast) -> None:
    """Most members have done their training; some have said whether they know the groups."""
    modules = list(db.session.scalars(select(TrainingModule).where(TrainingModule.round_id == cast.round.id)))
    for member in cast.members[:-2]:  # two members still have training to do
        for module in modules:
            clock.advance(timedelta(minutes=5))
            panels.record_training(cast.facilitator, member, module)
    for member in cast.members[::6]:  # the first member of each panel has answered already
        for number, application in enumerate(panel_policy.panel_applications(member, cast.round)):
            panels.declare(member, application, "close" if number == 1 else "none")


def _prepare_documents(cast: Cast) -> None:
    """Before the round starts: the rules, the hours each stage takes, and what people read."""
    round, facilitator = cast.round, cast.facilitator
    eligibility.set_eligibility_rules(facilitator, round, demo_documents.ELIGIBILITY_RULES)
    panels.set_training(facilitator, round, list(DEFAULT_TRAINING))
    documents.set_stage_estimates(facilitator, round, demo_documents.STAGE_HOURS)
    made = [documents.generate_time_commitment(facilitator, round)]
    for kind, title, text in (("call_for_applications", "Apply for money to help older people", demo_documents.CALL),
                              ("applicant_guidance", "Help with your application", demo_documents.GUIDANCE),
                              ("eligibility_rules", "Who can apply", demo_documents.RULES_DOCUMENT),
                              ("panel_pack", "Your panel pack", demo_documents.PANEL_PACK)):
        made.append(documents.create(facilitator, round, kind, title, text))
    for document in made:
        documents.publish(facilitator, document.versions[-1])


def _co_design(cast: Cast):
    """Two workshops: members propose, discuss and amend criteria, then vote (counted later)."""
    round = cast.round
    members = cast.members
    made = []
    for index, (who, title, meaning, descriptors) in enumerate(codesign.PROPOSALS):
        clock.advance(timedelta(hours=3))
        if index == len(codesign.PROPOSALS) - 1:  # written down by the facilitator at the workshop
            made.append(criteria.propose(cast.facilitator, round, title, meaning, descriptors,
                                         on_behalf_of=members[who]))
        else:
            made.append(criteria.propose(members[who], round, title, meaning, descriptors))
    for proposal_index, who, body in codesign.COMMENTS:
        clock.advance(timedelta(hours=5))
        criteria.comment(members[who], made[proposal_index], body)
    proposal_index, who, title, meaning = codesign.AMENDMENT
    criteria.amend(members[who], made[proposal_index], title, meaning, made[proposal_index].current.descriptors)
    clock.advance(timedelta(days=2))
    motion = criteria.move(members[0], round, list(zip((p.id for p in made), codesign.WEIGHTS)),
                           "weighted_average", codesign.MINIMUM_SCORE, codesign.TIE_BREAK)
    for number, member in enumerate(members[:-1]):  # one member could not come
        clock.advance(timedelta(minutes=3))
        criteria.vote(member, motion, "no" if number == 4 else "abstain" if number == 9 else "yes")
    return motion


def round_applications(round):
    from commission.applications.models import Application

    return list(db.session.scalars(select(Application).where(Application.round_id == round.id)))


def _cast() -> Cast:
    def person(data: dict, role: str) -> User:
        return accounts.create_user(None, data["email"], data["name"], role, PASSWORD)

    administrator = person(content.ADMINISTRATOR, "administrator")
    members = [person(m, "member") for panel in content.PANELS for m in panel["members"]]
    applicants = [person({"email": a["contact_email"], "name": a["contact_name"]}, "applicant")
                  for a in content.APPLICATIONS]
    return Cast(administrator=administrator, facilitator=person(content.FACILITATOR, "facilitator"),
                funder=person(content.FUNDER_AUDITOR, "funder"), members=members, applicants=applicants)


def _chunks(members: list[User], panels: list[dict]):
    start = 0
    for panel in panels:
        yield members[start:start + len(panel["members"])]
        start += len(panel["members"])


def _ensure_schema() -> None:
    upgrade(directory=current_app.extensions["migrate"].directory)


def _wipe() -> None:
    """Drop every table (the audit triggers refuse row deletes, not a whole new database)."""
    db.session.remove()
    engine = db.engine
    with engine.begin() as connection:
        names = inspect(connection).get_table_names()
    if names:
        db.metadata.drop_all(engine)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def sign_in_sheet(cast: Cast) -> str:
    rows = [("Administrator", cast.administrator.email), ("Facilitator", cast.facilitator.email),
            ("Funder or auditor", cast.funder.email)]
    rows += [("Panel member", m.email) for m in cast.members[:3]]
    if cast.round is not None and cast.round.stage == "shortlisting":
        rows += [("Member, to score", demo_scoring.SCORER), ("Member, to vote", demo_scoring.VOTER)]
    rows += [("Applicant", a.email) for a in cast.applicants[:2]]
    width = max(len(r[0]) for r in rows)
    lines = ["The demo round is ready. Sign in at http://127.0.0.1:5000 with any of these:", ""]
    lines += [f"  {role.ljust(width)}  {email}" for role, email in rows]
    lines += ["", f"Every demo account has the password: {PASSWORD}",
              f"({len(cast.members)} panel members and {len(cast.applicants)} applicants in all.)"]
    return "\n".join(lines)
