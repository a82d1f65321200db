"""The demo round from `interviews` to `closed`, through the browser only, as its people would
do it: the applicant adds the interview to a real calendar program, an interviewer adds notes,
the facilitator finishes interviews, the panel rests, decides every application by vote and
confirms; the letters are drafted, approved by the panel and published; the round closes and a
group reads its letter. Key pages are checked by axe on the way.

The served app runs on the real clock. The panel's 7-day rest really has to pass, so a test-only
middleware moves the in-process clock of each request forward (as `clock.advance` does for the
demo builder). No route can move the clock; this wraps the app from outside."""
from __future__ import annotations

import contextlib
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from commission import clock, create_app
from commission.accounts.models import User
from commission.criteria import service as criteria
from commission.decisions.models import OUTCOMES
from commission.demo.later import REASONS
from commission.extensions import db
from commission.interviews import policy as interview_policy
from commission.interviews import service as interviews
from commission.panels import policy as panel_policy
from commission.rounds.models import Round
from tests.browser.conftest import LiveServer
from tests.calendar_program import CalendarProgram
from tests.conftest import TEST_CONFIG

PASSWORD = "commission-demo"


class TimeMachine:
    """WSGI middleware: every request runs `offset` ahead of the real clock."""

    def __init__(self, app):
        self.app, self.offset = app, timedelta(0)

    def __call__(self, environ, start_response):
        token = clock._offset.set(self.offset)
        try:
            return self.app(environ, start_response)
        finally:
            clock._offset.reset(token)


def _plan(round) -> list[dict]:
    """What the panel will decide, in the demo's own way: fund the smallest requests while the
    money lasts, part-fund one, say no to the rest."""
    left, part_done, plan = round.budget_pence, False, []
    for application in sorted(interviews.shortlisted(round), key=lambda a: a.amount_requested_pence):
        asked = application.amount_requested_pence
        if asked <= left:
            outcome, amount = "fund", asked
        elif not part_done and left >= 10_000_00:
            outcome, amount, part_done = "part_fund", min(left, asked // 2), True
        else:
            outcome, amount = "not_fund", 0
        left -= amount
        plan.append(dict(id=application.id, title=application.title, outcome=outcome, pounds=amount // 100,
                         panel=application.panel_id))
    return plan


@contextlib.contextmanager
def demo_at_interviews(path):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo", "--to", "interviews"])
        assert result.exit_code == 0, result.output
        round = db.session.scalars(select(Round)).one()
        members = [p.user for p in round.people if p.role == "member" and p.stepped_back_at is None]
        interview = interviews.interviews(round)[0]
        application = interview.application
        facts = dict(
            round=round.id, budget=round.budget_pence,
            facilitator=next(p.user.email for p in round.people if p.role == "facilitator"),
            applicant=db.session.get(User, application.applicant_id).email, application=application.id,
            interview=interview.id, title=application.title,
            interviewer=db.session.get(User, interview_policy.interviewers_of(interview)[0]).email,
            by_panel={panel.id: [m.email for m in members if panel_policy.panel_of(m, round) == panel.id]
                      for panel in round.panels},
            plan=_plan(round), first_criterion=criteria.current_version(round).criteria[0].title)
        db.session.remove()
    machine = TimeMachine(app.wsgi_app)
    app.wsgi_app = machine
    with LiveServer(app) as server:
        server.machine, server.facts = machine, facts
        yield server, app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def walk(tmp_path):
    with demo_at_interviews(tmp_path / "walk.db") as served:
        yield served


class People:
    """One browser context per person, each signed in once, as on their own device."""

    def __init__(self, browser, server):
        self.browser, self.server, self.pages = browser, server, {}

    def __call__(self, email: str):
        if email not in self.pages:
            page = self.browser.new_context().new_page()
            page.goto(f"{self.server.url}/sign-in")
            page.get_by_label("Email address").fill(email)
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
            self.pages[email] = page
        return self.pages[email]

    def close(self):
        for page in self.pages.values():
            page.context.close()


@pytest.fixture
def people(browser, walk):
    crowd = People(browser, walk[0])
    yield crowd
    crowd.close()


def _axe(page, label):
    from axe_playwright_python.sync_playwright import Axe

    from tests.browser.conftest import WCAG_TAGS
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, f"{label}: {results.generate_report()}"


def _take_step(page, server, round_id, label):
    page.goto(f"{server.url}/rounds/{round_id}")
    page.get_by_role("button", name=label, exact=True).click()
    expect(page.get_by_text("The round has moved on.")).to_be_visible()


def _calendar_file(page, link_name) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name=link_name).click()
    return Path(download.value.path()).read_bytes()


def _interviews(server, people, facts, tmp_path):
    applicant = people(facts["applicant"])
    applicant.goto(f"{server.url}/applications/{facts['application']}/interview")
    expect(applicant.get_by_role("heading", name="Your interview", exact=True)).to_be_visible()
    _axe(applicant, "the group's interview page")
    booked = applicant.get_by_text("(UK time), for", exact=False).inner_text()
    calendar = CalendarProgram(tmp_path / "applicant")
    calendar.import_file(_calendar_file(applicant, "Add your interview to your calendar (.ics file)"))
    [event] = calendar.events("2020-01-01", days=3650)
    day, hours = event.split(" ")[0], event.split(" ")[1]
    # The page and the calendar program agree on the UK time.
    assert hours.split("-")[0] in booked and int(day[-2:]) and event.endswith("CONFIRMED")

    member = people(facts["interviewer"])
    member.goto(f"{server.url}/rounds/{facts['round']}/interviews/{facts['interview']}/notes")
    theirs = CalendarProgram(tmp_path / "interviewer")
    theirs.import_file(_calendar_file(member, "Add this interview to your calendar (.ics file)"))
    assert [e.split(" ")[:2] for e in theirs.events("2020-01-01", days=3650)] == [event.split(" ")[:2]]
    first_question = member.get_by_role("textbox").first
    first_question.fill(first_question.input_value() + " They brought two volunteers to speak.")
    member.get_by_role("button", name="Save my notes").click()
    expect(member.get_by_text("Your notes are saved.")).to_be_visible()
    _axe(member, "interview notes")


