from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commission import clock
from commission.extensions import db
from commission.types import UTCDateTime


class Programme(db.Model):
    """A funder's programme: it holds the money that its rounds give out."""

    __tablename__ = "programmes"
    __table_args__ = (CheckConstraint("total_budget_pence > 0", name="programmes_budget_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    funder_name: Mapped[str] = mapped_column(String(200))
    total_budget_pence: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    rounds: Mapped[list["Round"]] = relationship(back_populates="programme", order_by="Round.id")  # noqa: F821
