"""Votes still open are sealed on the audit page: staff see that a member voted, never how."""
from commission.criteria import service as criteria
from commission.decisions import policy as decision_policy
from commission.decisions import service as decisions
from commission.extensions import db

SEALED = "kept back until the votes are counted"


def test_an_open_decision_vote_is_sealed_from_staff_until_it_closes(client, world, login):
    round = world.round(members_per_panel=3, applications_count=2)
    world.advance(round, "deciding")
    application = next(a for a in world.applications(round) if a.status == "shortlisted")
    version = criteria.current_version(round)
    proposer = next(m for m in round.members if decision_policy.why_not_propose(m, round, application) is None)
    motion = decisions.propose(proposer, round, application, "not_fund", reason="It reached fewer people.",
                               criterion_ids=[version.criteria[0].id])
    decisions.vote(proposer, round, motion, "no")
    db.session.commit()
    login(round.facilitator)
    page = client.get(f"/rounds/{round.id}/audit").text
    assert "voted on a proposed decision" in page and SEALED in page


def test_while_the_panel_decides_staff_see_no_proposal_or_closed_vote_details(client, world, login):
    round = world.round(members_per_panel=3, applications_count=2)
    world.advance(round, "deciding")
    application = next(a for a in world.applications(round) if a.status == "shortlisted")
    version = criteria.current_version(round)
    proposer = next(m for m in round.members if decision_policy.why_not_propose(m, round, application) is None)
    motion = decisions.propose(proposer, round, application, "not_fund", reason="QUOKKA-REASON",
                               criterion_ids=[version.criteria[0].id])
    for member in round.members:
        if motion.status == "open" and decision_policy.why_not_vote(member, round, application) is None:
            decisions.vote(member, round, motion, "no")
    db.session.commit()
    assert motion.status != "open"  # the vote has closed, but the round is still deciding
    login(round.facilitator)
    page = client.get(f"/rounds/{round.id}/audit").text
    assert "QUOKKA-REASON" not in page and "kept back until the panel has confirmed its decisions" in page
