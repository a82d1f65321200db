"""Round documents: written by the facilitator, checked for plain English, published for the
panel, the funder and applicants, through the web pages as each of them would use them."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from commission.audit import service as audit
from commission.audit.models import AuditEntry
from commission.documents import render, service as documents
from commission.documents.models import Document, DocumentVersion, StageEstimate
from commission.errors import NotAllowed, RuleBroken
from commission.extensions import db
from commission.plain_english import check

PLAIN = """## What the panel does

The panel reads each application. Each member gives it a score from 0 to 4.

- Read the form.
- Score each part.
- Talk it over with the panel.

We meet on a Tuesday. Tea and lunch are free. We pay for your bus or taxi."""

JARGON = """## Panel pack

We will utilise a robust framework to leverage stakeholder engagement across the whole of the programme, \
and we will ensure that all deliverables are operationalised in a timely and efficient manner by every \
member of the panel.

Please read it before the meeting."""

LONG_SENTENCE = JARGON.split("\n\n")[1].replace("\\\n", "")
REASON = "The funder's own words must be quoted exactly in this pack."
ATTACKS = """## Hello

Hello <script>alert('script')</script> there.

<img src=x onerror="alert('img')">

<iframe src="https://evil.example/frame"></iframe>

[Click me](javascript:alert('link')) and <javascript:alert('auto')>

[A safe link](https://example.org/help)"""


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def actions(round) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.round_id == round.id)
                                   .order_by(AuditEntry.seq)))


def last_entry(action: str) -> AuditEntry:
    return db.session.scalar(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq.desc()))


def row_counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Document, DocumentVersion, StageEstimate))


def new_document(post, round, kind="panel_pack", title="Panel pack", markdown=PLAIN):
    response = post(f"/rounds/{round.id}/documents/new", {"kind": kind, "title": title, "markdown": markdown},
                    token_from=f"/rounds/{round.id}/documents/new")
    assert response.status_code == 303, response.text
    return db.session.get(Document, int(response.headers["Location"].rstrip("/").split("/")[-1]))


def publish(post, document, reason=""):
    db.session.expire_all()
    return post(f"/rounds/{document.round_id}/documents/{document.id}/publish",
                {"version_id": document.newest.id, "override_reason": reason})


def published_document(world, round, kind="panel_pack", markdown=PLAIN, reason=None, title="Panel pack"):
    document = documents.create(round.facilitator, round, kind, title, markdown)
    documents.publish(round.facilitator, document.newest, reason)
    db.session.commit()
    return document


# --- Writing, checking and publishing --------------------------------------------------------

def test_facilitator_writes_a_plain_document_and_publishes_it(client, world, login, post):
    round = world.round()
    login(round.facilitator)
    assert client.get(f"/rounds/{round.id}/documents").status_code == 200
    form = client.get(f"/rounds/{round.id}/documents/new")
    assert form.status_code == 200 and "Call for applications" in form.text and "The time it takes" in form.text

    document = new_document(post, round)
    version = document.newest
    assert (version.number, version.check_passed, version.published_at) == (1, True, None)
    assert version.written_by_id == round.facilitator.id and version.flesch >= 60
    page = client.get(f"/rounds/{round.id}/documents/{document.id}")
    assert "This passes the plain-English check." in page.text
    assert '<h2 class="govuk-heading-m">What the panel does</h2>' in page.text  # the preview
    assert "Draft" in client.get(f"/rounds/{round.id}/documents").text

    response = publish(post, document)
    assert response.status_code == 303
    db.session.expire_all()
    assert document.published.number == 1 and document.published.override_reason is None
    assert document.published.published_by_id == round.facilitator.id
    listing = client.get(f"/rounds/{round.id}/documents").text
    assert "Published" in listing and "despite" not in listing
    entry = json.loads(last_entry("document.published").details)
    assert entry == {"version_id": version.id, "number": 1, "check_passed": True, "flesch": version.flesch,
                     "override_reason": None}


