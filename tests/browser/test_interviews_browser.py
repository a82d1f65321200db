"""In a real browser: an applicant books an interview time, and an interviewer records notes
against the panel's questions. Every page on the way is checked by axe.

The round is built through the services (not the demo) in a SQLite file, then served. The
served app runs on the real clock, so the interview that has already happened was booked
with the in-process clock set back a few days."""
import shutil
from datetime import timedelta, timezone

import pytest
from playwright.sync_api import expect

from commission import clock, create_app
from commission.extensions import db
from commission.interviews import service as interviews
from tests.browser.conftest import LiveServer
from tests.conftest import TEST_CONFIG
from tests.factories import World


def _at(days: float, hour: int):
    """`hour` o'clock UK time, `days` from now on the real clock."""
    from datetime import datetime

    local = clock.as_uk(datetime.now(timezone.utc) + timedelta(days=days))
    return local.replace(hour=hour, minute=0, second=0, microsecond=0).astimezone(timezone.utc)


@pytest.fixture
def interview_server(tmp_path, sqlite_template):
    path = tmp_path / "interviews.db"
    shutil.copy(sqlite_template, path)
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        world = World()
        round = world.round(members_per_panel=3)
        world.ready_to_score(round)
        world.advance(round, "rest_after_shortlisting")
        world.ready_for_interviews(round)
        ahead = clock._offset.get()
        panel, f = round.panels[0], round.facilitator
        # Yesterday's interview, arranged while it was still to come.
        clock._offset.set(timedelta(days=-3))
        past = interviews.add_slot(f, round, panel, _at(-1, 10), 60, "in_person", "Town Hall, High Street",
                                   "Step-free from the street. Hearing loop in the room.")
        done = world.applications(round)[0]
        interviews.book(f, done, past)
        clock._offset.set(timedelta(0))
        for day in (3, 4):
            interviews.add_slot(f, round, panel, _at(day, 14), 45, "video", "https://meet.example.org/panel-1",
                                "Live captions are switched on.")
        clock._offset.set(ahead)
        db.session.commit()
        world.advance(round, "interviews")
        people = dict(round_id=round.id, member=round.members[0].email, done=done.title, facilitator=f.email,
                      applicant=next(a.email for a in round.applicants
                                     if a.id == world.applications(round)[1].applicant_id),
                      booking=world.applications(round)[1].id, interview=interviews.interviews(round)[0].id)
        db.session.remove()
    clock._offset.set(timedelta(0))
    with LiveServer(app) as server:
        server.people = people
        yield server
    with app.app_context():
        db.engine.dispose()


def test_an_applicant_books_a_time_and_an_interviewer_records_notes(page, interview_server, sign_in, axe_check):
    server, people = interview_server, interview_server.people
    sign_in(server, people["applicant"], World.PASSWORD)
    page.goto(f"{server.url}/applications/{people['booking']}/interview")
    expect(page.get_by_role("heading", name="Your interview", exact=True)).to_be_visible()
    axe_check("booking page")
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="Book this time").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Your interview is booked for")).to_be_visible()
    expect(page.get_by_role("link", name="Add your interview to your calendar (.ics file)")).to_be_visible()
    axe_check("booking page after booking")
    page.get_by_label("A quiet room").check()
    page.get_by_role("button", name="Ask for this").click()
    page.wait_for_load_state()
    expect(page.get_by_text("The facilitator will arrange it")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    sign_in(server, people["member"], World.PASSWORD)
    page.goto(f"{server.url}/rounds/{people['round_id']}/interviews")
    expect(page.get_by_role("heading", name="Your interviews", exact=True)).to_be_visible()
    axe_check("member's interviews page")
    page.get_by_role("link", name=f"Notes on ‘{people['done']}’").click()
    page.wait_for_load_state()
    axe_check("notes page")
    page.get_by_label("1. Tell us about your group and the people you help.").fill(
        "They run a lunch club. Older people plan the menu.")
    page.get_by_label("3. How will you know if it has worked?").fill("They will ask people what changed.")
    page.get_by_role("button", name="Save my notes").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Your notes are saved.")).to_be_visible()
    expect(page.get_by_label("1. Tell us about your group and the people you help.")).to_have_value(
        "They run a lunch club. Older people plan the menu.")
    axe_check("notes page after saving")


def test_the_facilitator_s_interview_pages_are_accessible(page, interview_server, sign_in, axe_check):
    server, people = interview_server, interview_server.people
    sign_in(server, people["facilitator"], World.PASSWORD)
    page.goto(f"{server.url}/rounds/{people['round_id']}/interviews")
    expect(page.get_by_role("heading", name="Panel 1: interview times")).to_be_visible()
    axe_check("facilitator's interviews page")
    page.get_by_role("link", name="Add an interview time for Panel 1").click()
    page.wait_for_load_state()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2020")
    page.get_by_label("Start time").fill("10:00")
    page.get_by_role("button", name="Add this time").click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-error-summary")).to_contain_text("That time has already passed.")
    axe_check("add a time, with a problem")
    page.goto(f"{server.url}/rounds/{people['round_id']}/interviews/{people['interview']}")
    expect(page.get_by_role("heading", name="Choose who interviews")).to_be_visible()
    axe_check("one interview")
