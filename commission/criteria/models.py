"""Co-designed criteria: members' proposals (every version kept), comments, a motion to
adopt a set with weights and rules, members' votes, and the immutable adopted version."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission import clock
from commission.extensions import db
from commission.types import UTCDateTime

COMBINATIONS = {
    "weighted_average": "A plain weighted average of everyone's scores",
    "generosity_adjusted": "A weighted average adjusted for how generous each scorer is",
}
VOTE_CHOICES = {"yes": "Yes", "no": "No", "abstain": "I abstain"}


class _Descriptors:
    """What an application looks like at each point of the scale, 0 upwards (stored as JSON)."""

    @property
    def descriptors(self) -> list[str]:
        return json.loads(self.descriptors_json)


class Proposal(db.Model):
    __tablename__ = "criterion_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    proposer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    written_down_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    versions: Mapped[list[ProposalVersion]] = relationship(order_by="ProposalVersion.number",
                                                           back_populates="proposal")
    comments: Mapped[list[ProposalComment]] = relationship(order_by="ProposalComment.id")
    proposer: Mapped["User"] = relationship(foreign_keys=[proposer_id])  # noqa: F821

    @property
    def current(self) -> ProposalVersion:
        return self.versions[-1]


class ProposalVersion(_Descriptors, db.Model):
    __tablename__ = "criterion_proposal_versions"
    __table_args__ = (UniqueConstraint("proposal_id", "number", name="proposal_versions_numbered_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("criterion_proposals.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(120))
    meaning: Mapped[str] = mapped_column(Text)
    descriptors_json: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    written_down_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    proposal: Mapped[Proposal] = relationship(back_populates="versions")
    author: Mapped["User"] = relationship(foreign_keys=[author_id])  # noqa: F821
    written_down_by: Mapped["User | None"] = relationship(foreign_keys=[written_down_by_id])  # noqa: F821


class ProposalComment(db.Model):
    __tablename__ = "criterion_proposal_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("criterion_proposals.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    written_down_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    author: Mapped["User"] = relationship(foreign_keys=[author_id])  # noqa: F821


class Motion(db.Model):
    """A proposal to the panel: adopt this set of criteria, with these weights and rules."""

    __tablename__ = "criteria_motions"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'adopted', 'not_adopted', 'withdrawn')", name="motions_status_known"),
        CheckConstraint(f"combination IN {tuple(COMBINATIONS)!r}", name="motions_combination_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    moved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    written_down_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default="open")
    combination: Mapped[str] = mapped_column(String(30))
    minimum_score_hundredths: Mapped[int | None]
    tie_break_json: Mapped[str] = mapped_column(Text)  # criterion positions, then "draw"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    counted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[str | None] = mapped_column(Text)

    items: Mapped[list[MotionItem]] = relationship(order_by="MotionItem.position")
    votes: Mapped[list[Vote]] = relationship(order_by="Vote.id")
    moved_by: Mapped["User"] = relationship(foreign_keys=[moved_by_id])  # noqa: F821

    @property
    def tie_break(self) -> list:
        return json.loads(self.tie_break_json)


class MotionItem(db.Model):
    __tablename__ = "criteria_motion_items"
    __table_args__ = (CheckConstraint("weight BETWEEN 1 AND 100", name="motion_items_weight_range"),)

    motion_id: Mapped[int] = mapped_column(ForeignKey("criteria_motions.id"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    proposal_version_id: Mapped[int] = mapped_column(ForeignKey("criterion_proposal_versions.id"))
    weight: Mapped[int]

    version: Mapped[ProposalVersion] = relationship()


class Vote(db.Model):
    __tablename__ = "criteria_votes"
    __table_args__ = (
        UniqueConstraint("motion_id", "member_id", name="criteria_votes_one_per_member"),
        CheckConstraint(f"choice IN {tuple(VOTE_CHOICES)!r}", name="criteria_votes_choice_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("criteria_motions.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    choice: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class CriteriaVersion(db.Model):
    """An adopted set of criteria. Never changed: a change is a new version, voted the same way."""

    __tablename__ = "criteria_versions"
    __table_args__ = (UniqueConstraint("round_id", "number", name="criteria_versions_numbered_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    number: Mapped[int]
    motion_id: Mapped[int] = mapped_column(ForeignKey("criteria_motions.id"), unique=True)
    adopted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    scale_max: Mapped[int]
    combination: Mapped[str] = mapped_column(String(30))
    minimum_score_hundredths: Mapped[int | None]
    tie_break_json: Mapped[str] = mapped_column(Text)
    draw_seed: Mapped[str] = mapped_column(String(32))

    criteria: Mapped[list[Criterion]] = relationship(order_by="Criterion.position")
    motion: Mapped[Motion] = relationship()

    @property
    def tie_break(self) -> list:
        return json.loads(self.tie_break_json)


class Criterion(_Descriptors, db.Model):
    __tablename__ = "criteria"
    __table_args__ = (UniqueConstraint("version_id", "position", name="criteria_positions_unique"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("criteria_versions.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(120))
    meaning: Mapped[str] = mapped_column(Text)
    descriptors_json: Mapped[str] = mapped_column(Text)
    weight: Mapped[int]
    proposal_version_id: Mapped[int] = mapped_column(ForeignKey("criterion_proposal_versions.id"))
