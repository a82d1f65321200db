"""Round documents: write, revise, check for plain English and publish; and the time-commitment
document built from the round's estimate of hours per stage.

Services check permission and rules, change rows, write the audit entry and flush.
They never commit: the view or command does that once.
"""
from __future__ import annotations

import dataclasses
import json

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from commission import clock
from commission.audit import service as audit
from commission.documents import policy
from commission.documents.models import KINDS, MAX_STAGE_HOURS, Document, DocumentVersion, StageEstimate
from commission.documents.render import plain_text
from commission.errors import FieldProblem, NotAllowed, RuleBroken
from commission.extensions import db
from commission.programmes.service import plain_english_rules
from commission.plain_english import Report, check as plain_english_check
from commission.rounds.models import Round
from workflows import STAGE_LABELS, get_workflow
from workflows.model import CANCELLED

# The programme's reading-ease threshold. It should become a setting on the programme;
# until then every round uses this.
DEFAULT_MIN_FLESCH = 60
TITLE_MAX = 200
MARKDOWN_MAX = 50_000
REASON_MAX = 2_000
# The stages in which panel members do the work, in the order they come.
WORK_STAGES = ("co_design", "shortlisting", "interviews", "deciding")
TIME_COMMITMENT_TITLE = "How much time the panel takes"


def min_flesch_for(round: Round) -> float:
    """The programme's reading-ease threshold (60 unless the programme set another)."""
    return plain_english_rules(round.programme).min_flesch


# --- Rules ------------------------------------------------------------------------------

def _require_writer(actor, round: Round) -> None:
    if actor is not None and not policy.can_write_documents(actor, round):
        raise NotAllowed("Only a facilitator of this round can write or publish its documents.")


def _require_open(round: Round) -> None:
    if round.stage in (CANCELLED, "closed"):
        raise RuleBroken(f"This round is {STAGE_LABELS[round.stage].lower()}, so its documents cannot change.")


