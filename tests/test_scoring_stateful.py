"""Random declarations, drafts, submissions and changes by random members: nobody's score ever
counts for an application they declared a conflict on (invariant 3), nobody has live work on
such an application or more work than their cap, every stored score is on the scale, and the
audit trail always verifies."""
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from commission.audit import service as audit
from commission.criteria import service as criteria
from commission.errors import RuleBroken
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.panels import service as panels
from commission.panels.models import CONFLICT_LEVELS
from commission.scores import service as scores
from commission.scores.models import CriterionScore

MEMBERS, APPLICATIONS = 5, 3
member_index = st.integers(0, MEMBERS - 1)
application_index = st.integers(0, APPLICATIONS - 1)
points = st.lists(st.integers(-1, 6), min_size=2, max_size=2)


def test_conflicted_members_never_count_and_work_stays_within_the_rules(world):
    class Panel(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.round = world.round(members_per_panel=MEMBERS, applications_count=APPLICATIONS)
            world.ready_to_score(self.round)
            self.applications = world.applications(self.round)
            self.version = criteria.current_version(self.round)
            self.excluded = panel_policy.settings_for(self.round).excluded_levels

        def teardown(self):
            db.session.rollback()

        def _try(self, action):
            try:
                action()
                db.session.commit()
            except RuleBroken:
                db.session.rollback()

        def _values(self, chosen):
            return {c.id: str(v) for c, v in zip(self.version.criteria, chosen)}

        @rule(m=member_index, a=application_index, level=st.sampled_from(sorted(CONFLICT_LEVELS)))
        def declare(self, m, a, level):
            self._try(lambda: panels.declare(self.round.members[m], self.applications[a], level))

        @rule(m=member_index, a=application_index, chosen=points)
        def send_in(self, m, a, chosen):
            self._try(lambda: scores.submit(self.round.members[m], self.applications[a], self._values(chosen)))

        @rule(m=member_index, a=application_index, chosen=points)
        def save_draft(self, m, a, chosen):
            self._try(lambda: scores.save_draft(self.round.members[m], self.applications[a], self._values(chosen)))

        @rule(m=member_index, a=application_index, chosen=points, seen=st.integers(0, 3))
        def change(self, m, a, chosen, seen):
            self._try(lambda: scores.revise(self.round.members[m], self.applications[a], self._values(chosen),
                                            None, "We talked it over", seen))

        @rule()
        def share_out(self):
            self._try(lambda: panels.share_out(self.round.facilitator, self.round))

        @rule(m=member_index)
        def accept(self, m):
            self._try(lambda: panels.accept_work(self.round.members[m], self.round))

        @invariant()
        def no_conflicted_score_counts(self):
            for application_id, member_id, _, _ in scores.counted(self.round.id):
                member = next(m for m in self.round.members if m.id == member_id)
                application = next(a for a in self.applications if a.id == application_id)
                assert panel_policy.level_for(member, application) not in self.excluded

        @invariant()
        def live_work_respects_conflicts_and_caps(self):
            live = panels.active_assignments(self.round)
            for work in live:
                member = next(m for m in self.round.members if m.id == work.member_id)
                assert panel_policy.level_for(member, work.application) not in self.excluded
            settings_ = panel_policy.settings_for(self.round)
            cap = settings_.workload_cap_hours * 60 // settings_.minutes_per_application
            loads = {}
            for work in live:
                loads[work.member_id] = loads.get(work.member_id, 0) + 1
            assert all(load <= cap for load in loads.values())

        @invariant()
        def every_score_is_on_the_scale(self):
            values = db.session.scalars(select(CriterionScore.value)).all()
            assert all(0 <= v <= self.version.scale_max for v in values)

        @invariant()
        def audit_verifies(self):
            assert audit.verify().ok

    run_state_machine_as_test(Panel, settings=settings(
        max_examples=8, stateful_step_count=20, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
