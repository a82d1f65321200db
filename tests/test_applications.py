"""Applicant organisations register, read the call, write, save, change, send in and withdraw
their applications, with files where the round takes them, through the pages they use."""
import html
import io
import json
import struct
import zipfile
import zlib
from datetime import timedelta

import pytest
from hypothesis import given, strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from commission import clock
from commission.accounts.models import User
from commission.applications import eligibility, questions as form_setup, service
from commission.applications.files import identify, sniff
from commission.applications.models import (ApplicantOrganisation, Answer, Application, Attachment, Question)
from commission.applications.words import count_words, word_limit_problem
from commission.audit import service as audit
from commission.audit.models import AuditEntry
from commission.errors import FieldProblem, NotAllowed, RuleBroken
from commission.extensions import db
from tests.conftest import csrf_token

MB = 1024 * 1024
PASSWORD = "three green apples"
DETAILS = {"organisation": "Hulme Lunch Club", "contact_name": "Sam Okoro", "title": "Friday lunches",
           "summary": "We cook a hot lunch every Friday for older people who live alone.",
           "amount": "£12,500", "timescale": "12"}


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def entries(action):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def open_round(world, *, attachments=False, max_mb=1, summary_words=150, answer_words=300, rules=()):
    """A round open for applications, with a question for each adopted criterion."""
    round = world.round()
    if rules:
        eligibility.set_eligibility_rules(round.facilitator, round, list(rules))
        db.session.commit()
    world.advance(round, "open")
    form_setup.change_settings(round.facilitator, round, allow_attachments=attachments,
                               max_attachment_bytes=max_mb * MB, summary_word_limit=summary_words,
                               answer_word_limit=answer_words)
    db.session.commit()
    return round


def draft(round, applicant, **changes):
    values = {"organisation": "Ancoats Friends", "contact_name": applicant.name, "title": "Walking group",
              "summary": "Weekly walks for older people.", "amount_requested_pence": 5_000_00,
              "timescale_months": 6, **changes}
    application = service.create(applicant, round, **values)
    db.session.commit()
    return application


def answer_all(application, text="We meet people where they are."):
    service.update_draft(db.session.get(User, application.applicant_id), application,
                         answers={q.id: text for q in form_setup.questions_for(application.round)})
    db.session.commit()


