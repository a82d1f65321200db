"""When a panel's scoring closed, and the panel's motions and votes on its shortlist."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission import clock
from commission.extensions import db
from commission.types import UTCDateTime

MOTION_STATUSES = ("open", "agreed", "replaced")
SHORTLIST_CHOICES = {"yes": "Yes, agree this shortlist", "no": "No"}


class ScoringClosure(db.Model):
    """A panel's scoring is closed: no more scores or changes; the panel sees its results."""

    __tablename__ = "scoring_closures"

    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), primary_key=True)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)


class ShortlistMotion(db.Model):
    """A shortlist put to the panel: first the one the ranking and budget suggest, then any
    change a member proposes with a reason. A new motion replaces the open one."""

    __tablename__ = "shortlist_motions"
    __table_args__ = (
        UniqueConstraint("panel_id", "number", name="shortlist_motions_numbered_once"),
        CheckConstraint(f"status IN {MOTION_STATUSES!r}", name="shortlist_motions_status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"), index=True)
    number: Mapped[int]
    moved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: suggested by the ranking
    reason: Mapped[str | None] = mapped_column(Text)
    application_ids_json: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    votes: Mapped[list[ShortlistVote]] = relationship(order_by="ShortlistVote.id")

    @property
    def application_ids(self) -> list[int]:
        return json.loads(self.application_ids_json)


class ShortlistVote(db.Model):
    __tablename__ = "shortlist_votes"
    __table_args__ = (
        UniqueConstraint("motion_id", "member_id", name="shortlist_votes_one_per_member"),
        CheckConstraint(f"choice IN {tuple(SHORTLIST_CHOICES)!r}", name="shortlist_votes_choice_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("shortlist_motions.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    choice: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
