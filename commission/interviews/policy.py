"""Who interviews, who may read and write an interview's notes, who may book and download:
the one home for these questions. Services enforce them, views turn them into 403/404,
templates use them only to hide what would be refused.

Interviewers are the application's panel members who have not stepped back and whose link
with the group (if any) does not keep them out, as in scoring (panels.policy.excluded_pairs).
A member who declares such a link later stops being an interviewer at once, whatever was
assigned before.
"""
from __future__ import annotations

from markdown_it import MarkdownIt
from sqlalchemy import select

from commission import clock
from commission.applications.models import Application
from commission.documents.models import Document, DocumentVersion
from commission.extensions import db
from commission.interviews.models import Interview, Interviewer, InterviewSettings, QuestionsAgreement
from commission.panels import policy as panel_policy
from commission.panels.models import ConflictDeclaration
from commission.rounds import policy
from commission.rounds.models import Round, RoundPerson
from workflows import get_workflow

INTERVIEW_STAGE = "interviews"
# Slots can be offered and booked, and adjustments asked for, from shortlisting until
# interviews finish.
BOOKING_STAGES = ("shortlisting", "rest_after_shortlisting", "interviews")
# Staff and the funder read interview notes once the panel's decisions are made.
NOTES_OPEN_STAGES = ("decided", "closed")
WHOLE_INTERVIEW = "Your notes on the interview"

_markdown = MarkdownIt("commonmark", {"html": False})


def settings_for(round: Round) -> InterviewSettings:
    return db.session.get(InterviewSettings, round.id) or InterviewSettings.defaults(round.id)


def has_interviews(round: Round) -> bool:
    return INTERVIEW_STAGE in get_workflow(round.workflow_name).stages


def before_interviews(round: Round) -> bool:
    """The round has not reached interviews yet (the panel may still agree its questions)."""
    stages = get_workflow(round.workflow_name).stages
    stage = round.paused_from if round.stage == "paused" else round.stage
    return has_interviews(round) and stage in stages and stages.index(stage) < stages.index(INTERVIEW_STAGE)


# The questions -----------------------------------------------------------------------------

def questions_document(round: Round) -> Document | None:
    """The round's interview questions: its newest document of that kind."""
    return db.session.scalar(select(Document).where(Document.round_id == round.id,
                                                    Document.kind == "interview_questions")
                             .order_by(Document.id.desc()).limit(1))


def passed_check(version: DocumentVersion) -> bool:
    """Published because it passed the plain-English check, not despite failing it."""
    return version.is_published and version.check_passed and version.override_reason is None


def is_agreed(version: DocumentVersion) -> bool:
    return db.session.get(QuestionsAgreement, version.id) is not None


def questions_state(round: Round) -> str:
    """For the workflow guard: 'none' (nothing published), 'not_checked' (published despite
    failing the plain-English check), 'not_agreed' or 'agreed'."""
    document = questions_document(round)
    version = document.published if document is not None else None
    if version is None:
        return "none"
    if not passed_check(version):
        return "not_checked"
    return "agreed" if is_agreed(version) else "not_agreed"


def agreed_version(round: Round) -> DocumentVersion | None:
    """The questions the panel asks: the newest version it agreed."""
    return db.session.scalar(select(DocumentVersion).join(QuestionsAgreement, QuestionsAgreement.version_id
                                                          == DocumentVersion.id)
                             .where(QuestionsAgreement.round_id == round.id)
                             .order_by(QuestionsAgreement.agreed_at.desc(), DocumentVersion.id.desc()).limit(1))


def questions_in(version: DocumentVersion) -> list[str]:
    """The questions of a version: each item of its lists (not the points under an item). A
    document with no list is one question: the whole interview."""
    tokens = _markdown.parse(version.markdown)
    found = []
    for n, token in enumerate(tokens):
        if token.type == "list_item_open" and token.level == 1:
            inline = next((t for t in tokens[n:] if t.type == "inline"), None)
            if inline is not None:
                words = "".join(" " if c.type in ("softbreak", "hardbreak") else c.content
                                for c in inline.children or [])
                found.append(" ".join(words.split()))
    return [q for q in found if q] or [WHOLE_INTERVIEW]


