"""Scoring an application: save a draft, send it in, change it with a reason, and set it aside
when a conflict is declared later. Services check, write, audit and flush; views commit."""
from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import scoring

from commission import clock
from commission.applications.models import Application
from commission.audit import service as audit
from commission.criteria import service as criteria
from commission.criteria.models import CriteriaVersion
from commission.errors import FieldProblem, NotAllowed, RuleBroken
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.rounds import policy
from commission.rounds.locks import hold_panel, hold_round
from commission.scores import policy as score_policy
from commission.scores.models import CriterionScore, ScoreRecord, ScoreSheet

COMMENT_LIMIT = 5_000
REASON_LIMIT = 2_000


def field_name(criterion_id: int) -> str:
    """The name of a criterion's choice on the scoring form."""
    return f"criterion_{criterion_id}"


def _check_may_score(actor, application: Application) -> None:
    # Wait for any stage move or close of scoring in flight, then judge by what it left.
    hold_round(application.round, shared=True)
    hold_panel(application.panel_id, shared=True)
    reason = score_policy.why_not_score(actor, application)
    if reason is None:
        return
    if policy.round_role(actor, application.round) != "member":
        raise NotAllowed(reason)
    raise RuleBroken(reason)


def version_for(application: Application, sheet: ScoreSheet | None) -> CriteriaVersion:
    """The criteria a sheet is scored against: its own version once made, else the round's newest."""
    if sheet is not None:
        return db.session.get(CriteriaVersion, sheet.criteria_version_id)
    version = criteria.current_version(application.round)
    if version is None:
        raise RuleBroken("The panel has not adopted any criteria, so there is nothing to score against.")
    return version


def _read_values(version: CriteriaVersion, raw: dict, *, complete: bool) -> dict[int, int]:
    """The points chosen for each criterion, checked against the scale. Every problem is
    named beside its criterion; nothing is saved if any is wrong."""
    known = {c.id: c for c in version.criteria}
    unknown = [k for k in raw if whole_number(k) not in known]
    if unknown:
        raise RuleBroken("Those scores are for criteria this round does not use. Reload the page and try again.")
    values, problems = {}, {}
    for criterion in version.criteria:
        given = raw.get(criterion.id, raw.get(str(criterion.id)))
        if given is None or str(given).strip() == "":
            if complete:
                problems[field_name(criterion.id)] = f"Choose a score for ‘{criterion.title}’."
            continue
        points = whole_number(given)
        if points is None or not 0 <= points <= version.scale_max:
            problems[field_name(criterion.id)] = (f"The score for ‘{criterion.title}’ must be a whole number "
                                                  f"from 0 to {version.scale_max}.")
            continue
        values[criterion.id] = points
    if problems:
        raise FieldProblem(problems)
    return values


def whole_number(value) -> int | None:
    """A whole number of points from a form or a dict key, or None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    # Only the digits 0-9: '²' and other Unicode digits are not scores.
    return int(text) if text.isascii() and text.isdigit() else None


def _clean(text: str | None, limit: int, label: str, field: str) -> str | None:
    text = (text or "").strip()
    if len(text) > limit:
        raise FieldProblem.one(field, f"Keep your {label} to {limit:,} characters or fewer.")
    return text or None


def _sheet(actor, application: Application, *, lock: bool = False) -> ScoreSheet:
    """The member's sheet for this application, made on first use. Locked for the rest of the
    transaction when sending in, so two windows cannot both send in the same sheet."""
    query = select(ScoreSheet).where(ScoreSheet.application_id == application.id, ScoreSheet.member_id == actor.id)
    sheet = db.session.scalar(query.with_for_update() if lock else query)
    if sheet is not None:
        return sheet
    version = version_for(application, None)
    sheet = ScoreSheet(application_id=application.id, member_id=actor.id, criteria_version_id=version.id)
    try:
        with db.session.begin_nested():
            db.session.add(sheet)
    except IntegrityError:
        # Another window made it a moment ago: use that one.
        sheet = db.session.scalar(query.with_for_update() if lock else query)
    return sheet


def save_draft(actor, application: Application, raw: dict, comment: str | None = None) -> ScoreSheet:
    """Keep what the member has chosen so far. Nobody else sees a draft."""
    _check_may_score(actor, application)
    sheet = _sheet(actor, application)
    if sheet.submitted:
        raise RuleBroken("You have already sent in your scores for this application. "
                         "To change them, use ‘Change my scores’ and say why.")
    values = _read_values(version_for(application, sheet), raw, complete=False)
    sheet.draft_json = json.dumps({str(k): v for k, v in sorted(values.items())})
    sheet.draft_comment = _clean(comment, COMMENT_LIMIT, "comment", "comment")
    sheet.draft_saved_at = clock.now()
    db.session.flush()
    audit.record(actor, "score.draft_saved", "score_sheet", sheet.id, round_id=application.round_id,
                 application_id=application.id, criteria_chosen=len(values))
    return sheet


def _need_comment(application: Application, comment: str | None) -> None:
    if not comment and panel_policy.settings_for(application.round).comments_required:
        raise FieldProblem.one("comment", "Write a comment about this application. The round asks for one.")


def _add_record(actor, sheet: ScoreSheet, application: Application, kind: str, values: dict[int, int],
                comment: str | None, reason: str | None) -> ScoreRecord:
    number = len(sheet.records) + 1
    record = ScoreRecord(sheet_id=sheet.id, number=number, kind=kind, reason=reason, comment=comment,
                         after_discussion=kind == "revised" and _flagged(application), at=clock.now())
    db.session.add(record)
    db.session.flush()
    db.session.add_all([CriterionScore(record_id=record.id, criterion_id=c, value=v) for c, v in values.items()])
    sheet.current_record_id = record.id
    sheet.draft_json = sheet.draft_comment = sheet.draft_saved_at = None
    db.session.flush()
    db.session.refresh(sheet)
    audit.record(actor, f"score.{kind}", "score_sheet", sheet.id, round_id=application.round_id,
                 application_id=application.id, record=number,
                 scores={str(c): v for c, v in sorted(values.items())}, comment=comment, reason=reason)
    return record


def submit(actor, application: Application, raw: dict, comment: str | None = None) -> ScoreRecord:
    """Send in scores for every criterion. After this the member sees the others' scores."""
    _check_may_score(actor, application)
    sheet = _sheet(actor, application, lock=True)
    if sheet.submitted:
        raise RuleBroken("You have already sent in your scores for this application, perhaps in another "
                         "window. They are shown below. To change them, use ‘Change my scores’ and say why.")
    values = _read_values(version_for(application, sheet), raw, complete=True)
    comment = _clean(comment, COMMENT_LIMIT, "comment", "comment")
    _need_comment(application, comment)
    return _add_record(actor, sheet, application, "submitted", values, comment, None)


