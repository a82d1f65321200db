from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
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

    round: Mapped["Round"] = relationship()  # noqa: F821

    @property
    def status_enum(self) -> ApplicationStatus:
        return ApplicationStatus(self.status)
