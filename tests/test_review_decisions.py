"""Ways round the panel's binding decisions an independent review found, each closed."""
import pytest

from commission.decisions import policy as decision_policy
from commission.decisions import reopen
from commission.errors import NotAllowed, RuleBroken
from commission.extensions import db
from commission.letters import service as letters
from commission.rounds import service as rounds


def test_a_facilitator_cannot_cancel_a_round_whose_decisions_are_made(world):
    round = world.round()
    world.advance(round, "decided")
    with pytest.raises(RuleBroken, match="decisions are made and binding"):
        rounds.cancel(round.facilitator, round, "We changed our minds.")
    rounds.pause(round.facilitator, round, "A member is unwell")
    with pytest.raises(RuleBroken, match="decisions are made and binding"):
        rounds.cancel(round.facilitator, round, "Now we can?")
    assert round.stage == "paused" and round.paused_from == "decided"


def test_the_round_cannot_close_while_the_panel_votes_to_reopen(world):
    round = world.round()
    world.advance(round, "decided")
    world.prepare(round)  # every letter published
    decision = next(iter(decision_policy.currents(round).values()))
    reopen.propose_reopen(round.members[0], round, [decision.id], "The group sent new costs.")
    db.session.commit()
    with pytest.raises(RuleBroken, match="voting on whether to reopen some decisions"):
        rounds.take_step(round.facilitator, round, "close_round")
    assert round.stage == "decided"


def test_a_letter_changed_by_hand_is_approved_by_the_panel_not_by_staff(world):
    round = world.round()
    letters.set_approver(round.facilitator, round, "facilitator")
    world.advance(round, "decided")
    letters.draft_all(round.facilitator, round)
    letter = next(iter(letters.letters(round).values()))
    version = letters.revise(round.facilitator, letter,
                             "Dear friends.\n\nThe panel has decided to fund your project in full. Well done.")
    db.session.commit()
    with pytest.raises(NotAllowed):
        letters.approve(round.facilitator, version)


def test_a_huge_id_is_not_found_and_a_huge_number_on_a_form_is_refused_plainly(client, world, login, post):
    round = world.round()
    login(round.facilitator)
    assert client.get(f"/rounds/{10**20}").status_code == 404
    assert client.get(f"/rounds/{round.id}/applications/{10**20}/score").status_code == 404
    response = post(f"/rounds/{round.id}/share-out", {"slot": str(10**20)}, token_from=f"/rounds/{round.id}")
    assert response.status_code != 500


def test_an_interview_time_years_ahead_is_refused(world):
    from datetime import datetime, timezone

    from commission.errors import FieldProblem
    from commission.interviews import service as interviews

    round = world.round()
    world.advance(round, "shortlisting")
    with pytest.raises(FieldProblem, match="too far ahead"):
        interviews.add_slot(round.facilitator, round, round.panels[0], datetime(9999, 12, 31, 23, 30, tzinfo=timezone.utc),
                            480, "in_person", "The hall", "Step-free")


def test_staff_trying_to_confirm_the_panels_decisions_are_refused_and_logged(client, world, login, post):
    from sqlalchemy import select

    from commission.audit.models import AuditEntry

    round = world.round()
    world.advance(round, "deciding")
    world.decide_all(round)
    db.session.commit()
    login(round.facilitator)
    page = post(f"/rounds/{round.id}/steps/confirm_decisions", token_from=f"/rounds/{round.id}", follow_redirects=True)
    assert "Only the panel can take this step." in page.text
    db.session.expire_all()
    assert round.stage == "deciding"
    refused = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "decision.change_refused")).all()
    assert [e.actor_id for e in refused] == [round.facilitator.id]


def test_an_applicant_cannot_tell_when_the_panel_decided_before_their_letter(client, world, login):
    from commission.accounts.models import User
    from commission.applications.models import Application

    round = world.round(applications_count=3)
    world.advance(round, "deciding")
    shortlisted = [a for a in world.applications(round) if a.status == "shortlisted"]
    decided, waiting = shortlisted[0], shortlisted[1]
    # Decide only the first, through the real services.
    from commission.criteria import service as criteria
    from commission.decisions import service as decisions

    version = criteria.current_version(round)
    proposer = next(m for m in round.members if decision_policy.why_not_propose(m, round, decided) is None)
    motion = decisions.propose(proposer, round, decided, "not_fund", reason="Lower scores.",
                               criterion_ids=[version.criteria[0].id])
    for member in round.members:
        if motion.status == "open" and decision_policy.why_not_vote(member, round, decided) is None:
            decisions.vote(member, round, motion, "yes")
    db.session.commit()
    assert db.session.get(Application, decided.id).status == "not_funded"
    pages = []
    for application in (decided, waiting):
        login(db.session.get(User, application.applicant_id))
        page = client.get(f"/applications/{application.id}").text
        booking = client.get(f"/applications/{application.id}/interview")
        pages.append(("The panel is still deciding" in page, "Withdraw" in page, booking.status_code))
    assert pages[0] == pages[1] == (True, False, 200)