def _clean_markdown(markdown: str | None) -> str:
    text = (markdown or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise FieldProblem.one("markdown", "Write the document before saving it.")
    if len(text) > MARKDOWN_MAX:
        raise FieldProblem.one("markdown", f"Keep the document to {MARKDOWN_MAX:,} characters or fewer. "
                                       f"Split it into two documents if you need more.")
    return text


def _round_of(document: Document) -> Round:
    return db.session.get(Round, document.round_id)


# --- The plain-English check --------------------------------------------------------------

def check(version: DocumentVersion) -> Report:
    """Run the plain-English check on a version. An unpublished version keeps the result;
    a published one is never changed, so its stored result stays as it was published."""
    with db.session.no_autoflush:  # the version may not be in the session yet
        rules = plain_english_rules(_round_of(version.document).programme)
    report = plain_english_check(plain_text(version.markdown), min_flesch=rules.min_flesch,
                                 extra_jargon=rules.extra_jargon)
    if not version.is_published:
        version.check_passed = report.passed
        version.flesch = report.flesch
        version.problems_json = json.dumps([dataclasses.asdict(p) for p in report.problems], ensure_ascii=False)
    return report


@dataclasses.dataclass
class SentenceProblems:
    sentence: str
    notes: list[str]


def problems_by_sentence(version: DocumentVersion) -> tuple[list[str], list[SentenceProblems]]:
    """The stored check as a writer reads it: problems with the whole text first, then each
    problem sentence once, with what to change in it (its length, each jargon word and a
    plainer word to use)."""
    overall: list[str] = []
    sentences: dict[str, SentenceProblems] = {}
    for problem in version.problems:
        if problem.sentence is None:
            overall.append(problem.message)
            continue
        note = problem.message
        if problem.kind == "long_sentence":  # the message ends by quoting the sentence, shown anyway
            note = note.split(': "')[0] + "."
        sentences.setdefault(problem.sentence, SentenceProblems(problem.sentence, [])).notes.append(note)
    return overall, list(sentences.values())


def _add_version(actor, document: Document, markdown: str) -> DocumentVersion:
    version = DocumentVersion(document_id=document.id, number=len(document.versions) + 1, markdown=markdown,
                              written_by_id=audit.Actor.of(actor).id, written_at=clock.now())
    version.document = document
    check(version)
    db.session.add(version)
    db.session.flush()
    return version


# --- Writing ------------------------------------------------------------------------------

def create(actor, round: Round, kind: str, title: str, markdown: str) -> Document:
    _require_writer(actor, round)
    _require_open(round)
    if kind not in KINDS:
        raise FieldProblem.one("kind", "Choose what kind of document this is.")
    title = " ".join((title or "").split())
    if not title:
        raise FieldProblem.one("title", "Give the document a title.")
    if len(title) > TITLE_MAX:
        raise FieldProblem.one("title", f"Keep the title to {TITLE_MAX} characters or fewer.")
    markdown = _clean_markdown(markdown)
    if kind == "time_commitment" and time_commitment_document(round) is not None:
        raise FieldProblem.one("kind", "This round already has a time commitment document. Change that one instead.")
    document = Document(round_id=round.id, kind=kind, title=title, created_at=clock.now())
    db.session.add(document)
    db.session.flush()
    version = _add_version(actor, document, markdown)
    audit.record(actor, "document.created", "document", document.id, round_id=round.id, kind=kind,
                 version_id=version.id, number=version.number, check_passed=version.check_passed,
                 flesch=version.flesch)
    return document


def revise(actor, document: Document, markdown: str) -> DocumentVersion:
    """A new version. Earlier versions, published or not, stay exactly as they were."""
    round = _round_of(document)
    _require_writer(actor, round)
    _require_open(round)
    markdown = _clean_markdown(markdown)
    before = document.newest
    if markdown == before.markdown:
        raise FieldProblem.one("markdown", f"This is the same as version {before.number}, so there is nothing new "
                                       f"to save.")
    version = _add_version(actor, document, markdown)
    audit.record(actor, "document.revised", "document", document.id, round_id=round.id,
                 version=audit.change(before.id, version.id), number=version.number,
                 check_passed=version.check_passed, flesch=version.flesch)
    return version


def publish(actor, version: DocumentVersion, override_reason: str | None = None) -> DocumentVersion:
    """Publish a version that passes the check; one that fails only with a written reason,
    which the panel and the funder see next to the document."""
    document = version.document
    round = _round_of(document)
    _require_writer(actor, round)
    _require_open(round)
    if version.is_published:
        raise RuleBroken(f"Version {version.number} is already published.")
    if version is not document.newest:
        raise RuleBroken(f"There is a newer version than version {version.number}. Publish the newest one.")
    report = check(version)  # checked again: the rules may have changed since it was written
    reason = (override_reason or "").strip() or None
    if report.passed:
        reason = None  # nothing to explain
    elif reason is None:
        raise FieldProblem.one("override_reason", "This document does not pass the plain-English check. Change it, or "
                                              "say why it should be published as it is.")
    elif len(reason) > REASON_MAX:
        raise FieldProblem.one("override_reason", f"Keep the reason to {REASON_MAX:,} characters or fewer.")
    version.published_at = clock.now()
    version.published_by_id = audit.Actor.of(actor).id
    version.override_reason = reason
    db.session.flush()
    audit.record(actor, "document.published", "document", document.id, round_id=round.id, version_id=version.id,
                 number=version.number, check_passed=version.check_passed, flesch=version.flesch,
                 override_reason=reason)
    return version


# --- Reading ------------------------------------------------------------------------------

def documents(round: Round) -> list[Document]:
    return list(db.session.scalars(select(Document).where(Document.round_id == round.id)
                                   .options(selectinload(Document.versions)).order_by(Document.id)))


def readable_documents(user, round: Round) -> list[Document]:
    """The documents `user` may read now (published ones, unless they write them)."""
    return [d for d in documents(round) if policy.can_read_document(user, round, d) and d.published is not None]


def time_commitment_document(round: Round) -> Document | None:
    return db.session.scalar(select(Document).where(Document.round_id == round.id,
                                                    Document.kind == "time_commitment").order_by(Document.id))


# --- Time commitment ------------------------------------------------------------------------

def estimate_stages(round: Round) -> list[str]:
    """The stages of this round's workflow that a panel member gives time to, in order."""
    stages = get_workflow(round.workflow_name).stages
    return [stage for stage in WORK_STAGES if stage in stages]


def stage_estimates(round: Round) -> dict[str, int]:
    """Hours per stage, in the workflow's order."""
    rows = {row.stage: row.hours for row in db.session.scalars(
        select(StageEstimate).where(StageEstimate.round_id == round.id))}
    return {stage: rows[stage] for stage in estimate_stages(round) if stage in rows}


def set_stage_estimates(actor, round: Round, hours: dict[str, int]) -> dict[str, int]:
    _require_writer(actor, round)
    _require_open(round)
    stages = estimate_stages(round)
    unknown = [stage for stage in hours if stage not in stages]
    if unknown:
        raise RuleBroken(f"Panel members do no work in a stage called {', '.join(sorted(unknown))} in this round.")
    for stage, value in hours.items():
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_STAGE_HOURS:
            raise FieldProblem.one(stage, f"The hours for {STAGE_LABELS[stage].lower()} must be a whole number "
                                      f"from 0 to {MAX_STAGE_HOURS}.")
    before = stage_estimates(round)
    for stage, value in hours.items():
        row = db.session.get(StageEstimate, (round.id, stage))
        if row is None:
            db.session.add(StageEstimate(round_id=round.id, stage=stage, hours=value))
        else:
            row.hours = value
    db.session.flush()
    after = stage_estimates(round)
    audit.record(actor, "stage_estimates.set", "round", round.id, round_id=round.id,
                 hours=audit.change(before, after))
    return after


def workload_hours(member, round: Round) -> int | None:
    """The member's own share of the work in hours, once applications are shared out.
    Assignments come with a later piece of work; until then nobody has a share."""
    return None


def _hours(value: int) -> str:
    return "1 hour" if value == 1 else f"{value} hours"


def time_commitment_markdown(round: Round, member=None) -> str:
    """The time-commitment document, in plain English, from the round's estimates."""
    estimates = {stage: hours for stage, hours in stage_estimates(round).items() if hours > 0}
    if not estimates:
        raise RuleBroken("Say how many hours each stage takes before making the time commitment document.")
    lines = [
        "## How much time it takes",
        "",
        "This is about how many hours a panel member gives to each stage of the round. "
        "It is our best guess. Some people take more time and some take less.",
        "",
    ]
    lines += [f"- {STAGE_LABELS[stage]}: about {_hours(hours)}" for stage, hours in estimates.items()]
    lines += ["", f"In total: about {_hours(sum(estimates.values()))}.", ""]
    rests = get_workflow(round.workflow_name).rests
    if rests:
        lines += ["## Time to rest", ""]
        lines += [f"After {STAGE_LABELS[rest.after].lower()}, the panel rests for at least "
                  f"{round.rest_days(rest.stage) or rest.days} days. There is no panel work then."
                  for rest in rests]
        lines.append("")
    lines += ["## Your own share of the work", ""]
    own = workload_hours(member, round) if member is not None else None
    if own is not None:
        lines.append(f"The applications you have been given take about {_hours(own)} to read and score.")
    elif member is not None:
        lines.append("Once the applications are shared out, this page will show your own share of the work.")
    else:
        lines.append("Once the applications are shared out, each member will see their own share of the work.")
    lines += [
        "",
        "## You can step back at any time",
        "",
        "You can step back from the panel at any time. You do not have to say why. "
        "We will pass your unfinished work to someone else. Nothing you have done will be lost.",
        "",
        "If you have a question about the time this takes, talk to your facilitator.",
    ]
    return "\n".join(lines)


def generate_time_commitment(actor, round: Round) -> Document:
    """Create the round's time-commitment document, or a new version of it, from the estimates."""
    _require_writer(actor, round)
    markdown = time_commitment_markdown(round)
    document = time_commitment_document(round)
    if document is None:
        return create(actor, round, "time_commitment", TIME_COMMITMENT_TITLE, markdown)
    if document.newest.markdown != markdown:
        revise(actor, document, markdown)
    return document

