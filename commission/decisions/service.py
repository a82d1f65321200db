"""The panel's binding decisions (stage `deciding`, and reopening after `decided`).

For each shortlisted application a member of its panel proposes a decision: fund in full, fund
part of it (an amount and what it pays for) or do not fund, with a reason about the adopted
criteria. The panel votes by the round's rule (see policy.positions):

  majority   agreed when more than half of those who may vote say yes, with the quorum voting;
             not agreed once a majority is out of reach (a member then proposes again)
  consensus  agreed when everyone who may vote says yes; any no sends it back to discussion,
             which is recorded, and a member proposes again after talking it over
  dual-key   every other panel of the round votes on the same proposal by the same rule. Both
             must agree. If the application's own panel does not agree, it has not decided yet
             and proposes again. If another panel does not agree, its key is withheld: the
             application is not funded in this round. Each panel's position is kept on the
             proposal and in the audit trail.

Money: the total of the decisions standing never goes above the round's budget. A proposal or a
yes vote that would take it over is refused, saying what is left.

The application's status follows its decision at once while the round is deciding (the
workflow's guards and other pages read it). When the panel confirms its decisions (the workflow
step `confirm_decisions`) the round is `decided` and every decision is locked.

Reopening a decided round's decisions, and confirming them again, is in commission.decisions.reopen.

Staff never vote, propose or reopen. A facilitator may record a concern, which changes nothing.
Services check, write, audit and flush; views commit.
"""
from __future__ import annotations

import json

from sqlalchemy import func, select

from commission import clock
from commission.applications.models import Application
from commission.audit import service as audit
from commission.criteria import service as criteria
from commission.decisions import policy
from commission.decisions.models import (OUTCOME_STATUS, OUTCOMES, VOTE_CHOICES, Decision, DecisionConcern,
                                         DecisionMotion, DecisionVote)
from commission.errors import FieldProblem, NotAllowed, RuleBroken
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.panels import service as panels
from commission.panels.models import ConflictDeclaration
from commission.rounds import policy as round_policy
from commission.rounds.models import Round

TEXT_LIMIT = 2_000

MOTION_CLOSED = {
    "agreed": "The panel has agreed this proposal, so the vote is closed.",
    "not_agreed": "The panel did not agree this proposal, so the vote is closed. A member can propose again.",
    "discussion": "This proposal went back to discussion, so the vote is closed. A member can propose again.",
    "withheld": "Another panel did not agree this proposal, so the vote is closed.",
    "replaced": "A member has proposed something else, so this proposal is replaced. Vote on the new one.",
}


def typed_text(value: str | None, field: str, too_long: str, problems: dict[str, str]) -> str | None:
    """Typed text, trimmed; None if empty. Too long goes into `problems` under `field`."""
    value = (value or "").strip()
    if len(value) > TEXT_LIMIT:
        problems[field] = f"{too_long} to {TEXT_LIMIT:,} characters or fewer."
    return value or None


def refuse_if(found: tuple[str, bool] | None) -> None:
    if found is None:
        return
    reason, not_allowed = found
    raise NotAllowed(reason) if not_allowed else RuleBroken(reason)


def lock_round(round: Round) -> None:
    """Decisions of one round are written one at a time, so the budget is checked once, in order."""
    db.session.scalar(select(Round.id).where(Round.id == round.id).with_for_update())


def _over_budget(round: Round, amount_pence: int, application_id: int) -> str | None:
    left = policy.remaining_pence(round, application_id)
    if amount_pence <= left:
        return None
    return (f"That would take the total awarded above the round's budget of {policy.money(round.budget_pence)}. "
            f"{policy.money(max(left, 0))} is left to give.")


def _application_of(round: Round, application: Application) -> None:
    if application.round_id != round.id:
        raise NotAllowed("That application belongs to another round.")


# Proposing --------------------------------------------------------------------------------------

