"""The panel's binding decisions: proposals and votes on them, the decisions themselves, votes
to reopen named decisions, and concerns staff record (which change nothing)."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission import clock
from commission.extensions import db
from commission.types import UTCDateTime

OUTCOMES = {"fund": "Fund in full", "part_fund": "Fund part of it", "not_fund": "Do not fund"}
# The application's status that follows from each outcome.
OUTCOME_STATUS = {"fund": "funded", "part_fund": "part_funded", "not_fund": "not_funded"}
VOTE_CHOICES = {"yes": "Yes, I agree", "no": "No, I do not agree"}
# open: being voted on; agreed: it is the decision; not_agreed: the panel said no, so propose
# again; discussion: consensus was not reached, so it went back to discussion; withheld: in a
# dual-key round another panel did not agree, so the application is not funded; replaced: a
# member proposed something else before the vote ended.
MOTION_STATUSES = ("open", "agreed", "not_agreed", "discussion", "withheld", "replaced")
# How a decision came about: the panel(s) agreed the proposal, or a second panel withheld its key.
BASES = ("agreed", "second_key_withheld")
ENDINGS = ("replaced", "reopened")


class _Positions:
    """Each panel's position on a vote when it ended, kept for the funder: {panel id: {...}}."""

    @property
    def positions(self) -> dict:
        return json.loads(self.positions_json) if self.positions_json else {}


class DecisionMotion(_Positions, db.Model):
    """A member's proposal for one shortlisted application, put to the panel's vote (and in a
    dual-key round to the other panel's vote too)."""

    __tablename__ = "decision_motions"
    __table_args__ = (
        UniqueConstraint("application_id", "number", name="decision_motions_numbered_once"),
        CheckConstraint(f"status IN {MOTION_STATUSES!r}", name="decision_motions_status_known"),
        CheckConstraint(f"outcome IN {tuple(OUTCOMES)!r}", name="decision_motions_outcome_known"),
        CheckConstraint("(outcome = 'not_fund') = (amount_pence = 0) AND amount_pence >= 0",
                        name="decision_motions_amount_fits_outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    number: Mapped[int]
    moved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(String(20))
    amount_pence: Mapped[int]
    covers: Mapped[str | None] = mapped_column(Text)  # what a part award pays for
    reason: Mapped[str] = mapped_column(Text)
    criterion_ids_json: Mapped[str] = mapped_column(Text)  # the adopted criteria the reason is about
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    positions_json: Mapped[str | None] = mapped_column(Text)

    votes: Mapped[list[DecisionVote]] = relationship(order_by="DecisionVote.id")

    @property
    def criterion_ids(self) -> list[int]:
        return json.loads(self.criterion_ids_json)


class DecisionVote(db.Model):
    __tablename__ = "decision_votes"
    __table_args__ = (
        UniqueConstraint("motion_id", "member_id", name="decision_votes_one_per_member"),
        CheckConstraint(f"choice IN {tuple(VOTE_CHOICES)!r}", name="decision_votes_choice_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("decision_motions.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"))
    choice: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class Decision(db.Model):
    """The panel's decision on one application. Never edited: a decision ends only when a new
    one replaces it before the round is decided, or when a panel vote reopens it."""

    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint(f"outcome IN {tuple(OUTCOMES)!r}", name="decisions_outcome_known"),
        CheckConstraint(f"basis IN {BASES!r}", name="decisions_basis_known"),
        CheckConstraint(f"ended_how IS NULL OR ended_how IN {ENDINGS!r}", name="decisions_ending_known"),
        CheckConstraint("(ended_at IS NULL) = (ended_how IS NULL)", name="decisions_ending_complete"),
        CheckConstraint("(outcome = 'not_fund') = (amount_pence = 0) AND amount_pence >= 0",
                        name="decisions_amount_fits_outcome"),
        UniqueConstraint("motion_id", name="decisions_one_per_motion"),
        # At most one decision stands for an application at any time.
        Index("decisions_one_standing", "application_id", unique=True,
              sqlite_where=text("ended_at IS NULL"), postgresql_where=text("ended_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("decision_motions.id"))
    outcome: Mapped[str] = mapped_column(String(20))
    amount_pence: Mapped[int]
    basis: Mapped[str] = mapped_column(String(30), default="agreed")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Made after a reopen vote: locked only once the panel confirms it again.
    after_reopen_id: Mapped[int | None] = mapped_column(ForeignKey("decision_reopen_motions.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_how: Mapped[str | None] = mapped_column(String(20))
    ended_by_reopen_id: Mapped[int | None] = mapped_column(ForeignKey("decision_reopen_motions.id"))

    motion: Mapped[DecisionMotion] = relationship()


class ReopenMotion(_Positions, db.Model):
    """A member asks the panel to reopen named decisions of a decided round, with a reason."""

    __tablename__ = "decision_reopen_motions"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'agreed', 'not_agreed', 'discussion', 'replaced')",
                        name="decision_reopen_motions_status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"))
    moved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    decision_ids_json: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    positions_json: Mapped[str | None] = mapped_column(Text)

    votes: Mapped[list[ReopenVote]] = relationship(order_by="ReopenVote.id")

    @property
    def decision_ids(self) -> list[int]:
        return json.loads(self.decision_ids_json)


class ReopenVote(db.Model):
    __tablename__ = "decision_reopen_votes"
    __table_args__ = (
        UniqueConstraint("motion_id", "member_id", name="decision_reopen_votes_one_per_member"),
        CheckConstraint(f"choice IN {tuple(VOTE_CHOICES)!r}", name="decision_reopen_votes_choice_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("decision_reopen_motions.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id"))
    choice: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class DecisionConcern(db.Model):
    """A facilitator's concern about the panel's decision on an application. Shown to the panel
    and the funder; it changes nothing."""

    __tablename__ = "decision_concerns"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"))  # the decision then, if any
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
