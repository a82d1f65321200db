"""Scoring offline: a member downloads their work as a spreadsheet, fills it in as a person
would (here with openpyxl) and uploads it. Through the HTTP routes, on a real database."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from commission.audit.models import AuditEntry
from commission.criteria import service as criteria
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.panels import service as panels
from commission.panels.models import PanelSettings
from commission.rounds import service as rounds
from commission.scores import policy, service
from commission.scores import workbook as wb
from commission.scores.models import ScoreRecord, ScoreSheet
from commission.shortlist import service as shortlist
from commission.spreadsheets import set_text
from tests.conftest import TEST_CONFIG, csrf_token

EXAMPLES = settings(max_examples=15, deadline=None,  suppress_health_check=[HealthCheck.function_scoped_fixture])
REASON = "I read it again after the meeting."


@pytest.fixture
def scoring(world):
    """Four members, three applications, two criteria: every member scores every application."""
    round = world.round(members_per_panel=4)
    world.ready_to_score(round)
    round.version = criteria.current_version(round)
    return round


@pytest.fixture
def member(scoring, login):
    return login(scoring.members[0])


def offline(round) -> str:
    return f"/rounds/{round.id}/scoring/offline"


def download(client, round) -> bytes:
    response = client.post(f"{offline(round)}/download", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 200, response.text
    assert response.mimetype == wb.CONTENT_TYPE
    return response.data


def upload(client, round, data: bytes, name: str = "my scores.xlsx"):
    # Encoded in memory: the test client would spool a big body to a temporary file it never closes.
    boundary, body = encode_multipart({"csrf_token": csrf_token(client, "/"),
                                       "workbook": FileStorage(io.BytesIO(data), filename=name)})
    return client.post(f"{offline(round)}/upload", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


class Book:
    """The downloaded file, opened in a spreadsheet program: find the rows, type in cells, save."""

    def __init__(self, data: bytes):
        self.book = openpyxl.load_workbook(io.BytesIO(data))
        self.sheet = self.book[wb.SCORES]
        self.tops: dict[str, int] = {}  # application title -> its first row
        self.rows: dict[tuple[str, str], int] = {}  # (title, criterion title) -> row
        row, title = wb.FIRST_ROW, None
        while self.sheet.cell(row, wb.CRITERION).value:
            if self.sheet.cell(row, wb.TITLE).value:
                title = self.sheet.cell(row, wb.TITLE).value
                self.tops[title] = row
            self.rows[(title, self.sheet.cell(row, wb.CRITERION).value.split(". ", 1)[1])] = row
            row += 1

    def type(self, row: int, column: int, value):
        cell = self.sheet.cell(row, column)
        if isinstance(value, str) and not value.startswith("="):
            set_text(cell, value)  # what a person types as words stays words
        else:
            cell.value = value  # a number, a date, or a formula typed with "="

    def words(self, row: int, column: int, text: str | None):
        """Typed as words, even if they begin with '=' (as a person does with a leading apostrophe)."""
        set_text(self.sheet.cell(row, column), text)

    def score(self, title: str, criterion: str, value):
        self.type(self.rows[(title, criterion)], wb.SCORE, value)

    def saved(self) -> bytes:
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()

    def texts(self) -> list[str]:
        return [str(c.value) for s in self.book.worksheets for line in s.iter_rows() for c in line
                if c.value is not None]


def work_of(member, round):
    return [a for a in panels.my_assignments(member, round)]


def stored(member, application) -> tuple[dict, str | None]:
    """What counts as the member's scores for the application now: sent in, else the draft."""
    db.session.expire_all()
    sheet = policy.sheet_for(member, application)
    if sheet is None:
        return {}, None
    if sheet.current is not None:
        return sheet.current.by_criterion, sheet.current.comment
    return sheet.draft, sheet.draft_comment


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def snapshot():
    """Everything an import could write."""
    db.session.expire_all()
    drafts = sorted((s.id, s.draft_json, s.draft_comment) for s in db.session.scalars(select(ScoreSheet)))
    return count(ScoreRecord), count(AuditEntry), drafts


