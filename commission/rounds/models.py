from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission import clock
from commission.extensions import db
from commission.types import UTCDateTime


class Round(db.Model):
    """One funding round. Its `stage` is moved only by the workflow service."""

    __tablename__ = "rounds"
    __table_args__ = (
        CheckConstraint("budget_pence > 0", name="rounds_budget_positive"),
        CheckConstraint("scale_max BETWEEN 2 AND 10", name="rounds_scale_sensible"),
        CheckConstraint("vote_rule IN ('majority', 'consensus')", name="rounds_vote_rule_known"),
        CheckConstraint("quorum_percent BETWEEN 1 AND 100", name="rounds_quorum_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    name: Mapped[str] = mapped_column(String(200))
    workflow_name: Mapped[str] = mapped_column(String(50))
    stage: Mapped[str] = mapped_column(String(50))
    paused_from: Mapped[str | None] = mapped_column(String(50))
    budget_pence: Mapped[int]
    applications_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Scores run from 0 to scale_max. The panel's votes follow vote_rule, and count
    # only when at least quorum_percent of the round's panel members have voted.
    scale_max: Mapped[int] = mapped_column(default=4, server_default="4")
    vote_rule: Mapped[str] = mapped_column(String(20), default="majority", server_default="majority")
    quorum_percent: Mapped[int] = mapped_column(default=50, server_default="50")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    programme: Mapped["Programme"] = relationship(back_populates="rounds")  # noqa: F821
    panels: Mapped[list[Panel]] = relationship(back_populates="round", order_by="Panel.id")
    people: Mapped[list[RoundPerson]] = relationship(back_populates="round", order_by="RoundPerson.id")
    rest_periods: Mapped[list[RestPeriod]] = relationship(order_by="RestPeriod.rest_stage")
    stage_changes: Mapped[list[StageChange]] = relationship(order_by="StageChange.id")

    def rest_days(self, rest_stage: str) -> int | None:
        for rest in self.rest_periods:
            if rest.rest_stage == rest_stage:
                return rest.days
        return None

    def last_left(self, stage: str) -> datetime | None:
        """When the round last moved out of `stage` (pausing is not leaving)."""
        for change in reversed(self.stage_changes):
            if change.from_stage == stage and change.to_stage != "paused":
                return change.at
        return None

    @property
    def pause_reason(self) -> str | None:
        if self.stage != "paused":
            return None
        for change in reversed(self.stage_changes):
            if change.to_stage == "paused":
                return change.reason
        return None

    def entered(self, stage: str) -> datetime | None:
        for change in reversed(self.stage_changes):
            if change.to_stage == stage and change.from_stage != "paused":
                return change.at
        return None


class RestPeriod(db.Model):
    """Minimum rest, in days, that a round keeps in one of its rest stages."""

    __tablename__ = "rest_periods"
    __table_args__ = (CheckConstraint("days >= 1", name="rest_periods_at_least_a_day"),)

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    rest_stage: Mapped[str] = mapped_column(String(50), primary_key=True)
    days: Mapped[int]


class StageChange(db.Model):
    __tablename__ = "stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    step: Mapped[str] = mapped_column(String(50))
    from_stage: Mapped[str] = mapped_column(String(50))
    to_stage: Mapped[str] = mapped_column(String(50))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)


class Panel(db.Model):
    __tablename__ = "panels"
    __table_args__ = (UniqueConstraint("round_id", "name", name="panels_name_unique_in_round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))

    round: Mapped[Round] = relationship(back_populates="panels")
    people: Mapped[list[RoundPerson]] = relationship(back_populates="panel", order_by="RoundPerson.id")


ROUND_ROLES = ("facilitator", "member", "funder")


class RoundPerson(db.Model):
    """A person's part in one round: facilitator, panel member (on one panel) or funder."""

    __tablename__ = "round_people"
    __table_args__ = (
        UniqueConstraint("round_id", "user_id", name="round_people_once_per_round"),
        CheckConstraint(f"role IN {ROUND_ROLES!r}", name="round_people_role_known"),
        CheckConstraint("(role = 'member') = (panel_id IS NOT NULL)", name="round_people_members_have_a_panel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    panel_id: Mapped[int | None] = mapped_column(ForeignKey("panels.id"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # A member may step back at any time, without a reason; what they did stays.
    stepped_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[Round] = relationship(back_populates="people")
    panel: Mapped[Panel | None] = relationship(back_populates="people")
    user: Mapped["User"] = relationship()  # noqa: F821
