"""Typed text goes into a workbook as text, whatever it begins with."""
import io

import openpyxl
import pytest
from hypothesis import given, strategies as st

from commission.spreadsheets import RISKY_STARTS, set_text, text_cell

ATTACK = '=HYPERLINK("http://example.com","click")'


def _round_trip(values):
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Typed")
    sheet.append([text_cell(sheet, value) for value in values])
    out = io.BytesIO()
    book.save(out)
    return openpyxl.load_workbook(io.BytesIO(out.getvalue()))["Typed"]


@pytest.mark.parametrize("start", RISKY_STARTS)
def test_risky_text_is_stored_as_text_with_the_quote_prefix(start):
    cell = _round_trip([start + "SUM(A1:A9)"])["A1"]
    # XML reading turns a carriage return into a line feed; either way it is text.
    assert cell.value == (start + "SUM(A1:A9)").replace("\r", "\n")
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_a_hyperlink_formula_is_shown_as_typed():
    cell = _round_trip([ATTACK])["A1"]
    assert (cell.value, cell.data_type) == (ATTACK, "s")


def test_ordinary_text_has_no_quote_prefix():
    cell = _round_trip(["Reaches isolated people"])["A1"]
    assert cell.value == "Reaches isolated people" and not cell.quotePrefix


@given(st.text(min_size=1).filter(lambda s: "\x00" not in s and all(ord(c) >= 32 or c in "\t\r\n" for c in s)))
def test_any_text_survives_as_text(text):
    book = openpyxl.Workbook()
    cell = set_text(book.active["A1"], text)
    assert cell.data_type == "s"
    out = io.BytesIO()
    book.save(out)
    again = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active["A1"]
    assert again.data_type == "s"
