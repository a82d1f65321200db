"""Feedback letters, through the pages: a letter drafted for every applicant from what happened
(funded, part funded, not funded, not shortlisted, not eligible), told in the criteria's own
words; the facilitator's changes kept as versions; the plain-English gate; who may approve;
applicants seeing nothing of the outcome until their letter is published; and the round
closing only when everyone has been told."""
import html
import json
import re

import pytest
from sqlalchemy import select

from commission.applications import eligibility
from commission.audit import service as audit
from commission.audit.models import AuditEntry
from commission.decisions import policy as decision_policy
from commission.decisions import reopen
from commission.errors import NotAllowed
from commission.extensions import db
from commission.letters import policy, service as letters
from commission.letters.models import Letter, LetterSettings, LetterVersion
from commission.panels.models import ConflictDeclaration
from commission.rounds import service as rounds

RULE = "Your group must work in Kent."
NOT_MET = "Your group works in Essex."
JARGON = ("Dear applicant,\n\nWe will utilise a robust framework to leverage stakeholder engagement across the "
          "whole of the programme, and we will ensure that all deliverables are operationalised in a timely "
          "manner going forward.\n")
PLAIN = "Dear applicant,\n\nThank you for applying. The panel has decided. We are glad to fund your project.\n"
OUTCOMES = ("funded", "part_funded", "not_funded", "not_shortlisted", "ineligible")


def said(response) -> str:
    return html.unescape(response.text)


def mixed_round(world, *, panels=1, approver=None):
    """A decided round with one application of each kind: funded, part funded, not funded, not
    on the shortlist and not eligible. Returns the round and {status: application}."""
    round = world.round(panels=panels, applications_count=5, budget_pence=60_000_00)
    f = round.facilitator
    if approver:
        letters.set_approver(f, round, approver)
    eligibility.set_eligibility_rules(f, round, [RULE])
    db.session.commit()
    world.advance(round, "eligibility")
    applications = world.applications(round)
    for application in applications[:4]:
        eligibility.record_eligibility(f, application, True)
    eligibility.record_eligibility(f, applications[4], False, NOT_MET)
    rounds.take_step(f, round, "start_shortlisting")
    db.session.commit()
    world.advance(round, "deciding")
    shortlisted = [a for a in applications if a.status == "shortlisted"]
    assert len(shortlisted) == 3  # four ask for £100,000; the shortlist fits £90,000
    plan = dict(zip([a.id for a in shortlisted], [("fund", None), ("part_fund", 4_000_00), ("not_fund", None)]))
    world.decide_all(round, choose=lambda application: plan[application.id])
    db.session.commit()
    world.advance(round, "decided")
    return round, {a.status: a for a in world.applications(round)}


def draft(post, round):
    return post(f"/rounds/{round.id}/letters/draft", follow_redirects=True)


def letter_of(application) -> Letter:
    db.session.expire_all()
    return db.session.scalar(select(Letter).where(Letter.application_id == application.id))


def approve(post, round, letter, version=None):
    version = version or letter.newest
    return post(f"/rounds/{round.id}/letters/{letter.id}/approve", {"version_id": version.id}, follow_redirects=True)


def actions(round, action) -> list[dict]:
    return [json.loads(d) for d in db.session.scalars(select(AuditEntry.details).where(
        AuditEntry.round_id == round.id, AuditEntry.action == action).order_by(AuditEntry.seq))]


@pytest.fixture
def mixed(world):
    return mixed_round(world)


