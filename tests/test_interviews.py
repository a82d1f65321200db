"""Interviews through the pages people use: the facilitator's times, the applicant's booking,
calendar files in UK time across clock changes, the questions the panel agrees before
interviews start, reasonable adjustments, and interviewers' notes and score changes. Every
bad input is refused in plain words, and nothing changes."""
import html
from datetime import datetime, timedelta, timezone

from icalendar import Calendar
from sqlalchemy import func, select

from commission import clock
from commission.audit.models import AuditEntry
from commission.criteria import service as criteria
from commission.documents import service as documents
from commission.extensions import db
from commission.interviews import policy as interview_policy
from commission.interviews.models import Adjustment, Interview, InterviewNote, InterviewSlot, Interviewer
from commission.panels import service as panels
from commission.scores import policy as score_policy
from commission.scores.models import ScoreRecord
from tests.calendar_program import CalendarProgram


def said(response) -> str:
    return html.unescape(response.text)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def actions(round) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.round_id == round.id)
                                   .order_by(AuditEntry.seq)))


def rested(world, members=3, panel_count=1, conflicted=None):
    """A round whose shortlist is agreed, resting before interviews. `conflicted` (member index,
    application index) declares a close link while shortlisting."""
    round = world.round(members_per_panel=members, panels=panel_count)
    world.ready_to_score(round)
    if conflicted is not None:
        member, application = conflicted
        panels.declare(round.members[member], world.applications(round)[application], "close")
        db.session.commit()
    world.advance(round, "rest_after_shortlisting")
    return round


def uk_parts(moment: datetime) -> dict:
    local = clock.as_uk(moment)
    return {"day": str(local.day), "month": str(local.month), "year": str(local.year), "time": f"{local:%H:%M}"}


def slot_form(moment: datetime, minutes=60, **extra) -> dict:
    return {**uk_parts(moment), "minutes": str(minutes), "means": "in_person", "place": "Town Hall, High Street",
            "access": "Step-free from the street. Hearing loop in the room.", **extra}


def add_slot(post, round, moment, panel=None, **extra):
    panel = panel or round.panels[0]
    return post(f"/rounds/{round.id}/interviews/panels/{panel.id}/slots/new", slot_form(moment, **extra))


def slots_of(round) -> list[InterviewSlot]:
    return list(db.session.scalars(select(InterviewSlot).where(InterviewSlot.round_id == round.id)
                                   .order_by(InterviewSlot.starts_at)))


def next_day_at(hour: int, days: int = 3) -> datetime:
    local = clock.as_uk(clock.now() + timedelta(days=days))
    return local.replace(hour=hour, minute=0, second=0, microsecond=0).astimezone(timezone.utc)


def book(post, application, slot):
    return post(f"/applications/{application.id}/interview/book", {"slot": str(slot.id)})


def interview_of(application) -> Interview:
    db.session.expire_all()
    return db.session.scalar(select(Interview).where(Interview.application_id == application.id))


# Slots and booking -------------------------------------------------------------------------

def test_a_facilitator_offers_a_time_and_the_applicant_books_it(client, world, login, post):
    round = rested(world)
    login(round.facilitator)
    added = add_slot(post, round, next_day_at(10))
    assert added.status_code == 303
    slot = slots_of(round)[0]
    assert clock.as_uk(slot.starts_at).hour == 10 and slot.minutes == 60
    application = world.applications(round)[0]
    assert application.status == "shortlisted"
    login(application_owner(world, round, application))
    page = client.get(f"/applications/{application.id}/interview")
    assert page.status_code == 200
    assert clock.uk_datetime(slot.starts_at) in said(page) and "Step-free from the street" in said(page)
    booked = book(post, application, slot)
    assert booked.status_code == 303
    assert "Your interview is booked" in said(client.get(f"/applications/{application.id}/interview"))
    interview = interview_of(application)
    assert interview.slot_id == slot.id and interview.sequence == 0
    assert sorted(interview_policy.interviewers_of(interview)) == sorted(m.id for m in round.members)
    assert actions(round)[-3:] == ["interview_slot.added", "interview.booked", "interview.interviewers_set"]
    # One application per slot: another applicant cannot have the same time.
    other = world.applications(round)[1]
    login(application_owner(world, round, other))
    taken = book(post, other, slot)
    assert taken.status_code == 303
    assert "Someone has already booked that time. Choose another." in said(client.get(taken.location))
    assert interview_of(other) is None


