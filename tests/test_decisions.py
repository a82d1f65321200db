"""The panel's binding decisions, through the pages: proposing, voting by the round's rule, the
budget, dual-key rounds, confirming and locking, reopening by a panel vote, and staff who can
follow and record a concern but never change a decision."""
import html
import json

import pytest
from sqlalchemy import func, select

from commission.audit import service as audit
from commission.audit.models import AuditEntry
from commission.criteria import service as criteria
from commission.decisions import policy
from commission.decisions.models import Decision, DecisionConcern, DecisionMotion, DecisionVote, ReopenMotion
from commission.extensions import db
from commission.panels import service as panels
from commission.rounds import service as rounds

REASON = "They reach people who are alone, and older people lead the group."


def deciding_round(world, *, workflow="default", panels=1, budget_pence=100_000_00, vote_rule="majority",
                   quorum=50):
    round = world.round(workflow=workflow, panels=panels, budget_pence=budget_pence)
    round.vote_rule, round.quorum_percent = vote_rule, quorum
    db.session.commit()
    world.advance(round, "deciding")
    return round


def decided_round(world, **options):
    round = deciding_round(world, **options)
    world.advance(round, "decided")
    return round


def said(response) -> str:
    return html.unescape(response.text)


def first_criterion(round) -> int:
    return criteria.current_version(round).criteria[0].id


def propose(post, round, application, outcome="fund", *, reason=REASON, amount="", covers="", criteria_ids=None):
    return post(f"/rounds/{round.id}/decisions/{application.id}/propose",
                {"outcome": outcome, "reason": reason, "amount": amount, "covers": covers,
                 "criteria": [first_criterion(round)] if criteria_ids is None else criteria_ids},
                follow_redirects=True)


def vote(post, round, motion, choice="yes"):
    return post(f"/rounds/{round.id}/decisions/motions/{motion.id}/vote", {"choice": choice}, follow_redirects=True)


def open_motion(application) -> DecisionMotion | None:
    return db.session.scalar(select(DecisionMotion).where(DecisionMotion.application_id == application.id,
                                                          DecisionMotion.status == "open"))


def actions(round) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.round_id == round.id)
                                   .order_by(AuditEntry.seq)))


def entries(round, action) -> list[dict]:
    return [json.loads(d) for d in db.session.scalars(select(AuditEntry.details).where(
        AuditEntry.round_id == round.id, AuditEntry.action == action).order_by(AuditEntry.seq))]


def snapshot(round) -> tuple:
    """Everything a decision is made of, to show that a refused attempt changed nothing."""
    from commission.applications.models import Application

    db.session.expire_all()
    return (tuple(db.session.execute(select(DecisionMotion.id, DecisionMotion.status).order_by(DecisionMotion.id))),
            tuple(db.session.execute(select(DecisionVote.id, DecisionVote.choice).order_by(DecisionVote.id))),
            tuple(db.session.execute(select(Decision.id, Decision.outcome, Decision.amount_pence, Decision.ended_at,
                                            Decision.confirmed_at).order_by(Decision.id))),
            tuple(db.session.execute(select(ReopenMotion.id, ReopenMotion.status).order_by(ReopenMotion.id))),
            tuple(db.session.execute(select(Application.id, Application.status).where(
                Application.round_id == round.id).order_by(Application.id))),
            db.session.scalar(select(func.count()).select_from(DecisionConcern)))


def statuses(world, round) -> dict[int, str]:
    db.session.expire_all()
    return {a.id: a.status for a in world.applications(round)}


