"""Feedback letters (stage `decided`): drafted by the system, changed by a facilitator, approved
(and so published) by the panel, or by whoever the round says approves for it.

- `draft_all` writes a letter for every applicant whose application has finished: from the
  panel's locked decision and its reason, from the shortlisting results, or from the published
  rules not met. A letter already written from the decision standing now is left as it is; a
  letter about a decision that a panel vote has since reopened gets a new drafted version.
- `revise` keeps every version: a change is a new version, checked for plain English at once.
- `approve` publishes the newest version, which must pass the plain-English check (checked again
  then, with the programme's rules as they are now). A change after approval needs approval
  again; the applicant reads the approved version until then.
- The round closes only when every applicant has a published letter about where they are now
  (commission.letters.policy.untold, the `everyone_told` guard).

Services check, write, audit and flush; views commit.
"""
from __future__ import annotations

import dataclasses
import json

from sqlalchemy import select

from commission import clock
from commission.applications import eligibility
from commission.applications.models import Application
from commission.audit import service as audit
from commission.decisions import policy as decision_policy
from commission.decisions.models import Decision
from commission.documents.render import plain_text
from commission.errors import FieldProblem, NotAllowed, RuleBroken
from commission.extensions import db
from commission.letters import draft, policy
from commission.letters.models import APPROVERS, Letter, LetterSettings, LetterVersion
from commission.panels.service import SETUP_STAGES
from commission.plain_english import Report, check as plain_english_check
from commission.programmes.service import plain_english_rules
from commission.round_settings import save_changes
from commission.rounds.models import Round
from workflows import get_workflow

MARKDOWN_MAX = 20_000


# Settings -----------------------------------------------------------------------------------------

def set_approver(actor, round: Round, approver: str) -> LetterSettings:
    """Who approves the letters is settled with the round's other rules, before shortlisting
    starts, so the panel knows from the outset and nobody changes it once decisions are near."""
    if not policy.can_write(actor, round):
        raise NotAllowed("Only a facilitator of this round can say who approves its letters.")
    if round.stage not in SETUP_STAGES:
        raise RuleBroken("Who approves the letters can only change before shortlisting starts.")
    if approver not in APPROVERS:
        raise FieldProblem.one("approver", "Choose who approves the letters.")
    settings = policy.settings_for(round)
    save_changes(actor, round, settings, "letter_settings.changed", approver=approver)
    return settings


# Reading --------------------------------------------------------------------------------------------

def letters(round: Round) -> dict[int, Letter]:
    """{application id: its letter} for the round."""
    return {letter.application_id: letter for letter in db.session.scalars(
        select(Letter).where(Letter.round_id == round.id))}


def sent_applications(round: Round) -> list[Application]:
    """Every application that gets a letter, in the order they came."""
    return list(db.session.scalars(select(Application).where(
        Application.round_id == round.id, Application.status.in_(policy.SENT)).order_by(Application.id)))


def min_flesch_for(round: Round) -> int:
    return plain_english_rules(round.programme).min_flesch


# The plain-English check ---------------------------------------------------------------------------

def check(version: LetterVersion, round: Round) -> Report:
    """Check a version with the programme's rules now. An approved version keeps the result it
    was approved with."""
    rules = plain_english_rules(round.programme)
    report = plain_english_check(plain_text(version.markdown), min_flesch=rules.min_flesch,
                                 extra_jargon=rules.extra_jargon)
    if not version.is_approved:
        version.check_passed = report.passed
        version.flesch = report.flesch
        version.problems_json = json.dumps([dataclasses.asdict(p) for p in report.problems], ensure_ascii=False)
    return report


def _add_version(actor, letter: Letter, round: Round, markdown: str, *, drafted: bool,
                 decision_id: int | None) -> LetterVersion:
    version = LetterVersion(letter_id=letter.id, number=len(letter.versions) + 1, markdown=markdown,
                            drafted=drafted, decision_id=decision_id, written_by_id=audit.Actor.of(actor).id,
                            written_at=clock.now(), approved_at=None, approved_by_id=None)
    with db.session.no_autoflush:
        check(version, round)
    version.letter = letter
    db.session.add(version)
    db.session.flush()
    return version


# Drafting -------------------------------------------------------------------------------------------

def _require_writer(actor, round: Round) -> None:
    if actor is not None and not policy.can_write(actor, round):
        raise NotAllowed("Only a facilitator of this round can write its letters.")


def _require_writing_stage(round: Round) -> None:
    if round.stage != policy.WRITING_STAGE:
        if round.stage == "closed":
            raise RuleBroken("The round is closed, so its letters cannot change.")
        raise RuleBroken("Letters are written once the panel has confirmed its decisions.")


def _results_by_application(round: Round) -> dict[int, tuple]:
    """{application id: (criteria, its result)} from every panel's results now."""
    from commission.shortlist.results import round_results  # the results build on scores and panels

    try:
        found = round_results(round)
    except RuleBroken:  # no adopted criteria: nothing was scored
        return {}
    return {line.id: (results.criteria, line.result) for results in found for line in results.lines if line.result}


