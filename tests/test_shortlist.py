"""Closing scoring, the panel's results and its vote on the shortlist, through the pages."""
import html
import json
import random

from hypothesis import given, settings, strategies as st
from sqlalchemy import select

import scoring
from commission.audit.models import AuditEntry
from commission.extensions import db
from commission.panels import service as panels
from commission.scores import service as scores
from commission.shortlist import service as shortlist
from commission.shortlist.models import ScoringClosure, ShortlistMotion
from commission.criteria import service as criteria
from commission.shortlist.results import (Listed, counted_scores, counted_tallies, panel_results, rank_and_fit,
                                          rank_and_fit_tallies, rules_for)

COMMENT = "Scored for the test."


def scoring_round(world, *, budget_pence=100_000_00, vote_rule="majority", quorum=50, members=3, panels=1,
                  applications=3):
    round = world.round(budget_pence=budget_pence, members_per_panel=members, panels=panels,
                        applications_count=applications)
    round.vote_rule, round.quorum_percent = vote_rule, quorum
    db.session.commit()
    return world.ready_to_score(round)


def closed_round(world, **options):
    round = scoring_round(world, **options)
    world.agree_shortlists(round, until="closed")
    db.session.commit()
    return round


def results_url(round, panel=None):
    return f"/rounds/{round.id}/panels/{(panel or round.panels[0]).id}/results"


def motion_of(round, panel=None) -> ShortlistMotion:
    return db.session.scalars(select(ShortlistMotion).where(ShortlistMotion.panel_id == (panel or round.panels[0]).id)
                              .order_by(ShortlistMotion.number.desc())).first()


def vote(post, round, choice, motion=None):
    motion = motion or motion_of(round)
    return post(f"/rounds/{round.id}/panels/{motion.panel_id}/motions/{motion.id}/vote", {"choice": choice},
                follow_redirects=True)


def actions(round) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.round_id == round.id)
                                   .order_by(AuditEntry.seq)))


def said(response) -> str:
    return html.unescape(response.text)


def statuses(world, round) -> dict[int, str]:
    db.session.expire_all()
    return {a.id: a.status for a in world.applications(round)}


def test_staff_see_no_scores_or_ranking_until_the_panel_agrees(client, world, login, post):
    round = scoring_round(world)
    world.agree_shortlists(round, until="scored")
    db.session.commit()
    applicant = round.applicants[0]
    ranking_words = ("The ranking", "Average score for each criterion", COMMENT)
    for person in (round.facilitator, round.funder):
        login(person)
        page = client.get(results_url(round))
        assert page.status_code == 403
        assert "Staff see a panel's scores and ranking once the panel has agreed its shortlist." in said(page)
        assert not any(words in page.text for words in ranking_words)
        assert "results and shortlist" not in client.get(f"/rounds/{round.id}").text
    login(round.members[0])
    assert client.get(results_url(round)).status_code == 403  # not even the panel, before scoring closes
    login(applicant)
    assert client.get(results_url(round)).status_code == 404

    login(round.facilitator)
    assert post(f"/rounds/{round.id}/panels/{round.panels[0].id}/close-scoring").status_code == 303
    for person in (round.facilitator, round.funder):
        login(person)
        page = client.get(results_url(round))
        assert page.status_code == 403 and not any(words in page.text for words in ranking_words)
        round_page = client.get(f"/rounds/{round.id}").text
        assert "The panel is voting on its shortlist." in round_page and "results and shortlist" not in round_page
    login(round.members[0])
    page = client.get(results_url(round))
    assert page.status_code == 200 and "The ranking" in page.text and "Average score for each criterion" in page.text
    assert COMMENT not in page.text  # comments are read with each application, not in the ranking

    for member in round.members[:2]:
        login(member)
        vote(post, round, "yes")
    found = panel_results(round, round.panels[0])
    for person in (round.facilitator, round.funder):
        login(person)
        page = client.get(results_url(round))
        assert page.status_code == 200 and "The ranking" in page.text
        assert f"{found.ranked[0].result.total:.2f}" in page.text
        assert "Send my vote" not in page.text and "Put my change to the panel" not in page.text


