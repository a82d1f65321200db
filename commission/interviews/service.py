"""Interviews: slots, bookings, interviewers and reasonable adjustments (the questions and notes
are in questions.py). Services check, write, audit and flush; views commit.

Audit entries hold ids and choices, never what a person wrote about their needs or an
interview: those stay in their rows, which only the people involved can read.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from commission import clock
from commission.applications.models import Application, ApplicationStatus
from commission.audit import service as audit
from commission.errors import FieldProblem, NotAllowed, RuleBroken
from commission.extensions import db
from commission.interviews import policy as ip
from commission.interviews.models import (ADJUSTMENTS, MEANS, Adjustment, Interview, Interviewer,
                                          InterviewSettings, InterviewSlot)
from commission.round_settings import save_changes
from commission.rounds import policy
from commission.rounds.models import Panel, Round
from commission.scores import policy as score_policy

TEXT_LIMIT = 1_000
MIN_MINUTES, MAX_MINUTES = 10, 480


MAX_DAYS_AHEAD = 730  # interviews are offered within two years


def clean(text: str | None, field: str, label: str, limit: int = TEXT_LIMIT) -> str | None:
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise FieldProblem.one(field, f"Keep {label} to {limit:,} characters or fewer.")
    return text or None


def _require_facilitator(actor, round: Round, doing: str) -> None:
    if not policy.can_manage_round(actor, round):
        raise NotAllowed(f"Only a facilitator of this round can {doing}.")


def _require_booking_stage(round: Round) -> None:
    if round.stage not in ip.BOOKING_STAGES:
        raise RuleBroken("Interviews are arranged from shortlisting until interviews finish. "
                         "The round is not at those stages now.")


def _when(slot: InterviewSlot) -> str:
    return clock.uk_datetime(slot.starts_at)


# Settings ------------------------------------------------------------------------------------

def update_settings(actor, round: Round, min_interviewers) -> InterviewSettings:
    _require_facilitator(actor, round, "change the interview settings")
    if round.stage in ("closed", "cancelled"):
        raise RuleBroken("This round has ended, so its settings cannot change.")
    if isinstance(min_interviewers, bool) or not isinstance(min_interviewers, int) \
            or not 1 <= min_interviewers <= 20:
        raise FieldProblem.one("min_interviewers", "Each interview needs from 1 to 20 interviewers.")
    settings = ip.settings_for(round)
    save_changes(actor, round, settings, "interview_settings.changed", min_interviewers=min_interviewers)
    return settings


# Slots ---------------------------------------------------------------------------------------

def add_slot(actor, round: Round, panel: Panel, starts_at: datetime, minutes, means: str, place: str | None,
             access: str | None = None) -> InterviewSlot:
    """A facilitator offers a time for one panel to interview. Not in the past, and not
    overlapping another of the panel's times."""
    _require_facilitator(actor, round, "set interview times")
    if panel.round_id != round.id:
        raise NotAllowed("That panel belongs to another round.")
    _require_booking_stage(round)
    problems = {}
    if starts_at <= clock.now():
        problems["day"] = "That time has already passed. Choose a time in the future."
    elif starts_at > clock.now() + timedelta(days=MAX_DAYS_AHEAD):
        problems["day"] = "That is too far ahead. Choose a time in the next two years."
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not MIN_MINUTES <= minutes <= MAX_MINUTES:
        problems["minutes"] = f"An interview lasts from {MIN_MINUTES} to {MAX_MINUTES} minutes."
    if means not in MEANS:
        problems["means"] = "Say whether the interview is in person or by video call."
    place = (place or "").strip()
    if not place:
        problems["place"] = ("Give the address of the place." if means != "video"
                             else "Give the link to the video call.")
    elif means == "video" and not place.startswith("https://"):
        problems["place"] = "A video call link starts with https://"
    elif len(place) > TEXT_LIMIT:
        problems["place"] = f"Keep the place to {TEXT_LIMIT:,} characters or fewer."
    if problems:
        raise FieldProblem(problems)
    access = clean(access, "access", "what you say about access")
    if means == "in_person" and not access:
        raise FieldProblem.one("access", "Say how accessible the place is, for example whether it has "
                                         "step-free access and a hearing loop.")
    # Locked: two facilitators adding times for one panel are checked one after the other.
    db.session.scalar(select(Panel.id).where(Panel.id == panel.id).with_for_update())
    ends_at = starts_at + timedelta(minutes=minutes)
    for other in db.session.scalars(select(InterviewSlot).where(
            InterviewSlot.panel_id == panel.id, InterviewSlot.cancelled_at.is_(None),
            InterviewSlot.starts_at < ends_at).order_by(InterviewSlot.starts_at)):
        if other.ends_at > starts_at:
            raise FieldProblem.one("time", f"{panel.name} already has an interview time from {_when(other)} to "
                                            f"{clock.as_uk(other.ends_at):%H:%M}. Choose a time that does not "
                                            "overlap it.")
    slot = InterviewSlot(round_id=round.id, panel_id=panel.id, starts_at=starts_at, minutes=minutes, means=means,
                         place=place, access=access, created_by_id=actor.id, created_at=clock.now())
    db.session.add(slot)
    db.session.flush()
    audit.record(actor, "interview_slot.added", "interview_slot", slot.id, round_id=round.id, panel_id=panel.id,
                 starts_at=starts_at.isoformat(), minutes=minutes, means=means)
    return slot