def application_owner(world, round, application):
    return next(a for a in round.applicants if a.id == application.applicant_id)


def test_a_time_in_the_past_is_refused_and_nothing_changes(client, world, login, post):
    round = rested(world)
    login(round.facilitator)
    before = count(AuditEntry)
    refused = add_slot(post, round, clock.now() - timedelta(hours=2))
    assert refused.status_code == 400
    assert "That time has already passed. Choose a time in the future." in said(refused)
    assert 'href="#day"' in refused.text  # the error summary points at the date
    assert slots_of(round) == [] and count(AuditEntry) == before


def test_an_overlapping_time_for_the_same_panel_is_refused_and_nothing_changes(client, world, login, post):
    round = rested(world, panel_count=2)
    login(round.facilitator)
    ten = next_day_at(10)
    assert add_slot(post, round, ten).status_code == 303
    before = count(AuditEntry)
    refused = add_slot(post, round, ten + timedelta(minutes=30))
    assert refused.status_code == 400
    assert (f"Panel 1 already has an interview time from {clock.uk_datetime(ten)} to 11:00. "
            "Choose a time that does not overlap it.") in said(refused)
    assert len(slots_of(round)) == 1 and count(AuditEntry) == before
    # Straight after is fine, and so is the same time for another panel.
    assert add_slot(post, round, ten + timedelta(minutes=60)).status_code == 303
    assert add_slot(post, round, ten + timedelta(minutes=30), panel=round.panels[1]).status_code == 303
    assert len(slots_of(round)) == 3


def test_other_bad_times_are_named_beside_their_boxes(client, world, login, post):
    round = rested(world)
    login(round.facilitator)
    url = f"/rounds/{round.id}/interviews/panels/{round.panels[0].id}/slots/new"
    nonsense = post(url, {"day": "31", "month": "2", "year": "2031", "time": "25:00", "minutes": "lots",
                          "means": "video", "place": "zoom.example/abc"})
    assert nonsense.status_code == 400
    text = said(nonsense)
    assert "Enter a real date" in text and "Enter how long the interview lasts in minutes" in text
    video = post(url, {**slot_form(next_day_at(10)), "means": "video", "place": "zoom.example/abc"})
    assert "A video call link starts with https://" in said(video)
    assert slots_of(round) == []
    assert client.get(url).status_code == 200
    login(round.members[0])
    assert add_slot(post, round, next_day_at(10)).status_code == 403
    assert slots_of(round) == []


# Calendar files ----------------------------------------------------------------------------

def parse(response) -> tuple[Calendar, object]:
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    return calendar, calendar.events[0]


