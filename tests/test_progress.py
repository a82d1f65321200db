"""Progress without steering: a facilitator sees how much is done and who may need a hand, never
the scores; a member's home page says what to do next, how much is done and the hours so far."""
from __future__ import annotations

import html
import re

from commission import clock
from commission.criteria import service as criteria
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.panels import service as panels
from commission.rounds.models import RoundPerson
from commission.scores import service as scores

TRAINING = ["How the process works", "Unconscious bias"]


def points(application, value: int) -> dict[int, int]:
    return {c.id: value for c in criteria.current_version(application.round).criteria}


def text_of(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def row(page: str, heading: str) -> str:
    """The words of the table row whose heading cell starts with `heading`."""
    for found in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', page, re.S):
        if re.search(rf'<th scope="row"[^>]*>\s*{re.escape(heading)}\b', found):
            return text_of(found)
    raise AssertionError(f"no row for {heading}")


def scoring_under_way(world):
    """Four members, three applications, four scorers wanted for each, so everyone is asked to
    score all three. Ann has sent in two and has a draft; Bea has only a draft; Cal has sent in
    one far from Ann's; Dee has one piece of training and one link still to do and has not said yes."""
    round = world.round(members_per_panel=4)
    modules = panels.set_training(round.facilitator, round, TRAINING)
    world.advance(round, "shortlisting")
    ann, bea, cal, dee = round.members
    for member in round.members:
        for module in modules if member is not dee else modules[:1]:
            panels.record_training(round.facilitator, member, module)
        for application in panel_policy.panel_applications(member, round)[: None if member is not dee else 1]:
            panels.declare(member, application, "none")
    panels.share_out(round.facilitator, round)
    for member in (ann, bea, cal):
        panels.accept_work(member, round)
    first, second, third = world.applications(round)
    scores.submit(ann, first, points(first, 4), "ZEBRA-COMMENT-7 a lovely project")
    scores.submit(ann, second, points(second, 3))
    scores.save_draft(ann, third, points(third, 2), "WOMBAT-DRAFT-3")
    scores.save_draft(bea, first, points(first, 1))
    scores.submit(cal, first, points(first, 0), "ZEBRA-COMMENT-7 not for us")
    db.session.commit()
    return round


def test_a_facilitator_sees_counts_and_who_may_need_a_hand_never_scores(client, world, login):
    round = scoring_under_way(world)
    ann, bea, cal, dee = round.members
    login(round.facilitator)
    page = client.get(f"/rounds/{round.id}/progress")
    assert page.status_code == 200
    # training not done, links not said, accepted, asked, sent in, drafts, may need a hand
    assert row(page.text, ann.name) == f"{ann.name} 0 0 Yes 3 2 1 No"
    assert row(page.text, bea.name) == f"{bea.name} 0 0 Yes 3 0 1 Yes: nothing sent in yet"
    assert row(page.text, cal.name) == f"{cal.name} 0 0 Yes 3 1 0 No"
    assert row(page.text, dee.name) == (f"{dee.name} 1 2 Not yet (3 waiting) 3 0 0 "
                                        "Yes: training not finished; has not accepted their work; nothing sent in yet")
    words = text_of(page.text)
    assert "2 members may need a hand" in words
    first, second, third = world.applications(round)
    # scorers wanted, asked, sent in; not even whether scores are far apart (Ann 4 and Cal 0 are)
    assert row(page.text, first.title) == f"{first.title} 4 4 2"
    assert row(page.text, second.title) == f"{second.title} 4 4 1"
    assert row(page.text, third.title) == f"{third.title} 4 4 0"
    assert "talk about" not in words
    assert "Scoring open" in words
    for secret in ("ZEBRA", "WOMBAT", "rank", "Rank", "total"):
        assert secret not in page.text


def test_the_page_says_when_a_panel_has_closed_its_scoring_and_who_stepped_back(client, world, login):
    from commission.shortlist.models import ScoringClosure

    round = scoring_under_way(world)
    bea = round.members[1]
    # Arranged as data: closing scoring and stepping back have their own services and tests.
    db.session.add(ScoringClosure(panel_id=round.panels[0].id, closed_at=clock.now(),
                                  closed_by_id=round.facilitator.id))
    db.session.scalar(db.select(RoundPerson).where(RoundPerson.round_id == round.id,
                                                   RoundPerson.user_id == bea.id)).stepped_back_at = clock.now()
    db.session.commit()
    login(round.facilitator)
    page = client.get(f"/rounds/{round.id}/progress")
    words = text_of(page.text)
    assert "Scoring closed" in words and "Scoring open" not in words
    assert row(page.text, bea.name).startswith(f"{bea.name} Stepped back")
    assert row(page.text, bea.name).endswith("No")
    # Once scoring is closed, unfinished work is no longer a reason to worry; training still is.
    assert row(page.text, round.members[3].name).endswith("Yes: training not finished")


def test_only_the_rounds_facilitators_see_progress(client, world, login):
    round = scoring_under_way(world)
    for person, status in ((round.members[0], 403), (round.funder, 403), (world.user("facilitator"), 404),
                           (world.user("member"), 404)):
        login(person)
        assert client.get(f"/rounds/{round.id}/progress").status_code == status, person.role
    login(round.facilitator)
    assert f"/rounds/{round.id}/progress" in client.get(f"/rounds/{round.id}").text
    assert f"/rounds/{round.id}/progress" in client.get("/").text


def test_the_progress_page_runs_the_same_number_of_queries_whatever_the_size(client, world, login,
                                                                             count_queries):
    counts = []
    for members, applications, panel_count in ((3, 3, 1), (5, 9, 2)):
        round = world.round(members_per_panel=members, applications_count=applications, panels=panel_count)
        world.ready_to_score(round)
        for member in round.members:
            for application in panels.my_assignments(member, round)[:2]:
                scores.submit(member, application, points(application, 2))
        db.session.commit()
        login(round.facilitator)
        with count_queries() as counted:
            assert client.get(f"/rounds/{round.id}/progress").status_code == 200
        counts.append(len(counted))
    assert counts[0] == counts[1]


# -- a member's home page ---------------------------------------------------------------------

def home_card(client, round) -> str:
    page = client.get("/").text
    cards = [c for c in page.split('<div class="app-card">')[1:] if round.name in c]
    assert len(cards) == 1
    return text_of(cards[0])


def test_a_member_is_told_what_to_do_next_in_plain_words(client, world, login, post):
    round = scoring_under_way(world)
    ann, bea, cal, dee = round.members
    login(dee)
    card = home_card(client, round)
    assert "Finish your training: Unconscious bias." in card
    assert "Say whether you have a link with 2 groups." in card
    assert "Accept your work: 3 applications to score, about 2.2 hours." in card
    assert "0 of 3 applications" in card and "None yet, of about 2.2 hours in all" in card
    assert f'href="/rounds/{round.id}/panel"' in client.get("/").text

    login(ann)
    card = home_card(client, round)
    assert "Score 1 application more." in card
    assert "Finish your training" not in card and "Accept your work" not in card
    assert "2 of 3 applications" in card
    assert "About 1.5 hours so far, of about 2.2 hours in all" in card
    assert f'href="/rounds/{round.id}/scoring"' in client.get("/").text


def test_a_member_who_has_sent_in_everything_or_stepped_back_is_thanked(client, world, login):
    round = world.ready_to_score(world.round(applications_count=2))
    ann, bea = round.members[:2]
    for application in panels.my_assignments(ann, round):
        scores.submit(ann, application, points(application, 3))
    db.session.scalar(db.select(RoundPerson).where(RoundPerson.round_id == round.id,
                                                   RoundPerson.user_id == bea.id)).stepped_back_at = clock.now()
    db.session.commit()
    login(ann)
    card = home_card(client, round)
    assert "You have sent in all your scores. Thank you." in card
    assert "2 of 2 applications" in card
    login(bea)
    card = home_card(client, round)
    assert "You stepped back from this round. Thank you" in card
    assert "Score" not in card


def test_after_scoring_closes_a_member_is_asked_to_look_at_the_results_and_vote(client, world, login):
    from commission.shortlist.models import ScoringClosure

    round = world.ready_to_score(world.round())
    db.session.add(ScoringClosure(panel_id=round.panels[0].id, closed_at=clock.now(),
                                  closed_by_id=round.facilitator.id))
    db.session.commit()
    login(round.members[0])
    card = home_card(client, round)
    assert "Scoring has closed for your panel. Look at the results and vote on the shortlist." in card
    assert "Score 3 applications more" not in card