def cancel_slot(actor, slot: InterviewSlot, reason: str | None) -> InterviewSlot:
    """Take a time away. An interview booked in it is cancelled too (its calendar files say so)."""
    round = db.session.get(Round, slot.round_id)
    _require_facilitator(actor, round, "cancel interview times")
    if slot.cancelled_at is not None:
        raise RuleBroken("That interview time is already cancelled.")
    if slot.starts_at <= clock.now():
        raise RuleBroken("That time has already come, so it cannot be cancelled.")
    reason = clean(reason, "reason", "the reason")
    booked = db.session.scalar(select(Interview).where(Interview.slot_id == slot.id))
    if booked is not None and not reason:
        raise FieldProblem.one("reason", "Someone has booked this time. Say why you are cancelling it. "
                                         "They will see the reason.")
    if booked is not None:
        _cancel(actor, booked, reason)
    slot.cancelled_at, slot.cancel_reason = clock.now(), reason
    db.session.flush()
    audit.record(actor, "interview_slot.cancelled", "interview_slot", slot.id, round_id=round.id,
                 panel_id=slot.panel_id, interview_id=booked.id if booked else None)
    return slot


def free_slots(application: Application) -> list[InterviewSlot]:
    """Times the application's panel offers that nobody has booked and have not passed."""
    taken = select(Interview.slot_id).where(Interview.slot_id.is_not(None))
    return list(db.session.scalars(select(InterviewSlot).where(
        InterviewSlot.panel_id == application.panel_id, InterviewSlot.cancelled_at.is_(None),
        InterviewSlot.starts_at > clock.now(), InterviewSlot.id.not_in(taken)).order_by(InterviewSlot.starts_at)))


def slots(round: Round) -> list[InterviewSlot]:
    return list(db.session.scalars(select(InterviewSlot).where(InterviewSlot.round_id == round.id)
                                   .order_by(InterviewSlot.panel_id, InterviewSlot.starts_at)))


# Booking -------------------------------------------------------------------------------------

def _check_booker(actor, application: Application) -> None:
    round = application.round
    if not (ip.owns(actor, application) or policy.can_manage_round(actor, round)):
        raise NotAllowed("Only the group itself or the round's facilitator can arrange its interview.")
    if application.status != ApplicationStatus.shortlisted.value:
        raise RuleBroken("Only applications on the shortlist are interviewed.")
    _require_booking_stage(round)


def book(actor, application: Application, slot: InterviewSlot) -> Interview:
    """The applicant chooses a free time, or the facilitator gives one. Choosing another time
    moves the interview: its calendar files are updated, not duplicated."""
    _check_booker(actor, application)
    # Locked: two people choosing the same time are seen one after the other.
    db.session.refresh(slot, with_for_update=True)
    if slot.round_id != application.round_id or slot.panel_id != application.panel_id:
        raise RuleBroken("That time is for another panel. Choose one of the times listed.")
    if slot.cancelled_at is not None:
        raise RuleBroken("That time has been cancelled. Choose another.")
    if slot.starts_at <= clock.now():
        raise RuleBroken("That time has already passed. Choose another.")
    interview = ip.interview_for(application)
    if interview is not None and _happened(interview):
        raise RuleBroken("This interview has already taken place, so it cannot move.")
    holder = db.session.scalar(select(Interview).where(Interview.slot_id == slot.id))
    if holder is not None:
        if holder is interview:
            raise RuleBroken(f"The interview is already booked for {_when(slot)}.")
        raise RuleBroken("Someone has already booked that time. Choose another.")
    if interview is None:
        interview = Interview(round_id=application.round_id, application_id=application.id, slot_id=slot.id,
                              last_slot_id=slot.id, sequence=0, booked_by_id=actor.id, booked_at=clock.now())
        db.session.add(interview)
        action, before = "interview.booked", None
    else:
        before = interview.slot_id
        interview.sequence += 1
        interview.slot_id = interview.last_slot_id = slot.id
        interview.booked_by_id, interview.booked_at = actor.id, clock.now()
        interview.cancelled_at = interview.cancel_reason = None
        action = "interview.booked" if before is None else "interview.moved"
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise RuleBroken("Someone has just booked that time. Choose another.") from None
    audit.record(actor, action, "interview", interview.id, round_id=application.round_id,
                 application_id=application.id, slot=audit.change(before, slot.id), sequence=interview.sequence)
    if not ip.interviewers_of(interview):
        _assign(actor, interview, ip.candidates(application.round, [application])[application.id], bump=False)
    return interview