def test_a_jargon_heavy_draft_shows_each_problem_and_needs_a_reason_to_publish(client, world, login, post):
    round = world.round()
    login(round.facilitator)
    document = new_document(post, round, markdown=JARGON)
    assert document.newest.check_passed is False
    page = client.get(f"/rounds/{round.id}/documents/{document.id}").text
    assert "This does not pass the plain-English check yet." in page
    report = page.split('id="check"')[1].split("How version 1 looks")[0]
    assert report.count(f"“{LONG_SENTENCE}”") == 1  # the problem sentence, once, with all its problems
    assert "This sentence has 37 words. Try to keep each sentence to 25 words or fewer." in page
    for word, plain in (("utilise", "use"), ("leverage", "use"), ("stakeholder", "the people involved"),
                        ("deliverables", "what you will do or make")):
        assert f"Instead of &#34;{word}&#34;, write &#34;{plain}&#34;." in page
    assert "The reading ease score is" in page
    assert "Why should this be published without passing the check?" in page

    before = audit_count()
    refused = publish(post, document, "   ")
    assert refused.status_code == 400
    assert 'href="#override_reason"' in refused.text and "govuk-textarea--error" in refused.text
    assert "This document does not pass the plain-English check." in refused.text
    db.session.expire_all()
    assert document.published is None and audit_count() == before

    assert publish(post, document, REASON).status_code == 303
    db.session.expire_all()
    published = document.published
    assert (published.number, published.check_passed, published.override_reason) == (1, False, REASON)
    details = json.loads(last_entry("document.published").details)
    assert details["override_reason"] == REASON and details["check_passed"] is False
    assert details["flesch"] == published.flesch
    assert "Published despite failing the check" in client.get(f"/rounds/{round.id}/documents").text

    expected = f"Published without passing the plain-English check. Reason given: {REASON}"
    for reader in (round.members[0], round.funder):
        login(reader)
        read = client.get(f"/rounds/{round.id}/documents/{document.id}/read")
        assert read.status_code == 200
        assert expected in read.text.replace("&#39;", "'")
        assert "robust framework" in read.text


def test_a_passing_document_needs_no_reason_and_keeps_none(world):
    round = world.round()
    document = documents.create(round.facilitator, round, "panel_pack", "Pack", PLAIN)
    documents.publish(round.facilitator, document.newest, "Not needed")
    assert document.published.override_reason is None


def test_script_and_raw_html_never_reach_the_page(client, world, login, post):
    round = world.round()
    login(round.facilitator)
    document = new_document(post, round, markdown=ATTACKS)
    preview = client.get(f"/rounds/{round.id}/documents/{document.id}").text
    publish(post, document, "Testing that nothing can run")
    login(round.members[0])
    read = client.get(f"/rounds/{round.id}/documents/{document.id}/read").text
    for page in (preview, read):
        body = page.split('app-document', 1)[1].split("</div>", 1)[0]
        assert "<script" not in body and "<iframe" not in body and "<img" not in body
        assert "javascript:" not in "".join(re.findall(r"<a [^>]*>", body))
        assert re.search(r"<[^>]*onerror", body) is None
        assert "&lt;script&gt;" in body  # shown as text, so the writer can see what went wrong
        assert ('<a href="https://example.org/help" class="govuk-link" rel="noopener noreferrer">'
                "A safe link</a>") in body


def test_the_sanitiser_alone_also_stops_anything_that_runs():
    """The second lock: even raw HTML that got past Markdown is cleaned."""
    cleaned = render.sanitise(
        '<p onclick="x()">Hi<script>alert(1)</script><iframe src="https://e.example"></iframe>'
        '<img src=x onerror="alert(2)"><a href="javascript:alert(3)">j</a><a href="data:text/html,x">d</a>'
        '<a href="https://example.org" target="_blank">ok</a><p style="color:red" class="evil">z</p>')
    assert cleaned == ('<p class="govuk-body">Hi<a class="govuk-link" rel="noopener noreferrer">j</a>'
                       '<a class="govuk-link" rel="noopener noreferrer">d</a>'
                       '<a href="https://example.org" class="govuk-link" rel="noopener noreferrer">ok</a></p>'
                       '<p class="govuk-body">z</p>')


def test_markdown_becomes_govuk_html_and_plain_text_for_the_check():
    html = render.to_html("# Big\n\nSome **bold** text with [a link](mailto:panel@example.org).\n\n"
                          "- one\n- two\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n> Said")
    assert '<h2 class="govuk-heading-m">Big</h2>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html and '<table class="govuk-table">' in html
    assert '<td class="govuk-table__cell">1</td>' in html
    assert '<blockquote class="govuk-inset-text">' in html
    assert '<a href="mailto:panel@example.org" class="govuk-link" rel="noopener noreferrer">a link</a>' in html
    text = render.plain_text("# Big\n\nSome **bold** text with [a link](https://example.org).\n\n- one\n- two\n\n"
                             "```\ncode here\n```")
    assert text == "Big\n\nSome bold text with a link.\n\none\n\ntwo"


