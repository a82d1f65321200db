"""Co-designing the criteria through the pages a panel uses at its workshops."""
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from commission import clock
from commission.audit import service as audit
from commission.audit.models import AuditEntry
from commission.criteria import service as criteria
from commission.criteria.models import CriteriaVersion, Motion, Proposal, ProposalVersion, Vote
from commission.errors import NotAllowed, RuleBroken
from commission.extensions import db
from commission.rounds import service as rounds

DESCRIPTORS = {f"descriptor_{n}": f"Score {n} looks like this" for n in range(5)}


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def co_design(world):
    round = world.round(members_per_panel=5)
    world.advance(round, "co_design")
    return round


def test_members_propose_discuss_amend_and_adopt_by_vote(client, co_design, login, post):
    round = co_design
    alice, bob = round.members[0], round.members[1]
    login(alice)
    response = post(f"/rounds/{round.id}/criteria/propose",
                    {"title": "Reaches people who are lonely", "meaning": "It finds people on their own.", **DESCRIPTORS},
                    token_from=f"/rounds/{round.id}/criteria/propose")
    assert response.status_code == 303
    proposal = db.session.scalar(select(Proposal))
    login(bob)
    post(f"/rounds/{round.id}/criteria/proposals/{proposal.id}/comment", {"body": "Add people in villages."})
    post(f"/rounds/{round.id}/criteria/proposals/{proposal.id}/amend",
         {"title": "Reaches lonely people, in towns and villages", "meaning": "It finds people on their own.",
          **DESCRIPTORS})
    page = client.get(f"/rounds/{round.id}/criteria/proposals/{proposal.id}")
    assert "Reaches lonely people, in towns and villages" in page.text
    assert "Version 1: Reaches people who are lonely" in page.text  # every version is kept
    assert "Add people in villages." in page.text
    response = post(f"/rounds/{round.id}/criteria/vote/new",
                    {f"include_{proposal.id}": "1", f"weight_{proposal.id}": "3", "combination": "weighted_average",
                     "minimum_score": "1.5", "tie_first": str(proposal.id)})
    assert response.status_code == 303, response.text
    motion = db.session.scalar(select(Motion))
    for member in round.members[:3]:
        login(member)
        post(f"/rounds/{round.id}/criteria/motions/{motion.id}/vote", {"choice": "yes"})
    login(round.members[3])
    post(f"/rounds/{round.id}/criteria/motions/{motion.id}/vote", {"choice": "no"})
    login(round.facilitator)
    post(f"/rounds/{round.id}/criteria/motions/{motion.id}/count")
    version = db.session.scalar(select(CriteriaVersion))
    assert version.number == 1
    assert [(c.title, c.weight) for c in version.criteria] == [("Reaches lonely people, in towns and villages", 3)]
    assert version.minimum_score_hundredths == 150 and version.tie_break == [1, "draw"]
    assert len(version.draw_seed) == 16
    overview = client.get(f"/rounds/{round.id}/criteria")
    assert "3 yes, 1 no, 0 abstained, 1 did not vote" in overview.text
    assert version.draw_seed in overview.text
    assert audit.verify().ok


def test_the_round_cannot_open_until_criteria_are_adopted(client, co_design, login, post):
    round = co_design
    rounds.set_closing_date(round.facilitator, round, clock.now() + timedelta(days=10))
    db.session.commit()
    login(round.facilitator)
    page = post(f"/rounds/{round.id}/steps/open_applications", follow_redirects=True)
    assert "The panel has not adopted its criteria yet." in page.text
    db.session.refresh(round)
    assert round.stage == "co_design"


def test_a_facilitator_writes_down_a_members_words_but_cannot_amend_or_vote(client, co_design, login, post, world):
    round = co_design
    member = round.members[2]
    login(round.facilitator)
    post(f"/rounds/{round.id}/criteria/propose",
         {"title": "Led by older people", "meaning": "Older people run it.", "on_behalf_of": str(member.id),
          **DESCRIPTORS}, token_from=f"/rounds/{round.id}/criteria/propose")
    proposal = db.session.scalar(select(Proposal))
    assert proposal.proposer_id == member.id and proposal.written_down_by_id == round.facilitator.id
    assert "written down by the facilitator" in client.get(f"/rounds/{round.id}/criteria/proposals/{proposal.id}").text
    before = count(ProposalVersion)
    refused = post(f"/rounds/{round.id}/criteria/proposals/{proposal.id}/amend",
                   {"title": "Changed by staff", "meaning": "x", **DESCRIPTORS})
    assert refused.status_code == 403
    assert count(ProposalVersion) == before
    without_member = post(f"/rounds/{round.id}/criteria/propose", {"title": "Mine", "meaning": "x", **DESCRIPTORS},
                          token_from=f"/rounds/{round.id}/criteria/propose")
    assert "Choose the panel member whose words you are writing down." in without_member.text
    motion = criteria.move(round.members[0], round, [(proposal.id, 1)], "weighted_average", None, [])
    db.session.commit()
    vote = post(f"/rounds/{round.id}/criteria/motions/{motion.id}/vote", {"choice": "yes"})
    assert vote.status_code == 403
    assert count(Vote) == 0


