"""UK times in, calendar files out.

People type interview times as they read a clock in the UK; they are stored in UTC. Calendar
files carry the Europe/London time zone itself (a VTIMEZONE made by `icalendar`), so a
calendar shows 10:00 for a 10:00 interview on either side of a clock change.

Each interview has one UID for good. Every change raises its SEQUENCE, so a file downloaded
again replaces the one a calendar already has; a cancellation is METHOD:CANCEL and
STATUS:CANCELLED with the same UID.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from icalendar import Calendar, Event, vCalAddress

from commission import clock
from commission.errors import FieldProblem

PRODID = "-//Commission//Interviews//EN"
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def uk_moment(day: str | None, month: str | None, year: str | None, time: str | None) -> datetime:
    """The moment a UK clock shows this date and time, in UTC. Each problem is named beside its
    box; a time the clocks skip in March is refused, and a time they pass twice in October
    means the first (still summer time)."""
    try:
        local_date = date(int(year or ""), int(month or ""), int(day or ""))
    except ValueError:
        raise FieldProblem.one("day", "Enter a real date, for example 14 3 2027.") from None
    found = _TIME.match(time or "")
    if not found or int(found.group(1)) > 23 or int(found.group(2)) > 59:
        raise FieldProblem.one("time", "Enter the time on the 24-hour clock, for example 14:30.")
    naive = datetime(local_date.year, local_date.month, local_date.day, int(found.group(1)), int(found.group(2)))
    moment = naive.replace(tzinfo=clock.UK)
    if moment.astimezone(timezone.utc).astimezone(clock.UK).replace(tzinfo=None) != naive:
        raise FieldProblem.one("time", "That time does not happen in the UK on that day, because the clocks go "
                                       "forward. Choose another time.")
    return moment.astimezone(timezone.utc)


def uid(interview) -> str:
    return f"interview-{interview.id}-round-{interview.round_id}@commission"


def ics(interview, slot, *, summary: str, description: str, cancelled: bool, organiser=None) -> bytes:
    """One interview as a calendar file. `slot` is the time booked now, or (if `cancelled`) the
    time being cancelled."""
    start = clock.as_uk(slot.starts_at)
    event = Event.new(uid=uid(interview), summary=summary, description=description, start=start,
                      end=start + timedelta(minutes=slot.minutes), sequence=interview.sequence,
                      stamp=clock.now().astimezone(timezone.utc),
                      status="CANCELLED" if cancelled else "CONFIRMED",
                      location=slot.place if slot.means == "in_person" else "Video call",
                      url=slot.place if slot.means == "video" else None)
    if organiser is not None:
        event["ORGANIZER"] = vCalAddress.new(f"mailto:{organiser.email}", cn=organiser.name)
    calendar = Calendar.new(prodid=PRODID, method="CANCEL" if cancelled else "PUBLISH", subcomponents=[event])
    # The time zone's rules for a year either side are plenty, and keep the file small.
    calendar.add_missing_timezones(first_date=start.date() - timedelta(days=366),
                                   last_date=start.date() + timedelta(days=366))
    return calendar.to_ical()
