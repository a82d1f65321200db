"""Rounds: setting them up and moving them through their workflow.

Services check permission and rules, change rows, write the audit entry and flush.
They never commit: the view or command does that once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from commission import clock
from commission.accounts.models import Role, User
from commission.applications.models import Application, ApplicationStatus as S
from commission.audit import service as audit
from commission.applications.models import Question
from commission.criteria.models import Criterion, CriteriaVersion
from commission.decisions import policy as decision_policy
from commission.decisions.models import ReopenMotion
from commission.documents.models import Document, DocumentVersion
from commission.errors import NotAllowed, RuleBroken
from commission.extensions import db
from commission.interviews import policy as interview_policy
from commission.letters import policy as letter_policy
from commission.panels.policy import PANEL_STATUSES
from commission.programmes.models import Programme
from commission.rounds import policy
from commission.rounds.locks import hold_round
from commission.rounds.models import Panel, RestPeriod, Round, RoundPerson, StageChange
from commission.shortlist.models import ShortlistMotion
from workflows import STAGE_LABELS, Step, WorkflowError, get_workflow
from workflows.guards import Facts
from workflows.machine import fire
from workflows.model import CANCELLED, PAUSED

MAX_REST_DAYS = 60
BINDING = "decided"  # the stage in which the panel's decisions are locked
ROLE_NAMES = {"facilitator": "facilitator", "member": "panel member", "funder": "funder or auditor"}


def _require_admin_or_system(actor, what: str) -> None:
    if actor is not None and not policy.can_administer(actor):
        raise NotAllowed(f"Only an administrator can {what}.")


def _require_manager(actor, round: Round) -> None:
    if actor is not None and not policy.can_manage_round(actor, round):
        raise NotAllowed("Only a facilitator of this round can do that.")


def _require_open(round: Round) -> None:
    if round.stage in (CANCELLED, "closed"):
        raise RuleBroken(f"This round is {STAGE_LABELS[round.stage].lower()}, so it cannot change.")


def create_programme(actor, name: str, funder_name: str, total_budget_pence: int) -> Programme:
    _require_admin_or_system(actor, "set up a programme")
    if not name.strip() or not funder_name.strip():
        raise RuleBroken("Give the programme a name and say who funds it.")
    if total_budget_pence <= 0:
        raise RuleBroken("The programme's budget must be more than £0.")
    if db.session.scalar(select(func.count()).select_from(Programme).where(Programme.name == name.strip())):
        raise RuleBroken(f"There is already a programme called '{name.strip()}'.")
    programme = Programme(name=name.strip(), funder_name=funder_name.strip(), total_budget_pence=total_budget_pence)
    db.session.add(programme)
    db.session.flush()
    audit.record(actor, "programme.created", "programme", programme.id, total_budget_pence=total_budget_pence)
    return programme


def create_round(actor, programme: Programme, name: str, workflow_name: str, budget_pence: int,
                 rest_days: dict[str, int] | None = None) -> Round:
    if actor is not None and actor.role not in (Role.administrator.value, Role.facilitator.value):
        raise NotAllowed("Only programme staff can set up a round.")
    try:
        workflow = get_workflow(workflow_name)
    except WorkflowError as err:
        raise RuleBroken(str(err)) from None
    if not name.strip():
        raise RuleBroken("Give the round a name.")
    if budget_pence <= 0:
        raise RuleBroken("The round's budget must be more than £0.")
    already = db.session.scalar(
        select(func.coalesce(func.sum(Round.budget_pence), 0)).where(Round.programme_id == programme.id,
                                                                     Round.stage != CANCELLED))
    left = programme.total_budget_pence - already
    if budget_pence > left:
        raise RuleBroken(f"The programme has £{left / 100:,.2f} left to give, "
                         f"so this round's budget cannot be £{budget_pence / 100:,.2f}.")
    rest_days = rest_days or {}
    unknown = set(rest_days) - {r.stage for r in workflow.rests}
    if unknown:
        raise RuleBroken(f"The {workflow.title} workflow has no rest called {', '.join(sorted(unknown))}.")
    round = Round(programme_id=programme.id, name=name.strip(), workflow_name=workflow.name,
                  stage=workflow.initial, budget_pence=budget_pence)
    db.session.add(round)
    db.session.flush()
    for rest in workflow.rests:
        days = rest_days.get(rest.stage, rest.days)
        if not 1 <= days <= MAX_REST_DAYS:
            raise RuleBroken(f"A rest period must be between 1 and {MAX_REST_DAYS} days, not {days}.")
        db.session.add(RestPeriod(round_id=round.id, rest_stage=rest.stage, days=days))
    db.session.flush()
    audit.record(actor, "round.created", "round", round.id, round_id=round.id, programme_id=programme.id,
                 workflow=workflow.name, budget_pence=budget_pence,
                 rest_days={r.rest_stage: r.days for r in round.rest_periods})
    return round


def add_panel(actor, round: Round, name: str) -> Panel:
    _require_manager(actor, round)
    if round.stage != get_workflow(round.workflow_name).initial:
        raise RuleBroken("Panels can only be added while the round is getting ready.")
    if not name.strip():
        raise RuleBroken("Give the panel a name.")
    if any(p.name == name.strip() for p in round.panels):
        raise RuleBroken(f"This round already has a panel called '{name.strip()}'.")
    panel = Panel(round=round, name=name.strip())  # through the relationship, so round.panels stays true
    db.session.add(panel)
    db.session.flush()
    audit.record(actor, "panel.created", "panel", panel.id, round_id=round.id)
    return panel


def add_person(actor, round: Round, user: User, role: str, panel: Panel | None = None) -> RoundPerson:
    """Give someone a part in the round. Their account's role must match the part."""
    if role != "facilitator" or actor is not None and actor.role != Role.administrator.value:
        _require_manager(actor, round)
    _require_open(round)
    if role not in ROLE_NAMES:
        raise RuleBroken(f"'{role}' is not a part someone can have in a round.")
    if user.role != role:
        raise RuleBroken(f"{user.name} has a {Role(user.role).label.lower()} account, "
                         f"so they cannot join this round as a {ROLE_NAMES[role]}.")
    if (role == "member") != (panel is not None):
        raise RuleBroken("A panel member must join one panel; other people join no panel.")
    if panel is not None and panel.round_id != round.id:
        raise RuleBroken("That panel belongs to another round.")
    if policy.part_in(user, round) is not None:
        raise RuleBroken(f"{user.name} is already part of this round.")
    part = RoundPerson(round=round, user_id=user.id, role=role, panel=panel)
    db.session.add(part)
    db.session.flush()
    audit.record(actor, "round.person_added", "round_person", part.id, round_id=round.id,
                 user_id=user.id, role=role, panel_id=part.panel_id)
    return part