def test_a_member_proposes_and_a_majority_decides(client, world, login, post):
    round = deciding_round(world)
    application = world.applications(round)[1]
    login(round.members[0])
    index = client.get(f"/rounds/{round.id}/decisions")
    assert index.status_code == 200 and "Not decided yet." in index.text and "£100,000" in index.text
    page = propose(post, round, application)
    assert "Your proposal is put to the panel." in said(page)
    motion = open_motion(application)
    assert (motion.outcome, motion.amount_pence, motion.criterion_ids) == ("fund", 20_000_00, [first_criterion(round)])
    assert "Send my vote" in page.text and "0 of 3 said yes" in page.text
    page = vote(post, round, motion)
    assert "Thank you. Your vote is saved." in page.text and "1 of 3 said yes (1 voted)" in page.text
    assert "You have already voted yes on this proposal." in said(vote(post, round, motion))
    login(round.members[1])
    page = vote(post, round, motion)
    db.session.refresh(motion)
    assert motion.status == "agreed"
    assert statuses(world, round)[application.id] == "funded"
    decision = policy.current(application.id)
    assert (decision.outcome, decision.amount_pence, decision.basis) == ("fund", 20_000_00, "agreed")
    assert "Not confirmed yet" in page.text and REASON in said(page)
    assert actions(round)[-5:] == ["decision.proposed", "decision.voted", "decision.voted", "decision.agreed",
                                   "decision.made"]
    made = entries(round, "decision.made")[-1]
    assert made["status"] == {"before": "shortlisted", "after": "funded"}
    index = client.get(f"/rounds/{round.id}/decisions")
    assert "£80,000" in index.text  # left to give
    facts = rounds.facts(round)
    assert (facts.undecided, facts.awarded_pence) == (2, 20_000_00)


def test_a_part_award_needs_an_amount_below_the_request_what_it_pays_for_a_reason_and_criteria(client, world,
                                                                                                  login, post):
    round = deciding_round(world)
    application = world.applications(round)[0]  # asked for £10,000
    login(round.members[0])
    before = snapshot(round)
    cases = [
        (dict(amount="12,000", covers="The minibus"),
         "£12,000 is more than the £10,000 the group asked for. Enter £10,000 or less."),
        (dict(amount="10000", covers="The minibus"),
         "That is the whole amount the group asked for. Choose fund in full instead."),
        (dict(amount="a lot", covers="The minibus"), "Enter the amount in pounds, like 5,000 or 5,000.50."),
        (dict(amount="0", covers="The minibus"), "Enter an amount of more than £0."),
        (dict(amount="4000", covers=""), "Say what the part award pays for, so the group knows."),
        (dict(amount="4000", covers="Hall hire", reason=" "), "Give the reason for this decision."),
        (dict(amount="4000", covers="Hall hire", criteria_ids=[]), "Tick the criteria your reason is about."),
        (dict(amount="4000", covers="Hall hire", criteria_ids=[999_999]), "Choose criteria from the list."),
    ]
    for fields, message in cases:
        page = propose(post, round, application, "part_fund", **fields)
        assert page.status_code == 400 and message in said(page), message
        assert "There is a problem" in page.text
    assert snapshot(round) == before
    page = propose(post, round, application, "part_fund", amount="4,000.50", covers="Hall hire for a year")
    assert page.status_code == 200
    motion = open_motion(application)
    assert (motion.amount_pence, motion.covers) == (4_000_50, "Hall hire for a year")
    for member in round.members[:2]:
        login(member)
        vote(post, round, motion)
    assert statuses(world, round)[application.id] == "part_funded"
    facts = rounds.facts(round)
    assert facts.awarded_pence == 4_000_50  # the amount decided, not the amount asked for


def test_the_budget_is_never_exceeded_and_the_refusal_says_what_is_left(client, world, login, post):
    round = deciding_round(world, budget_pence=45_000_00)
    small, middle, large = world.applications(round)  # £10,000, £20,000, £30,000
    world.decide_all(round, choose=lambda a: ("fund", None) if a.id == large.id else ("not_fund", None))
    db.session.commit()
    # Change the two 'not fund' decisions (allowed until the panel confirms).
    login(round.members[0])
    page = propose(post, round, middle)
    assert "That would take the total awarded above the round&#39;s budget of £45,000. £15,000 is left to give." \
        in page.text
    assert open_motion(middle) is None
    propose(post, round, middle, "part_fund", amount="15000", covers="The first year")
    propose(post, round, small, "part_fund", amount="10", covers="Tea and biscuits")
    part, tea = open_motion(middle), open_motion(small)
    for member in round.members[:2]:
        login(member)
        vote(post, round, tea)
    assert policy.remaining_pence(round) == 14_990_00
    login(round.members[0])
    page = vote(post, round, part)
    assert "£14,990 is left to give." in page.text
    assert db.session.scalar(select(func.count()).select_from(DecisionVote).where(DecisionVote.motion_id == part.id)) == 0
    assert vote(post, round, part, "no").status_code == 200  # saying no is always allowed
    assert policy.awarded_pence(round) <= round.budget_pence


