"""Closing a panel's scoring, and the panel's vote on its shortlist.

When a facilitator closes a panel's scoring, the ranking and the budget suggest a shortlist
(the first motion). Members vote yes or no on the open motion; any member may propose a
change, with a reason, which replaces it. The motion is agreed when, for every eligible
application of the panel, the members who may vote on it meet the round's rule:

  majority   more than half of them said yes, and at least the round's quorum of them voted
  consensus  all of them said yes

Members who may vote on an application: the panel's members who have not stepped back, and
whose link with its group does not exclude them. An excluded member may still vote, but their
vote does not count for that application. Services check, write, audit and flush; views commit.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, select

from commission import clock
from commission.applications.models import Application, ApplicationStatus
from commission.audit import service as audit
from commission.errors import FieldProblem, NotAllowed, RuleBroken
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.panels.models import Assignment
from commission.rounds import policy
from commission.rounds.models import Panel, Round, RoundPerson
from commission.scores import policy as score_policy
from commission.scores.models import ScoreSheet
from commission.shortlist.models import SHORTLIST_CHOICES, ScoringClosure, ShortlistMotion, ShortlistVote
from commission.shortlist.results import panel_results

REASON_LIMIT = 2_000


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _clean_reason(reason: str | None) -> str | None:
    reason = (reason or "").strip()
    if len(reason) > REASON_LIMIT:
        raise FieldProblem.one("reason", f"Keep your reason to {REASON_LIMIT:,} characters or fewer.")
    return reason or None


def _panel_of_round(round: Round, panel: Panel) -> None:
    if panel.round_id != round.id:
        raise NotAllowed("That panel belongs to another round.")


def eligible_ids(round: Round, panel: Panel) -> list[int]:
    """The panel's applications that met the rules (whatever happened after), oldest first."""
    return list(db.session.scalars(select(Application.id).where(
        Application.round_id == round.id, Application.panel_id == panel.id,
        Application.status.in_(panel_policy.PANEL_STATUSES)).order_by(Application.id)))


def scoring_not_in(round: Round, panel: Panel) -> int:
    """Live pieces of scoring (assignments) of the panel whose scores have not been sent in."""
    sent = (select(ScoreSheet.id).where(ScoreSheet.application_id == Assignment.application_id,
                                        ScoreSheet.member_id == Assignment.member_id,
                                        ScoreSheet.current_record_id.is_not(None)).exists())
    return db.session.scalar(select(func.count()).select_from(Assignment).join(Application).where(
        Application.round_id == round.id, Application.panel_id == panel.id,
        Application.status.in_(panel_policy.PANEL_STATUSES), Assignment.released_at.is_(None), ~sent))


def open_motion(panel_id: int, *, lock: bool = False) -> ShortlistMotion | None:
    query = select(ShortlistMotion).where(ShortlistMotion.panel_id == panel_id, ShortlistMotion.status == "open")
    return db.session.scalar(query.with_for_update() if lock else query)


def latest_motion(panel_id: int) -> ShortlistMotion | None:
    return db.session.scalar(select(ShortlistMotion).where(ShortlistMotion.panel_id == panel_id)
                             .order_by(ShortlistMotion.number.desc()).limit(1))


def close_scoring(actor, round: Round, panel: Panel, reason: str | None = None) -> ShortlistMotion:
    """Close the panel's scoring: no more scores or changes. The panel then sees its results and
    votes on the shortlist the ranking and budget suggest (returned, as the first motion)."""
    if not policy.can_manage_round(actor, round):
        raise NotAllowed("Only a facilitator of this round can close scoring.")
    _panel_of_round(round, panel)
    if round.stage != score_policy.SCORING_STAGE:
        raise RuleBroken("Scoring can only be closed while the panel is shortlisting.")
    # Locked for the rest of the transaction: two clicks cannot both close it.
    db.session.scalar(select(Panel.id).where(Panel.id == panel.id).with_for_update())
    shut = score_policy.closure(panel.id)
    if shut is not None:
        raise RuleBroken(f"Scoring for {panel.name} is already closed.")
    if not eligible_ids(round, panel):
        raise RuleBroken(f"{panel.name} has no applications to score, so there is no scoring to close.")
    missing = scoring_not_in(round, panel)
    reason = _clean_reason(reason)
    if missing and not reason:
        verb = "is" if missing == 1 else "are"
        raise FieldProblem.one("reason", f"{_plural(missing, 'piece', 'pieces')} of scoring {verb} not in yet. "
                                         "Say why you are closing scoring now.")
    results = panel_results(round, panel)
    now = clock.now()
    db.session.add(ScoringClosure(panel_id=panel.id, closed_at=now, closed_by_id=actor.id, reason=reason))
    motion = ShortlistMotion(round_id=round.id, panel_id=panel.id, number=1, moved_by_id=None, reason=None,
                             application_ids_json=json.dumps(results.chosen_ids), status="open", created_at=now)
    db.session.add(motion)
    db.session.flush()
    audit.record(actor, "scoring.closed", "panel", panel.id, round_id=round.id, scoring_not_in=missing,
                 reason=reason)
    audit.record(actor, "shortlist.suggested", "shortlist_motion", motion.id, round_id=round.id,
                 panel_id=panel.id, number=1, application_ids=results.chosen_ids, share_pence=results.share_pence,
                 method=results.method_used, method_asked=results.method_asked)
    return motion


