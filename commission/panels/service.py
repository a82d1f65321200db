"""Before anyone scores: training, conflicts of interest, and sharing the
work out (and again when a member steps back, declares a link late, or a facilitator moves a
piece of work with a reason)."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from commission import clock
from commission.applications.models import Application
from commission.audit import service as audit
from commission.errors import FieldProblem, NotAllowed, RuleBroken
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.panels import assignment
from commission.panels.models import (CONFLICT_LEVELS, Assignment, ConflictDeclaration, PanelSettings,
                                       TrainingModule, TrainingRecord)
from commission.rounds import policy
from commission.rounds.models import Panel, Round
from commission.scores import policy as score_policy
from commission.scores import service as scores
from commission.scores.models import ScoreSheet

SETUP_STAGES = ("draft", "co_design", "open", "eligibility")
SHARING_STAGE = "shortlisting"
REASON_LIMIT = 2_000
DECLARING_STAGES = ("eligibility", "shortlisting", "rest_after_shortlisting", "interviews",
                    "rest_after_interviews", "deciding")


def set_training(actor, round: Round, titles: list[str]) -> list[TrainingModule]:
    """The training every member must finish before reading applications."""
    if actor is not None and not policy.can_manage_round(actor, round):
        raise NotAllowed("Only a facilitator of this round can set the training.")
    if round.stage not in SETUP_STAGES:
        raise RuleBroken("The training can only be set before shortlisting starts.")
    cleaned = [t.strip() for t in titles if t and t.strip()]
    if len(set(cleaned)) != len(cleaned):
        raise RuleBroken("Each piece of training should be listed once.")
    if any(len(t) > 120 for t in cleaned):
        raise RuleBroken("Keep each training title to 120 characters or fewer.")
    existing = list(db.session.scalars(select(TrainingModule).where(TrainingModule.round_id == round.id)))
    if db.session.scalar(select(func.count()).select_from(TrainingRecord).where(
            TrainingRecord.module_id.in_([m.id for m in existing]))):
        raise RuleBroken("Some members have already done the training, so the list cannot change now.")
    for module in existing:
        db.session.delete(module)
    db.session.flush()
    made = [TrainingModule(round_id=round.id, position=n, title=t) for n, t in enumerate(cleaned, start=1)]
    db.session.add_all(made)
    db.session.flush()
    audit.record(actor, "training.set", "round", round.id, round_id=round.id, module_ids=[m.id for m in made],
                 titles=audit.change([m.title for m in existing], cleaned), removed_ids=[m.id for m in existing])
    return made


def record_training(actor, member, module: TrainingModule) -> TrainingRecord:
    """A facilitator records a member's training (or the member, where the round allows it)."""
    round = db.session.get(Round, module.round_id)
    if policy.round_role(member, round) != "member":
        raise RuleBroken("Training is recorded for the round's panel members.")
    role = policy.round_role(actor, round)
    self_allowed = panel_policy.settings_for(round).members_record_own_training
    if not (role == "facilitator" or (role == "member" and actor.id == member.id and self_allowed)):
        raise NotAllowed("Only a facilitator of this round can record training.")
    if db.session.get(TrainingRecord, (module.id, member.id)) is not None:
        raise RuleBroken(f"'{module.title}' is already recorded as done.")
    record = TrainingRecord(module_id=module.id, member_id=member.id, recorded_by_id=actor.id,
                            recorded_at=clock.now())
    db.session.add(record)
    db.session.flush()
    audit.record(actor, "training.recorded", "training_module", module.id, round_id=round.id, member_id=member.id)
    return record


def declare(actor, application: Application, level: str) -> ConflictDeclaration:
    """A member says whether they have a link with an application in their panel. They may say
    so again later; every declaration is kept and the newest counts. A link that keeps them out,
    said after the work was shared out, sets their scores for it aside (kept, not counted) and
    passes the application to someone else by the same rules."""
    round = application.round
    if policy.round_role(actor, round) != "member":
        raise NotAllowed("Only panel members declare conflicts of interest.")
    if panel_policy.panel_of(actor, round) != application.panel_id \
            or application.status not in panel_policy.PANEL_STATUSES:
        raise NotAllowed("This application is not one your panel is looking at.")
    if round.stage not in DECLARING_STAGES:
        raise RuleBroken("Conflicts are declared once the applications have been checked against the rules.")
    declaration = record_declaration(actor, application, level)
    excluded = level in panel_policy.settings_for(round).excluded_levels
    if excluded:
        _step_away_from(actor, application)
    return declaration


