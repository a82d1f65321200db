"""Interviews: the times a facilitator offers, the interview each shortlisted applicant books,
who interviews, what people need to take part, the panel's agreement of its questions, and
the notes interviewers keep.

An interview belongs to one application and keeps its row (and so its calendar UID) for
good: moving it to another time or cancelling it raises its `sequence`, so a calendar file
downloaded again replaces the one people already have.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission import clock
from commission.extensions import db
from commission.types import UTCDateTime

DEFAULT_MIN_INTERVIEWERS = 3
MEANS = {"in_person": "In person", "video": "By video call"}
ADJUSTMENTS = {
    "step_free": "Step-free access",
    "bsl": "A British Sign Language (BSL) interpreter",
    "breaks": "Breaks during the interview",
    "large_print": "Large print papers",
    "quiet_room": "A quiet room",
    "carer": "Bringing a carer or support worker",
    "other": "Something else",
}
VOTE_CHOICES = {"yes": "Yes, I agree these questions", "no": "No, they need changing"}


class InterviewSettings(db.Model):
    """A round's rules for interviews. A round without a row uses the defaults."""

    __tablename__ = "interview_settings"
    __table_args__ = (CheckConstraint("min_interviewers BETWEEN 1 AND 20", name="interview_settings_minimum"),)

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    min_interviewers: Mapped[int] = mapped_column(default=DEFAULT_MIN_INTERVIEWERS,
                                                  server_default=str(DEFAULT_MIN_INTERVIEWERS))

    @classmethod
    def defaults(cls, round_id: int) -> InterviewSettings:
        return cls(round_id=round_id, min_interviewers=DEFAULT_MIN_INTERVIEWERS)


class InterviewSlot(db.Model):
    """A time a panel can interview, offered by a facilitator. Cancelled, never deleted."""

    __tablename__ = "interview_slots"
    __table_args__ = (
        CheckConstraint("minutes BETWEEN 10 AND 480", name="interview_slots_length"),
        CheckConstraint(f"means IN {tuple(MEANS)!r}", name="interview_slots_means_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int]
    means: Mapped[str] = mapped_column(String(20))
    place: Mapped[str] = mapped_column(Text)  # the address, or the video link
    access: Mapped[str | None] = mapped_column(Text)  # how accessible the place is
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def means_label(self) -> str:
        return MEANS[self.means]


class Interview(db.Model):
    """One shortlisted application's interview. `slot_id` is the time booked now (one
    application per slot); `last_slot_id` remembers it after a cancellation, so the
    cancellation can name the time it cancels."""

    __tablename__ = "interviews"
    __table_args__ = (
        UniqueConstraint("application_id", name="interviews_one_per_application"),
        UniqueConstraint("slot_id", name="interviews_one_per_slot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("interview_slots.id"))
    last_slot_id: Mapped[int] = mapped_column(ForeignKey("interview_slots.id"))
    sequence: Mapped[int] = mapped_column(default=0)
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    application: Mapped["Application"] = relationship()  # noqa: F821
    slot: Mapped[InterviewSlot | None] = relationship(foreign_keys=[slot_id])
    last_slot: Mapped[InterviewSlot] = relationship(foreign_keys=[last_slot_id])

    @property
    def cancelled(self) -> bool:
        return self.slot_id is None


class Interviewer(db.Model):
    """A panel member asked to interview. Released (not deleted) when taken off."""

    __tablename__ = "interviewers"

    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Adjustment(db.Model):
    """Something a person needs to take part in an interview, and the facilitator's confirmation.
    An applicant asks for their own interview; a panel member for all the round's interviews."""

    __tablename__ = "interview_adjustments"
    __table_args__ = (CheckConstraint(f"kind IN {tuple(ADJUSTMENTS)!r}", name="interview_adjustments_kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    kind: Mapped[str] = mapped_column(String(20))
    details: Mapped[str | None] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmation: Mapped[str | None] = mapped_column(Text)  # what the facilitator arranged

    user: Mapped["User"] = relationship(foreign_keys=[user_id])  # noqa: F821

    @property
    def label(self) -> str:
        return ADJUSTMENTS[self.kind]


class QuestionsVote(db.Model):
    """A member's vote on one published version of the round's interview questions."""

    __tablename__ = "interview_question_votes"
    __table_args__ = (
        UniqueConstraint("version_id", "member_id", name="interview_question_votes_one_per_member"),
        CheckConstraint(f"choice IN {tuple(VOTE_CHOICES)!r}", name="interview_question_votes_choice_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    choice: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class QuestionsAgreement(db.Model):
    """The panel agreed this version of the interview questions."""

    __tablename__ = "interview_question_agreements"

    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id"), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class InterviewNote(db.Model):
    """A member's note on one question of one interview. Saving again adds a row; the newest
    counts and the earlier ones stay."""

    __tablename__ = "interview_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id"))  # the questions asked
    question: Mapped[int]  # its number in the agreed questions, from 1
    text: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
