"""Round documents: written in Markdown, kept as numbered versions, checked for plain English
and published by a facilitator. A published version is never changed: editing makes a new one."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission import clock
from commission.extensions import db
from commission.plain_english import Problem
from commission.types import UTCDateTime

KINDS = {
    "call_for_applications": "Call for applications",
    "applicant_guidance": "Help with applying",
    "eligibility_rules": "Who can apply",
    "panel_pack": "Panel pack",
    "interview_questions": "Interview questions",
    "feedback_letter": "Feedback letter",
    "time_commitment": "The time it takes",
}
# What an applicant organisation may read (the rest is for the panel and the funder).
APPLICANT_KINDS = ("call_for_applications", "applicant_guidance", "eligibility_rules")

MAX_STAGE_HOURS = 200


class Document(db.Model):
    __tablename__ = "documents"
    __table_args__ = (CheckConstraint(f"kind IN {tuple(KINDS)!r}", name="documents_kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    versions: Mapped[list[DocumentVersion]] = relationship(order_by="DocumentVersion.number",
                                                           back_populates="document")

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def newest(self) -> DocumentVersion:
        return self.versions[-1]

    @property
    def published(self) -> DocumentVersion | None:
        """The version people read: the newest one that has been published."""
        for version in reversed(self.versions):
            if version.published_at is not None:
                return version
        return None

    @property
    def status(self) -> str:
        published = self.published
        if published is None:
            return "Draft"
        status = "Published" if published.check_passed else "Published despite failing the check"
        if published is not self.newest:
            status += " (a newer draft is waiting)"
        return status


class DocumentVersion(db.Model):
    __tablename__ = "document_versions"
    __table_args__ = (
        UniqueConstraint("document_id", "number", name="document_versions_numbered_once"),
        CheckConstraint("override_reason IS NULL OR published_at IS NOT NULL",
                        name="document_versions_reason_only_when_published"),
        # A version that failed the check can only be out in the world with a written reason.
        CheckConstraint("check_passed OR published_at IS NULL OR override_reason IS NOT NULL",
                        name="document_versions_failing_needs_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    number: Mapped[int]
    markdown: Mapped[str] = mapped_column(Text)
    # None when the system wrote it (the demo, a command).
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    check_passed: Mapped[bool]
    flesch: Mapped[float]
    problems_json: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    override_reason: Mapped[str | None] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="versions")

    @property
    def problems(self) -> list[Problem]:
        return [Problem(**problem) for problem in json.loads(self.problems_json)]

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class StageEstimate(db.Model):
    """About how many hours a panel member gives to one stage of the round."""

    __tablename__ = "stage_estimates"
    __table_args__ = (CheckConstraint(f"hours BETWEEN 0 AND {MAX_STAGE_HOURS}", name="stage_estimates_hours_range"),)

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(50), primary_key=True)
    hours: Mapped[int]
