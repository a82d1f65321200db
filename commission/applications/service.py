"""Applications: what an applicant writes, sends in, changes before the closing date, or withdraws.

Services check permission and rules, change rows, write the audit entry and flush. They
never commit: the view or command does that once. Every rule is checked before anything
changes, so a refused request changes nothing.
"""
from __future__ import annotations

from sqlalchemy import select

from commission import clock
from commission.applications import policy
# The demo and the test factories record eligibility through this module.
from commission.applications.eligibility import record_checks, record_eligibility  # noqa: F401
from commission.applications.files import clean_filename, describe_size, identify
from commission.applications.models import Answer, Application, ApplicationStatus as S, Attachment
from commission.applications.questions import questions_for, settings_for
from commission.applications.words import count_words, word_limit_problem
from commission.audit import service as audit
from commission.errors import FieldProblem, NotAllowed, RuleBroken
from commission.extensions import db
from commission.rounds.models import Panel, Round

# Kept for callers that read it; the limit a round uses is its ApplicationSettings.summary_word_limit.
MAX_SUMMARY_WORDS = 150
MAX_ATTACHMENTS = 5
SHORT_TEXT_CHARS = 200
MAX_TIMESCALE_MONTHS = 60
ANSWER_MAX_CHARS = 20_000
FIXED_FIELDS = ("organisation", "contact_name", "title", "summary", "amount_requested_pence", "timescale_months")
# Changes to these are audited as word counts, not as the words themselves.
COUNTED_FIELDS = ("contact_name", "summary")


def _check_fields(round: Round, values: dict) -> dict:
    """The fixed fields, tidied, or a FieldProblem naming every box that needs changing."""
    problems: dict[str, str] = {}
    cleaned = dict(values)
    for name, label in (("organisation", "the name of your organisation"),
                        ("contact_name", "the name of the person we should contact"),
                        ("title", "your project's title"), ("summary", "a summary of your project")):
        value = (values.get(name) or "").strip()
        cleaned[name] = value
        if not value:
            problems[name] = f"Fill in {label}."
        elif name != "summary" and len(value) > SHORT_TEXT_CHARS:
            problems[name] = f"Keep {label} to {SHORT_TEXT_CHARS} characters or fewer."
    if cleaned["summary"]:
        limit = settings_for(round).summary_word_limit
        problem = word_limit_problem("Your summary", cleaned["summary"], limit)
        if problem:
            problems["summary"] = problem
    amount = values.get("amount_requested_pence")
    if not isinstance(amount, int) or amount <= 0:
        problems["amount_requested_pence"] = "Ask for an amount of more than £0."
    elif amount > round.budget_pence:
        problems["amount_requested_pence"] = (f"You asked for more than the whole round's budget of "
                                              f"£{round.budget_pence / 100:,.0f}.")
    months = values.get("timescale_months")
    if not isinstance(months, int) or not 1 <= months <= MAX_TIMESCALE_MONTHS:
        problems["timescale_months"] = f"The timescale must be between 1 and {MAX_TIMESCALE_MONTHS} months."
    if problems:
        raise FieldProblem(problems)
    return cleaned


def _answer_problems(application: Application, answers: dict[int, str]) -> dict[str, str]:
    return {f"answer_{q.id}": problem for q in questions_for(application.round)
            if (problem := _answer_problem(q, answers.get(q.id, "")))}


def _answer_problem(question, text: str) -> str | None:
    if len(text) > ANSWER_MAX_CHARS:
        return f"Your answer to question {question.position} is too long."
    return word_limit_problem(f"Your answer to question {question.position}", text, question.word_limit)


def create(applicant, round: Round, *, organisation: str, contact_name: str, title: str, summary: str,
           amount_requested_pence: int, timescale_months: int, panel: Panel | None = None) -> Application:
    """Start an application: a draft, saved but not sent in."""
    if not policy.is_applicant(applicant):
        raise NotAllowed("Only an applicant organisation can apply.")
    _require_open_for_applications(round)
    if current_application(applicant, round) is not None:
        raise RuleBroken("You have already started an application for this round. Carry on with that one.")
    fields = _check_fields(round, {"organisation": organisation, "contact_name": contact_name, "title": title,
                                   "summary": summary, "amount_requested_pence": amount_requested_pence,
                                   "timescale_months": timescale_months})
    if panel is not None and panel.round_id != round.id:
        raise RuleBroken("That panel belongs to another round.")
    application = Application(round_id=round.id, applicant_id=applicant.id, panel_id=panel.id if panel else None,
                              status=S.draft.value, **fields)
    db.session.add(application)
    db.session.flush()
    audit.record(applicant, "application.created", "application", application.id, round_id=round.id,
                 amount_requested_pence=amount_requested_pence)
    return application


