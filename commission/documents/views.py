"""Round documents in the browser. Thin: the service holds the rules and the words for them."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from commission.documents import forms, policy, service
from commission.documents.models import KINDS, Document
from commission.documents.render import to_html
from commission.errors import FieldProblem, NotAllowed, RuleBroken
from commission.extensions import db
from commission.rounds import policy as round_policy
from commission.rounds.lookup import round_or_404
from commission.rounds.models import Round
from workflows import STAGE_LABELS

bp = Blueprint("documents", __name__)


def _round(round_id: int, *, write: bool = False) -> Round:
    return round_or_404(round_id, may_see=policy.can_list_documents,
                        may_change=policy.can_write_documents if write else None)


def _document(round: Round, document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    if document is None or document.round_id != round.id:
        abort(404)
    return document


def _refused(err: RuleBroken, errors_page, fallback: str):
    """A broken rule: about something typed, shown by its box (GOV.UK error pattern);
    otherwise at the top of the page the person came from. Nothing is saved either way."""
    db.session.rollback()
    if isinstance(err, NotAllowed):
        abort(403)
    if isinstance(err, FieldProblem):
        return errors_page({err.field: str(err)})
    flash(str(err), "error")
    return redirect(fallback, 303)


@bp.get("/rounds/<int:round_id>/documents")
@login_required
def index(round_id: int):
    round = _round(round_id)
    writer = policy.can_write_documents(current_user, round)
    documents = service.documents(round) if writer else service.readable_documents(current_user, round)
    return render_template("documents/index.html", round=round, documents=documents, writer=writer,
                           can_see_round=round_policy.can_view_round(current_user, round),
                           estimates=service.stage_estimates(round) if writer else {})


def _new_page(round: Round, errors: dict[str, str] | None = None, status: int = 200):
    form = forms.NewDocumentForm(formdata=request.form if request.method == "POST" else None)
    return render_template("documents/new.html", round=round, form=form, kinds=KINDS, errors=errors or {},
                           hint=forms.MARKDOWN_HINT), status


@bp.get("/rounds/<int:round_id>/documents/new")
@login_required
def new(round_id: int):
    return _new_page(_round(round_id, write=True))


@bp.post("/rounds/<int:round_id>/documents/new")
@login_required
def create(round_id: int):
    round = _round(round_id, write=True)
    form = forms.NewDocumentForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        document = service.create(current_user, round, form.kind.data, form.title.data, form.markdown.data)
    except RuleBroken as err:
        return _refused(err, lambda errors: _new_page(db.session.get(Round, round_id), errors, 400),
                        url_for(".index", round_id=round_id))
    db.session.commit()
    flash(_saved_message(document.newest), "success")
    return redirect(url_for(".show", round_id=round_id, document_id=document.id), 303)


def _saved_message(version) -> str:
    result = "It passes the plain-English check." if version.check_passed else \
        "It does not pass the plain-English check yet: see what to change below."
    return f"Version {version.number} is saved. {result}"


def _show_page(round: Round, document: Document, errors: dict[str, str] | None = None, status: int = 200,
               typed: str | None = None, reason: str | None = None):
    newest = document.newest
    return render_template("documents/show.html", round=round, document=document, newest=newest,
                           preview=to_html(newest.markdown), errors=errors or {}, hint=forms.MARKDOWN_HINT,
                           markdown=newest.markdown if typed is None else typed, reason=reason or "",
                           min_flesch=service.min_flesch_for(round),
                           problems_by_sentence=service.problems_by_sentence), status


@bp.get("/rounds/<int:round_id>/documents/<int:document_id>")
@login_required
def show(round_id: int, document_id: int):
    round = _round(round_id, write=True)
    return _show_page(round, _document(round, document_id))


@bp.post("/rounds/<int:round_id>/documents/<int:document_id>/versions")
@login_required
def revise(round_id: int, document_id: int):
    round = _round(round_id, write=True)
    document = _document(round, document_id)
    form = forms.VersionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        version = service.revise(current_user, document, form.markdown.data)
    except RuleBroken as err:
        back = url_for(".show", round_id=round_id, document_id=document_id)
        return _refused(err, lambda errors: _show_page(db.session.get(Round, round_id),
                                                       db.session.get(Document, document_id), errors, 400,
                                                       typed=form.markdown.data), back)
    db.session.commit()
    flash(_saved_message(version), "success")
    return redirect(url_for(".show", round_id=round_id, document_id=document_id), 303)


@bp.post("/rounds/<int:round_id>/documents/<int:document_id>/publish")
@login_required
def publish(round_id: int, document_id: int):
    round = _round(round_id, write=True)
    document = _document(round, document_id)
    form = forms.PublishForm()
    if not form.validate_on_submit():
        abort(400)
    version = next((v for v in document.versions if str(v.id) == form.version_id.data), None)
    if version is None:
        abort(400)
    back = url_for(".show", round_id=round_id, document_id=document_id)
    try:
        service.publish(current_user, version, form.override_reason.data)
    except RuleBroken as err:
        return _refused(err, lambda errors: _show_page(db.session.get(Round, round_id),
                                                       db.session.get(Document, document_id), errors, 400,
                                                       reason=form.override_reason.data), back)
    db.session.commit()
    flash(f"Version {version.number} is published. The people it is for can read it now.", "success")
    return redirect(back, 303)


@bp.get("/rounds/<int:round_id>/documents/<int:document_id>/read")
@login_required
def read(round_id: int, document_id: int):
    round = _round(round_id)
    document = _document(round, document_id)
    if not policy.can_read_document(current_user, round, document):
        abort(404)
    version = document.published
    own_hours = None
    if document.kind == "time_commitment" and round_policy.round_role(current_user, round) == "member":
        own_hours = service.workload_hours(current_user, round)
    return render_template("documents/read.html", round=round, document=document, version=version,
                           html=to_html(version.markdown) if version else None,
                           show_reason=policy.sees_override_reason(current_user, round),
                           writer=policy.can_write_documents(current_user, round), own_hours=own_hours)


def _estimates_page(round: Round, errors: dict[str, str] | None = None, status: int = 200,
                    typed: dict[str, str] | None = None):
    estimates = service.stage_estimates(round)
    stages = service.estimate_stages(round)
    values = typed if typed is not None else {s: str(estimates[s]) if s in estimates else "" for s in stages}
    return render_template("documents/time_commitment.html", round=round, stages=stages, values=values,
                           labels=STAGE_LABELS, errors=errors or {},
                           document=service.time_commitment_document(round)), status


@bp.get("/rounds/<int:round_id>/documents/time-commitment")
@login_required
def time_commitment(round_id: int):
    return _estimates_page(_round(round_id, write=True))


@bp.post("/rounds/<int:round_id>/documents/time-commitment")
@login_required
def make_time_commitment(round_id: int):
    round = _round(round_id, write=True)
    form = forms.StageEstimatesForm()
    if not form.validate_on_submit():
        abort(400)
    stages = service.estimate_stages(round)
    hours, typed, wrong = forms.typed_hours(request.form, stages)
    if wrong:
        return _estimates_page(round, {f"hours-{s}": m for s, m in wrong.items()}, 400, typed)
    existing = service.time_commitment_document(round)
    versions_before = len(existing.versions) if existing else 0
    try:
        service.set_stage_estimates(current_user, round, hours)
        document = service.generate_time_commitment(current_user, round)
    except RuleBroken as err:
        if isinstance(err, FieldProblem) and err.field in stages:
            err = FieldProblem.one(f"hours-{err.field}", str(err))
        return _refused(err, lambda errors: _estimates_page(db.session.get(Round, round_id), errors, 400, typed),
                        url_for(".time_commitment", round_id=round_id))
    db.session.commit()
    if len(document.versions) == versions_before:
        flash("The hours are saved. The time commitment document already says this, so it has not changed.",
              "success")
    else:
        flash(_saved_message(document.newest) + " Publish it when you are ready.", "success")
    return redirect(url_for(".show", round_id=round_id, document_id=document.id), 303)
