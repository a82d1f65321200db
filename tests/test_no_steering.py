"""No steering, tried on every page: while a panel is working, staff (facilitators and the funder)
get nothing of its scores, comments, reasons or rankings by any URL; and a member who declared
a link with a group gets nothing of that group's application by any URL.

The crawl asks for every GET route the app has, filled with the round's real ids, so a page
added later is checked too. A route that takes an id this test does not know how to fill makes
the test fail until someone adds it here (and thinks about what the page shows)."""
from __future__ import annotations

import itertools
import re

import pytest
from flask import url_for

from commission import clock
from commission.applications.models import Attachment
from commission.audit import service as audit
from commission.criteria import service as criteria
from commission.criteria.models import Motion, Proposal
from commission.documents.models import Document
from commission.extensions import db
from commission.interviews.models import Interview
from commission.letters.models import Letter
from commission.panels import service as panels
from commission.panels.models import TrainingModule
from commission.scores import service as scores
from commission.shortlist.models import ScoringClosure, ShortlistMotion, ShortlistVote

COMMENT = "ZEBRA-COMMENT-7"
REASON = "QUOKKA-REASON-9"
DRAFT = "WOMBAT-DRAFT-3"
MARKERS = (COMMENT, REASON, DRAFT)
# What only the conflicted application holds: its summary, answers, files and the comments on it.
SUMMARY, ANSWER, FILE, ITS_COMMENT = "PLATYPUS-SUMMARY-5", "EMU-ANSWER-2", "NUMBAT-FILE-4", "KOALA-COMMENT-1"
# A ranking shown: "Rank" or "Ranked" (pages may say they never show rankings).
RANKING = re.compile(r"\b(rank|ranked)\b", re.I)
RESULTS_TABLE = re.compile(r"<(caption|h1|h2|h3)[^>]*>[^<]*\bresults\b", re.I)
SCORE_DETAILS = ('"scores":', "&#34;scores&#34;:", "&quot;scores&quot;:")
# GET routes the crawl does not ask for, and why. A new one must be added here on purpose.
NOT_CRAWLED = {"static": "serves the app's own CSS and scripts from disk, nothing of any round"}


def points(application, value: int) -> dict[int, int]:
    return {c.id: value for c in criteria.current_version(application.round).criteria}


def scored_round(world):
    """A round at shortlisting with scores sent in, one changed with a reason, a draft, and Dee's
    late link with the first group (so she is kept away from its application)."""
    round = world.ready_to_score(world.round(members_per_panel=4))
    ann, bea, cal, dee = round.members
    first = world.applications(round)[0]
    first.summary = f"{SUMMARY} We run a lunch club."
    for answer in first.answers:
        answer.text = f"{ANSWER} Every week."
    data = f"%PDF-1.4 {FILE}".encode()
    db.session.add(Attachment(application_id=first.id, filename="plan.pdf", content_type="application/pdf",
                              size=len(data), data=data))
    panels.declare(dee, first, "close")
    for member in round.members:
        work = panels.my_assignments(member, round)
        for application in work:
            comment = f"{COMMENT} {ITS_COMMENT}" if application.id == first.id else COMMENT
            if member is cal and application is work[-1] and application.id != first.id:
                scores.save_draft(cal, application, points(application, 2), DRAFT)
            else:
                scores.submit(member, application, points(application, 0 if member is ann else 4), comment)
    scores.revise(bea, first, points(first, 3), f"{COMMENT} {ITS_COMMENT}", REASON, seen_record=1)
    db.session.commit()
    round.first = first
    return round


def close_and_move_a_shortlist(round):
    """Scoring closed and a shortlist put to the panel, with one vote in. Arranged as data (with the
    audit entry a vote makes): the shortlist's own services and tests are elsewhere."""
    panel = round.panels[0]
    db.session.add(ScoringClosure(panel_id=panel.id, closed_at=clock.now(), closed_by_id=round.facilitator.id))
    motion = ShortlistMotion(round_id=round.id, panel_id=panel.id, number=1, application_ids_json="[]",
                             status="open", created_at=clock.now())
    db.session.add(motion)
    db.session.flush()
    db.session.add(ShortlistVote(motion_id=motion.id, member_id=round.members[0].id, choice="yes", at=clock.now()))
    audit.record(round.members[0], "shortlist.voted", "shortlist_motion", motion.id, round_id=round.id,
                 motion_id=motion.id, choice="yes", reason=REASON)
    db.session.commit()
    return motion


def ids_to_try(round) -> dict[str, list[int]]:
    """The real ids of the round, by the name a route gives them."""
    documents = list(db.session.scalars(db.select(Document).where(Document.round_id == round.id)))
    return {
        "round_id": [round.id],
        "application_id": [a.id for a in round.world.applications(round)],
        "panel_id": [p.id for p in round.panels],
        "member_id": [m.id for m in round.members],
        "module_id": list(db.session.scalars(db.select(TrainingModule.id).where(TrainingModule.round_id == round.id))),
        "document_id": [d.id for d in documents],
        "version_id": [v.id for d in documents for v in d.versions],
        "version": sorted({v.number for d in documents for v in d.versions}),
        "attachment_id": list(db.session.scalars(db.select(Attachment.id).where(
            Attachment.application_id == round.first.id))),
        "proposal_id": list(db.session.scalars(db.select(Proposal.id).where(Proposal.round_id == round.id))),
        "interview_id": list(db.session.scalars(db.select(Interview.id).where(Interview.round_id == round.id))) or [1],
        "letter_id": list(db.session.scalars(db.select(Letter.id).where(Letter.round_id == round.id))) or [1],
        "motion_id": list(db.session.scalars(db.select(Motion.id).where(Motion.round_id == round.id)))
        + list(db.session.scalars(db.select(ShortlistMotion.id).where(ShortlistMotion.round_id == round.id))),
    }


