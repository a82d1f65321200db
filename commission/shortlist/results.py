"""A panel's results: its ranking, moderation flags, how far scorers agree, and the shortlist the
budget suggests. Worked out from the stored scores each time (they cannot change once scoring
has closed) by the `scoring` package, under the criteria version the panel adopted.

The panel's share of the budget is the round's budget × (the panel's eligible requested total ÷
the round's eligible requested total) × the round's shortlist percentage ÷ 100, rounded down to
the penny: a panel asked for a third of the money suggests a shortlist worth a third of the
budget, stretched by the percentage (150% by default) so that interviews still leave a choice.

Speed: a national round has about 800,000 criterion scores. With the weighted average, the
ranking, flags, tie-breaks and agreement need only how many scorers gave each point to each
application on each criterion, so the database counts (one GROUP BY row per application and
criterion: 160,000 rows, not 800,000) and `scoring.results_from_tallies` and
`scoring.agreement_from_tallies` work from the counts. Adjusting for generosity needs each
scorer's own scores, so a round that adjusts reads every score that counts instead. Either way
the rows come as plain tuples straight from the database driver (building ORM rows costs more
than the ranking itself), one query per panel, with Python's cyclic garbage collector paused
while they are in hand: they are many small tuples holding no cycles. See
bench/national_results.py.
"""
from __future__ import annotations

import contextlib
import math
import gc
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import func, select

import scoring

from commission.applications.models import Application
from commission.criteria import service as criteria
from commission.criteria.models import CriteriaVersion, Criterion
from commission.errors import RuleBroken
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.rounds.models import Panel, Round
from commission.scores import service as scores_service
from commission.scores.models import CriterionScore, ScoreSheet

METHOD_WORDS = {
    "optimal": "the combination of applications with the highest total score that fits within the share",
    "greedy": "going down the ranking and taking each application that still fits within the share",
}


class CountedScore(NamedTuple):
    """One score that counts, read the way `scoring` reads a `scoring.Score` (cheap to build)."""

    application_id: int
    scorer_id: int
    criterion_id: int
    value: int


class Listed(NamedTuple):
    """What the results show about an application besides its scores."""

    id: int
    title: str
    organisation: str
    amount_requested_pence: int
    status: str


@dataclass(frozen=True)
class Line:
    application: Listed
    result: scoring.Result | None  # None: nobody's scores for it count yet

    @property
    def id(self) -> int:
        return self.application.id


@dataclass(frozen=True)
class PanelResults:
    round_id: int
    panel: Panel
    version: CriteriaVersion
    criteria: list[Criterion]           # in position order
    ranked: list[Line]                  # rank 1 first
    below_minimum: list[Line]           # totalled, but under the round's minimum: not ranked
    not_totalled: list[Line]            # a weighted criterion has no scores yet (or none at all)
    scores_counted: int
    agreement: float | None
    share_pence: int
    panel_requested_pence: int
    round_requested_pence: int
    shortlist_percent: int
    moderation_tolerance: int
    method_asked: str
    method_used: str
    chosen_ids: list[int]               # the suggested shortlist, in ranking order
    chosen_pence: int

    @property
    def lines(self) -> list[Line]:
        return self.ranked + self.below_minimum + self.not_totalled

    @property
    def order(self) -> list[int]:
        """Every eligible application of the panel, best first."""
        return [line.id for line in self.lines]

    @property
    def by_id(self) -> dict[int, Line]:
        return {line.id: line for line in self.lines}

    @property
    def fell_back(self) -> bool:
        return self.method_used != self.method_asked

    @property
    def flags(self) -> list[tuple[Line, scoring.Flag]]:
        return [(line, flag) for line in self.lines if line.result for flag in line.result.flags]

    @property
    def criterion_by_id(self) -> dict[int, Criterion]:
        return {c.id: c for c in self.criteria}

    @property
    def agreement_words(self) -> str:
        return agreement_words(self.agreement)

    @property
    def method_words(self) -> str:
        if self.fell_back:
            return ("The best mix of applications would take too long to work out here. So this suggestion "
                    "goes down the ranking and takes each application that still fits within the share.")
        return f"This suggestion is {METHOD_WORDS[self.method_used]}."

    def mean_words(self, criterion: Criterion, mean: float) -> str:
        """A mean score with the words for the nearest point of the scale."""
        point = nearest_point(mean, criterion.descriptors)
        return f"closest to {point}, ‘{criterion.descriptors[point]}’ (the average was {mean:.1f})"

    def tie_words(self, result: scoring.Result) -> str | None:
        """How an application was told apart from another with exactly the same total."""
        if not result.tie_broken_by:
            return None
        by_position = {c.position: c for c in self.criteria}
        for position, criterion in by_position.items():
            if result.tie_broken_by == f"higher score on criterion {position}":
                return (f"Same total as another application. It comes first because it scored higher on "
                        f"‘{criterion.title}’. The panel agreed this rule before scoring.")
        return ("Same total as another application, and the same on the criteria the panel chose to settle "
                "ties. So a draw made before scoring decided the order. Anyone can check the draw.")


