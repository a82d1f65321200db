"""The shape shared by the funder's report page and the Excel audit pack.

One table per part of a round's record (timeline, criteria, conflicts, scores, ...). The page
shows them and the pack writes each as a sheet, so the two can never tell different stories.
Rows are produced lazily: a national round's scores table has hundreds of thousands of rows
and the pack streams them straight into a write-only workbook.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

# text:   something a person typed (reasons, comments, titles): never run as a formula.
# label:  a word or phrase the engine chose (a stage name, a role, "Yes").
# money:  whole pence as an int; shown in pounds.
# when:   a timezone-aware datetime; shown in UK time.
# number: an int or float.
# hash:   a hex digest.
Kind = Literal["text", "label", "money", "when", "number", "hash"]


@dataclass(frozen=True)
class Column:
    title: str
    kind: Kind = "label"
    width: int = 18  # characters, a sensible default width for the sheet


@dataclass(frozen=True)
class Table:
    name: str  # the sheet name: at most 31 characters, no []:*?/\
    columns: tuple[Column, ...]
    rows: Iterable[tuple]  # each tuple has one value per column, in order
    note: str = ""  # one plain-English sentence on what the table shows
