"""Scoring offline: a member's work as an Excel workbook, and reading it back.

The file holds one row per application and criterion, with what each point of the scale
means beside it, a drop-down on each score cell and every other cell locked. A signed key
in a hidden sheet binds it to one member, one round and the work they had when it was made,
so it cannot be used for anyone or anything else.

Uploading it back checks the whole file first and writes all or nothing: the same services
as the scoring page (`commission.scores.service`) do every write, so conflicts, assignments,
training, blind scoring and closing dates apply exactly as on the web. The caller commits
once if `import_file` returns, and rolls back if it raises.

What the upload does, for each application in the file:
- wholly blank and not yet sent in: left as it is (any draft saved on the website stays);
- "Send in?" is Yes: the scores are sent in (every criterion needs a score);
- otherwise, if anything differs from the saved draft: saved as a draft;
- already sent in and changed: changed, with the reason in "Why you changed your scores".
"""
from __future__ import annotations

import hashlib
import io
import math
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

import openpyxl
from itsdangerous import BadSignature, URLSafeSerializer
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from commission import clock
from commission.applications.models import Application
from commission.audit import service as audit
from commission.errors import FieldProblem, NotAllowed, RuleBroken
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.panels import service as panel_service
from commission.rounds import policy
from commission.scores import policy as score_policy
from commission.scores import service as scoring
from commission.scores.listing import STATE_LABELS
from commission.scores.models import ScoreSheet
from commission.spreadsheets import set_text

MAX_FILE_BYTES = 5 * 1024 * 1024
# A member's file unpacks to well under 1 MB; a zip that claims more is refused before it is opened.
MAX_UNPACKED_BYTES = 25 * 1024 * 1024
MAX_PARTS = 200
TOKEN_SALT = "commission.scores.workbook"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

GUIDE, SCORES, KEY = "How to use this file", "Scores", "File key"
HEADER_ROW, FIRST_ROW = 4, 5
COLUMNS = (("Application", 32), ("Where you are", 14), ("Criterion", 30), ("What each score means", 60),
           ("Your score", 12), ("Your comment on this application", 50), ("Send in?", 12),
           ("Why you changed your scores", 40))
TITLE, STATE, CRITERION, MEANING, SCORE, COMMENT, SEND_IN, REASON = range(1, 9)
YES, NO = "Yes", "No"

_INPUT = PatternFill("solid", fgColor="FFF2CC")
_HEADER = PatternFill("solid", fgColor="D9D9D9")
_EDGE = Side(style="thin", color="808080")
_BOX = Border(left=_EDGE, right=_EDGE, top=_EDGE, bottom=_EDGE)
_TOP = Alignment(vertical="top", wrap_text=True)


@dataclass(frozen=True)
class Work:
    """One application the member is asked to score, as it stands now."""

    application: Application
    sheet: ScoreSheet | None
    criteria: tuple
    scale_max: int

    @property
    def sent_in(self) -> bool:
        return self.sheet is not None and self.sheet.submitted

    @property
    def records_seen(self) -> int:
        return len(self.sheet.records) if self.sheet is not None else 0


def offline_work(member, round) -> list[Work]:
    """The member's live assignments in the round, never one they declared a link with and
    never a sheet set aside: what their offline file holds."""
    found = []
    for work in panel_service.my_work(member, round):
        application = work.application
        sheet = score_policy.sheet_for(member, application)
        if panel_policy.is_excluded(member, application) or (sheet is not None and sheet.set_aside_at is not None):
            continue
        version = scoring.version_for(application, sheet)
        found.append(Work(application, sheet, tuple(version.criteria), version.scale_max))
    return found


def why_not_offline(member, round, work: list[Work] | None = None) -> str | None:
    """None if the member has something they may score now, else why not, in their words."""
    if policy.round_role(member, round) != "member":
        return "Only panel members score applications."
    work = offline_work(member, round) if work is None else work
    if not work:
        return "There are no applications for you to score now."
    reasons = [score_policy.why_not_score(member, w.application) for w in work]
    return None if None in reasons else reasons[0]


