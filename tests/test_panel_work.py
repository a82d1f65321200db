"""The panel's work before and around scoring: saying yes to it, stepping back without guilt, a
link declared late, a facilitator moving work with a reason, and the panel's settings."""
import json
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select

from commission.accounts.models import User
from commission.applications.models import Application
from commission.audit.models import AuditEntry
from commission.criteria import service as criteria
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.panels import service
from commission.panels.settings import update_settings
from commission.panels.models import Assignment, PanelSettings
from commission.rounds.models import RoundPerson
from commission.scores import policy as score_policy
from commission.scores import service as scores
from commission.scores.models import ScoreSheet


def _actions(round) -> Counter:
    return Counter(db.session.scalars(select(AuditEntry.action).where(AuditEntry.round_id == round.id)))


def _live(round) -> set[tuple[int, int]]:
    return {(a.application_id, a.member_id) for a in service.active_assignments(round)}


def _send_in(round, member, application):
    version = criteria.current_version(round)
    scores.submit(member, application, {c.id: 3 for c in version.criteria}, "Clear and well led.")
    db.session.commit()


def _small_caps(world, round, **values):
    """Settings chosen before shortlisting, through the service the settings page uses."""
    update_settings(round.facilitator, round, **values)
    db.session.commit()


@pytest.fixture
def scoring(world):
    round = world.round(members_per_panel=5, applications_count=3)  # 4 scorers each: 12 pieces for 5 people
    world.ready_to_score(round)
    return round


# Accepting work --------------------------------------------------------------------------------

def test_a_member_sees_the_work_and_hours_then_says_yes(client, world, login, post):
    round = world.round(members_per_panel=3, applications_count=2)
    service.set_training(round.facilitator, round, ["How the process works"])
    db.session.commit()
    world.advance(round, "shortlisting")
    member = round.members[0]
    for module in service.TrainingModule.query.filter_by(round_id=round.id):
        service.record_training(round.facilitator, member, module)
    for application in world.applications(round):
        service.declare(member, application, "none")
    service.share_out(round.facilitator, round)
    db.session.commit()
    login(member)
    page = client.get(f"/rounds/{round.id}/panel")
    assert "You are asked to score 2 applications. That is about 1.5 hours." in page.text
    assert "Yes, I will do this" in page.text and "Step back from this round" in page.text
    said = post(f"/rounds/{round.id}/panel/accept", token_from=f"/rounds/{round.id}/panel", follow_redirects=True)
    assert "You said yes to scoring 2 applications." in said.text
    assert "Yes, I will do this" not in said.text
    for application in world.applications(round):
        assert f"Score ‘{application.title}’" in said.text
    assert all(a.accepted_at is not None for a in service.my_work(member, round))
    again = post(f"/rounds/{round.id}/panel/accept", token_from=f"/rounds/{round.id}/panel", follow_redirects=True)
    assert "There is no new work waiting for you to accept." in again.text
    assert _actions(round)["assignments.accepted"] == 1
    login(round.facilitator)
    assert post(f"/rounds/{round.id}/panel/accept", token_from=f"/rounds/{round.id}").status_code == 403


# Stepping back ---------------------------------------------------------------------------------