def _decide(server, people, facts):
    for item in facts["plan"]:
        url = f"{server.url}/rounds/{facts['round']}/decisions/{item['id']}"
        proposer = people(facts["by_panel"][item["panel"]][0])
        for email in facts["by_panel"][item["panel"]]:
            page = people(email)
            page.goto(url)
            if page.get_by_role("button", name="Put it to the panel").count():
                proposer = page
                break
        proposer.get_by_label(OUTCOMES[item["outcome"]], exact=False).check()
        if item["outcome"] == "part_fund":
            proposer.get_by_label("How much, in pounds?").fill(f"{item['pounds']:,}")
            proposer.get_by_label("What does the part award pay for?").fill("The first year of the project.")
        proposer.get_by_label(facts["first_criterion"]).check()
        proposer.get_by_label("The reason").fill(REASONS[item["outcome"]])
        proposer.get_by_role("button", name="Put it to the panel").click()
        expect(proposer.get_by_text("Your proposal is put to the panel.")).to_be_visible()
        for email in facts["by_panel"][item["panel"]]:
            page = people(email)
            page.goto(url)
            if page.get_by_text("Not confirmed yet").count():
                break
            if page.get_by_role("button", name="Send my vote").count():
                page.get_by_label("Yes, I agree").check()
                page.get_by_role("button", name="Send my vote").click()
                expect(page.get_by_text("Thank you. Your vote is saved.")).to_be_visible()
        page.goto(url)
        expect(page.get_by_text("Not confirmed yet")).to_be_visible()


def _approve_letters(server, people, facts):
    index = f"{server.url}/rounds/{facts['round']}/letters"
    for emails in facts["by_panel"].values():
        for email in emails:
            page = people(email)
            page.goto(index)
            links = [page.get_by_role("link", name=name, exact=True).get_attribute("href")
                     for name in page.locator("table a.govuk-link").all_inner_texts()]
            for href in links:
                page.goto(f"{server.url}{href}")
                approve = page.get_by_role("button", name="Approve and publish version", exact=False)
                if approve.count():
                    approve.click()
                    expect(page.get_by_text("is approved and published.", exact=False)).to_be_visible()


def test_the_demo_goes_from_interviews_to_closed_in_the_browser(walk, people, tmp_path):
    server, app = walk
    facts = server.facts
    round_id = facts["round"]
    _interviews(server, people, facts, tmp_path)

    facilitator = people(facts["facilitator"])
    _take_step(facilitator, server, round_id, "Finish interviews and start the panel's rest")
    facilitator.goto(f"{server.url}/rounds/{round_id}")
    expect(facilitator.get_by_role("button", name="Start deciding", exact=True)).to_have_count(0)
    server.machine.offset = timedelta(days=7, hours=1)  # the panel's rest really passes
    _take_step(facilitator, server, round_id, "Start deciding")

    _decide(server, people, facts)
    member = people(facts["by_panel"][facts["plan"][0]["panel"]][0])
    member.goto(f"{server.url}/rounds/{round_id}/decisions")
    _axe(member, "every decision made")
    member.get_by_role("button", name="Confirm the panel's decisions").click()
    expect(member.get_by_text("Locked").first).to_be_visible()
    awarded = sum(item["pounds"] for item in facts["plan"])
    assert awarded * 100 <= facts["budget"]
    expect(member.get_by_text(f"£{awarded:,}", exact=False).first).to_be_visible()

    facilitator.goto(f"{server.url}/rounds/{round_id}/letters")
    facilitator.get_by_role("button", name="Draft the letters from the panel’s decisions").click()
    facilitator.wait_for_load_state()
    _approve_letters(server, people, facts)
    facilitator.goto(f"{server.url}/rounds/{round_id}/letters")
    expect(facilitator.get_by_text("still waiting for a published letter", exact=False)).to_have_count(0)
    _take_step(facilitator, server, round_id, "Close the round")
    expect(facilitator.get_by_text("Closed").first).to_be_visible()

    applicant = people(facts["applicant"])
    applicant.goto(f"{server.url}/applications/{facts['application']}/letter")
    expect(applicant.get_by_role("heading", name="Your feedback letter")).to_be_visible()
    outcome = next(item["outcome"] for item in facts["plan"] if item["id"] == facts["application"])
    expect(applicant.get_by_text({"fund": "The panel has decided to fund your project in full.",
                                  "part_fund": "The panel has decided to fund part of your project",
                                  "not_fund": "The panel has decided not to fund"}[outcome],
                                 exact=False)).to_be_visible()
    _axe(applicant, "the group's letter")

    with app.app_context():
        result = app.test_cli_runner().invoke(args=["audit", "verify"])
        assert result.exit_code == 0, result.output