def why_not_for_staff(member, round, work: list[Work] | None = None) -> str | None:
    """None if a facilitator may download a file for the member now. Their copy leaves out
    what the member has sent in, so there must be something left to fill in."""
    work = offline_work(member, round) if work is None else work
    if why_not_offline(member, round, work):
        return f"{member.name} has nothing they can score now."
    if all(w.sent_in for w in work):
        return (f"{member.name} has sent in scores for everything they are asked to score, so there is nothing "
                "to fill in. They can change their scores on the website.")
    return None


def download(actor, member, round, secret: str) -> bytes:
    """The member's scoring file. A facilitator may download it for a member (recorded as
    on their behalf): that copy holds no scores or comments, since staff never see them."""
    for_staff = actor.id != member.id
    if for_staff and not (policy.can_manage_round(actor, round) and policy.round_role(member, round) == "member"):
        raise NotAllowed("Only the member, or a facilitator of the round for them, can download a scoring file.")
    if not for_staff and policy.round_role(actor, round) != "member":
        raise NotAllowed("Only panel members score applications.")
    work = offline_work(member, round)
    reason = why_not_for_staff(member, round, work) if for_staff else why_not_offline(member, round, work)
    if reason:
        raise RuleBroken(reason)
    rows = [w for w in work if not (for_staff and w.sent_in)]
    token = _serializer(secret).dumps({
        "member": member.id, "round": round.id, "made": clock.now().isoformat(),
        "work": {str(w.application.id): w.records_seen for w in work},
        "rows": [[w.application.id, [c.id for c in w.criteria]] for w in rows]})
    data = _build(round, member, rows, token, for_staff)
    behalf = {"on_behalf_of": member.id} if for_staff else {}
    audit.record(actor, "score.workbook_downloaded", "round", round.id, round_id=round.id, member_id=member.id,
                 application_ids=[w.application.id for w in rows], **behalf)
    return data


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=TOKEN_SALT)


# Building ------------------------------------------------------------------------------------

