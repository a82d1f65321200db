"""Feedback letters: one letter for every applicant whose application was sent in, drafted by
the system from the panel's decision (or the shortlist, or the eligibility check), changed by
a facilitator if need be, and approved by the panel. Approving a version publishes it: the
applicant reads the newest approved version. Every version is kept and never changed."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission import clock
from commission.extensions import db
from commission.plain_english import Problem
from commission.types import UTCDateTime

# Who approves (and so publishes) the round's letters.
APPROVERS = {
    "panel": "A member of the group's panel",
    "facilitator": "A facilitator of the round, for the panel",
}


class LetterSettings(db.Model):
    """Who approves a round's letters. A round without a row uses the default: the panel."""

    __tablename__ = "letter_settings"
    __table_args__ = (CheckConstraint(f"approver IN {tuple(APPROVERS)!r}", name="letter_settings_approver_known"),)

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    approver: Mapped[str] = mapped_column(String(20), default="panel", server_default="panel")

    @classmethod
    def defaults(cls, round_id: int) -> LetterSettings:
        return cls(round_id=round_id, approver="panel")


class Letter(db.Model):
    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    versions: Mapped[list[LetterVersion]] = relationship(order_by="LetterVersion.number", back_populates="letter")
    application: Mapped["Application"] = relationship()  # noqa: F821

    @property
    def newest(self) -> LetterVersion:
        return self.versions[-1]

    @property
    def published(self) -> LetterVersion | None:
        """The version the applicant reads: the newest one the panel approved."""
        for version in reversed(self.versions):
            if version.approved_at is not None:
                return version
        return None


class LetterVersion(db.Model):
    __tablename__ = "letter_versions"
    __table_args__ = (
        UniqueConstraint("letter_id", "number", name="letter_versions_numbered_once"),
        CheckConstraint("(approved_at IS NULL) = (approved_by_id IS NULL)", name="letter_versions_approval_complete"),
        # Unlike other documents, a letter never goes out without passing the plain-English check.
        CheckConstraint("check_passed OR approved_at IS NULL", name="letter_versions_approved_only_when_plain"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), index=True)
    number: Mapped[int]
    markdown: Mapped[str] = mapped_column(Text)
    # True when the system wrote it from the decision; False when a facilitator changed it.
    drafted: Mapped[bool]
    # The panel's decision it was written from (None for a group not shortlisted or not eligible).
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the system
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    check_passed: Mapped[bool]
    flesch: Mapped[float]
    problems_json: Mapped[str] = mapped_column(Text)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # approved, so published
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    letter: Mapped[Letter] = relationship(back_populates="versions")

    @property
    def problems(self) -> list[Problem]:
        return [Problem(**problem) for problem in json.loads(self.problems_json)]

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None
