"""Problems an independent review found, each proved fixed through the doors people use."""
import json

import pytest
from sqlalchemy import select

from commission.applications import questions, service as applications
from commission.applications.models import Application
from commission.audit.models import AuditEntry
from commission.errors import FieldProblem
from commission.extensions import db
from tests.conftest import csrf_token


def open_round(world):
    round = world.round()
    world.advance(round, "open")
    return round


def started(round, applicant, send=False):
    application = applications.create(applicant, round, organisation="Group", contact_name="Pat", title="Lunches",
                                      summary="Hot lunches.", amount_requested_pence=100_00, timescale_months=3)
    applications.update_draft(applicant, application, answers={q.id: "We cook." for q in questions.questions_for(round)})
    if send:
        applications.submit(applicant, application)
    db.session.commit()
    return application


def test_staff_never_read_a_draft_that_was_withdrawn_before_it_was_sent(client, world, login, post):
    round = open_round(world)
    applicant = round.applicants[0]
    application = started(round, applicant)
    applications.withdraw(applicant, application)
    db.session.commit()
    login(round.facilitator)
    assert client.get(f"/applications/{application.id}").status_code == 404


def test_an_applicants_withdrawal_reason_stays_out_of_the_audit_trail(world):
    round = open_round(world)
    applicant = round.applicants[0]
    application = started(round, applicant, send=True)
    applications.withdraw(applicant, application, "Pat here, I am ill. Call me on 07700 900123.")
    db.session.commit()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "application.withdrawn"))
    assert "07700" not in entry.details and json.loads(entry.details)["reason_given"] is True
    assert db.session.get(Application, application.id).withdrawal_reason.startswith("Pat here")


def test_a_sent_application_cannot_have_its_answers_emptied(world):
    round = open_round(world)
    applicant = round.applicants[0]
    application = started(round, applicant, send=True)
    question = questions.questions_for(round)[0]
    with pytest.raises(FieldProblem, match="needs an answer: your application is already sent in"):
        applications.update_draft(applicant, application, answers={question.id: ""})
    db.session.rollback()
    assert len(db.session.get(Application, application.id).answers) == len(questions.questions_for(round))


@pytest.mark.parametrize("target", ["/%09/example.com", "/%0d%0a/x", "//example.com", "https://example.com/",
                                    "/\\example.com", "javascript:alert(1)"])
def test_sign_in_never_sends_anyone_to_another_site(client, world, target):
    user = world.user("member")
    db.session.commit()
    response = client.post(f"/sign-in?next={target}", data={"email": user.email, "password": world.PASSWORD,
                                                            "csrf_token": csrf_token(client)})
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_a_number_written_in_superscript_is_refused_plainly_not_a_crash(client, world, login, post):
    round = open_round(world)
    applicant = round.applicants[0]
    application = started(round, applicant)
    login(applicant)
    response = post(f"/applications/{application.id}", {"timescale_months": "²", "title": "Lunches"},
                    token_from=f"/applications/{application.id}")
    assert response.status_code == 400
    login(round.facilitator)
    hours = post(f"/rounds/{round.id}/documents/time-commitment", {"hours-co_design": "²"},
                 token_from=f"/rounds/{round.id}/documents/time-commitment")
    assert hours.status_code == 400 and "whole number" in hours.text


def test_links_to_pages_on_this_site_still_work_in_documents():
    from commission.documents.render import to_html

    html = to_html("[Apply now](/rounds/1/apply) or [bad](javascript:alert(1))")
    assert 'href="/rounds/1/apply"' in html and 'href="javascript' not in html


def test_staff_cannot_see_how_each_member_voted_until_the_votes_are_counted(client, world, login):
    from commission.criteria import service as criteria

    round = world.round()
    world.advance(round, "co_design")
    proposal = criteria.propose(round.members[0], round, "T", "M", world.descriptors(round))
    motion = criteria.move(round.members[0], round, [(proposal.id, 1)], "weighted_average", None, [])
    criteria.vote(round.members[1], motion, "no")
    db.session.commit()
    login(round.facilitator)
    page = client.get(f"/rounds/{round.id}/audit")
    assert "voted on the criteria" in page.text
    assert "&#34;choice&#34;" not in page.text and '"choice"' not in page.text
    assert "kept back until the votes are counted" in page.text
    criteria.vote(round.members[0], motion, "yes")
    criteria.count(round.facilitator, motion)
    db.session.commit()
    assert "&#34;choice&#34;:&#34;no&#34;" in client.get(f"/rounds/{round.id}/audit").text
