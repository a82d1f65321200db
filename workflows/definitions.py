"""The workflows a round can run. Each is data; the engine is the same for all."""
from __future__ import annotations

from workflows import guards as g
from workflows.model import Rest, Step, Workflow, WorkflowError

SHORTLIST_REST = Rest("rest_after_shortlisting", after="shortlisting", before="interviews", days=7)
INTERVIEW_REST = Rest("rest_after_interviews", after="interviews", before="deciding", days=7)
LIGHT_REST = Rest("rest_after_shortlisting", after="shortlisting", before="deciding", days=7)


def _opening_steps(*start_guards) -> tuple[Step, ...]:
    return (
        Step("start_co_design", "draft", "co_design", "Start choosing the criteria",
             guards=(g.has_facilitator, g.panels_ready, *start_guards)),
        Step("open_applications", "co_design", "open", "Open the round for applications",
             guards=(g.criteria_adopted, g.form_ready, g.call_published, g.closing_date_set)),
        Step("start_eligibility", "open", "eligibility", "Close applications and check eligibility",
             guards=(g.applications_closed, g.has_applications)),
        Step("start_shortlisting", "eligibility", "shortlisting", "Start shortlisting",
             guards=(g.all_checked, g.some_eligible)),
        Step("finish_shortlisting", "shortlisting", "rest_after_shortlisting",
             "Finish shortlisting and start the panel's rest", guards=(g.shortlists_agreed, g.some_shortlisted)),
    )


def _closing_steps(source: str) -> tuple[Step, ...]:
    return (
        Step("confirm_decisions", source, "decided", "Confirm the panel's decisions",
             guards=(g.all_decided, g.within_budget), by=("member",)),
        Step("close_round", "decided", "closed", "Close the round",
             guards=(g.no_reopen_vote_open, g.everyone_told)),
    )


FULL_STAGES = ("draft", "co_design", "open", "eligibility", "shortlisting", "rest_after_shortlisting",
               "interviews", "rest_after_interviews", "deciding", "decided", "closed")


def _with_interviews(name: str, title: str, *start_guards, **extra) -> Workflow:
    return Workflow(
        name=name, title=title, stages=FULL_STAGES, final=("closed",),
        rests=(SHORTLIST_REST, INTERVIEW_REST),
        steps=_opening_steps(*start_guards) + (
            Step("start_interviews", "rest_after_shortlisting", "interviews", "Start interviews",
                 guards=(g.rest_period(SHORTLIST_REST), g.interview_questions_agreed)),
            Step("finish_interviews", "interviews", "rest_after_interviews",
                 "Finish interviews and start the panel's rest", guards=(g.some_shortlisted,)),
            Step("start_deciding", "rest_after_interviews", "deciding", "Start deciding",
                 guards=(g.rest_period(INTERVIEW_REST),)),
        ) + _closing_steps("deciding"),
        **extra,
    )


DEFAULT = _with_interviews(
    "default", "Full round with interviews",
    description="The panel co-designs criteria, shortlists, interviews and decides.")

DUAL_KEY = _with_interviews(
    "dual_key", "Two panels must both agree", g.two_panels,
    decision_rule="dual_key", min_panels=2,
    description="As the full round, but a second panel (for example a service user panel) "
                "must also agree. If it does not, the decision does not go ahead.")

NO_INTERVIEWS = Workflow(
    name="no_interviews", title="Scoring only, no interviews",
    stages=("draft", "co_design", "open", "eligibility", "shortlisting", "rest_after_shortlisting",
            "deciding", "decided", "closed"),
    final=("closed",), rests=(LIGHT_REST,),
    steps=_opening_steps() + (
        Step("start_deciding", "rest_after_shortlisting", "deciding", "Start deciding",
             guards=(g.rest_period(LIGHT_REST),)),
    ) + _closing_steps("deciding"),
    description="A lighter round: the panel scores, shortlists and decides without interviews.",
)

WORKFLOWS: dict[str, Workflow] = {wf.name: wf for wf in (DEFAULT, NO_INTERVIEWS, DUAL_KEY)}


def get_workflow(name: str) -> Workflow:
    try:
        return WORKFLOWS[name]
    except KeyError:
        known = ", ".join(sorted(WORKFLOWS))
        raise WorkflowError(f"There is no workflow called '{name}'. The workflows are: {known}.") from None
