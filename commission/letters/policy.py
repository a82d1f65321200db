"""Who may read, change and approve feedback letters, whether an applicant has been told, and
what an applicant sees of their outcome before then: the one home for these questions.
Services enforce them; views turn them into 403/404; templates use them to hide what would
be refused.

Who gets a letter: every applicant whose application was sent in and not withdrawn, whatever
happened to it: funded, part funded, not funded, not on the shortlist, or not meeting the
published rules (they have already read the eligibility check, and the letter closes the
round for them in the same way as for everyone else).

Told: an applicant has been told when a version of their letter is approved (so published)
and it was written from the decision standing now. If a panel vote reopens a decision after
the letter went out, the applicant is not told any more until a letter about the new
decision is approved.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, or_, select

from commission.applications.models import STATUS_LABELS, Application, ApplicationStatus as S
from commission.decisions.models import Decision
from commission.extensions import db
from commission.letters.models import Letter, LetterSettings, LetterVersion
from commission.rounds import policy as round_policy
from commission.rounds.models import Round

WRITING_STAGE = "decided"
READING_STAGES = ("decided", "closed")
# Sent in (whatever happened since) and not withdrawn: each of these applicants gets a letter.
SENT = tuple(s.value for s in (S.submitted, S.eligible, S.ineligible, S.shortlisted, S.not_shortlisted, S.funded,
                               S.part_funded, S.not_funded))
# Where an application has finished: a letter can be written.
FINISHED = tuple(s.value for s in (S.ineligible, S.not_shortlisted, S.funded, S.part_funded, S.not_funded))
DECIDED = tuple(s.value for s in (S.funded, S.part_funded, S.not_funded))
STILL_DECIDING = "The panel is still deciding"


def settings_for(round: Round) -> LetterSettings:
    return db.session.get(LetterSettings, round.id) or LetterSettings.defaults(round.id)


# Told -------------------------------------------------------------------------------------------

def _current_decision_id():
    return (select(Decision.id).where(Decision.application_id == Application.id, Decision.ended_at.is_(None))
            .correlate(Application).scalar_subquery())


def told_clause():
    """SQL: the application (in the enclosing query) has an approved letter about where it is now.
    The one definition of "told", for the round's guard and for the applicant's own pages."""
    current = _current_decision_id()
    return exists(select(LetterVersion.id).join(Letter, Letter.id == LetterVersion.letter_id).where(
        Letter.application_id == Application.id, LetterVersion.approved_at.is_not(None),
        or_(LetterVersion.decision_id == current, and_(LetterVersion.decision_id.is_(None), current.is_(None)))))


def untold(round: Round) -> int:
    """How many applicants of the round are still waiting for their published letter."""
    return db.session.scalar(select(func.count()).select_from(Application).where(
        Application.round_id == round.id, Application.status.in_(SENT),
        ~and_(Application.status.in_(FINISHED), told_clause())))


def told(application: Application) -> bool:
    return application.status in FINISHED and bool(db.session.scalar(
        select(told_clause()).select_from(Application).where(Application.id == application.id)))


def current_decision(application: Application) -> Decision | None:
    return db.session.scalar(select(Decision).where(Decision.application_id == application.id,
                                                    Decision.ended_at.is_(None)))


def is_current(version: LetterVersion, application: Application) -> bool:
    """The version was written from the decision standing now (or there is none, and it had none)."""
    decision = current_decision(application)
    return version.decision_id == (decision.id if decision else None)


# What an applicant sees ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ApplicantView:
    label: str      # where the application is, in words that give nothing away before the letter
    letter: bool    # a letter is published for them to read


def for_applicant(application: Application) -> ApplicantView:
    """Before their letter is published, an applicant sees nothing of the panel's decision."""
    from commission.applications.policy import awaiting_decision

    if told(application):
        return ApplicantView(STATUS_LABELS[application.status_enum], True)
    if application.status in DECIDED or awaiting_decision(application):
        return ApplicantView(STILL_DECIDING, _has_published(application))
    return ApplicantView(STATUS_LABELS[application.status_enum], _has_published(application))


def _has_published(application: Application) -> bool:
    return db.session.scalar(select(LetterVersion.id).join(Letter).where(
        Letter.application_id == application.id, LetterVersion.approved_at.is_not(None)).limit(1)) is not None


def letter_for_applicant(user, application: Application) -> Letter | None:
    """The applicant's own letter, if a version of it is published."""
    if not (getattr(user, "is_authenticated", False) and application.applicant_id == user.id):
        return None
    letter = db.session.scalar(select(Letter).where(Letter.application_id == application.id))
    return letter if letter is not None and letter.published is not None else None


# Staff and panel ------------------------------------------------------------------------------------

def can_write(user, round: Round) -> bool:
    """Drafting and changing letters: the round's facilitators."""
    return round_policy.can_manage_round(user, round)


def may_list(user, round: Round) -> bool:
    """The letters page: the round's facilitators, panel members and funder."""
    return round_policy.round_role(user, round) in ("facilitator", "member", "funder")


def may_read(user, letter: Letter, application: Application) -> bool:
    """Staff and the funder read every letter; a member reads those of their own panel's groups,
    except a group a declared link keeps them out of."""
    from commission.panels import policy as panel_policy

    round = application.round
    role = round_policy.round_role(user, round)
    if role in ("facilitator", "funder"):
        return True
    if role != "member":
        return False
    if application.panel_id is not None and panel_policy.panel_of(user, round) != application.panel_id:
        return False
    return not panel_policy.is_excluded(user, application)


def why_not_approve(user, letter: Letter, application: Application) -> tuple[str, bool] | None:
    """None if `user` may approve the letter's newest version now; else (reason, not allowed at all)."""
    from commission.panels import policy as panel_policy
    from commission.scores import policy as score_policy

    round = application.round
    role = round_policy.round_role(user, round)
    approver = settings_for(round).approver
    if approver == "facilitator" and not letter.newest.drafted:
        # A letter changed by hand is checked by the panel, so staff cannot make it say something
        # the panel did not decide.
        approver = "panel"
        if role == "facilitator":
            return ("This letter was changed by hand, so a member of the panel approves it. That way it says "
                    "what the panel decided."), True
    if approver == "facilitator":
        if role != "facilitator":
            return "In this round a facilitator approves the letters for the panel.", True
    else:
        if role != "member":
            return "Only the panel approves its letters. Staff and the funder cannot.", True
        if application.panel_id is not None and panel_policy.panel_of(user, round) != application.panel_id:
            return "Only members of the panel that looked at this application approve its letter.", True
        if panel_policy.is_excluded(user, application):
            return ("You told us about a link with this group that keeps you out, so you do not approve its "
                    "letter. Thank you for saying so."), True
        if score_policy.stepped_back(user, round):
            return "You have stepped back from this round, so you are not asked to approve letters. Thank you.", False
    if round.stage != WRITING_STAGE:
        return "Letters are approved once the panel has confirmed its decisions, and before the round closes.", False
    newest = letter.newest
    if application.status not in FINISHED or not is_current(newest, application):
        return ("The panel's decision has changed since this letter was written. A facilitator needs to write it "
                "again from the new decision."), False
    if newest.is_approved:
        return f"Version {newest.number} is already approved, so the applicant can read it.", False
    if not newest.check_passed:
        return ("This letter does not pass the plain-English check yet, so it cannot be approved. A facilitator "
                "needs to change it first."), False
    return None
