"""Interview pages: the facilitator's times and bookings, the panel's questions and notes, the
applicant's booking page, and calendar files for the people involved. Views stay thin: the
rules are in service.py and questions.py, the permission questions in policy.py."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from commission import clock
from commission.accounts.models import User
from commission.actions import attempt
from commission.applications.models import Application
from commission.documents.models import DocumentVersion
from commission.documents.render import to_html
from commission.errors import FieldProblem
from commission.extensions import db
from commission.interviews import calendar, forms, questions, service
from commission.interviews import policy as ip
from commission.interviews.models import ADJUSTMENTS, MEANS, VOTE_CHOICES, Adjustment, Interview, InterviewSlot
from commission.rounds import policy
from commission.rounds.lookup import round_or_404
from commission.rounds.models import Panel, Round
from commission.scores import policy as score_policy

bp = Blueprint("interviews", __name__)


def _names(ids) -> dict[int, str]:
    ids = set(ids)
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}


def _errors(problems: dict[str, str]) -> list[dict]:
    return [{"text": message, "href": f"#{field}"} for field, message in problems.items()]


def _index_url(round) -> str:
    return url_for("interviews.index", round_id=round.id)


# The round's interviews -------------------------------------------------------------------------

@bp.get("/rounds/<int:round_id>/interviews")
@login_required
def index(round_id: int):
    round = round_or_404(round_id)
    if not ip.has_interviews(round):
        abort(404)
    role = policy.round_role(current_user, round)
    document = ip.questions_document(round)
    version = document.published if document is not None else None
    found = dict(round=round, role=role, document=document, version=version,
                 questions_html=to_html(version.markdown) if version else None,
                 state=ip.questions_state(round), settings=ip.settings_for(round), means=MEANS)
    if version is not None:
        found.update(count=questions.questions_count(round, version),
                     why_not_vote=questions.why_not_vote(current_user, round, version), choices=VOTE_CHOICES)
    if role == "member":
        found.update(mine=service.my_interviews(current_user, round),
                     adjustments=service.adjustments(round, current_user), kinds=ADJUSTMENTS,
                     stepped_back=score_policy.stepped_back(current_user, round),
                     open_for_booking=round.stage in ip.BOOKING_STAGES,
                     my_vote=version and questions.my_vote(current_user, version))
        return render_template("interviews/member.html", **found)
    slots = service.slots(round)
    booked = {i.slot_id: i for i in service.interviews(round) if not i.cancelled}
    waiting = [a for a in service.shortlisted(round) if a.id not in {i.application_id for i in booked.values()}]
    adjustments = service.adjustments(round) if role == "facilitator" else []
    found.update(slots=slots, booked=booked, waiting=waiting, shortfalls=service.shortfalls(round),
                 free={a.id: service.free_slots(a) for a in waiting}, adjustments=adjustments,
                 names=_names([a.user_id for a in adjustments]), manager=role == "facilitator",
                 open_for_booking=round.stage in ip.BOOKING_STAGES, kinds=ADJUSTMENTS, now=clock.now())
    return render_template("interviews/index.html", **found)


@bp.post("/rounds/<int:round_id>/interviews/settings")
@login_required
def settings(round_id: int):
    round = round_or_404(round_id, may_change=policy.can_manage_round)
    return attempt(lambda: service.update_settings(current_user, round, forms.whole(
                       request.form, "min_interviewers", "Enter the number of interviewers as a whole number, like 3.")),
                   "The interview settings are saved.", _index_url(round))


@bp.route("/rounds/<int:round_id>/interviews/panels/<int:panel_id>/slots/new", methods=["GET", "POST"])
@login_required
def add_slot(round_id: int, panel_id: int):
    round = round_or_404(round_id, may_change=policy.can_manage_round)
    panel = db.session.get(Panel, panel_id)
    if panel is None or panel.round_id != round.id:
        abort(404)
    if request.method == "GET":
        return _slot_page(round, panel)

    def action():
        return service.add_slot(current_user, round, panel, **forms.slot_values(request.form))

    return attempt(action, lambda slot: f"The time {clock.uk_datetime(slot.starts_at)} is added for {panel.name}.",
                   _index_url(round), on_fields=lambda err: _slot_page(db.session.get(Round, round_id), db.session.get(Panel, panel_id),
                                                    err.fields, 400))


def _slot_page(round, panel, problems=None, status=200):
    return render_template("interviews/add_slot.html", round=round, panel=panel, problems=problems or {},
                           errors=_errors(problems or {}), form=request.form, means=MEANS), status


@bp.post("/rounds/<int:round_id>/interviews/slots/<int:slot_id>/cancel")
@login_required
def cancel_slot(round_id: int, slot_id: int):
    round = round_or_404(round_id, may_change=policy.can_manage_round)
    slot = _slot(round, slot_id)
    return attempt(lambda: service.cancel_slot(current_user, slot, request.form.get("reason")),
                   "The time is cancelled. Anyone booked in it can download the cancellation for their calendar.",
                   _index_url(round))


def _slot(round, slot_id: int) -> InterviewSlot:
    slot = db.session.get(InterviewSlot, slot_id)
    if slot is None or slot.round_id != round.id:
        abort(404)
    return slot


@bp.post("/rounds/<int:round_id>/interviews/applications/<int:application_id>/give")
@login_required
def give(round_id: int, application_id: int):
    """The facilitator gives a shortlisted application one of its panel's free times."""
    round = round_or_404(round_id, may_change=policy.can_manage_round)
    application = db.session.get(Application, application_id)
    if application is None or application.round_id != round.id:
        abort(404)
    slot_id = request.form.get("slot", type=int)
    slot = db.session.get(InterviewSlot, slot_id) if slot_id else None

    def action():
        if slot is None or slot.round_id != round.id:
            raise FieldProblem.one("slot", "Choose one of the times listed.")
        return service.book(current_user, application, slot)

    return attempt(action, lambda i: f"‘{application.title}’ is booked for {clock.uk_datetime(i.slot.starts_at)}.",
                   _index_url(round))


