"""The demo after shortlisting: the panels agree their shortlists, rest, agree the interview
questions, interview, rest again, decide (binding), and write to every applicant. Built through
the same services as everything else, with the clock moved forward so every rest really passes."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from commission import clock
from commission.accounts.models import User
from commission.criteria import service as criteria
from commission.documents import service as documents
from commission.extensions import db
from commission.interviews import policy as interview_policy
from commission.interviews import questions as interview_questions
from commission.interviews import service as interviews
from commission.letters import policy as letter_policy
from commission.letters import service as letters
from commission.panels import policy as panel_policy
from commission.panels import service as panels
from commission.panels.models import TrainingModule
from commission.rounds import service as rounds
from commission.scores import policy as score_policy
from commission.scores import service as scores
from commission.shortlist import service as shortlist

STAGES_AFTER = ("rest_after_shortlisting", "interviews", "rest_after_interviews", "deciding", "decided", "closed")
# How many days the stages after shortlisting take in the demo, so its history starts early enough.
DAYS_AFTER = 40

QUESTIONS = (
    "Thank you for coming to meet the panel. We ask every group the same questions.\n\n"
    "1. Tell us about your group and the older people you help.\n"
    "2. How did older people help to plan this project?\n"
    "3. What will you do with the money, week by week?\n"
    "4. How will you know if it has worked?")
NOTES = ("They told us about the people who come each week.", "Older people chose what the project does.",
         "A clear plan, with costs for each month.", "They will ask people how they feel at the start and end.")
REASONS = {
    "fund": "It reaches older people who are alone, and older people plan it. That is what our criteria ask.",
    "part_fund": "We like the plan, but it asks for more than the first year needs. We fund the first year.",
    "not_fund": "It scored lower on reaching people who are alone, and the money has gone to groups that "
                "scored higher.",
}


def finish_shortlisting(cast, to_stage: str) -> None:
    """From the middle of shortlisting to `to_stage`, honestly."""
    round = cast.round
    _everyone_scores(cast)
    for panel in round.panels:
        if score_policy.closure(panel.id) is None:
            clock.advance(timedelta(hours=3))
            shortlist.close_scoring(cast.facilitator, round, panel)
        _vote_until_agreed(round, panel)
    clock.advance(timedelta(days=1))
    rounds.take_step(cast.facilitator, round, "finish_shortlisting")
    if to_stage == "rest_after_shortlisting":
        return
    _agree_questions(cast)
    clock.advance(timedelta(days=round.rest_days("rest_after_shortlisting") or 7, hours=1))
    rounds.take_step(cast.facilitator, round, "start_interviews")
    _interview(cast)
    if to_stage == "interviews":
        return
    clock.advance(timedelta(days=1))
    rounds.take_step(cast.facilitator, round, "finish_interviews")
    if to_stage == "rest_after_interviews":
        return
    clock.advance(timedelta(days=round.rest_days("rest_after_interviews") or 7, hours=1))
    rounds.take_step(cast.facilitator, round, "start_deciding")
    _decide(cast)
    if to_stage == "deciding":
        return
    clock.advance(timedelta(days=1))
    rounds.take_step(_members(round)[0], round, "confirm_decisions")
    _write_letters(cast)
    if to_stage == "decided":
        return
    clock.advance(timedelta(days=1))
    rounds.take_step(cast.facilitator, round, "close_round")


def _members(round) -> list[User]:
    return [p.user for p in round.people if p.role == "member" and p.stepped_back_at is None]


def _everyone_scores(cast) -> None:
    round = cast.round
    version = criteria.current_version(round)
    modules = list(db.session.scalars(select(TrainingModule).where(TrainingModule.round_id == round.id)))
    for member in _members(round):
        missing = set(panel_policy.training_missing(member, round))
        for module in modules:
            if module.title in missing:
                panels.record_training(cast.facilitator, member, module)
        for application in panel_policy.undeclared(member, round):
            panels.declare(member, application, "none")
    panels.share_out(cast.facilitator, round)
    for member in _members(round):
        if any(w.accepted_at is None for w in panels.my_work(member, round)):
            panels.accept_work(member, round)
        for application in panels.my_assignments(member, round):
            sheet = score_policy.sheet_for(member, application)
            if sheet is None or not sheet.submitted:
                clock.advance(timedelta(minutes=30))
                values = {c.id: 1 + (member.id + application.id + c.position) % 4 for c in version.criteria}
                scores.submit(member, application, values, "I read it twice. A good local group.")


def _vote_until_agreed(round, panel) -> None:
    motion = shortlist.open_motion(panel.id)
    for member in [m for m in _members(round) if panel_policy.panel_of(m, round) == panel.id]:
        if motion is None or motion.status != "open":
            return
        if shortlist.why_not_vote(member, round, motion) is None and not _said_yes(member, motion):
            clock.advance(timedelta(minutes=20))
            shortlist.vote(member, round, motion, "yes")


def _said_yes(member, motion) -> bool:
    return any(v.member_id == member.id and v.choice == "yes" for v in motion.votes)


def _agree_questions(cast) -> None:
    round = cast.round
    document = documents.create(cast.facilitator, round, "interview_questions", "Interview questions", QUESTIONS)
    documents.publish(cast.facilitator, document.versions[-1])
    version = document.versions[-1]
    for member_id in interview_questions.voters(round):
        if interview_policy.is_agreed(version):
            break
        clock.advance(timedelta(minutes=15))
        interview_questions.vote_on_questions(db.session.get(User, member_id), round, version, "yes")


def _interview(cast) -> None:
    """Each panel offers times a few days ahead; each group books one; then the interviews
    happen and the interviewers keep notes."""
    round = cast.round
    start = clock.as_uk(clock.now() + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    booked = []
    for panel in round.panels:
        shortlisted = interviews.shortlisted(round, panel.id)
        for number, application in enumerate(shortlisted):
            day, slot_in_day = divmod(number, 4)
            starts = start + timedelta(days=day, minutes=90 * slot_in_day)
            slot = interviews.add_slot(cast.facilitator, round, panel, starts, 60, "in_person",
                                       "The Community Room, Station Road", "Step-free entrance and a hearing loop.")
            booked.append(interviews.book(db.session.get(User, application.applicant_id), application, slot))
    clock.advance(timedelta(days=12))
    for interview in booked:
        for member_id in interview_policy.interviewers_of(interview):
            interview_questions.write_notes(db.session.get(User, member_id), interview,
                                            dict(enumerate(NOTES, start=1)))


def _decide(cast) -> None:
    """Fund the best-placed groups in full while the money lasts, part-fund one, and say no to
    the rest, each with its reason."""
    from commission.decisions import policy as decision_policy
    from commission.decisions import service as decisions

    round = cast.round
    version = criteria.current_version(round)
    part_done = False
    for application in sorted(interviews.shortlisted(round), key=lambda a: a.amount_requested_pence):
        left = decision_policy.remaining_pence(round, application.id)
        if application.amount_requested_pence <= left:
            outcome, amount = "fund", None
        elif not part_done and left >= 10_000_00:
            outcome, amount, part_done = "part_fund", min(left, application.amount_requested_pence // 2), True
        else:
            outcome, amount = "not_fund", None
        members = [m for m in _members(round) if decision_policy.why_not_propose(m, round, application) is None]
        clock.advance(timedelta(minutes=30))
        motion = decisions.propose(members[0], round, application, outcome, reason=REASONS[outcome],
                                   criterion_ids=[version.criteria[0].id], amount_pence=amount,
                                   covers="The first year of the project." if outcome == "part_fund" else None)
        for member in _members(round):
            if motion.status != "open":
                break
            if decision_policy.needs_link_answer(member, round, application):
                decisions.declare_link(member, round, application, "none")
            if decision_policy.why_not_vote(member, round, application) is None:
                decisions.vote(member, round, motion, "yes")


def _write_letters(cast) -> None:
    round = cast.round
    letters.draft_all(cast.facilitator, round)
    for letter in letters.letters(round).values():
        clock.advance(timedelta(minutes=10))
        approver = next((p for p in (cast.facilitator, *_members(round))
                         if letter_policy.why_not_approve(p, letter, letter.application) is None), None)
        if approver is not None and not letter.newest.is_approved:
            letters.approve(approver, letter.newest)