def test_bad_input_is_refused_in_plain_english_and_changes_nothing(client, co_design, login, post, world):
    round = co_design
    login(round.members[0])
    missing = post(f"/rounds/{round.id}/criteria/propose", {"title": "", "meaning": "x", **DESCRIPTORS},
                   token_from=f"/rounds/{round.id}/criteria/propose")
    assert missing.status_code == 400 and "Fill in a short title." in missing.text
    gaps = post(f"/rounds/{round.id}/criteria/propose", {"title": "T", "meaning": "M", "descriptor_0": "only one"},
                token_from=f"/rounds/{round.id}/criteria/propose")
    assert "Say what an application looks like at every point of the scale, from 0 to 4." in gaps.text
    empty_motion = post(f"/rounds/{round.id}/criteria/vote/new", {"combination": "weighted_average"},
                        token_from=f"/rounds/{round.id}/criteria/vote/new")
    assert "Choose at least one proposal to put to the vote." in empty_motion.text
    proposal = criteria.propose(round.members[0], round, "T", "M", world.descriptors(round))
    motion = criteria.move(round.members[0], round, [(proposal.id, 1)], "weighted_average", None, [])
    db.session.commit()
    before = count(AuditEntry)
    empty_vote = post(f"/rounds/{round.id}/criteria/motions/{motion.id}/vote", {}, follow_redirects=True)
    assert "Choose yes, no or abstain." in empty_vote.text
    assert count(AuditEntry) == before
    outsider = world.user("member")
    db.session.commit()
    login(outsider)
    before = count(AuditEntry)
    assert client.get(f"/rounds/{round.id}/criteria").status_code == 404
    assert post(f"/rounds/{round.id}/criteria/motions/{motion.id}/vote", {"choice": "yes"},
                token_from="/").status_code == 404
    assert count(Vote) == 0 and count(AuditEntry) == before


def test_an_adopted_version_cannot_be_edited_and_a_change_needs_a_new_vote(world):
    round = world.round()
    world.advance(round, "open")
    first = criteria.current_version(round)
    assert first.number == 1
    # Nothing in the service edits an adopted version: a change is a new motion and vote.
    version_two = world.adopt_criteria(round, titles=("Reaches people who are alone", "Easy to get to"))
    assert version_two.number == 2
    assert [c.title for c in criteria.versions(round)[0].criteria] == ["Reaches people who are alone",
                                                                        "Led by older people"]
    assert criteria.current_version(round).id == version_two.id
    world.advance(round, "shortlisting")
    with pytest.raises(RuleBroken, match="while the panel is choosing the criteria"):
        criteria.propose(round.members[0], round, "Late idea", "M", world.descriptors(round))


def test_quorum_and_consensus_rules(world):
    round = world.round(members_per_panel=4)
    round.vote_rule = "consensus"
    world.advance(round, "co_design")
    proposal = criteria.propose(round.members[0], round, "T", "M", world.descriptors(round))
    motion = criteria.move(round.members[0], round, [(proposal.id, 1)], "weighted_average", None, [])
    criteria.vote(round.members[0], motion, "yes")
    with pytest.raises(RuleBroken, match="Only 1 of 4 panel members have voted. At least 2 must vote"):
        criteria.count(round.facilitator, motion)
    criteria.vote(round.members[1], motion, "no")
    assert criteria.count(round.facilitator, motion) is None
    assert motion.status == "not_adopted" and "Rule: consensus" in motion.result


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(choices=st.lists(st.sampled_from(["yes", "no", "abstain", None]), min_size=5, max_size=5))
def test_majority_counts_only_votes_cast(world, choices):
    """Absent members are never counted as 'no': adopted exactly when yes > no (with quorum)."""
    round = world.round(members_per_panel=5)
    world.advance(round, "co_design")
    proposal = criteria.propose(round.members[0], round, "T", "M", world.descriptors(round))
    motion = criteria.move(round.members[0], round, [(proposal.id, 1)], "weighted_average", None, [])
    for member, choice in zip(round.members, choices):
        if choice:
            criteria.vote(member, motion, choice)
    cast = [c for c in choices if c]
    if len(cast) < 3:
        with pytest.raises(RuleBroken, match="must vote before the votes can be counted"):
            criteria.count(round.facilitator, motion)
    else:
        version = criteria.count(round.facilitator, motion)
        assert (version is not None) == (cast.count("yes") > cast.count("no"))
    db.session.rollback()


def test_staff_and_funders_cannot_vote_or_propose(world):
    round = world.round()
    world.advance(round, "co_design")
    proposal = criteria.propose(round.members[0], round, "T", "M", world.descriptors(round))
    motion = criteria.move(round.members[0], round, [(proposal.id, 1)], "weighted_average", None, [])
    for person in (round.facilitator, round.funder, world.admin):
        with pytest.raises(NotAllowed):
            criteria.vote(person, motion, "yes")
    with pytest.raises(NotAllowed):
        criteria.propose(round.funder, round, "T", "M", world.descriptors(round))