def test_a_change_posted_before_scoring_closes_shows_no_ranking(client, world, login, post):
    round = scoring_round(world)
    world.agree_shortlists(round, until="scored")
    db.session.commit()
    login(round.members[0])
    page = post(f"/rounds/{round.id}/panels/{round.panels[0].id}/shortlist/change",
                {"application": [a.id for a in world.applications(round)], "reason": "Early"})
    assert page.status_code == 403 and "The ranking" not in page.text
    assert motion_of(round) is None


def test_other_panels_see_nothing_of_a_panels_results(client, world, login):
    round = closed_round(world, panels=2)
    login(round.members[-1])  # on Panel 2
    assert client.get(results_url(round)).status_code == 404
    login(round.members[0])
    assert client.get(results_url(round, round.panels[1])).status_code == 404  # not their panel either


def test_closing_scoring_needs_a_reason_when_scoring_is_missing(client, world, login, post):
    round = scoring_round(world)
    late = round.members[2]
    world.agree_shortlists(round, until="scored", not_scoring=[late])
    db.session.commit()
    missing = shortlist.scoring_not_in(round, round.panels[0])
    assert missing == 3  # three applications, each with all three members as scorers
    url = f"/rounds/{round.id}/panels/{round.panels[0].id}/close-scoring"
    login(late)
    assert post(url, {"reason": "Members cannot close scoring"}).status_code == 403
    login(round.funder)
    assert post(url, {"reason": "Nor can the funder"}).status_code == 403
    login(round.facilitator)
    page = post(url, {"reason": "  "}, follow_redirects=True)
    assert "3 pieces of scoring are not in yet. Say why you are closing scoring now." in page.text
    assert db.session.get(ScoringClosure, round.panels[0].id) is None
    page = post(url, {"reason": "The panel meets tomorrow; one member is unwell."}, follow_redirects=True)
    assert "Scoring for Panel 1 is closed." in page.text
    closure = db.session.get(ScoringClosure, round.panels[0].id)
    assert closure.reason == "The panel meets tomorrow; one member is unwell."
    motion = motion_of(round)
    assert (motion.number, motion.moved_by_id, motion.status) == (1, None, "open")
    assert motion.application_ids == panel_results(round, round.panels[0]).chosen_ids
    assert actions(round)[-2:] == ["scoring.closed", "shortlist.suggested"]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "scoring.closed")).one()
    assert json.loads(entry.details)["scoring_not_in"] == 3
    again = post(url, {"reason": "twice"}, follow_redirects=True)
    assert "Scoring for Panel 1 is already closed." in again.text


def test_no_scores_are_sent_in_or_changed_after_scoring_closes(client, world, login, post):
    round = scoring_round(world)
    late, early = round.members[2], round.members[0]
    world.agree_shortlists(round, until="scored", not_scoring=[late])
    shortlist.close_scoring(round.facilitator, round, round.panels[0], "Out of time")
    db.session.commit()
    application = world.applications(round)[0]
    criteria = {f"criterion_{c.id}": "2" for c in panel_results(round, round.panels[0]).criteria}
    url = f"/rounds/{round.id}/applications/{application.id}/score"
    login(late)
    page = post(url, {**criteria, "action": "submit", "comment": "late"}, follow_redirects=True)
    assert "Scores can no longer be sent in or changed." in page.text
    assert scores.counted(round.id, application_id=application.id)
    assert all(member != late.id for _, member, _, _ in scores.counted(round.id, application_id=application.id))
    login(early)
    page = post(f"{url}/change", {**criteria, "reason": "Changed my mind", "comment": "x", "seen_record": "1"},
                follow_redirects=True)
    assert "Scores can no longer be sent in or changed." in page.text