def test_a_member_with_a_link_never_votes_on_that_decision(client, world, login, post):
    round = deciding_round(world)
    application = world.applications(round)[0]
    member = round.members[2]
    login(round.members[0])
    propose(post, round, application)
    motion = open_motion(application)
    login(member)
    vote(post, round, motion, "no")  # before they said anything
    panels.declare(member, application, "close")
    db.session.commit()
    page = client.get(f"/rounds/{round.id}/decisions/{application.id}")
    assert "Send my vote" not in page.text and REASON not in said(page)
    assert "You told us about a link with this group" in said(page)
    before = snapshot(round)
    page = vote(post, round, motion, "yes")
    assert "You told us about a link with this group" in said(page)
    assert snapshot(round) == before
    page = propose(post, round, application, "not_fund")
    assert "You told us about a link with this group" in said(page)
    index = client.get(f"/rounds/{round.id}/decisions")
    assert "so you take no part in its decision" in index.text
    # Their earlier 'no' does not count: 2 of the 2 who may vote say yes, and it is agreed.
    login(round.members[0])
    vote(post, round, motion)
    db.session.refresh(motion)
    assert motion.status == "open"
    login(round.members[1])
    vote(post, round, motion)
    db.session.refresh(motion)
    assert motion.status == "agreed"
    assert motion.positions[str(round.panels[0].id)]["can_vote"] == 2


def test_consensus_not_reached_goes_back_to_discussion_and_is_recorded(client, world, login, post):
    round = deciding_round(world, vote_rule="consensus")
    application = world.applications(round)[0]
    login(round.members[0])
    propose(post, round, application)
    motion = open_motion(application)
    vote(post, round, motion)
    login(round.members[1])
    page = vote(post, round, motion, "no")
    db.session.refresh(motion)
    assert motion.status == "discussion"
    assert "went back to discussion" in page.text
    assert policy.current(application.id) is None and statuses(world, round)[application.id] == "shortlisted"
    assert entries(round, "decision.back_to_discussion")[-1]["status"] == {"before": "open", "after": "discussion"}
    login(round.members[2])
    assert "the vote is closed" in said(vote(post, round, motion))
    propose(post, round, application, "part_fund", amount="5000", covers="Half of it")
    assert open_motion(application).number == 2


def test_a_majority_that_cannot_be_reached_ends_the_proposal(client, world, login, post):
    round = deciding_round(world)
    application = world.applications(round)[0]
    login(round.members[0])
    propose(post, round, application)
    motion = open_motion(application)
    for member in round.members[:2]:
        login(member)
        vote(post, round, motion, "no")
    db.session.refresh(motion)
    assert motion.status == "not_agreed" and policy.current(application.id) is None


def test_dual_key_main_panel_yes_service_user_panel_no_means_not_funded(client, world, login, post):
    round = deciding_round(world, workflow="dual_key", panels=2)
    main, second = round.members[:3], round.members[3:]
    application = world.applications(round)[2]
    login(main[0])
    propose(post, round, application)
    motion = open_motion(application)
    for member in main:
        login(member)
        vote(post, round, motion)
    db.session.refresh(motion)
    assert motion.status == "open"  # the second key is still to turn
    login(second[0])
    page = client.get(f"/rounds/{round.id}/decisions/{application.id}")
    assert "Do you have a link with Group 2?" in page.text and "Send my vote" not in page.text
    assert "say whether you have a link" in said(vote(post, round, motion))
    assert propose(post, round, application, "not_fund").status_code == 403  # only its own panel proposes
    for member in second[:2]:
        login(member)
        post(f"/rounds/{round.id}/decisions/{application.id}/link", {"level": "none"})
        page = vote(post, round, motion, "no")
    db.session.refresh(motion)
    assert motion.status == "withheld"
    decision = policy.current(application.id)
    assert (decision.outcome, decision.amount_pence, decision.basis) == ("not_fund", 0, "second_key_withheld")
    assert statuses(world, round)[application.id] == "not_funded"
    world.decide_all(round)
    world.advance(round, "decided")

    login(round.funder)
    page = said(client.get(f"/rounds/{round.id}/decisions/{application.id}"))
    assert "Another panel did not agree the proposal below, so the group is not funded in this round." in page
    assert "Panel 1: agreed. 3 of 3 said yes" in page and "Panel 2: did not agree. 0 of 3 said yes (2 voted)" in page
    index = said(client.get(f"/rounds/{round.id}/decisions"))
    assert "Do not fund</strong> (another panel did not agree)" in index
    withheld = entries(round, "decision.key_withheld")[-1]
    assert withheld["positions"][str(round.panels[0].id)]["state"] == "yes"
    assert withheld["positions"][str(round.panels[1].id)]["state"] == "no"
    assert [e["basis"] for e in entries(round, "decision.made")].count("second_key_withheld") == 1
    assert audit.verify().ok


