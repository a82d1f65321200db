"""Who may score, and who may see scores: the one home for these questions.

Blind until submitted: a member sees other members' scores for an application only after
sending in their own. No steering: staff see no scores, comments or rankings of a panel
until that panel has agreed its shortlist (or the round has moved past shortlisting).
"""
from __future__ import annotations

from sqlalchemy import select

from commission.applications.models import Application
from commission.clock import uk_datetime
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.panels.models import Assignment
from commission.rounds import policy
from commission.rounds.models import Round, RoundPerson
from commission.scores.models import ScoreSheet
from commission.shortlist.models import ScoringClosure, ShortlistMotion

SCORING_STAGE = "shortlisting"
# Stages after which every panel's results are open to staff and the funder.
RESULTS_OPEN_STAGES = ("rest_after_shortlisting", "interviews", "rest_after_interviews", "deciding", "decided",
                       "closed")


def closure(panel_id: int) -> ScoringClosure | None:
    return db.session.get(ScoringClosure, panel_id)


def scoring_open(round: Round, panel_id: int | None) -> bool:
    return round.stage == SCORING_STAGE and panel_id is not None and closure(panel_id) is None


def stepped_back(member, round: Round) -> bool:
    return db.session.scalar(select(RoundPerson.stepped_back_at).where(
        RoundPerson.round_id == round.id, RoundPerson.user_id == member.id)) is not None


def assignment_for(member, application: Application) -> Assignment | None:
    """The member's live (not released) assignment to score this application."""
    return db.session.scalar(select(Assignment).where(
        Assignment.application_id == application.id, Assignment.member_id == member.id,
        Assignment.released_at.is_(None)))


def sheet_for(member, application: Application) -> ScoreSheet | None:
    return db.session.scalar(select(ScoreSheet).where(ScoreSheet.application_id == application.id,
                                                      ScoreSheet.member_id == member.id))


def why_not_score(member, application: Application) -> str | None:
    """None if the member may score (or change their scores for) this application now."""
    round = application.round
    if policy.round_role(member, round) != "member":
        return "Only panel members score applications."
    if stepped_back(member, round):
        return "You have stepped back from this round, so you are not asked to score any more. Thank you."
    reason = panel_policy.why_not_details(member, application)
    if reason:
        return reason
    if round.stage == "interviews":
        # After an interview, its interviewers may change the scores they sent in, with a reason.
        from commission.interviews import policy as interview_policy  # interviews builds on scores

        if application.status != "shortlisted":
            return "During interviews, scores can change only for applications on the shortlist."
        if not interview_policy.is_interviewer(member, application):
            return "During interviews, only the members who interview this group can change their scores for it."
        sheet = sheet_for(member, application)
        if sheet is None or not sheet.submitted:
            return "You did not score this application while shortlisting, so there are no scores of yours to change."
        return None
    if round.stage != SCORING_STAGE:
        return "Scoring happens while the panel is shortlisting. It is not open now."
    shut = closure(application.panel_id)
    if shut is not None:
        return (f"Scoring for your panel closed on {uk_datetime(shut.closed_at)}. "
                "Scores can no longer be sent in or changed.")
    work = assignment_for(member, application)
    if work is None:
        return "This application is not one you were asked to score."
    if work.accepted_at is None:
        return "Say yes to the work you were asked to do before you start scoring."
    return None


def sees_others_scores(member, application: Application) -> bool:
    """Blind until submitted: only after sending in your own (and only if it still counts)."""
    if panel_policy.why_not_details(member, application):
        return False
    sheet = sheet_for(member, application)
    return sheet is not None and sheet.counts


def panel_agreed(panel_id: int) -> bool:
    return db.session.scalar(select(ShortlistMotion.id).where(
        ShortlistMotion.panel_id == panel_id, ShortlistMotion.status == "agreed").limit(1)) is not None


def staff_see_results(user, round: Round, panel_id: int) -> bool:
    """Facilitators and funders see a panel's scores and ranking only once the panel has agreed
    its shortlist, or the round has moved on from shortlisting."""
    if policy.round_role(user, round) not in ("facilitator", "funder"):
        return False
    return round.stage in RESULTS_OPEN_STAGES or panel_agreed(panel_id) or (
        round.stage == "paused" and round.paused_from in RESULTS_OPEN_STAGES)


def member_sees_results(member, round: Round, panel_id: int) -> bool:
    """A panel sees its own ranking once its scoring has closed."""
    return (policy.round_role(member, round) == "member" and panel_policy.panel_of(member, round) == panel_id
            and (closure(panel_id) is not None or round.stage in RESULTS_OPEN_STAGES))
