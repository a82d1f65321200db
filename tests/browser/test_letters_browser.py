"""Feedback letters in a real browser: a panel member reads a drafted letter and approves it, and
the group reads its letter in its portal and prints it (only the letter is printed). Every page
is checked by axe."""
import shutil

import pytest
from playwright.sync_api import expect

from commission import create_app
from commission.accounts.models import User
from commission.extensions import db
from commission.letters import service as letters
from tests.browser.conftest import LiveServer
from tests.conftest import TEST_CONFIG
from tests.factories import World
from tests.test_letters import mixed_round


@pytest.fixture
def letters_server(tmp_path, sqlite_template):
    """A decided round with a drafted letter for every group, all approved but the funded group's."""
    path = tmp_path / "letters.db"
    shutil.copy(sqlite_template, path)
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        world = World()
        round, by_status = mixed_round(world)
        letters.draft_all(round.facilitator, round)
        for status, application in by_status.items():
            if status != "funded":
                letters.approve(round.members[0], letters.letters(round)[application.id].newest)
        db.session.commit()
        people = {"member": round.members[0].email, "round": round.id,
                  "applicant": db.session.get(User, by_status["funded"].applicant_id).email,
                  "organisation": by_status["funded"].organisation}
        db.session.remove()
    with LiveServer(app) as server:
        server.people = people
        yield server
    with app.app_context():
        db.engine.dispose()


def test_a_member_approves_a_letter_and_the_group_reads_and_prints_it(page, letters_server, sign_in, axe_check):
    server, people = letters_server, letters_server.people
    sign_in(server, people["member"], World.PASSWORD)
    page.goto(f"{server.url}/rounds/{people['round']}/letters")
    expect(page.get_by_role("heading", name="Feedback letters", level=1)).to_be_visible()
    expect(page.get_by_text("1 group is still waiting for a published letter.")).to_be_visible()
    axe_check("the letters")
    page.get_by_role("link", name=people["organisation"], exact=True).click()
    expect(page.get_by_role("heading", name=f"Letter to {people['organisation']}")).to_be_visible()
    expect(page.get_by_text("This passes the plain-English check.")).to_be_visible()
    axe_check("a letter waiting for approval")
    page.get_by_role("button", name="Approve and publish version 1").click()
    expect(page.get_by_text("Version 1 is approved and published.")).to_be_visible()
    axe_check("an approved letter")

    page.get_by_role("button", name="Sign out").click()
    sign_in(server, people["applicant"], World.PASSWORD)
    expect(page.get_by_role("cell", name="Funded")).to_be_visible()
    page.get_by_role("link", name="Read your feedback letter").click()
    expect(page.get_by_role("heading", name="Your feedback letter")).to_be_visible()
    expect(page.get_by_text("The panel has decided to fund your project in full.")).to_be_visible()
    expect(page.get_by_text("closest to ‘Point", exact=False).first).to_be_visible()
    axe_check("the group's letter")

    page.emulate_media(media="print")
    expect(page.get_by_text("The panel has decided to fund your project in full.")).to_be_visible()
    expect(page.locator(".app-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    expect(page.get_by_role("link", name="Back to your application")).to_be_hidden()
    expect(page.locator("footer")).to_be_hidden()
