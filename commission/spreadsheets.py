"""Writing what people typed into a spreadsheet so that it can never run.

A cell whose text begins with `=`, `+`, `-`, `@`, a tab or a carriage return would be read
by a spreadsheet program as a formula ("formula injection"). Every cell that holds text a
person typed is written through `text_cell` or `set_text`: stored as text, shown as typed,
and marked with the quote prefix so that editing it in the spreadsheet keeps it text too.
"""
from __future__ import annotations

from openpyxl.cell import WriteOnlyCell

# The first characters that make a spreadsheet treat text as something to run.
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(text: str) -> bool:
    return text.startswith(RISKY_STARTS)


def set_text(cell, text: str | None):
    """Put typed text in an ordinary (not write-only) cell, as text whatever it begins with."""
    cell.value = text
    if text is not None:
        cell.data_type = "s"
        if is_risky(text):
            cell.quotePrefix = True
    return cell


def text_cell(sheet, text: str | None, **style) -> WriteOnlyCell:
    """A write-only cell holding typed text, as text whatever it begins with."""
    cell = WriteOnlyCell(sheet)
    for name, value in style.items():
        setattr(cell, name, value)
    return set_text(cell, text)
