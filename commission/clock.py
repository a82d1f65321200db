"""The one source of "now" for the engine.

Rest periods are measured with this clock. Only in-process code (the demo command and
tests) can move it; no route can, so nobody can skip a rest period from the web.
"""
from __future__ import annotations

import contextlib
import contextvars
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
_offset: contextvars.ContextVar[timedelta] = contextvars.ContextVar("clock_offset", default=timedelta(0))


def now() -> datetime:
    return datetime.now(timezone.utc) + _offset.get()


@contextlib.contextmanager
def travel(to: datetime):
    """Run the body as if it were `to` (and let time pass normally from there)."""
    token = _offset.set(to - datetime.now(timezone.utc))
    try:
        yield
    finally:
        _offset.reset(token)


def advance(delta: timedelta) -> None:
    """Move the in-process clock forward (tests and the demo only)."""
    _offset.set(_offset.get() + delta)


def as_uk(moment: datetime) -> datetime:
    return moment.astimezone(UK)


def uk_date(moment: datetime) -> str:
    """'Tuesday 12 March 2026' in UK time."""
    local = as_uk(moment)
    return f"{local:%A} {local.day} {local:%B %Y}"


def uk_datetime(moment: datetime) -> str:
    local = as_uk(moment)
    return f"{uk_date(moment)} at {local:%H:%M}"
