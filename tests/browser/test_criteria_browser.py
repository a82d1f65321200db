"""A panel member and the facilitator co-design the criteria in a real browser."""
import re

import pytest
from playwright.sync_api import expect

from commission.demo import content
from tests.browser.conftest import serve_demo

FACILITATOR = content.FACILITATOR["email"]
LAST_MEMBER = content.PANELS[-1]["members"][-1]["email"]  # the demo's member who has not voted yet
FIRST_MEMBER = content.PANELS[0]["members"][0]["email"]


@pytest.fixture
def codesign_server(tmp_path):
    with serve_demo(tmp_path / "demo.db", "co_design") as server:
        yield server


def test_member_votes_comments_and_the_facilitator_counts(page, codesign_server, sign_in, axe_check):
    sign_in(codesign_server, LAST_MEMBER)
    page.goto(f"{codesign_server.url}/rounds/1/criteria")
    expect(page.get_by_role("heading", name="The vote now open")).to_be_visible()
    axe_check("criteria page with an open vote")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Send my vote").click()
    expect(page.get_by_text("Your vote is recorded.")).to_be_visible()
    page.get_by_role("link", name="Easy to get to").click()
    expect(page.get_by_text("Version 1: Easy to get to")).to_be_visible()  # the earlier version is kept
    axe_check("proposal page")
    page.get_by_label("Add a comment").fill("Good idea. Think about people who use wheelchairs.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("Think about people who use wheelchairs.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(codesign_server, FACILITATOR)
    page.goto(f"{codesign_server.url}/rounds/1")
    expect(page.get_by_text("The panel has not adopted its criteria yet.")).to_be_visible()
    page.goto(f"{codesign_server.url}/rounds/1/criteria")
    page.get_by_role("button", name="Count the votes").click()
    expect(page.get_by_text(re.compile(r"16 yes, 1 no, 1 abstained, 0 did not vote"))).to_be_visible()
    expect(page.get_by_text("In use")).to_be_visible()
    axe_check("criteria page after adoption")
    page.goto(f"{codesign_server.url}/rounds/1")
    expect(page.get_by_text("The panel has not adopted its criteria yet.")).to_have_count(0)
    expect(page.get_by_text("The application form does not ask about the adopted criteria yet.")).to_be_visible()


def test_member_proposes_a_criterion_with_the_keyboard(page, codesign_server, sign_in, axe_check):
    sign_in(codesign_server, FIRST_MEMBER)
    page.goto(f"{codesign_server.url}/rounds/1/criteria/propose")
    axe_check("propose page")
    page.get_by_label("Short title").focus()
    page.keyboard.type("Friendly and welcoming")
    page.keyboard.press("Tab")
    page.keyboard.type("New people feel welcome from the first day.")
    for n in range(5):
        page.keyboard.press("Tab")
        page.keyboard.type(f"What score {n} looks like.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your proposal is saved.")).to_be_visible()
    expect(page.get_by_role("link", name="Friendly and welcoming")).to_be_visible()


def test_the_form_to_put_criteria_to_the_vote_is_accessible(page, codesign_server, sign_in, axe_check):
    sign_in(codesign_server, FIRST_MEMBER)
    page.goto(f"{codesign_server.url}/rounds/1/criteria")
    page.get_by_role("button", name="Withdraw this vote").click()  # the demo's first member moved it
    expect(page.get_by_text("You withdrew the vote.")).to_be_visible()
    page.get_by_role("link", name="Put criteria to the vote").click()
    axe_check("put criteria to the vote")
    page.get_by_role("button", name="Put this to the vote").click()
    expect(page.get_by_role("link", name="Choose at least one proposal to put to the vote.")).to_be_visible()
    axe_check("put criteria to the vote, with an error")
    page.get_by_role("checkbox", name="Led by older people").check()
    page.get_by_label("Weight for 'Led by older people'").fill("2")
    page.get_by_role("button", name="Put this to the vote").click()
    expect(page.get_by_text("The criteria are now up for the panel's vote.")).to_be_visible()


def test_a_missing_title_is_explained_on_the_form(page, codesign_server, sign_in, axe_check):
    sign_in(codesign_server, FIRST_MEMBER)
    page.goto(f"{codesign_server.url}/rounds/1/criteria/propose")
    page.get_by_role("button", name="Save my proposal").click()
    expect(page.get_by_role("link", name="Fill in a short title.")).to_be_visible()
    axe_check("propose page with an error")