def set_closing_date(actor, round: Round, closes_at: datetime) -> None:
    _require_manager(actor, round)
    if round.stage not in ("draft", "co_design"):
        raise RuleBroken("The closing date can only be set before the round opens for applications.")
    if closes_at <= clock.now():
        raise RuleBroken("The closing date must be in the future.")
    before = round.applications_close_at
    round.applications_close_at = closes_at
    db.session.flush()
    audit.record(actor, "round.closing_date_set", "round", round.id, round_id=round.id,
                 **audit.change(before and before.isoformat(), closes_at.isoformat()))


def facts(round: Round) -> Facts:
    """Everything the guards need to know, gathered in a few queries."""
    sizes = dict(db.session.execute(
        select(Panel.name, func.count(RoundPerson.id))
        .outerjoin(RoundPerson, (RoundPerson.panel_id == Panel.id) & (RoundPerson.role == "member"))
        .where(Panel.round_id == round.id).group_by(Panel.id, Panel.name)).all())
    facilitators = db.session.scalar(select(func.count()).select_from(RoundPerson).where(
        RoundPerson.round_id == round.id, RoundPerson.role == "facilitator"))

    def count(*statuses):
        return func.sum(case((Application.status.in_([s.value for s in statuses]), 1), else_=0))

    shortlisted = (S.shortlisted, S.funded, S.part_funded, S.not_funded)
    row = db.session.execute(select(
        count(S.submitted, S.eligible, S.ineligible, *shortlisted, S.not_shortlisted),
        count(S.submitted),
        count(S.eligible, *shortlisted, S.not_shortlisted),
        count(*shortlisted),
    ).where(Application.round_id == round.id)).one()
    received, unchecked, eligible, short = (v or 0 for v in row)
    # Every applicant whose application was sent in (and not withdrawn) is told by a published
    # letter, including those not shortlisted or not eligible: see commission.letters.policy.
    untold = letter_policy.untold(round)
    # From the panel's decisions: a part award counts the amount decided, not the amount asked for.
    undecided, awarded = decision_policy.totals(round)
    adopted = db.session.scalar(select(func.count()).select_from(CriteriaVersion).where(
        CriteriaVersion.round_id == round.id))
    return Facts(now=clock.now(), panel_sizes=sizes, facilitators=facilitators, criteria_versions=adopted,
                 questions_ready=_questions_ready(round), call_published=_call_published(round),
                 applications_close_at=round.applications_close_at, received=received, unchecked=unchecked,
                 eligible=eligible, shortlisted=short, undecided=undecided, awarded_pence=awarded,
                 budget_pence=round.budget_pence, untold=untold,
                 reopen_votes_open=db.session.scalar(select(func.count()).select_from(ReopenMotion).where(
                     ReopenMotion.round_id == round.id, ReopenMotion.status == "open")),
                 panels_without_shortlist=_panels_without_shortlist(round),
                 interview_questions=interview_policy.questions_state(round))


def _panels_without_shortlist(round: Round) -> tuple[str, ...]:
    """Panels with applications to look at that have not agreed a shortlist (a panel with none
    has nothing to agree)."""
    has_applications = select(Application.id).where(
        Application.panel_id == Panel.id, Application.status.in_(PANEL_STATUSES)).exists()
    agreed = select(ShortlistMotion.id).where(ShortlistMotion.panel_id == Panel.id,
                                              ShortlistMotion.status == "agreed").exists()
    return tuple(db.session.scalars(select(Panel.name).where(Panel.round_id == round.id, has_applications, ~agreed)
                                    .order_by(Panel.id)))