def test_stepping_back_passes_on_only_unfinished_work_and_keeps_what_was_sent_in(client, world, login, post,
                                                                                 scoring):
    round = scoring
    member = round.members[0]
    mine = service.my_assignments(member, round)
    assert len(mine) >= 2
    finished, *unfinished = mine
    _send_in(round, member, finished)
    login(member)
    page = client.get(f"/rounds/{round.id}/panel/step-back")
    assert page.status_code == 200 and "You do not need to give a reason" in page.text
    done = post(f"/rounds/{round.id}/panel/step-back", {"reason": "My mother is unwell."},
                token_from=f"/rounds/{round.id}/panel/step-back", follow_redirects=True)
    assert "You have stepped back from this round. Thank you for everything you did." in done.text
    assert "The scores you sent in (1) stay and still count." in done.text
    assert score_policy.stepped_back(member, round)
    live = _live(round)
    assert (finished.id, member.id) in live  # sent in: stays
    for application in unfinished:
        assert (application.id, member.id) not in live
        released = db.session.scalar(select(Assignment).where(Assignment.application_id == application.id,
                                                              Assignment.member_id == member.id))
        assert released.release_reason == "stepped back"
    # Each application still has four scorers; the new ones are asked to say yes first.
    assert Counter(app for app, _ in live) == {a.id: 4 for a in world.applications(round)}
    fresh = [a for a in service.active_assignments(round) if a.application_id in {u.id for u in unfinished}
             and a.accepted_at is None]
    assert len(fresh) == len(unfinished)
    assert {m for _, m, _, _ in scores.counted(round.id, application_id=finished.id)} >= {member.id}
    actions = _actions(round)
    assert actions["member.stepped_back"] == 1 and actions["assignments.reassigned"] == 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "member.stepped_back"))
    assert json.loads(entry.details)["reason"] == "My mother is unwell." and entry.actor_id == member.id
    # No new work afterwards, by any route.
    page = client.get(f"/rounds/{round.id}/panel")
    assert "You have stepped back from this round" in page.text and "Yes, I will do this" not in page.text
    twice = post(f"/rounds/{round.id}/panel/step-back", token_from=f"/rounds/{round.id}/panel")
    assert twice.status_code == 400 and "already stepped back" in twice.text
    login(round.facilitator)
    post(f"/rounds/{round.id}/share-out", token_from=f"/rounds/{round.id}")
    assert {a.id for a in service.my_assignments(member, round)} == {finished.id}
    other = round.members[1]
    work = service.my_work(other, round)[0]
    if work.application_id == finished.id:
        work = service.my_work(other, round)[1]
    refused = post(f"/rounds/{round.id}/assignments/{work.id}/move",
                   {"to_member": member.id, "reason": "They know the area."},
                   token_from=f"/rounds/{round.id}/assignments", follow_redirects=True)
    assert "That member has stepped back from this round, so they get no new work." in refused.text
    assert {a.id for a in service.my_assignments(member, round)} == {finished.id}


def test_stepping_back_needs_no_reason_and_a_later_conflict_never_lands_on_them(client, world, login, post,
                                                                                 scoring):
    round = scoring
    leaving, declaring = round.members[0], round.members[1]
    kept = service.my_assignments(leaving, round)[0]
    _send_in(round, leaving, kept)
    login(leaving)
    assert post(f"/rounds/{round.id}/panel/step-back", token_from=f"/rounds/{round.id}/panel").status_code == 303
    target = next(a for a in service.my_assignments(declaring, round) if a.id != kept.id)
    login(declaring)
    post(f"/rounds/{round.id}/panel/conflicts", {f"level_{target.id}": "involved"},
         token_from=f"/rounds/{round.id}/panel")
    assert {app for app, m in _live(round) if m == leaving.id} == {kept.id}
    assert (target.id, declaring.id) not in _live(round)
    # Nobody left who may take it: the shortfall is said plainly to the facilitator.
    login(round.facilitator)
    page = client.get(f"/rounds/{round.id}/assignments")
    assert "fewer than 4 scorers" in page.text and "(stepped back)" in page.text


# A link declared late --------------------------------------------------------------------------

