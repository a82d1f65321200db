"""Before anyone scores: the training gate and conflicts of interest, through the pages."""
import pytest
from sqlalchemy import func, select

from commission.audit.models import AuditEntry
from commission.errors import NotAllowed, RuleBroken
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.panels import service
from commission.panels.models import ConflictDeclaration, TrainingRecord


@pytest.fixture
def shortlisting(world):
    round = world.round(members_per_panel=3, applications_count=3)
    service.set_training(round.facilitator, round, ["How the process works", "Unconscious bias"])
    db.session.commit()
    world.advance(round, "shortlisting")
    return round


def train(round, member):
    for module in service.TrainingModule.query.filter_by(round_id=round.id):
        service.record_training(round.facilitator, member, module)
    db.session.commit()


def test_a_member_reads_nothing_until_trained_and_declared(client, world, login, post, shortlisting):
    round = shortlisting
    member = round.members[0]
    application = world.applications(round)[0]
    login(member)
    page = client.get(f"/rounds/{round.id}/panel/applications/{application.id}")
    assert page.status_code == 403
    assert "you need to finish this training: How the process works, Unconscious bias" in page.text
    assert application.summary not in page.text
    train(round, member)
    page = client.get(f"/rounds/{round.id}/panel/applications/{application.id}")
    assert page.status_code == 403 and "say for each one in your panel whether you have a link" in page.text
    form = {f"level_{a.id}": "none" for a in world.applications(round)}
    assert post(f"/rounds/{round.id}/panel/conflicts", form, token_from=f"/rounds/{round.id}/panel").status_code == 303
    page = client.get(f"/rounds/{round.id}/panel/applications/{application.id}")
    assert page.status_code == 200 and application.summary in page.text


def test_a_conflicted_member_sees_only_the_title(client, world, login, post, shortlisting):
    round = shortlisting
    member = round.members[1]
    train(round, member)
    first, *others = world.applications(round)
    login(member)
    form = {f"level_{first.id}": "close", **{f"level_{a.id}": "none" for a in others}}
    post(f"/rounds/{round.id}/panel/conflicts", form, token_from=f"/rounds/{round.id}/panel")
    page = client.get(f"/rounds/{round.id}/panel/applications/{first.id}")
    assert page.status_code == 403
    assert first.title in page.text and first.summary not in page.text
    assert "keeps you out of its scoring, so you will not see its application." in page.text
    assert panel_policy.is_excluded(member, first)
    # A closer link later is kept as a new declaration; the newest counts.
    post(f"/rounds/{round.id}/panel/conflicts", {f"level_{first.id}": "involved"},
         token_from=f"/rounds/{round.id}/panel")
    assert panel_policy.level_for(member, first) == "involved"
    # Taking a conflict back is refused: otherwise a member could clear it just before a vote.
    refused = post(f"/rounds/{round.id}/panel/conflicts", {f"level_{first.id}": "none"},
                   token_from=f"/rounds/{round.id}/panel", follow_redirects=True)
    assert "so you stay out of its scoring, votes and decisions. If that was a mistake, tell your facilitator." in refused.text
    assert panel_policy.is_excluded(member, first)
    assert db.session.scalar(select(func.count()).select_from(ConflictDeclaration).where(
        ConflictDeclaration.application_id == first.id, ConflictDeclaration.member_id == member.id)) == 2


def test_training_is_recorded_by_the_facilitator_not_by_members_unless_allowed(client, world, login, post,
                                                                                shortlisting):
    round = shortlisting
    member = round.members[0]
    module = service.TrainingModule.query.filter_by(round_id=round.id).first()
    login(member)
    refused = post(f"/rounds/{round.id}/training/{module.id}/members/{member.id}", token_from=f"/rounds/{round.id}/panel")
    assert refused.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(TrainingRecord)) == 0
    login(round.facilitator)
    page = client.get(f"/rounds/{round.id}/training")
    assert page.status_code == 200 and member.name in page.text
    ok = post(f"/rounds/{round.id}/training/{module.id}/members/{member.id}", token_from=f"/rounds/{round.id}/training")
    assert ok.status_code == 303
    twice = post(f"/rounds/{round.id}/training/{module.id}/members/{member.id}",
                 token_from=f"/rounds/{round.id}/training", follow_redirects=True)
    assert "is already recorded as done" in twice.text
    assert panel_policy.training_missing(member, round) == ["Unconscious bias"]


