"""Reopening decisions of a decided round, and confirming them again.

The round's stage on reopening: it stays `decided`. A panel vote to reopen named decisions, with
a reason, is the only way back. If it carries (in a dual-key round, every panel must agree) only
those decisions end; their applications go back on the shortlist, and any proposal on them left
open when the panel confirmed is dropped. Every other decision stays locked. The panel decides
the reopened ones again the same way (commission.decisions.service), then a member confirms them
(`confirm`, with the same guards as the workflow step: all decided, within the budget), which
locks them and sets the applications' status. Until then their applicants have no result, so
the round cannot close. Services check, write, audit and flush; views commit.
"""
from __future__ import annotations

import json

from sqlalchemy import select

from commission import clock
from commission.applications.models import Application
from commission.audit import service as audit
from commission.decisions import policy, service
from commission.decisions.models import OUTCOME_STATUS, VOTE_CHOICES, Decision, ReopenMotion, ReopenVote
from commission.errors import FieldProblem, NotAllowed, RuleBroken
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.rounds import policy as round_policy
from commission.rounds.models import Round
from commission.scores import policy as score_policy
from workflows import guards


def confirm(actor, round: Round):
    """A panel member confirms the panel's decisions. While deciding, that is the workflow step
    `confirm_decisions`. In a decided round, it locks the decisions made again after a reopen
    vote, once every reopened application has one and the total is within the budget."""
    from commission.rounds import service as rounds  # rounds.service reads this package's totals

    if round_policy.round_role(actor, round) != "member":
        raise NotAllowed("Only the panel confirms its decisions. Staff cannot.")
    if round.stage == policy.DECIDING:
        return rounds.take_step(actor, round, "confirm_decisions")
    if round.stage != policy.DECIDED:
        raise RuleBroken("The panel confirms its decisions at the end of the deciding stage.")
    service.lock_round(round)
    facts = rounds.facts(round)
    reasons = [r for guard in (guards.all_decided, guards.within_budget) if (r := guard(round, facts))]
    if reasons:
        raise RuleBroken(" ".join(reasons))
    waiting = policy.waiting_to_confirm(round)
    if not waiting:
        raise RuleBroken("Every decision is already confirmed and locked. There is nothing to confirm.")
    now = clock.now()
    for decision in waiting:
        application = db.session.get(Application, decision.application_id)
        before, application.status = application.status, OUTCOME_STATUS[decision.outcome]
        decision.confirmed_at = now
        db.session.flush()
        audit.record(actor, "decision.confirmed", "decision", decision.id, round_id=round.id,
                     application_id=application.id, after_reopen_id=decision.after_reopen_id,
                     status=audit.change(before, application.status))
    return waiting


# Reopening --------------------------------------------------------------------------------------

def open_reopen(round: Round, panel_id: int) -> ReopenMotion | None:
    return db.session.scalar(select(ReopenMotion).where(ReopenMotion.round_id == round.id,
                                                        ReopenMotion.panel_id == panel_id,
                                                        ReopenMotion.status == "open"))


def reopenable(member, round: Round) -> list[tuple[Decision, Application]]:
    """Locked decisions of the member's panel they may ask to reopen (none with a link that keeps them out)."""
    panel_id = panel_policy.panel_of(member, round)
    rows = db.session.execute(select(Decision, Application).join(Application, Application.id == Decision.application_id)
                              .where(Decision.round_id == round.id, Decision.ended_at.is_(None),
                                     Application.panel_id == panel_id).order_by(Application.id)).all()
    excluded = {a for a, m in panel_policy.excluded_pairs(round, [a.id for _, a in rows]) if m == member.id}
    return [(d, a) for d, a in rows if policy.is_locked(round, d) and a.id not in excluded]


def _why_not_reopen(actor, round: Round) -> tuple[str, bool] | None:
    if round_policy.round_role(actor, round) != "member":
        return "Only panel members can vote to reopen a decision. Staff cannot.", True
    if policy.stage_of(round) == policy.DECIDING:
        return "The decisions are not locked yet. Propose a new decision instead.", False
    if round.stage != policy.DECIDED:
        return "Decisions can be reopened only after the panel has confirmed them, and before the round closes.", False
    if score_policy.stepped_back(actor, round):
        return "You have stepped back from this round, so you are not asked to vote. Thank you.", False
    return None


def propose_reopen(actor, round: Round, decision_ids, reason: str | None) -> ReopenMotion:
    """A member asks the panel to reopen named decisions of their panel, with a reason."""
    service.refuse_if(_why_not_reopen(actor, round))
    service.lock_round(round)
    panel_id = panel_policy.panel_of(actor, round)
    problems = {}
    reason = service.typed_text(reason, "reason", "Keep your reason", problems)
    if not reason:
        problems["reason"] = "Say why the panel should reopen these decisions. The funder will see it."
    mine = {d.id: a for d, a in reopenable(actor, round)}
    try:
        named = sorted({int(i) for i in decision_ids})
    except (TypeError, ValueError):
        named = None
    if named is None or not set(named) <= set(mine):
        problems["decisions"] = "Choose decisions from the list. You can only ask to reopen your panel's decisions."
    elif not named:
        problems["decisions"] = "Choose the decisions you want to reopen."
    if problems:
        raise FieldProblem(problems)
    before = open_reopen(round, panel_id)
    if before is not None:
        before.status, before.closed_at = "replaced", clock.now()
    motion = ReopenMotion(round_id=round.id, panel_id=panel_id, moved_by_id=actor.id, reason=reason,
                          decision_ids_json=json.dumps(named), status="open", created_at=clock.now())
    db.session.add(motion)
    db.session.flush()
    audit.record(actor, "decision.reopen_proposed", "decision_reopen_motion", motion.id, round_id=round.id,
                 panel_id=panel_id, decision_ids=named, application_ids=[mine[i].id for i in named], reason=reason,
                 replaces=before.id if before else None)
    return motion