def test_every_applicant_gets_a_draft_from_what_happened_told_in_the_criteria_own_words(client, world, login, post,
                                                                                       mixed):
    round, by_status = mixed
    assert set(by_status) == set(OUTCOMES)
    login(round.facilitator)
    page = draft(post, round)
    assert "5 letters are drafted." in said(page)
    texts = {status: said(client.get(f"/rounds/{round.id}/letters/{letter_of(a).id}"))
             for status, a in by_status.items()}
    assert "decided to fund your project in full. You will get £10,000." in texts["funded"]
    assert "decided to fund part of your project." in texts["part_funded"]
    assert "You will get £4,000 of the £20,000 you asked for." in texts["part_funded"]
    assert "Part of the work." in texts["part_funded"]  # what the part award pays for
    assert "The panel has decided not to fund your project this time." in texts["not_funded"]
    for status in ("funded", "part_funded", "not_funded"):
        assert "It reaches people who are alone, as our criteria ask." in texts[status]  # the panel's reason
        assert "This is about ‘Reaches people who are alone’." in texts[status]
    assert "Your project was not chosen for the shortlist." in texts["not_shortlisted"]
    assert "So the panel did not invite you to an interview." in texts["not_shortlisted"]
    assert "does not meet the published rules" in texts["ineligible"]
    assert f"{RULE} {NOT_MET}" in texts["ineligible"]
    assert "Nobody judged how good your project is." in texts["ineligible"]
    # Criterion results in the criteria's own words, never a bare average.
    for status in ("funded", "part_funded", "not_funded", "not_shortlisted"):
        preview = texts[status].split('app-document-preview">')[1].split("</div>")[0]
        lines = [line for line in re.split(r"<li>|</li>", preview) if "average" in line]
        assert len(lines) == 2, status
        for line in lines:
            assert re.search(r"(Reaches people who are alone|Led by older people): closest to ‘Point \d on the "
                             r"scale’\. The average score was \d\.\d out of 4\.", line), line
    assert "average" not in texts["ineligible"] and "closest to" not in texts["ineligible"]
    # Each draft passes the plain-English check as it is.
    assert all("This passes the plain-English check." in text for text in texts.values())
    drafted = actions(round, "letter.drafted")
    assert sorted(e["status"] for e in drafted) == sorted(OUTCOMES)
    assert all(e["check_passed"] for e in drafted)
    # Nothing new to draft the second time.
    assert "Nothing new was drafted." in said(draft(post, round))
    assert len(actions(round, "letter.drafted")) == 5


def test_letters_are_drafted_only_once_the_decisions_are_confirmed(client, world, login, post):
    round = world.round()
    world.advance(round, "deciding")
    world.decide_all(round)
    db.session.commit()
    login(round.facilitator)
    assert "Letters are written once the panel has confirmed its decisions." in said(
        client.get(f"/rounds/{round.id}/letters"))
    page = draft(post, round)
    assert "Letters are written once the panel has confirmed its decisions." in said(page)
    assert db.session.scalar(select(Letter.id)) is None


def test_the_facilitator_changes_a_letter_every_version_is_kept_and_a_change_needs_approval_again(
        client, world, login, post, mixed):
    round, by_status = mixed
    funded = by_status["funded"]
    login(round.facilitator)
    draft(post, round)
    letter = letter_of(funded)
    url = f"/rounds/{round.id}/letters/{letter.id}"
    same = post(f"{url}/versions", {"markdown": letter.newest.markdown})
    assert same.status_code == 400 and "This is the same as version 1" in said(same)
    empty = post(f"{url}/versions", {"markdown": "  "})
    assert empty.status_code == 400 and "Write the letter before saving it." in said(empty)
    page = post(f"{url}/versions", {"markdown": PLAIN}, follow_redirects=True)
    assert "Version 2 is saved. It passes the plain-English check, so it can be approved." in said(page)
    login(round.members[0])
    assert "Version 2 is approved and published." in said(approve(post, round, letter_of(funded)))
    login(round.facilitator)
    post(f"{url}/versions", {"markdown": PLAIN + "\nWe will write again soon.\n"})
    letter = letter_of(funded)
    assert [v.number for v in letter.versions] == [1, 2, 3]
    assert letter.versions[0].drafted and not letter.versions[1].drafted
    assert letter.versions[0].markdown.startswith(f"Dear {funded.contact_name},")
    assert letter.versions[1].markdown == PLAIN and letter.published.number == 2
    # The applicant goes on reading version 2 until version 3 is approved.
    login(world_user(funded))
    reading = said(client.get(f"/applications/{funded.id}/letter"))
    assert "We are glad to fund your project." in reading and "We will write again soon." not in reading
    login(round.members[0])
    approve(post, round, letter)
    login(world_user(funded))
    assert "We will write again soon." in said(client.get(f"/applications/{funded.id}/letter"))
    revised = actions(round, "letter.revised")
    assert [e["number"] for e in revised] == [2, 3]
    assert [e["needs_approval_again"] for e in revised] == [False, True]
    assert [e["number"] for e in actions(round, "letter.approved")] == [2, 3]
    assert audit.verify().ok