def test_a_majority_agrees_the_shortlist_and_statuses_follow(client, world, login, post):
    round = closed_round(world, budget_pence=30_000_00)  # a £45,000 share: not all £60,000 fits
    motion = motion_of(round)
    listed = set(motion.application_ids)
    assert listed and listed != {a.id for a in world.applications(round)}
    login(round.members[0])
    page = vote(post, round, "yes")
    assert "Thank you. Your vote is saved." in page.text and "1 of 3 said yes" in page.text
    again = vote(post, round, "yes")
    assert "You have already voted yes on this shortlist." in again.text
    db.session.refresh(motion)
    assert motion.status == "open"
    login(round.members[1])
    vote(post, round, "yes")
    db.session.refresh(motion)
    assert motion.status == "agreed" and motion.decided_at is not None
    assert statuses(world, round) == {a: "shortlisted" if a in listed else "not_shortlisted" for a in statuses(world, round)}
    trail = actions(round)
    assert trail.count("shortlist.voted") == 2 and "shortlist.agreed" in trail
    assert trail.count("application.shortlisted") == len(listed)
    assert trail.count("application.not_shortlisted") == 3 - len(listed)
    login(round.members[2])
    late = vote(post, round, "no")
    assert "The panel has already agreed this shortlist, so the vote is closed." in late.text


def test_a_quorum_above_half_needs_more_votes(client, world, login, post):
    round = closed_round(world, quorum=100)
    for member in round.members[:2]:
        login(member)
        vote(post, round, "yes")
    assert motion_of(round).status == "open"  # 2 of 3 said yes, but everyone must vote
    login(round.members[2])
    vote(post, round, "no")
    assert motion_of(round).status == "agreed"


def test_consensus_needs_everyone_and_a_vote_can_change(client, world, login, post):
    round = closed_round(world, vote_rule="consensus")
    login(round.members[0])
    vote(post, round, "no")
    for member in round.members[1:]:
        login(member)
        vote(post, round, "yes")
    assert motion_of(round).status == "open"
    login(round.members[0])
    page = vote(post, round, "yes")
    assert motion_of(round).status == "agreed"
    assert "shortlist.vote_changed" in actions(round)
    assert "Everyone who can vote must say yes." in page.text


def test_a_conflicted_members_vote_does_not_count_for_that_application(client, world, login, post):
    round = scoring_round(world)
    linked = round.members[2]
    application = world.applications(round)[0]
    panels.declare(linked, application, "close")
    world.agree_shortlists(round, until="closed")
    db.session.commit()
    login(linked)
    page = client.get(results_url(round))
    assert page.status_code == 200
    assert "Applications you have a link with" in page.text and application.title in page.text
    assert application.organisation not in page.text  # only its title
    vote(post, round, "yes")
    login(round.members[0])
    vote(post, round, "yes")
    # Two of three said yes, but only one of the two who may vote on the linked application did.
    assert motion_of(round).status == "open"
    counts = shortlist.counts(round, motion_of(round))
    assert (counts[application.id].can_vote, counts[application.id].yes) == (2, 1)
    login(round.members[1])
    vote(post, round, "yes")
    assert motion_of(round).status == "agreed"


def test_a_member_who_stepped_back_is_not_counted(client, world, login, post):
    round = closed_round(world)
    gone = round.members[2]
    panels.step_back(gone, round)
    db.session.commit()
    login(gone)
    refused = vote(post, round, "yes")
    assert "You have stepped back from this round, so you are not asked to vote." in refused.text
    login(round.members[0])
    vote(post, round, "yes")
    assert motion_of(round).status == "open"  # 1 of the 2 still on the panel
    login(round.members[1])
    vote(post, round, "yes")
    assert motion_of(round).status == "agreed"


def test_staff_and_other_panels_cannot_vote(client, world, login, post):
    round = closed_round(world, panels=2)
    motion = motion_of(round)
    url = f"/rounds/{round.id}/panels/{motion.panel_id}/motions/{motion.id}/vote"
    for person in (round.facilitator, round.funder, round.members[-1]):
        login(person)
        assert post(url, {"choice": "yes"}).status_code == 403
    assert not motion_of(round).votes