def fill_everything(book: Book, round, applications, comment: str = "Good plan.") -> None:
    """Every criterion scored, a comment and 'Send in?' Yes: a file that imports cleanly."""
    for application in applications:
        for criterion in round.version.criteria:
            book.score(application.title, criterion.title, (application.id + criterion.position) % 5)
        book.type(book.tops[application.title], wb.COMMENT, comment)
        book.type(book.tops[application.title], wb.SEND_IN, "Yes")


# ---- the file ----------------------------------------------------------------------------------

def test_the_file_has_a_row_per_application_and_criterion_with_meanings_choices_and_locks(client, scoring, member):
    data = download(client, scoring)
    book = Book(data)
    mine = work_of(member, scoring)
    assert set(book.rows) == {(a.title, c.title) for a in mine for c in scoring.version.criteria}
    sheet = book.sheet
    for (title, criterion_title), row in book.rows.items():
        criterion = next(c for c in scoring.version.criteria if c.title == criterion_title)
        meaning = sheet.cell(row, wb.MEANING).value
        assert all(f"{n}: {d}" in meaning for n, d in enumerate(criterion.descriptors))
        assert not sheet.cell(row, wb.SCORE).protection.locked
        assert sheet.cell(row, wb.CRITERION).protection.locked and sheet.cell(row, wb.MEANING).protection.locked
    assert sheet.protection.sheet and book.book.security.lockStructure
    choices = {v.formula1: str(v.sqref) for v in sheet.data_validations.dataValidation}
    assert '"0,1,2,3,4"' in choices and '"Yes,No"' in choices
    for row in book.rows.values():
        assert sheet.cell(row, wb.SCORE).coordinate in choices['"0,1,2,3,4"']
    assert book.book[wb.KEY].sheet_state == "veryHidden"
    claim = URLSafeSerializer(TEST_CONFIG["SECRET_KEY"], salt=wb.TOKEN_SALT).loads(book.book[wb.KEY]["A2"].value)
    assert claim["member"] == member.id and claim["round"] == scoring.id
    assert sorted(int(k) for k in claim["work"]) == sorted(a.id for a in mine)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "score.workbook_downloaded")).one()
    assert entry.actor_id == member.id and json.loads(entry.details)["member_id"] == member.id


