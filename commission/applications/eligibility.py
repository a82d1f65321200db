"""Eligibility: the published rules every application must meet, and the facilitator's check
of each application against them, with a reason the applicant can read for each rule not met.

Eligibility is about the published rules only. Nothing here holds a score or an opinion on
quality: a rule that is met carries no comment at all.
"""
from __future__ import annotations

from sqlalchemy import delete, select

from commission.applications import policy
from commission.applications.models import Application, ApplicationStatus as S, EligibilityCheck, EligibilityRule
from commission.applications.questions import plain_english
from commission.audit import service as audit
from commission.errors import FieldProblem, NotAllowed, RuleBroken
from commission.extensions import db
from commission.rounds.models import Round

MAX_RULES = 30
RULE_MAX_CHARS = 1000
REASON_MAX_CHARS = 2000


def rules_for(round: Round) -> list[EligibilityRule]:
    return list(db.session.scalars(select(EligibilityRule).where(EligibilityRule.round_id == round.id)
                                   .order_by(EligibilityRule.position)))


def set_eligibility_rules(actor, round: Round, texts: list[str]) -> list[EligibilityRule]:
    """Publish the rules. They can change only before the round opens: applicants apply by them."""
    if not policy.can_set_up_form(actor, round):
        raise NotAllowed("Only a facilitator of this round can set its eligibility rules.")
    if round.stage not in ("draft", "co_design"):
        raise RuleBroken("The eligibility rules can only change before the round opens for applications. "
                         "Applicants have read them.")
    cleaned = [" ".join(t.split()) for t in texts if t and t.strip()]
    problems = []
    if len(cleaned) > MAX_RULES:
        problems.append(f"A round can have up to {MAX_RULES} rules. Join some together.")
    seen = set()
    for number, text in enumerate(cleaned, start=1):
        if len(text) > RULE_MAX_CHARS:
            problems.append(f"Rule {number} is too long. Keep each rule to {RULE_MAX_CHARS} characters or fewer.")
        elif text.lower() in seen:
            problems.append(f"Rule {number} says the same as an earlier rule.")
        else:
            report = plain_english(round, text)
            if not report.passed:
                problems.append(f"Applicants will read rule {number}, so it must be in plain English. "
                                + report.problems[0].message)
        seen.add(text.lower())
    if problems:
        raise FieldProblem.one("rules", problems[0])
    replaced = [r.id for r in rules_for(round)]
    if replaced:
        db.session.execute(delete(EligibilityRule).where(EligibilityRule.id.in_(replaced)))
        db.session.flush()
    made = [EligibilityRule(round_id=round.id, position=n, text=t) for n, t in enumerate(cleaned, start=1)]
    db.session.add_all(made)
    db.session.flush()
    audit.record(actor, "eligibility.rules_set", "round", round.id, round_id=round.id,
                 rule_ids=[r.id for r in made], rules=cleaned, replaced_rule_ids=replaced)
    return made


def _require_checker(actor, application: Application) -> Round:
    round = application.round
    if not policy.can_check_eligibility(actor, round):
        raise NotAllowed("Only a facilitator of this round can check eligibility.")
    if round.stage != "eligibility":
        raise RuleBroken("Eligibility can only be recorded while the round is checking eligibility.")
    if application.status not in policy.CHECKABLE:
        raise RuleBroken("This application is not waiting for an eligibility check.")
    return round


def record_checks(actor, application: Application, results: dict[int, tuple[bool | None, str | None]]) -> None:
    """Record, for every published rule, whether the application meets it; for each rule it
    does not meet, why. Checking again replaces the earlier check."""
    round = _require_checker(actor, application)
    rules = rules_for(round)
    if not rules:
        raise RuleBroken("This round has no published eligibility rules to check against.")
    if set(results) - {r.id for r in rules}:
        raise RuleBroken("One of the rules checked is not a rule of this round.")
    problems: dict[str, str] = {}
    checked: dict[int, tuple[bool, str | None]] = {}
    for rule in rules:
        met, reason = results.get(rule.id, (None, None))
        reason = (reason or "").strip() or None
        if met is None:
            problems[f"rule_{rule.id}"] = f"Say whether the application meets rule {rule.position}."
        elif not met and reason is None:
            problems[f"reason_{rule.id}"] = (f"Say why the application does not meet rule {rule.position}, "
                                             f"in words the applicant will understand.")
        elif reason and len(reason) > REASON_MAX_CHARS:
            problems[f"reason_{rule.id}"] = f"Keep the reason to {REASON_MAX_CHARS} characters or fewer."
        else:
            # A rule that is met carries no comment: no opinion on quality is recorded here.
            checked[rule.id] = (bool(met), None if met else reason)
    if problems:
        raise FieldProblem(problems)
    db.session.execute(delete(EligibilityCheck).where(EligibilityCheck.application_id == application.id))
    db.session.flush()
    for rule_id, (met, reason) in checked.items():
        db.session.add(EligibilityCheck(application_id=application.id, rule_id=rule_id, met=met, reason=reason,
                                        checked_by_id=actor.id))
    before = application.status
    application.status = (S.eligible if all(met for met, _ in checked.values()) else S.ineligible).value
    application.eligibility_reason = None
    db.session.flush()
    db.session.expire(application, ["checks"])
    audit.record(actor, "application.eligibility_checked", "application", application.id, round_id=round.id,
                 status=audit.change(before, application.status),
                 results={str(rule_id): {"met": met, "reason": reason} for rule_id, (met, reason) in checked.items()})


def record_eligibility(actor, application: Application, eligible: bool, reason: str | None = None) -> None:
    """Eligible or not in one go. With published rules: all met, or the first rule not met
    for `reason`. A round without written rules keeps the reason on the application."""
    round = _require_checker(actor, application)
    if not eligible and not (reason and reason.strip()):
        raise RuleBroken("Say which published rule the application does not meet, so the applicant knows why.")
    rules = rules_for(round)
    if rules:
        results = {rule.id: (True, None) for rule in rules}
        if not eligible:
            results[rules[0].id] = (False, reason)
        record_checks(actor, application, results)
        return
    before = application.status
    application.status = (S.eligible if eligible else S.ineligible).value
    application.eligibility_reason = None if eligible else reason.strip()
    db.session.flush()
    audit.record(actor, "application.eligibility_recorded", "application", application.id,
                 round_id=round.id, status=audit.change(before, application.status),
                 reason=(reason or "").strip() or None)


def checks_by_rule(application: Application) -> dict[int, EligibilityCheck]:
    return {check.rule_id: check for check in application.checks}


def unmet(application: Application) -> list[EligibilityCheck]:
    """The rules this application does not meet, each with its reason, in the rules' order."""
    return sorted((c for c in application.checks if not c.met), key=lambda c: c.rule.position)
