"""The demo round, built with `flask --app commission demo`, as a newcomer would use it."""
import pytest
from sqlalchemy import func, select, text

from commission.accounts.models import User
from commission.applications.models import Application
from commission.audit.models import DROP_TRIGGERS
from commission.demo import content
from commission.decisions.models import Decision
from commission.demo.builder import PASSWORD
from commission.extensions import db
from commission.rounds.models import Round
from tests.conftest import csrf_token


def run(app, *args):
    return app.test_cli_runner().invoke(args=["demo", *args])


def test_demo_builds_a_realistic_round_and_prints_sign_in_details(app):
    result = run(app)
    assert result.exit_code == 0, result.output
    assert "The demo round is ready" in result.output
    assert content.FACILITATOR["email"] in result.output and PASSWORD in result.output
    round = db.session.scalar(select(Round))
    assert round.stage == "open"
    assert round.budget_pence == 170_000_000
    assert len(round.panels) == 3
    assert db.session.scalar(select(func.count()).select_from(User)) == 3 + 18 + 30


@pytest.mark.parametrize("stage", ["draft", "co_design", "eligibility", "shortlisting", "interviews", "closed"])
def test_demo_reaches_each_stage_honestly(app, stage):
    result = run(app, "--to", stage)
    assert result.exit_code == 0, result.output
    round = db.session.scalar(select(Round))
    assert round.stage == stage
    statuses = list(db.session.scalars(select(Application.status)))
    if stage == "shortlisting":
        assert statuses.count("eligible") == 27 and statuses.count("ineligible") == 3
    if stage == "open":
        assert 0 < statuses.count("submitted") < 30
    if stage == "closed":
        # Every applicant has a published letter, and the panel gave no more than the budget.
        awarded = db.session.scalar(select(func.sum(Decision.amount_pence)).where(Decision.ended_at.is_(None)))
        assert 0 < awarded <= round.budget_pence
        assert statuses.count("funded") + statuses.count("part_funded") > 0 and statuses.count("not_funded") > 0
    verify = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verify.exit_code == 0 and "The audit trail is intact" in verify.output


def test_demo_refuses_a_stage_that_does_not_exist(app):
    unknown = run(app, "--to", "party")
    assert unknown.exit_code != 0 and "'party' is not a stage" in unknown.output
    assert db.session.scalar(select(func.count()).select_from(Round)) == 0


def test_demo_twice_asks_for_reset_and_reset_starts_again(app):
    assert run(app, "--to", "open").exit_code == 0
    again = run(app)
    assert again.exit_code != 0 and "Use --reset" in again.output
    db.session.remove()
    fresh = run(app, "--reset", "--to", "draft")
    assert fresh.exit_code == 0, fresh.output
    assert db.session.scalar(select(Round.stage)) == "draft"
    assert db.session.scalar(select(func.count()).select_from(Round)) == 1


def test_every_demo_role_can_sign_in_and_the_facilitator_sees_why_not_yet(app, client):
    assert run(app).exit_code == 0
    people = [content.ADMINISTRATOR, content.FACILITATOR, content.FUNDER_AUDITOR,
              content.PANELS[0]["members"][0], {"email": content.APPLICATIONS[0]["contact_email"]}]
    for person in people:
        response = client.post("/sign-in", data={"email": person["email"], "password": PASSWORD,
                                                 "csrf_token": csrf_token(client)})
        assert response.status_code == 303, person["email"]
        home = client.get("/")
        assert home.status_code == 200
        if person is content.FACILITATOR:
            round_id = db.session.scalar(select(Round.id))
            page = client.get(f"/rounds/{round_id}")
            assert "Close applications and check eligibility" in page.text
            assert "This cannot happen yet" in page.text
            assert "Eligibility checks can start on" in page.text and "Applications are open until then." in page.text
        client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})


def test_verify_fails_naming_the_entry_after_a_direct_edit_of_the_demo_database(app):
    assert run(app, "--to", "open").exit_code == 0
    with db.engine.begin() as conn:
        for statement in DROP_TRIGGERS[conn.dialect.name]:
            conn.execute(text(statement))
        conn.execute(text("UPDATE audit_entries SET details = :forged WHERE seq = 60"),
                     {"forged": '{"amount_requested_pence":1}'})
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "Entry 60 was changed" in result.output