def nearest_point(mean: float, descriptors: list[str]) -> int:
    """The point of the scale nearest `mean`. Exactly half way goes to the lower point, so a
    letter never describes an application better than its scores show."""
    return min(max(math.ceil(mean - 0.5), 0), len(descriptors) - 1)


def agreement_words(alpha: float | None) -> str:
    if alpha is None:
        return ("There are not enough scores to say how far scorers agree. That needs applications scored by "
                "two or more people, and scores that are not all the same.")
    if alpha >= 0.8:
        how = "Scorers agreed closely"
    elif alpha >= 0.667:
        how = "Scorers mostly agreed"
    elif alpha >= 0.2:
        how = "Scorers agreed only partly"
    elif alpha >= 0:
        how = "Scorers agreed little more than if the scores were picked at random"
    else:
        how = "Scorers disagreed more than if the scores were picked at random"
    return (f"{how}. The agreement figure is {alpha:.2f}. It is 1 when everyone gives the same scores, "
            f"and 0 when scores agree no more than if they were picked at random.")


@contextlib.contextmanager
def _collector_paused():
    """Many small tuples without cycles: collecting them as they are made only costs time.
    Safe across threads: whoever found the collector on switches it back on when done.
    `round_results` pauses it once for all its panels: switched back on after each panel, it
    would go over everything the earlier panels made again and again (about 0.2 s on a national
    round)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _plain_rows(query) -> list[tuple]:
    """All rows of `query` as plain tuples from the driver's cursor."""
    result = db.session.connection().execute(query)
    try:
        with _collector_paused():
            return result.cursor.fetchall()
    finally:
        result.close()


def _counted_select(*columns, round_id: int, panel_id: int):
    """The panel's scores that count now (`commission.scores.service.counted_select`), for its
    eligible applications only."""
    return (scores_service.counted_select(*columns, round_id=round_id, panel_id=panel_id)
            .where(Application.status.in_(panel_policy.PANEL_STATUSES)))


def counted_scores(round_id: int, panel_id: int) -> list[CountedScore]:
    """The panel's scores that count now, one row per score, for its eligible applications.
    Only a round that adjusts for generosity needs these (see `counted_tallies`)."""
    rows = _plain_rows(_counted_select(ScoreSheet.application_id, ScoreSheet.member_id,
                                         CriterionScore.criterion_id, CriterionScore.value,
                                         round_id=round_id, panel_id=panel_id))
    with _collector_paused():
        return list(map(CountedScore._make, rows))


def counted_tallies(round_id: int, panel_id: int, scale_max: int) -> list[tuple]:
    """The panel's scores that count now, tallied by the database: for each eligible application
    and criterion scored, (application id, criterion id, n0, n1, ..., n_top), how many scorers
    gave each point of the scale (see `scoring.tallies`). The database keeps one sheet per
    member and application and one score per sheet record and criterion, so a count is a
    count of people."""
    value = CriterionScore.value
    query = (_counted_select(ScoreSheet.application_id, CriterionScore.criterion_id,
                             *(func.count().filter(value == point) for point in range(scale_max + 1)),
                             round_id=round_id, panel_id=panel_id)
             .group_by(ScoreSheet.application_id, CriterionScore.criterion_id))
    return _plain_rows(query)


def requested_by_panel(round: Round) -> dict[int, int]:
    """{panel id: the total eligible applications of that panel asked for, in pence}."""
    return dict(db.session.execute(
        select(Application.panel_id, func.sum(Application.amount_requested_pence))
        .where(Application.round_id == round.id, Application.status.in_(panel_policy.PANEL_STATUSES),
               Application.panel_id.is_not(None))
        .group_by(Application.panel_id)).all())


def share_of_budget(round: Round, panel_requested: int, round_requested: int, percent: int) -> int:
    """See the module's notes: the panel's share of the budget, in whole pence (rounded down)."""
    if round_requested <= 0:
        return 0
    return round.budget_pence * panel_requested * percent // (round_requested * 100)


def panel_applications(round: Round, panel: Panel) -> list[Listed]:
    return list(map(Listed._make, _plain_rows(
        select(Application.id, Application.title, Application.organisation, Application.amount_requested_pence,
               Application.status)
        .where(Application.round_id == round.id, Application.panel_id == panel.id,
               Application.status.in_(panel_policy.PANEL_STATUSES))
        .order_by(Application.id))))


def rules_for(version: CriteriaVersion, moderation_tolerance: int) -> scoring.Rules:
    return scoring.Rules(scale_max=version.scale_max, combination=version.combination,
                         minimum_hundredths=version.minimum_score_hundredths, tie_break=tuple(version.tie_break),
                         draw_seed=version.draw_seed, moderation_tolerance=moderation_tolerance)