def test_a_late_conflict_sets_scores_aside_and_passes_the_application_on(client, world, login, post, scoring):
    round = scoring
    member = round.members[1]
    application = service.my_assignments(member, round)[0]
    _send_in(round, member, application)
    assert member.id in {m for _, m, _, _ in scores.counted(round.id, application_id=application.id)}
    before = {m for app, m in _live(round) if app == application.id}
    login(member)
    said = post(f"/rounds/{round.id}/panel/conflicts", {f"level_{application.id}": "close"},
                token_from=f"/rounds/{round.id}/panel")
    assert said.status_code == 303
    sheet = db.session.scalar(select(ScoreSheet).where(ScoreSheet.application_id == application.id,
                                                       ScoreSheet.member_id == member.id))
    assert sheet.set_aside_at is not None and sheet.set_aside_reason == "conflict declared"
    assert len(sheet.records) == 1 and sheet.current is not None  # kept on file
    assert member.id not in {m for _, m, _, _ in scores.counted(round.id, application_id=application.id)}
    after = {m for app, m in _live(round) if app == application.id}
    assert member.id not in after and len(after) == 4 and after - before  # someone new took it on
    released = db.session.scalar(select(Assignment).where(Assignment.application_id == application.id,
                                                          Assignment.member_id == member.id))
    assert released.release_reason == "conflict declared"
    assert client.get(f"/rounds/{round.id}/panel/applications/{application.id}").status_code == 403
    actions = _actions(round)
    assert actions["score.set_aside"] == 1 and actions["assignment.released"] == 1
    assert actions["assignments.reassigned"] == 1


def test_a_late_mild_link_changes_nothing(client, world, login, post, scoring):
    round = scoring
    member = round.members[1]
    application = service.my_assignments(member, round)[0]
    login(member)
    post(f"/rounds/{round.id}/panel/conflicts", {f"level_{application.id}": "know_of"},
         token_from=f"/rounds/{round.id}/panel")
    assert (application.id, member.id) in _live(round)
    assert _actions(round)["assignments.reassigned"] == 0


# A facilitator moves work, with a reason -------------------------------------------------------

@pytest.fixture
def tight(world):
    """Three applications, three scorers each, and room for two applications per member."""
    round = world.round(members_per_panel=5, applications_count=3)
    _small_caps(world, round, scorers_per_application=3, minutes_per_application=30, workload_cap_hours=1)
    world.ready_to_score(round)
    return round


def _move(post, round, work, to_member, reason="They have more time this month."):
    return post(f"/rounds/{round.id}/assignments/{work.id}/move", {"to_member": to_member.id, "reason": reason},
                token_from=f"/rounds/{round.id}/assignments", follow_redirects=True)


def test_a_facilitator_sees_who_is_scoring_what_but_no_scores(client, world, login, tight):
    round = tight
    member = round.members[0]
    application = service.my_assignments(member, round)[0]
    _send_in(round, member, application)
    login(round.facilitator)
    page = client.get(f"/rounds/{round.id}/assignments")
    assert page.status_code == 200
    assert member.name in page.text and "Scores sent in" in page.text and "Their scores are in and stay." in page.text
    assert "Clear and well led." not in page.text and "Point 3" not in page.text
    shown = client.get(f"/rounds/{round.id}")
    assert "Who is scoring what" in shown.text and "The panel’s settings" in shown.text
    for person in (member, round.funder):
        login(person)
        assert client.get(f"/rounds/{round.id}/assignments").status_code == 403


