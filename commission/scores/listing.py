"""What a member reads about scores: their own list of work, and (after sending in their own)
the other scores for one application. Each is a fixed number of queries whatever the size."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from commission.accounts.models import User
from commission.applications.models import Application
from commission.extensions import db
from commission.panels.models import Assignment
from commission.scores.models import ScoreRecord, ScoreSheet

STATE_LABELS = {"not_started": "Not started", "draft": "Draft saved", "sent_in": "Sent in",
                "set_aside": "Set aside", "moved_on": "Passed to someone else"}


@dataclass(frozen=True)
class Row:
    application: Application
    state: str
    live: bool  # still asked of this member (not released)
    accepted: bool

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


def my_list(member, round) -> list[Row]:
    """Every application the member is asked to score now, or has scored before."""
    work = {a.application_id: a for a in db.session.scalars(
        select(Assignment).join(Application).where(Application.round_id == round.id,
                                                    Assignment.member_id == member.id)
        .order_by(Assignment.released_at.is_(None), Assignment.id))}  # a live assignment wins
    sheets = {s.application_id: s for s in db.session.scalars(
        select(ScoreSheet).join(Application).where(Application.round_id == round.id,
                                                    ScoreSheet.member_id == member.id))}
    ids = set(work) | set(sheets)
    applications = db.session.scalars(select(Application).where(Application.id.in_(ids)).order_by(Application.id)) \
        if ids else []
    rows = []
    for application in applications:
        assignment, sheet = work.get(application.id), sheets.get(application.id)
        live = assignment is not None and assignment.released_at is None
        if sheet is not None and sheet.set_aside_at is not None:
            state = "set_aside"
        elif sheet is not None and sheet.submitted:
            state = "sent_in"
        elif not live:
            state = "moved_on"
        else:
            state = "draft" if sheet is not None and sheet.draft_saved_at else "not_started"
        if live or state in ("sent_in", "set_aside"):
            rows.append(Row(application, state, live, bool(assignment and assignment.accepted_at)))
    return rows


@dataclass(frozen=True)
class OtherScores:
    name: str
    records: list[ScoreRecord]  # first sent in, then each change, oldest first
    mine: bool


def others_for(member, application: Application) -> list[OtherScores]:
    """Every sheet that counts for this application, the member's own first, with its history."""
    sheets = list(db.session.scalars(
        select(ScoreSheet).where(ScoreSheet.application_id == application.id, ScoreSheet.set_aside_at.is_(None),
                                 ScoreSheet.current_record_id.is_not(None))
        .options(selectinload(ScoreSheet.records).selectinload(ScoreRecord.values)).order_by(ScoreSheet.id)))
    ids = [s.member_id for s in sheets]
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
    found = [OtherScores(names.get(s.member_id, "A panel member"), list(s.records), s.member_id == member.id)
             for s in sheets]
    return sorted(found, key=lambda o: not o.mine)
