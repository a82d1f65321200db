"""Scoring through the pages members use: drafts, blind submission, changes with a reason,
and every kind of bad input refused with nothing half-saved."""
import json

import pytest
from sqlalchemy import func, select

from commission.audit.models import AuditEntry
from commission.criteria import service as criteria
from commission.extensions import db
from commission.panels import service as panels
from commission.scores import policy, service
from commission.scores.models import CriterionScore, ScoreRecord, ScoreSheet


@pytest.fixture
def scoring(world):
    round = world.round(members_per_panel=5)  # 4 scorers each, so one member is not asked
    world.ready_to_score(round)
    version = criteria.current_version(round)
    application = world.applications(round)[0]
    scorers = [m for m in round.members if policy.assignment_for(m, application)]
    return round, version, application, scorers


def _url(round, application, tail=""):
    return f"/rounds/{round.id}/applications/{application.id}/score{tail}"


def _form(version, points, **extra):
    data = {f"criterion_{c.id}": str(p) for c, p in zip(version.criteria, points) if p is not None}
    return {**data, **extra}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_member_sees_each_choice_with_its_descriptor(client, login, scoring):
    round, version, application, scorers = scoring
    login(scorers[0])
    page = client.get(_url(round, application))
    assert page.status_code == 200
    for criterion in version.criteria:
        assert criterion.title in page.text
        for descriptor in criterion.descriptors:
            assert descriptor in page.text
    assert "Send in my scores" in page.text and "Save as draft" in page.text


def test_a_draft_is_kept_and_seen_by_nobody_else(client, login, post, scoring):
    round, version, application, scorers = scoring
    login(scorers[0])
    saved = post(_url(round, application), _form(version, [3, None], comment="Half way", action="draft"))
    assert saved.status_code == 303
    page = client.get(_url(round, application))
    assert 'value="3" checked' in page.text and "Half way" in page.text
    login(scorers[1])
    other = client.get(_url(round, application))
    assert "Half way" not in other.text and "Everyone's scores" not in other.text
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "score.draft_saved")).one()
    assert entry.actor_id == scorers[0].id


def test_blind_until_submitted_then_everyone_s_scores_show(client, login, post, scoring):
    round, version, application, scorers = scoring
    login(scorers[0])
    assert post(_url(round, application), _form(version, [4, 1], comment="Strong local roots",
                                                   action="submit")).status_code == 303
    login(scorers[1])
    before = client.get(_url(round, application))
    assert "Strong local roots" not in before.text
    post(_url(round, application), _form(version, [2, 2], comment="Good", action="submit"))
    after = client.get(_url(round, application))
    assert "Strong local roots" in after.text and scorers[0].name in after.text


def test_a_missing_or_off_scale_score_is_refused_beside_its_criterion_and_nothing_saved(client, login, post, scoring):
    round, version, application, scorers = scoring
    login(scorers[0])
    first, second = version.criteria
    missing = post(_url(round, application), _form(version, [3, None], action="submit"))
    assert missing.status_code == 400
    assert f"Choose a score for ‘{second.title}’" in missing.text
    assert f'href="#criterion_{second.id}"' in missing.text  # the error summary links to the choice
    off = post(_url(round, application), {f"criterion_{first.id}": "7", f"criterion_{second.id}": "-1",
                                          "action": "submit"})
    assert off.status_code == 400
    assert f"must be a whole number from 0 to {version.scale_max}" in off.text
    assert _count(ScoreRecord) == 0 and _count(CriterionScore) == 0


def test_a_score_for_an_application_not_assigned_is_refused(client, login, post, scoring):
    round, version, application, scorers = scoring
    member = next(m for m in round.members if m not in scorers)
    login(member)
    response = post(_url(round, application), _form(version, [1, 1], action="submit"), follow_redirects=True)
    assert "This application is not one you were asked to score." in response.text
    assert _count(ScoreRecord) == 0


def test_a_second_submission_from_another_window_is_refused(client, login, post, scoring):
    round, version, application, scorers = scoring
    login(scorers[0])
    post(_url(round, application), _form(version, [3, 3], action="submit"))
    again = post(_url(round, application), _form(version, [0, 0], action="submit"), follow_redirects=True)
    assert "already sent in your scores for this application" in again.text
    sheet = policy.sheet_for(scorers[0], application)
    assert len(sheet.records) == 1 and sheet.current.by_criterion == {c.id: 3 for c in version.criteria}


