"""Workflow definitions: checked when they load, shown as Mermaid, guards in plain English."""
from datetime import datetime, timedelta, timezone

import pytest

from workflows import WORKFLOWS, Rest, Step, Workflow, WorkflowError, get_workflow
from workflows import guards as g
from workflows.machine import MACHINES, fire, mermaid


def test_the_three_workflows_load():
    assert set(WORKFLOWS) == {"default", "no_interviews", "dual_key"}
    assert get_workflow("default").stages == (
        "draft", "co_design", "open", "eligibility", "shortlisting", "rest_after_shortlisting",
        "interviews", "rest_after_interviews", "deciding", "decided", "closed")
    assert "interviews" not in get_workflow("no_interviews").stages
    assert get_workflow("dual_key").decision_rule == "dual_key"


def test_one_machine_per_definition_not_per_round():
    assert set(MACHINES) == set(WORKFLOWS)
    assert all(not machine.models for machine in MACHINES.values())


def test_unknown_workflow_is_refused_by_name():
    with pytest.raises(WorkflowError, match="There is no workflow called 'fast'. The workflows are: default"):
        get_workflow("fast")


def test_every_step_has_guards():
    for wf in WORKFLOWS.values():
        for step in wf.steps:
            assert step.guards, f"{wf.name}.{step.name} has no guard"


def _wf(**overrides):
    spec = dict(name="t", title="Test", stages=("a", "b", "c"), final=("c",),
                steps=(Step("go", "a", "b", "Go", (g.has_applications,)),
                       Step("end", "b", "c", "End", (g.has_applications,))))
    spec.update(overrides)
    return Workflow(**spec)


def test_a_sound_definition_loads():
    assert _wf().initial == "a"


@pytest.mark.parametrize("overrides, message", [
    (dict(steps=(Step("go", "a", "x", "Go"), Step("end", "b", "c", "End"))), "uses 'x', which is not one of its stages"),
    (dict(steps=(Step("go", "a", "c", "Go"),)), "nobody can reach stage 'b'"),
    (dict(final=()), "has no end"),
    (dict(final=("z",)), "ends at 'z'"),
    (dict(steps=(Step("go", "a", "b", "Go"), Step("back", "b", "a", "Back"))), "has no end from stage 'a'"),
    (dict(stages=("a", "paused", "c")), "every workflow has it already"),
    (dict(stages=("a", "a", "c")), "lists a stage twice"),
    (dict(stages=()), "has no stages"),
    (dict(steps=(Step("go", "a", "b", "Go"), Step("go", "b", "c", "End"))), "two steps with the same name"),
])
def test_a_broken_definition_is_refused_with_a_clear_message(overrides, message):
    with pytest.raises(WorkflowError, match=message):
        _wf(**overrides)


def test_a_rest_period_cannot_be_skipped_by_definition():
    rest = Rest("rest", after="a", before="c", days=7)
    with pytest.raises(WorkflowError, match="reaches 'c' without the rest"):
        _wf(stages=("a", "rest", "c"), rests=(rest,),
            steps=(Step("rest", "a", "rest", "Rest"), Step("skip", "a", "c", "Skip"),
                   Step("go", "rest", "c", "Go", (g.rest_period(rest),))))
    with pytest.raises(WorkflowError, match="without checking it"):
        _wf(stages=("a", "rest", "c"), rests=(rest,),
            steps=(Step("rest", "a", "rest", "Rest"), Step("go", "rest", "c", "Go")))
    ok = _wf(stages=("a", "rest", "c"), rests=(rest,),
             steps=(Step("rest", "a", "rest", "Rest"), Step("go", "rest", "c", "Go", (g.rest_period(rest),))))
    assert ok.rest_for("rest") == rest


def test_mermaid_shows_every_step():
    text = mermaid(get_workflow("default"))
    assert text.startswith("stateDiagram-v2")
    for step in get_workflow("default").steps:
        assert f"{step.source} --> {step.dest}: {step.name}" in text


class FakeRound:
    def __init__(self, stage="draft", paused_from=None):
        self.stage, self.paused_from = stage, paused_from


def test_machine_moves_only_from_the_right_stage():
    r = FakeRound()
    fire("default", "start_co_design", r)
    assert r.stage == "co_design"
    with pytest.raises(WorkflowError):
        fire("default", "start_interviews", r)
    assert r.stage == "co_design"


def test_pause_resumes_to_the_same_stage_and_final_stages_cannot_pause():
    r = FakeRound("interviews", paused_from="interviews")
    fire("default", "pause", r)
    assert r.stage == "paused"
    fire("default", "resume", r)
    assert r.stage == "interviews"
    with pytest.raises(WorkflowError):
        fire("default", "pause", FakeRound("closed"))
    with pytest.raises(WorkflowError):
        fire("default", "cancel", FakeRound("closed"))