def revise(actor, application: Application, raw: dict, comment: str | None, reason: str | None,
           seen_record: int | None) -> ScoreRecord:
    """Change scores already sent in, with a reason. The earlier scores stay on file.
    `seen_record` is the number of the record the member was looking at, so that a change
    made meanwhile in another window is not overwritten unseen."""
    _check_may_score(actor, application)
    sheet = _sheet(actor, application, lock=True)
    if not sheet.submitted:
        raise RuleBroken("You have not sent in scores for this application yet, so there is nothing to change.")
    if sheet.set_aside_at is not None:
        raise RuleBroken("Your scores for this application were set aside when you declared a link with it.")
    if seen_record is None:
        raise RuleBroken("Something went wrong with the page. Open it again and make your change there.")
    if seen_record != len(sheet.records):
        raise RuleBroken("Your scores for this application changed in another window after you opened this "
                         "page. Look at them again below before changing them.")
    reason = _clean(reason, REASON_LIMIT, "reason", "reason")
    if not reason:
        raise FieldProblem.one("reason", "Say why you are changing your scores. The panel and the funder will see it.")
    values = _read_values(version_for(application, sheet), raw, complete=True)
    comment = _clean(comment, COMMENT_LIMIT, "comment", "comment")
    _need_comment(application, comment)
    if values == sheet.current.by_criterion and comment == sheet.current.comment:
        raise RuleBroken("Those are the scores you already have. Nothing has changed.")
    return _add_record(actor, sheet, application, "revised", values, comment, reason)


def set_aside(actor, member, application: Application, reason: str) -> ScoreSheet | None:
    """A member declared a conflict after scoring: their scores stay on file but stop counting.
    Returns the sheet set aside, or None if there was nothing to set aside."""
    sheet = score_policy.sheet_for(member, application)
    if sheet is None or sheet.set_aside_at is not None:
        return None
    sheet.set_aside_at = clock.now()
    sheet.set_aside_reason = reason
    sheet.draft_json = sheet.draft_comment = None
    db.session.flush()
    audit.record(actor, "score.set_aside", "score_sheet", sheet.id, round_id=application.round_id,
                 application_id=application.id, member_id=member.id, reason=reason)
    return sheet


def counted_select(*columns, round_id: int, panel_id: int | None = None, application_id: int | None = None):
    """SELECT `columns` from the scores that count now: the newest record of each sheet that was
    sent in and not set aside (criterion_scores joined to score_sheets and applications, so
    columns, filters and GROUP BY may use all three). The one definition of "the scores that
    count", for `counted` and for the results (commission.shortlist.results)."""
    query = (select(*columns)
             .select_from(ScoreSheet)
             .join(CriterionScore, CriterionScore.record_id == ScoreSheet.current_record_id)
             .join(Application, Application.id == ScoreSheet.application_id)
             .where(Application.round_id == round_id, ScoreSheet.set_aside_at.is_(None)))
    if panel_id is not None:
        query = query.where(Application.panel_id == panel_id)
    if application_id is not None:
        query = query.where(ScoreSheet.application_id == application_id)
    return query


def counted(round_id: int, panel_id: int | None = None, application_id: int | None = None):
    """Rows (application id, member id, criterion id, points) of every score that counts now:
    the newest record of each sheet that was sent in and not set aside."""
    return db.session.execute(counted_select(
        ScoreSheet.application_id, ScoreSheet.member_id, CriterionScore.criterion_id, CriterionScore.value,
        round_id=round_id, panel_id=panel_id, application_id=application_id)).all()


def _flagged(application: Application) -> bool:
    return bool(flags_for(application))


def flags_for(application: Application):
    """Moderation flags for one application, from the scores that count now."""
    tolerance = panel_policy.settings_for(application.round).moderation_tolerance
    scores = [scoring.Score(a, m, c, v) for a, m, c, v in counted(application.round_id, application_id=application.id)]
    return scoring.moderation_flags(scores, tolerance=tolerance)