def reopen_positions(round: Round, motion: ReopenMotion) -> list[policy.Position]:
    application_ids = _reopen_applications(motion)
    ballots = dict(db.session.execute(select(ReopenVote.member_id, ReopenVote.choice)
                                      .where(ReopenVote.motion_id == motion.id)).all())
    return policy.positions(round, policy.voting_panels(round, motion.panel_id), application_ids, ballots)


def _reopen_applications(motion: ReopenMotion) -> list[int]:
    return list(db.session.scalars(select(Decision.application_id).where(Decision.id.in_(motion.decision_ids))
                                   .order_by(Decision.application_id)))


def why_not_vote_reopen(actor, round: Round, motion: ReopenMotion) -> tuple[str, bool] | None:
    found = _why_not_reopen(actor, round)
    if found:
        return found
    if panel_policy.panel_of(actor, round) not in policy.voting_panels(round, motion.panel_id):
        return "This vote belongs to another panel.", True
    linked = {a for a, m in panel_policy.excluded_pairs(round, _reopen_applications(motion)) if m == actor.id}
    if linked:
        return ("You told us about a link with a group named in this vote, so you do not vote on it. "
                "Thank you for saying so."), False
    if motion.status != "open":
        return "This vote has ended.", False
    return None


def vote_reopen(actor, round: Round, motion: ReopenMotion, choice: str) -> ReopenVote:
    if motion.round_id != round.id:
        raise NotAllowed("That vote belongs to another round.")
    service.refuse_if(why_not_vote_reopen(actor, round, motion))
    service.lock_round(round)
    db.session.refresh(motion, with_for_update=True)
    service.refuse_if(why_not_vote_reopen(actor, round, motion))
    if choice not in VOTE_CHOICES:
        raise RuleBroken("Choose yes or no.")
    ballot = db.session.scalar(select(ReopenVote).where(ReopenVote.motion_id == motion.id,
                                                        ReopenVote.member_id == actor.id))
    panel_id = panel_policy.panel_of(actor, round)
    if ballot is not None:
        if ballot.choice == choice:
            raise RuleBroken(f"You have already voted {choice}. You can change your vote while the vote is open.")
        before, ballot.choice, ballot.at = ballot.choice, choice, clock.now()
        db.session.flush()
        audit.record(actor, "decision.reopen_vote_changed", "decision_reopen_vote", ballot.id, round_id=round.id,
                     motion_id=motion.id, panel_id=panel_id, choice=audit.change(before, choice))
    else:
        ballot = ReopenVote(motion_id=motion.id, member_id=actor.id, panel_id=panel_id, choice=choice,
                            at=clock.now())
        db.session.add(ballot)
        db.session.flush()
        audit.record(actor, "decision.reopen_voted", "decision_reopen_vote", ballot.id, round_id=round.id,
                     motion_id=motion.id, panel_id=panel_id, choice=choice)
    _settle_reopen(actor, round, motion)
    return ballot


def _settle_reopen(actor, round: Round, motion: ReopenMotion) -> str:
    found = reopen_positions(round, motion)
    if all(p.state == "yes" for p in found):
        status = "agreed"
    elif any(p.state == "no" for p in found):
        status = "not_agreed"
    elif any(p.state == "discussion" for p in found):
        status = "discussion"
    else:
        return "open"
    decisions = list(db.session.scalars(select(Decision).where(Decision.id.in_(motion.decision_ids))
                                        .order_by(Decision.id)))
    if status == "agreed" and not all(policy.is_locked(round, d) for d in decisions):
        raise RuleBroken("One of these decisions has been reopened already. Ask again about the others.")
    now = clock.now()
    motion.status, motion.closed_at = status, now
    motion.positions_json = json.dumps({str(p.panel_id): p.record() for p in found})
    db.session.flush()
    action = {"agreed": "decision.reopen_agreed", "not_agreed": "decision.reopen_not_agreed",
              "discussion": "decision.reopen_back_to_discussion"}[status]
    audit.record(actor, action, "decision_reopen_motion", motion.id, round_id=round.id, panel_id=motion.panel_id,
                 decision_ids=motion.decision_ids, status=audit.change("open", status), rule=round.vote_rule,
                 positions={str(p.panel_id): p.record() for p in found})
    if status != "agreed":
        return status
    for decision in decisions:
        application = db.session.get(Application, decision.application_id)
        decision.ended_at, decision.ended_how, decision.ended_by_reopen_id = now, "reopened", motion.id
        stale = service.open_motion(application.id)  # left open when the panel confirmed: it does not come back
        if stale is not None:
            stale.status, stale.closed_at = "replaced", now
        before, application.status = application.status, "shortlisted"
        db.session.flush()
        audit.record(actor, "decision.reopened", "decision", decision.id, round_id=round.id,
                     application_id=application.id, reopen_id=motion.id, status=audit.change(before, "shortlisted"))
    return status