NOW = datetime(2026, 3, 5, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("guard, facts, reason", [
    (g.panels_ready, g.Facts(NOW), "The round has no panel yet. Add a panel and invite its members."),
    (g.panels_ready, g.Facts(NOW, panel_sizes={"City": 2, "Coast": 5}),
     "Each panel needs at least 3 members. City has fewer."),
    (g.two_panels, g.Facts(NOW, panel_sizes={"City": 3}), "This round needs two panels that must both agree"),
    (g.has_facilitator, g.Facts(NOW), "The round needs a facilitator before it can start."),
    (g.closing_date_set, g.Facts(NOW), "Set the closing date for applications before the round opens."),
    (g.criteria_adopted, g.Facts(NOW), "The panel has not adopted its criteria yet."),
    (g.form_ready, g.Facts(NOW), "The application form does not ask about the adopted criteria yet."),
    (g.call_published, g.Facts(NOW), "Publish the call for applications"),
    (g.closing_date_set, g.Facts(NOW, applications_close_at=NOW - timedelta(days=1)),
     "The closing date for applications has already passed."),
    (g.applications_closed, g.Facts(NOW, applications_close_at=NOW + timedelta(days=2)),
     "Eligibility checks can start on Saturday 7 March 2026 at 12:00. Applications are open until then."),
    (g.has_applications, g.Facts(NOW), "No applications have been sent in yet."),
    (g.all_checked, g.Facts(NOW, unchecked=1), "1 application still needs an eligibility check."),
    (g.some_eligible, g.Facts(NOW), "No application meets the eligibility rules"),
    (g.some_shortlisted, g.Facts(NOW), "The panel has not agreed a shortlist yet."),
    (g.all_decided, g.Facts(NOW, undecided=2), "The panel has not decided on 2 applications yet."),
    (g.within_budget, g.Facts(NOW, awarded_pence=150, budget_pence=100), "£0.50 more than the round's budget"),
    (g.everyone_told, g.Facts(NOW, untold=3), "3 applicants have not had their result yet."),
])
def test_each_guard_gives_its_reason_and_allows_when_met(guard, facts, reason):
    assert reason in guard(None, facts)


def test_guards_allow_when_their_rule_is_met():
    met = g.Facts(NOW, panel_sizes={"A": 3, "B": 3}, facilitators=1, applications_close_at=NOW + timedelta(days=1),
                  received=1, eligible=1, shortlisted=1, budget_pence=100, awarded_pence=100, criteria_versions=1,
                  questions_ready=True, call_published=True)
    for guard in (g.panels_ready, g.two_panels, g.has_facilitator, g.closing_date_set, g.has_applications,
                  g.criteria_adopted, g.form_ready, g.call_published,
                  g.all_checked, g.some_eligible, g.some_shortlisted, g.all_decided, g.within_budget,
                  g.everyone_told):
        assert guard(None, met) is None, guard.__name__
    closed = g.Facts(NOW, applications_close_at=NOW)
    assert g.applications_closed(None, closed) is None


class RestingRound:
    def __init__(self, left_at, days):
        self.left_at, self.days = left_at, days

    def last_left(self, stage):
        return self.left_at

    def rest_days(self, stage):
        return self.days


def test_rest_guard_names_the_day_in_uk_time_across_the_clock_change():
    rest = Rest("rest_after_shortlisting", after="shortlisting", before="interviews", days=7)
    guard = g.rest_period(rest)
    # Shortlisting ended at 11:00 UTC on Thursday 26 March 2026; clocks go forward on the 29th.
    left = datetime(2026, 3, 26, 11, 0, tzinfo=timezone.utc)
    reason = guard(RestingRound(left, 7), g.Facts(left + timedelta(days=6, hours=23)))
    assert reason == ("Interviews can start on Thursday 2 April 2026 at 12:00. "
                      "The panel's 7-day rest after shortlisting ends then.")
    assert guard(RestingRound(left, 7), g.Facts(left + timedelta(days=7))) is None
    assert "10-day rest" in guard(RestingRound(left, 10), g.Facts(left + timedelta(days=8)))


def test_workflows_show_prints_mermaid_and_refuses_an_unknown_name(app):
    runner = app.test_cli_runner()
    shown = runner.invoke(args=["workflows", "show", "default"])
    assert shown.exit_code == 0
    assert shown.output.startswith("stateDiagram-v2")
    assert ("rest_after_shortlisting --> interviews: start_interviews [rest_period_7_days, "
            "interview_questions_agreed]") in shown.output
    listed = runner.invoke(args=["workflows", "list"])
    assert "dual_key: Two panels must both agree." in listed.output
    unknown = runner.invoke(args=["workflows", "show", "speedy"])
    assert unknown.exit_code == 1
    assert "There is no workflow called 'speedy'. The workflows are: default, dual_key, no_interviews." in unknown.output