def test_a_member_changes_the_shortlist_with_a_reason(client, world, login, post):
    round = closed_round(world, budget_pence=30_000_00)
    first = motion_of(round)
    everything = [a.id for a in world.applications(round)]
    url = f"/rounds/{round.id}/panels/{round.panels[0].id}/shortlist/change"
    login(round.members[0])
    vote(post, round, "yes")
    no_reason = post(url, {"application": everything, "reason": " "})
    assert no_reason.status_code == 400
    assert "Say why you want to change the shortlist." in no_reason.text and 'href="#change-reason"' in no_reason.text
    wrong = post(url, {"application": [*everything, 999_999], "reason": "Add one"})
    assert wrong.status_code == 400 and "not all applications your panel is looking at" in wrong.text
    login(round.funder)
    assert post(url, {"application": everything, "reason": "Steering"}).status_code == 403
    login(round.members[1])
    page = post(url, {"application": everything, "reason": "We want to meet all three groups."},
                follow_redirects=True)
    assert "Everyone votes again on the new shortlist." in page.text
    assert "We want to meet all three groups." in page.text
    db.session.expire_all()
    second = motion_of(round)
    assert (second.number, second.moved_by_id, sorted(second.application_ids)) == (2, round.members[1].id, everything)
    assert db.session.get(ShortlistMotion, first.id).status == "replaced"
    assert "shortlist.change_proposed" in actions(round)
    login(round.members[0])
    stale = vote(post, round, "yes", motion=first)
    assert "this shortlist has been replaced" in stale.text
    for member in round.members[:2]:
        login(member)
        vote(post, round, "yes")
    assert motion_of(round).status == "agreed"
    assert set(statuses(world, round).values()) == {"shortlisted"}


def test_shortlisting_finishes_only_when_every_panel_has_agreed(client, world, login, post):
    round = closed_round(world)
    login(round.facilitator)
    page = client.get(f"/rounds/{round.id}")
    assert "Panel 1 has not agreed its shortlist yet." in page.text
    refused = post(f"/rounds/{round.id}/steps/finish_shortlisting", follow_redirects=True)
    assert "Panel 1 has not agreed its shortlist yet." in refused.text
    db.session.refresh(round)
    assert round.stage == "shortlisting"
    for member in round.members[:2]:
        login(member)
        vote(post, round, "yes")
    login(round.facilitator)
    assert post(f"/rounds/{round.id}/steps/finish_shortlisting").status_code == 303
    db.session.refresh(round)
    assert round.stage == "rest_after_shortlisting"


def test_the_results_page_reads_the_scores_that_count(world):
    round = closed_round(world)
    panel = round.panels[0]
    counted = scores.counted(round.id, panel.id)
    mine = {tuple(score) for score in counted_scores(round.id, panel.id)}
    assert mine == {tuple(row) for row in counted} and mine
    # The database's tallies count exactly those scores.
    scale_max = criteria.current_version(round).scale_max
    assert sorted(counted_tallies(round.id, panel.id, scale_max)) == sorted(
        scoring.tally([scoring.Score(*row) for row in counted], scale_max))
    found = panel_results(round, panel)
    assert [line.result.rank for line in found.ranked] == list(range(1, len(found.ranked) + 1))
    assert found.scores_counted == len(counted)
    assert found.share_pence == round.budget_pence * 150 // 100  # one panel holds all the money asked for
    assert found.chosen_pence <= found.share_pence


