"""Scoring offline in a real browser: a member downloads their scoring file from their scoring
page, fills it in (openpyxl plays the spreadsheet program) and uploads it; a file with one bad
cell is refused with the row and column named. Every page on the way is checked by axe."""
import io

import openpyxl
import pytest
from playwright.sync_api import expect

from commission.demo import content
from commission.demo.scoring import SCORER
from commission.scores import workbook as wb
from tests.browser.conftest import serve_demo

FACILITATOR = content.FACILITATOR["email"]


@pytest.fixture(scope="module")
def shortlisting(tmp_path_factory):
    with serve_demo(tmp_path_factory.mktemp("workbook") / "demo.db", "shortlisting") as server:
        yield server


def _download(page) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name="Download your scoring file (Excel)").click()
    with open(info.value.path(), "rb") as handle:
        return handle.read()


def _fill_first_application(data: bytes, score) -> tuple[bytes, int]:
    """Score every criterion of the first application and choose 'Send in?' Yes, as a person would."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[wb.SCORES]
    row = wb.FIRST_ROW
    while sheet.cell(row, wb.CRITERION).value and (row == wb.FIRST_ROW or not sheet.cell(row, wb.TITLE).value):
        sheet.cell(row, wb.SCORE).value = score
        row += 1
    sheet.cell(wb.FIRST_ROW, wb.SEND_IN).value = "Yes"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), wb.FIRST_ROW


def _upload(page, data: bytes) -> None:
    page.get_by_label("Your filled-in scoring file").set_input_files(
        files=[{"name": "my scores.xlsx", "mimeType": wb.CONTENT_TYPE, "buffer": data}])
    page.get_by_role("button", name="Upload and save my scores").click()
    page.wait_for_load_state()


def test_a_member_scores_offline_and_a_bad_cell_is_explained(page, shortlisting, sign_in, axe_check):
    sign_in(shortlisting, SCORER)
    page.goto(f"{shortlisting.url}/rounds/1/scoring")
    page.get_by_role("link", name="Score offline in a spreadsheet").click()
    expect(page.get_by_role("heading", name="Score offline")).to_be_visible()
    axe_check("score offline page")
    data = _download(page)
    assert openpyxl.load_workbook(io.BytesIO(data))[wb.SCORES].cell(wb.HEADER_ROW, wb.SCORE).value == "Your score"

    bad, row = _fill_first_application(data, 9)
    _upload(page, bad)
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(f"Sheet ‘Scores’, row {row}, column E")
    expect(summary).to_contain_text("9 is not on the scale 0 to 4")
    expect(page.locator(".govuk-error-message")).to_contain_text("Nothing was saved")
    axe_check("score offline page with problems")
    summary.get_by_role("link").nth(1).click()
    expect(page.locator("#workbook")).to_be_focused()

    good, _ = _fill_first_application(data, 3)
    _upload(page, good)
    expect(page.get_by_text("Your file is read. Scores sent in for 1 application.")).to_be_visible()
    expect(page.get_by_role("heading", name="Your scoring")).to_be_visible()
    expect(page.locator("table").get_by_text("Sent in").first).to_be_visible()


def test_a_facilitator_downloads_a_file_for_a_member(page, shortlisting, sign_in, axe_check):
    sign_in(shortlisting, FACILITATOR)
    page.goto(f"{shortlisting.url}/rounds/1/assignments")
    page.get_by_role("link", name="Scoring files for members who score offline").click()
    expect(page.get_by_role("heading", name="Scoring files for members")).to_be_visible()
    axe_check("scoring files for members")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").first.click()
    assert info.value.suggested_filename.endswith(".xlsx")
    with open(info.value.path(), "rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    assert book.sheetnames[:2] == [wb.GUIDE, wb.SCORES]