def update_draft(applicant, application: Application, *, answers: dict[int, str] | None = None,
                 **fields) -> list[str]:
    """Change a draft, or an application already sent in, before the closing date. An application
    that was sent in stays sent in. Returns the names of what changed."""
    unknown = set(fields) - set(FIXED_FIELDS)
    if unknown:
        raise TypeError(f"update_draft() got unexpected fields {sorted(unknown)}")
    _require_editable(applicant, application)
    answers = {int(k): (v or "").strip() for k, v in (answers or {}).items()}
    questions = {q.id: q for q in questions_for(application.round)}
    if set(answers) - set(questions):
        raise RuleBroken("One of the answers is to a question this round does not ask.")
    problems: dict[str, str] = {}
    try:
        values = _check_fields(application.round,
                               {name: fields.get(name, getattr(application, name)) for name in FIXED_FIELDS})
    except FieldProblem as err:
        problems.update(err.fields)
        values = {}
    problems.update({f"answer_{qid}": p for qid, text in answers.items()
                     if (p := _answer_problem(questions[qid], text))})
    if application.status == S.submitted.value:
        # Sent in means complete: an edit may change an answer but not take one away.
        problems.update({f"answer_{qid}": f"Question {questions[qid].position} needs an answer: your application "
                                          f"is already sent in."
                         for qid, text in answers.items() if not text and f"answer_{qid}" not in problems})
    if problems:
        raise FieldProblem(problems)

    changes: dict[str, dict] = {}
    for name in FIXED_FIELDS:
        before, after = getattr(application, name), values[name]
        if before == after:
            continue
        if name in COUNTED_FIELDS:
            changes[name] = {"words": audit.change(count_words(before), count_words(after))}
        else:
            changes[name] = audit.change(before, after)
        setattr(application, name, after)
    existing = {a.question_id: a for a in application.answers}
    answer_changes = {}
    for qid, text in answers.items():
        old = existing.get(qid)
        if (old.text if old else "") == text:
            continue
        answer_changes[str(qid)] = {"words": audit.change(count_words(old.text if old else ""), count_words(text))}
        if old is not None and not text:
            application.answers.remove(old)
        elif old is not None:
            old.text = text
        else:
            application.answers.append(Answer(application_id=application.id, question_id=qid, text=text))
    if answer_changes:
        changes["answers"] = answer_changes
    if not changes:
        return []
    db.session.flush()
    audit.record(applicant, "application.updated", "application", application.id, round_id=application.round_id,
                 status=application.status, changes=changes)
    return sorted(changes)


def missing_answers(application: Application) -> list:
    """The round's questions this application has not answered yet."""
    answered = {a.question_id for a in application.answers if a.text.strip()}
    return [q for q in questions_for(application.round) if q.id not in answered]


def submit(applicant, application: Application) -> None:
    """Send a draft in. Every question needs an answer, and everything must fit its word limit."""
    if not policy.owns(applicant, application):
        raise NotAllowed("You can only send in your own application.")
    _require_open_for_applications(application.round)
    if application.status != S.draft.value:
        if application.status == S.withdrawn.value:
            raise RuleBroken("You have withdrawn this application, so it cannot be sent in.")
        raise RuleBroken("This application has already been sent in.")
    problems: dict[str, str] = {}
    try:
        _check_fields(application.round, {name: getattr(application, name) for name in FIXED_FIELDS})
    except FieldProblem as err:
        problems.update(err.fields)
    for question in missing_answers(application):
        problems[f"answer_{question.id}"] = (f"Answer question {question.position} before you send in your "
                                             f"application.")
    problems.update(_answer_problems(application, {a.question_id: a.text for a in application.answers}))
    if problems:
        raise FieldProblem(problems)
    application.status = S.submitted.value
    application.submitted_at = clock.now()
    db.session.flush()
    audit.record(applicant, "application.submitted", "application", application.id,
                 round_id=application.round_id, status=audit.change(S.draft.value, S.submitted.value))