# Voting ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Count:
    """How the vote on one application of a motion stands."""

    application_id: int
    can_vote: int      # members who may vote on it (not stepped back, not excluded by a link)
    voted: int
    yes: int
    agreed: bool
    words: str


def panel_voters(panel: Panel) -> list[int]:
    """The panel's members who have not stepped back."""
    return list(db.session.scalars(select(RoundPerson.user_id).where(
        RoundPerson.panel_id == panel.id, RoundPerson.role == "member", RoundPerson.stepped_back_at.is_(None))))


def counts(round: Round, motion: ShortlistMotion) -> dict[int, Count]:
    """{application id: Count} for every eligible application of the motion's panel."""
    panel = db.session.get(Panel, motion.panel_id)
    applications = eligible_ids(round, panel)
    voters = set(panel_voters(panel))
    excluded = panel_policy.excluded_pairs(round, applications)
    ballots = dict(db.session.execute(select(ShortlistVote.member_id, ShortlistVote.choice)
                                      .where(ShortlistVote.motion_id == motion.id)).all())
    found = {}
    for application_id in applications:
        may = {m for m in voters if (application_id, m) not in excluded}
        voted = [ballots[m] for m in may if m in ballots]
        yes = voted.count("yes")
        found[application_id] = Count(application_id, len(may), len(voted), yes,
                                      *rule_met(round, len(may), len(voted), yes))
    return found