def _happened(interview: Interview) -> bool:
    """Booked for a time that has come."""
    return not interview.cancelled and interview.slot.starts_at <= clock.now()


def _cancel(actor, interview: Interview, reason: str | None) -> None:
    before = interview.slot_id
    interview.slot_id = None
    interview.sequence += 1
    interview.cancelled_at, interview.cancel_reason = clock.now(), reason
    db.session.flush()
    audit.record(actor, "interview.cancelled", "interview", interview.id, round_id=interview.round_id,
                 application_id=interview.application_id, slot=audit.change(before, None),
                 sequence=interview.sequence)


def cancel(actor, interview: Interview, reason: str | None = None) -> Interview:
    """The applicant or the facilitator cancels an interview. The time is free again."""
    _check_booker(actor, interview.application)
    if interview.cancelled:
        raise RuleBroken("This interview is already cancelled.")
    if _happened(interview):
        raise RuleBroken("This interview has already taken place, so it cannot be cancelled.")
    _cancel(actor, interview, clean(reason, "reason", "the reason"))
    return interview


def interviews(round: Round) -> list[Interview]:
    return list(db.session.scalars(select(Interview).where(Interview.round_id == round.id)
                                   .order_by(Interview.application_id)))


def shortlisted(round: Round, panel_id: int | None = None) -> list[Application]:
    query = select(Application).where(Application.round_id == round.id,
                                      Application.status == ApplicationStatus.shortlisted.value)
    if panel_id is not None:
        query = query.where(Application.panel_id == panel_id)
    return list(db.session.scalars(query.order_by(Application.id)))


# Interviewers --------------------------------------------------------------------------------

def _assign(actor, interview: Interview, member_ids, *, bump: bool = True) -> None:
    before = ip.interviewers_of(interview)
    wanted = list(dict.fromkeys(member_ids))
    now = clock.now()
    rows = {row.member_id: row for row in db.session.scalars(
        select(Interviewer).where(Interviewer.interview_id == interview.id))}
    for member_id, row in rows.items():
        if member_id not in wanted and row.released_at is None:
            row.released_at = now
    for member_id in wanted:
        row = rows.get(member_id)
        if row is None:
            db.session.add(Interviewer(interview_id=interview.id, member_id=member_id, assigned_at=now))
        elif row.released_at is not None:
            row.released_at, row.assigned_at = None, now
    if bump:
        interview.sequence += 1  # the calendar entry changed for whoever was added or taken off
    db.session.flush()
    audit.record(actor, "interview.interviewers_set", "interview", interview.id, round_id=interview.round_id,
                 application_id=interview.application_id, members=audit.change(sorted(before), sorted(wanted)),
                 sequence=interview.sequence)


def set_interviewers(actor, interview: Interview, member_ids) -> Interview:
    """The facilitator chooses who interviews: at least the round's minimum, and only members
    of the application's panel who have not stepped back and whose link does not keep them out."""
    application = interview.application
    round = application.round
    _require_facilitator(actor, round, "choose who interviews")
    _require_booking_stage(round)
    if interview.cancelled:
        raise RuleBroken("This interview is cancelled. Book a time for it first.")
    try:
        chosen = list(dict.fromkeys(int(m) for m in member_ids))
    except (TypeError, ValueError):
        raise FieldProblem.one("members", "Choose members from the list.") from None
    allowed = ip.candidates(round, [application])[application.id]
    wrong = [m for m in chosen if m not in allowed]
    if wrong:
        raise FieldProblem.one("members", _why_not_interviewer(round, application, wrong[0]))
    minimum = ip.settings_for(round).min_interviewers
    if len(chosen) < minimum:
        if len(allowed) < minimum:
            raise FieldProblem.one("members", f"Only {len(allowed)} members can interview this group, but the round "
                                              f"asks for at least {minimum}. Lower the number in the interview "
                                              "settings first.")
        raise FieldProblem.one("members", f"Choose at least {minimum} interviewers. You chose {len(chosen)}.")
    if sorted(chosen) == sorted(ip.interviewers_of(interview)):
        raise FieldProblem.one("members", "Those are the interviewers already. Nothing has changed.")
    _assign(actor, interview, chosen)
    return interview