def test_confirming_locks_every_decision_and_no_vote_or_proposal_is_taken_after(client, world, login, post):
    round = deciding_round(world)
    small, middle, large = world.applications(round)
    world.decide_all(round)
    db.session.commit()
    login(round.members[0])
    propose(post, round, small, "not_fund")  # still open when the panel confirms
    late = open_motion(small)
    login(round.facilitator)
    refused = post(f"/rounds/{round.id}/steps/confirm_decisions", follow_redirects=True)
    assert "Only the panel can take this step." in said(refused)
    login(round.members[1])
    page = post(f"/rounds/{round.id}/decisions/confirm", follow_redirects=True)
    assert "The panel&#39;s decisions are confirmed and locked." in page.text
    db.session.refresh(round)
    assert round.stage == "decided"
    assert set(statuses(world, round).values()) == {"funded"}
    assert all(policy.is_locked(round, d) for d in policy.currents(round).values())
    before = snapshot(round)
    page = vote(post, round, late)
    assert policy.LOCKED_WORDS in said(page)
    page = propose(post, round, middle, "not_fund")
    assert policy.LOCKED_WORDS in said(page)
    page = client.get(f"/rounds/{round.id}/decisions/{middle.id}")
    assert "Locked" in page.text and "Send my vote" not in page.text and "Put it to the panel" not in page.text
    assert snapshot(round) == before


def test_a_panel_vote_reopens_only_the_named_decisions_and_they_are_locked_again_when_confirmed(client, world,
                                                                                                 login, post):
    round = decided_round(world)
    small, middle, large = world.applications(round)
    decisions = policy.currents(round)
    login(round.members[0])
    page = post(f"/rounds/{round.id}/decisions/reopen", {"decision": [decisions[middle.id].id], "reason": " "})
    assert page.status_code == 400 and "Say why the panel should reopen these decisions." in said(page)
    page = post(f"/rounds/{round.id}/decisions/reopen", {"decision": [], "reason": "We got it wrong"})
    assert page.status_code == 400 and "Choose the decisions you want to reopen." in said(page)
    page = post(f"/rounds/{round.id}/decisions/reopen",
                {"decision": [decisions[middle.id].id], "reason": "The group sent new costs."}, follow_redirects=True)
    assert "Your request to reopen is put to the panel." in said(page)
    motion = db.session.scalars(select(ReopenMotion)).one()
    for member in round.members[:2]:
        login(member)
        page = post(f"/rounds/{round.id}/decisions/reopen/{motion.id}/vote", {"choice": "yes"}, follow_redirects=True)
    db.session.refresh(motion)
    assert motion.status == "agreed"
    assert "the panel agreed, so they were reopened" in said(page)
    now = policy.currents(round)
    assert middle.id not in now and now[small.id].id == decisions[small.id].id and now[large.id].id == decisions[large.id].id
    assert statuses(world, round) == {small.id: "funded", middle.id: "shortlisted", large.id: "funded"}
    reopened = entries(round, "decision.reopened")
    assert [e["application_id"] for e in reopened] == [middle.id]
    assert entries(round, "decision.reopen_agreed")[-1]["decision_ids"] == [decisions[middle.id].id]
    # Only the reopened one can be decided again; the round stays decided.
    assert policy.LOCKED_WORDS in said(propose(post, round, small, "not_fund"))
    propose(post, round, middle, "part_fund", amount="12000", covers="The new costs")
    again = open_motion(middle)
    for member in round.members[:2]:
        login(member)
        vote(post, round, again)
    decision = policy.current(middle.id)
    assert decision.after_reopen_id == motion.id and not policy.is_locked(round, decision)
    assert statuses(world, round)[middle.id] == "shortlisted"  # no result until the panel confirms again
    index = said(client.get(f"/rounds/{round.id}/decisions"))
    assert "Confirm the decisions made again" in index
    page = post(f"/rounds/{round.id}/decisions/confirm", follow_redirects=True)
    assert "confirmed and locked" in said(page)
    assert statuses(world, round)[middle.id] == "part_funded"
    assert policy.is_locked(round, policy.current(middle.id))
    db.session.refresh(round)
    assert round.stage == "decided"
    assert "Every decision is already confirmed and locked." in said(
        post(f"/rounds/{round.id}/decisions/confirm", follow_redirects=True))
    assert audit.verify().ok


