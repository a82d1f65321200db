"""Random steps, pauses, resumes and passing time: no stage ever starts before its rest
period has passed, the round is always in a stage its workflow knows, and the audit
trail always verifies."""
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, rule,
                                 run_state_machine_as_test)

from commission import clock
from commission.audit import service as audit
from commission.errors import RuleBroken
from commission.extensions import db
from commission.rounds import service as rounds
from workflows import WORKFLOWS, get_workflow
from workflows.model import CANCELLED, PAUSED


def rest_kept(round, rest) -> bool:
    """Every entry into `rest.before` came at least the rest's days after leaving `rest.after`."""
    days = round.rest_days(rest.stage)
    left_at = None
    for change in round.stage_changes:
        if change.from_stage == rest.after and change.to_stage != PAUSED:
            left_at = change.at
        if change.to_stage == rest.before and change.from_stage != PAUSED:
            if left_at is None or change.at - left_at < timedelta(days=days):
                return False
    return True


@pytest.mark.parametrize("workflow_name", sorted(WORKFLOWS))
def test_random_walks_keep_rest_periods_and_the_audit_chain(world, workflow_name):
    workflow = get_workflow(workflow_name)
    reached: set[str] = set()

    class RoundWalk(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            clock._offset.set(timedelta(0))
            self.round = world.round(workflow=workflow_name, panels=2,
                                     rest_days={r.stage: 3 for r in workflow.rests})
            self.moves = 0

        def teardown(self):
            db.session.rollback()

        @initialize(start=st.sampled_from(workflow.stages[:-2]))
        def start_somewhere(self, start):
            # Begin the walk at any stage, reached honestly, so walks often meet a rest.
            world.advance(self.round, start)

        def _try(self, action):
            try:
                action()
                db.session.commit()
                self.moves += 1
            except RuleBroken:
                db.session.rollback()

        @rule(step=st.sampled_from([s.name for s in workflow.steps]), member=st.booleans())
        def take_step(self, step, member):
            actor = self.round.members[0] if member else self.round.facilitator
            self._try(lambda: rounds.take_step(actor, self.round, step))

        @rule()
        def next_step(self):
            options = workflow.steps_from(self.round.stage)
            if options:
                self._try(lambda: world.prepare(self.round))
                step = options[0]
                actor = self.round.members[0] if "member" in step.by else self.round.facilitator
                self._try(lambda: rounds.take_step(actor, self.round, step.name))
            reached.add(self.round.stage)

        @rule()
        def prepare(self):
            if self.round.stage not in (PAUSED, CANCELLED):
                self._try(lambda: world.prepare(self.round))

        @rule(hours=st.integers(min_value=1, max_value=24 * 5))
        def pass_time(self, hours):
            clock.advance(timedelta(hours=hours))

        @rule(reason=st.sampled_from(["Welfare break", "Holiday", ""]))
        def pause(self, reason):
            self._try(lambda: rounds.pause(self.round.facilitator, self.round, reason))

        @rule()
        def resume(self):
            self._try(lambda: rounds.resume(self.round.facilitator, self.round))

        @rule()
        def cancel_rarely(self):
            if self.moves > 25:
                self._try(lambda: rounds.cancel(self.round.facilitator, self.round, "Money withdrawn"))

        @invariant()
        def stage_is_known(self):
            assert self.round.stage in (*workflow.stages, PAUSED, CANCELLED)
            assert (self.round.stage == PAUSED) == (self.round.paused_from is not None)

        @invariant()
        def no_stage_started_before_its_rest_ended(self):
            for rest in workflow.rests:
                assert rest_kept(self.round, rest), rest.stage

        @invariant()
        def audit_chain_verifies(self):
            verdict = audit.verify()
            assert verdict.ok, verdict.problem

    run_state_machine_as_test(RoundWalk, settings=settings(
        max_examples=12, stateful_step_count=50, deadline=None, derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
    # The walks must really get past a rest, or the invariant above proved little.
    assert {rest.before for rest in workflow.rests} & reached, sorted(reached)


def test_rest_kept_notices_a_rest_that_was_cut_short(world):
    """The invariant itself can fail: a round moved on too soon is caught."""
    round = world.round()
    world.advance(round, "interviews")
    rest = get_workflow("default").rest_for("rest_after_shortlisting")
    assert rest_kept(round, rest)
    entered = next(c for c in round.stage_changes if c.to_stage == "interviews")
    entered.at = entered.at - timedelta(days=1)
    assert not rest_kept(round, rest)
    db.session.rollback()