# One interview ------------------------------------------------------------------------------

def _interview(round, interview_id: int) -> Interview:
    interview = db.session.get(Interview, interview_id)
    if interview is None or interview.round_id != round.id:
        abort(404)
    return interview


def _is_staff(user, round) -> bool:
    return policy.round_role(user, round) in ("facilitator", "funder")


@bp.get("/rounds/<int:round_id>/interviews/<int:interview_id>")
@login_required
def show(round_id: int, interview_id: int):
    """The facilitator's (and funder's) page for one interview: when, where, who, and what people need."""
    round = round_or_404(round_id, may_change=_is_staff)
    interview = _interview(round, interview_id)
    return _show(round, interview)


def _show(round, interview, problems=None, status=200):
    application = interview.application
    manager = policy.can_manage_round(current_user, round)
    candidates = ip.candidates(round, [application])[application.id]
    panel_members = [p.user_id for p in round.people if p.role == "member" and p.panel_id == application.panel_id]
    interviewers = ip.interviewers_of(interview)
    return render_template(
        "interviews/show.html", round=round, interview=interview, application=application, manager=manager,
        interviewers=interviewers, candidates=candidates, panel_members=panel_members,
        names=_names(panel_members), minimum=ip.settings_for(round).min_interviewers,
        adjustments=[a for a in service.adjustments(round) if a.application_id == application.id] if manager else [],
        problems=problems or {}, errors=_errors(problems or {}),
        open_for_booking=round.stage in ip.BOOKING_STAGES, now=clock.now()), status


@bp.post("/rounds/<int:round_id>/interviews/<int:interview_id>/interviewers")
@login_required
def interviewers(round_id: int, interview_id: int):
    round = round_or_404(round_id, may_change=policy.can_manage_round)
    interview = _interview(round, interview_id)
    return attempt(lambda: service.set_interviewers(current_user, interview, request.form.getlist("members")),
                   "The interviewers are saved. They can download the updated calendar file.",
                   url_for(".show", round_id=round.id, interview_id=interview.id),
                   on_fields=lambda err: _show(db.session.get(Round, round_id),
                                               db.session.get(Interview, interview_id), err.fields, 400))


