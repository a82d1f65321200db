"""The facilitator makes the application form's questions; a new organisation registers, writes
its application, is told plainly what is missing, and sends it in. Every page passes axe."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from commission.accounts.models import User
from commission.criteria import service as criteria
from commission.demo import content
from commission.extensions import db
from commission.rounds.models import Round
from tests.browser.conftest import serve_demo

FACILITATOR = content.FACILITATOR["email"]
ROUND = content.ROUND["name"]


@pytest.fixture
def opening_server(tmp_path):
    """The demo round with its criteria just adopted: the form has no questions, so it cannot open yet."""
    with serve_demo(tmp_path / "demo.db", "co_design") as server:
        with server.app.app_context():
            round = db.session.get(Round, 1)
            facilitator = db.session.scalar(select(User).where(User.email == FACILITATOR))
            criteria.count(facilitator, criteria.open_motion(round))
            db.session.commit()
            db.session.remove()
        yield server


def test_a_new_organisation_registers_and_sends_in_an_application(page, opening_server, sign_in, axe_check):
    server = opening_server
    sign_in(server, FACILITATOR)
    page.goto(f"{server.url}/rounds/1")
    expect(page.get_by_text("The application form does not ask about the adopted criteria yet.")).to_be_visible()
    page.goto(f"{server.url}/rounds/1/application-form")
    expect(page.get_by_role("heading", name="The application form")).to_be_visible()
    axe_check("application form set-up page")
    page.get_by_role("button", name="Make the questions from the adopted criteria").click()
    expect(page.get_by_text("The questions are ready.")).to_be_visible()
    expect(page.get_by_role("heading", name="Question 1", exact=True)).to_be_visible()
    axe_check("application form set-up page with questions")
    page.goto(f"{server.url}/rounds/1")
    page.get_by_role("button", name="Open the round for applications").click()
    expect(page.get_by_text("The round has moved on.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    page.goto(f"{server.url}/register")
    axe_check("register page")
    page.get_by_label("Your name").fill("Sam Okoro")
    page.get_by_label("Email address").fill("sam@hulme-lunch.example.org")
    page.get_by_label("Your organisation's name").fill("Hulme Lunch Club")
    page.get_by_label("Password", exact=True).fill("three green apples")
    page.get_by_label("Type the password again").fill("three green apples")
    page.get_by_role("button", name="Create your account").click()
    expect(page.get_by_role("heading", name="Apply for funding")).to_be_visible()
    axe_check("applicant's list of rounds")

    page.get_by_role("link", name=f"Read the call for applications to {ROUND}").click()
    expect(page.get_by_role("heading", name=ROUND)).to_be_visible()
    axe_check("call for applications")
    expect(page.get_by_label("Your organisation's name")).to_have_value("Hulme Lunch Club")
    page.get_by_label("Your project's title").fill("Friday lunch club")
    page.get_by_label("Summary of your project").fill("We cook a hot lunch every Friday for older people "
                                                      "who live alone, and give them a lift there and back.")
    page.get_by_label("How much money are you asking for?").fill("£25,000")
    page.get_by_label("How many months will the project take?").fill("12")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Your application is saved but not sent yet.")).to_be_visible()
    axe_check("application page")

    questions = page.get_by_label(re.compile(r"Question \d+: How"))
    total = questions.count()
    assert total >= 2
    questions.nth(0).fill("We ask the GP surgery and the food bank to tell people about us.")
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()

    page.get_by_role("button", name="Save and send your application").click()
    missing = page.get_by_role("link", name="Answer question 2 before you send in your application.")
    expect(missing).to_be_visible()
    axe_check("application page with an unanswered question")
    missing.click()  # the error summary takes you to the box to fill in
    expect(questions.nth(1)).to_be_focused()
    for n in range(1, total):
        questions.nth(n).fill("Older members plan the menu and run the kitchen.")
    page.get_by_role("button", name="Save and send your application").click()
    expect(page.get_by_text("Your application is sent in. You can still change it until the closing date.")
           ).to_be_visible()
    expect(page.get_by_text("Sent", exact=True)).to_be_visible()
    axe_check("application page after sending")


@pytest.fixture
def eligibility_server(tmp_path):
    with serve_demo(tmp_path / "demo.db", "eligibility") as server:
        yield server


def test_the_facilitator_checks_eligibility_and_the_applicant_reads_why(page, eligibility_server, sign_in,
                                                                        axe_check):
    server = eligibility_server
    sign_in(server, FACILITATOR)
    page.goto(f"{server.url}/rounds/1/eligibility")
    expect(page.get_by_role("heading", name="Eligibility checks")).to_be_visible()
    axe_check("eligibility list")
    title = content.APPLICATIONS[0]["title"]
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    axe_check("eligibility check page")
    def rule(number):
        return page.get_by_role("group", name=re.compile(f"^Rule {number}:"))
    rule(1).get_by_label("Does not meet this rule").check()
    rule(2).get_by_label("Meets this rule").check()
    rule(3).get_by_label("Meets this rule").check()
    page.get_by_role("button", name="Save the eligibility check").click()
    expect(page.get_by_role("link", name=re.compile("rule 1"))).to_be_visible()
    axe_check("eligibility check page with an error")
    page.get_by_label("If the application does not meet rule 1, say why").fill(
        "Your group is based outside the area this programme covers.")
    page.get_by_role("button", name="Save the eligibility check").click()
    expect(page.get_by_text(f"The eligibility check for ‘{title}’ is saved.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(server, content.APPLICATIONS[0]["contact_email"])
    page.goto(f"{server.url}/applications")
    page.get_by_role("link", name=title).click()
    page.get_by_role("link", name="Read the result of the eligibility check").click()
    expect(page.get_by_text("Why: Your group is based outside the area this programme covers.")).to_be_visible()
    axe_check("eligibility result for the applicant")
