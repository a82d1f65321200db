"""Eligibility: the facilitator checks each application against the published rules only, and an
applicant that does not meet a rule reads why, in plain English."""
import html
import json

import pytest
from sqlalchemy import func, select

from commission.applications import eligibility, service
from commission.applications.questions import questions_for
from commission.applications.models import Application, EligibilityCheck, EligibilityRule
from commission.audit.models import AuditEntry
from commission.errors import FieldProblem, NotAllowed, RuleBroken
from commission.extensions import db

RULES = ("Your group must be based in Greater Manchester.",
         "The money cannot pay back a loan you already have.")
NOT_LOCAL = "Your group's address is in Leeds, which is outside Greater Manchester."


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def entries(action):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def checking_round(world, rules=RULES):
    """A round with published rules, its applications sent in, now checking eligibility."""
    round = world.round()
    if rules:
        eligibility.set_eligibility_rules(round.facilitator, round, list(rules))
        db.session.commit()
    world.advance(round, "eligibility")
    return round


def check_form(rules, results):
    data = {}
    for rule, (met, reason) in zip(rules, results):
        if met is not None:
            data[f"rule_{rule.id}"] = "met" if met else "not_met"
        data[f"reason_{rule.id}"] = reason or ""
    return data


def test_rules_are_published_before_the_round_opens_and_only_by_its_facilitator(world):
    round = world.round()
    with pytest.raises(NotAllowed):
        eligibility.set_eligibility_rules(round.members[0], round, list(RULES))
    with pytest.raises(FieldProblem, match="must be in plain English"):
        eligibility.set_eligibility_rules(round.facilitator, round, [
            "Applicants must demonstrate robust governance frameworks and leverage stakeholder synergies."])
    made = eligibility.set_eligibility_rules(round.facilitator, round, ["  " + RULES[0] + "  ", "", RULES[1]])
    db.session.commit()
    assert [r.text for r in made] == list(RULES) and [r.position for r in made] == [1, 2]
    entry = entries("eligibility.rules_set")[-1]
    assert json.loads(entry.details)["rules"] == list(RULES)
    world.advance(round, "open")
    with pytest.raises(RuleBroken, match="before the round opens"):
        eligibility.set_eligibility_rules(round.facilitator, round, ["Anyone can apply."])
    assert count(EligibilityRule) == 2


def test_applicants_read_the_rules_in_the_call_for_applications(client, world, login):
    round = world.round()
    eligibility.set_eligibility_rules(round.facilitator, round, list(RULES))
    db.session.commit()
    world.advance(round, "open")
    login(round.applicants[0])
    call = client.get(f"/rounds/{round.id}/apply")
    assert all(rule in call.text for rule in RULES)


def test_facilitator_records_each_rule_and_the_applicant_reads_the_reason(client, world, login, post):
    round = checking_round(world)
    rules = eligibility.rules_for(round)
    local, other = world.applications(round)[:2]
    login(round.facilitator)
    listing = client.get(f"/rounds/{round.id}/eligibility")
    assert listing.status_code == 200 and "Not checked yet" in listing.text and local.title in listing.text
    page = client.get(f"/rounds/{round.id}/eligibility/{other.id}")
    assert page.status_code == 200 and RULES[0] in page.text
    for text in (listing.text, page.text):
        assert "score" not in text.lower() and "ranking" not in text.lower()

    response = post(f"/rounds/{round.id}/eligibility/{other.id}",
                    check_form(rules, [(False, NOT_LOCAL), (True, "")]),
                    token_from=f"/rounds/{round.id}/eligibility/{other.id}")
    assert response.status_code == 303, response.text
    db.session.refresh(other)
    assert other.status == "ineligible"
    checks = {c.rule_id: c for c in db.session.scalars(select(EligibilityCheck))}
    assert checks[rules[0].id].met is False and checks[rules[0].id].reason == NOT_LOCAL
    assert checks[rules[1].id].met is True and checks[rules[1].id].reason is None
    entry = entries("application.eligibility_checked")[-1]
    assert entry.actor_id == round.facilitator.id and entry.object_id == other.id
    assert json.loads(entry.details)["status"] == {"before": "submitted", "after": "ineligible"}

    post(f"/rounds/{round.id}/eligibility/{local.id}", check_form(rules, [(True, ""), (True, "")]),
         token_from=f"/rounds/{round.id}/eligibility/{local.id}")
    db.session.refresh(local)
    assert local.status == "eligible"

    login(round.applicants[1])
    result = html.unescape(client.get(f"/applications/{other.id}/result").text)
    assert f"Your application does not meet this rule: {RULES[0]}" in result.replace("<strong>", "").replace(
        "</strong>", "")
    assert f"Why: {NOT_LOCAL}" in result
    assert RULES[1] not in result  # only the rules it does not meet
    assert "Read the result of the eligibility check" in client.get(f"/applications/{other.id}").text
    login(round.applicants[0])
    assert "meets the published rules" in client.get(f"/applications/{local.id}/result").text