@bp.post("/rounds/<int:round_id>/interviews/<int:interview_id>/cancel")
@login_required
def cancel(round_id: int, interview_id: int):
    round = round_or_404(round_id, may_change=policy.can_manage_round)
    interview = _interview(round, interview_id)
    return attempt(lambda: service.cancel(current_user, interview, request.form.get("reason")),
                   "The interview is cancelled. The group and the interviewers can download the cancellation.",
                   url_for(".show", round_id=round.id, interview_id=interview.id))


@bp.route("/rounds/<int:round_id>/interviews/<int:interview_id>/notes", methods=["GET", "POST"])
@login_required
def notes(round_id: int, interview_id: int):
    """Notes against each agreed question. Conflicted members may not open them (403)."""
    round = round_or_404(round_id)
    interview = _interview(round, interview_id)
    refusal = ip.why_not_open_notes(current_user, interview)
    if refusal:
        status, message = refusal
        if status == 404:
            abort(404)
        return render_template("error.html", title="You cannot open these notes", message=message), 403
    if request.method == "GET":
        return _notes_page(round, interview)
    version = ip.agreed_version(round)
    count = len(ip.questions_in(version)) if version else 0
    return attempt(lambda: questions.write_notes(current_user, interview, forms.note_values(request.form, count)),
                   "Your notes are saved. Earlier versions are kept.",
                   url_for(".notes", round_id=round.id, interview_id=interview.id),
                   on_fields=lambda err: _notes_page(db.session.get(Round, round_id),
                                                     db.session.get(Interview, interview_id), err.fields, 400))


def _notes_page(round, interview, problems=None, status=200):
    version = ip.agreed_version(round)
    asked = ip.questions_in(version) if version else []
    newest = questions.newest_notes(interview)
    interviewers = ip.interviewers_of(interview)
    application = interview.application
    entered = {n: request.form.get(questions.note_field(n), "") for n in range(1, len(asked) + 1)} \
        if problems else None
    return render_template(
        "interviews/notes.html", round=round, interview=interview, application=application, questions=asked,
        newest=newest, newest_ids={note.id for note in newest.values()}, interviewers=interviewers,
        by_question={n: [note for (_, q), note in sorted(newest.items()) if q == n] for n in range(1, len(asked) + 1)},
        names=_names(interviewers + [m for m, _ in newest]),
        why_not_write=ip.why_not_write_notes(current_user, interview), field=questions.note_field,
        history=questions.note_history(interview, current_user), entered=entered, problems=problems or {},
        errors=_errors(problems or {}), version=version,
        may_change_scores=score_policy.why_not_score(current_user, application) is None,
        calendar_role=ip.calendar_role(current_user, interview)), status


# Agreeing the questions, and asking for adjustments --------------------------------------------

@bp.post("/rounds/<int:round_id>/interviews/questions/<int:version_id>/vote")
@login_required
def vote(round_id: int, version_id: int):
    round = round_or_404(round_id)
    version = db.session.get(DocumentVersion, version_id)
    if version is None or version.document.round_id != round.id:
        abort(404)
    return attempt(lambda: questions.vote_on_questions(current_user, round, version, request.form.get("choice", "")),
                   "Thank you. Your vote is saved.", _index_url(round))


@bp.post("/rounds/<int:round_id>/interviews/adjustments")
@login_required
def ask(round_id: int):
    """A panel member asks for something they need at interviews."""
    round = round_or_404(round_id)
    return attempt(lambda: service.ask_adjustment(current_user, round, request.form.get("kind", ""),
                                                  request.form.get("details")),
                   "Thank you. Your facilitator will arrange it and confirm it here.", _index_url(round))


@bp.post("/rounds/<int:round_id>/interviews/adjustments/<int:adjustment_id>/confirm")
@login_required
def confirm(round_id: int, adjustment_id: int):
    round = round_or_404(round_id, may_change=policy.can_manage_round)
    adjustment = db.session.get(Adjustment, adjustment_id)
    if adjustment is None or adjustment.round_id != round.id:
        abort(404)
    return attempt(lambda: service.confirm_adjustment(current_user, adjustment, request.form.get("arranged")),
                   "Confirmed. The person who asked can see that it is arranged.", _index_url(round))


# Calendar files -----------------------------------------------------------------------------

