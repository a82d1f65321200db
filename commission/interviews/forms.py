"""Reading what people typed on the interview pages. This checks only the shape of it (a
number is a number, a date is a date); the rules are in commission.interviews.service."""
from __future__ import annotations

from commission.applications.forms import whole_number
from commission.errors import FieldProblem
from commission.interviews.calendar import uk_moment
from commission.interviews.questions import note_field

SLOT_BOXES = ("day", "month", "year", "time", "minutes", "means", "place", "access")


def slot_values(form) -> dict:
    """The add-a-time form as service.add_slot's arguments. Problems are named by box."""
    problems = {}
    starts_at = None
    try:
        starts_at = uk_moment(form.get("day"), form.get("month"), form.get("year"), form.get("time"))
    except FieldProblem as err:
        problems.update(err.fields)
    minutes = whole_number(form.get("minutes"))
    if minutes is None:
        problems["minutes"] = "Enter how long the interview lasts in minutes, as a whole number, like 45."
    if problems:
        raise FieldProblem(problems)
    return dict(starts_at=starts_at, minutes=minutes, means=form.get("means", ""), place=form.get("place"),
                access=form.get("access"))


def whole(form, box: str, message: str) -> int:
    value = whole_number(form.get(box))
    if value is None:
        raise FieldProblem.one(box, message)
    return value


def note_values(form, count: int) -> dict[int, str]:
    """{question number: note} for the boxes on the notes form."""
    return {n: form.get(note_field(n), "") for n in range(1, count + 1) if note_field(n) in form}
