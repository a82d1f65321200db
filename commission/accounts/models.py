from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from commission import clock
from commission.extensions import db
from commission.types import UTCDateTime


class Role(str, enum.Enum):
    administrator = "administrator"
    facilitator = "facilitator"
    member = "member"
    funder = "funder"
    applicant = "applicant"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def is_staff(self) -> bool:
        return self in (Role.administrator, Role.facilitator)


ROLE_LABELS = {
    Role.administrator: "Administrator",
    Role.facilitator: "Facilitator (programme staff)",
    Role.member: "Panel member",
    Role.funder: "Funder or auditor",
    Role.applicant: "Applicant",
}
ROLE_VALUES = tuple(r.value for r in Role)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLE_VALUES!r}", name="users_role_known"),
        CheckConstraint("email = lower(email)", name="users_email_lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_active(self) -> bool:  # flask-login asks this before letting anyone in
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