def panel_results(round: Round, panel: Panel) -> PanelResults:
    """The panel's results now. Callers decide who may see them (commission.scores.policy)."""
    return round_results(round, [panel])[0]


def round_results(round: Round, panels=None) -> list[PanelResults]:
    """Results for each of `panels` (default: every panel of the round), sharing what they have
    in common: the criteria, the round's settings and the money asked for."""
    version = criteria.current_version(round)
    if version is None:
        raise RuleBroken("The panel has not adopted any criteria, so there is nothing to rank by.")
    settings = panel_policy.settings_for(round)
    requested = requested_by_panel(round)
    specs = [scoring.CriterionSpec(c.id, c.weight, c.position) for c in version.criteria]
    rules = rules_for(version, settings.moderation_tolerance)
    with _collector_paused():   # once for the round, not once a panel (see _collector_paused)
        return [_one_panel(round, panel, version, settings, sum(requested.values()), specs, rules)
                for panel in (round.panels if panels is None else panels)]


def _one_panel(round, panel, version, settings, round_requested, specs, rules) -> PanelResults:
    listed = panel_applications(round, panel)
    panel_requested = sum(application.amount_requested_pence for application in listed)
    share = share_of_budget(round, panel_requested, round_requested, settings.shortlist_percent)
    with _collector_paused():
        if rules.combination == "generosity_adjusted":   # needs each scorer's own scores
            counted = counted_scores(round.id, panel.id)
            ranking = rank_and_fit(counted, specs, rules, listed, share, settings.budget_method)
        else:
            counted = counted_tallies(round.id, panel.id, rules.scale_max)
            ranking = rank_and_fit_tallies(counted, specs, rules, listed, share, settings.budget_method)
        del counted
    return PanelResults(
        round_id=round.id, panel=panel, version=version, criteria=list(version.criteria), ranked=ranking.ranked,
        below_minimum=ranking.below_minimum, not_totalled=ranking.not_totalled,
        scores_counted=ranking.scores_counted, agreement=ranking.agreement, share_pence=share,
        panel_requested_pence=panel_requested, round_requested_pence=round_requested,
        shortlist_percent=settings.shortlist_percent, moderation_tolerance=rules.moderation_tolerance,
        method_asked=settings.budget_method, method_used=ranking.method_used, chosen_ids=ranking.chosen_ids,
        chosen_pence=ranking.chosen_pence)


@dataclass(frozen=True)
class Ranking:
    ranked: list[Line]
    below_minimum: list[Line]
    not_totalled: list[Line]
    scores_counted: int
    agreement: float | None
    method_used: str
    chosen_ids: list[int]
    chosen_pence: int


def rank_and_fit(scores, specs, rules: scoring.Rules, listed: list[Listed], share: int, method: str) -> Ranking:
    """The ranking, agreement and budget fit of one panel, from its scores (no database): the
    `scoring` package does the work. Applications below the minimum, or with no total, are
    not ranked and not considered for the shortlist. If the optimal fit gives up
    (scoring.TooHardToFit), the greedy fit is used instead, and the page says so."""
    return _fit(scoring.results(scores, specs, rules), scoring.agreement(scores), len(scores), listed, share, method)


def rank_and_fit_tallies(tallies, specs, rules: scoring.Rules, listed: list[Listed], share: int,
                         method: str) -> Ranking:
    """The same as `rank_and_fit`, from the tallies of the scores (`counted_tallies`): only for a
    round that does not adjust for generosity."""
    table = scoring.count_table(tallies, rules.scale_max)   # checked once, used twice
    return _fit(scoring.results_from_tallies(table, specs, rules), scoring.agreement_from_tallies(table),
                int(table.counts.sum()), listed, share, method)


def _fit(found: list[scoring.Result], alpha: float | None, scores_counted: int, listed: list[Listed], share: int,
         method: str) -> Ranking:
    by_id = {application.id: application for application in listed}
    ranked, below, untotalled = [], [], []
    for result in found:
        line = Line(by_id.pop(result.application_id), result)
        (ranked if result.rank is not None else below if result.below_minimum else untotalled).append(line)
    untotalled += [Line(application, None) for application in listed if application.id in by_id]  # no scores

    items = [(line.id, line.application.amount_requested_pence, line.result.exact_total) for line in ranked]
    try:
        chosen = scoring.fit_budget(items, share, method)
    except scoring.TooHardToFit:
        method = "greedy"
        chosen = scoring.fit_budget(items, share, method)
    costs = {line.id: line.application.amount_requested_pence for line in ranked}
    return Ranking(ranked, below, untotalled, scores_counted, alpha, method, chosen, sum(costs[i] for i in chosen))