def _questions_ready(round: Round) -> bool:
    """Every criterion of the newest adopted version has its question on the form."""
    newest = db.session.scalar(select(CriteriaVersion.id).where(CriteriaVersion.round_id == round.id)
                               .order_by(CriteriaVersion.number.desc()).limit(1))
    if newest is None:
        return False
    wanted = set(db.session.scalars(select(Criterion.id).where(Criterion.version_id == newest)))
    asked = set(db.session.scalars(select(Question.criterion_id).where(Question.round_id == round.id)))
    return bool(wanted) and wanted <= asked


def _call_published(round: Round) -> bool:
    return db.session.scalar(select(func.count()).select_from(DocumentVersion).join(Document).where(
        Document.round_id == round.id, Document.kind == "call_for_applications",
        DocumentVersion.published_at.is_not(None))) > 0


@dataclass(frozen=True)
class StepOption:
    step: Step
    reasons: tuple[str, ...]

    @property
    def allowed(self) -> bool:
        return not self.reasons

    @property
    def dest_label(self) -> str:
        return STAGE_LABELS[self.step.dest]


def _reasons(user, round: Round, step: Step, round_facts: Facts) -> tuple[str, ...]:
    reasons = [reason for guard in step.guards if (reason := guard(round, round_facts))]
    if user is not None and not policy.can_take_step(user, round, step):
        who = " or ".join("the panel" if r == "member" else f"a {ROLE_NAMES[r]}" for r in step.by)
        reasons.insert(0, f"Only {who} can take this step.")
    return tuple(reasons)


def step_options(user, round: Round) -> list[StepOption]:
    """The steps from the round's current stage, each with why it cannot happen yet."""
    workflow = get_workflow(round.workflow_name)
    round_facts = facts(round)
    return [StepOption(step, _reasons(user, round, step, round_facts)) for step in workflow.steps_from(round.stage)]


def _move(actor, round: Round, event: str, step_name: str, reason: str | None) -> StageChange:
    before = round.stage
    try:
        fire(round.workflow_name, event, round)
    except WorkflowError:
        raise RuleBroken(f"The round is at '{STAGE_LABELS[before]}', so that step cannot happen now.") from None
    who = audit.Actor.of(actor)
    change = StageChange(step=step_name, from_stage=before, to_stage=round.stage,
                         at=clock.now(), by_user_id=who.id, reason=reason)
    round.stage_changes.append(change)
    db.session.flush()
    audit.record(actor, f"round.{step_name}", "round", round.id, round_id=round.id,
                 stage=audit.change(before, round.stage), reason=reason)
    return change


def take_step(actor, round: Round, step_name: str) -> StageChange:
    workflow = get_workflow(round.workflow_name)
    try:
        step = workflow.step(step_name)
    except WorkflowError as err:
        raise RuleBroken(str(err)) from None
    if actor is not None and not policy.can_view_round(actor, round):
        raise NotAllowed("You are not part of this round.")
    hold_round(round)
    if round.stage != step.source:
        raise RuleBroken(f"The round is at '{STAGE_LABELS[round.stage]}', so '{step.label}' cannot happen now.")
    reasons = _reasons(actor, round, step, facts(round))
    if reasons:
        raise RuleBroken(" ".join(reasons))
    return _move(actor, round, step.name, step.name, None)


def _need_reason(reason: str | None, doing: str) -> str:
    if not reason or not reason.strip():
        raise RuleBroken(f"Say why you are {doing} the round. The panel and the funder will see it.")
    return reason.strip()


def pause(actor, round: Round, reason: str | None) -> StageChange:
    _require_manager(actor, round)
    hold_round(round)
    reason = _need_reason(reason, "pausing")
    workflow = get_workflow(round.workflow_name)
    if round.stage not in workflow.active:
        raise RuleBroken(f"A round that is {STAGE_LABELS[round.stage].lower()} cannot be paused.")
    round.paused_from = round.stage
    return _move(actor, round, "pause", "pause", reason)


def resume(actor, round: Round, reason: str | None = None) -> StageChange:
    _require_manager(actor, round)
    hold_round(round)
    if round.stage != PAUSED:
        raise RuleBroken("The round is not paused.")
    change = _move(actor, round, "resume", "resume", (reason or "").strip() or None)
    round.paused_from = None
    return change


def cancel(actor, round: Round, reason: str | None) -> StageChange:
    _require_manager(actor, round)
    hold_round(round)
    reason = _need_reason(reason, "cancelling")
    if round.stage in get_workflow(round.workflow_name).final or round.stage == CANCELLED:
        raise RuleBroken(f"A round that is {STAGE_LABELS[round.stage].lower()} cannot be cancelled.")
    if BINDING in (round.stage, round.paused_from):
        # Cancelling now would undo the panel's binding decisions: only the panel can reopen them.
        raise RuleBroken("The panel's decisions are made and binding, so the round cannot be cancelled now. "
                         "Only the panel can reopen a decision, by a vote.")
    round.paused_from = None
    return _move(actor, round, "cancel", "cancel", reason)
