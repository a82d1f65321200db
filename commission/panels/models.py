"""Before anyone scores: required training, and each member's conflicts of interest."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission import clock
from commission.extensions import db
from commission.types import UTCDateTime

# What a member can say about each application in their panel, mildest first.
CONFLICT_LEVELS = {
    "none": "I have no link with this group",
    "know_of": "I know of the group",
    "know_someone": "I know someone who works or volunteers there",
    "close": "A close friend or family member is there",
    "involved": "I work or volunteer there, or have money involved",
}
DEFAULT_EXCLUDED = ("know_someone", "close", "involved")
DEFAULT_TRAINING = ("How the process works", "Unconscious bias", "Conflicts of interest", "Interviewing")


class PanelSettings(db.Model):
    """A round's rules for the panel's work. Missing settings mean the defaults."""

    __tablename__ = "panel_settings"
    __table_args__ = (
        CheckConstraint("scorers_per_application BETWEEN 1 AND 20", name="panel_settings_scorers"),
        CheckConstraint("minutes_per_application BETWEEN 5 AND 600", name="panel_settings_minutes"),
        CheckConstraint("workload_cap_hours BETWEEN 1 AND 500", name="panel_settings_cap"),
        CheckConstraint("moderation_tolerance BETWEEN 0 AND 10", name="panel_settings_tolerance"),
        CheckConstraint("shortlist_percent BETWEEN 10 AND 1000", name="panel_settings_shortlist_percent"),
        CheckConstraint("budget_method IN ('optimal', 'greedy')", name="panel_settings_budget_method"),
    )

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    scorers_per_application: Mapped[int] = mapped_column(default=4)
    minutes_per_application: Mapped[int] = mapped_column(default=45)
    workload_cap_hours: Mapped[int] = mapped_column(default=20)
    members_record_own_training: Mapped[bool] = mapped_column(default=False)
    excluded_levels_json: Mapped[str] = mapped_column(Text, default=json.dumps(list(DEFAULT_EXCLUDED)))
    comments_required: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Scorers of one application more than this many points apart on a criterion: talk about it.
    moderation_tolerance: Mapped[int] = mapped_column(default=2, server_default="2")
    # The suggested shortlist fits this percentage of the panel's share of the budget, so that
    # interviews still leave a choice; the panel can change it with a reason.
    shortlist_percent: Mapped[int] = mapped_column(default=150, server_default="150")
    budget_method: Mapped[str] = mapped_column(String(10), default="optimal", server_default="optimal")

    @property
    def excluded_levels(self) -> tuple[str, ...]:
        return tuple(json.loads(self.excluded_levels_json))

    @classmethod
    def defaults(cls, round_id: int) -> "PanelSettings":
        """A round's settings before anyone changed them (not saved until someone does)."""
        return cls(round_id=round_id, scorers_per_application=4, minutes_per_application=45,
                   workload_cap_hours=20, members_record_own_training=False,
                   excluded_levels_json=json.dumps(list(DEFAULT_EXCLUDED)), comments_required=False,
                   moderation_tolerance=2, shortlist_percent=150, budget_method="optimal")


class TrainingModule(db.Model):
    __tablename__ = "training_modules"
    __table_args__ = (UniqueConstraint("round_id", "title", name="training_modules_title_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(120))


class TrainingRecord(db.Model):
    __tablename__ = "training_records"

    module_id: Mapped[int] = mapped_column(ForeignKey("training_modules.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class ConflictDeclaration(db.Model):
    """One declaration. A member may declare again later; the newest one counts and all are kept."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (CheckConstraint(f"level IN {tuple(CONFLICT_LEVELS)!r}", name="conflicts_level_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    level: Mapped[str] = mapped_column(String(20))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    application: Mapped["Application"] = relationship()  # noqa: F821


class Assignment(db.Model):
    """A member asked to score an application. Released (not deleted) when it moves to someone
    else, so what was asked of whom stays on record."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # The member saw the work and the hours it takes, and said yes.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    release_reason: Mapped[str | None] = mapped_column(Text)

    application: Mapped["Application"] = relationship()  # noqa: F821