def test_moving_work_needs_a_reason_and_a_member_with_room_and_no_link(client, world, login, post, tight):
    round = tight
    apps = world.applications(round)
    live = _live(round)
    loads = Counter(m for _, m in live)
    assert max(loads.values()) <= 2  # 1 hour at 30 minutes each
    light = next(m for m in round.members if loads[m.id] < 2)
    application = next(a for a in apps if (a.id, light.id) not in live)
    on_it = [m for m in round.members if (application.id, m.id) in live]
    busy = next(m for m in round.members if loads[m.id] == 2 and (application.id, m.id) not in live)
    source = on_it[0]
    work = score_policy.assignment_for(source, application)
    login(round.facilitator)

    def unchanged():
        return _live(round) == live and _actions(round)["assignment.moved"] == 0

    assert "Say why you are moving this work." in _move(post, round, work, light, reason="  ").text
    assert unchanged()
    assert "That member is already scoring this application." in _move(post, round, work, on_it[1]).text
    assert "That member already has as much work as their cap of 1 hour allows." in \
        _move(post, round, work, busy).text
    assert unchanged()
    outsider = world.round().members[0]
    assert "Work can only move to a member of the same panel." in _move(post, round, work, outsider).text
    # A conflicted member: they said they are close to this group (checked before their cap).
    service.declare(busy, application, "close")
    db.session.commit()
    assert "That member declared a link with this group" in _move(post, round, work, busy).text
    assert unchanged()
    # Scores already sent in stay with the person who sent them.
    _send_in(round, on_it[1], application)
    sent = score_policy.assignment_for(on_it[1], application)
    assert "Their scores are already in and stay." in _move(post, round, sent, light).text
    # A member cannot move work at all.
    login(source)
    assert post(f"/rounds/{round.id}/assignments/{work.id}/move", {"to_member": light.id, "reason": "x"},
                token_from=f"/rounds/{round.id}/panel").status_code == 403
    assert unchanged()
    # And with everything right, it moves; the new member is asked to say yes.
    login(round.facilitator)
    moved = _move(post, round, work, light)
    assert f"has moved to {light.name}" in moved.text
    db.session.refresh(work)
    assert work.released_at is not None and work.release_reason == "They have more time this month."
    new = score_policy.assignment_for(light, application)
    assert new is not None and new.accepted_at is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "assignment.moved"))
    details = json.loads(entry.details)
    assert details["member"] == {"before": source.id, "after": light.id}
    assert details["reason"] == "They have more time this month."
    # The same piece cannot move twice.
    assert "already moved on" in _move(post, round, work, busy).text
    # Work moved away for a reason is not handed straight back when work is shared out again.
    service.step_back(light, round)
    db.session.commit()
    assert score_policy.assignment_for(source, application) is None


# The panel's settings --------------------------------------------------------------------------

def _settings_form(**changes):
    form = {"scorers_per_application": "3", "minutes_per_application": "60", "workload_cap_hours": "12",
            "excluded_levels": ["close", "involved"], "members_record_own_training": "y",
            "moderation_tolerance": "1", "shortlist_percent": "200", "budget_method": "greedy"}
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def test_the_panel_settings_are_saved_with_each_change_audited(client, world, login, post):
    round = world.round()
    login(round.facilitator)
    page = client.get(f"/rounds/{round.id}/panel-settings")
    assert page.status_code == 200 and "How many members score each application" in page.text
    assert db.session.get(PanelSettings, round.id) is None
    saved = post(f"/rounds/{round.id}/panel-settings", _settings_form(),
                 token_from=f"/rounds/{round.id}/panel-settings", follow_redirects=True)
    assert "The panel’s settings are saved." in saved.text
    db.session.expire_all()
    settings = db.session.get(PanelSettings, round.id)
    assert (settings.scorers_per_application, settings.minutes_per_application, settings.workload_cap_hours) == \
        (3, 60, 12)
    assert settings.excluded_levels == ("close", "involved") and settings.members_record_own_training
    assert not settings.comments_required and settings.budget_method == "greedy"
    assert (settings.moderation_tolerance, settings.shortlist_percent) == (1, 200)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "panel_settings.changed"))
    details = json.loads(entry.details)
    assert details["scorers_per_application"] == {"before": 4, "after": 3}
    assert details["excluded_levels"] == {"before": ["know_someone", "close", "involved"],
                                          "after": ["close", "involved"]}
    assert "comments_required" not in details  # unchanged values are not listed
    # Saving the same again changes nothing and writes nothing.
    post(f"/rounds/{round.id}/panel-settings", _settings_form(), token_from=f"/rounds/{round.id}/panel-settings")
    assert _actions(round)["panel_settings.changed"] == 1