def test_a_change_needs_a_reason_and_keeps_the_original(client, login, post, scoring):
    round, version, application, scorers = scoring
    login(scorers[0])
    post(_url(round, application), _form(version, [4, 4], action="submit"))
    no_reason = post(_url(round, application, "/change"), _form(version, [2, 4], seen_record="1"))
    assert no_reason.status_code == 400 and "Say why you are changing your scores" in no_reason.text
    changed = post(_url(round, application, "/change"),
                   _form(version, [2, 4], seen_record="1", reason="We talked about the budget"))
    assert changed.status_code == 303
    sheet = policy.sheet_for(scorers[0], application)
    db.session.refresh(sheet)
    assert [r.kind for r in sheet.records] == ["submitted", "revised"]
    assert sheet.records[0].by_criterion[version.criteria[0].id] == 4
    assert sheet.current.by_criterion[version.criteria[0].id] == 2
    page = client.get(_url(round, application))
    assert "We talked about the budget" in page.text and "Earlier" in page.text
    revised = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "score.revised")).one()
    assert json.loads(revised.details)["reason"] == "We talked about the budget"


def test_a_stale_change_from_another_window_is_refused(client, login, post, scoring):
    round, version, application, scorers = scoring
    login(scorers[0])
    post(_url(round, application), _form(version, [4, 4], action="submit"))
    post(_url(round, application, "/change"), _form(version, [3, 4], seen_record="1", reason="First thought"))
    stale = post(_url(round, application, "/change"), _form(version, [0, 0], seen_record="1", reason="Other tab"),
                 follow_redirects=True)
    assert "changed in another window" in stale.text
    assert len(policy.sheet_for(scorers[0], application).records) == 2


def test_moderation_flag_shows_where_scorers_differ_by_more_than_the_tolerance(client, login, post, scoring):
    round, version, application, scorers = scoring
    login(scorers[0])
    post(_url(round, application), _form(version, [4, 2], action="submit"))
    login(scorers[1])
    post(_url(round, application), _form(version, [1, 2], action="submit"))
    page = client.get(_url(round, application))
    assert "Scores differ by more than 2 points" in page.text
    assert f"‘{version.criteria[0].title}’ (from 1 to 4)" in page.text
    changed = post(_url(round, application, "/change"),
                   _form(version, [3, 2], seen_record="1", reason="The panel explained the waiting list"))
    assert changed.status_code == 303
    assert policy.sheet_for(scorers[1], application).current.after_discussion is True


def test_staff_cannot_score(client, login, post, scoring):
    round, version, application, _ = scoring
    login(round.facilitator)
    assert client.get(_url(round, application)).status_code == 403
    assert post(_url(round, application), _form(version, [4, 4], action="submit")).status_code == 403
    assert _count(ScoreSheet) == 0


def test_a_comment_is_required_when_the_round_says_so(client, login, post, scoring):
    round, version, application, scorers = scoring
    from commission.panels.models import PanelSettings
    settings = PanelSettings.defaults(round.id)
    settings.comments_required = True
    db.session.add(settings)
    db.session.commit()
    login(scorers[0])
    response = post(_url(round, application), _form(version, [2, 2], action="submit"))
    assert response.status_code == 400 and "Write a comment about this application" in response.text
    assert _count(ScoreRecord) == 0


def test_a_member_must_accept_before_scoring(client, login, post, world):
    round = world.round(members_per_panel=3)
    panels.set_training(round.facilitator, round, ["How the process works"])
    world.advance(round, "shortlisting")
    member = round.members[0]
    from commission.panels.models import TrainingModule
    for module in db.session.scalars(select(TrainingModule).where(TrainingModule.round_id == round.id)):
        for m in round.members:
            panels.record_training(round.facilitator, m, module)
    for m in round.members:
        for application in world.applications(round):
            panels.declare(m, application, "none")
    panels.share_out(round.facilitator, round)
    db.session.commit()
    application = panels.my_assignments(member, round)[0]
    version = criteria.current_version(round)
    login(member)
    response = post(_url(round, application), _form(version, [2, 2], action="submit"), follow_redirects=True)
    assert "Say yes to the work you were asked to do" in response.text
    assert _count(ScoreRecord) == 0


def test_my_scoring_list_shows_where_each_application_is(client, login, post, scoring):
    round, version, application, scorers = scoring
    login(scorers[0])
    post(_url(round, application), _form(version, [2, 2], action="submit"))
    page = client.get(f"/rounds/{round.id}/scoring")
    assert page.status_code == 200
    assert "Sent in" in page.text and application.title in page.text


def test_the_scoring_list_uses_the_same_number_of_queries_whatever_its_size(app, client, login, world, count_queries):
    sizes = []
    for applications in (2, 6):
        round = world.round(members_per_panel=3, applications_count=applications)
        world.ready_to_score(round)
        member = round.members[0]
        login(member)
        client.get(f"/rounds/{round.id}/scoring")
        with count_queries() as queries:
            assert client.get(f"/rounds/{round.id}/scoring").status_code == 200
        sizes.append(len(queries))
    assert sizes[0] == sizes[1]