def test_the_threshold_comes_from_the_round(world):
    round = world.round()
    assert documents.min_flesch_for(round) == documents.DEFAULT_MIN_FLESCH == 60


# --- Versions ---------------------------------------------------------------------------------

def test_a_published_version_is_never_edited_a_change_makes_a_new_version(client, world, login, post):
    round = world.round()
    document = published_document(world, round)
    first = document.published
    published_at = first.published_at
    login(round.facilitator)
    changed = PLAIN.replace("We meet on a Tuesday.", "We meet on a Wednesday.")
    response = post(f"/rounds/{round.id}/documents/{document.id}/versions", {"markdown": changed})
    assert response.status_code == 303
    db.session.expire_all()
    assert [v.number for v in document.versions] == [1, 2]
    assert (first.markdown, first.published_at) == (PLAIN, published_at)
    assert document.published.id == first.id and document.newest.published_at is None
    assert "a newer draft is waiting" in client.get(f"/rounds/{round.id}/documents").text
    login(round.members[0])
    assert "Tuesday" in client.get(f"/rounds/{round.id}/documents/{document.id}/read").text

    login(round.facilitator)
    with pytest.raises(RuleBroken, match="Version 1 is already published."):
        documents.publish(round.facilitator, first)
    db.session.rollback()
    assert publish(post, document).status_code == 303
    db.session.expire_all()
    assert document.published.number == 2 and first.markdown == PLAIN
    login(round.members[0])
    assert "Wednesday" in client.get(f"/rounds/{round.id}/documents/{document.id}/read").text


def test_only_the_newest_version_can_be_published_and_nothing_unchanged_is_saved(world):
    round = world.round()
    document = documents.create(round.facilitator, round, "panel_pack", "Pack", PLAIN)
    older = document.newest
    documents.revise(round.facilitator, document, PLAIN + "\n\nBring a pen.")
    with pytest.raises(RuleBroken, match="There is a newer version than version 1."):
        documents.publish(round.facilitator, older)
    with pytest.raises(RuleBroken, match="This is the same as version 2"):
        documents.revise(round.facilitator, document, PLAIN + "\r\n\r\nBring a pen.  ")
    assert len(document.versions) == 2


def test_an_empty_document_or_title_is_refused_by_its_box(client, world, login, post):
    round = world.round()
    login(round.facilitator)
    before = row_counts()
    response = post(f"/rounds/{round.id}/documents/new", {"kind": "", "title": " ", "markdown": PLAIN})
    assert response.status_code == 400
    assert 'href="#kind"' in response.text and "Choose what kind of document this is." in response.text
    response = post(f"/rounds/{round.id}/documents/new", {"kind": "panel_pack", "title": " ", "markdown": PLAIN})
    assert 'href="#title"' in response.text and "Give the document a title." in response.text
    assert "Tea and lunch are free." in response.text  # what was typed is kept
    response = post(f"/rounds/{round.id}/documents/new", {"kind": "panel_pack", "title": "Pack", "markdown": ""})
    assert 'href="#markdown"' in response.text and "Write the document before saving it." in response.text
    response = post(f"/rounds/{round.id}/documents/new", {"kind": "secret_memo", "title": "Pack", "markdown": PLAIN})
    assert response.status_code == 400
    assert row_counts() == before


def test_a_closed_round_s_documents_cannot_change(world):
    round = world.round()
    document = documents.create(round.facilitator, round, "panel_pack", "Pack", PLAIN)
    db.session.commit()
    from commission.rounds import service as rounds
    rounds.cancel(round.facilitator, round, "The funding was withdrawn")
    with pytest.raises(RuleBroken, match="This round is cancelled, so its documents cannot change."):
        documents.publish(round.facilitator, document.newest)
    with pytest.raises(RuleBroken, match="cannot change"):
        documents.revise(round.facilitator, document, "New words.")


