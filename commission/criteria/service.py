"""Co-design: members propose, discuss and amend criteria, then adopt a set by vote.

Staff may write a member's words down for them at a workshop (recorded as written down
by the facilitator), but cannot amend a member's proposal or vote.
"""
from __future__ import annotations

import json
import math
import secrets

from sqlalchemy import func, select

from commission import clock
from commission.audit import service as audit
from commission.criteria.models import (COMBINATIONS, VOTE_CHOICES, Criterion, CriteriaVersion, Motion,
                                        MotionItem, Proposal, ProposalComment, ProposalVersion, Vote)
from commission.errors import NotAllowed, RuleBroken
from commission.extensions import db
from commission.rounds import policy
from commission.rounds.models import Round, RoundPerson

# Criteria can be (re)adopted until scoring starts; after `open` a new version needs the same vote.
ADOPTION_STAGES = ("co_design", "open", "eligibility")
TITLE_MAX = 120
DRAW = "draw"


def _member_or_scribe(actor, round: Round, on_behalf_of=None):
    """Who the words belong to, and who wrote them down (a facilitator at a workshop)."""
    role = policy.round_role(actor, round)
    if role == "member":
        if on_behalf_of is not None and on_behalf_of.id != actor.id:
            raise NotAllowed("You can only write in your own name.")
        return actor, None
    if role == "facilitator":
        if on_behalf_of is None or policy.round_role(on_behalf_of, round) != "member":
            raise RuleBroken("Choose the panel member whose words you are writing down.")
        return on_behalf_of, actor
    raise NotAllowed("Only the round's panel members can propose criteria.")


def _require_stage(round: Round, stages=("co_design",), doing="do that"):
    if round.stage not in stages:
        raise RuleBroken(f"You can only {doing} while the panel is choosing the criteria.")