def path(app, endpoint: str, **values) -> str:
    with app.test_request_context():
        return url_for(endpoint, **values)


def every_get_url(app, round) -> list[str]:
    ids = ids_to_try(round)
    urls, left_out = [], {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        names = sorted(rule.arguments)
        if rule.endpoint in NOT_CRAWLED or not set(names) <= set(ids):
            left_out[rule.endpoint] = names
            continue
        for values in itertools.product(*(ids[n] for n in names)):
            urls.append(path(app, rule.endpoint, **dict(zip(names, values))))
    # A route with ids this test cannot fill is never silently skipped.
    assert set(left_out) == set(NOT_CRAWLED), f"GET routes not crawled, to consider: {left_out}"
    return urls


def results_urls(app, round) -> list[str]:
    """The panel's results, wherever they live: the agreed address and any route that says so."""
    found = {f"/rounds/{round.id}/panels/{p.id}/results" for p in round.panels}
    found |= {u for u in every_get_url(app, round) if "result" in u and "/applications/" not in u}
    return sorted(found)


def assert_nothing_of_the_panels_work(url: str, response) -> None:
    assert response.status_code < 500, url
    body = response.get_data(as_text=True)
    for marker in MARKERS:
        assert marker not in body, f"{url} shows {marker}"
    assert not RANKING.search(body), f"{url} talks of a ranking"
    assert not RESULTS_TABLE.search(body), f"{url} shows results"
    for details in SCORE_DETAILS:
        assert details not in body, f"{url} shows score details"


@pytest.fixture
def round_(world):
    round = scored_round(world)
    round.world = world
    return round


def crawl_as_staff(app, client, login, round):
    urls = every_get_url(app, round)
    assert len(urls) > 25  # the crawl reaches the round's pages, not just the home page
    for person in (round.facilitator, round.funder):
        login(person)
        for url in urls:
            assert_nothing_of_the_panels_work(url, client.get(url))
        for url in results_urls(app, round):
            assert client.get(url).status_code in (403, 404), f"{person.role} sees {url}"


def test_staff_get_nothing_of_the_scores_by_any_url_while_the_panel_is_scoring(app, client, login, round_):
    crawl_as_staff(app, client, login, round_)


def test_nor_after_scoring_closes_while_the_panel_votes_on_its_shortlist(app, client, login, round_):
    close_and_move_a_shortlist(round_)
    crawl_as_staff(app, client, login, round_)


def test_the_audit_trail_says_scoring_happened_and_keeps_the_details_back_until_the_panel_agrees(
        client, login, round_):
    motion = close_and_move_a_shortlist(round_)
    login(round_.facilitator)
    page = client.get(f"/rounds/{round_.id}/audit").text
    bea = round_.members[1]
    assert f"{bea.name} (member) changed their scores for an application." in page
    assert "sent in their scores for an application" in page
    assert "kept back until the panel has agreed its shortlist" in page
    assert "kept back until the votes are counted" in page  # the shortlist vote, while it is open
    for secret in (*MARKERS, *SCORE_DETAILS):
        assert secret not in page

    # The panel agrees its shortlist: now staff may read what happened, as the funder will.
    motion.status = "agreed"
    motion.decided_at = clock.now()
    db.session.commit()
    page = client.get(f"/rounds/{round_.id}/audit").text
    assert f"changed their scores for an application. Reason: {REASON}" in page
    assert COMMENT in page and "kept back until the panel has agreed" not in page


def test_a_member_with_a_link_gets_nothing_of_that_application_by_any_url(app, client, login, round_):
    dee, first = round_.members[3], round_.first
    close_and_move_a_shortlist(round_)  # the panel's results are open to its members now
    login(dee)
    attachments = ids_to_try(round_)["attachment_id"]
    asked = [path(app, "panels.application", round_id=round_.id, application_id=first.id),
             path(app, "scores.score", round_id=round_.id, application_id=first.id),
             path(app, "scores.mine", round_id=round_.id),
             *[f"/applications/{first.id}/attachments/{a}" for a in attachments],
             *results_urls(app, round_)]
    assert attachments
    for url in asked:
        response = client.get(url)
        assert response.status_code < 500, url
        body = response.get_data(as_text=True)
        for secret in (SUMMARY, ANSWER, FILE, ITS_COMMENT, REASON):
            assert secret not in body, f"{url} shows {secret} to a member with a link"
    for url in asked[:2]:
        assert client.get(url).status_code in (403, 404)

    # The same pages do show it to a member without a link: the test looks in the right places.
    login(round_.members[2])
    assert SUMMARY in client.get(asked[0]).text
    assert ITS_COMMENT in client.get(asked[1]).text