def test_calendar_files_keep_uk_time_across_both_clock_changes(client, world, login, post, tmp_path):
    """Each file is also imported into a real calendar program, as the applicant and an interviewer
    would: each move replaces the event at the new UK time, and the cancellation cancels it."""
    round = rested(world)
    theirs_calendar, interviewer_calendar = CalendarProgram(tmp_path / "applicant"), CalendarProgram(tmp_path / "interviewer")
    # The clocks go back on Sunday 27 October 2030 and forward on Sunday 30 March 2031.
    clock.advance(datetime(2030, 9, 2, 9, 0, tzinfo=timezone.utc) - clock.now())
    login(round.facilitator)
    times = [(datetime(2030, 10, 26, 9, 0, tzinfo=timezone.utc), "20301026T100000"),   # BST: 10:00 is 09:00 UTC
             (datetime(2030, 10, 28, 10, 0, tzinfo=timezone.utc), "20301028T100000"),  # GMT: 10:00 is 10:00 UTC
             (datetime(2031, 3, 29, 10, 0, tzinfo=timezone.utc), "20310329T100000"),   # GMT
             (datetime(2031, 3, 31, 9, 0, tzinfo=timezone.utc), "20310331T100000")]    # BST
    for moment, _ in times:
        form = {"day": str(moment.astimezone(clock.UK).day), "month": str(moment.astimezone(clock.UK).month),
                "year": str(moment.year), "time": "10:00", "minutes": "45", "means": "in_person",
                "place": "Town Hall", "access": "Step-free."}
        assert post(f"/rounds/{round.id}/interviews/panels/{round.panels[0].id}/slots/new", form).status_code == 303
    slots = slots_of(round)
    assert [s.starts_at for s in slots] == [moment for moment, _ in times]
    # 01:30 on 30 March 2031 never happens in the UK.
    skipped = post(f"/rounds/{round.id}/interviews/panels/{round.panels[0].id}/slots/new",
                   {"day": "30", "month": "3", "year": "2031", "time": "01:30", "minutes": "45",
                    "means": "in_person", "place": "Town Hall", "access": "Step-free."})
    assert "That time does not happen in the UK on that day, because the clocks go forward." in said(skipped)

    application = world.applications(round)[0]
    applicant = login(application_owner(world, round, application))
    uids = set()
    for n, (slot, (moment, local)) in enumerate(zip(slots, times)):
        login(applicant)
        assert book(post, application, slot).status_code == 303
        interview = interview_of(application)
        body = client.get(f"/interviews/{interview.id}/calendar.ics")
        calendar, event = parse(body)
        assert f"DTSTART;TZID=Europe/London:{local}" in body.text
        assert "BEGIN:VTIMEZONE" in body.text and "TZID:Europe/London" in body.text
        assert event.start.astimezone(timezone.utc) == moment
        assert event.end - event.start == timedelta(minutes=45)
        assert str(calendar["METHOD"]) == "PUBLISH" and str(event["STATUS"]) == "CONFIRMED"
        assert int(event["SEQUENCE"]) == n  # each move: same UID, higher SEQUENCE
        uids.add(str(event["UID"]))
        shown = f"{local[:4]}-{local[4:6]}-{local[6:8]} 10:00-10:45 {event['SUMMARY']} CONFIRMED"
        theirs_calendar.import_file(body.data, f"move-{n}.ics")
        assert theirs_calendar.events("2030-09-01") == [shown]
        login(round.members[0])  # an interviewer gets the same event
        body = client.get(f"/interviews/{interview.id}/calendar.ics")
        _, theirs = parse(body)
        assert str(theirs["UID"]) == str(event["UID"]) and theirs.start == event.start
        interviewer_calendar.import_file(body.data, f"move-{n}.ics")
        assert [e.split(" ")[:2] for e in interviewer_calendar.events("2030-09-01")] == [shown.split(" ")[:2]]
    assert len(uids) == 1
    login(applicant)
    assert post(f"/applications/{application.id}/interview/cancel").status_code == 303
    body = client.get(f"/interviews/{interview.id}/calendar.ics")
    calendar, event = parse(body)
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == len(times) and str(event["UID"]) in uids
    theirs_calendar.import_file(body.data, "cancelled.ics")
    assert theirs_calendar.events("2030-09-01") == ["2031-03-31 10:00-10:45 " f"{event['SUMMARY']} CANCELLED"]
    assert event.start.astimezone(timezone.utc) == times[-1][0]
    assert actions(round).count("interview.moved") == 3 and actions(round)[-1] == "interview.cancelled"


def test_only_the_people_involved_can_download_the_calendar_file(client, world, login, post):
    round = rested(world, panel_count=2)
    login(round.facilitator)
    add_slot(post, round, next_day_at(10))
    application = world.applications(round)[0]
    login(application_owner(world, round, application))
    book(post, application, slots_of(round)[0])
    url = f"/interviews/{interview_of(application).id}/calendar.ics"
    assert client.get(url).status_code == 200
    other_panel = round.members[3]  # panel 2 has no say in panel 1's interviews
    for stranger in (application_owner(world, round, world.applications(round)[1]), round.facilitator,
                     round.funder, other_panel):
        login(stranger)
        assert client.get(url).status_code == 404


# The questions and the guard ------------------------------------------------------------------

QUESTIONS = ("We ask every group the same questions.\n\n1. Tell us about your group.\n"
             "2. Who will come to your project?\n3. How will you know it has worked?")
