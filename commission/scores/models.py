"""Scores. A member's sheet for one application holds their draft; each time they send it
in, a new record is added and never changed, so the first score and every revision (with its
reason) stay on file. The sheet points at the record that counts now."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission import clock
from commission.extensions import db
from commission.types import UTCDateTime

RECORD_KINDS = {"submitted": "Sent in", "revised": "Changed"}


class ScoreSheet(db.Model):
    __tablename__ = "score_sheets"
    __table_args__ = (
        UniqueConstraint("application_id", "member_id", name="score_sheets_one_per_member"),
        # The scores that count, found from the applications: without it PostgreSQL reads every
        # sheet of the round once per panel (bench/national_results.py).
        Index("score_sheets_counted", "application_id", "set_aside_at", "current_record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    criteria_version_id: Mapped[int] = mapped_column(ForeignKey("criteria_versions.id"))
    # The unsent draft: {criterion id: points} and a comment. Cleared when sent in.
    draft_json: Mapped[str | None] = mapped_column(Text)
    draft_comment: Mapped[str | None] = mapped_column(Text)
    draft_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    current_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("score_records.id", use_alter=True, name="score_sheets_current_record"))
    # A conflict declared after scoring: the scores stay on file but no longer count.
    set_aside_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    set_aside_reason: Mapped[str | None] = mapped_column(Text)

    records: Mapped[list[ScoreRecord]] = relationship(order_by="ScoreRecord.number",
                                                      foreign_keys="ScoreRecord.sheet_id")
    current: Mapped[ScoreRecord | None] = relationship(foreign_keys=[current_record_id], post_update=True)

    @property
    def draft(self) -> dict[int, int]:
        return {int(k): v for k, v in json.loads(self.draft_json or "{}").items()}

    @property
    def submitted(self) -> bool:
        return self.current_record_id is not None

    @property
    def counts(self) -> bool:
        return self.submitted and self.set_aside_at is None


class ScoreRecord(db.Model):
    __tablename__ = "score_records"
    __table_args__ = (
        UniqueConstraint("sheet_id", "number", name="score_records_numbered_once"),
        CheckConstraint(f"kind IN {tuple(RECORD_KINDS)!r}", name="score_records_kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheets.id"), index=True)
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    after_discussion: Mapped[bool] = mapped_column(default=False)  # revised while flagged for the meeting
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    values: Mapped[list[CriterionScore]] = relationship(order_by="CriterionScore.criterion_id")

    @property
    def by_criterion(self) -> dict[int, int]:
        return {v.criterion_id: v.value for v in self.values}


class CriterionScore(db.Model):
    __tablename__ = "criterion_scores"
    __table_args__ = (CheckConstraint("value >= 0", name="criterion_scores_not_negative"),)

    record_id: Mapped[int] = mapped_column(ForeignKey("score_records.id"), primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id"), primary_key=True)
    value: Mapped[int]