def withdraw(applicant, application: Application, reason: str | None = None) -> None:
    """The applicant takes their application back, at any time before the panel decides."""
    if not policy.owns(applicant, application):
        raise NotAllowed("You can only withdraw your own application.")
    if application.status == S.withdrawn.value:
        raise RuleBroken("You have already withdrawn this application.")
    if application.status in policy.DECIDED or policy.awaiting_decision(application):
        raise RuleBroken("The panel is making its decisions, so applications can no longer be withdrawn. "
                         "If something has changed for your group, contact the programme team.")
    reason = (reason or "").strip() or None
    if reason and len(reason) > 2000:
        raise FieldProblem.one("reason", "Keep the reason to 2,000 characters or fewer.")
    before = application.status
    application.status = S.withdrawn.value
    application.withdrawn_at = clock.now()
    application.withdrawal_reason = reason
    db.session.flush()
    audit.record(applicant, "application.withdrawn", "application", application.id, round_id=application.round_id,
                 status=audit.change(before, S.withdrawn.value),
                 # The applicant's own words may name people: they stay on the application, which can
                 # be erased, never in the trail, which cannot.
                 reason_given=reason is not None)


def upload_read_limit(application: Application) -> int:
    """How many bytes of an upload to read: one more than the largest file the round takes,
    so a file that is too big is known to be too big without reading all of it."""
    return settings_for(application.round).max_attachment_bytes + 1


def add_attachment(applicant, application: Application, filename: str | None, data: bytes) -> Attachment:
    """Keep a file with the application, if the round takes files and this one is safe to keep."""
    _require_editable(applicant, application)
    settings = settings_for(application.round)
    if not settings.allow_attachments:
        raise FieldProblem.one("file", "This round does not take files. Put everything in your answers instead.")
    try:
        name = clean_filename(filename)
    except RuleBroken as err:
        raise FieldProblem.one("file", "Choose a file to add." if not filename else str(err)) from None
    if not data:
        raise FieldProblem.one("file", f"‘{name}’ is empty. Choose the file again.")
    if len(data) > settings.max_attachment_bytes:
        raise FieldProblem.one("file", f"‘{name}’ is bigger than {describe_size(settings.max_attachment_bytes)}, "
                                       f"the largest file this round takes. Make it smaller and try again.")
    try:
        kind = identify(name, data)
    except RuleBroken as err:
        raise FieldProblem.one("file", str(err)) from None
    if len(application.attachments) >= MAX_ATTACHMENTS:
        raise FieldProblem.one("file", f"You can add up to {MAX_ATTACHMENTS} files. Remove one to add another.")
    attachment = Attachment(application_id=application.id, filename=name, content_type=kind.content_type,
                            size=len(data), data=data, uploaded_at=clock.now())
    application.attachments.append(attachment)
    db.session.flush()
    audit.record(applicant, "application.attachment_added", "application_attachment", attachment.id,
                 round_id=application.round_id, application_id=application.id, content_type=kind.content_type,
                 size=len(data))
    return attachment


def remove_attachment(applicant, attachment: Attachment) -> None:
    application = db.session.get(Application, attachment.application_id)
    _require_editable(applicant, application)
    application.attachments.remove(attachment)
    db.session.flush()
    audit.record(applicant, "application.attachment_removed", "application_attachment", attachment.id,
                 round_id=application.round_id, application_id=application.id)


def for_applicant(applicant) -> list[Application]:
    return list(db.session.scalars(
        select(Application).where(Application.applicant_id == applicant.id).order_by(Application.id)))


def current_application(applicant, round: Round) -> Application | None:
    """The applicant's application to this round that they have not withdrawn, if any."""
    return db.session.scalar(select(Application).where(
        Application.round_id == round.id, Application.applicant_id == applicant.id,
        Application.status != S.withdrawn.value).order_by(Application.id.desc()).limit(1))


def open_rounds() -> list[Round]:
    """Rounds taking applications now."""
    rounds = db.session.scalars(select(Round).where(Round.stage == "open").order_by(Round.id))
    return [r for r in rounds if policy.applications_open(r)]


def _require_editable(applicant, application: Application) -> None:
    if not policy.owns(applicant, application):
        raise NotAllowed("You can only change your own application.")
    if application.status == S.withdrawn.value:
        raise RuleBroken("You have withdrawn this application, so it cannot be changed.")
    if application.status not in policy.EDITABLE:
        raise RuleBroken("This application is being looked at now, so it cannot be changed.")
    _require_open_for_applications(application.round)


def _require_open_for_applications(round: Round) -> None:
    if round.stage != "open":
        raise RuleBroken("This round is not open for applications.")
    if round.applications_close_at and clock.now() >= round.applications_close_at:
        raise RuleBroken("The closing date for this round has passed.")