HARD = ("1. Please elucidate your organisation's strategic objectives, operational methodology and stakeholder "
        "engagement framework, notwithstanding the aforementioned considerations.")


def test_interviews_cannot_start_until_the_panel_agrees_plain_questions(client, world, login, post):
    round = rested(world)
    clock.advance(timedelta(days=8))  # the rest is over: only the questions hold it back
    login(round.facilitator)
    step = f"/rounds/{round.id}/steps/start_interviews"

    def refused_with(words):
        response = post(step, follow_redirects=True)
        assert words in said(response)
        db.session.refresh(round)
        assert round.stage == "rest_after_shortlisting"

    assert "Interviews: times, interviewers, questions and what people need" in said(client.get(f"/rounds/{round.id}"))
    refused_with("The interview questions are not published yet. Write them as a document of the kind "
                 "‘Interview questions’ and publish it, so the panel can agree them.")
    hard = documents.create(round.facilitator, round, "interview_questions", "Interview questions", HARD)
    documents.publish(round.facilitator, hard.newest, "We need these exact words.")
    db.session.commit()
    refused_with("The interview questions were published without passing the plain-English check.")
    login(round.members[0])
    version = hard.published
    vote_url = f"/rounds/{round.id}/interviews/questions/{version.id}/vote"
    page = post(vote_url, {"choice": "yes"}, follow_redirects=True)
    assert "published without passing the plain-English check, so the panel cannot agree them" in said(page)
    login(round.facilitator)
    documents.revise(round.facilitator, hard, QUESTIONS)
    documents.publish(round.facilitator, hard.newest)
    db.session.commit()
    refused_with("The panel has not agreed the interview questions yet.")
    version = hard.published
    assert version.check_passed and version.override_reason is None
    vote_url = f"/rounds/{round.id}/interviews/questions/{version.id}/vote"
    login(round.facilitator)
    assert post(vote_url, {"choice": "yes"}).status_code == 403  # staff cannot vote
    for member in round.members[:2]:  # 2 of 3: more than half, and the quorum has voted
        login(member)
        page = client.get(f"/rounds/{round.id}/interviews")
        assert "Tell us about your group." in page.text and "Do you agree these questions?" in page.text
        assert post(vote_url, {"choice": "yes"}).status_code == 303
    assert interview_policy.questions_state(round) == "agreed"
    assert actions(round)[-3:] == ["interview_questions.voted", "interview_questions.voted",
                                   "interview_questions.agreed"]
    login(round.facilitator)
    assert post(step).status_code == 303
    db.session.refresh(round)
    assert round.stage == "interviews"


# Interviewers, conflicts and notes ---------------------------------------------------------

def interviewing(world, client, login, post, members=4, conflicted=None):
    """A round at interviews with application 0 booked for a few days after interviews start."""
    round = rested(world, members=members, conflicted=conflicted)
    login(round.facilitator)
    add_slot(post, round, next_day_at(10, days=12))
    application = world.applications(round)[0]
    post(f"/rounds/{round.id}/interviews/applications/{application.id}/give", {"slot": str(slots_of(round)[0].id)})
    world.advance(round, "interviews")
    return round, application, interview_of(application)


def test_a_conflicted_member_is_never_asked_to_interview_and_cannot_open_the_notes(client, world, login, post):
    round, application, interview = interviewing(world, client, login, post, conflicted=(3, 0))
    conflicted = round.members[3]
    assert round.stage == "interviews" and interview.slot is not None
    assert sorted(interview_policy.interviewers_of(interview)) == sorted(m.id for m in round.members[:3])
    assert db.session.get(Interviewer, (interview.id, conflicted.id)) is None
    login(conflicted)
    notes = client.get(f"/rounds/{round.id}/interviews/{interview.id}/notes")
    assert notes.status_code == 403
    assert "link with this group" in said(notes) and "Tell us about your group" not in notes.text
    assert post(f"/rounds/{round.id}/interviews/{interview.id}/notes", {"note_1": "Sneaky"}).status_code == 403
    assert client.get(f"/interviews/{interview.id}/calendar.ics").status_code == 404
    # The facilitator cannot add them either; nothing changes.
    login(round.facilitator)
    before = count(AuditEntry)
    refused = post(f"/rounds/{round.id}/interviews/{interview.id}/interviewers",
                   {"members": [str(m.id) for m in round.members]})
    assert refused.status_code == 400
    assert f"{conflicted.name} said they have a link with this group, so they cannot interview it." in said(refused)
    too_few = post(f"/rounds/{round.id}/interviews/{interview.id}/interviewers",
                   {"members": [str(round.members[0].id)]})
    assert "Choose at least 3 interviewers. You chose 1." in said(too_few)
    assert count(AuditEntry) == before
    # Staff do not read the panel's notes while it works; a member of another round's panel sees nothing.
    assert client.get(f"/rounds/{round.id}/interviews/{interview.id}/notes").status_code == 403