def test_typed_text_in_the_file_is_text_never_a_formula(client, scoring, member):
    application = work_of(member, scoring)[0]
    application.title = '=HYPERLINK("http://example.com","click")'
    service.save_draft(member, application, {}, "=1+1 is what I thought")
    db.session.commit()
    cells = {c.value: c for line in Book(download(client, scoring)).sheet.iter_rows() for c in line if c.value}
    for text in (application.title, "=1+1 is what I thought"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix


def test_a_conflicted_application_and_other_members_scores_are_never_in_the_file(client, login, scoring):
    ann, bea = scoring.members[:2]
    first, second = work_of(ann, scoring)[:2]
    service.submit(bea, second, {c.id: 4 for c in scoring.version.criteria}, "BEA-SECRET-COMMENT")
    panels.declare(ann, first, "close")
    db.session.commit()
    assert panel_policy.is_excluded(ann, first)
    login(ann)
    texts = Book(download(client, scoring)).texts()
    assert first.title not in texts and second.title in texts
    assert not any("BEA-SECRET-COMMENT" in t for t in texts)


def test_a_member_who_cannot_score_yet_gets_no_file_and_is_told_why(client, login, world):
    round = world.round(members_per_panel=4)
    world.advance(round, "open")
    login(round.members[0])
    page = client.get(offline(round))
    assert "There are no applications for you to score now." in page.text and "Download" not in page.text
    entries = count(AuditEntry)
    response = client.post(f"{offline(round)}/download", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 303 and count(AuditEntry) == entries
    assert "There are no applications for you to score now." in client.get(response.location).text


# ---- round trip --------------------------------------------------------------------------------

comments = st.one_of(st.none(), st.text(st.characters(categories=("L", "N", "P", "Zs")), max_size=30),
                     st.just('=HYPERLINK("http://example.com","click")'))


@EXAMPLES
@given(data=st.data())
def test_round_trip_what_is_written_in_the_file_is_what_is_stored(client, scoring, member, data):
    """Examples build on each other: scores sent in by one are changed (with a reason) by a later one.
    Every example draws the same things, whatever is stored, so hypothesis can replay it."""
    book = Book(download(client, scoring))
    expected = {}
    for application in work_of(member, scoring):
        send, change = data.draw(st.booleans(), label="send in"), data.draw(st.booleans(), label="change")
        points = [data.draw(st.integers(0, scoring.version.scale_max)) for _ in scoring.version.criteria]
        blanks = [data.draw(st.booleans(), label="blank") for _ in scoring.version.criteria]
        comment = data.draw(comments, label="comment")
        before = stored(member, application)
        sheet = policy.sheet_for(member, application)
        sent_in = sheet is not None and sheet.submitted
        if sent_in and not change:
            expected[application.id] = before
            continue
        complete = sent_in or send
        values = {c.id: None if blanks[i] and not complete else points[i]
                  for i, c in enumerate(scoring.version.criteria)}
        for criterion in scoring.version.criteria:
            book.score(application.title, criterion.title, values[criterion.id])
        top = book.tops[application.title]
        book.words(top, wb.COMMENT, comment)
        book.type(top, wb.REASON if sent_in else wb.SEND_IN, REASON if sent_in else ("Yes" if send else None))
        written = ({k: v for k, v in values.items() if v is not None}, (comment or "").strip() or None)
        left_empty = written == ({}, None) and not send
        expected[application.id] = before if left_empty else written
    response = upload(client, scoring, book.saved())
    assert response.status_code == 303, response.text
    for application in work_of(member, scoring):
        assert stored(member, application) == expected[application.id]
    reasons = db.session.scalars(select(ScoreRecord.reason).where(ScoreRecord.kind == "revised"))
    assert set(reasons) <= {REASON}


def test_an_import_is_audited_and_says_what_it_did(client, scoring, member):
    book = Book(download(client, scoring))
    fill_everything(book, scoring, work_of(member, scoring)[:2])
    response = upload(client, scoring, book.saved())
    assert response.status_code == 303
    assert "Scores sent in for 2 applications" in client.get(response.location).text
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "score.workbook_imported")).one()
    details = json.loads(entry.details)
    assert entry.actor_id == member.id and details["member_id"] == member.id and details["sent_in"] == 2
    assert count(ScoreRecord) == 2


# ---- one bad cell imports nothing -----------------------------------------------------------------

SCORE_CORRUPTIONS = {
    "off the scale": (5, "5 is not on the scale 0 to 4"),
    "below the scale": (-1, "-1 is not on the scale 0 to 4"),
    "words": ("three", "‘three’ is not a score"),
    "a formula": ("=2+1", "Formulas are not read"),
    "a decimal": (2.5, "2.5 is not a whole number"),
    "a decimal typed as words": ("2.5", "2.5 is not a whole number"),
    "a date": (datetime(2026, 3, 12), "a date or a time, not a score"),
    "TRUE": (True, "TRUE is not a score"),
    "a blank where the scores are sent in": (None, "there is no score"),
}
OTHER_CORRUPTIONS = {
    "a formula as the comment": (wb.COMMENT, "=A1", "Formulas are not read"),
    "a formula for ‘Send in?’": (wb.SEND_IN, "=B2", "Formulas are not read"),
    "neither Yes nor No": (wb.SEND_IN, "Maybe", "Choose Yes or No"),
}


@EXAMPLES
@given(data=st.data())
def test_any_single_corrupted_cell_imports_nothing_and_says_where(client, scoring, member, data):
    applications = work_of(member, scoring)
    book = Book(download(client, scoring))
    fill_everything(book, scoring, applications)
    application = data.draw(st.sampled_from(applications), label="application")
    if data.draw(st.booleans(), label="a score cell"):
        criterion = data.draw(st.sampled_from(scoring.version.criteria), label="criterion")
        value, says = SCORE_CORRUPTIONS[data.draw(st.sampled_from(sorted(SCORE_CORRUPTIONS)), label="corruption")]
        row, column = book.rows[(application.title, criterion.title)], wb.SCORE
    else:
        column, value, says = OTHER_CORRUPTIONS[data.draw(st.sampled_from(sorted(OTHER_CORRUPTIONS)))]
        row = book.tops[application.title]
    book.type(row, column, value)
    before = snapshot()
    response = upload(client, scoring, book.saved())
    assert response.status_code == 400
    assert snapshot() == before
    assert f"Sheet ‘Scores’, row {row}, column {'EFG'[column - wb.SCORE]}," in response.text
    assert says in response.text
    assert "Nothing was saved" in response.text