def facts_for(round: Round, application: Application, decision: Decision | None,
              results: dict[int, tuple]) -> draft.LetterFacts:
    """What the letter for `application` says, gathered from the decision, the results and the
    eligibility check."""
    workflow = get_workflow(round.workflow_name)
    criteria, result = results.get(application.id, ((), None))
    scored = tuple(draft.criterion_results(criteria, result.per_criterion, round.scale_max)) if result else ()
    facts = dict(contact_name=application.contact_name, title=application.title, round_name=round.name,
                 programme_name=round.programme.name, status=application.status,
                 requested_pence=application.amount_requested_pence, interviews="interviews" in workflow.stages,
                 results=scored, below_minimum=bool(result and result.below_minimum))
    if application.status == "ineligible":
        facts.update(results=(), unmet=tuple((c.rule.text, c.reason) for c in eligibility.unmet(application)),
                     eligibility_reason=application.eligibility_reason)
    elif application.status in policy.DECIDED:
        if decision is not None:
            motion = decision.motion
            titles = {c.id: c.title for c in criteria} or _criterion_titles(motion.criterion_ids)
            facts.update(amount_pence=decision.amount_pence, covers=motion.covers, reason=motion.reason,
                         reason_about=tuple(titles[i] for i in motion.criterion_ids if i in titles),
                         second_key_withheld=decision.basis == "second_key_withheld",
                         positions=tuple((p["panel"], decision_policy.STATE_WORDS.get(p["state"], p["state"]))
                                         for p in motion.positions.values()))
        elif application.status == "funded":  # arranged as data, with no decision recorded
            facts.update(amount_pence=application.amount_requested_pence)
    return draft.LetterFacts(**facts)


def _criterion_titles(ids) -> dict[int, str]:
    from commission.criteria.models import Criterion

    return dict(db.session.execute(select(Criterion.id, Criterion.title).where(Criterion.id.in_(list(ids)))).all())


def draft_all(actor, round: Round) -> list[LetterVersion]:
    """Draft a letter for every applicant whose application has finished and who has no letter
    about where it is now. Returns the versions drafted (none if every letter is up to date)."""
    _require_writer(actor, round)
    _require_writing_stage(round)
    existing = letters(round)
    decisions = decision_policy.currents(round)
    results = None
    drafted = []
    for application in sent_applications(round):
        if application.status not in policy.FINISHED:
            continue  # a reopened decision the panel has not made again yet
        decision = decisions.get(application.id)
        if decision is not None and not decision_policy.is_locked(round, decision):
            continue
        decision_id = decision.id if decision else None
        letter = existing.get(application.id)
        if letter is not None and letter.newest.decision_id == decision_id:
            continue
        if results is None:
            results = _results_by_application(round)
        if letter is None:
            letter = Letter(round_id=round.id, application_id=application.id, created_at=clock.now())
            db.session.add(letter)
            db.session.flush()
        text = draft.markdown(facts_for(round, application, decision, results))
        version = _add_version(actor, letter, round, text, drafted=True, decision_id=decision_id)
        audit.record(actor, "letter.drafted", "letter", letter.id, round_id=round.id, application_id=application.id,
                     version_id=version.id, number=version.number, decision_id=decision_id,
                     status=application.status, check_passed=version.check_passed, flesch=version.flesch)
        drafted.append(version)
    return drafted


# Changing -------------------------------------------------------------------------------------------

def _clean_markdown(markdown: str | None) -> str:
    text = (markdown or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise FieldProblem.one("markdown", "Write the letter before saving it.")
    if len(text) > MARKDOWN_MAX:
        raise FieldProblem.one("markdown", f"Keep the letter to {MARKDOWN_MAX:,} characters or fewer.")
    return text + "\n"


def revise(actor, letter: Letter, markdown: str | None) -> LetterVersion:
    """A facilitator changes the letter: a new version, checked at once. Earlier versions stay
    exactly as they were, and an approved one stays what the applicant reads until the new one
    is approved."""
    round = db.session.get(Round, letter.round_id)
    if actor is None or not policy.can_write(actor, round):
        raise NotAllowed("Only a facilitator of this round can change its letters.")
    _require_writing_stage(round)
    text = _clean_markdown(markdown)
    before = letter.newest
    if text.strip() == before.markdown.strip():
        raise FieldProblem.one("markdown", f"This is the same as version {before.number}, so there is nothing new "
                                           "to save.")
    version = _add_version(actor, letter, round, text, drafted=False, decision_id=before.decision_id)
    audit.record(actor, "letter.revised", "letter", letter.id, round_id=round.id,
                 application_id=letter.application_id, version=audit.change(before.id, version.id),
                 number=version.number, check_passed=version.check_passed, flesch=version.flesch,
                 needs_approval_again=before.is_approved)
    return version


# Approving ------------------------------------------------------------------------------------------

def approve(actor, version: LetterVersion) -> LetterVersion:
    """Approve the newest version of a letter, which publishes it to the applicant."""
    letter = version.letter
    application = db.session.get(Application, letter.application_id)
    round = application.round
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAllowed("A person approves letters, not the system.")
    found = policy.why_not_approve(actor, letter, application)
    if found:
        reason, not_allowed = found
        raise NotAllowed(reason) if not_allowed else RuleBroken(reason)
    if version is not letter.newest:
        raise RuleBroken(f"There is a newer version than version {version.number}. Approve the newest one.")
    report = check(version, round)  # again: the programme's rules may have changed since it was written
    if not report.passed:
        db.session.flush()
        raise RuleBroken("This letter does not pass the plain-English check now, so it cannot be approved. "
                         "A facilitator needs to change it first.")
    version.approved_at = clock.now()
    version.approved_by_id = actor.id
    db.session.flush()
    audit.record(actor, "letter.approved", "letter", letter.id, round_id=round.id, application_id=application.id,
                 version_id=version.id, number=version.number, decision_id=version.decision_id,
                 approver=policy.settings_for(round).approver, flesch=version.flesch, published=True)
    return version