def test_interviewers_write_notes_per_question_and_earlier_notes_are_kept(client, world, login, post):
    round, application, interview = interviewing(world, client, login, post)
    member = round.members[0]
    url = f"/rounds/{round.id}/interviews/{interview.id}/notes"
    login(member)
    early = post(url, {"note_1": "Too soon"}, follow_redirects=True)
    assert "You can write notes once the interview has started." in said(early)
    assert count(InterviewNote) == 0
    clock.advance(interview.slot.starts_at + timedelta(minutes=5) - clock.now())
    page = client.get(url)
    assert page.status_code == 200
    assert "1. Tell us about your group and the people you help." in said(page)
    assert post(url, {"note_1": "They run a lunch club for 40 people.", "note_2": "",
                      "note_3": "They will count who comes."}).status_code == 303
    assert post(url, {"note_1": "They run a lunch club for 45 people.", "note_2": "",
                      "note_3": "They will count who comes."}).status_code == 303
    same = post(url, {"note_1": "They run a lunch club for 45 people.", "note_2": "",
                      "note_3": "They will count who comes."}, follow_redirects=True)
    assert "Your notes are the same as before. Nothing has changed." in said(same)
    notes = list(db.session.scalars(select(InterviewNote).where(InterviewNote.member_id == member.id)
                                    .order_by(InterviewNote.id)))
    assert [(n.question, n.text) for n in notes] == [(1, "They run a lunch club for 40 people."),
                                                     (3, "They will count who comes."),
                                                     (1, "They run a lunch club for 45 people.")]
    page = said(client.get(url))
    assert "Your earlier notes" in page and "for 40 people" in page
    login(round.members[1])  # another interviewer reads them
    assert "They run a lunch club for 45 people." in said(client.get(url))
    assert actions(round).count("interview.notes_written") == 2
    # Once it has taken place, the group cannot cancel or move it.
    login(application_owner(world, round, application))
    late = post(f"/applications/{application.id}/interview/cancel", follow_redirects=True)
    assert "This interview has already taken place, so it cannot be cancelled." in said(late)
    assert interview_of(application).slot_id is not None


def test_interviewers_may_change_their_scores_with_a_reason_during_interviews(client, world, login, post):
    round, application, interview = interviewing(world, client, login, post, members=4)
    version = criteria.current_version(round)
    member = next(m for m in round.members if score_policy.sheet_for(m, application)
                  and score_policy.sheet_for(m, application).submitted)
    sheet = score_policy.sheet_for(member, application)
    first = dict(sheet.current.by_criterion)
    changed = {f"criterion_{c.id}": str((first[c.id] + 1) % (version.scale_max + 1)) for c in version.criteria}
    url = f"/rounds/{round.id}/applications/{application.id}/score/change"
    login(member)
    assert "Change my scores for" in said(client.get(f"/rounds/{round.id}/interviews/{interview.id}/notes"))
    no_reason = post(url, {**changed, "comment": "Scored for the test.", "seen_record": "1"})
    assert no_reason.status_code == 400 and "Say why you are changing your scores." in said(no_reason)
    done = post(url, {**changed, "comment": "Scored for the test.", "seen_record": "1",
                      "reason": "At the interview they showed how older people run the club."})
    assert done.status_code == 303
    db.session.expire_all()
    records = list(db.session.scalars(select(ScoreRecord).where(ScoreRecord.sheet_id == sheet.id)
                                      .order_by(ScoreRecord.number)))
    assert [r.kind for r in records] == ["submitted", "revised"]
    assert records[0].by_criterion == first  # the original stays
    assert "score.revised" in actions(round)
    # Someone taken off the interview may not change their scores for it now.
    login(round.facilitator)
    keep = [m for m in round.members if m.id != member.id][:3]
    assert post(f"/rounds/{round.id}/interviews/{interview.id}/interviewers",
                {"members": [str(m.id) for m in keep]}).status_code == 303
    login(member)
    refused = post(url, {**changed, "comment": "Scored for the test.", "seen_record": "2", "reason": "Again"},
                   follow_redirects=True)
    assert "only the members who interview this group can change their scores" in said(refused)
    assert db.session.scalar(select(func.count()).select_from(ScoreRecord).where(
        ScoreRecord.sheet_id == sheet.id)) == 2
    # Their calendar now cancels the interview for them, with a higher SEQUENCE.
    calendar, event = parse(client.get(f"/interviews/{interview.id}/calendar.ics"))
    assert str(calendar["METHOD"]) == "CANCEL" and int(event["SEQUENCE"]) == 1