def test_a_refusal_by_the_scoring_rules_on_a_later_application_undoes_the_earlier_ones(client, scoring, member):
    first, second = work_of(member, scoring)[:2]
    book = Book(download(client, scoring))
    fill_everything(book, scoring, [first, second])
    book.type(book.tops[second.title], wb.COMMENT, None)
    settings = PanelSettings.defaults(scoring.id)
    settings.comments_required = True  # arranged as data: the round asks for a comment with every score
    db.session.add(settings)
    db.session.commit()
    before = snapshot()
    response = upload(client, scoring, book.saved())
    assert response.status_code == 400 and snapshot() == before
    assert f"row {book.tops[second.title]}, column F" in response.text
    assert "Write a comment about this application" in response.text


def test_changing_scores_already_sent_in_needs_a_reason_as_on_the_web_page(client, scoring, member):
    application = work_of(member, scoring)[0]
    service.submit(member, application, {c.id: 1 for c in scoring.version.criteria}, "First go")
    db.session.commit()
    book = Book(download(client, scoring))
    criterion = scoring.version.criteria[0]
    assert book.sheet.cell(book.rows[(application.title, criterion.title)], wb.SCORE).value == 1
    book.score(application.title, criterion.title, 3)
    before = snapshot()
    response = upload(client, scoring, book.saved())
    assert response.status_code == 400 and snapshot() == before
    assert f"row {book.tops[application.title]}, column H" in response.text and "Say why" in response.text
    book.type(book.tops[application.title], wb.REASON, REASON)
    assert upload(client, scoring, book.saved()).status_code == 303
    record = policy.sheet_for(member, application).current
    assert record.kind == "revised" and record.reason == REASON and record.by_criterion[criterion.id] == 3


def test_scoring_closed_after_the_download_is_refused_with_nothing_saved(client, scoring, member):
    book = Book(download(client, scoring))
    fill_everything(book, scoring, work_of(member, scoring))
    shortlist.close_scoring(scoring.facilitator, scoring, scoring.panels[0], "Time is up.")
    db.session.commit()
    before = snapshot()
    response = upload(client, scoring, book.saved())
    assert response.status_code == 400 and snapshot() == before
    assert "Scoring for your panel closed on" in response.text
    assert f"rows {book.tops[work_of(member, scoring)[0].title]}, " in response.text


# ---- files refused -----------------------------------------------------------------------------