def test_reopening_is_only_for_a_decided_round(client, world, login, post):
    round = deciding_round(world)
    world.decide_all(round)
    db.session.commit()
    decision = policy.current(world.applications(round)[0].id)
    login(round.members[0])
    page = post(f"/rounds/{round.id}/decisions/reopen", {"decision": [decision.id], "reason": "Why not"},
                follow_redirects=True)
    assert "The decisions are not locked yet. Propose a new decision instead." in said(page)
    assert db.session.scalar(select(func.count()).select_from(ReopenMotion)) == 0


STAFF_POSTS = [
    ("propose", lambda r, a, m, rm: (f"/rounds/{r.id}/decisions/{a.id}/propose",
                                    {"outcome": "not_fund", "reason": "Staff think so", "criteria": []})),
    ("vote", lambda r, a, m, rm: (f"/rounds/{r.id}/decisions/motions/{m.id}/vote", {"choice": "no"})),
    ("link", lambda r, a, m, rm: (f"/rounds/{r.id}/decisions/{a.id}/link", {"level": "none"})),
    ("confirm", lambda r, a, m, rm: (f"/rounds/{r.id}/decisions/confirm", {})),
    ("reopen", lambda r, a, m, rm: (f"/rounds/{r.id}/decisions/reopen", {"decision": [1], "reason": "Staff"})),
    ("reopen vote", lambda r, a, m, rm: (f"/rounds/{r.id}/decisions/reopen/{rm.id}/vote", {"choice": "yes"})),
]


@pytest.mark.parametrize("who", ["facilitator", "funder"])
def test_staff_are_refused_by_every_route_and_each_attempt_is_logged(client, world, login, post, who):
    round = decided_round(world)
    small, middle, _ = world.applications(round)
    login(round.members[0])
    post(f"/rounds/{round.id}/decisions/reopen", {"decision": [policy.current(middle.id).id], "reason": "New costs"})
    reopen = db.session.scalars(select(ReopenMotion)).one()
    for member in round.members[:2]:
        login(member)
        post(f"/rounds/{round.id}/decisions/reopen/{reopen.id}/vote", {"choice": "yes"})
    propose(post, round, middle, "not_fund")
    motion = open_motion(middle)
    login(round.members[0])
    post(f"/rounds/{round.id}/decisions/reopen", {"decision": [policy.current(small.id).id], "reason": "And this"})
    reopen_again = db.session.scalars(select(ReopenMotion).where(ReopenMotion.status == "open")).one()
    staff = getattr(round, who)
    login(staff)
    for name, make in STAFF_POSTS:
        before, refusals = snapshot(round), len(entries(round, "decision.change_refused"))
        url, data = make(round, middle, motion, reopen_again)
        response = post(url, data)
        assert response.status_code == 403, name
        assert snapshot(round) == before, name
        logged = entries(round, "decision.change_refused")
        assert len(logged) == refusals + 1, name
        assert logged[-1]["role"] == who
    for page in (f"/rounds/{round.id}/decisions", f"/rounds/{round.id}/decisions/{middle.id}"):
        text = client.get(page).text
        assert "Send my vote" not in text and "Put it to the panel" not in text and "Confirm the" not in text
    assert audit.verify().ok


