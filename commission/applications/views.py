"""Applicants register, apply, change and withdraw their applications, and read their eligibility
result. Views stay thin: the rules are in the services, the permission questions in policy.py."""
from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required, login_user

from commission.applications import eligibility, forms, policy, questions as form_setup, registration, service
from commission.applications.models import Application, Attachment
from commission.documents import service as documents
from commission.errors import FieldProblem, NotAllowed, RuleBroken
from commission.extensions import db, limiter
from commission.rounds.models import Round

bp = Blueprint("applications", __name__)

# Where a service's field name differs from the box on the form.
FORM_FIELD = {"amount_requested_pence": "amount", "timescale_months": "timescale",
              "max_attachment_bytes": "max_attachment_mb"}


def show_problems(form, problems: dict[str, str]) -> list[str]:
    """Put each problem beside its box (GOV.UK error pattern). Returns those with no box here."""
    leftover = []
    for field, message in problems.items():
        name = FORM_FIELD.get(field, field)
        if name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            leftover.append(message)
    return leftover


def error_list(*forms_on_page, extra=()) -> list[dict]:
    """The error summary: each problem links to its box, in the order the boxes appear."""
    found = [{"text": field.errors[0], "href": f"#{field.id}"}
             for form in forms_on_page if form is not None for field in form if field.errors]
    return found + [{"text": text} for text in extra]


def _register_limit() -> str:
    return current_app.config.get("REGISTER_RATE_LIMIT", "5 per hour")


@bp.errorhandler(429)
def too_many(err):
    return render_template("error.html", title="Please wait before trying again",
                           message="Too many accounts have been made from here in a short time, so making "
                                   "another one is paused to keep the service safe. Nothing was saved. "
                                   "Try again in an hour."), 429