def test_a_round_that_adjusts_for_generosity_is_ranked_from_each_scorers_scores(world):
    round = closed_round(world, members=4, applications=5)
    version = criteria.current_version(round)
    version.combination = "generosity_adjusted"
    db.session.commit()
    panel = round.panels[0]
    counted = [scoring.Score(*row) for row in scores.counted(round.id, panel.id)]
    specs = [scoring.CriterionSpec(c.id, c.weight, c.position) for c in version.criteria]
    rules = rules_for(version, moderation_tolerance=2)   # the round's default
    assert rules.combination == "generosity_adjusted"
    found = panel_results(round, panel)
    assert [line.result for line in found.ranked + found.below_minimum] == [
        r for r in scoring.results(counted, specs, rules) if r.exact_total is not None]
    assert found.agreement == scoring.agreement(counted)


# The ranking and budget fit, without the database -------------------------------------------------

CRITERIA = [scoring.CriterionSpec(10, 2, 1), scoring.CriterionSpec(11, 1, 2)]
RULES = scoring.Rules(draw_seed="seed", minimum_hundredths=100, tie_break=(1, "draw"))


@st.composite
def panels_scores(draw):
    count = draw(st.integers(min_value=1, max_value=12))
    listed = [Listed(n, f"Project {n}", f"Group {n}", draw(st.integers(1, 50)) * 1_000_00, "eligible")
              for n in range(1, count + 1)]
    found = []
    for application in listed:
        for scorer in draw(st.sets(st.integers(1, 6), max_size=4)):
            for criterion in CRITERIA:
                found.append(scoring.Score(application.id, scorer, criterion.id, draw(st.integers(0, 4))))
    return listed, found


@settings(max_examples=60, deadline=None)
@given(panels_scores(), st.integers(0, 400_000_00), st.sampled_from(["optimal", "greedy"]), st.randoms())
def test_the_ranking_does_not_depend_on_order_and_the_fit_stays_within_the_share(panel, share, method, rng):
    listed, found = panel
    first = rank_and_fit(found, CRITERIA, RULES, listed, share, method)
    shuffled = list(found)
    rng.shuffle(shuffled)
    second = rank_and_fit(shuffled, CRITERIA, RULES, random.Random(1).sample(listed, len(listed)), share, method)
    assert [line.id for line in first.ranked] == [line.id for line in second.ranked]
    assert [line.id for line in first.below_minimum] == [line.id for line in second.below_minimum]
    assert first.chosen_ids == second.chosen_ids
    assert first.chosen_pence == sum(a.amount_requested_pence for a in listed if a.id in first.chosen_ids)
    assert first.chosen_pence <= share
    ranked = [line.id for line in first.ranked]
    assert first.chosen_ids == [i for i in ranked if i in first.chosen_ids]  # in ranking order, ranked only


@settings(max_examples=60, deadline=None)
@given(panels_scores(), st.integers(0, 400_000_00), st.sampled_from(["optimal", "greedy"]))
def test_the_ranking_from_tallies_is_the_ranking_from_the_scores(panel, share, method):
    listed, found = panel
    from_scores = rank_and_fit(found, CRITERIA, RULES, listed, share, method)
    assert rank_and_fit_tallies(scoring.tally(found, RULES.scale_max), CRITERIA, RULES, listed, share,
                                method) == from_scores


def test_when_the_best_fit_is_too_hard_the_suggestion_goes_down_the_ranking(monkeypatch):
    listed = [Listed(n, f"Project {n}", f"Group {n}", 10_000_00, "eligible") for n in (1, 2, 3)]
    found = [scoring.Score(a.id, s, c.id, (a.id + s) % 5) for a in listed for s in (1, 2) for c in CRITERIA]
    real = scoring.fit_budget

    def too_hard(items, budget, method):
        if method == "optimal":
            raise scoring.TooHardToFit("too evenly matched")
        return real(items, budget, method)

    monkeypatch.setattr(scoring, "fit_budget", too_hard)
    ranking = rank_and_fit(found, CRITERIA, RULES, listed, 20_000_00, "optimal")
    assert ranking.method_used == "greedy" and len(ranking.chosen_ids) == 2
    assert ranking.chosen_ids == [line.id for line in ranking.ranked][:2]