def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def _other_workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "My own spreadsheet"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("make, says", [
    (lambda data: b"0" * (wb.MAX_FILE_BYTES + 1), "The file is too big"),
    (lambda data: b"Application,Criterion,Score\nLunch club,Reach,3\n", "not an Excel workbook"),
    (lambda data: data[: len(data) // 2], "not an Excel workbook"),
    (lambda data: _zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<t/>"}), "not an Excel workbook"),
    (lambda data: _zip({"[Content_Types].xml": b"<t/>", "xl/workbook.xml": b"<w/>"}), "not an Excel workbook"),
    (lambda data: _zip({"[Content_Types].xml": b"<t/>", "xl/workbook.xml": b"<w/>",
                        "xl/bomb.xml": b"\0" * (wb.MAX_UNPACKED_BYTES + 1)}), "unpacks to far more"),
    (lambda data: _other_workbook(), "not a scoring file from Commission"),
], ids=["too big", "a renamed CSV", "a broken zip", "a Word document", "a broken workbook", "a zip bomb",
        "somebody else's spreadsheet"])
def test_files_that_are_not_a_scoring_file_are_refused_with_a_plain_message(client, scoring, member, make, says):
    data = make(download(client, scoring))
    before = snapshot()
    response = upload(client, scoring, data)
    assert response.status_code == 400 and snapshot() == before
    assert says in response.text
    assert 'href="#workbook"' in response.text  # the error summary points at the file box


def test_a_file_for_another_member_or_another_round_or_with_a_changed_key_is_refused(client, login, world,
                                                                                      scoring, member):
    data = download(client, scoring)
    login(scoring.members[1])
    assert "made for another panel member" in upload(client, scoring, data).text

    other = world.round()
    rounds.add_person(other.facilitator, other, member, "member", other.panels[0])
    db.session.commit()
    login(member)
    assert "for a different round" in upload(client, other, data).text

    book = Book(data)
    key = book.book[wb.KEY]["A2"]
    claim = json.dumps({"member": scoring.members[1].id})
    key.value = URLSafeSerializer("a guessed secret", salt=wb.TOKEN_SALT).dumps(claim)
    response = upload(client, scoring, book.saved())
    assert response.status_code == 400 and "key has been changed" in response.text


def test_a_file_made_before_the_work_changed_is_out_of_date(client, login, scoring, member):
    data = download(client, scoring)
    application = work_of(member, scoring)[0]
    service.submit(member, application, {c.id: 2 for c in scoring.version.criteria}, "On the website")
    db.session.commit()
    response = upload(client, scoring, data)
    assert response.status_code == 400
    assert f"Your scores for ‘{application.title}’ were sent in or changed on the website" in response.text

    data = download(client, scoring)
    panels.declare(member, work_of(member, scoring)[1], "close")  # passes that work to someone else
    db.session.commit()
    response = upload(client, scoring, data)
    assert "The applications you are asked to score have changed" in response.text


# ---- staff -------------------------------------------------------------------------------------

def test_a_facilitator_downloads_a_members_file_on_their_behalf_without_any_scores(client, login, scoring):
    ann = scoring.members[0]
    sent, drafted, *rest = work_of(ann, scoring)
    service.submit(ann, sent, {c.id: 3 for c in scoring.version.criteria}, "SENT-IN-COMMENT")
    service.save_draft(ann, drafted, {scoring.version.criteria[0].id: 4}, "DRAFT-COMMENT")
    db.session.commit()
    login(scoring.facilitator)
    page = client.get(f"{offline(scoring)}/members")
    assert page.status_code == 200 and ann.name in page.text
    response = client.post(f"{offline(scoring)}/members/{ann.id}/download",
                           data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 200
    book = Book(response.data)
    texts = book.texts()
    assert sent.title not in texts and drafted.title in texts
    assert not any("COMMENT" in t for t in texts)
    assert all(book.sheet.cell(row, wb.SCORE).value is None for row in book.rows.values())
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "score.workbook_downloaded")).one()
    details = json.loads(entry.details)
    assert entry.actor_id == scoring.facilitator.id and details["on_behalf_of"] == ann.id

    login(ann)  # the member fills in the copy and uploads it themselves
    book.score(drafted.title, scoring.version.criteria[1].title, 1)
    assert upload(client, scoring, book.saved()).status_code == 303
    assert stored(ann, drafted) == ({scoring.version.criteria[1].id: 1}, None)


def test_staff_cannot_upload_and_the_funder_cannot_download(client, login, scoring):
    login(scoring.members[0])
    data = download(client, scoring)
    for person in (scoring.facilitator, scoring.funder):
        login(person)
        assert upload(client, scoring, data).status_code == 403
        assert client.get(offline(scoring)).status_code == 403
    assert client.post(f"{offline(scoring)}/members/{scoring.members[0].id}/download",
                       data={"csrf_token": csrf_token(client, "/")}).status_code == 403
    assert client.get(f"{offline(scoring)}/members").status_code == 403


def test_a_facilitator_gets_no_copy_for_a_member_who_has_sent_everything_in(client, login, scoring):
    ann = scoring.members[0]
    for application in work_of(ann, scoring):
        service.submit(ann, application, {c.id: 2 for c in scoring.version.criteria}, None)
    db.session.commit()
    login(scoring.facilitator)
    assert "Nothing for them to fill in now." in client.get(f"{offline(scoring)}/members").text
    entries = count(AuditEntry)
    response = client.post(f"{offline(scoring)}/members/{ann.id}/download", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 303 and count(AuditEntry) == entries
    assert "has sent in scores for everything" in client.get(response.location).text