def test_a_rule_not_met_needs_a_reason_and_every_rule_needs_an_answer(client, world, login, post):
    round = checking_round(world)
    rules = eligibility.rules_for(round)
    application = world.applications(round)[0]
    login(round.facilitator)
    before = count(AuditEntry)
    url = f"/rounds/{round.id}/eligibility/{application.id}"
    response = post(url, check_form(rules, [(False, "  "), (None, "")]), token_from=url)
    assert response.status_code == 400
    assert "Say why the application does not meet rule 1, in words the applicant will understand." in response.text
    assert "Say whether the application meets rule 2." in response.text
    assert f'href="#reason_{rules[0].id}"' in response.text and f'href="#rule_{rules[1].id}"' in response.text
    db.session.refresh(application)
    assert application.status == "submitted" and count(EligibilityCheck) == 0 and count(AuditEntry) == before
    with pytest.raises(FieldProblem, match="Say why"):
        eligibility.record_checks(round.facilitator, application, {rules[0].id: (False, None),
                                                                   rules[1].id: (True, None)})
    with pytest.raises(RuleBroken, match="not a rule of this round"):
        eligibility.record_checks(round.facilitator, application, {rules[0].id: (True, None),
                                                                   rules[1].id: (True, None), 99999: (True, None)})


def test_checking_again_replaces_the_earlier_check(world):
    round = checking_round(world)
    rules = eligibility.rules_for(round)
    application = world.applications(round)[0]
    eligibility.record_checks(round.facilitator, application, {rules[0].id: (False, NOT_LOCAL),
                                                               rules[1].id: (True, None)})
    eligibility.record_checks(round.facilitator, application, {rules[0].id: (True, "ignored when met"),
                                                               rules[1].id: (True, None)})
    db.session.commit()
    assert application.status == "eligible"
    assert [(c.met, c.reason) for c in application.checks] == [(True, None), (True, None)]
    assert len(entries("application.eligibility_checked")) == 2


@pytest.mark.parametrize("who", ["member", "funder", "applicant", "other_facilitator"])
def test_only_the_rounds_facilitator_records_eligibility(client, world, login, post, who):
    round = checking_round(world)
    rules = eligibility.rules_for(round)
    application = world.applications(round)[0]
    person = {"member": round.members[0], "funder": round.funder, "applicant": round.applicants[0],
              "other_facilitator": world.user("facilitator")}[who]
    db.session.commit()
    login(person)
    url = f"/rounds/{round.id}/eligibility/{application.id}"
    expected = 403 if who in ("member", "funder") else 404
    assert client.get(url).status_code == expected
    assert client.get(f"/rounds/{round.id}/eligibility").status_code == expected
    assert post(url, check_form(rules, [(True, ""), (True, "")])).status_code == expected
    with pytest.raises(NotAllowed):
        eligibility.record_checks(person, application, {r.id: (True, None) for r in rules})
    with pytest.raises(NotAllowed):
        service.record_eligibility(person, application, True)
    db.session.refresh(application)
    assert application.status == "submitted" and count(EligibilityCheck) == 0


