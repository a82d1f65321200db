"""The facilitator's pages: the round's application form (settings, rules, questions) and the
eligibility check. No score and no opinion on quality appears on any of them."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from commission.applications import eligibility, forms, policy, questions as form_setup
from commission.applications.models import MEGABYTE, Application, Question
from commission.applications.views import bp, error_list, show_problems
from commission.errors import FieldProblem, NotAllowed, RuleBroken
from commission.extensions import db
from commission.rounds import policy as round_policy
from commission.rounds.lookup import round_or_404
from commission.rounds.models import Round


def _managed_round(round_id: int) -> Round:
    return round_or_404(round_id, may_change=policy.can_set_up_form)


def _setup_page(round: Round, *, settings_form=None, rules_form=None, question_forms=None, leftover=(),
                status: int = 200):
    settings = form_setup.settings_for(round)
    questions = form_setup.questions_for(round)
    rules = eligibility.rules_for(round)
    settings_form = settings_form or forms.SettingsForm(formdata=None, data={
        "allow_attachments": settings.allow_attachments,
        "max_attachment_mb": str(max(1, settings.max_attachment_bytes // MEGABYTE)),
        "summary_word_limit": str(settings.summary_word_limit),
        "answer_word_limit": str(settings.answer_word_limit)})
    rules_form = rules_form or forms.RulesForm(formdata=None, data={"rules": "\n".join(r.text for r in rules)})
    question_forms = question_forms or {}
    for question in questions:
        question_forms.setdefault(question.id, forms.QuestionForm(
            formdata=None, prefix=f"q{question.id}",
            data={"text": question.text, "word_limit": str(question.word_limit)}))
    return render_template(
        "applications/form_setup.html", round=round, settings=settings, questions=questions, rules=rules,
        settings_form=settings_form, rules_form=rules_form, question_forms=question_forms,
        prepare_form=forms.ConfirmForm(formdata=None), can_change=form_setup.can_change_form(round),
        can_change_rules=round.stage in ("draft", "co_design"),
        can_prepare=form_setup.can_change_form(round, ("co_design", "open")),
        reports={q.id: form_setup.plain_english(round, q.text) for q in questions},
        errors=error_list(settings_form, rules_form, *question_forms.values(), extra=leftover)), status


def _setup_action(round: Round, action, success: str, form=None, **page_forms):
    try:
        action()
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except FieldProblem as err:
        db.session.rollback()
        leftover = show_problems(form, err.fields) if form is not None else list(err.fields.values())
        return _setup_page(db.session.get(Round, round.id), leftover=leftover, status=400, **page_forms)
    except RuleBroken as err:
        db.session.rollback()
        flash(str(err), "error")
        return redirect(url_for(".form_setup", round_id=round.id), 303)
    db.session.commit()
    flash(success, "success")
    return redirect(url_for(".form_setup", round_id=round.id), 303)


@bp.get("/rounds/<int:round_id>/application-form", endpoint="form_setup")
@login_required
def form_setup_page(round_id: int):
    return _setup_page(_managed_round(round_id))


@bp.post("/rounds/<int:round_id>/application-form/settings")
@login_required
def change_settings(round_id: int):
    round = _managed_round(round_id)
    form = forms.SettingsForm()
    if not form.validate_on_submit():
        return _setup_page(round, settings_form=form, status=400)
    return _setup_action(round, lambda: form_setup.change_settings(
        current_user, round, allow_attachments=form.allow_attachments.data,
        max_attachment_bytes=forms.whole_number(form.max_attachment_mb.data) * MEGABYTE,
        summary_word_limit=forms.whole_number(form.summary_word_limit.data),
        answer_word_limit=forms.whole_number(form.answer_word_limit.data)),
        "The settings are saved.", form, settings_form=form)


@bp.post("/rounds/<int:round_id>/application-form/rules")
@login_required
def set_rules(round_id: int):
    round = _managed_round(round_id)
    form = forms.RulesForm()
    return _setup_action(round, lambda: eligibility.set_eligibility_rules(
        current_user, round, (form.rules.data or "").splitlines()),
        "The eligibility rules are published.", form, rules_form=form)


@bp.post("/rounds/<int:round_id>/application-form/questions")
@login_required
def prepare_questions(round_id: int):
    round = _managed_round(round_id)
    return _setup_action(round, lambda: form_setup.prepare_questions(current_user, round),
                         "The questions are ready. Check each one reads well for applicants.")


@bp.post("/rounds/<int:round_id>/application-form/questions/<int:question_id>")
@login_required
def reword_question(round_id: int, question_id: int):
    round = _managed_round(round_id)
    question = db.session.get(Question, question_id)
    if question is None or question.round_id != round.id:
        abort(404)
    form = forms.QuestionForm(prefix=f"q{question.id}")
    if not form.validate_on_submit():
        return _setup_page(round, question_forms={question.id: form}, status=400)
    return _setup_action(round, lambda: form_setup.reword_question(
        current_user, question, form.text.data, forms.whole_number(form.word_limit.data)),
        f"Question {question.position} is saved.", form, question_forms={question.id: form})


def _checking_round(round_id: int) -> Round:
    round = db.session.get(Round, round_id)
    if round is None or not round_policy.can_view_round(current_user, round):
        abort(404)
    if not policy.can_check_eligibility(current_user, round):
        abort(403)
    return round


@bp.get("/rounds/<int:round_id>/eligibility")
@login_required
def eligibility_list(round_id: int):
    round = _checking_round(round_id)
    sent = [a for a in db.session.scalars(
        db.select(Application).where(Application.round_id == round.id).order_by(Application.id))
        if a.submitted_at is not None]
    return render_template("applications/eligibility_list.html", round=round,
                           applications=[a for a in sent if a.status in policy.CHECKABLE],
                           withdrawn=[a for a in sent if a.status == "withdrawn"],
                           rules=eligibility.rules_for(round))


@bp.route("/rounds/<int:round_id>/eligibility/<int:application_id>", methods=["GET", "POST"])
@login_required
def check(round_id: int, application_id: int):
    round = _checking_round(round_id)
    application = db.session.get(Application, application_id)
    if application is None or application.round_id != round.id or application.submitted_at is None:
        abort(404)
    rules = eligibility.rules_for(round)
    done = eligibility.checks_by_rule(application)
    if rules:
        data = {}
        for rule in rules:
            if rule.id in done:
                data[f"rule_{rule.id}"] = "met" if done[rule.id].met else "not_met"
                data[f"reason_{rule.id}"] = done[rule.id].reason or ""
        form = forms.eligibility_form(rules, data=data)
    else:
        form = forms.SimpleEligibilityForm(data={
            "eligible": {"eligible": "yes", "ineligible": "no"}.get(application.status),
            "reason": application.eligibility_reason or ""})
    leftover = []
    if request.method == "POST":
        try:
            if rules:
                results = {rule.id: ({"met": True, "not_met": False}.get(form[f"rule_{rule.id}"].data),
                                     form[f"reason_{rule.id}"].data) for rule in rules}
                eligibility.record_checks(current_user, application, results)
            else:
                choice = {"yes": True, "no": False}.get(form.eligible.data)
                if choice is None:
                    raise FieldProblem.one("eligible", "Say whether the application meets the published rules.")
                eligibility.record_eligibility(current_user, application, choice, form.reason.data)
        except NotAllowed:
            db.session.rollback()
            abort(403)
        except FieldProblem as err:
            db.session.rollback()
            leftover = show_problems(form, err.fields)
        except RuleBroken as err:
            db.session.rollback()
            if rules:
                leftover = [str(err)]
            else:
                leftover = show_problems(form, {"reason": str(err)}) if not form.reason.data else [str(err)]
        else:
            db.session.commit()
            flash(f"The eligibility check for ‘{application.title}’ is saved.", "success")
            return redirect(url_for(".eligibility_list", round_id=round.id), 303)
    return render_template("applications/eligibility_check.html", round=round, application=application,
                           questions=form_setup.questions_for(round), rules=rules, form=form,
                           can_record=round.stage == "eligibility" and application.status in policy.CHECKABLE,
                           errors=error_list(form, extra=leftover)), 400 if request.method == "POST" else 200