def record_declaration(actor, application: Application, level: str, **extra) -> ConflictDeclaration:
    """Write down what a member says about their link with a group, by the rules every panel
    shares: a known level, not the same twice, and a link that keeps them out stays (otherwise a
    member could clear their own conflict just before a vote). Audited."""
    round = application.round
    if level not in CONFLICT_LEVELS:
        raise RuleBroken("Choose the answer that fits your link with this group best.")
    before = panel_policy.level_for(actor, application)
    if before == level:
        raise RuleBroken("You have already said this.")
    excluded = panel_policy.settings_for(round).excluded_levels
    if before in excluded and level not in excluded:
        raise RuleBroken(f"You told us about a close link with {application.organisation}, so you stay out of "
                         "its scoring, votes and decisions. If that was a mistake, tell your facilitator.")
    declaration = ConflictDeclaration(application_id=application.id, member_id=actor.id, level=level,
                                      declared_at=clock.now())
    db.session.add(declaration)
    db.session.flush()
    audit.record(actor, "conflict.declared", "application", application.id, round_id=round.id,
                 level=audit.change(before, level), excluded=level in excluded, **extra)
    return declaration


def _step_away_from(member, application: Application) -> None:
    """A late conflict: set aside any scores, release the work, and share it out again."""
    reason = "conflict declared"
    scores.set_aside(member, member, application, reason)
    work = score_policy.assignment_for(member, application)
    if work is None:
        return
    _release([work], reason)
    audit.record(member, "assignment.released", "assignment", work.id, round_id=application.round_id,
                 application_id=application.id, member_id=member.id, reason=reason)
    _reassign(member, application.round, application.panel_id, reason)


def active_assignments(round: Round):
    return list(db.session.scalars(select(Assignment).join(Application).where(
        Application.round_id == round.id, Assignment.released_at.is_(None))))