def propose(actor, round: Round, application: Application, outcome: str, *, reason: str | None,
            criterion_ids=(), amount_pence: int | None = None, covers: str | None = None) -> DecisionMotion:
    """A member of the application's panel proposes its decision. It replaces any proposal still
    being voted on for the application, and the panel(s) vote on it."""
    _application_of(round, application)
    refuse_if(policy.why_not_propose(actor, round, application))
    lock_round(round)
    refuse_if(policy.why_not_propose(actor, round, application))
    problems: dict[str, str] = {}
    requested = application.amount_requested_pence
    if outcome not in OUTCOMES:
        problems["outcome"] = "Choose fund in full, fund part of it, or do not fund."
    elif outcome == "fund":
        amount_pence, covers = requested, None
    elif outcome == "not_fund":
        amount_pence, covers = 0, None
    else:
        if amount_pence is None:
            problems["amount"] = "Enter the amount in pounds, like 5,000 or 5,000.50."
        elif amount_pence <= 0:
            problems["amount"] = "Enter an amount of more than £0. If the panel gives nothing, choose do not fund."
        elif amount_pence > requested:
            problems["amount"] = (f"{policy.money(amount_pence)} is more than the {policy.money(requested)} the group "
                                  f"asked for. Enter {policy.money(requested)} or less.")
        elif amount_pence == requested:
            problems["amount"] = "That is the whole amount the group asked for. Choose fund in full instead."
        covers = typed_text(covers, "covers", "Keep what it pays for", problems)
        if not covers:
            problems["covers"] = "Say what the part award pays for, so the group knows."
    reason = typed_text(reason, "reason", "Keep your reason", problems)
    if not reason:
        problems["reason"] = "Give the reason for this decision. The group's feedback is written from it."
    version = criteria.current_version(round)
    adopted = {c.id for c in version.criteria} if version else set()
    try:
        ticked = sorted({int(i) for i in criterion_ids})
    except (TypeError, ValueError):
        ticked = None
    if ticked is None or not set(ticked) <= adopted:
        problems["criteria"] = "Choose criteria from the list."
    elif not ticked:
        problems["criteria"] = "Tick the criteria your reason is about."
    if problems:
        raise FieldProblem(problems)
    over = _over_budget(round, amount_pence, application.id)
    if over:
        raise RuleBroken(over)
    before = open_motion(application.id)
    if before is not None:
        before.status, before.closed_at = "replaced", clock.now()
    number = (db.session.scalar(select(func.max(DecisionMotion.number)).where(
        DecisionMotion.application_id == application.id)) or 0) + 1
    motion = DecisionMotion(round_id=round.id, application_id=application.id, number=number, moved_by_id=actor.id,
                            outcome=outcome, amount_pence=amount_pence, covers=covers, reason=reason,
                            criterion_ids_json=json.dumps(ticked), status="open", created_at=clock.now())
    db.session.add(motion)
    db.session.flush()
    audit.record(actor, "decision.proposed", "decision_motion", motion.id, round_id=round.id,
                 application_id=application.id, panel_id=application.panel_id, number=number, outcome=outcome,
                 amount_pence=amount_pence, covers=covers, reason=reason, criterion_ids=ticked,
                 replaces=before.id if before else None)
    return motion


def open_motion(application_id: int) -> DecisionMotion | None:
    return db.session.scalar(select(DecisionMotion).where(DecisionMotion.application_id == application_id,
                                                          DecisionMotion.status == "open"))


def motion_positions(round: Round, motion: DecisionMotion, application: Application) -> list[policy.Position]:
    ballots = dict(db.session.execute(select(DecisionVote.member_id, DecisionVote.choice)
                                      .where(DecisionVote.motion_id == motion.id)).all())
    return policy.positions(round, policy.voting_panels(round, application.panel_id), [application.id], ballots)


# Voting -----------------------------------------------------------------------------------------

def vote(actor, round: Round, motion: DecisionMotion, choice: str) -> DecisionVote:
    """A member votes yes or no on a proposed decision, or changes their vote while it is open.
    When the vote settles, the decision is made (or the proposal ends) at once."""
    if motion.round_id != round.id:
        raise NotAllowed("That proposal belongs to another round.")
    application = db.session.get(Application, motion.application_id)
    refuse_if(policy.why_not_vote(actor, round, application))
    lock_round(round)
    db.session.refresh(motion, with_for_update=True)
    refuse_if(policy.why_not_vote(actor, round, application))
    if motion.status != "open":
        raise RuleBroken(MOTION_CLOSED[motion.status])
    if choice not in VOTE_CHOICES:
        raise RuleBroken("Choose yes or no.")
    if choice == "yes":
        over = _over_budget(round, motion.amount_pence, application.id)
        if over:
            raise RuleBroken(over)
    ballot = db.session.scalar(select(DecisionVote).where(DecisionVote.motion_id == motion.id,
                                                          DecisionVote.member_id == actor.id))
    panel_id = panel_policy.panel_of(actor, round)
    if ballot is not None:
        if ballot.choice == choice:
            raise RuleBroken(f"You have already voted {choice} on this proposal. You can change your vote while "
                             "the vote is open.")
        before, ballot.choice, ballot.at = ballot.choice, choice, clock.now()
        db.session.flush()
        audit.record(actor, "decision.vote_changed", "decision_vote", ballot.id, round_id=round.id,
                     motion_id=motion.id, application_id=application.id, panel_id=panel_id,
                     choice=audit.change(before, choice))
    else:
        ballot = DecisionVote(motion_id=motion.id, member_id=actor.id, panel_id=panel_id, choice=choice,
                              at=clock.now())
        db.session.add(ballot)
        db.session.flush()
        audit.record(actor, "decision.voted", "decision_vote", ballot.id, round_id=round.id, motion_id=motion.id,
                     application_id=application.id, panel_id=panel_id, choice=choice)
    _settle(actor, round, motion, application)
    return ballot