def _why_not_interviewer(round: Round, application: Application, member_id: int) -> str:
    from commission.accounts.models import User
    from commission.panels import policy as panel_policy

    member = db.session.get(User, member_id)
    part = policy.part_in(member, round) if member else None
    if part is None or part.role != "member" or part.panel_id != application.panel_id:
        return "Choose members of this application's panel."
    if part.stepped_back_at is not None:
        return f"{member.name} has stepped back from the round, so they are not asked to interview."
    if panel_policy.level_for(member, application) is None:
        return f"{member.name} has not said whether they have a link with this group yet."
    return f"{member.name} said they have a link with this group, so they cannot interview it."


def shortfalls(round: Round) -> dict[int, int]:
    """{interview id: how many interviewers it has} for booked interviews with fewer than the
    round's minimum."""
    minimum = ip.settings_for(round).min_interviewers
    found = {}
    for interview in interviews(round):
        if not interview.cancelled:
            have = len(ip.interviewers_of(interview))
            if have < minimum:
                found[interview.id] = have
    return found


def my_interviews(member, round: Round) -> list[Interview]:
    """The booked interviews this member is interviewing at."""
    rows = db.session.scalars(select(Interview).join(Interviewer, Interviewer.interview_id == Interview.id).where(
        Interview.round_id == round.id, Interviewer.member_id == member.id, Interviewer.released_at.is_(None),
        Interview.slot_id.is_not(None)))
    mine = [i for i in rows if member.id in ip.interviewers_of(i)]
    return sorted(mine, key=lambda i: i.slot.starts_at)


# Reasonable adjustments ----------------------------------------------------------------------

def ask_adjustment(actor, round: Round, kind: str, details: str | None,
                   application: Application | None = None) -> Adjustment:
    """An applicant (for their interview) or a panel member (for all their interviews) asks for
    something they need to take part."""
    if application is not None:
        if application.round_id != round.id or not ip.owns(actor, application):
            raise NotAllowed("Only the group itself can ask for what it needs at its interview.")
        if application.status != ApplicationStatus.shortlisted.value:
            raise RuleBroken("Only groups on the shortlist are interviewed.")
    elif policy.round_role(actor, round) != "member":
        raise NotAllowed("Panel members and interviewed groups ask for what they need at interviews.")
    elif score_policy.stepped_back(actor, round):
        raise RuleBroken("You have stepped back from this round, so you are not asked to interview. Thank you.")
    _require_booking_stage(round)
    if kind not in ADJUSTMENTS:
        raise FieldProblem.one("kind", "Choose what you need from the list.")
    details = clean(details, "details", "what you say you need")
    if kind == "other" and not details:
        raise FieldProblem.one("details", "Say what you need.")
    same = select(Adjustment.id).where(Adjustment.round_id == round.id, Adjustment.user_id == actor.id,
                                       Adjustment.kind == kind)
    if kind != "other" and db.session.scalar(same.limit(1)) is not None:
        raise FieldProblem.one("kind", f"You have already asked for this: {ADJUSTMENTS[kind].lower()}.")
    adjustment = Adjustment(round_id=round.id, user_id=actor.id, application_id=application and application.id,
                            kind=kind, details=details, asked_at=clock.now())
    db.session.add(adjustment)
    db.session.flush()
    audit.record(actor, "interview.adjustment_asked", "interview_adjustment", adjustment.id, round_id=round.id,
                 application_id=adjustment.application_id, kind=kind)
    return adjustment


def confirm_adjustment(actor, adjustment: Adjustment, arranged: str | None) -> Adjustment:
    """The facilitator confirms it is arranged, and may say how."""
    round = db.session.get(Round, adjustment.round_id)
    _require_facilitator(actor, round, "confirm what people need")
    if adjustment.confirmed_at is not None:
        raise RuleBroken("This is already confirmed.")
    adjustment.confirmation = clean(arranged, "arranged", "what was arranged")
    adjustment.confirmed_at, adjustment.confirmed_by_id = clock.now(), actor.id
    db.session.flush()
    audit.record(actor, "interview.adjustment_confirmed", "interview_adjustment", adjustment.id, round_id=round.id,
                 application_id=adjustment.application_id, kind=adjustment.kind)
    return adjustment


def adjustments(round: Round, user=None) -> list[Adjustment]:
    query = select(Adjustment).where(Adjustment.round_id == round.id)
    if user is not None:
        query = query.where(Adjustment.user_id == user.id)
    return list(db.session.scalars(query.order_by(Adjustment.confirmed_at.is_not(None), Adjustment.id)))