def rule_met(round: Round, can_vote: int, voted: int, yes: int) -> tuple[bool, str]:
    so_far = f"{yes} of {can_vote} said yes ({voted} voted)."
    if can_vote == 0:
        return False, ("Nobody on the panel can vote on this one: everyone has stepped back or has a link with "
                       "the group. Talk to your facilitator.")
    if round.vote_rule == "consensus":
        return yes == can_vote, f"{so_far} Everyone who can vote must say yes."
    quorum = -(-can_vote * round.quorum_percent // 100)  # at least this many must vote (rounded up)
    agreed = 2 * yes > can_vote and voted >= quorum
    return agreed, f"{so_far} More than half must say yes, and at least {quorum} must vote."


def why_not_vote(actor, round: Round, motion: ShortlistMotion) -> str | None:
    """None if this person may vote on (or propose a change to) this shortlist now."""
    if policy.round_role(actor, round) != "member":
        return "Only panel members vote on the shortlist. Staff cannot vote."
    if panel_policy.panel_of(actor, round) != motion.panel_id:
        return "This shortlist is another panel's."
    if score_policy.stepped_back(actor, round):
        return "You have stepped back from this round, so you are not asked to vote. Thank you."
    if motion.status == "agreed":
        return "The panel has already agreed this shortlist, so the vote is closed."
    if motion.status == "replaced":
        return "A member has proposed a change, so this shortlist has been replaced. Vote on the new one."
    if round.stage != score_policy.SCORING_STAGE:
        return "The panel votes on its shortlist while shortlisting. That stage is over."
    return None


def _check_voter(actor, round: Round, motion: ShortlistMotion) -> None:
    reason = why_not_vote(actor, round, motion)
    if reason is None:
        return
    if policy.round_role(actor, round) != "member" or panel_policy.panel_of(actor, round) != motion.panel_id:
        raise NotAllowed(reason)
    raise RuleBroken(reason)


def vote(actor, round: Round, motion: ShortlistMotion, choice: str) -> ShortlistVote:
    """A member votes yes or no on the open shortlist, or changes their vote while it is open.
    If the shortlist is then agreed, the applications' statuses are set at once."""
    if motion.round_id != round.id:
        raise NotAllowed("That shortlist belongs to another round.")
    _check_voter(actor, round, motion)
    # Locked: votes on one motion are counted one at a time, so agreement is decided once.
    db.session.refresh(motion, with_for_update=True)
    _check_voter(actor, round, motion)
    if choice not in SHORTLIST_CHOICES:
        raise RuleBroken("Choose yes or no.")
    ballot = db.session.scalar(select(ShortlistVote).where(ShortlistVote.motion_id == motion.id,
                                                           ShortlistVote.member_id == actor.id))
    if ballot is not None:
        if ballot.choice == choice:
            raise RuleBroken(f"You have already voted {choice} on this shortlist. You can change your vote "
                             "while the vote is open.")
        before = ballot.choice
        ballot.choice, ballot.at = choice, clock.now()
        db.session.flush()
        audit.record(actor, "shortlist.vote_changed", "shortlist_vote", ballot.id, round_id=round.id,
                     motion_id=motion.id, choice=audit.change(before, choice))
    else:
        ballot = ShortlistVote(motion_id=motion.id, member_id=actor.id, choice=choice, at=clock.now())
        db.session.add(ballot)
        db.session.flush()
        audit.record(actor, "shortlist.voted", "shortlist_vote", ballot.id, round_id=round.id,
                     motion_id=motion.id, choice=choice)
    _agree_if_carried(actor, round, motion)
    return ballot


def _agree_if_carried(actor, round: Round, motion: ShortlistMotion) -> bool:
    found = counts(round, motion)
    if not found or not all(count.agreed for count in found.values()):
        return False
    motion.status, motion.decided_at = "agreed", clock.now()
    db.session.flush()
    audit.record(actor, "shortlist.agreed", "shortlist_motion", motion.id, round_id=round.id,
                 panel_id=motion.panel_id, status=audit.change("open", "agreed"),
                 application_ids=motion.application_ids, rule=round.vote_rule,
                 votes={str(a): {"yes": c.yes, "voted": c.voted, "can_vote": c.can_vote} for a, c in found.items()})
    listed = set(motion.application_ids)
    for application in db.session.scalars(select(Application).where(Application.id.in_(list(found)))
                                          .order_by(Application.id)):
        status = ApplicationStatus.shortlisted if application.id in listed else ApplicationStatus.not_shortlisted
        before, application.status = application.status, status.value
        db.session.flush()
        audit.record(actor, f"application.{status.value}", "application", application.id, round_id=round.id,
                     motion_id=motion.id, status=audit.change(before, status.value))
    return True


def propose_change(actor, round: Round, panel: Panel, application_ids, reason: str | None) -> ShortlistMotion:
    """A member proposes a different shortlist, with a reason. It replaces the open one, and the
    panel votes again."""
    _panel_of_round(round, panel)
    current = open_motion(panel.id)
    if current is None:
        if score_policy.panel_agreed(panel.id):
            raise RuleBroken("The panel has already agreed its shortlist, so it cannot be changed now.")
        raise RuleBroken("There is no shortlist to change yet. It is suggested when scoring closes.")
    _check_voter(actor, round, current)
    db.session.refresh(current, with_for_update=True)
    _check_voter(actor, round, current)
    reason = _clean_reason(reason)
    if not reason:
        raise FieldProblem.one("reason", "Say why you want to change the shortlist. The panel and the funder "
                                         "will see it.")
    panel_ids = eligible_ids(round, panel)
    try:
        chosen = {int(i) for i in application_ids}
    except (TypeError, ValueError):
        raise FieldProblem.one("applications", "Choose applications from the list.") from None
    if not chosen <= set(panel_ids):
        raise FieldProblem.one("applications", "Those are not all applications your panel is looking at.")
    if not chosen:
        raise FieldProblem.one("applications", "Choose at least one application for the shortlist.")
    before = set(current.application_ids)
    # A member's links stay as they are: they neither see nor decide whether those groups are on it
    # (the page does not even say), so what they send for them is ignored.
    linked = {a for a, m in panel_policy.excluded_pairs(round, panel_ids) if m == actor.id}
    chosen = (chosen - linked) | (before & linked)
    if chosen == before:
        raise FieldProblem.one("applications", "That is the shortlist already put to the vote. Nothing has changed.")
    order = panel_results(round, panel).order
    ids = [i for i in order if i in chosen]
    current.status, current.decided_at = "replaced", clock.now()
    motion = ShortlistMotion(round_id=round.id, panel_id=panel.id, number=current.number + 1,
                             moved_by_id=actor.id, reason=reason, application_ids_json=json.dumps(ids),
                             status="open", created_at=clock.now())
    db.session.add(motion)
    db.session.flush()
    audit.record(actor, "shortlist.change_proposed", "shortlist_motion", motion.id, round_id=round.id,
                 panel_id=panel.id, number=motion.number, replaces=current.id,
                 application_ids=audit.change(current.application_ids, ids), reason=reason)
    return motion