def _settle(actor, round: Round, motion: DecisionMotion, application: Application) -> str:
    found = motion_positions(round, motion, application)
    main, others = found[0], found[1:]
    if all(p.state == "yes" for p in found):
        status = "agreed"
    elif main.state == "no":
        status = "not_agreed"
    elif any(p.state == "discussion" for p in found):
        status = "discussion"
    elif any(p.state == "no" for p in others):
        status = "withheld"
    else:
        return "open"
    motion.status, motion.closed_at = status, clock.now()
    motion.positions_json = json.dumps({str(p.panel_id): p.record() for p in found})
    db.session.flush()
    action = {"agreed": "decision.agreed", "not_agreed": "decision.not_agreed",
              "discussion": "decision.back_to_discussion", "withheld": "decision.key_withheld"}[status]
    audit.record(actor, action, "decision_motion", motion.id, round_id=round.id, application_id=application.id,
                 panel_id=application.panel_id, status=audit.change("open", status), rule=round.vote_rule,
                 dual_key=policy.dual_key(round), positions={str(p.panel_id): p.record() for p in found})
    if status == "agreed":
        _decide(actor, round, motion, application, motion.outcome, motion.amount_pence, "agreed")
    elif status == "withheld":
        _decide(actor, round, motion, application, "not_fund", 0, "second_key_withheld")
    return status


def _decide(actor, round: Round, motion: DecisionMotion, application: Application, outcome: str,
            amount_pence: int, basis: str) -> Decision:
    over = _over_budget(round, amount_pence, application.id)
    if over:
        raise RuleBroken(over)
    now = clock.now()
    before = policy.current(application.id)
    if before is not None:
        before.ended_at, before.ended_how = now, "replaced"
        after_reopen_id = before.after_reopen_id
    else:
        after_reopen_id = db.session.scalar(
            select(Decision.ended_by_reopen_id).where(Decision.application_id == application.id,
                                                      Decision.ended_how == "reopened")
            .order_by(Decision.id.desc()).limit(1))
    decision = Decision(round_id=round.id, application_id=application.id, motion_id=motion.id, outcome=outcome,
                        amount_pence=amount_pence, basis=basis, decided_at=now, after_reopen_id=after_reopen_id)
    db.session.add(decision)
    status_before = application.status
    if after_reopen_id is None:  # after a reopen, the status follows once the panel confirms
        application.status = OUTCOME_STATUS[outcome]
    db.session.flush()
    audit.record(actor, "decision.made", "decision", decision.id, round_id=round.id, application_id=application.id,
                 motion_id=motion.id, outcome=outcome, amount_pence=amount_pence, basis=basis,
                 replaces=before.id if before else None, after_reopen_id=after_reopen_id,
                 status=audit.change(status_before, application.status))
    return decision


def declare_link(actor, round: Round, application: Application, level: str) -> ConflictDeclaration:
    """In a dual-key round, a member of another panel says whether they have a link with the group
    before they vote on its decision. A link that keeps them out stays (as when scoring)."""
    _application_of(round, application)
    if round_policy.round_role(actor, round) != "member" \
            or panel_policy.panel_of(actor, round) not in policy.voting_panels(round, application.panel_id)[1:]:
        raise NotAllowed("Only members of the other panel answer this here. Your own panel's links are "
                         "on your panel's page.")
    return panels.record_declaration(actor, application, level, for_decision=True)


# Staff -----------------------------------------------------------------------------------------

def record_concern(actor, round: Round, application: Application, body: str | None) -> DecisionConcern:
    """A facilitator records a concern about the decision on an application. The panel and the
    funder see it. It changes nothing."""
    _application_of(round, application)
    if not round_policy.can_manage_round(actor, round):
        raise NotAllowed("Only a facilitator of this round can record a concern.")
    if policy.stage_of(round) not in policy.DECISION_STAGES or application.status not in policy.ON_SHORTLIST:
        raise RuleBroken("Concerns are about the panel's decisions, which it makes once the round is deciding.")
    problems: dict[str, str] = {}
    body = typed_text(body, "concern", "Keep your concern", problems)
    if not body:
        problems["concern"] = "Write your concern. The panel and the funder will read it."
    if problems:
        raise FieldProblem(problems)
    decision = policy.current(application.id)
    concern = DecisionConcern(round_id=round.id, application_id=application.id,
                              decision_id=decision.id if decision else None, raised_by_id=actor.id, body=body,
                              at=clock.now())
    db.session.add(concern)
    db.session.flush()
    audit.record(actor, "decision.concern_recorded", "decision_concern", concern.id, round_id=round.id,
                 application_id=application.id, decision_id=concern.decision_id, concern=body)
    return concern


def record_refusal(actor, round: Round, attempted: str, **details) -> None:
    """Someone tried to change the panel's decisions and was refused. The attempt itself is kept
    in the audit trail (the view commits it after rolling back what was refused)."""
    audit.record(actor, "decision.change_refused", "round", round.id, round_id=round.id, attempted=attempted,
                 role=round_policy.round_role(actor, round), **details)