def _clean(value: str | None, label: str, limit: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise RuleBroken(f"Fill in {label}.")
    if limit and len(value) > limit:
        raise RuleBroken(f"Keep {label} to {limit} characters or fewer.")
    return value


def _descriptors(round: Round, descriptors: list[str]) -> str:
    points = round.scale_max + 1
    cleaned = [(d or "").strip() for d in descriptors]
    if len(cleaned) != points or not all(cleaned):
        raise RuleBroken(f"Say what an application looks like at every point of the scale, from 0 to "
                         f"{round.scale_max}.")
    return json.dumps(cleaned, ensure_ascii=False)


def propose(actor, round: Round, title: str, meaning: str, descriptors: list[str], on_behalf_of=None) -> Proposal:
    owner, scribe = _member_or_scribe(actor, round, on_behalf_of)
    _require_stage(round, ADOPTION_STAGES, "propose criteria")
    proposal = Proposal(round_id=round.id, proposer_id=owner.id, written_down_by_id=scribe and scribe.id)
    db.session.add(proposal)
    db.session.flush()
    version = _add_version(proposal, round, owner, scribe, title, meaning, descriptors)
    audit.record(actor, "criteria.proposed", "criterion_proposal", proposal.id, round_id=round.id,
                 version_id=version.id, proposer_id=owner.id, written_down_by_id=scribe and scribe.id)
    return proposal


def _add_version(proposal, round, author, scribe, title, meaning, descriptors) -> ProposalVersion:
    version = ProposalVersion(proposal_id=proposal.id, number=len(proposal.versions) + 1,
                              title=_clean(title, "a short title", TITLE_MAX),
                              meaning=_clean(meaning, "what it means"),
                              descriptors_json=_descriptors(round, descriptors),
                              author_id=author.id, written_down_by_id=scribe and scribe.id)
    proposal.versions.append(version)
    db.session.flush()
    return version


def amend(actor, proposal: Proposal, title: str, meaning: str, descriptors: list[str]) -> ProposalVersion:
    """A member's new version of a proposal. Earlier versions are kept as they were."""
    round = db.session.get(Round, proposal.round_id)
    if policy.round_role(actor, round) != "member":
        raise NotAllowed("Only panel members can change a proposal. Staff cannot edit a member's proposal.")
    _require_stage(round, ADOPTION_STAGES, "change a proposal")
    before = proposal.current
    version = _add_version(proposal, round, actor, None, title, meaning, descriptors)
    audit.record(actor, "criteria.amended", "criterion_proposal", proposal.id, round_id=round.id,
                 version=audit.change(before.id, version.id))
    return version


def comment(actor, proposal: Proposal, body: str, on_behalf_of=None) -> ProposalComment:
    round = db.session.get(Round, proposal.round_id)
    owner, scribe = _member_or_scribe(actor, round, on_behalf_of)
    _require_stage(round, ADOPTION_STAGES, "discuss proposals")
    note = ProposalComment(proposal_id=proposal.id, author_id=owner.id, written_down_by_id=scribe and scribe.id,
                           body=_clean(body, "your comment", 4000))
    db.session.add(note)
    db.session.flush()
    audit.record(actor, "criteria.commented", "criterion_proposal_comment", note.id, round_id=round.id,
                 proposal_id=proposal.id, author_id=owner.id, written_down_by_id=scribe and scribe.id)
    return note


def open_motion(round: Round) -> Motion | None:
    return db.session.scalar(select(Motion).where(Motion.round_id == round.id, Motion.status == "open"))


def move(actor, round: Round, items: list[tuple[int, int]], combination: str,
         minimum_score: float | None, tie_break: list, on_behalf_of=None) -> Motion:
    """Put a set of criteria to the vote. `items` are (proposal id, weight) in order;
    `tie_break` lists item positions (1 = first item) and may end with "draw"."""
    owner, scribe = _member_or_scribe(actor, round, on_behalf_of)
    _require_stage(round, ADOPTION_STAGES, "put criteria to the vote")
    if open_motion(round) is not None:
        raise RuleBroken("There is already a vote going on. Count it or withdraw it first.")
    if not items:
        raise RuleBroken("Choose at least one proposal to put to the vote.")
    if combination not in COMBINATIONS:
        raise RuleBroken("Choose how the scores will be combined.")
    seen = set()
    versions = []
    for proposal_id, weight in items:
        proposal = db.session.get(Proposal, proposal_id)
        if proposal is None or proposal.round_id != round.id:
            raise RuleBroken("One of the chosen proposals is not part of this round.")
        if proposal_id in seen:
            raise RuleBroken(f"'{proposal.current.title}' is chosen twice.")
        if not isinstance(weight, int) or not 1 <= weight <= 100:
            raise RuleBroken(f"Give '{proposal.current.title}' a weight from 1 to 100.")
        seen.add(proposal_id)
        versions.append((proposal.current, weight))
    minimum = None
    if minimum_score is not None:
        if not 0 <= minimum_score <= round.scale_max:
            raise RuleBroken(f"The minimum score must be between 0 and {round.scale_max}.")
        minimum = round_half_up(minimum_score * 100)
    order = _check_tie_break(tie_break, len(versions))
    motion = Motion(round_id=round.id, moved_by_id=owner.id, written_down_by_id=scribe and scribe.id,
                    combination=combination, minimum_score_hundredths=minimum, tie_break_json=json.dumps(order))
    db.session.add(motion)
    db.session.flush()
    for position, (version, weight) in enumerate(versions, start=1):
        db.session.add(MotionItem(motion_id=motion.id, position=position, proposal_version_id=version.id,
                                  weight=weight))
    db.session.flush()
    audit.record(actor, "criteria.motion_moved", "criteria_motion", motion.id, round_id=round.id,
                 items=[[v.id, w] for v, w in versions], combination=combination,
                 minimum_score_hundredths=minimum, tie_break=order, moved_by_id=owner.id,
                 written_down_by_id=scribe and scribe.id)
    return motion


def round_half_up(value: float) -> int:
    return int(math.floor(value + 0.5))


def _check_tie_break(tie_break: list, count: int) -> list:
    order = []
    for step in tie_break:
        if step == DRAW:
            order.append(DRAW)
            continue
        if not isinstance(step, int) or not 1 <= step <= count or step in order:
            raise RuleBroken("The tie-break order must name each chosen criterion at most once.")
        order.append(step)
    if DRAW in order[:-1]:
        raise RuleBroken("A draw can only be the last way to break a tie.")
    if not order or order[-1] != DRAW:
        order.append(DRAW)  # a tie must always end somewhere: a recorded draw
    return order


def eligible_voters(round: Round) -> list[int]:
    """The round's panel members. Absent members are not counted as 'no'."""
    return list(db.session.scalars(select(RoundPerson.user_id).where(
        RoundPerson.round_id == round.id, RoundPerson.role == "member")))


def vote(actor, motion: Motion, choice: str) -> Vote:
    round = db.session.get(Round, motion.round_id)
    if policy.round_role(actor, round) != "member":
        raise NotAllowed("Only the round's panel members can vote. Staff cannot vote.")
    if motion.status != "open":
        raise RuleBroken("This vote has been counted, so it is closed.")
    _require_stage(round, ADOPTION_STAGES, "vote on criteria")
    if choice not in VOTE_CHOICES:
        raise RuleBroken("Choose yes, no or abstain.")
    existing = db.session.scalar(select(Vote).where(Vote.motion_id == motion.id, Vote.member_id == actor.id))
    if existing is not None:
        before = existing.choice
        existing.choice, existing.at = choice, clock.now()
        db.session.flush()
        audit.record(actor, "criteria.vote_changed", "criteria_vote", existing.id, round_id=round.id,
                     motion_id=motion.id, choice=audit.change(before, choice))
        return existing
    ballot = Vote(motion_id=motion.id, member_id=actor.id, choice=choice)
    motion.votes.append(ballot)
    db.session.flush()
    audit.record(actor, "criteria.voted", "criteria_vote", ballot.id, round_id=round.id, motion_id=motion.id,
                 choice=choice)
    return ballot


def tally(motion: Motion) -> dict[str, int]:
    counts = dict.fromkeys(VOTE_CHOICES, 0)
    counts.update(db.session.execute(select(Vote.choice, func.count()).where(Vote.motion_id == motion.id)
                                     .group_by(Vote.choice)).all())
    return counts


def count(actor, motion: Motion) -> CriteriaVersion | None:
    """Count the votes by the round's rule. Adopted: a new, immutable criteria version."""
    round = db.session.get(Round, motion.round_id)
    if policy.round_role(actor, round) not in ("member", "facilitator"):
        raise NotAllowed("Only the panel or its facilitator can count the votes.")
    if motion.status != "open":
        raise RuleBroken("This vote has already been counted.")
    _require_stage(round, ADOPTION_STAGES, "count a vote on criteria")
    voters = len(eligible_voters(round))
    counts = tally(motion)
    cast = sum(counts.values())
    needed = math.ceil(voters * round.quorum_percent / 100)
    if cast < needed:
        raise RuleBroken(f"Only {cast} of {voters} panel members have voted. At least {needed} must vote "
                         f"before the votes can be counted.")
    if round.vote_rule == "consensus":
        adopted = counts["no"] == 0 and counts["yes"] > 0
        rule = "consensus: nobody said no"
    else:
        adopted = counts["yes"] > counts["no"]
        rule = "majority: more said yes than no"
    motion.status = "adopted" if adopted else "not_adopted"
    motion.counted_at = clock.now()
    motion.result = (f"{counts['yes']} yes, {counts['no']} no, {counts['abstain']} abstained, "
                     f"{voters - cast} did not vote. Rule: {rule}. "
                     + ("Adopted." if adopted else "Not adopted."))
    db.session.flush()
    audit.record(actor, "criteria.votes_counted", "criteria_motion", motion.id, round_id=round.id,
                 status=audit.change("open", motion.status), votes=counts, eligible=voters)
    return _adopt(actor, round, motion) if adopted else None


def _adopt(actor, round: Round, motion: Motion) -> CriteriaVersion:
    number = (db.session.scalar(select(func.max(CriteriaVersion.number)).where(
        CriteriaVersion.round_id == round.id)) or 0) + 1
    version = CriteriaVersion(round_id=round.id, number=number, motion_id=motion.id, adopted_at=clock.now(),
                              scale_max=round.scale_max, combination=motion.combination,
                              minimum_score_hundredths=motion.minimum_score_hundredths,
                              tie_break_json=motion.tie_break_json, draw_seed=secrets.token_hex(8))
    db.session.add(version)
    db.session.flush()
    for item in motion.items:
        source = item.version
        db.session.add(Criterion(version_id=version.id, position=item.position, title=source.title,
                                 meaning=source.meaning, descriptors_json=source.descriptors_json,
                                 weight=item.weight, proposal_version_id=source.id))
    db.session.flush()
    audit.record(actor, "criteria.adopted", "criteria_version", version.id, round_id=round.id,
                 number=number, motion_id=motion.id, draw_seed=version.draw_seed)
    return version


def withdraw_motion(actor, motion: Motion) -> None:
    round = db.session.get(Round, motion.round_id)
    if policy.round_role(actor, round) != "member" or actor.id != motion.moved_by_id:
        raise NotAllowed("Only the member who put this to the vote can withdraw it.")
    if motion.status != "open":
        raise RuleBroken("This vote has already been counted.")
    motion.status = "withdrawn"
    db.session.flush()
    audit.record(actor, "criteria.motion_withdrawn", "criteria_motion", motion.id, round_id=round.id,
                 status=audit.change("open", "withdrawn"))


def versions(round: Round) -> list[CriteriaVersion]:
    return list(db.session.scalars(select(CriteriaVersion).where(CriteriaVersion.round_id == round.id)
                                   .order_by(CriteriaVersion.number)))


def current_version(round: Round) -> CriteriaVersion | None:
    found = versions(round)
    return found[-1] if found else None


def proposals(round: Round) -> list[Proposal]:
    return list(db.session.scalars(select(Proposal).where(Proposal.round_id == round.id).order_by(Proposal.id)))