# Interviewers ------------------------------------------------------------------------------

def candidates(round: Round, applications) -> dict[int, list[int]]:
    """{application id: ids of members who may interview it}: its panel's members who have not
    stepped back, who have said whether they have a link with it, and whose link does not keep
    them out. Four queries, however many applications."""
    applications = list(applications)
    ids = [a.id for a in applications]
    if not ids:
        return {}
    members = db.session.execute(select(RoundPerson.panel_id, RoundPerson.user_id).where(
        RoundPerson.round_id == round.id, RoundPerson.role == "member", RoundPerson.stepped_back_at.is_(None))
        .order_by(RoundPerson.id)).all()
    declared = set(db.session.execute(select(ConflictDeclaration.application_id, ConflictDeclaration.member_id)
                                      .where(ConflictDeclaration.application_id.in_(ids))).all())
    excluded = panel_policy.excluded_pairs(round, ids)
    return {a.id: [m for panel, m in members if panel == a.panel_id and (a.id, m) in declared
                   and (a.id, m) not in excluded] for a in applications}


def interviewers_of(interview: Interview) -> list[int]:
    """Ids of the members interviewing now: assigned, not taken off, and still free to."""
    if interview.cancelled:
        return []
    assigned = db.session.scalars(select(Interviewer.member_id).where(
        Interviewer.interview_id == interview.id, Interviewer.released_at.is_(None)))
    allowed = set(candidates(interview.application.round, [interview.application])[interview.application_id])
    return [m for m in assigned if m in allowed]


def interview_for(application: Application) -> Interview | None:
    return db.session.scalar(select(Interview).where(Interview.application_id == application.id))


def is_interviewer(member, application: Application) -> bool:
    interview = interview_for(application)
    return interview is not None and member.id in interviewers_of(interview)


def was_interviewer(member, interview: Interview) -> bool:
    """Asked to interview at some time (perhaps taken off since)."""
    return db.session.get(Interviewer, (interview.id, member.id)) is not None


# Notes -------------------------------------------------------------------------------------

def why_not_open_notes(user, interview: Interview) -> tuple[int, str] | None:
    """None if this person may read the interview's notes; else (403 or 404, why not).
    Members of the application's panel read them, unless a link with the group keeps them
    out; staff and the funder only once the decisions are made; nobody else at all."""
    application = interview.application
    round = application.round
    role = policy.round_role(user, round)
    if role == "member":
        if panel_policy.panel_of(user, round) != application.panel_id:
            return 404, "Not found"
        reason = panel_policy.why_not_details(user, application)
        return (403, reason) if reason else None
    if role in ("facilitator", "funder"):
        if round.stage in NOTES_OPEN_STAGES:
            return None
        return 403, ("The interviewers' notes are the panel's own while it is deciding. Staff and the funder "
                     "can read them once the panel's decisions are made.")
    return 404, "Not found"


def why_not_write_notes(member, interview: Interview) -> str | None:
    """None if the member may write notes on this interview now."""
    refusal = why_not_open_notes(member, interview)
    if refusal:
        return refusal[1]
    round = interview.application.round
    if policy.round_role(member, round) != "member":
        return "Only the panel members who interview the group write notes."
    if member.id not in interviewers_of(interview):
        return "You are not one of the people interviewing this group, so you cannot write notes on it."
    if round.stage != INTERVIEW_STAGE:
        return "Notes are written while the round is at interviews. It is not at that stage now."
    if interview.slot.starts_at > clock.now():
        return "You can write notes once the interview has started."
    return None


# Booking and calendar files ------------------------------------------------------------------

def owns(user, application: Application) -> bool:
    return getattr(user, "is_authenticated", False) and application.applicant_id == user.id


def calendar_role(user, interview: Interview) -> str | None:
    """'applicant' or 'interviewer' (a live calendar entry), 'former' (someone taken off, who gets
    the cancellation), or None: nobody else may download the file."""
    application = interview.application
    if owns(user, application):
        return "applicant"
    if policy.round_role(user, application.round) != "member" or not was_interviewer(user, interview):
        return None
    return "interviewer" if user.id in interviewers_of(interview) else "former"
