"""Panel members propose and vote on a decision in a real browser, every page checked by axe;
the facilitator's page has no vote buttons."""
import contextlib

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect

from commission import create_app
from commission.extensions import db
from tests.browser.conftest import LiveServer
from tests.conftest import TEST_CONFIG
from tests.factories import World


@contextlib.contextmanager
def serve_deciding_round(path):
    """A round built through the services up to `deciding`, in a SQLite file, served on 127.0.0.1.
    The people are plain values, since the server reads the database on its own thread."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        world = World()
        round = world.round()
        world.advance(round, "deciding")
        application = world.applications(round)[1]
        people = dict(round_id=round.id, application_id=application.id, title=application.title,
                      members=[m.email for m in round.members], facilitator=round.facilitator.email)
        db.session.remove()
    with LiveServer(app) as server:
        yield server, people
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def deciding(tmp_path):
    with serve_deciding_round(tmp_path / "deciding.db") as served:
        yield served


def test_members_propose_a_part_award_and_vote_it_through(page, deciding, sign_in, axe_check):
    server, people = deciding
    decisions = f"{server.url}/rounds/{people['round_id']}/decisions"
    sign_in(server, people["members"][0], World.PASSWORD)
    page.goto(decisions)
    expect(page.get_by_role("heading", name="The panel's decisions", exact=True)).to_be_visible()
    axe_check("decisions")
    page.get_by_role("link", name=people["title"]).click()
    expect(page.get_by_role("heading", name=people["title"])).to_be_visible()
    axe_check("one application, nothing proposed")

    page.get_by_label("Fund part of it").check()
    page.get_by_label("How much, in pounds?").fill("25,000")
    page.get_by_label("What does the part award pay for?").fill("The first year")
    page.get_by_label("Reaches people who are alone").check()
    page.get_by_label("The reason").fill("They reach people who are alone, but the second year is not clear yet.")
    page.get_by_role("button", name="Put it to the panel").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="£25,000 is more than the £20,000 the group asked for.", exact=False)) \
        .to_be_visible()
    axe_check("a part award above the request")

    page.get_by_label("How much, in pounds?").fill("12,500")
    page.get_by_role("button", name="Put it to the panel").click()
    expect(page.get_by_text("Your proposal is put to the panel.")).to_be_visible()
    axe_check("proposal being voted on")
    page.get_by_label("Yes, I agree").check()
    page.get_by_role("button", name="Send my vote").click()
    expect(page.get_by_text("Thank you. Your vote is saved.")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    sign_in(server, people["members"][1], World.PASSWORD)
    page.goto(f"{decisions}/{people['application_id']}")
    page.get_by_label("Yes, I agree").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Send my vote").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Not confirmed yet")).to_be_visible()
    expect(page.get_by_text("£12,500 of the £20,000 asked for")).to_be_visible()
    axe_check("decided, not confirmed yet")

    page.get_by_role("button", name="Sign out").click()
    sign_in(server, people["facilitator"], World.PASSWORD)
    page.goto(f"{decisions}/{people['application_id']}")
    expect(page.get_by_role("button", name="Record my concern")).to_be_visible()
    expect(page.get_by_role("button", name="Send my vote")).to_have_count(0)
    expect(page.get_by_role("button", name="Put it to the panel")).to_have_count(0)
    axe_check("facilitator's view")
