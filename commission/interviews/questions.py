"""The interview questions: the panel agrees them by vote before interviews start (the same
rule as the shortlist: majority with the round's quorum, or consensus), and interviewers keep
notes against each of them. Services check, write, audit and flush; views commit."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from commission import clock
from commission.audit import service as audit
from commission.documents.models import DocumentVersion
from commission.errors import FieldProblem, NotAllowed, RuleBroken
from commission.extensions import db
from commission.interviews import policy as ip
from commission.interviews.models import VOTE_CHOICES, Interview, InterviewNote, QuestionsAgreement, QuestionsVote
from commission.interviews.service import clean
from commission.rounds import policy
from commission.rounds.models import Round, RoundPerson
from commission.scores import policy as score_policy
# The same rule as the shortlist vote: majority with the round's quorum, or consensus.
from commission.shortlist.service import rule_met as vote_rule

NOTE_LIMIT = 5_000


# Agreeing the questions ----------------------------------------------------------------------

def voters(round: Round) -> list[int]:
    """The round's panel members who have not stepped back: they agree the questions together."""
    return list(db.session.scalars(select(RoundPerson.user_id).where(
        RoundPerson.round_id == round.id, RoundPerson.role == "member", RoundPerson.stepped_back_at.is_(None))))


@dataclass(frozen=True)
class QuestionsCount:
    can_vote: int
    voted: int
    yes: int
    agreed: bool
    words: str


def questions_count(round: Round, version: DocumentVersion) -> QuestionsCount:
    """How the vote on these questions stands, by the round's rule (as for the shortlist)."""
    can = set(voters(round))
    ballots = dict(db.session.execute(select(QuestionsVote.member_id, QuestionsVote.choice)
                                      .where(QuestionsVote.version_id == version.id)).all())
    voted = [c for m, c in ballots.items() if m in can]
    yes = voted.count("yes")
    return QuestionsCount(len(can), len(voted), yes, *vote_rule(round, len(can), len(voted), yes))


def my_vote(member, version: DocumentVersion) -> str | None:
    return db.session.scalar(select(QuestionsVote.choice).where(QuestionsVote.version_id == version.id,
                                                                QuestionsVote.member_id == member.id))


def why_not_vote(actor, round: Round, version: DocumentVersion | None) -> str | None:
    if policy.round_role(actor, round) != "member":
        return "Only panel members agree the interview questions. Staff cannot vote."
    if score_policy.stepped_back(actor, round):
        return "You have stepped back from this round, so you are not asked to vote. Thank you."
    document = ip.questions_document(round)
    if version is None or document is None or version.document_id != document.id \
            or document.published is not version:
        return "These are not the newest published interview questions. Vote on the newest ones."
    if not ip.passed_check(version):
        return ("These questions were published without passing the plain-English check, so the panel "
                "cannot agree them. Ask your facilitator to make them plainer.")
    if ip.is_agreed(version):
        return "The panel has already agreed these questions."
    if not ip.before_interviews(round):
        return "The panel agrees its questions before interviews start."
    return None


def vote_on_questions(actor, round: Round, version: DocumentVersion, choice: str) -> QuestionsVote:
    """A member votes yes or no on the published questions; once the round's rule is met they
    are agreed."""
    if version.document.round_id != round.id:
        raise NotAllowed("Those questions belong to another round.")
    reason = why_not_vote(actor, round, version)
    if reason:
        raise (NotAllowed if policy.round_role(actor, round) != "member" else RuleBroken)(reason)
    if choice not in VOTE_CHOICES:
        raise FieldProblem.one("choice", "Choose yes or no.")
    # Locked: votes on one version are counted one at a time, so agreement is recorded once.
    db.session.refresh(version, with_for_update=True)
    if ip.is_agreed(version):
        raise RuleBroken("The panel has already agreed these questions.")
    ballot = db.session.scalar(select(QuestionsVote).where(QuestionsVote.version_id == version.id,
                                                           QuestionsVote.member_id == actor.id))
    if ballot is not None:
        if ballot.choice == choice:
            raise RuleBroken(f"You have already voted {choice}. You can change your vote while the vote is open.")
        before, ballot.choice, ballot.at = ballot.choice, choice, clock.now()
        db.session.flush()
        audit.record(actor, "interview_questions.vote_changed", "interview_question_vote", ballot.id,
                     round_id=round.id, version_id=version.id, choice=audit.change(before, choice))
    else:
        ballot = QuestionsVote(version_id=version.id, member_id=actor.id, choice=choice, at=clock.now())
        db.session.add(ballot)
        db.session.flush()
        audit.record(actor, "interview_questions.voted", "interview_question_vote", ballot.id, round_id=round.id,
                     version_id=version.id, choice=choice)
    count = questions_count(round, version)
    if count.agreed:
        db.session.add(QuestionsAgreement(version_id=version.id, round_id=round.id, agreed_at=clock.now()))
        db.session.flush()
        audit.record(actor, "interview_questions.agreed", "document", version.document_id, round_id=round.id,
                     version_id=version.id, rule=round.vote_rule,
                     votes={"yes": count.yes, "voted": count.voted, "can_vote": count.can_vote})
    return ballot


# Notes ---------------------------------------------------------------------------------------

def note_field(number: int) -> str:
    return f"note_{number}"


def newest_notes(interview: Interview) -> dict[tuple[int, int], InterviewNote]:
    """{(member id, question number): the newest note} for the interview."""
    found = {}
    for note in db.session.scalars(select(InterviewNote).where(InterviewNote.interview_id == interview.id)
                                   .order_by(InterviewNote.id)):
        found[(note.member_id, note.question)] = note
    return found


def note_history(interview: Interview, member) -> list[InterviewNote]:
    return list(db.session.scalars(select(InterviewNote).where(
        InterviewNote.interview_id == interview.id, InterviewNote.member_id == member.id)
        .order_by(InterviewNote.question, InterviewNote.id.desc())))


def write_notes(actor, interview: Interview, notes: dict[int, str | None]) -> list[InterviewNote]:
    """An interviewer keeps notes against each of the agreed questions. Changing a note adds a
    new one; the earlier ones stay."""
    reason = ip.why_not_write_notes(actor, interview)
    if reason:
        if policy.round_role(actor, interview.application.round) != "member":
            raise NotAllowed(reason)
        raise RuleBroken(reason)
    version = ip.agreed_version(interview.application.round)
    if version is None:
        raise RuleBroken("The panel has not agreed its interview questions, so there is nothing to write against.")
    questions = ip.questions_in(version)
    unknown = [n for n in notes if not isinstance(n, int) or not 1 <= n <= len(questions)]
    if unknown:
        raise RuleBroken("Those notes are for questions this interview does not have. Reload the page and try again.")
    cleaned = {n: clean(text, note_field(n), "each note", NOTE_LIMIT) or "" for n, text in notes.items()}
    newest = newest_notes(interview)
    changed = {n: text for n, text in cleaned.items()
               if text != (newest[(actor.id, n)].text if (actor.id, n) in newest else "")}
    if not changed:
        raise RuleBroken("Your notes are the same as before. Nothing has changed.")
    made = [InterviewNote(interview_id=interview.id, member_id=actor.id, version_id=version.id, question=n,
                          text=text, written_at=clock.now()) for n, text in sorted(changed.items())]
    db.session.add_all(made)
    db.session.flush()
    audit.record(actor, "interview.notes_written", "interview", interview.id, round_id=interview.round_id,
                 application_id=interview.application_id, version_id=version.id,
                 notes={str(note.question): note.id for note in made})
    return made