# --- Who can do what ----------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["member", "funder", "applicant", "facilitator of another round"])
def test_no_one_but_the_round_s_facilitator_can_write_or_publish(client, world, login, post, who):
    round = world.round()
    world.advance(round, "open")  # applicants may read this round's call from now on
    draft = documents.create(round.facilitator, round, "call_for_applications", "The call", JARGON)
    db.session.commit()
    person = {"member": round.members[0], "funder": round.funder, "applicant": round.applicants[0],
              "facilitator of another round": world.round().facilitator}[who]
    login(person)
    before, entries = row_counts(), audit_count()
    base = f"/rounds/{round.id}/documents"
    expected = {403} if who in ("member", "funder", "applicant") else {404}
    for url, data in ((f"{base}/new", {"kind": "panel_pack", "title": "Mine", "markdown": PLAIN}),
                      (f"{base}/{draft.id}/versions", {"markdown": PLAIN}),
                      (f"{base}/{draft.id}/publish", {"version_id": draft.newest.id, "override_reason": "Because"}),
                      (f"{base}/time-commitment", {"hours-shortlisting": "10"})):
        assert post(url, data).status_code in expected, url
    for url in (f"{base}/new", f"{base}/{draft.id}", f"{base}/time-commitment"):
        assert client.get(url).status_code in expected, url
    db.session.expire_all()
    assert row_counts() == before and audit_count() == entries
    assert draft.published is None

    for attempt in (lambda: documents.create(person, round, "panel_pack", "Mine", PLAIN),
                    lambda: documents.revise(person, draft, PLAIN),
                    lambda: documents.publish(person, draft.newest, "Because"),
                    lambda: documents.set_stage_estimates(person, round, {"shortlisting": 3}),
                    lambda: documents.generate_time_commitment(person, round)):
        with pytest.raises(NotAllowed):
            attempt()


def test_drafts_are_invisible_to_members_funders_and_applicants(client, world, login):
    round = world.round()
    world.advance(round, "open")
    draft = documents.create(round.facilitator, round, "applicant_guidance", "Draft guidance not ready", PLAIN)
    db.session.commit()
    for person in (round.members[0], round.funder, round.applicants[0]):
        login(person)
        assert client.get(f"/rounds/{round.id}/documents/{draft.id}/read").status_code == 404
        listing = client.get(f"/rounds/{round.id}/documents")
        assert listing.status_code == 200 and "Draft guidance not ready" not in listing.text
        assert "Call for applications" in listing.text  # what is published, they can read


def test_applicants_read_only_the_applicant_documents_of_a_round_that_has_opened(client, world, login):
    round = world.round()
    call = published_document(world, round, "call_for_applications", JARGON, REASON, title="The call")
    pack = published_document(world, round, "panel_pack", PLAIN, title="Panel pack")
    applicant = round.applicants[0]
    login(applicant)
    assert client.get(f"/rounds/{round.id}/documents").status_code == 404  # not open yet
    assert client.get(f"/rounds/{round.id}/documents/{call.id}/read").status_code == 404

    world.advance(round, "open")
    listing = client.get(f"/rounds/{round.id}/documents").text
    assert "The call" in listing and "Panel pack" not in listing
    read = client.get(f"/rounds/{round.id}/documents/{call.id}/read")
    assert read.status_code == 200 and "robust framework" in read.text
    assert "Reason given" not in read.text  # the reason is for the panel and the funder
    assert client.get(f"/rounds/{round.id}/documents/{pack.id}/read").status_code == 404
    assert client.get(f"/rounds/{round.id}").status_code == 404  # still no part in the round itself


def test_people_outside_the_round_find_nothing(client, world, login):
    round = world.round()
    document = published_document(world, round)
    other = world.round()
    for person in (other.members[0], other.funder, other.facilitator):
        login(person)
        for url in (f"/rounds/{round.id}/documents", f"/rounds/{round.id}/documents/{document.id}",
                    f"/rounds/{round.id}/documents/{document.id}/read"):
            assert client.get(url).status_code == 404, url
    login(round.facilitator)  # a document asked for under another round's address is not there
    assert client.get(f"/rounds/{other.id}/documents/{document.id}/read").status_code == 404


def test_members_and_funders_see_the_published_documents_listed(client, world, login):
    round = world.round()
    published_document(world, round, title="Panel pack")
    for person in (round.members[0], round.funder):
        login(person)
        listing = client.get(f"/rounds/{round.id}/documents").text
        assert "Panel pack" in listing and "(panel pack)" in listing


# --- Time commitment -------------------------------------------------------------------------------

