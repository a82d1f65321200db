"""A round's application form: its settings (word limits, attachments) and its questions,
one for each adopted criterion, worded so an applicant can answer it.

The form can change until the first application is sent in; after that every applicant
must be answering the same questions.
"""
from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from commission.applications import policy
from commission.applications.models import (LARGEST_ATTACHMENT_BYTES, Answer, Application, ApplicationSettings,
                                            Question)
from commission.audit import service as audit
from commission.criteria import service as criteria
from commission.errors import FieldProblem, NotAllowed, RuleBroken
from commission.extensions import db
from commission.plain_english.check import Report, check as plain_english_check
from commission.programmes.service import plain_english_rules
from commission.rounds.models import Round

QUESTION_MAX_CHARS = 2000
MAX_WORD_LIMIT = 2000


def plain_english(round: Round, text: str) -> Report:
    """The plain-English check, with the programme's own threshold and jargon list."""
    rules = plain_english_rules(round.programme)
    return plain_english_check(text, min_flesch=rules.min_flesch, extra_jargon=rules.extra_jargon)


def settings_for(round: Round) -> ApplicationSettings:
    """The round's settings, or (unsaved) defaults if the facilitator has not changed them."""
    return db.session.get(ApplicationSettings, round.id) or ApplicationSettings.defaults(round.id)


def questions_for(round: Round) -> list[Question]:
    # Each question's criterion comes in the same query: pages show them together.
    return list(db.session.scalars(select(Question).where(Question.round_id == round.id)
                                   .options(joinedload(Question.criterion)).order_by(Question.position)))


def any_sent(round: Round) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Application).where(
        Application.round_id == round.id, Application.submitted_at.is_not(None))))


def can_change_form(round: Round, stages=("draft", "co_design", "open")) -> bool:
    return round.stage in stages and not any_sent(round)


def _require_can_change(actor, round: Round, stages=("draft", "co_design", "open")) -> None:
    if not policy.can_set_up_form(actor, round):
        raise NotAllowed("Only a facilitator of this round can change its application form.")
    if round.stage not in stages:
        raise RuleBroken("The application form can only change while the round is getting ready, choosing "
                         "its criteria, or open before anyone has sent in an application.")
    if any_sent(round):
        raise RuleBroken("An application has been sent in, so the form cannot change now: everyone must "
                         "answer the same questions.")


def change_settings(actor, round: Round, *, allow_attachments: bool, max_attachment_bytes: int,
                    summary_word_limit: int, answer_word_limit: int) -> ApplicationSettings:
    _require_can_change(actor, round)
    problems = {}
    if not 1 <= max_attachment_bytes <= LARGEST_ATTACHMENT_BYTES:
        problems["max_attachment_bytes"] = (f"Files can be at most {LARGEST_ATTACHMENT_BYTES // (1024 * 1024)} MB "
                                            f"each.")
    for field, value, label in (("summary_word_limit", summary_word_limit, "summary"),
                                ("answer_word_limit", answer_word_limit, "answer")):
        if not 1 <= value <= MAX_WORD_LIMIT:
            problems[field] = f"The word limit for each {label} must be between 1 and {MAX_WORD_LIMIT}."
    if problems:
        raise FieldProblem(problems)
    settings = settings_for(round)
    after = {"allow_attachments": bool(allow_attachments), "max_attachment_bytes": max_attachment_bytes,
             "summary_word_limit": summary_word_limit, "answer_word_limit": answer_word_limit}
    changes = {name: audit.change(getattr(settings, name), value) for name, value in after.items()
               if getattr(settings, name) != value}
    if not changes:
        return settings  # nothing to write, so nothing to audit
    if settings not in db.session:
        db.session.add(settings)  # the first change from the defaults
    for name, value in after.items():
        setattr(settings, name, value)
    if "answer_word_limit" in changes:
        # A new answer word limit is the limit on every question; a single question can be changed after.
        for question in questions_for(round):
            question.word_limit = answer_word_limit
    db.session.flush()
    audit.record(actor, "application_form.settings_changed", "round", round.id, round_id=round.id, **changes)
    return settings


def question_wording(criterion) -> str:
    """A plain question from a criterion the panel adopted, in the panel's own words."""
    title = criterion.title.strip().rstrip(".?!:")
    return f"How does your project meet this: {title}? {criterion.meaning.strip()}"


def prepare_questions(actor, round: Round) -> list[Question]:
    """One question for each criterion of the adopted version. Questions from an earlier
    version (and any draft answers to them) are replaced."""
    _require_can_change(actor, round, stages=("co_design", "open"))
    version = criteria.current_version(round)
    if version is None:
        raise RuleBroken("The panel has not adopted its criteria yet, so there is nothing to ask about.")
    existing = questions_for(round)
    if existing and {q.criterion_id for q in existing} == {c.id for c in version.criteria}:
        raise RuleBroken("The questions for the adopted criteria are ready. You can change how each is worded.")
    replaced = [q.id for q in existing]
    if replaced:
        db.session.execute(delete(Answer).where(Answer.question_id.in_(replaced)))
        for question in existing:
            db.session.delete(question)
        db.session.flush()
        db.session.expire_all()  # drafts' answers to the old questions are gone
    limit = settings_for(round).answer_word_limit
    made = [Question(round_id=round.id, criterion_id=c.id, position=c.position, text=question_wording(c),
                     word_limit=limit) for c in version.criteria]
    db.session.add_all(made)
    db.session.flush()
    audit.record(actor, "application_form.questions_prepared", "round", round.id, round_id=round.id,
                 criteria_version_id=version.id, question_ids=[q.id for q in made], replaced_question_ids=replaced)
    return made


def reword_question(actor, question: Question, text: str, word_limit: int | None = None) -> Question:
    """Change how a question is put to applicants. It must pass the plain-English check."""
    round = db.session.get(Round, question.round_id)
    _require_can_change(actor, round, stages=("co_design", "open"))
    text = (text or "").strip()
    if not text:
        raise FieldProblem.one("text", "Write the question.")
    if len(text) > QUESTION_MAX_CHARS:
        raise FieldProblem.one("text", f"Keep the question to {QUESTION_MAX_CHARS} characters or fewer.")
    report = plain_english(round, text)
    if not report.passed:
        raise FieldProblem.one("text", "Applicants will read this question, so it must be in plain English. "
                                       + report.problems[0].message)
    if word_limit is not None and not 1 <= word_limit <= MAX_WORD_LIMIT:
        raise FieldProblem.one("word_limit", f"The word limit must be between 1 and {MAX_WORD_LIMIT}.")
    changes = {}
    if text != question.text:
        changes["text"] = audit.change(question.text, text)
        question.text = text
    if word_limit is not None and word_limit != question.word_limit:
        changes["word_limit"] = audit.change(question.word_limit, word_limit)
        question.word_limit = word_limit
    if not changes:
        return question
    db.session.flush()
    audit.record(actor, "application_form.question_reworded", "application_question", question.id,
                 round_id=round.id, **changes)
    return question
