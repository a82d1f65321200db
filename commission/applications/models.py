from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission import clock
from commission.extensions import db
from commission.types import UTCDateTime


class ApplicationStatus(str, enum.Enum):
    draft = "draft"
    submitted = "submitted"
    withdrawn = "withdrawn"
    eligible = "eligible"
    ineligible = "ineligible"
    shortlisted = "shortlisted"
    not_shortlisted = "not_shortlisted"
    funded = "funded"
    part_funded = "part_funded"
    not_funded = "not_funded"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    ApplicationStatus.draft: "Not sent yet",
    ApplicationStatus.submitted: "Sent",
    ApplicationStatus.withdrawn: "Withdrawn",
    ApplicationStatus.eligible: "Meets the rules",
    ApplicationStatus.ineligible: "Does not meet the rules",
    ApplicationStatus.shortlisted: "On the shortlist",
    ApplicationStatus.not_shortlisted: "Not on the shortlist",
    ApplicationStatus.funded: "Funded",
    ApplicationStatus.part_funded: "Part funded",
    ApplicationStatus.not_funded: "Not funded",
}
STATUS_VALUES = tuple(s.value for s in ApplicationStatus)
DECIDED_STATUSES = (ApplicationStatus.funded, ApplicationStatus.part_funded, ApplicationStatus.not_funded)


class Application(db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint("amount_requested_pence > 0", name="applications_amount_positive"),
        CheckConstraint(f"status IN {STATUS_VALUES!r}", name="applications_status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    panel_id: Mapped[int | None] = mapped_column(ForeignKey("panels.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    amount_requested_pence: Mapped[int]
    timescale_months: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default=ApplicationStatus.draft.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    # Why the application does not meet the rules, when the round has no written rules to
    # check one by one (see EligibilityCheck for rounds that do).
    eligibility_reason: Mapped[str | None] = mapped_column(Text)

    round: Mapped["Round"] = relationship()  # noqa: F821
    answers: Mapped[list[Answer]] = relationship(order_by="Answer.question_id", cascade="all, delete-orphan")
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.id", cascade="all, delete-orphan")
    checks: Mapped[list[EligibilityCheck]] = relationship(order_by="EligibilityCheck.rule_id")

    @property
    def status_enum(self) -> ApplicationStatus:
        return ApplicationStatus(self.status)

    @property
    def sent(self) -> bool:
        """Sent in at some point and not withdrawn."""
        return self.status not in (ApplicationStatus.draft.value, ApplicationStatus.withdrawn.value)

    def answer_to(self, question_id: int) -> str:
        for answer in self.answers:
            if answer.question_id == question_id:
                return answer.text
        return ""


MEGABYTE = 1024 * 1024
DEFAULT_MAX_ATTACHMENT_BYTES = 5 * MEGABYTE
# The app refuses any request over 10 MB (MAX_CONTENT_LENGTH); one file must fit inside it.
LARGEST_ATTACHMENT_BYTES = 9 * MEGABYTE
DEFAULT_SUMMARY_WORDS = 150
DEFAULT_ANSWER_WORDS = 300


class ApplicationSettings(db.Model):
    """How a round's application form works. A round without a row uses these defaults."""

    __tablename__ = "application_settings"
    __table_args__ = (
        CheckConstraint(f"max_attachment_bytes BETWEEN 1 AND {LARGEST_ATTACHMENT_BYTES}",
                        name="application_settings_attachment_size"),
        CheckConstraint("summary_word_limit >= 1 AND answer_word_limit >= 1",
                        name="application_settings_word_limits"),
    )

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    allow_attachments: Mapped[bool] = mapped_column(default=False)
    max_attachment_bytes: Mapped[int] = mapped_column(default=DEFAULT_MAX_ATTACHMENT_BYTES)
    summary_word_limit: Mapped[int] = mapped_column(default=DEFAULT_SUMMARY_WORDS)
    answer_word_limit: Mapped[int] = mapped_column(default=DEFAULT_ANSWER_WORDS)

    @classmethod
    def defaults(cls, round_id: int) -> ApplicationSettings:
        """Unsaved settings with the defaults, for a round whose facilitator has not changed them."""
        return cls(round_id=round_id, allow_attachments=False, max_attachment_bytes=DEFAULT_MAX_ATTACHMENT_BYTES,
                   summary_word_limit=DEFAULT_SUMMARY_WORDS, answer_word_limit=DEFAULT_ANSWER_WORDS)


class Question(db.Model):
    """One question on a round's application form, asking how a project meets one adopted criterion."""

    __tablename__ = "application_questions"
    __table_args__ = (
        UniqueConstraint("round_id", "position", name="application_questions_position_unique"),
        CheckConstraint("word_limit >= 1", name="application_questions_word_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    word_limit: Mapped[int]

    criterion: Mapped["Criterion"] = relationship()  # noqa: F821


class Answer(db.Model):
    __tablename__ = "application_answers"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("application_questions.id"), primary_key=True)
    text: Mapped[str] = mapped_column(Text)

    question: Mapped[Question] = relationship()


class Attachment(db.Model):
    """A file sent with an application. Its type is what its bytes say, never what its name says."""

    __tablename__ = "application_attachments"
    __table_args__ = (CheckConstraint("size > 0", name="application_attachments_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    # Deferred: lists of attachments never load the files themselves.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class EligibilityRule(db.Model):
    """A published rule every application must meet. Set before the round opens."""

    __tablename__ = "eligibility_rules"
    __table_args__ = (UniqueConstraint("round_id", "position", name="eligibility_rules_position_unique"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)


class EligibilityCheck(db.Model):
    """Whether one application meets one published rule, and if not, why (in words the applicant reads)."""

    __tablename__ = "eligibility_checks"
    __table_args__ = (CheckConstraint("met OR reason IS NOT NULL", name="eligibility_checks_reason_when_not_met"),)

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("eligibility_rules.id"), primary_key=True)
    met: Mapped[bool]
    reason: Mapped[str | None] = mapped_column(Text)
    checked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    rule: Mapped[EligibilityRule] = relationship()


class ApplicantOrganisation(db.Model):
    """The organisation an applicant named when they registered; it fills in their first application."""

    __tablename__ = "applicant_organisations"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
