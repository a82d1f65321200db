"""The demo at shortlisting: the applications are shared out and the panels are part way through
scoring, so a newcomer can try each part. Built through the same services as everything else.

Panel 1: two members have sent in their scores, and they disagree sharply on one application, so
it is flagged for the panel meeting; another member (SCORER) has said yes to her work and has not
started, ready to try scoring. Panel 2 has sent in everything; its scoring is closed and two of
its members have voted for the suggested shortlist, so VOTER can read the results and vote."""
from __future__ import annotations

from datetime import timedelta

from commission import clock
from commission.criteria import service as criteria
from commission.demo import content
from commission.panels import policy as panel_policy
from commission.panels import service as panels
from commission.scores import service as scores
from commission.shortlist import service as shortlist

SCORER = content.PANELS[0]["members"][4]["email"]
VOTER = content.PANELS[1]["members"][2]["email"]
COMMENTS = (
    "Clear plan, and older people are in charge of it.",
    "I liked the home visits. The costs look a little high.",
    "Good idea, but I was not sure who would run it after the first year.",
    "Reaches people who would not come to a hall. That matters.",
)


def share_out_and_score(cast) -> None:
    round = cast.round
    panel_members = [m for m in cast.members]
    first_panel = panel_members[:len(content.PANELS[0]["members"])]
    ready, scorer = first_panel[1], next(m for m in first_panel if m.email == SCORER)
    trained = cast.members[:-2]
    for member in trained:
        if member is ready or panel_policy.levels(member, round):
            continue  # one member is left to say for themselves; others answered already
        for application in panel_policy.panel_applications(member, round):
            panels.declare(member, application, "none")
    clock.advance(timedelta(hours=1))
    panels.share_out(cast.facilitator, round)
    for member in trained:
        if member is not ready and panels.my_assignments(member, round):
            panels.accept_work(member, round)
    version = criteria.current_version(round)
    second_panel = panel_members[len(first_panel):len(first_panel) + len(content.PANELS[1]["members"])]
    sending = [first_panel[2], first_panel[3], *[m for m in second_panel if m in trained]]
    shared = _shared_application(round, first_panel[2], first_panel[3])
    for member in sending:
        for application in panels.my_assignments(member, round):
            clock.advance(timedelta(minutes=40))
            values = {c.id: _points(member.id, application.id, c.position, version.scale_max) for c in version.criteria}
            if application.id == shared:  # a sharp disagreement on the first criterion
                values[version.criteria[0].id] = 0 if member is first_panel[2] else version.scale_max
            scores.submit(member, application, values, COMMENTS[(member.id + application.id) % len(COMMENTS)])
    assert scorer not in sending
    clock.advance(timedelta(days=1))
    panel_two = round.panels[1]
    motion = shortlist.close_scoring(cast.facilitator, round, panel_two)
    for member in second_panel[:2]:
        clock.advance(timedelta(hours=2))
        shortlist.vote(member, round, motion, "yes")


def _points(member_id: int, application_id: int, position: int, top: int) -> int:
    """Scores that look like a real panel's: each application has its own level, members vary a little."""
    level = 1 + application_id % 3
    return max(0, min(top, level + (member_id * 7 + position * 3 + application_id) % 3 - 1))


def _shared_application(round, one, other) -> int | None:
    mine = {a.id for a in panels.my_assignments(one, round)}
    both = [a.id for a in panels.my_assignments(other, round) if a.id in mine]
    return both[0] if both else None