def test_the_time_commitment_document_is_made_from_the_stage_hours_and_passes_the_check(client, world, login,
                                                                                     post):
    round = world.round()
    login(round.facilitator)
    page = client.get(f"/rounds/{round.id}/documents/time-commitment")
    assert page.status_code == 200 and "Choosing the criteria" in page.text and "Interviews" in page.text

    response = post(f"/rounds/{round.id}/documents/time-commitment",
                    {"hours-co_design": "6", "hours-shortlisting": "12", "hours-interviews": "8",
                     "hours-deciding": "4"})
    assert response.status_code == 303
    db.session.expire_all()
    assert documents.stage_estimates(round) == {"co_design": 6, "shortlisting": 12, "interviews": 8,
                                                "deciding": 4}
    document = documents.time_commitment_document(round)
    version = document.newest
    assert version.check_passed, version.problems
    assert check(render.plain_text(version.markdown)).passed
    assert "- Choosing the criteria: about 6 hours" in version.markdown
    assert "In total: about 30 hours." in version.markdown
    assert "You can step back from the panel at any time." in version.markdown
    assert "After shortlisting, the panel rests for at least 7 days." in version.markdown

    assert publish(post, document).status_code == 303
    login(round.members[0])
    read = client.get(f"/rounds/{round.id}/documents/{document.id}/read").text
    assert "In total: about 30 hours." in read and "Choosing the criteria: about 6 hours" in read

    # New hours make a new version; the same hours make none.
    login(round.facilitator)
    post(f"/rounds/{round.id}/documents/time-commitment", {"hours-co_design": "6", "hours-shortlisting": "20",
                                                           "hours-interviews": "8", "hours-deciding": "4"})
    db.session.expire_all()
    assert len(document.versions) == 2 and "In total: about 38 hours." in document.newest.markdown
    assert document.published.number == 1
    same = post(f"/rounds/{round.id}/documents/time-commitment",
                {"hours-co_design": "6", "hours-shortlisting": "20", "hours-interviews": "8", "hours-deciding": "4"},
                follow_redirects=True)
    assert "so it has not changed" in same.text
    db.session.expire_all()
    assert len(document.versions) == 2


def test_a_member_s_time_commitment_says_their_own_share_comes_later(world):
    round = world.round(workflow="no_interviews")
    documents.set_stage_estimates(round.facilitator, round, {"co_design": 1, "shortlisting": 10, "deciding": 3})
    member = round.members[0]
    assert documents.workload_hours(member, round) is None
    text = documents.time_commitment_markdown(round, member)
    assert "Once the applications are shared out, this page will show your own share of the work." in text
    assert "- Choosing the criteria: about 1 hour\n" in text and "Interviews" not in text
    assert "In total: about 14 hours." in text
    assert check(render.plain_text(text)).passed
    with pytest.raises(RuleBroken, match="no work in a stage called interviews"):
        documents.set_stage_estimates(round.facilitator, round, {"interviews": 5})


def test_stage_hours_must_be_whole_numbers_in_range(client, world, login, post):
    round = world.round()
    login(round.facilitator)
    before = row_counts()
    response = post(f"/rounds/{round.id}/documents/time-commitment", {"hours-shortlisting": "about ten"})
    assert response.status_code == 400
    assert 'href="#hours-shortlisting"' in response.text and "Enter the hours as a whole number" in response.text
    assert 'value="about ten"' in response.text
    response = post(f"/rounds/{round.id}/documents/time-commitment", {"hours-shortlisting": "500"})
    assert response.status_code == 400 and 'href="#hours-shortlisting"' in response.text
    assert "must be a whole number from 0 to 200" in response.text
    empty = post(f"/rounds/{round.id}/documents/time-commitment", {}, follow_redirects=True)
    assert "Say how many hours each stage takes" in empty.text
    assert row_counts() == before


# --- The audit trail ---------------------------------------------------------------------------------

def test_every_write_is_in_the_audit_trail_with_ids_not_names(world):
    round = world.round()
    start = len(actions(round))
    f = round.facilitator
    document = documents.create(f, round, "panel_pack", "Pack for Margaret", JARGON)
    documents.revise(f, document, PLAIN)
    documents.publish(f, document.newest)
    documents.set_stage_estimates(f, round, {"shortlisting": 10})
    tc = documents.generate_time_commitment(f, round)
    documents.publish(f, tc.newest)
    db.session.commit()
    assert actions(round)[start:] == ["document.created", "document.revised", "document.published",
                                      "stage_estimates.set", "document.created", "document.published"]
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.round_id == round.id,
                                                          AuditEntry.seq > 0).order_by(AuditEntry.seq)).all()
    for entry in entries[start:]:
        assert "Margaret" not in entry.details and "@" not in entry.details and "Pack" not in entry.details
        assert entry.actor_id == f.id
    revised = json.loads(entries[start + 1].details)
    assert revised["version"] == {"before": document.versions[0].id, "after": document.versions[1].id}
    assert json.loads(entries[start + 3].details)["hours"] == {"before": {}, "after": {"shortlisting": 10}}
    assert audit.verify().ok
