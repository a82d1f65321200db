"""A panel member gets ready to score in a real browser: training, then links with the groups."""
import pytest
from playwright.sync_api import expect

from commission.demo import content
from tests.browser.conftest import serve_demo

FACILITATOR = content.FACILITATOR["email"]
UNTRAINED = content.PANELS[-1]["members"][-1]["email"]  # the demo leaves two members' training to do
READY = content.PANELS[0]["members"][1]["email"]        # trained, has not said anything about links yet


@pytest.fixture
def shortlisting_server(tmp_path):
    with serve_demo(tmp_path / "demo.db", "shortlisting") as server:
        yield server


def test_member_declares_links_and_then_reads_an_application(page, shortlisting_server, sign_in, axe_check):
    server = shortlisting_server
    sign_in(server, READY)
    page.get_by_role("link", name="Before you start: your training and any links with the groups").click()
    expect(page.get_by_role("heading", name="Before you start")).to_be_visible()
    axe_check("before you start")
    groups = page.locator("fieldset")
    for index in range(groups.count()):
        groups.nth(index).get_by_label("I have no link with this group").check()
    groups.nth(0).get_by_label("A close friend or family member is there").check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_text("Thank you. What you said is saved.")).to_be_visible()
    expect(page.get_by_text("You will not see this application.").first).to_be_visible()
    axe_check("before you start, answered")


def test_untrained_member_is_told_what_training_is_missing(page, shortlisting_server, sign_in, axe_check):
    server = shortlisting_server
    sign_in(server, UNTRAINED)
    page.goto(f"{server.url}/rounds/1/panel")
    expect(page.get_by_text("To do").first).to_be_visible()
    axe_check("before you start, untrained")


def test_facilitator_records_training_with_the_keyboard(page, shortlisting_server, sign_in, axe_check):
    server = shortlisting_server
    sign_in(server, FACILITATOR)
    page.goto(f"{server.url}/rounds/1/training")
    axe_check("training page")
    button = page.get_by_role("button", name="Record as done").first
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("is recorded as done.")).to_be_visible()
