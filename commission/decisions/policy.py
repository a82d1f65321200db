"""Who may propose, vote on and reopen decisions, how a vote stands, and what is locked: the one
home for these questions. Services enforce them; views and templates use them to hide what
would be refused.

Locked: once the round has reached `decided`, every decision made before then is locked. A
decision made after a panel vote reopened that application is locked once the panel confirms
it again. Nothing locked ever changes, except through a recorded vote to reopen it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func, select

from commission.applications.models import Application
from commission.decisions.models import Decision
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.rounds import policy
from commission.rounds.models import Panel, Round
from commission.scores import policy as score_policy
from commission.shortlist import service as shortlist
from workflows import get_workflow

DECIDING = "deciding"
DECIDED = "decided"
# Applications the panel decides on: on the shortlist, whatever it decided since.
ON_SHORTLIST = ("shortlisted", "funded", "part_funded", "not_funded")
# Stages in which the round's decisions can be read (staff read them from when deciding starts;
# the funder once the round is decided).
DECISION_STAGES = (DECIDING, DECIDED, "closed")
LOCKED_WORDS = ("The panel has confirmed its decisions, so they are locked. Only a panel vote to reopen a "
                "decision can change it.")


def money(pence: int) -> str:
    return f"£{pence / 100:,.0f}" if pence % 100 == 0 else f"£{pence / 100:,.2f}"


def dual_key(round: Round) -> bool:
    return get_workflow(round.workflow_name).decision_rule == "dual_key"


def stage_of(round: Round) -> str:
    """The round's stage, looking through a pause."""
    return round.paused_from if round.stage == "paused" and round.paused_from else round.stage


def funder_may_read(round: Round) -> bool:
    return stage_of(round) in (DECIDED, "closed")


def may_read(user, round: Round) -> bool:
    """Members and facilitators read decisions from when deciding starts; the funder once decided."""
    role = policy.round_role(user, round)
    if role == "funder":
        return funder_may_read(round)
    return role in ("member", "facilitator") and stage_of(round) in DECISION_STAGES


# Decisions ----------------------------------------------------------------------------------------

def current(application_id: int) -> Decision | None:
    return db.session.scalar(select(Decision).where(Decision.application_id == application_id,
                                                    Decision.ended_at.is_(None)))


def currents(round: Round) -> dict[int, Decision]:
    """{application id: its decision now} for the round."""
    return {d.application_id: d for d in db.session.scalars(
        select(Decision).where(Decision.round_id == round.id, Decision.ended_at.is_(None)))}


def is_locked(round: Round, decision: Decision | None) -> bool:
    if decision is None or decision.ended_at is not None or round.entered(DECIDED) is None:
        return False
    return decision.after_reopen_id is None or decision.confirmed_at is not None


def awarded_pence(round: Round, except_application_id: int | None = None) -> int:
    query = select(func.coalesce(func.sum(Decision.amount_pence), 0)).where(
        Decision.round_id == round.id, Decision.ended_at.is_(None))
    if except_application_id is not None:
        query = query.where(Decision.application_id != except_application_id)
    return db.session.scalar(query)


def remaining_pence(round: Round, except_application_id: int | None = None) -> int:
    """What is left of the budget, counting every decision now standing (but the one given)."""
    return round.budget_pence - awarded_pence(round, except_application_id)


def totals(round: Round) -> tuple[int, int]:
    """(applications on the shortlist with no decision yet, total awarded in pence): for the guards."""
    decided = select(Decision.id).where(Decision.application_id == Application.id,
                                        Decision.ended_at.is_(None)).exists()
    undecided = db.session.scalar(select(func.count()).select_from(Application).where(
        Application.round_id == round.id, Application.status == "shortlisted", ~decided))
    return undecided, awarded_pence(round)


def waiting_to_confirm(round: Round) -> list[Decision]:
    """Decisions made after a reopen vote that the panel has not confirmed yet."""
    return list(db.session.scalars(select(Decision).where(
        Decision.round_id == round.id, Decision.ended_at.is_(None), Decision.after_reopen_id.is_not(None),
        Decision.confirmed_at.is_(None)).order_by(Decision.application_id)))


def reopened_and_open(round: Round, application: Application) -> bool:
    """In a decided round: a vote reopened this application's decision and its new one is not locked."""
    if application.status not in ON_SHORTLIST:
        return False
    decision = current(application.id)
    if decision is not None:
        return not is_locked(round, decision)
    return db.session.scalar(select(Decision.id).where(Decision.application_id == application.id,
                                                       Decision.ended_how == "reopened").limit(1)) is not None