def test_nobody_else_declares_or_sees_a_members_panel_pages(client, world, login, post, shortlisting):
    round = shortlisting
    application = world.applications(round)[0]
    for person in (round.facilitator, round.funder):
        with pytest.raises(NotAllowed):
            service.declare(person, application, "none")
        login(person)
        assert client.get(f"/rounds/{round.id}/panel").status_code == 403
        assert client.get(f"/rounds/{round.id}/panel/applications/{application.id}").status_code == 403
    outsider = world.user("member")
    db.session.commit()
    login(outsider)
    assert client.get(f"/rounds/{round.id}/panel").status_code == 404


def test_bad_declarations_are_refused_plainly(world, shortlisting):
    round = shortlisting
    member = round.members[0]
    application = world.applications(round)[0]
    with pytest.raises(RuleBroken, match="Choose the answer that fits"):
        service.declare(member, application, "enemies")
    service.declare(member, application, "none")
    with pytest.raises(RuleBroken, match="You have already said this."):
        service.declare(member, application, "none")
    with pytest.raises(RuleBroken, match="The training can only be set before shortlisting starts."):
        service.set_training(round.facilitator, round, ["Something else"])
    early = world.round()
    service.set_training(early.facilitator, early, ["How the process works"])
    train(early, early.members[0])
    with pytest.raises(RuleBroken, match="Some members have already done the training"):
        service.set_training(early.facilitator, early, ["Something else"])


def test_every_declaration_and_training_record_is_audited_with_ids(world, shortlisting):
    round = shortlisting
    member = round.members[2]
    train(round, member)
    service.declare(member, world.applications(round)[0], "involved")
    db.session.commit()
    actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.round_id == round.id)))
    assert actions.count("training.recorded") == 2 and actions.count("conflict.declared") == 1
    details = db.session.scalar(select(AuditEntry.details).where(AuditEntry.action == "conflict.declared"))
    assert '"excluded":true' in details and member.name not in details


from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from commission.panels.models import CONFLICT_LEVELS, DEFAULT_EXCLUDED  # noqa: E402


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(said=st.lists(st.sampled_from(sorted(CONFLICT_LEVELS)), min_size=1, max_size=4))
def test_invariant_3_no_one_reads_an_application_they_declared_a_conflict_on(client, world, login, said):
    """Whatever a member says, in any order, they read an application's details exactly when
    their newest answer does not exclude them (invariant 3 of the design). Once a link has
    excluded them, taking it back is refused, so it stays excluded."""
    round = world.round(members_per_panel=3, applications_count=2)
    world.advance(round, "shortlisting")
    member = round.members[0]
    target, other = world.applications(round)
    service.declare(member, other, "none")
    for level in said:
        try:
            service.declare(member, target, level)
        except RuleBroken:  # saying the same thing twice
            pass
    db.session.commit()
    login(member)
    page = client.get(f"/rounds/{round.id}/panel/applications/{target.id}")
    excluded = any(level in DEFAULT_EXCLUDED for level in said)
    assert (page.status_code == 403) == excluded
    assert (target.summary in page.text) == (not excluded)


def test_sharing_out_keeps_conflicts_and_caps_and_says_what_happened(client, world, login, post):
    from commission.panels.models import Assignment, PanelSettings

    round = world.round(members_per_panel=5, applications_count=4)
    world.advance(round, "shortlisting")
    apps = world.applications(round)
    db.session.add(PanelSettings.defaults(round.id))
    db.session.commit()
    for member in round.members[:3]:
        service.declare(member, apps[0], "involved")
    db.session.commit()
    login(round.facilitator)
    page = post(f"/rounds/{round.id}/share-out", token_from=f"/rounds/{round.id}", follow_redirects=True)
    assert "new pieces of scoring were shared out" in page.text
    assert "1 application has fewer than 4 scorers because 3 members declared conflicts on it" in page.text
    pairs = {(a.application_id, a.member_id) for a in service.active_assignments(round)}
    assert not {(apps[0].id, m.id) for m in round.members[:3]} & pairs
    assert all(sum(1 for _, m in pairs if m == member.id) <= 20 * 60 // 45 for member in round.members)
    again = post(f"/rounds/{round.id}/share-out", token_from=f"/rounds/{round.id}", follow_redirects=True)
    assert "Nothing new needed sharing out." in again.text
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == len(pairs)
    login(round.members[4])
    mine = client.get(f"/rounds/{round.id}/panel")
    load = sum(1 for _, m in pairs if m == round.members[4].id)
    assert f"You are asked to score {load} application" in mine.text and "hours. Nobody is asked for more than 20" in mine.text
    login(round.members[0])
    assert post(f"/rounds/{round.id}/share-out", token_from=f"/rounds/{round.id}").status_code == 403
