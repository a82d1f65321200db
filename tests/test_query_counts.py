"""Lists must not get slower as a round grows: the number of queries a page runs does not
depend on how many applications, proposals or entries it shows."""
import pytest

from commission.extensions import db


def queries_for(client, count_queries, path):
    with count_queries() as counted:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(counted)


def grow(world, round, extra: int):
    """More applicants, applications and proposals of the same kinds."""
    from commission.applications import questions, service as applications
    from commission.criteria import service as criteria

    for n in range(extra):
        applicant = world.user("applicant")
        application = applications.create(applicant, round, organisation=f"Extra {n}", contact_name="Sam",
                                          title=f"Extra {n}", summary="Lunch.", amount_requested_pence=1_000_00,
                                          timescale_months=6, panel=round.panels[0])
        applications.update_draft(applicant, application,
                                  answers={q.id: "We do." for q in questions.questions_for(round)})
        applications.submit(applicant, application)
    db.session.commit()


@pytest.mark.parametrize("role, paths", [
    ("facilitator", ["/", "/rounds/{id}", "/rounds/{id}/criteria", "/rounds/{id}/documents",
                     "/rounds/{id}/audit", "/rounds/{id}/application-form"]),
    ("member", ["/", "/rounds/{id}", "/rounds/{id}/criteria", "/rounds/{id}/documents"]),
])
def test_pages_run_the_same_number_of_queries_whatever_the_size(client, world, login, count_queries, role, paths):
    round = world.round()
    world.advance(round, "open")
    grow(world, round, 2)
    login(round.facilitator if role == "facilitator" else round.members[0])
    small = {p: queries_for(client, count_queries, p.format(id=round.id)) for p in paths}
    grow(world, round, 8)
    large = {p: queries_for(client, count_queries, p.format(id=round.id)) for p in paths}
    assert large == small


def test_the_eligibility_list_runs_the_same_number_of_queries_for_3_or_12_applications(client, world, login,
                                                                                       count_queries):
    counts = []
    for size in (3, 12):
        round = world.round()
        world.advance(round, "open")
        grow(world, round, size)
        world.advance(round, "eligibility")
        login(round.facilitator)
        counts.append(queries_for(client, count_queries, f"/rounds/{round.id}/eligibility"))
    assert counts[0] == counts[1]


def _scoring_round(world, applications: int, member=None):
    """A round at shortlisting with the work shared out, accepted and partly scored. `member`
    (if given) joins its panel first."""
    from commission.criteria import service as criteria
    from commission.panels import service as panels
    from commission.rounds import service as rounds
    from commission.scores import service as scores

    round = world.round(applications_count=applications)
    if member is not None:
        rounds.add_person(round.facilitator, round, member, "member", round.panels[0])
        round.members.append(member)
        db.session.commit()
    world.ready_to_score(round)
    version = criteria.current_version(round)
    for someone in round.members:
        for application in panels.my_assignments(someone, round)[:applications // 2]:
            scores.submit(someone, application, {c.id: 2 for c in version.criteria}, "Good.")
    db.session.commit()
    return round


def test_a_members_home_page_runs_the_same_number_of_queries_for_one_round_or_three(client, world, login,
                                                                                   count_queries):
    counts = []
    for how_many, applications in ((1, 2), (3, 6)):
        member = world.user("member")
        for _ in range(how_many):
            _scoring_round(world, applications, member)
        login(member)
        counts.append(queries_for(client, count_queries, "/"))
    assert counts[0] == counts[1]


def test_the_audit_trail_of_a_scoring_round_runs_the_same_number_of_queries_whatever_the_size(
        client, world, login, count_queries):
    counts = []
    for applications in (2, 8):
        round = _scoring_round(world, applications)
        login(round.facilitator)
        counts.append(queries_for(client, count_queries, f"/rounds/{round.id}/audit"))
    assert counts[0] == counts[1]