def world_user(application):
    from commission.accounts.models import User

    return db.session.get(User, application.applicant_id)


def test_a_letter_must_pass_the_plain_english_check_before_it_is_approved(client, world, login, post, mixed):
    round, by_status = mixed
    application = by_status["not_funded"]
    login(round.facilitator)
    draft(post, round)
    letter = letter_of(application)
    page = post(f"/rounds/{round.id}/letters/{letter.id}/versions", {"markdown": JARGON}, follow_redirects=True)
    text = said(page)
    assert "It does not pass the plain-English check yet" in text
    assert 'Instead of "utilise", write "use".' in text
    login(round.members[0])
    page = said(client.get(f"/rounds/{round.id}/letters/{letter.id}"))
    assert "does not pass the plain-English check yet, so it cannot be approved" in page
    assert "Approve and publish" not in page
    refused = approve(post, round, letter_of(application))
    assert "does not pass the plain-English check yet, so it cannot be approved" in said(refused)
    assert letter_of(application).published is None
    assert actions(round, "letter.approved") == []


def test_the_panel_approves_and_staff_or_the_funder_cannot_when_the_round_says_panel(client, world, login, post):
    round, by_status = mixed_round(world, panels=2)
    login(round.facilitator)
    draft(post, round)
    letter = letter_of(by_status["funded"])
    other_panel = round.members[3]
    linked = round.members[1]
    db.session.add(ConflictDeclaration(application_id=by_status["funded"].id, member_id=linked.id, level="involved"))
    db.session.commit()
    for who in (round.facilitator, round.funder):
        login(who)
        assert "Approve and publish" not in said(client.get(f"/rounds/{round.id}/letters/{letter.id}"))
        assert approve(post, round, letter).status_code == 403
    # A member of another panel, or one a link keeps out, does not even see the letter.
    for who in (other_panel, linked):
        login(who)
        assert client.get(f"/rounds/{round.id}/letters/{letter.id}").status_code == 404
        assert approve(post, round, letter).status_code == 404
        assert by_status["funded"].organisation not in said(client.get(f"/rounds/{round.id}/letters"))
    assert letter_of(by_status["funded"]).published is None
    for who in (other_panel, linked):  # and the service says no whatever the page does
        with pytest.raises(NotAllowed):
            letters.approve(who, letter_of(by_status["funded"]).newest)
    db.session.rollback()
    login(round.members[0])
    assert "Approve and publish version 1" in said(client.get(f"/rounds/{round.id}/letters/{letter.id}"))
    assert "is approved and published" in said(approve(post, round, letter))
    again = approve(post, round, letter_of(by_status["funded"]))
    assert "Version 1 is already approved, so the applicant can read it." in said(again)
    assert [e["approver"] for e in actions(round, "letter.approved")] == ["panel"]


def test_when_the_round_says_so_a_facilitator_approves_for_the_panel(client, world, login, post):
    round, by_status = mixed_round(world, approver="facilitator")
    assert [e["approver"] for e in actions(round, "letter_settings.changed")] == [{"before": "panel",
                                                                                   "after": "facilitator"}]
    login(round.facilitator)
    draft(post, round)
    letter = letter_of(by_status["ineligible"])
    login(round.members[0])
    assert approve(post, round, letter).status_code == 403
    login(round.funder)
    assert approve(post, round, letter).status_code == 403
    login(round.facilitator)
    assert "is approved and published" in said(approve(post, round, letter))
    assert letter_of(by_status["ineligible"]).published.approved_by_id == round.facilitator.id