@bp.errorhandler(413)
def too_large(err):
    return render_template("error.html", title="That file is too big",
                           message="Nothing was saved. Files can be up to "
                                   f"{current_app.config['MAX_CONTENT_LENGTH'] // (1024 * 1024)} MB at most, and "
                                   "each round may take less. Make the file smaller and try again."), 413


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = forms.RegisterForm()
    if form.validate_on_submit():
        try:
            user = registration.register(form.name.data, form.email.data, form.organisation.data,
                                         form.password.data)
        except FieldProblem as err:
            db.session.rollback()
            show_problems(form, err.fields)
        else:
            db.session.commit()
            login_user(user)
            flash("Your account is ready and you are signed in. Choose a round to apply to.", "success")
            return redirect(url_for(".mine"), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/register.html", form=form, errors=error_list(form)), status


def _require_applicant() -> None:
    if not policy.is_applicant(current_user):
        abort(403)


@bp.get("/applications")
@login_required
def mine():
    _require_applicant()
    applications = service.for_applicant(current_user)
    started = {a.round_id: a for a in applications if a.status != "withdrawn"}
    return render_template("applications/list.html", applications=applications, open_rounds=service.open_rounds(),
                           started=started)


@bp.route("/rounds/<int:round_id>/apply", methods=["GET", "POST"])
@login_required
def start(round_id: int):
    _require_applicant()
    round = db.session.get(Round, round_id)
    if round is None or not policy.applications_open(round):
        abort(404)
    form = forms.DetailsForm(data={"organisation": registration.organisation_of(current_user) or "",
                                   "contact_name": current_user.name})
    if form.validate_on_submit():
        try:
            application = service.create(current_user, round, **form.values)
        except FieldProblem as err:
            db.session.rollback()
            show_problems(form, err.fields)
        except RuleBroken as err:
            db.session.rollback()
            flash(str(err), "error")
            return redirect(url_for(".start", round_id=round_id), 303)
        else:
            db.session.commit()
            flash("Your application is saved but not sent yet. Answer the questions, then send it.", "success")
            return redirect(url_for(".show", application_id=application.id), 303)
    page = render_template("applications/start.html", round=round, form=form, errors=error_list(form),
                           existing=service.current_application(current_user, round),
                           rules=eligibility.rules_for(round), questions=form_setup.questions_for(round),
                           settings=form_setup.settings_for(round),
                           guidance=documents.readable_documents(current_user, round))
    return page, 400 if request.method == "POST" else 200


def _application_for(application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    # Not yours looks the same as not there: nobody learns which applications exist.
    if application is None or not policy.can_read_application(current_user, application):
        abort(404)
    return application


def _owned(application_id: int) -> Application:
    application = _application_for(application_id)
    if not policy.owns(current_user, application):
        abort(403)
    return application


def _filled_form(application: Application, questions):
    data = {"organisation": application.organisation, "contact_name": application.contact_name,
            "title": application.title, "summary": application.summary,
            "amount": forms.pence_to_pounds(application.amount_requested_pence),
            "timescale": str(application.timescale_months)}
    data.update({f"answer_{q.id}": application.answer_to(q.id) for q in questions})
    return forms.application_form(questions, formdata=None, data=data)


def _page(application: Application, *, form=None, attachment_form=None, withdraw_form=None, leftover=(),
          status: int = 200):
    """The application as its applicant sees it: a form while it can change, else what was sent."""
    questions = form_setup.questions_for(application.round)
    editable = policy.can_edit_application(current_user, application)
    if editable and form is None:
        form = _filled_form(application, questions)
    attachment_form = attachment_form or forms.AttachmentForm(formdata=None)
    withdraw_form = withdraw_form or forms.WithdrawForm(formdata=None)
    return render_template(
        "applications/application.html", application=application, questions=questions,
        settings=form_setup.settings_for(application.round), editable=editable, form=form if editable else None,
        attachment_form=attachment_form, withdraw_form=withdraw_form, owner=policy.owns(current_user, application),
        can_withdraw=policy.can_withdraw_application(current_user, application),
        missing=service.missing_answers(application),
        errors=error_list(form if editable else None, attachment_form, withdraw_form, extra=leftover)), status


@bp.get("/applications/<int:application_id>")
@login_required
def show(application_id: int):
    return _page(_application_for(application_id))


@bp.post("/applications/<int:application_id>")
@login_required
def save(application_id: int):
    """Save the form; with the 'send' button, send the application in as well."""
    application = _owned(application_id)
    questions = form_setup.questions_for(application.round)
    form = forms.application_form(questions)
    if not form.validate_on_submit():
        return _page(application, form=form, status=400)
    answers = {q.id: form[f"answer_{q.id}"].data or "" for q in questions if f"answer_{q.id}" in request.form}
    try:
        service.update_draft(current_user, application, answers=answers, **form.values)
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except FieldProblem as err:
        db.session.rollback()
        return _page(application, form=form, leftover=show_problems(form, err.fields), status=400)
    except RuleBroken as err:
        db.session.rollback()
        flash(str(err), "error")
        return redirect(url_for(".show", application_id=application_id), 303)
    if request.form.get("action") == "send":
        try:
            service.submit(current_user, application)
        except RuleBroken as err:
            db.session.commit()  # what they wrote is kept, even though it could not be sent yet
            problems = err.fields if isinstance(err, FieldProblem) else {"": str(err)}
            leftover = show_problems(form, problems)
            flash("Your changes are saved, but your application has not been sent in yet.", "info")
            return _page(application, form=form, leftover=leftover, status=400)
        db.session.commit()
        flash("Your application is sent in. You can still change it until the closing date.", "success")
        return redirect(url_for(".show", application_id=application_id), 303)
    db.session.commit()
    flash("Your changes are saved.", "success")
    return redirect(url_for(".show", application_id=application_id), 303)


@bp.post("/applications/<int:application_id>/submit")
@login_required
def submit(application_id: int):
    application = _owned(application_id)  # CSRFProtect has checked the token, as for every POST
    try:
        service.submit(current_user, application)
    except FieldProblem as err:
        db.session.rollback()
        form = _filled_form(application, form_setup.questions_for(application.round))
        return _page(application, form=form, leftover=show_problems(form, err.fields), status=400)
    except RuleBroken as err:
        db.session.rollback()
        flash(str(err), "error")
        return redirect(url_for(".show", application_id=application_id), 303)
    db.session.commit()
    flash("Your application is sent in. You can still change it until the closing date.", "success")
    return redirect(url_for(".show", application_id=application_id), 303)


@bp.post("/applications/<int:application_id>/withdraw")
@login_required
def withdraw(application_id: int):
    application = _owned(application_id)
    form = forms.WithdrawForm()
    try:
        service.withdraw(current_user, application, form.reason.data)
    except FieldProblem as err:
        db.session.rollback()
        return _page(application, withdraw_form=form, leftover=show_problems(form, err.fields), status=400)
    except RuleBroken as err:
        db.session.rollback()
        flash(str(err), "error")
        return redirect(url_for(".show", application_id=application_id), 303)
    db.session.commit()
    flash("You have withdrawn your application. The panel will not read it.", "success")
    return redirect(url_for(".show", application_id=application_id), 303)


@bp.post("/applications/<int:application_id>/attachments")
@login_required
def add_attachment(application_id: int):
    application = _owned(application_id)
    form = forms.AttachmentForm()
    upload = request.files.get("file")
    # Read no more than one byte over the round's limit: a bigger file is refused unread.
    data = upload.stream.read(service.upload_read_limit(application)) if upload else b""
    try:
        attachment = service.add_attachment(current_user, application, upload.filename if upload else None, data)
    except FieldProblem as err:
        db.session.rollback()
        return _page(application, attachment_form=form, leftover=show_problems(form, err.fields), status=400)
    except RuleBroken as err:
        db.session.rollback()
        flash(str(err), "error")
        return redirect(url_for(".show", application_id=application_id), 303)
    db.session.commit()
    flash(f"‘{attachment.filename}’ is added to your application.", "success")
    return redirect(url_for(".show", application_id=application_id, _anchor="files"), 303)


def _attachment(application: Application, attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.application_id != application.id:
        abort(404)
    return attachment


@bp.post("/applications/<int:application_id>/attachments/<int:attachment_id>/remove")
@login_required
def remove_attachment(application_id: int, attachment_id: int):
    application = _owned(application_id)
    attachment = _attachment(application, attachment_id)
    name = attachment.filename
    try:
        service.remove_attachment(current_user, attachment)
    except RuleBroken as err:
        db.session.rollback()
        flash(str(err), "error")
        return redirect(url_for(".show", application_id=application_id), 303)
    db.session.commit()
    flash(f"‘{name}’ is removed from your application.", "success")
    return redirect(url_for(".show", application_id=application_id, _anchor="files"), 303)


@bp.get("/applications/<int:application_id>/attachments/<int:attachment_id>")
@login_required
def download(application_id: int, attachment_id: int):
    """The applicant, the round's facilitators, and panel members who may read the application.
    Always a download, never shown in the page."""
    application = db.session.get(Application, application_id)
    if application is None or not policy.can_download_files(current_user, application):
        abort(404)
    attachment = _attachment(application, attachment_id)
    response = send_file(io.BytesIO(attachment.data), mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/applications/<int:application_id>/result")
@login_required
def result(application_id: int):
    application = _owned(application_id)
    return render_template("applications/result.html", application=application,
                           unmet=eligibility.unmet(application))


from commission.applications import staff_views  # noqa: E402,F401  (the facilitator's pages, on this blueprint)