def test_eligibility_cannot_be_recorded_outside_the_eligibility_stage(client, world, login, post):
    round = world.round()
    eligibility.set_eligibility_rules(round.facilitator, round, list(RULES))
    db.session.commit()
    world.advance(round, "open")
    rules = eligibility.rules_for(round)
    early = world.user("applicant")
    application = service.create(early, round, organisation="Group", contact_name="Pat",
                                 title="Lunches", summary="Hot lunches.", amount_requested_pence=100_00,
                                 timescale_months=3)
    service.update_draft(early, application, answers={q.id: "We cook lunch." for q in questions_for(round)})
    service.submit(early, application)
    db.session.commit()
    login(round.facilitator)
    url = f"/rounds/{round.id}/eligibility/{application.id}"
    page = client.get(url)
    assert "Eligibility can only be recorded while the round is checking eligibility" in page.text
    response = post(url, check_form(rules, [(True, ""), (True, "")]), token_from=url)
    assert response.status_code == 400
    assert "Eligibility can only be recorded while the round is checking eligibility." in response.text
    with pytest.raises(RuleBroken, match="checking eligibility"):
        service.record_eligibility(round.facilitator, application, True)
    world.advance(round, "shortlisting")
    with pytest.raises(RuleBroken, match="checking eligibility"):
        eligibility.record_checks(round.facilitator, application, {r.id: (True, None) for r in rules})


def test_the_one_step_record_keeps_working_with_and_without_rules(client, world, login):
    with_rules = checking_round(world)
    rules = eligibility.rules_for(with_rules)
    yes, no = world.applications(with_rules)[:2]
    service.record_eligibility(with_rules.facilitator, yes, True)
    service.record_eligibility(with_rules.facilitator, no, False, NOT_LOCAL)
    db.session.commit()
    assert yes.status == "eligible" and all(c.met for c in yes.checks)
    assert no.status == "ineligible"
    assert [(c.rule_id, c.met, c.reason) for c in no.checks] == [(rules[0].id, False, NOT_LOCAL),
                                                                 (rules[1].id, True, None)]
    with pytest.raises(RuleBroken, match="Say which published rule"):
        service.record_eligibility(with_rules.facilitator, yes, False)

    without = checking_round(world, rules=())
    application = world.applications(without)[0]
    service.record_eligibility(without.facilitator, application, False, "You asked for money to repay a loan.")
    db.session.commit()
    assert application.status == "ineligible"
    assert application.eligibility_reason == "You asked for money to repay a loan."
    entry = entries("application.eligibility_recorded")[-1]
    assert json.loads(entry.details)["reason"] == "You asked for money to repay a loan."
    login(db.session.get(type(without.applicants[0]), application.applicant_id))
    assert "Why: You asked for money to repay a loan." in client.get(f"/applications/{application.id}/result").text


def test_a_round_without_written_rules_is_checked_yes_or_no_through_the_page(client, world, login, post):
    round = checking_round(world, rules=())
    application = world.applications(round)[0]
    login(round.facilitator)
    url = f"/rounds/{round.id}/eligibility/{application.id}"
    missing = post(url, {"eligible": "no", "reason": ""}, token_from=url)
    assert missing.status_code == 400 and "Say which published rule" in missing.text
    done = post(url, {"eligible": "no", "reason": "The project is outside the area."}, token_from=url)
    assert done.status_code == 303
    db.session.refresh(application)
    assert application.status == "ineligible"


def test_withdrawn_and_draft_applications_are_not_checked(client, world, login):
    round = checking_round(world)
    application = world.applications(round)[0]
    service.withdraw(db.session.get(type(round.applicants[0]), application.applicant_id), application)
    db.session.commit()
    login(round.facilitator)
    listing = client.get(f"/rounds/{round.id}/eligibility")
    assert application.title not in listing.text and "1 application was sent in and then withdrawn" in listing.text
    with pytest.raises(RuleBroken, match="not waiting for an eligibility check"):
        service.record_eligibility(round.facilitator, application, True)
    assert db.session.get(Application, application.id).status == "withdrawn"