def test_who_approves_is_set_before_shortlisting_by_a_facilitator_only(client, world, login, post):
    round = world.round()
    login(round.members[0])
    assert post(f"/rounds/{round.id}/letters/settings", {"approver": "facilitator"}).status_code == 403
    login(round.facilitator)
    wrong = post(f"/rounds/{round.id}/letters/settings", {"approver": "anyone"})
    assert wrong.status_code == 400 and "Choose who approves the letters." in said(wrong)
    page = post(f"/rounds/{round.id}/letters/settings", {"approver": "facilitator"}, follow_redirects=True)
    assert "A facilitator of the round, for the panel approves the letters." in said(page)
    assert db.session.get(LetterSettings, round.id).approver == "facilitator"
    world.advance(round, "shortlisting")
    page = post(f"/rounds/{round.id}/letters/settings", {"approver": "panel"}, follow_redirects=True)
    assert "Who approves the letters can only change before shortlisting starts." in said(page)
    db.session.expire_all()
    assert db.session.get(LetterSettings, round.id).approver == "facilitator"


OUTCOME_WORDS = ("Funded", "Part funded", "Not funded", "fund your project", "not to fund")


def test_applicants_see_nothing_of_the_outcome_until_their_letter_is_published(client, world, login, post, mixed):
    round, by_status = mixed
    login(round.facilitator)
    draft(post, round)
    pages = ("/", "/applications", "/applications/{id}", "/applications/{id}/result", "/applications/{id}/letter")
    for status in ("funded", "part_funded", "not_funded"):
        application = by_status[status]
        login(world_user(application))
        for path in pages:
            page = said(client.get(path.format(id=application.id)))
            assert not any(words in page for words in OUTCOME_WORDS), (status, path)
        assert "The panel is still deciding" in said(client.get(f"/applications/{application.id}"))
        assert "Your letter is not ready yet." in said(client.get(f"/applications/{application.id}/letter"))
    # Another applicant never reads someone else's letter, published or not.
    login(round.members[0])
    for application in by_status.values():
        approve(post, round, letter_of(application))
    login(world_user(by_status["funded"]))
    assert client.get(f"/applications/{by_status['not_funded'].id}/letter").status_code == 404
    for status, words in (("funded", "fund your project in full"), ("part_funded", "fund part of your project"),
                          ("not_funded", "not to fund your project"), ("ineligible", RULE),
                          ("not_shortlisted", "not chosen for the shortlist")):
        application = by_status[status]
        login(world_user(application))
        home = said(client.get("/"))
        assert "Read your feedback letter" in home
        letter = said(client.get(f"/applications/{application.id}/letter"))
        assert words in letter and "Sign out" in letter
        assert "app-no-print" in letter  # the print stylesheet leaves the links and hints out
    login(world_user(by_status["funded"]))
    assert "Funded" in said(client.get(f"/applications/{by_status['funded'].id}"))


def test_applicants_see_nothing_while_the_panel_is_deciding(client, world, login):
    round = world.round()
    world.advance(round, "deciding")
    world.decide_all(round)
    db.session.commit()
    application = world.applications(round)[0]
    assert application.status == "funded"
    login(world_user(application))
    for path in ("/", "/applications", f"/applications/{application.id}", f"/applications/{application.id}/result"):
        page = said(client.get(path))
        assert "Funded" not in page and "the panel is still deciding" in page.lower(), path


def test_the_round_closes_only_when_every_applicant_has_a_published_letter(client, world, login, post, mixed):
    round, by_status = mixed
    login(round.facilitator)
    refused = post(f"/rounds/{round.id}/steps/close_round", follow_redirects=True)
    assert "5 applicants have not had their result yet." in said(refused)
    draft(post, round)
    login(round.members[0])
    for application in list(by_status.values())[:4]:
        approve(post, round, letter_of(application))
    login(round.facilitator)
    refused = post(f"/rounds/{round.id}/steps/close_round", follow_redirects=True)
    assert "1 applicant has not had their result yet." in said(refused)
    db.session.refresh(round)
    assert round.stage == "decided"
    login(round.members[0])
    approve(post, round, letter_of(list(by_status.values())[4]))
    login(round.facilitator)
    assert "Every group has a published letter." in said(client.get(f"/rounds/{round.id}/letters"))
    post(f"/rounds/{round.id}/steps/close_round")
    db.session.refresh(round)
    assert round.stage == "closed"
    # Closed: the letters stay as they are.
    letter = letter_of(by_status["funded"])
    page = post(f"/rounds/{round.id}/letters/{letter.id}/versions", {"markdown": PLAIN}, follow_redirects=True)
    assert "The round is closed, so its letters cannot change." in said(page)
    assert audit.verify().ok


