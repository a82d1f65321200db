"""Guards: each says why a step cannot happen yet, in words a panel member would use.

A guard is a pure function of the round and the facts the service gathered about it,
so it can be tested without a database and reads the same everywhere it is used.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from commission.clock import uk_datetime
from workflows.model import STAGE_LABELS, Rest

MIN_PANEL_MEMBERS = 3


@dataclass(frozen=True)
class Facts:
    now: datetime
    panel_sizes: dict[str, int] = field(default_factory=dict)
    facilitators: int = 0
    applications_close_at: datetime | None = None
    criteria_versions: int = 0  # adopted versions of the criteria
    questions_ready: bool = False  # the form asks about every criterion now adopted
    call_published: bool = False  # applicants can read the call for applications
    received: int = 0          # sent in and not withdrawn
    unchecked: int = 0         # sent in, eligibility not recorded yet
    eligible: int = 0          # met the rules (whatever happened after)
    shortlisted: int = 0       # on the shortlist (whatever happened after)
    undecided: int = 0         # on the shortlist with no decision yet
    awarded_pence: int = 0
    budget_pence: int = 0
    untold: int = 0            # applicants still waiting for their final result
    reopen_votes_open: int = 0  # panel votes to reopen decisions that have not ended
    panels_without_shortlist: tuple[str, ...] = ()  # panels with applications and no agreed shortlist
    # The interview questions: "none" published, published "not_checked" (despite failing the
    # plain-English check), "not_agreed" by the panel yet, or "agreed".
    interview_questions: str = "none"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def panels_ready(round, facts: Facts) -> str | None:
    if not facts.panel_sizes:
        return "The round has no panel yet. Add a panel and invite its members."
    small = [name for name, size in facts.panel_sizes.items() if size < MIN_PANEL_MEMBERS]
    if small:
        return (f"Each panel needs at least {MIN_PANEL_MEMBERS} members. "
                f"{', '.join(small)} {'has' if len(small) == 1 else 'have'} fewer.")
    return None


def two_panels(round, facts: Facts) -> str | None:
    if len(facts.panel_sizes) < 2:
        return ("This round needs two panels that must both agree, for example a service user panel. "
                "Add the second panel first.")
    return None


def has_facilitator(round, facts: Facts) -> str | None:
    if facts.facilitators < 1:
        return "The round needs a facilitator before it can start."
    return None


def criteria_adopted(round, facts: Facts) -> str | None:
    if facts.criteria_versions < 1:
        return ("The panel has not adopted its criteria yet. Members need to propose criteria "
                "and vote to adopt a set before applications can open.")
    return None


def form_ready(round, facts: Facts) -> str | None:
    if not facts.questions_ready:
        return ("The application form does not ask about the adopted criteria yet. "
                "Make the questions from the criteria on the application form page.")
    return None


def call_published(round, facts: Facts) -> str | None:
    if not facts.call_published:
        return "Publish the call for applications, so that groups can read what the round is for."
    return None


def closing_date_set(round, facts: Facts) -> str | None:
    if facts.applications_close_at is None:
        return "Set the closing date for applications before the round opens."
    if facts.applications_close_at <= facts.now:
        return "The closing date for applications has already passed. Set a date in the future."
    return None


def applications_closed(round, facts: Facts) -> str | None:
    closes = facts.applications_close_at
    if closes is not None and facts.now < closes:
        return (f"Eligibility checks can start on {uk_datetime(closes)}. "
                f"Applications are open until then.")
    return None


def has_applications(round, facts: Facts) -> str | None:
    if facts.received < 1:
        return "No applications have been sent in yet."
    return None


def all_checked(round, facts: Facts) -> str | None:
    if facts.unchecked:
        verb = "needs" if facts.unchecked == 1 else "need"
        return f"{_plural(facts.unchecked, 'application')} still {verb} an eligibility check."
    return None


def some_eligible(round, facts: Facts) -> str | None:
    if facts.eligible < 1:
        return "No application meets the eligibility rules, so there is nothing to shortlist."
    return None


def some_shortlisted(round, facts: Facts) -> str | None:
    if facts.panels_without_shortlist:
        return None  # shortlists_agreed already says which panel has not agreed
    if facts.shortlisted < 1:
        return "The panel has not agreed a shortlist yet."
    return None


def shortlists_agreed(round, facts: Facts) -> str | None:
    waiting = facts.panels_without_shortlist
    if not waiting:
        return None
    if len(waiting) == 1:
        return f"{waiting[0]} has not agreed its shortlist yet."
    return f"{', '.join(waiting[:-1])} and {waiting[-1]} have not agreed their shortlists yet."


def interview_questions_agreed(round, facts: Facts) -> str | None:
    state = facts.interview_questions
    if state == "agreed":
        return None
    if state == "none":
        return ("The interview questions are not published yet. Write them as a document of the kind "
                "‘Interview questions’ and publish it, so the panel can agree them.")
    if state == "not_checked":
        return ("The interview questions were published without passing the plain-English check. Make them "
                "plainer and publish them again, so the panel can agree them.")
    return "The panel has not agreed the interview questions yet. Members vote on them on the interviews page."


def all_decided(round, facts: Facts) -> str | None:
    if facts.undecided:
        return f"The panel has not decided on {_plural(facts.undecided, 'application')} yet."
    return None


def within_budget(round, facts: Facts) -> str | None:
    if facts.awarded_pence > facts.budget_pence:
        over = facts.awarded_pence - facts.budget_pence
        return f"The awards add up to £{over / 100:,.2f} more than the round's budget."
    return None


def no_reopen_vote_open(round, facts: Facts) -> str | None:
    if facts.reopen_votes_open:
        return ("The panel is voting on whether to reopen some decisions. "
                "The round can close once that vote has ended.")
    return None


def everyone_told(round, facts: Facts) -> str | None:
    if facts.untold:
        return f"{_plural(facts.untold, 'applicant')} {'has' if facts.untold == 1 else 'have'} not had their result yet."
    return None


def rest_period(rest: Rest):
    """The guard on the step out of a rest stage: the rest must have run its full length."""

    def rest_over(round, facts: Facts) -> str | None:
        began = round.last_left(rest.after)
        days = round.rest_days(rest.stage) or rest.days
        if began is None:
            return f"The panel's rest after {STAGE_LABELS[rest.after].lower()} has not started."
        ends = began + timedelta(days=days)
        if facts.now < ends:
            return (f"{STAGE_LABELS[rest.before]} can start on {uk_datetime(ends)}. "
                    f"The panel's {days}-day rest after {STAGE_LABELS[rest.after].lower()} ends then.")
        return None

    rest_over.__name__ = f"rest_period_{rest.days}_days"
    rest_over.rest = rest
    return rest_over
