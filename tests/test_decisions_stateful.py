"""Random proposals, votes, links with groups, confirmations, reopen requests and votes, by random
members (and staff), under random budgets, rules and workflows. Whatever happens:

1. a locked decision never changes, except when a recorded panel vote to reopen named it;
2. the total awarded never goes above the round's budget;
3. nobody votes on a decision while a link keeps them out of it;
and every application's status follows its decision, and the audit trail verifies."""
from hypothesis import HealthCheck, event, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, \
    run_state_machine_as_test
from sqlalchemy import select

from commission.audit import service as audit
from commission.criteria import service as criteria
from commission.decisions import policy
from commission.decisions import reopen as reopening
from commission.decisions import service as decisions
from commission.decisions.models import OUTCOME_STATUS, Decision, DecisionMotion, DecisionVote, ReopenMotion, \
    ReopenVote
from commission.errors import NotAllowed, RuleBroken
from commission.extensions import db
from commission.panels import policy as panel_policy
from commission.panels import service as panels
from commission.panels.models import CONFLICT_LEVELS, ConflictDeclaration

member_index = st.integers(0, 5)
application_index = st.integers(0, 2)
outcomes = st.sampled_from(["fund", "fund", "part_fund", "not_fund"])


def test_decisions_stay_locked_within_budget_and_free_of_conflicts(world):
    class Deciding(RuleBasedStateMachine):
        @initialize(budget=st.sampled_from([30_000_00, 35_000_50, 45_000_00]), rule_=st.sampled_from(["majority", "consensus"]),
                    workflow=st.sampled_from(["default", "dual_key"]))
        def build(self, budget, rule_, workflow):
            panels_count = 2 if workflow == "dual_key" else 1
            self.round = world.round(workflow=workflow, panels=panels_count, budget_pence=budget)
            self.round.vote_rule = rule_
            db.session.commit()
            world.advance(self.round, "deciding")
            self.members = self.round.members
            # Only applications on the shortlist are decided: the others would only be refused.
            self.applications = [a for a in world.applications(self.round) if a.status == "shortlisted"]
            self.criterion = criteria.current_version(self.round).criteria[0].id
            self.excluded = panel_policy.settings_for(self.round).excluded_levels
            self.locked: dict[int, tuple] = {}   # application id -> (decision id, outcome, amount)
            self.seen: dict[int, tuple] = {}     # decision id -> what it decided, forever

        def teardown(self):
            db.session.rollback()

        def _try(self, action):
            try:
                result = action()
                db.session.commit()
                return result
            except RuleBroken:
                db.session.rollback()
                return None

        def _member(self, m):
            return self.members[m % len(self.members)]

        def _application(self, a):
            return self.applications[a % len(self.applications)]

        @rule(m=member_index, a=application_index, outcome=outcomes, amount=st.integers(1_00, 30_000_00))
        def propose(self, m, a, outcome, amount):
            application = self._application(a)
            self._try(lambda: decisions.propose(self._member(m), self.round, application, outcome,
                                                reason="Because of the criteria.", criterion_ids=[self.criterion],
                                                amount_pence=amount, covers="Part of the work"))

        @rule(m=member_index, a=application_index, choice=st.sampled_from(["yes", "yes", "no"]))
        def vote(self, m, a, choice):
            member, application = self._member(m), self._application(a)
            motion = decisions.open_motion(application.id)
            if motion is None:
                return
            excluded = panel_policy.level_for(member, application) in self.excluded
            ballot = self._try(lambda: decisions.vote(member, self.round, motion, choice))
            assert not (ballot and excluded), "a member with a link voted"

        @rule()
        def meeting(self):
            """The panel meets: every member tries to vote yes on every open proposal."""
            for a in range(len(self.applications)):
                for m in range(len(self.members)):
                    self.vote(m, a, "yes")

        @rule(m=member_index, a=application_index, level=st.sampled_from(sorted(CONFLICT_LEVELS)))
        def declare(self, m, a, level):
            member, application = self._member(m), self._application(a)
            if panel_policy.panel_of(member, self.round) == application.panel_id:
                self._try(lambda: panels.declare(member, application, level))
            else:
                self._try(lambda: decisions.declare_link(member, self.round, application, level))

        @rule(m=member_index)
        def confirm(self, m):
            self._try(lambda: reopening.confirm(self._member(m), self.round))

        @rule(m=member_index, chosen=st.sets(application_index, min_size=1, max_size=3))
        def ask_to_reopen(self, m, chosen):
            ids = [d.id for d in policy.currents(self.round).values()
                   if any(d.application_id == self._application(a).id for a in chosen)]
            self._try(lambda: reopening.propose_reopen(self._member(m), self.round, ids, "We have new facts."))

        @rule(m=member_index, choice=st.sampled_from(["yes", "yes", "no"]))
        def vote_to_reopen(self, m, choice):
            member = self._member(m)
            for motion in db.session.scalars(select(ReopenMotion).where(ReopenMotion.round_id == self.round.id,
                                                                        ReopenMotion.status == "open")):
                self._try(lambda: reopening.vote_reopen(member, self.round, motion, choice))

        @rule(plan=st.lists(st.sampled_from(["fund", "part_fund", "not_fund"]), min_size=3, max_size=3))
        def decide_the_rest(self, plan):
            """The panel works through every application still undecided (World.decide_all), each
            the way the plan says (a part award is half the request)."""
            def choose(application):
                outcome = plan[[a.id for a in self.applications].index(application.id)]
                return outcome, application.amount_requested_pence // 2 if outcome == "part_fund" else None
            try:
                world.decide_all(self.round, choose=choose)
                db.session.commit()
            except (RuleBroken, StopIteration):  # over the budget, or nobody left who may propose
                db.session.rollback()

        @rule()
        def everyone_says_yes_to_reopen(self):
            for m in range(len(self.members)):
                self.vote_to_reopen(m, "yes")

        @rule(a=application_index)
        def staff_try_to_change_things(self, a):
            application = self._application(a)
            for person in (self.round.facilitator, self.round.funder):
                for attempt in (
                        lambda: decisions.propose(person, self.round, application, "not_fund", reason="Staff",
                                                  criterion_ids=[self.criterion]),
                        lambda: reopening.confirm(person, self.round),
                        lambda: reopening.propose_reopen(person, self.round, [], "Staff")):
                    try:
                        attempt()
                        raise AssertionError("staff changed a decision")
                    except NotAllowed:
                        db.session.rollback()
                motion = decisions.open_motion(application.id)
                if motion is not None:
                    try:
                        decisions.vote(person, self.round, motion, "no")
                        raise AssertionError("staff voted")
                    except NotAllowed:
                        db.session.rollback()

        @precondition(lambda self: hasattr(self, "round"))
        @invariant()
        def locked_decisions_change_only_through_a_recorded_reopen_vote(self):
            db.session.expire_all()
            every = list(db.session.scalars(select(Decision).where(Decision.round_id == self.round.id)))
            for decision in every:
                made = (decision.application_id, decision.motion_id, decision.outcome, decision.amount_pence)
                assert self.seen.setdefault(decision.id, made) == made
            by_id = {d.id: d for d in every}
            for application_id, (decision_id, outcome, amount) in list(self.locked.items()):
                decision = by_id[decision_id]
                if decision.ended_at is None:
                    assert policy.is_locked(self.round, decision)
                    continue
                assert decision.ended_how == "reopened"
                vote = db.session.get(ReopenMotion, decision.ended_by_reopen_id)
                assert vote.status == "agreed" and decision_id in vote.decision_ids
                del self.locked[application_id]
            for decision in every:
                if policy.is_locked(self.round, decision):
                    self.locked[decision.application_id] = (decision.id, decision.outcome, decision.amount_pence)

        @precondition(lambda self: hasattr(self, "round"))
        @invariant()
        def total_awarded_within_budget(self):
            assert 0 <= policy.awarded_pence(self.round) <= self.round.budget_pence

        @precondition(lambda self: hasattr(self, "round"))
        @invariant()
        def no_vote_counted_from_a_member_with_a_link(self):
            for motion in db.session.scalars(select(DecisionMotion).where(DecisionMotion.round_id == self.round.id,
                                                                          DecisionMotion.status != "replaced")):
                for position in (motion.positions or {}).values():
                    assert position["voted"] <= position["can_vote"]
            for vote, application_id in db.session.execute(select(DecisionVote, DecisionMotion.application_id).join(
                    DecisionMotion).where(DecisionMotion.round_id == self.round.id)):
                assert self._level_then(vote.member_id, application_id, vote.at) not in self.excluded
            for vote in db.session.scalars(select(ReopenVote).join(ReopenMotion)
                                           .where(ReopenMotion.round_id == self.round.id)):
                named = db.session.get(ReopenMotion, vote.motion_id).decision_ids
                for application_id in db.session.scalars(select(Decision.application_id)
                                                         .where(Decision.id.in_(named))):
                    assert self._level_then(vote.member_id, application_id, vote.at) not in self.excluded

        def _level_then(self, member_id, application_id, at):
            return db.session.scalar(select(ConflictDeclaration.level).where(
                ConflictDeclaration.member_id == member_id, ConflictDeclaration.application_id == application_id,
                ConflictDeclaration.declared_at <= at).order_by(ConflictDeclaration.id.desc()).limit(1))

        @precondition(lambda self: hasattr(self, "round"))
        @invariant()
        def statuses_follow_decisions_and_the_trail_verifies(self):
            standing = policy.currents(self.round)
            for application in self.applications:
                decision = standing.get(application.id)
                if decision is None or (decision.after_reopen_id and decision.confirmed_at is None):
                    assert application.status == "shortlisted"
                else:
                    assert application.status == OUTCOME_STATUS[decision.outcome]
            assert audit.verify().ok
            event(f"reached {self.round.stage}")
            if any(d.ended_how == "reopened" for d in db.session.scalars(select(Decision).where(
                    Decision.round_id == self.round.id))):
                event("a decision was reopened")

    run_state_machine_as_test(Deciding, settings=settings(
        max_examples=15, stateful_step_count=40, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