def _build(round, member, rows: list[Work], token: str, for_staff: bool) -> bytes:
    book = openpyxl.Workbook()
    _guide(book.active, round, member, for_staff)
    sheet = book.create_sheet(SCORES)
    set_text(sheet.cell(1, 1), f"Your scores: {round.name}").font = Font(bold=True, size=14)
    set_text(sheet.cell(2, 1), f"For {member.name}. Made {clock.uk_datetime(clock.now())}. "
                               f"Read the sheet ‘{GUIDE}’ first. Fill in the yellow cells only.")
    for column, (title, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(HEADER_ROW, column, title)
        cell.font, cell.fill, cell.border, cell.alignment = Font(bold=True), _HEADER, _BOX, _TOP
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 1)
    send_in = _validation('"Yes,No"', "Choose Yes to send in your scores for this application, or No.")
    scales: dict[int, DataValidation] = {}
    row = FIRST_ROW
    for work in rows:
        if work.scale_max not in scales:
            scales[work.scale_max] = _validation(
                '"' + ",".join(str(n) for n in range(work.scale_max + 1)) + '"',
                f"Choose a whole number from 0 to {work.scale_max}. Column D says what each score means.")
        _write_application(sheet, row, work, scales[work.scale_max], send_in, for_staff)
        row += len(work.criteria)
    for validation in (*scales.values(), send_in):
        sheet.add_data_validation(validation)
    sheet.protection.sheet = True
    sheet.protection.formatColumns = sheet.protection.formatRows = False  # widening a column is fine
    key = book.create_sheet(KEY)
    key["A1"] = "This sheet lets Commission check that the file is yours. Do not change it."
    key["A2"] = token
    key.protection.sheet = True
    key.sheet_state = "veryHidden"
    book.security = WorkbookProtection(lockStructure=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _validation(choices: str, error: str) -> DataValidation:
    return DataValidation(type="list", formula1=choices, allow_blank=True, showErrorMessage=True,
                          errorTitle="Not one of the choices", error=error)


def _write_application(sheet, top: int, work: Work, scale: DataValidation, send_in: DataValidation,
                       for_staff: bool) -> None:
    sheet_now = work.sheet
    current = sheet_now.current if work.sent_in else None
    shown = {} if for_staff else (current.by_criterion if current else (sheet_now.draft if sheet_now else {}))
    comment = None if for_staff else (current.comment if current else (sheet_now.draft_comment if sheet_now else None))
    state = "sent_in" if work.sent_in else ("draft" if sheet_now is not None and sheet_now.draft_saved_at else
                                            "not_started")
    bottom = top + len(work.criteria) - 1
    for offset, criterion in enumerate(work.criteria):
        row = top + offset
        set_text(sheet.cell(row, CRITERION), f"{criterion.position}. {criterion.title}")
        set_text(sheet.cell(row, MEANING), "\n".join(f"{n}: {text}" for n, text in enumerate(criterion.descriptors)))
        score = sheet.cell(row, SCORE, shown.get(criterion.id))
        _input(score)
        scale.add(score)
        sheet.row_dimensions[row].height = 15 * _lines(criterion.descriptors)
        for column in range(1, len(COLUMNS) + 1):
            sheet.cell(row, column).border = _BOX
            sheet.cell(row, column).alignment = _TOP
    set_text(sheet.cell(top, TITLE), work.application.title).font = Font(bold=True)
    sheet.cell(top, STATE, "Not sent in yet" if for_staff else STATE_LABELS[state])
    _input(set_text(sheet.cell(top, COMMENT), comment))
    if work.sent_in:
        sheet.cell(top, SEND_IN, "Already sent in")
        _input(sheet.cell(top, REASON))
    else:
        _input(sheet.cell(top, SEND_IN))
        send_in.add(sheet.cell(top, SEND_IN))
    for column in (TITLE, STATE, COMMENT, SEND_IN, REASON):
        if bottom > top:
            sheet.merge_cells(start_row=top, start_column=column, end_row=bottom, end_column=column)


def _input(cell):
    cell.protection = Protection(locked=False)
    cell.fill = _INPUT
    return cell


def _lines(descriptors) -> int:
    return sum(max(1, math.ceil(len(text) / 55)) for text in descriptors)


def _guide(sheet, round, member, for_staff: bool) -> None:
    sheet.title = GUIDE
    comments = ("Write a comment about each application in column F. The round asks for one."
                if panel_policy.settings_for(round).comments_required
                else "You can write a comment about each application in column F, if you want to.")
    lines = [
        f"Scoring offline: {round.name}",
        f"This file is for {member.name} only. It holds the applications you are asked to score.",
        f"Go to the sheet ‘{SCORES}’. There is one line for each criterion of each application.",
        "In column E, choose a score for each criterion from the list. Column D says what each score means.",
        comments,
        "In column G, choose Yes when an application is finished and you want to send its scores in.",
        "Leave column G empty, or choose No, to keep your scores as a draft. Nobody else sees a draft.",
        "Scores you have already sent in are shown. To change them, change the score and say why in column H. "
        "The panel and the funder will see your reason.",
        "An application you leave empty stays as it is, so you can do some now and the rest later.",
        "Only the yellow cells can be changed. Type scores and words only: formulas are not read.",
        "Save the file as an Excel file (.xlsx). Then upload it on the page ‘Score offline’ in Commission.",
        "We check the whole file before we save anything. If something is wrong, nothing is saved. We list "
        "every problem with its row and column, so that you can fix it and upload the file again.",
        "The file works only for you and this round. If your work changes, for example an application is "
        "passed to someone else, download a new copy.",
    ]
    if for_staff:
        lines.insert(2, "A member of staff downloaded this copy for you. It has no scores in it. A draft you "
                        "saved on the website stays unless you fill in that application here. Applications you "
                        "have already sent in are not in this copy.")
    sheet.column_dimensions["A"].width = 100
    for row, text in enumerate(lines, start=1):
        cell = set_text(sheet.cell(row, 1), text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if row == 1:
            cell.font = Font(bold=True, size=14)
    sheet.protection.sheet = True


# Reading -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """One thing wrong in the file, where it is: the sheet, the row (or rows) and the column."""

    rows: tuple[int, ...]
    column: int
    about: str
    message: str
    sheet: str = SCORES

    def __str__(self) -> str:
        where = f"row {self.rows[0]}" if len(self.rows) == 1 else f"rows {_and([str(r) for r in self.rows])}"
        column = get_column_letter(self.column)
        return f"Sheet ‘{self.sheet}’, {where}, column {column}, {self.about}: {self.message}"


class WorkbookProblems(RuleBroken):
    """The file has problems in its cells. Nothing was saved."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"Nothing was saved: the file has {count}. Fix {'them all' if len(problems) > 1 else 'it'} "
                         "and upload the file again.")


@dataclass
class Imported:
    sent_in: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        parts = [f"{label} for {len(titles)} application{'s' if len(titles) != 1 else ''}"
                 for label, titles in (("Scores sent in", self.sent_in), ("a draft saved", self.drafts),
                                       ("scores changed", self.changed)) if titles]
        if not parts:
            return "Your file is read. Nothing in it was new, so nothing changed."
        text = _and(parts)
        return f"Your file is read. {text[0].upper()}{text[1:]}."


@dataclass
class _Filled:
    """What the file says about one application."""

    work: Work
    top: int
    values: dict = field(default_factory=dict)
    comment: str | None = None
    send_in: bool = False
    reason: str | None = None
    broken: bool = False


def import_file(member, round, data: bytes, secret: str) -> Imported:
    """Read a filled-in scoring file and save it, all or nothing. Raises RuleBroken for a file
    that cannot be used at all, WorkbookProblems listing every problem in its cells."""
    token, cells = _open(data)
    claim = _claim(token, secret)
    if claim.get("round") != round.id:
        raise RuleBroken("This file is for a different round. Download the file for this round and use that.")
    if claim.get("member") != member.id:
        raise RuleBroken("This file was made for another panel member, so it cannot be used for your scores. "
                         "Download your own file from this page.")
    work = _still_current(member, round, claim)
    layout = list(_layout(claim, work))
    for each, top in layout:
        _check_labels(cells, each, top)
    problems: list[Problem] = []
    filled = [_read_application(cells, each, top, problems) for each, top in layout]
    done = Imported()
    refusals: dict[str, list[_Filled]] = {}
    for found in filled:
        if not found.broken:
            _save(member, found, done, problems, refusals)
    problems += [Problem(tuple(f.top for f in group), TITLE, _about_applications(group), message)
                 for message, group in refusals.items()]
    if problems:
        raise WorkbookProblems(sorted(problems, key=lambda p: (p.rows[0], p.column)))
    audit.record(member, "score.workbook_imported", "round", round.id, round_id=round.id, member_id=member.id,
                 file_sha256=hashlib.sha256(data).hexdigest(), sent_in=len(done.sent_in),
                 drafts_saved=len(done.drafts), changed=len(done.changed))
    return done


def _open(data: bytes) -> tuple[str, dict]:
    """The file's key and the cells of its scores sheet: {(row, column): (value, data type)}."""
    if len(data) > MAX_FILE_BYTES:
        raise RuleBroken(f"The file is too big. A scoring file can be up to {MAX_FILE_BYTES // (1024 * 1024)} MB. "
                         "Upload the file you downloaded, with your scores filled in.")
    not_workbook = RuleBroken("This is not an Excel workbook (.xlsx), so it cannot be read. Upload the scoring "
                              "file you downloaded, saved as an Excel workbook. If you put a password on it, "
                              "take the password off first.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_workbook from None
    names = {p.filename for p in parts}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise not_workbook
    # Checked before anything is unpacked: a small file that unpacks to gigabytes is refused here.
    if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
        raise RuleBroken("This file unpacks to far more than a scoring file can hold, so it was not opened. "
                         "Upload the scoring file you downloaded.")
    try:
        # Read only: the sheets are parsed as they are read, so memory stays small whatever the file holds.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
        try:
            return _key_and_cells(book)
        finally:
            book.close()
    except RuleBroken:
        raise
    except Exception:  # a broken file can fail inside openpyxl in many ways; each means the same to the person
        raise not_workbook from None


def _key_and_cells(book) -> tuple[str, dict]:
    if SCORES not in book.sheetnames or KEY not in book.sheetnames:
        raise RuleBroken("This workbook is not a scoring file from Commission. Download your scoring file "
                         "from this page, fill it in and upload that.")
    token = next(book[KEY].iter_rows(min_row=2, max_row=2, max_col=1, values_only=True))[0]
    cells = {(c.row, c.column): (c.value, c.data_type)
             for line in book[SCORES].iter_rows(min_row=FIRST_ROW, max_col=len(COLUMNS))
             for c in line if c.value is not None}
    return token if isinstance(token, str) else "", cells


def _claim(token: str, secret: str) -> dict:
    try:
        claim = _serializer(secret).loads(token)
    except BadSignature:
        raise RuleBroken("This file's key has been changed, or the file did not come from Commission, so it "
                         "cannot be used. Download a new file from this page.") from None
    return claim if isinstance(claim, dict) else {}


def _still_current(member, round, claim: dict) -> dict[int, Work]:
    """The member's work now, if it is what the file was made for; else the file is out of date."""
    made = datetime.fromisoformat(claim["made"])
    download_again = "Download a new file from this page and put your scores in that."
    work = {w.application.id: w for w in offline_work(member, round)}
    then = {int(k): v for k, v in claim["work"].items()}
    if set(then) != set(work):
        raise RuleBroken(f"The applications you are asked to score have changed since this file was made "
                         f"({clock.uk_datetime(made)}), so it is out of date. {download_again}")
    moved = [w.application.title for w in work.values() if w.records_seen != then[w.application.id]]
    if moved:
        titles = _and([f"‘{title}’" for title in moved])
        raise RuleBroken(f"Your scores for {titles} were sent in or changed on the website "
                         f"after this file was made ({clock.uk_datetime(made)}). So that nothing is overwritten "
                         f"unseen, this file cannot be used. {download_again}")
    for application_id, criterion_ids in claim["rows"]:
        if [c.id for c in work[application_id].criteria] != criterion_ids:
            raise RuleBroken(f"The criteria have changed since this file was made. {download_again}")
    return work


def _layout(claim: dict, work: dict[int, Work]):
    """Each application in the file with its first row, from the signed key (never from the cells)."""
    row = FIRST_ROW
    for application_id, criterion_ids in claim["rows"]:
        yield work[application_id], row
        row += len(criterion_ids)


def _check_labels(cells: dict, work: Work, top: int) -> None:
    """Rows moved or retyped would put a score against the wrong criterion: refuse the file."""
    expected = {(top, TITLE): work.application.title}
    expected |= {(top + i, CRITERION): f"{c.position}. {c.title}" for i, c in enumerate(work.criteria)}
    for (row, column), text in expected.items():
        if cells.get((row, column), (None,))[0] != text:
            raise RuleBroken(f"Row {row} of the sheet ‘{SCORES}’ should be about ‘{work.application.title}’, "
                             "but it says something else. Rows may have been moved or changed. "
                             "Download a new file from this page.")


def _read_application(cells: dict, work: Work, top: int, problems: list[Problem]) -> _Filled:
    found = _Filled(work, top)
    title = work.application.title
    send_in, kind = cells.get((top, SEND_IN), (None, "n"))
    if not work.sent_in:
        found.send_in = _yes_no(send_in, kind, lambda m: _fail(found, problems, top, SEND_IN,
                                                               f"‘Send in?’ for ‘{title}’", m))
    found.comment = _text(cells.get((top, COMMENT)), lambda m: _fail(found, problems, top, COMMENT,
                                                                     f"your comment on ‘{title}’", m))
    if work.sent_in:
        found.reason = _text(cells.get((top, REASON)), lambda m: _fail(found, problems, top, REASON,
                                                                       f"why you changed ‘{title}’", m))
    complete = work.sent_in or found.send_in
    for offset, criterion in enumerate(work.criteria):
        row = top + offset
        about = f"criterion ‘{criterion.title}’ for ‘{title}’"
        value, kind = cells.get((row, SCORE), (None, "n"))
        points, message = _points(value, kind, work.scale_max)
        if message is None and points is None and complete:
            message = ("there is no score. Every criterion needs one, because "
                       + ("these scores are sent in." if work.sent_in else "you chose Yes to send them in."))
        if message:
            _fail(found, problems, row, SCORE, about, message)
        elif points is not None:
            found.values[criterion.id] = points
    return found


def _fail(found: _Filled, problems: list[Problem], row: int, column: int, about: str, message: str) -> None:
    found.broken = True
    problems.append(Problem((row,), column, about, message))


def _points(value, kind: str, scale_max: int) -> tuple[int | None, str | None]:
    """A score cell as whole points, or why it is not one."""
    choose = f"Choose a whole number from 0 to {scale_max}."
    if kind == "f":
        return None, f"it holds a formula ({_short(value)}). Formulas are not read. {choose}"
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, f"{str(value).upper()} is not a score. {choose}"
    if isinstance(value, str):
        number = scoring.whole_number(value)
        if number is None:
            return None, (f"{value.strip()} is not a whole number. {choose}" if _is_decimal(value)
                          else f"‘{_short(value.strip())}’ is not a score. {choose}")
        value = number
    if isinstance(value, float):
        if not value.is_integer():
            return None, f"{value:g} is not a whole number. {choose}"
        value = int(value)
    if not isinstance(value, int):
        return None, f"it holds a date or a time, not a score. {choose}"
    if not 0 <= value <= scale_max:
        return None, f"{value} is not on the scale 0 to {scale_max}."
    return value, None


def _is_decimal(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _yes_no(value, kind: str, fail) -> bool:
    if kind == "f":
        fail(f"it holds a formula ({_short(value)}). Formulas are not read. Choose Yes or No.")
        return False
    text = "" if value is None else str(value).strip().lower()
    if text in ("yes", "true"):
        return True
    if text not in ("", "no", "false"):
        fail(f"‘{_short(str(value))}’ is not one of the choices. Choose Yes or No.")
    return False


def _text(cell, fail) -> str | None:
    value, kind = cell or (None, "n")
    if kind == "f":
        fail(f"it holds a formula ({_short(value)}). Formulas are not read. Type your words as plain text.")
        return None
    return None if value is None else (str(value).strip() or None)


def _short(value, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


# Saving --------------------------------------------------------------------------------------

def _save(member, found: _Filled, done: Imported, problems: list[Problem],
          refusals: dict[str, list[_Filled]]) -> None:
    """Save one application through the scoring service. A refusal is kept to list with the
    others; what was written for this application is undone at once (the caller undoes the rest)."""
    work, application = found.work, found.work.application
    action = _what_to_do(found)
    if action is None:
        return
    try:
        with db.session.begin_nested():
            if action == "change":
                scoring.revise(member, application, found.values, found.comment, found.reason, work.records_seen)
            elif action == "send_in":
                scoring.submit(member, application, found.values, found.comment)
            else:
                scoring.save_draft(member, application, found.values, found.comment)
    except NotAllowed:
        raise
    except FieldProblem as err:
        for name, message in err.fields.items():
            row, column, about = _where(found, name)
            problems.append(Problem((row,), column, about, message))
        return
    except RuleBroken as err:
        refusals.setdefault(str(err), []).append(found)
        return
    {"change": done.changed, "send_in": done.sent_in, "draft": done.drafts}[action].append(application.title)


def _what_to_do(found: _Filled) -> str | None:
    sheet = found.work.sheet
    if found.work.sent_in:
        current = sheet.current
        same = found.values == current.by_criterion and found.comment == current.comment
        return None if same else "change"
    if found.send_in:
        return "send_in"
    if not found.values and found.comment is None:
        return None  # left empty: any draft saved on the website stays
    if sheet is not None and found.values == sheet.draft and found.comment == sheet.draft_comment:
        return None
    return "draft"


def _where(found: _Filled, field_name: str) -> tuple[int, int, str]:
    """The cell a service's named problem is about."""
    title = found.work.application.title
    for offset, criterion in enumerate(found.work.criteria):
        if field_name == scoring.field_name(criterion.id):
            return found.top + offset, SCORE, f"criterion ‘{criterion.title}’ for ‘{title}’"
    if field_name == "reason":
        return found.top, REASON, f"why you changed ‘{title}’"
    if field_name == "comment":
        return found.top, COMMENT, f"your comment on ‘{title}’"
    return found.top, TITLE, f"‘{title}’"


def _about_applications(group: list[_Filled]) -> str:
    return _and([f"‘{f.work.application.title}’" for f in group])


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
