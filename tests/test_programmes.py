"""A programme's own plain-English rules, set by an administrator and used by the check."""
import pytest

from commission.errors import NotAllowed, RuleBroken
from commission.extensions import db
from commission.plain_english import check
from commission.programmes import service


def test_administrator_adds_jargon_from_the_command_line_and_the_check_uses_it(app, world):
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["programmes", "add-jargon", "--programme", str(world.programme.id),
                                 "--term", "Place-based", "--plain", "in your area"])
    assert result.exit_code == 0, result.output
    assert "Added: instead of 'place-based', write 'in your area'." in result.output
    rules = service.plain_english_rules(world.programme)
    report = check("We fund place-based work with older people.", extra_jargon=rules.extra_jargon)
    assert not report.passed
    assert any(p.suggestion == "in your area" for p in report.problems)
    again = runner.invoke(args=["programmes", "add-jargon", "--programme", str(world.programme.id),
                                "--term", "place-based", "--plain", "local"])
    assert again.exit_code == 1 and "already on this programme's list" in again.output
    missing = runner.invoke(args=["programmes", "add-jargon", "--programme", "999", "--term", "x", "--plain", "y"])
    assert missing.exit_code == 1 and "There is no programme with id 999." in missing.output


def test_reading_ease_threshold_is_a_programme_setting(app, world):
    db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["programmes", "set-min-flesch", "--programme", str(world.programme.id), "70"]).exit_code == 0
    db.session.refresh(world.programme)
    assert service.plain_english_rules(world.programme).min_flesch == 70
    refused = runner.invoke(args=["programmes", "set-min-flesch", "--programme", str(world.programme.id), "5"])
    assert refused.exit_code == 1 and "between 30 and 90" in refused.output


def test_only_administrators_change_the_rules(world):
    round = world.round()
    for person in (round.facilitator, round.members[0], round.funder):
        with pytest.raises(NotAllowed):
            service.add_jargon(person, world.programme, "synergy", "working together")
        with pytest.raises(NotAllowed):
            service.set_min_flesch(person, world.programme, 50)
    with pytest.raises(RuleBroken, match="Give the word to avoid"):
        service.add_jargon(world.admin, world.programme, " ", "x")


def test_documents_follow_the_programme_rules(world):
    from commission.documents import service as documents

    round = world.round()
    service.set_min_flesch(world.admin, world.programme, 75)
    service.add_jargon(world.admin, world.programme, "place-based", "in your area")
    assert documents.min_flesch_for(round) == 75
    world.advance(round, "co_design")
    document = documents.create(round.facilitator, round, "applicant_guidance", "Guidance",
                                "We fund place-based work. Tell us about it.")
    report = documents.check(document.versions[-1])
    assert any(p.suggestion == "in your area" for p in report.problems)