def test_a_facilitator_follows_progress_and_records_a_concern_that_changes_nothing(client, world, login, post):
    round = deciding_round(world)
    application = world.applications(round)[0]
    login(round.members[0])
    propose(post, round, application, "part_fund", amount="3000", covers="Only the hall")
    motion = open_motion(application)
    vote(post, round, motion, "no")
    login(round.facilitator)
    page = said(client.get(f"/rounds/{round.id}/decisions/{application.id}"))
    assert "1 of 3 have voted." in page and "Only the hall" not in page and "said yes" not in page
    assert "Send my vote" not in page
    login(round.members[1])
    vote(post, round, motion)
    login(round.members[2])
    vote(post, round, motion)
    before = snapshot(round)
    login(round.facilitator)
    url = f"/rounds/{round.id}/decisions/{application.id}/concern"
    page = post(url, {"concern": "  "})
    assert page.status_code == 400 and "Write your concern." in said(page)
    page = post(url, {"concern": "The hall alone will not reach people at home."}, follow_redirects=True)
    assert "Your concern is recorded." in said(page) and "It does not change the decision." in said(page)
    assert snapshot(round)[:5] == before[:5]  # only the concern is new
    concern = db.session.scalars(select(DecisionConcern)).one()
    assert concern.decision_id == policy.current(application.id).id
    login(round.members[0])
    assert "The hall alone will not reach people at home." in said(
        client.get(f"/rounds/{round.id}/decisions/{application.id}"))
    assert post(url, {"concern": "Members cannot"}).status_code == 403
    world.decide_all(round)
    world.advance(round, "decided")
    login(round.funder)
    page = said(client.get(f"/rounds/{round.id}/decisions/{application.id}"))
    assert "The hall alone will not reach people at home." in page and "Record a concern" not in page
    assert entries(round, "decision.concern_recorded")[-1]["concern"] == "The hall alone will not reach people at home."


def test_who_can_read_the_decisions(client, world, login, post):
    round = deciding_round(world, panels=2)
    application = world.applications(round)[0]  # Panel 1's
    login(round.funder)
    page = client.get(f"/rounds/{round.id}/decisions")
    assert page.status_code == 403 and "once the panel has confirmed them" in page.text
    login(round.applicants[0])
    assert client.get(f"/rounds/{round.id}/decisions").status_code == 404
    assert client.get(f"/rounds/{round.id}/decisions/{application.id}").status_code == 404
    login(round.members[-1])  # Panel 2, not a dual-key round: nothing to do with Panel 1's decisions
    assert client.get(f"/rounds/{round.id}/decisions/{application.id}").status_code == 404
    login(round.members[0])
    propose(post, round, application)
    login(round.members[-1])
    refusals = len(entries(round, "decision.change_refused"))
    assert vote(post, round, open_motion(application)).status_code == 403
    assert len(entries(round, "decision.change_refused")) == refusals + 1


def test_decisions_wait_for_the_deciding_stage(client, world, login):
    round = world.round()
    world.advance(round, "interviews")
    login(round.members[0])
    page = client.get(f"/rounds/{round.id}/decisions")
    assert page.status_code == 403 and "once the round reaches the deciding stage" in page.text


def test_a_member_who_stepped_back_is_not_asked_to_vote(client, world, login, post):
    round = deciding_round(world)
    application = world.applications(round)[0]
    login(round.members[0])
    propose(post, round, application)
    panels.step_back(round.members[2], round)
    db.session.commit()
    login(round.members[2])
    page = vote(post, round, open_motion(application))
    assert "You have stepped back from this round" in said(page)
    assert db.session.scalar(select(func.count()).select_from(DecisionVote)) == 0


def test_the_pages_a_member_reads_are_plain_english(client, world, login, post):
    from commission.plain_english import check, render_report
    from tests.test_own_words import visible_text

    round = deciding_round(world, workflow="dual_key", panels=2)
    application = world.applications(round)[0]
    login(round.members[0])
    propose(post, round, application, "part_fund", amount="5000", covers="The first six months of the club")
    paths = [f"/rounds/{round.id}/decisions", f"/rounds/{round.id}/decisions/{application.id}"]
    for member in (round.members[0], round.members[-1]):  # the group's own panel, and the other panel
        login(member)
        for path in paths:
            report = check(visible_text(client.get(path).text))
            assert report.passed, f"{path}:\n{render_report(report)}"
    world.decide_all(round)
    world.advance(round, "decided")
    login(round.members[0])
    for path in paths:  # now with the decisions locked, and how to ask to reopen one
        report = check(visible_text(client.get(path).text))
        assert report.passed, f"{path}:\n{render_report(report)}"