@bp.get("/interviews/<int:interview_id>/calendar.ics")
@login_required
def calendar_file(interview_id: int):
    """For the group and its interviewers only. Anyone else: not found."""
    interview = db.session.get(Interview, interview_id)
    role = ip.calendar_role(current_user, interview) if interview is not None else None
    if role is None:
        abort(404)
    application = interview.application
    cancelled = interview.cancelled or role == "former"
    slot = interview.last_slot
    if role == "applicant":
        summary = f"Interview with the panel about ‘{application.title}’"
        page = url_for(".booking", application_id=application.id, _external=True)
    else:
        summary = f"Interview: {application.organisation}, ‘{application.title}’" if role == "interviewer" \
            else f"Interview: ‘{application.title}’"
        page = url_for(".notes", round_id=interview.round_id, interview_id=interview.id, _external=True)
    lines = [summary + ".", f"When: {clock.uk_datetime(slot.starts_at)}, for {slot.minutes} minutes (UK time).",
             f"Where: {slot.place}" if slot.means == "in_person" else f"Video call: {slot.place}"]
    if slot.access:
        lines.append(f"Access: {slot.access}")
    if cancelled:
        lines.insert(0, "This interview is cancelled." if role != "former" else "You are no longer interviewing.")
    lines.append(f"More: {page}")
    organiser = db.session.get(User, slot.created_by_id) if slot.created_by_id else None
    body = calendar.ics(interview, slot, summary=summary, description="\n".join(lines), cancelled=cancelled,
                        organiser=organiser)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="interview-{interview.id}.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# The applicant's page -------------------------------------------------------------------------

def _own_shortlisted(application_id: int) -> Application:
    """The applicant's own application, while it is on the shortlist. Anything else: not found."""
    application = db.session.get(Application, application_id)
    if application is None or not ip.owns(current_user, application) or not _on_shortlist(application):
        abort(404)
    return application


def _on_shortlist(application) -> bool:
    """Shortlisted, or decided but not yet told: the page must not vanish when the panel decides."""
    from commission.applications.policy import awaiting_decision

    return application.status == "shortlisted" or awaiting_decision(application)


def _booking_url(application) -> str:
    return url_for("interviews.booking", application_id=application.id)


@bp.get("/applications/<int:application_id>/interview")
@login_required
def booking(application_id: int):
    application = _own_shortlisted(application_id)
    interview = ip.interview_for(application)
    return render_template("interviews/booking.html", application=application, round=application.round,
                           interview=interview, free=service.free_slots(application),
                           open_for_booking=application.round.stage in ip.BOOKING_STAGES, kinds=ADJUSTMENTS,
                           happened=interview is not None and not interview.cancelled
                           and interview.slot.starts_at <= clock.now(),
                           adjustments=service.adjustments(application.round, current_user))


@bp.post("/applications/<int:application_id>/interview/book")
@login_required
def book(application_id: int):
    application = _own_shortlisted(application_id)
    slot = db.session.get(InterviewSlot, request.form.get("slot", type=int) or 0)

    def action():
        if slot is None:
            raise FieldProblem.one("slot", "Choose one of the times listed.")
        return service.book(current_user, application, slot)

    return attempt(action, lambda i: f"Your interview is booked for {clock.uk_datetime(i.slot.starts_at)}. "
                                     "Download the calendar file to add it to your calendar.",
                   _booking_url(application))


@bp.post("/applications/<int:application_id>/interview/cancel")
@login_required
def cancel_booking(application_id: int):
    application = _own_shortlisted(application_id)
    interview = ip.interview_for(application)
    if interview is None:
        abort(404)
    return attempt(lambda: service.cancel(current_user, interview, request.form.get("reason")),
                   "Your interview is cancelled. Choose another time below.", _booking_url(application))


@bp.post("/applications/<int:application_id>/interview/adjustments")
@login_required
def ask_for_applicant(application_id: int):
    application = _own_shortlisted(application_id)
    return attempt(lambda: service.ask_adjustment(current_user, application.round, request.form.get("kind", ""),
                                                  request.form.get("details"), application),
                   "Thank you. The facilitator will arrange it and confirm it on this page.",
                   _booking_url(application))


@bp.app_template_global()
def interview_booking_url(application) -> str | None:
    """For the applicant's pages: where to book their interview, while they are on the shortlist."""
    return _booking_url(application) if _on_shortlist(application) else None