def test_a_reopened_decision_makes_its_letter_out_of_date_until_a_new_one_is_approved(client, world, login, post,
                                                                                     mixed):
    round, by_status = mixed
    world.prepare(round)  # every letter drafted and published
    funded = by_status["funded"]
    assert policy.untold(round) == 0
    decision = decision_policy.current(funded.id)
    motion = reopen.propose_reopen(round.members[0], round, [decision.id], "The group sent new costs.")
    for member in round.members[:2]:
        if motion.status == "open":
            reopen.vote_reopen(member, round, motion, "yes")
    db.session.commit()
    assert policy.untold(round) == 1
    login(world_user(funded))
    assert "The panel is looking at its decision again." in said(client.get(f"/applications/{funded.id}/letter"))
    world.decide_all(round, choose=lambda application: ("not_fund", None))
    reopen.confirm(round.members[0], round)
    db.session.commit()
    assert policy.untold(round) == 1
    login(world_user(funded))
    page = said(client.get(f"/applications/{funded.id}"))
    assert "Not funded" not in page and "The panel is still deciding" in page
    login(round.facilitator)
    listing = said(client.get(f"/rounds/{round.id}/letters"))
    assert "Out of date: the panel's decision has changed." in listing
    login(round.members[0])
    old = letter_of(funded)
    page = said(client.get(f"/rounds/{round.id}/letters/{old.id}"))
    assert "The panel’s decision has changed since this letter was written." in page
    assert "The panel's decision has changed since this letter was written." in said(approve(post, round, old))
    login(round.facilitator)
    assert "1 letter is drafted." in said(draft(post, round))
    letter = letter_of(funded)
    assert "The panel has decided not to fund your project this time." in letter.newest.markdown
    login(round.members[0])
    approve(post, round, letter)
    assert policy.untold(round) == 0
    login(world_user(funded))
    assert "Not funded" in said(client.get(f"/applications/{funded.id}"))


def test_members_see_their_panels_letters_and_the_funder_reads_them_all(client, world, login, post, mixed):
    round, by_status = mixed
    login(round.facilitator)
    draft(post, round)
    login(round.funder)
    listing = said(client.get(f"/rounds/{round.id}/letters"))
    assert all(a.organisation in listing for a in by_status.values())
    letter = letter_of(by_status["funded"])
    assert "Change the letter" not in said(client.get(f"/rounds/{round.id}/letters/{letter.id}"))
    assert post(f"/rounds/{round.id}/letters/{letter.id}/versions", {"markdown": PLAIN}).status_code == 403
    assert post(f"/rounds/{round.id}/letters/draft").status_code == 403
    applicant = world_user(by_status["funded"])
    login(applicant)
    assert client.get(f"/rounds/{round.id}/letters").status_code == 404
    assert client.get(f"/rounds/{round.id}/letters/{letter.id}").status_code == 404
    assert db.session.scalar(select(LetterVersion.approved_at).where(LetterVersion.letter_id == letter.id)) is None


def test_a_letter_when_a_second_panel_withheld_its_key_says_each_panel_position_and_reads_plainly():
    from commission.letters import draft as drafting
    from commission.plain_english import check

    facts = drafting.LetterFacts(
        contact_name="Sam Jones", title="Lunch club", round_name="Spring round", programme_name="Older People Fund",
        status="not_funded", requested_pence=12_000_00, interviews=True, reason="They reach people who are alone.",
        reason_about=("Reaches people who are alone",), second_key_withheld=True,
        positions=(("Main panel", "agreed"), ("Lived experience panel", "did not agree")))
    text = drafting.markdown(facts)
    assert "two panels must both agree" in text
    assert "- Main panel: agreed." in text and "- Lived experience panel: did not agree." in text
    assert check(text).passed, check(text).problems