def why_not_now(round: Round, application: Application) -> str | None:
    """None if the panel may propose and vote on this application's decision at this stage."""
    if application.round_id != round.id or application.status not in ON_SHORTLIST:
        return "This application is not on the shortlist, so there is nothing to decide."
    if round.stage == "paused":
        return "The round is paused, so the panel cannot decide or vote now."
    if round.stage == DECIDING:
        return None
    if round.stage == DECIDED:
        return None if reopened_and_open(round, application) else LOCKED_WORDS
    if round.stage in ("closed", "cancelled"):
        return f"The round is {'closed' if round.stage == 'closed' else 'cancelled'}, so decisions cannot change."
    return "The panel makes its decisions once the round reaches the deciding stage."


# Who votes ---------------------------------------------------------------------------------------

def voting_panels(round: Round, main_panel_id: int) -> list[int]:
    """The application's own panel first, then in a dual-key round every other panel."""
    others = [p.id for p in round.panels if p.id != main_panel_id] if dual_key(round) else []
    return [main_panel_id, *others]


def _why_not_member(member, round: Round, panel_ids: list[int], what: str) -> tuple[str, bool] | None:
    """(reason, not allowed at all?) or None."""
    if policy.round_role(member, round) != "member":
        return f"Only panel members {what}. Staff cannot.", True
    if panel_policy.panel_of(member, round) not in panel_ids:
        return "This decision belongs to another panel.", True
    if score_policy.stepped_back(member, round):
        return "You have stepped back from this round, so you are not asked to vote. Thank you.", False
    return None


def why_not_link(member, application: Application) -> str | None:
    """None if the member has said they have no link with the group that keeps them out."""
    round = application.round
    if panel_policy.panel_of(member, round) == application.panel_id:
        return panel_policy.why_not_details(member, application)
    level = panel_policy.level_for(member, application)
    if level is None:
        return f"Before you vote on this one, say whether you have a link with {application.organisation}."
    if level in panel_policy.settings_for(round).excluded_levels:
        return ("You told us about a link with this group that keeps you out, so you do not vote on its "
                "decision. Thank you for saying so.")
    return None


def why_not_vote(member, round: Round, application: Application) -> tuple[str, bool] | None:
    """None if the member may vote on this application's decision now; else (reason, not allowed at all)."""
    found = _why_not_member(member, round, voting_panels(round, application.panel_id), "vote on decisions")
    if found:
        return found
    reason = why_not_link(member, application) or why_not_now(round, application)
    return (reason, False) if reason else None


def why_not_propose(member, round: Round, application: Application) -> tuple[str, bool] | None:
    found = _why_not_member(member, round, [application.panel_id], "propose decisions")
    if found:
        if found[1] and policy.round_role(member, round) == "member":
            return "Only the panel that looked at this application proposes its decision. You can vote on it.", True
        return found
    reason = why_not_link(member, application) or why_not_now(round, application)
    return (reason, False) if reason else None


def needs_link_answer(member, round: Round, application: Application) -> bool:
    """A member of another panel in a dual-key round who has not yet said whether they know the group."""
    return (dual_key(round) and policy.round_role(member, round) == "member"
            and panel_policy.panel_of(member, round) in voting_panels(round, application.panel_id)[1:]
            and panel_policy.level_for(member, application) is None)


# How a vote stands ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Position:
    """One panel's position on a vote: 'yes' (agreed by its rule), 'no' (cannot now agree by
    majority), 'discussion' (consensus not reached) or 'waiting'."""

    panel_id: int
    panel: str
    can_vote: int
    voted: int
    yes: int
    state: str
    words: str

    def record(self) -> dict:
        return asdict(self)


STATE_WORDS = {"yes": "agreed", "no": "did not agree", "discussion": "did not reach consensus",
               "waiting": "still voting"}


def _position(round: Round, panel: Panel, can_vote: int, voted: int, yes: int) -> Position:
    agreed, words = shortlist.rule_met(round, can_vote, voted, yes)
    if agreed:
        state = "yes"
    elif can_vote == 0:
        state = "waiting"
    elif round.vote_rule == "consensus":
        state = "discussion" if voted > yes else "waiting"
    else:
        # Even if everyone still to vote said yes, there would be no majority.
        state = "no" if 2 * (yes + can_vote - voted) <= can_vote else "waiting"
    return Position(panel.id, panel.name, can_vote, voted, yes, state, words)


def positions(round: Round, panel_ids: list[int], application_ids: list[int],
              ballots: dict[int, str]) -> list[Position]:
    """Each panel's position, in the order given. A member counts if they have not stepped
    back and no link keeps them out of any of the applications; other ballots do not count."""
    excluded = {member for _, member in panel_policy.excluded_pairs(round, application_ids)}
    panels = {p.id: p for p in round.panels}
    found = []
    for panel_id in panel_ids:
        may = {m for m in shortlist.panel_voters(panels[panel_id]) if m not in excluded}
        voted = [ballots[m] for m in may if m in ballots]
        found.append(_position(round, panels[panel_id], len(may), len(voted), voted.count("yes")))
    return found