def test_bad_panel_settings_are_refused_beside_each_box_and_nothing_is_saved(client, world, login, post):
    round = world.round()
    login(round.facilitator)
    bad = post(f"/rounds/{round.id}/panel-settings",
               _settings_form(scorers_per_application="0", workload_cap_hours="900", excluded_levels=["know_of"]),
               token_from=f"/rounds/{round.id}/panel-settings")
    assert bad.status_code == 400
    assert "Each application needs from 1 to 20 scorers." in bad.text
    assert "The most hours for each member must be from 1 to 500." in bad.text
    assert "must always be kept out" in bad.text
    assert 'href="#scorers_per_application"' in bad.text  # the summary links to the box
    gaps = post(f"/rounds/{round.id}/panel-settings", _settings_form(excluded_levels=["know_someone", "involved"]),
                token_from=f"/rounds/{round.id}/panel-settings")
    assert gaps.status_code == 400 and "every closer link must keep them out too" in gaps.text
    typed = post(f"/rounds/{round.id}/panel-settings", _settings_form(minutes_per_application="an hour"),
                 token_from=f"/rounds/{round.id}/panel-settings")
    assert typed.status_code == 400 and "Enter the minutes as a whole number, like 45." in typed.text
    assert db.session.get(PanelSettings, round.id) is None
    assert _actions(round)["panel_settings.changed"] == 0
    login(round.members[0])
    assert client.get(f"/rounds/{round.id}/panel-settings").status_code == 403
    assert post(f"/rounds/{round.id}/panel-settings", _settings_form(), token_from="/").status_code == 403


def test_panel_settings_are_fixed_once_shortlisting_starts(client, world, login, post):
    round = world.round()
    world.advance(round, "shortlisting")
    login(round.facilitator)
    page = client.get(f"/rounds/{round.id}/panel-settings")
    assert page.status_code == 200 and "Save the panel settings" not in page.text
    refused = post(f"/rounds/{round.id}/panel-settings", _settings_form(),
                   token_from=f"/rounds/{round.id}/panel-settings", follow_redirects=True)
    assert "can only change before shortlisting starts" in refused.text
    assert db.session.get(PanelSettings, round.id) is None


# Whatever happens, in any order: nobody over their cap, no conflicted pair live -----------------

@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=st.lists(st.tuples(st.sampled_from(["step_back", "close", "involved", "none"]),
                                 st.integers(0, 4), st.integers(0, 2)), min_size=1, max_size=6))
def test_property_caps_and_conflicts_hold_after_step_backs_and_late_conflicts(world, events):
    round = world.round(members_per_panel=5, applications_count=3)
    _small_caps(world, round, scorers_per_application=3, minutes_per_application=30, workload_cap_hours=1)
    world.ready_to_score(round)
    apps = world.applications(round)
    first = round.members[0]
    _send_in(round, first, service.my_assignments(first, round)[0])
    for kind, who, which in events:
        member = round.members[who]
        try:
            if kind == "step_back":
                service.step_back(member, round)
            else:
                service.declare(member, apps[which], kind)
        except Exception as err:  # saying the same thing twice, stepping back twice, or taking a link back
            assert "already" in str(err) or "you stay out of its scoring" in str(err)
            db.session.rollback()
            continue
        db.session.commit()
    live = service.active_assignments(round)
    loads = Counter(a.member_id for a in live)
    assert all(n <= 2 for n in loads.values())
    gone = set(db.session.scalars(select(RoundPerson.user_id).where(
        RoundPerson.round_id == round.id, RoundPerson.stepped_back_at.is_not(None))))
    for work in live:
        member = db.session.get(User, work.member_id)
        assert not panel_policy.is_excluded(member, work.application)
        if work.member_id in gone:  # only work they had sent in stays with them
            assert score_policy.sheet_for(member, work.application) is not None
    # Scores of a member whose newest answer keeps them out never count.
    for sheet in db.session.scalars(select(ScoreSheet)):
        if panel_policy.is_excluded(db.session.get(User, sheet.member_id), db.session.get(Application,
                                                                                          sheet.application_id)):
            assert sheet.set_aside_at is not None and not sheet.counts
    assert len(scores.counted(round.id)) <= len(criteria.current_version(round).criteria)