# Reasonable adjustments --------------------------------------------------------------------

def test_applicants_and_members_ask_for_adjustments_and_the_facilitator_confirms_each(client, world, login, post):
    round = rested(world)
    application = world.applications(round)[0]
    applicant = application_owner(world, round, application)
    login(applicant)
    ask = f"/applications/{application.id}/interview/adjustments"
    assert post(ask, {"kind": "step_free"}).status_code == 303
    again = post(ask, {"kind": "step_free"}, follow_redirects=True)
    assert "You have already asked for this: step-free access." in said(again)
    member = round.members[0]
    login(member)
    member_ask = f"/rounds/{round.id}/interviews/adjustments"
    other = post(member_ask, {"kind": "other", "details": ""}, follow_redirects=True)
    assert "Say what you need." in said(other)
    assert post(member_ask, {"kind": "bsl"}).status_code == 303
    assert count(Adjustment) == 2
    # Another applicant cannot ask on this group's behalf; a member cannot confirm.
    login(application_owner(world, round, world.applications(round)[1]))
    assert post(ask, {"kind": "carer"}).status_code == 404
    adjustments = list(db.session.scalars(select(Adjustment).order_by(Adjustment.id)))
    login(member)
    confirm = f"/rounds/{round.id}/interviews/adjustments/{adjustments[0].id}/confirm"
    assert post(confirm, {"arranged": "Ramp booked"}).status_code == 403
    login(round.facilitator)
    page = said(client.get(f"/rounds/{round.id}/interviews"))
    assert "Step-free access" in page and "A British Sign Language (BSL) interpreter" in page
    for adjustment, arranged in zip(adjustments, ("The ramp is booked.", "An interpreter is booked.")):
        assert post(f"/rounds/{round.id}/interviews/adjustments/{adjustment.id}/confirm",
                    {"arranged": arranged}).status_code == 303
    twice = post(confirm, {"arranged": "Again"}, follow_redirects=True)
    assert "This is already confirmed." in said(twice)
    login(applicant)
    mine = said(client.get(f"/applications/{application.id}/interview"))
    assert "Arranged" in mine and "The ramp is booked." in mine
    assert actions(round)[-4:] == ["interview.adjustment_asked", "interview.adjustment_asked",
                                   "interview.adjustment_confirmed", "interview.adjustment_confirmed"]


def test_an_applicant_not_on_the_shortlist_has_no_interview_page(client, world, login, post):
    round = world.round()
    world.ready_to_score(round)
    application = world.applications(round)[0]
    login(application_owner(world, round, application))
    assert client.get(f"/applications/{application.id}/interview").status_code == 404


def test_changing_the_number_of_interviewers_is_audited_once_per_real_change(world):
    import json

    from sqlalchemy import select

    from commission.audit.models import AuditEntry
    from commission.interviews import service as interview_service

    round = world.round()
    interview_service.update_settings(round.facilitator, round, 4)
    interview_service.update_settings(round.facilitator, round, 4)  # the same again: nothing to record
    db.session.commit()
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "interview_settings.changed")).all()
    assert [json.loads(e.details)["min_interviewers"] for e in entries] == [{"before": 3, "after": 4}]
