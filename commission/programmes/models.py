from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission import clock
from commission.extensions import db
from commission.types import UTCDateTime


class Programme(db.Model):
    """A funder's programme: it holds the money that its rounds give out."""

    __tablename__ = "programmes"
    __table_args__ = (
        CheckConstraint("total_budget_pence > 0", name="programmes_budget_positive"),
        CheckConstraint("min_flesch BETWEEN 0 AND 100", name="programmes_min_flesch_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    funder_name: Mapped[str] = mapped_column(String(200))
    total_budget_pence: Mapped[int]
    # The lowest Flesch reading ease a document for panel members or applicants may have.
    min_flesch: Mapped[int] = mapped_column(default=60, server_default="60")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    rounds: Mapped[list["Round"]] = relationship(back_populates="programme", order_by="Round.id")  # noqa: F821
    jargon: Mapped[list["ProgrammeJargon"]] = relationship(order_by="ProgrammeJargon.term")


class ProgrammeJargon(db.Model):
    """A programme's own additions to the jargon list, each with its plain alternative."""

    __tablename__ = "programme_jargon"

    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), primary_key=True)
    term: Mapped[str] = mapped_column(String(80), primary_key=True)
    plain: Mapped[str] = mapped_column(Text)