def applications_each(settings: PanelSettings) -> int:
    """How many applications fit in a member's workload cap."""
    return max(0, settings.workload_cap_hours * 60 // settings.minutes_per_application)


def share_out(actor, round: Round) -> str:
    """Share each panel's applications out among its members by the round's rules (see
    commission.panels.assignment). Pairs already made are kept. Returns what happened, in words."""
    if actor is not None and not policy.can_manage_round(actor, round):
        raise NotAllowed("Only a facilitator of this round can share out the applications.")
    if round.stage != SHARING_STAGE:
        raise RuleBroken("Applications are shared out once shortlisting has started.")
    made, notes = _fill(round, round.panels)
    audit.record(actor, "assignments.shared_out", "round", round.id, round_id=round.id, pairs=made,
                 shortfall=notes)
    done = f"{len(made)} new pieces of scoring were shared out." if made else "Nothing new needed sharing out."
    return " ".join([done, *notes])


def _reassign(actor, round: Round, panel_id: int, cause: str) -> None:
    """Work was released (a member stepped back or declared a link): share it out again by the
    same rules, while the panel is still scoring."""
    if not score_policy.scoring_open(round, panel_id):
        return
    made, notes = _fill(round, [db.session.get(Panel, panel_id)])
    audit.record(actor, "assignments.reassigned", "round", round.id, round_id=round.id, panel_id=panel_id,
                 pairs=made, shortfall=notes, cause=cause)


def _fill(round: Round, panels) -> tuple[list[list[int]], list[str]]:
    """Make new assignments so each application has its scorers where the rules allow. Members
    who stepped back get nothing new; a pair released before is not made again (the member
    stepped back, declared a link, or a facilitator moved the work away for a reason)."""
    settings = panel_policy.settings_for(round)
    per_member = applications_each(settings)
    live = active_assignments(round)
    existing = {(a.application_id, a.member_id) for a in live}
    released = {tuple(row) for row in db.session.execute(
        select(Assignment.application_id, Assignment.member_id).join(Application)
        .where(Application.round_id == round.id, Assignment.released_at.is_not(None)))}
    made, notes = [], []
    for panel in panels:
        if not score_policy.scoring_open(round, panel.id):
            continue
        members = [p.user_id for p in panel.people if p.role == "member" and p.stepped_back_at is None]
        applications = _panel_application_ids(panel.id)
        conflicts = panel_policy.excluded_pairs(round, applications)
        result = assignment.plan(applications, members, settings.scorers_per_application,
                                 {m: per_member for m in members}, conflicts | released, existing)
        for application_id, member_id in result.pairs:
            db.session.add(Assignment(application_id=application_id, member_id=member_id, assigned_at=clock.now()))
            made.append([application_id, member_id])
        why = assignment.explain(result, settings.scorers_per_application, conflicts, members)
        if why:
            notes.append(f"{panel.name}: {why}")
    db.session.flush()
    return made, notes


def _panel_application_ids(panel_id: int) -> list[int]:
    return list(db.session.scalars(select(Application.id).where(
        Application.panel_id == panel_id, Application.status.in_(panel_policy.PANEL_STATUSES))))


def _release(work: list[Assignment], reason: str) -> None:
    for piece in work:
        piece.released_at = clock.now()
        piece.release_reason = reason
    db.session.flush()


def _sent_in(application_ids, member_id: int | None = None) -> set[tuple[int, int]]:
    """(application, member) pairs whose scores were sent in (set aside or not)."""
    query = select(ScoreSheet.application_id, ScoreSheet.member_id).where(
        ScoreSheet.application_id.in_(list(application_ids)), ScoreSheet.current_record_id.is_not(None))
    if member_id is not None:
        query = query.where(ScoreSheet.member_id == member_id)
    return {tuple(row) for row in db.session.execute(query)}


def my_work(member, round: Round) -> list[Assignment]:
    """The member's live assignments, with their applications, in application order."""
    return list(db.session.scalars(select(Assignment).join(Application).options(selectinload(Assignment.application))
                                   .where(Application.round_id == round.id, Assignment.member_id == member.id,
                                          Assignment.released_at.is_(None)).order_by(Application.id)))


def my_assignments(member, round: Round) -> list[Application]:
    return [work.application for work in my_work(member, round)]


def accept_work(actor, round: Round) -> int:
    """The member has seen what they are asked to score and the hours it takes, and says yes.
    Returns how many applications they accepted."""
    if policy.round_role(actor, round) != "member":
        raise NotAllowed("Only panel members accept work to score.")
    if score_policy.stepped_back(actor, round):
        raise RuleBroken("You have stepped back from this round, so there is no new work for you.")
    waiting = [work for work in my_work(actor, round) if work.accepted_at is None]
    if not waiting:
        raise RuleBroken("There is no new work waiting for you to accept.")
    for work in waiting:
        work.accepted_at = clock.now()
    db.session.flush()
    audit.record(actor, "assignments.accepted", "round", round.id, round_id=round.id,
                 assignment_ids=[w.id for w in waiting])
    return len(waiting)


def _reason(text: str | None) -> str | None:
    text = (text or "").strip()
    if len(text) > REASON_LIMIT:
        raise FieldProblem.one("reason", f"Keep the reason to {REASON_LIMIT:,} characters or fewer.")
    return text or None


def step_back(actor, round: Round, reason: str | None = None) -> tuple[int, int]:
    """A member steps back from the round, at any time and with no reason needed. Work they had
    not sent in goes to others by the same rules; scores they sent in stay and keep counting.
    Returns (pieces of work passed on, pieces kept)."""
    part = policy.part_in(actor, round)
    if part is None or part.role != "member":
        raise NotAllowed("Only panel members can step back from a round.")
    if part.stepped_back_at is not None:
        raise RuleBroken("You have already stepped back from this round. Thank you for what you did.")
    reason = _reason(reason)
    part.stepped_back_at = clock.now()
    work = my_work(actor, round)
    done = _sent_in([w.application_id for w in work], actor.id)
    unfinished = [w for w in work if (w.application_id, actor.id) not in done]
    _release(unfinished, "stepped back")
    audit.record(actor, "member.stepped_back", "round", round.id, round_id=round.id,
                 released=[w.id for w in unfinished], kept=[w.id for w in work if w not in unfinished],
                 reason=reason)
    if unfinished:
        _reassign(actor, round, part.panel_id, "stepped back")
    return len(unfinished), len(work) - len(unfinished)


def move_assignment(actor, work: Assignment, to_member, reason: str | None) -> Assignment:
    """A facilitator moves one piece of scoring to another member of the same panel, with a
    recorded reason. The new member sees it as new work to accept."""
    application = work.application
    round = application.round
    if not policy.can_manage_round(actor, round):
        raise NotAllowed("Only a facilitator of this round can move work between members.")
    reason = _reason(reason)
    if not reason:
        raise FieldProblem.one("reason", "Say why you are moving this work. The panel and the funder will see it.")
    if work.released_at is not None:
        raise RuleBroken("This work has already moved on. Look at the list again.")
    if not score_policy.scoring_open(round, application.panel_id):
        raise RuleBroken("Work can only be moved while the panel is scoring.")
    if (application.id, work.member_id) in _sent_in([application.id], work.member_id):
        raise RuleBroken("Their scores are already in and stay.")
    why = why_not_give(to_member, application)
    if why:
        raise RuleBroken(why)
    _release([work], reason)
    moved = Assignment(application_id=application.id, member_id=to_member.id, assigned_at=clock.now())
    db.session.add(moved)
    db.session.flush()
    audit.record(actor, "assignment.moved", "assignment", moved.id, round_id=round.id,
                 application_id=application.id, released_id=work.id,
                 member=audit.change(work.member_id, to_member.id), reason=reason)
    return moved


def why_not_give(member, application: Application) -> str | None:
    """None if this member can take on scoring this application now; otherwise why not."""
    round = application.round
    part = policy.part_in(member, round)
    if part is None or part.role != "member" or part.panel_id != application.panel_id:
        return "Work can only move to a member of the same panel."
    if part.stepped_back_at is not None:
        return "That member has stepped back from this round, so they get no new work."
    if panel_policy.is_excluded(member, application):
        return "That member declared a link with this group, so they cannot score it."
    if score_policy.assignment_for(member, application) is not None:
        return "That member is already scoring this application."
    settings = panel_policy.settings_for(round)
    load = db.session.scalar(select(func.count()).select_from(Assignment).join(Application).where(
        Application.round_id == round.id, Assignment.member_id == member.id, Assignment.released_at.is_(None)))
    if load >= applications_each(settings):
        hours = settings.workload_cap_hours
        return f"That member already has as much work as their cap of {hours} hour{'s' if hours != 1 else ''} allows."
    return None
