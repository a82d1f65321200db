"""Scoring offline: a member downloads their work as a spreadsheet and uploads it filled in.
A facilitator can download a member's file for them (recorded as on their behalf); only the
member uploads it, since staff never score."""
from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.utils import secure_filename

from commission.accounts.models import User
from commission.errors import NotAllowed, RuleBroken
from commission.extensions import db
from commission.rounds import policy
from commission.rounds.lookup import round_or_404
from commission.rounds.models import RoundPerson
from commission.scores import workbook
from commission.scores.views import _is_member, bp
from commission.scores.workbook_forms import UploadForm


@bp.get("/scoring/offline")
@login_required
def offline(round_id: int):
    """Download your scoring file, fill it in, upload it."""
    round = round_or_404(round_id, may_change=_is_member)
    return _page(round, UploadForm())


def _page(round, form: UploadForm, problems=(), status: int = 200):
    errors = [{"text": message, "href": f"#{form.workbook.id}"}
              for message in (*form.workbook.errors, *(str(p) for p in problems))]
    return render_template("scores/workbook.html", round=round, form=form, errors=errors,
                           why_not=workbook.why_not_offline(current_user, round),
                           max_mb=workbook.MAX_FILE_BYTES // (1024 * 1024)), status


@bp.post("/scoring/offline/download")
@login_required
def download_workbook(round_id: int):
    round = round_or_404(round_id, may_change=_is_member)
    return _send(round, current_user, f"scoring-file-round-{round.id}.xlsx", url_for(".offline", round_id=round.id))


@bp.post("/scoring/offline/upload")
@login_required
def upload_workbook(round_id: int):
    round = round_or_404(round_id, may_change=_is_member)
    form = UploadForm()
    if not form.validate_on_submit():
        abort(400)
    upload = request.files.get(form.workbook.name)
    # Read no more than one byte over the limit: a bigger file is refused unread.
    data = upload.stream.read(workbook.MAX_FILE_BYTES + 1) if upload else b""
    if not data:
        form.workbook.errors = ["Choose your filled-in scoring file."]
        return _page(round, form, status=400)
    try:
        imported = workbook.import_file(current_user, round, data, current_app.config["SECRET_KEY"])
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except workbook.WorkbookProblems as err:
        db.session.rollback()
        form.workbook.errors = [str(err)]
        return _page(round, form, err.problems, status=400)
    except RuleBroken as err:
        db.session.rollback()
        form.workbook.errors = [str(err)]
        return _page(round, form, status=400)
    db.session.commit()
    flash(str(imported), "success")
    return redirect(url_for(".mine", round_id=round.id), 303)


@bp.get("/scoring/offline/members")
@login_required
def offline_for_members(round_id: int):
    """For facilitators: a member's scoring file, for someone who would rather score on paper
    or away from the website. Names only: never a score."""
    round = round_or_404(round_id, may_change=policy.can_manage_round)
    people = db.session.scalars(select(RoundPerson).where(
        RoundPerson.round_id == round.id, RoundPerson.role == "member", RoundPerson.stepped_back_at.is_(None))
        .order_by(RoundPerson.panel_id, RoundPerson.id))
    members = [(person.user, workbook.why_not_for_staff(person.user, round) is None) for person in people]
    return render_template("scores/workbook_members.html", round=round, members=members)


@bp.post("/scoring/offline/members/<int:member_id>/download")
@login_required
def download_for_member(round_id: int, member_id: int):
    round = round_or_404(round_id, may_change=policy.can_manage_round)
    member = db.session.get(User, member_id)
    if member is None or policy.round_role(member, round) != "member":
        abort(404)
    name = secure_filename(member.name).lower() or f"member-{member.id}"
    return _send(round, member, f"scoring-file-round-{round.id}-{name}.xlsx",
                 url_for(".offline_for_members", round_id=round.id))


def _send(round, member, filename: str, then: str):
    """The member's file as a download; the download itself is recorded in the audit trail."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        data = workbook.download(current_user, member, round, current_app.config["SECRET_KEY"])
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except RuleBroken as err:
        db.session.rollback()
        flash(str(err), "error")
        return redirect(then, 303)
    db.session.commit()
    return send_file(io.BytesIO(data), mimetype=workbook.CONTENT_TYPE, as_attachment=True, download_name=filename)