def form_for(application, **changes):
    """What the application page's form sends, with its current answers."""
    data = {"organisation": application.organisation, "contact_name": application.contact_name,
            "title": application.title, "summary": application.summary,
            "amount": str(application.amount_requested_pence // 100), "timescale": str(application.timescale_months)}
    data.update({f"answer_{q.id}": application.answer_to(q.id) for q in form_setup.questions_for(application.round)})
    data.update(changes)
    return data


def tiny_png() -> bytes:
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
PNG = tiny_png()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def docx(with_document=True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if with_document:
            archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


# --- Registering -------------------------------------------------------------------------

def test_an_organisation_registers_applies_saves_edits_and_sends_in(client, world, post):
    round = open_round(world)
    first, second = form_setup.questions_for(round)
    assert client.get("/register").status_code == 200
    response = post("/register", {"name": "Sam Okoro", "email": "Sam@Example.org", "organisation": "Hulme Lunch Club",
                                  "password": PASSWORD, "password_again": PASSWORD}, token_from="/register")
    assert response.status_code == 303 and response.location.endswith("/applications")
    sam = db.session.scalar(select(User).where(User.email == "sam@example.org"))
    assert sam.role == "applicant"
    assert db.session.get(ApplicantOrganisation, sam.id).name == "Hulme Lunch Club"
    registered = entries("account.registered")[-1]
    assert registered.actor_id == sam.id and registered.object_id == sam.id
    assert "Sam" not in registered.details and "example.org" not in registered.details

    listing = client.get("/applications")
    assert round.name in listing.text and f"/rounds/{round.id}/apply" in listing.text
    call = client.get(f"/rounds/{round.id}/apply")
    assert call.status_code == 200
    assert first.text in html.unescape(call.text) and "(up to 300 words)" in call.text
    assert 'value="Hulme Lunch Club"' in call.text  # the organisation they registered with
    started = post(f"/rounds/{round.id}/apply", DETAILS, token_from=f"/rounds/{round.id}/apply")
    assert started.status_code == 303, started.text
    application = db.session.scalar(select(Application).where(Application.applicant_id == sam.id))
    assert started.location.endswith(f"/applications/{application.id}")
    assert application.status == "draft" and application.amount_requested_pence == 12_500_00

    page = client.get(f"/applications/{application.id}")
    assert "Question 1: " + first.text in html.unescape(page.text) and "Up to 300 words." in page.text
    saved = post(f"/applications/{application.id}",
                 {**DETAILS, f"answer_{first.id}": "We find people through their GP.", "action": "save"})
    assert saved.status_code == 303
    db.session.refresh(application)
    assert application.answer_to(first.id) == "We find people through their GP."
    assert application.status == "draft"

    edited = post(f"/applications/{application.id}",
                  {**DETAILS, "title": "Friday lunch club", f"answer_{first.id}": "We find people through their GP.",
                   "action": "save"})
    assert edited.status_code == 303
    update = entries("application.updated")[-1]
    assert json.loads(update.details)["changes"] == {"title": {"before": "Friday lunches",
                                                              "after": "Friday lunch club"}}

    sent = post(f"/applications/{application.id}",
                {**DETAILS, "title": "Friday lunch club", f"answer_{first.id}": "We find people through their GP.",
                 f"answer_{second.id}": "Older members run the kitchen.", "action": "send"})
    assert sent.status_code == 303
    db.session.refresh(application)
    assert application.status == "submitted" and application.submitted_at is not None
    assert "Your application is sent in." in client.get(f"/applications/{application.id}").text

    # Changing it before the closing date keeps it sent in; the audit says what changed, not the words.
    post(f"/applications/{application.id}", form_for(application, amount="13000", summary="A hot lunch on Fridays."))
    db.session.refresh(application)
    assert application.status == "submitted" and application.amount_requested_pence == 13_000_00
    changes = json.loads(entries("application.updated")[-1].details)["changes"]
    assert changes["amount_requested_pence"] == {"before": 12_500_00, "after": 13_000_00}
    assert changes["summary"] == {"words": {"before": 13, "after": 5}}
    assert "hot lunch" not in entries("application.updated")[-1].details
    assert [e.action for e in entries("application.submitted")] == ["application.submitted"]
    assert audit.verify().ok


def test_registration_problems_are_shown_beside_each_box_and_nothing_is_made(client, world, post):
    db.session.commit()
    before = count(User)
    response = post("/register", {"name": "", "email": "not an email", "organisation": "", "password": "short",
                                  "password_again": "short"}, token_from="/register")
    assert response.status_code == 400
    for message in ("Enter your name.", "Enter an email address in the right form",
                    "Enter the name of your organisation.", "The password must be at least 10 characters long."):
        assert message in response.text
    assert 'href="#email"' in response.text  # the error summary links to the box
    mismatch = post("/register", {"name": "Sam", "email": "sam@example.org", "organisation": "Club",
                                  "password": PASSWORD, "password_again": PASSWORD + "x"}, token_from="/register")
    assert "The two passwords are not the same." in mismatch.text
    taken = post("/register", {"name": "Sam", "email": world.admin.email, "organisation": "Club",
                               "password": PASSWORD, "password_again": PASSWORD}, token_from="/register")
    assert "There is already an account for this email address." in taken.text
    assert count(User) == before


def test_registering_needs_the_form_from_this_site_and_is_rate_limited(app, client, post):
    refused = client.post("/register", data={"name": "Sam", "email": "sam@example.org", "organisation": "Club",
                                             "password": PASSWORD, "password_again": PASSWORD})
    assert refused.status_code == 400 and "This form has expired" in refused.text
    app.config["REGISTER_RATE_LIMIT"] = "2 per hour"
    for n in range(2):
        post("/register", {"name": "", "email": f"x{n}@example.org"}, token_from="/register")
    blocked = post("/register", {"name": "Sam", "email": "sam@example.org", "organisation": "Club",
                                 "password": PASSWORD, "password_again": PASSWORD}, token_from="/register")
    assert blocked.status_code == 429
    assert "Too many accounts have been made from here" in blocked.text
    assert db.session.scalar(select(User).where(User.email == "sam@example.org")) is None


# --- Word limits -------------------------------------------------------------------------

def test_word_limits_quote_the_limit_and_the_count_and_save_nothing(client, world, login, post):
    round = open_round(world, summary_words=10, answer_words=5)
    question = form_setup.questions_for(round)[0]
    application = draft(round, round.applicants[0])
    login(round.applicants[0])
    before = count(AuditEntry)
    response = post(f"/applications/{application.id}",
                    form_for(application, summary="one two three four five six seven eight nine ten eleven",
                             title="A new title", **{f"answer_{question.id}": "a b c d e f g"}))
    assert response.status_code == 400
    assert "Your summary has 11 words. It can have up to 10 words, so take out at least 1 word." in response.text
    assert (f"Your answer to question 1 has 7 words. It can have up to 5 words, so take out at least 2 words."
            in response.text)
    assert 'href="#summary"' in response.text and f'href="#answer_{question.id}"' in response.text
    assert "eleven" in response.text  # what they typed is still there to shorten
    db.session.refresh(application)
    assert application.title == "Walking group" and application.answers == []
    assert count(AuditEntry) == before


@given(st.lists(st.text(alphabet=st.characters(exclude_categories=("Zs", "Zl", "Zp", "Cc", "Cs")),
                        min_size=1, max_size=8), max_size=60),
       st.sampled_from([" ", "\n", "  ", "\t", "\u00a0", " \r\n "]), st.integers(min_value=1, max_value=80))
def test_a_text_of_exactly_the_limit_passes_and_one_more_word_fails(words, gap, limit):
    words = [w for w in words if w.split() == [w]]
    text = gap.join(words)
    assert count_words(text) == len(words)
    exactly = gap.join((words * (limit // max(len(words), 1) + 1))[:limit]) if words else " ".join(["word"] * limit)
    assert word_limit_problem("Your answer", exactly, limit) is None
    one_more = exactly + gap + "more"
    problem = word_limit_problem("Your answer", one_more, limit)
    assert problem is not None and f"{limit + 1} words" in problem and f"up to {limit} word" in problem


@given(st.text())
def test_counting_words_never_fails(text):
    assert count_words(text) >= 0
    word_limit_problem("Your answer", text, 1)


# --- Sending in ------------------------------------------------------------------------

def test_an_application_with_a_question_unanswered_cannot_be_sent_in(client, world, login, post):
    round = open_round(world)
    first, second = form_setup.questions_for(round)
    application = draft(round, round.applicants[0])
    login(round.applicants[0])
    response = post(f"/applications/{application.id}",
                    form_for(application, **{f"answer_{first.id}": "We ask at the GP surgery."}, action="send"))
    assert response.status_code == 400
    assert "Answer question 2 before you send in your application." in response.text
    assert "Your changes are saved, but your application has not been sent in yet." in response.text
    db.session.refresh(application)
    assert application.status == "draft"
    assert application.answer_to(first.id) == "We ask at the GP surgery."  # what they wrote is kept
    direct = post(f"/applications/{application.id}/submit")
    assert direct.status_code == 400 and "Answer question 2" in direct.text
    db.session.refresh(application)
    assert application.status == "draft" and not entries("application.submitted")
    with pytest.raises(FieldProblem) as refused:
        service.submit(round.applicants[0], application)
    assert list(refused.value.fields) == [f"answer_{second.id}"]


def test_nothing_changes_after_the_closing_date(client, world, login, post):
    round = open_round(world)
    application = draft(round, round.applicants[0])
    answer_all(application)
    service.submit(round.applicants[0], application)
    db.session.commit()
    login(round.applicants[0])
    clock.advance(timedelta(days=15))
    before = count(AuditEntry)
    response = post(f"/applications/{application.id}", form_for(application, title="Too late"),
                    follow_redirects=True)
    assert "The closing date for this round has passed." in response.text
    db.session.refresh(application)
    assert application.title == "Walking group"
    page = client.get(f"/applications/{application.id}")
    assert "Save your changes" not in page.text and "Walking group" in page.text
    assert client.get(f"/rounds/{round.id}/apply").status_code == 404
    with pytest.raises(RuleBroken, match="closing date"):
        service.update_draft(round.applicants[0], application, title="Too late")
    assert count(AuditEntry) == before


def test_an_applicant_withdraws_before_the_decision(client, world, login, post):
    round = open_round(world)
    application = draft(round, round.applicants[0])
    answer_all(application)
    service.submit(round.applicants[0], application)
    db.session.commit()
    login(round.applicants[0])
    response = post(f"/applications/{application.id}/withdraw", {"reason": "Our hall has closed."},
                    follow_redirects=True)
    assert "You have withdrawn your application." in response.text
    db.session.refresh(application)
    assert application.status == "withdrawn" and application.withdrawal_reason == "Our hall has closed."
    entry = entries("application.withdrawn")[-1]
    assert json.loads(entry.details)["status"] == {"before": "submitted", "after": "withdrawn"}
    again = post(f"/applications/{application.id}/withdraw", follow_redirects=True)
    assert "You have already withdrawn this application." in again.text
    edit = post(f"/applications/{application.id}", form_for(application, title="Back again"), follow_redirects=True)
    assert "You have withdrawn this application, so it cannot be changed." in edit.text
    # They may start again before the closing date.
    assert draft(round, round.applicants[0]).id != application.id


def test_an_application_cannot_be_withdrawn_once_the_panel_is_deciding(world):
    round = world.round()
    world.advance(round, "deciding")
    application = next(a for a in world.applications(round) if a.status == "shortlisted")
    with pytest.raises(RuleBroken, match="The panel is making its decisions"):
        service.withdraw(round.applicants[0], application)


def test_only_one_application_per_organisation_per_round_and_only_applicants_apply(world):
    round = open_round(world)
    draft(round, round.applicants[0])
    with pytest.raises(RuleBroken, match="already started an application"):
        draft(round, round.applicants[0])
    with pytest.raises(NotAllowed):
        draft(round, round.members[0])


# --- Who sees what ---------------------------------------------------------------------

def test_another_applicant_cannot_read_change_or_download(client, world, login, post):
    round = open_round(world, attachments=True)
    mine = draft(round, round.applicants[0])
    attachment = service.add_attachment(round.applicants[0], mine, "plan.pdf", PDF)
    db.session.commit()
    login(round.applicants[1])
    for url in (f"/applications/{mine.id}", f"/applications/{mine.id}/result",
                f"/applications/{mine.id}/attachments/{attachment.id}"):
        assert client.get(url).status_code == 404, url
    token_page = "/applications"
    for url in (f"/applications/{mine.id}", f"/applications/{mine.id}/withdraw", f"/applications/{mine.id}/submit",
                f"/applications/{mine.id}/attachments"):
        assert post(url, form_for(mine, title="Mine now"), token_from=token_page).status_code == 404, url
    db.session.refresh(mine)
    assert mine.title == "Walking group" and mine.status == "draft"
    with pytest.raises(NotAllowed):
        service.update_draft(round.applicants[1], mine, title="Mine now")
    # The facilitator does not see a draft; a panel member never sees it here.
    login(round.facilitator)
    assert client.get(f"/applications/{mine.id}").status_code == 404
    login(round.members[0])
    assert client.get(f"/applications/{mine.id}").status_code == 404
    assert client.get(f"/rounds/{round.id}/apply").status_code == 403


def test_the_facilitator_reads_and_downloads_a_sent_application_but_cannot_change_it(client, world, login, post):
    round = open_round(world, attachments=True)
    application = draft(round, round.applicants[0])
    answer_all(application)
    attachment = service.add_attachment(round.applicants[0], application, "plan.pdf", PDF)
    service.submit(round.applicants[0], application)
    db.session.commit()
    login(round.facilitator)
    assert "Walking group" in client.get(f"/applications/{application.id}").text
    download = client.get(f"/applications/{application.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF
    assert post(f"/applications/{application.id}", form_for(application, title="Changed")).status_code == 403


# --- Files -----------------------------------------------------------------------------

def upload(client, application, content, name, declared="application/pdf"):
    # Encoded here in memory: the test client's own encoder leaves a temporary file open for big bodies.
    boundary, body = encode_multipart({
        "csrf_token": csrf_token(client, f"/applications/{application.id}"),
        "file": FileStorage(io.BytesIO(content), filename=name, content_type=declared)})
    return client.post(f"/applications/{application.id}/attachments", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_a_real_pdf_png_and_word_document_are_accepted_and_downloaded_safely(client, world, login, post):
    round = open_round(world, attachments=True)
    application = draft(round, round.applicants[0])
    login(round.applicants[0])
    for content, name, declared in ((PDF, "budget.pdf", "application/pdf"), (PNG, "photo.png", "image/png"),
                                    (docx(), "plan.docx", "application/octet-stream")):
        response = upload(client, application, content, name, declared)
        assert response.status_code == 303, response.text
    stored = list(db.session.scalars(select(Attachment).order_by(Attachment.id)))
    assert [(a.filename, a.content_type, a.size) for a in stored] == [
        ("budget.pdf", "application/pdf", len(PDF)), ("photo.png", "image/png", len(PNG)),
        ("plan.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", len(docx()))]
    download = client.get(f"/applications/{application.id}/attachments/{stored[1].id}")
    assert download.data == PNG and download.mimetype == "image/png"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    added = entries("application.attachment_added")
    assert len(added) == 3 and "photo" not in added[1].details
    removed = post(f"/applications/{application.id}/attachments/{stored[0].id}/remove",
                   token_from=f"/applications/{application.id}")
    assert removed.status_code == 303 and count(Attachment) == 2
    assert entries("application.attachment_removed")[-1].object_id == stored[0].id


@pytest.mark.parametrize("content, name, declared, message", [
    (b"%PDF-1.4\n" + b"0" * (1 * MB), "big.pdf", "application/pdf",
     "‘big.pdf’ is bigger than 1 MB, the largest file this round takes."),
    (EXE, "report.pdf", "application/pdf",
     "We cannot accept ‘report.pdf’. It is not a PDF, a Word document (.docx), or a PNG or JPEG picture"),
    (PNG, "report.pdf", "application/pdf", "‘report.pdf’ is called a PDF but it is really a PNG picture."),
    (docx(with_document=False), "plan.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "We cannot accept ‘plan.docx’."),
    (b"", "empty.pdf", "application/pdf", "‘empty.pdf’ is empty."),
])
def test_a_bad_file_is_refused_in_plain_english_and_nothing_is_stored(client, world, login, post, content, name,
                                                                       declared, message):
    round = open_round(world, attachments=True, max_mb=1)
    application = draft(round, round.applicants[0])
    login(round.applicants[0])
    before = count(AuditEntry)
    response = upload(client, application, content, name, declared)
    assert response.status_code == 400
    assert message in html.unescape(response.text)
    assert 'href="#file"' in response.text
    assert count(Attachment) == 0 and count(AuditEntry) == before


def test_a_file_is_refused_when_the_round_takes_none(client, world, login, post):
    round = open_round(world, attachments=False)
    application = draft(round, round.applicants[0])
    login(round.applicants[0])
    response = upload(client, application, PDF, "budget.pdf")
    assert response.status_code == 400 and "This round does not take files." in response.text
    assert count(Attachment) == 0


def test_a_request_over_the_site_limit_gets_a_plain_page(client, world, login, post):
    round = open_round(world, attachments=True)
    application = draft(round, round.applicants[0])
    login(round.applicants[0])
    response = upload(client, application, b"%PDF-1.4\n" + b"0" * (11 * MB), "huge.pdf")
    assert response.status_code == 413
    assert "That file is too big" in response.text and "Nothing was saved." in response.text
    assert count(Attachment) == 0


def test_file_types_come_from_the_bytes_not_the_name():
    assert sniff(PDF).name == "PDF" and sniff(PNG).name == "PNG picture"
    assert sniff(b"\xff\xd8\xff\xe0" + b"\x00" * 20).name == "JPEG picture"
    assert sniff(EXE) is None and sniff(b"PK\x03\x04 not really a zip") is None
    assert identify("photo.JPG", b"\xff\xd8\xff\xe0").content_type == "image/jpeg"
    with pytest.raises(RuleBroken, match="its name must end in .pdf"):
        identify("budget", PDF)


# --- The application form --------------------------------------------------------------

def test_the_facilitator_makes_one_plain_question_per_adopted_criterion(client, world, login, post):
    round = world.round()
    world.advance(round, "co_design")
    world.adopt_criteria(round)
    login(round.facilitator)
    page = client.get(f"/rounds/{round.id}/application-form")
    assert page.status_code == 200 and "There are no questions yet." in page.text
    response = post(f"/rounds/{round.id}/application-form/questions",
                    token_from=f"/rounds/{round.id}/application-form")
    assert response.status_code == 303
    made = form_setup.questions_for(round)
    assert [q.text for q in made] == [
        "How does your project meet this: Reaches people who are alone? What 'Reaches people who are alone' means.",
        "How does your project meet this: Led by older people? What 'Led by older people' means."]
    assert entries("application_form.questions_prepared")[-1].actor_id == round.facilitator.id
    again = post(f"/rounds/{round.id}/application-form/questions", follow_redirects=True,
                 token_from=f"/rounds/{round.id}/application-form")
    assert "The questions for the adopted criteria are ready." in again.text

    question = made[0]
    jargon = post(f"/rounds/{round.id}/application-form/questions/{question.id}",
                  {f"q{question.id}-text": "How will you leverage synergies to facilitate outcomes for stakeholders?",
                   f"q{question.id}-word_limit": "250"}, token_from=f"/rounds/{round.id}/application-form")
    assert jargon.status_code == 400 and "must be in plain English" in jargon.text
    reworded = post(f"/rounds/{round.id}/application-form/questions/{question.id}",
                    {f"q{question.id}-text": "How will you find older people who are on their own?",
                     f"q{question.id}-word_limit": "250"}, token_from=f"/rounds/{round.id}/application-form")
    assert reworded.status_code == 303
    db.session.refresh(question)
    assert question.text == "How will you find older people who are on their own?" and question.word_limit == 250
    assert json.loads(entries("application_form.question_reworded")[-1].details)["word_limit"] == {
        "before": 300, "after": 250}


def test_the_form_is_fixed_once_an_application_is_sent_in_and_only_facilitators_change_it(world):
    round = open_round(world)
    question = form_setup.questions_for(round)[0]
    with pytest.raises(NotAllowed):
        form_setup.reword_question(round.members[0], question, "How will you find people?")
    with pytest.raises(NotAllowed):
        form_setup.prepare_questions(round.applicants[0], round)
    application = draft(round, round.applicants[0])
    answer_all(application)
    service.submit(round.applicants[0], application)
    db.session.commit()
    with pytest.raises(RuleBroken, match="everyone must answer the same questions"):
        form_setup.reword_question(round.facilitator, question, "How will you find people?")
    with pytest.raises(RuleBroken, match="everyone must answer the same questions"):
        form_setup.change_settings(round.facilitator, round, allow_attachments=True, max_attachment_bytes=MB,
                                   summary_word_limit=100, answer_word_limit=100)


def test_applicant_pages_are_only_for_applicants(client, world, login):
    round = open_round(world)
    login(round.funder)
    assert client.get("/applications").status_code == 403
    assert client.get(f"/rounds/{round.id}/application-form").status_code == 403
    login(round.applicants[0])
    assert client.get(f"/rounds/{round.id}/application-form").status_code == 404
    assert client.get("/rounds/99999/apply").status_code == 404


def test_answers_to_questions_of_another_round_are_refused(world):
    round = open_round(world)
    other = open_round(world)
    application = draft(round, round.applicants[0])
    with pytest.raises(RuleBroken, match="does not ask"):
        service.update_draft(round.applicants[0], application,
                             answers={form_setup.questions_for(other)[0].id: "Sneaky"})
    assert count(Answer) == 0 and count(Question) == 4


def test_the_facilitator_sets_the_rules_and_settings_through_the_page(client, world, login, post):
    round = world.round()
    login(round.facilitator)
    url = f"/rounds/{round.id}/application-form"
    page = client.get(url)
    assert page.status_code == 200 and "There are no written rules yet." in page.text
    published = post(f"{url}/rules", {"rules": "Your group must be based in Greater Manchester.\n\n"
                                                "The money cannot pay back a loan you already have.\n"},
                     token_from=url)
    assert published.status_code == 303
    assert [r.text for r in eligibility.rules_for(round)] == ["Your group must be based in Greater Manchester.",
                                                             "The money cannot pay back a loan you already have."]
    bad = post(f"{url}/settings", {"allow_attachments": "y", "max_attachment_mb": "20", "summary_word_limit": "200",
                                   "answer_word_limit": "lots"}, token_from=url)
    assert bad.status_code == 400
    assert "Enter the word limit as a whole number, like 300." in bad.text
    too_big = post(f"{url}/settings", {"allow_attachments": "y", "max_attachment_mb": "20", "summary_word_limit": "200",
                                       "answer_word_limit": "250"}, token_from=url)
    assert too_big.status_code == 400 and "Files can be at most 9 MB each." in too_big.text
    saved = post(f"{url}/settings", {"allow_attachments": "y", "max_attachment_mb": "2", "summary_word_limit": "200",
                                     "answer_word_limit": "250"}, token_from=url)
    assert saved.status_code == 303
    settings = form_setup.settings_for(round)
    assert (settings.allow_attachments, settings.max_attachment_bytes, settings.summary_word_limit,
            settings.answer_word_limit) == (True, 2 * MB, 200, 250)
    changed = json.loads(entries("application_form.settings_changed")[-1].details)
    assert changed["allow_attachments"] == {"before": False, "after": True}
    login(round.members[0])
    assert post(f"{url}/settings", {"allow_attachments": "y", "max_attachment_mb": "1", "summary_word_limit": "1",
                                    "answer_word_limit": "1"}, token_from=f"/rounds/{round.id}").status_code == 403
    assert form_setup.settings_for(round).summary_word_limit == 200
