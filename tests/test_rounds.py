"""Moving a round through its workflow through the web pages, as each role would."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from commission import clock
from commission.audit.models import AuditEntry
from commission.audit import service as audit
from commission.errors import RuleBroken
from commission.extensions import db
from commission.rounds import service as rounds
from workflows import get_workflow


def audit_count():
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def test_facilitator_sees_in_plain_english_why_the_next_step_cannot_happen(client, world, login):
    round = world.round(members_per_panel=2)
    login(round.facilitator)
    page = client.get(f"/rounds/{round.id}")
    assert page.status_code == 200
    assert "Start choosing the criteria" in page.text
    assert "This cannot happen yet" in page.text
    assert "Each panel needs at least 3 members. Panel 1 has fewer." in page.text
    home = client.get("/")
    assert "Not yet: Each panel needs at least 3 members." in home.text


def test_facilitator_takes_every_step_of_the_default_workflow_through_the_page(client, world, login, post):
    round = world.round()
    login(round.facilitator)
    workflow = get_workflow("default")
    for step in workflow.steps:
        world.prepare(round)
        rest = workflow.rest_for(round.stage)
        if rest:
            blocked = post(f"/rounds/{round.id}/steps/{step.name}", follow_redirects=True)
            assert "rest after" in blocked.text and "ends then" in blocked.text
            assert round.stage == rest.stage
            clock.advance(timedelta(days=rest.days, minutes=1))
        if "member" in step.by:
            refused = post(f"/rounds/{round.id}/steps/{step.name}", follow_redirects=True)
            assert "Only the panel can take this step." in refused.text
            login(round.members[0])
        response = post(f"/rounds/{round.id}/steps/{step.name}")
        assert response.status_code == 303, step.name
        db.session.refresh(round)
        assert round.stage == step.dest, step.name
        if "member" in step.by:
            login(round.facilitator)
    assert round.stage == "closed"
    assert [c.to_stage for c in round.stage_changes] == list(workflow.stages[1:])
    assert audit.verify().ok


def test_a_step_that_is_not_allowed_yet_changes_nothing_and_says_why(client, world, login, post):
    round = world.round()
    world.advance(round, "co_design")
    login(round.facilitator)
    before = audit_count()
    response = post(f"/rounds/{round.id}/steps/open_applications", follow_redirects=True)
    assert "Set the closing date for applications before the round opens." in response.text
    db.session.refresh(round)
    assert round.stage == "co_design"
    assert audit_count() == before


def test_a_step_from_the_wrong_stage_is_refused(client, world, login, post):
    round = world.round()
    login(round.facilitator)
    response = post(f"/rounds/{round.id}/steps/start_interviews", follow_redirects=True)
    assert "The round is at &#39;Getting ready&#39;, so &#39;Start interviews&#39; cannot happen now." in response.text
    unknown = post(f"/rounds/{round.id}/steps/skip_everything", follow_redirects=True)
    assert "There is no step called &#39;skip_everything&#39;" in unknown.text
    db.session.refresh(round)
    assert round.stage == "draft"


def test_interviews_cannot_start_before_the_rest_ends(world):
    round = world.round(rest_days={"rest_after_shortlisting": 10})
    world.advance(round, "rest_after_shortlisting")
    world.ready_for_interviews(round)  # the interview questions written and agreed: only the rest is left
    clock.advance(timedelta(days=9))
    with pytest.raises(RuleBroken, match=r"Interviews can start on .* The panel's 10-day rest after shortlisting ends then."):
        rounds.take_step(round.facilitator, round, "start_interviews")
    clock.advance(timedelta(days=1, minutes=1))
    rounds.take_step(round.facilitator, round, "start_interviews")
    assert round.stage == "interviews"


def test_pausing_does_not_shorten_a_rest(world):
    round = world.round()
    world.advance(round, "rest_after_shortlisting")
    rounds.pause(round.facilitator, round, "A member is unwell")
    clock.advance(timedelta(days=3))
    rounds.resume(round.facilitator, round)
    assert round.stage == "rest_after_shortlisting"
    with pytest.raises(RuleBroken, match="7-day rest"):
        rounds.take_step(round.facilitator, round, "start_interviews")


def test_pause_needs_a_reason_and_resumes_to_the_same_stage(client, world, login, post):
    round = world.round()
    world.advance(round, "open")
    login(round.facilitator)
    refused = post(f"/rounds/{round.id}/pause", {"reason": "  "})
    assert refused.status_code == 400
    assert "Say why you are pausing the round." in refused.text
    assert 'href="#pause-reason"' in refused.text and "govuk-textarea--error" in refused.text
    db.session.refresh(round)
    assert round.stage == "open"
    post(f"/rounds/{round.id}/pause", {"reason": "Welfare: two members are unwell"})
    db.session.refresh(round)
    assert (round.stage, round.paused_from) == ("paused", "open")
    page = client.get(f"/rounds/{round.id}")
    assert "Welfare: two members are unwell" in page.text
    post(f"/rounds/{round.id}/resume", {"reason": ""})
    db.session.refresh(round)
    assert (round.stage, round.paused_from) == ("open", None)
    actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.round_id == round.id)))
    assert actions[-2:] == ["round.pause", "round.resume"]


def test_cancel_needs_a_reason_and_is_final(client, world, login, post):
    round = world.round()
    login(round.facilitator)
    post(f"/rounds/{round.id}/cancel", {"reason": ""})
    db.session.refresh(round)
    assert round.stage == "draft"
    post(f"/rounds/{round.id}/cancel", {"reason": "The funder withdrew the money"})
    db.session.refresh(round)
    assert round.stage == "cancelled"
    again = post(f"/rounds/{round.id}/pause", {"reason": "x"}, follow_redirects=True)
    assert "A round that is cancelled cannot be paused." in again.text
    assert "The round is not paused." in post(f"/rounds/{round.id}/resume", follow_redirects=True).text


@pytest.mark.parametrize("who", ["member", "funder"])
def test_only_facilitators_pause_resume_or_cancel(client, world, login, post, who):
    round = world.round()
    world.advance(round, "open")
    login(round.members[0] if who == "member" else round.funder)
    for action in ("pause", "resume", "cancel"):
        assert post(f"/rounds/{round.id}/{action}", {"reason": "because"}).status_code == 403
    page = client.get(f"/rounds/{round.id}")
    assert "Only a facilitator" not in page.text and "Close applications" not in page.text
    refused = post(f"/rounds/{round.id}/steps/start_eligibility", follow_redirects=True)
    assert "Only a facilitator can take this step." in refused.text
    db.session.refresh(round)
    assert round.stage == "open"


def test_people_outside_a_round_get_nothing_of_it(client, world, login, post):
    round = world.round()
    other = world.round()
    login(other.facilitator)
    assert client.get(f"/rounds/{round.id}").status_code == 404
    assert client.get(f"/rounds/{round.id}/audit").status_code == 404
    assert post(f"/rounds/{round.id}/pause", {"reason": "x"}).status_code == 404
    db.session.refresh(round)
    assert round.stage == "draft"
    applicant = world.user("applicant")
    db.session.commit()
    login(applicant)
    assert client.get(f"/rounds/{round.id}").status_code == 404
    assert round.name not in client.get("/").text


def test_audit_log_page_for_facilitators_and_funders_only(client, world, login):
    round = world.round()
    world.advance(round, "co_design")
    for person in (round.facilitator, round.funder):
        login(person)
        page = client.get(f"/rounds/{round.id}/audit")
        assert page.status_code == 200
        assert "round.start_co_design" in page.text
    login(round.members[0])
    assert client.get(f"/rounds/{round.id}/audit").status_code == 403


def test_an_unknown_workflow_is_refused_when_setting_up_a_round(world):
    with pytest.raises(RuleBroken, match="There is no workflow called 'quick'"):
        rounds.create_round(world.admin, world.programme, "Round X", "quick", 100)


def test_a_round_cannot_spend_more_than_its_programme_has(world):
    with pytest.raises(RuleBroken, match="The programme has £10,000,000.00 left to give"):
        rounds.create_round(world.admin, world.programme, "Big", "default", 10_000_001_00)


def test_dual_key_round_needs_two_panels(world):
    round = world.round(workflow="dual_key")
    options = {o.step.name: o for o in rounds.step_options(round.facilitator, round)}
    assert any("needs two panels" in r for r in options["start_co_design"].reasons)
    two = world.round(workflow="dual_key", panels=2)
    world.advance(two, "co_design")
    assert two.stage == "co_design"


def test_no_interviews_workflow_goes_straight_to_deciding_after_its_rest(world):
    round = world.round(workflow="no_interviews")
    world.advance(round, "closed")
    assert [c.to_stage for c in round.stage_changes][-4:] == ["rest_after_shortlisting", "deciding", "decided", "closed"]


def test_a_busy_database_gets_please_try_again_and_nothing_half_saved(tmp_path, sqlite_template):
    """While another writer holds SQLite's lock past the wait limit, a form gets a plain
    'please try again' page, never a crash, and nothing is saved."""
    import shutil
    import sqlite3

    from commission import create_app
    from tests.conftest import TEST_CONFIG, csrf_token
    from tests.factories import World

    path = tmp_path / "busy.db"
    shutil.copy(sqlite_template, path)
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SQLITE_BUSY_TIMEOUT_MS": 200})
    client = app.test_client()
    with app.app_context():
        round = World().round()
        facilitator_email, round_id = round.facilitator.email, round.id
        db.session.remove()
    client.post("/sign-in", data={"email": facilitator_email, "password": World.PASSWORD,
                                  "csrf_token": csrf_token(client)})
    token = csrf_token(client, "/")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with app.app_context():
            response = client.post(f"/rounds/{round_id}/pause", data={"reason": "Welfare", "csrf_token": token})
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert response.status_code == 503
    assert "Please try again" in response.text and "nothing was saved" in response.text
    with app.app_context():
        assert db.session.get(type(round), round_id).stage == "draft"
        db.session.remove()
        db.engine.dispose()
