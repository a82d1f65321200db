"""Holes an independent review found in shortlisting, each closed and kept closed."""
import re

from commission.criteria import service as criteria
from commission.extensions import db
from commission.panels import service as panels
from commission.scores import policy as score_policy
from commission.scores.models import ScoreRecord
from tests.test_shortlist import results_url, scoring_round


def test_a_member_with_a_link_learns_nothing_of_where_that_application_stands(client, world, login):
    round = scoring_round(world, members=4, applications=4)
    linked = round.members[3]
    target = world.applications(round)[1]
    panels.declare(linked, target, "close")
    world.agree_shortlists(round, until="closed")
    db.session.commit()
    login(linked)
    page = client.get(results_url(round)).text
    # Its title once, in the list of links; nowhere in the ranking, the suggestion or the vote.
    assert page.count(target.title) == 1
    places = [int(n) for n in re.findall(
        r'<td class="govuk-table__cell govuk-table__cell--numeric">(\d+)</td>\s*<td class="govuk-table__cell"><strong>',
        page)]
    assert places == list(range(1, len(places) + 1))  # no gap where it would have been
    assert "asking for" not in page  # the suggestion's total would give its amount away


def test_a_unicode_digit_or_an_unknown_box_is_refused_plainly_not_a_crash(client, login, post, world):
    round = world.round(members_per_panel=5)
    world.ready_to_score(round)
    version = criteria.current_version(round)
    application = world.applications(round)[0]
    member = next(m for m in round.members if score_policy.assignment_for(m, application))
    first, second = version.criteria
    login(member)
    url = f"/rounds/{round.id}/applications/{application.id}/score"
    superscript = post(url, {f"criterion_{first.id}": "²", f"criterion_{second.id}": "1", "action": "submit"})
    assert superscript.status_code == 400 and "must be a whole number from 0" in superscript.text
    unknown = post(url, {"criterion_abc": "1", f"criterion_{first.id}": "", "action": "submit"})
    assert unknown.status_code == 400 and f"Choose a score for ‘{first.title}’" in unknown.text
    assert db.session.query(ScoreRecord).count() == 0
