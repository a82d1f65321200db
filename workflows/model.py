"""What a workflow is: stages, steps with guards, and rest periods. Checked when it loads."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PAUSED = "paused"
CANCELLED = "cancelled"
RESERVED = (PAUSED, CANCELLED)

STAGE_LABELS = {
    "draft": "Getting ready",
    "co_design": "Choosing the criteria",
    "open": "Open for applications",
    "eligibility": "Checking eligibility",
    "shortlisting": "Shortlisting",
    "rest_after_shortlisting": "Rest after shortlisting",
    "interviews": "Interviews",
    "rest_after_interviews": "Rest after interviews",
    "deciding": "Deciding",
    "decided": "Decided",
    "closed": "Closed",
    PAUSED: "Paused",
    CANCELLED: "Cancelled",
}

# A guard looks at a round and the facts about it, and returns None (go ahead)
# or a plain-English reason why the step cannot happen yet.
Guard = Callable[[Any, Any], "str | None"]


class WorkflowError(ValueError):
    """A workflow definition that cannot run, or an unknown workflow name."""


@dataclass(frozen=True)
class Step:
    name: str
    source: str
    dest: str
    label: str
    guards: tuple[Guard, ...] = ()
    by: tuple[str, ...] = ("facilitator",)  # which round role may take this step


@dataclass(frozen=True)
class Rest:
    """A rest stage: the panel rests for at least `days` between `after` and `before`."""

    stage: str
    after: str
    before: str
    days: int


@dataclass(frozen=True)
class Workflow:
    name: str
    title: str
    stages: tuple[str, ...]
    steps: tuple[Step, ...]
    final: tuple[str, ...]
    rests: tuple[Rest, ...] = ()
    decision_rule: str = "panel"
    min_panels: int = 1
    description: str = ""
    _steps_by_name: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        check(self)
        self._steps_by_name.update({s.name: s for s in self.steps})

    @property
    def initial(self) -> str:
        return self.stages[0]

    @property
    def active(self) -> tuple[str, ...]:
        """Stages a round can be paused from: running, not waiting to start and not finished."""
        return tuple(s for s in self.stages if s != self.initial and s not in self.final)

    def step(self, name: str) -> Step:
        try:
            return self._steps_by_name[name]
        except KeyError:
            raise WorkflowError(f"There is no step called '{name}' in the {self.title} workflow.") from None

    def steps_from(self, stage: str) -> list[Step]:
        return [s for s in self.steps if s.source == stage]

    def rest_for(self, stage: str) -> Rest | None:
        return next((r for r in self.rests if r.stage == stage), None)


def check(wf: Workflow) -> None:
    """Refuse a definition that could not run, saying what is wrong in plain words."""
    where = f"Workflow '{wf.name}'"
    if not wf.stages:
        raise WorkflowError(f"{where} has no stages.")
    if len(set(wf.stages)) != len(wf.stages):
        raise WorkflowError(f"{where} lists a stage twice.")
    for stage in wf.stages:
        if stage in RESERVED:
            raise WorkflowError(f"{where} cannot define '{stage}': every workflow has it already.")
    known = set(wf.stages)
    if not wf.final:
        raise WorkflowError(f"{where} has no end: name at least one final stage.")
    for stage in wf.final:
        if stage not in known:
            raise WorkflowError(f"{where} ends at '{stage}', which is not one of its stages.")
    names = [s.name for s in wf.steps]
    if len(set(names)) != len(names):
        raise WorkflowError(f"{where} has two steps with the same name.")
    for step in wf.steps:
        for end in (step.source, step.dest):
            if end not in known:
                raise WorkflowError(f"{where}: step '{step.name}' uses '{end}', which is not one of its stages.")
        if step.source in wf.final:
            raise WorkflowError(f"{where}: step '{step.name}' leaves '{step.source}', which is a final stage.")
    reachable = _reachable(wf.initial, wf.steps)
    for stage in wf.stages:
        if stage not in reachable:
            raise WorkflowError(f"{where}: nobody can reach stage '{stage}' from '{wf.initial}'.")
        if not (set(wf.final) & _reachable(stage, wf.steps)):
            raise WorkflowError(f"{where} has no end from stage '{stage}': no step leads to a final stage.")
    for rest in wf.rests:
        for stage in (rest.stage, rest.after, rest.before):
            if stage not in known:
                raise WorkflowError(f"{where}: rest period '{rest.stage}' uses '{stage}', which is not one of its stages.")
        if rest.days < 1:
            raise WorkflowError(f"{where}: rest period '{rest.stage}' must be at least one day.")
        for step in wf.steps:
            if step.dest == rest.before and step.source != rest.stage:
                raise WorkflowError(
                    f"{where}: step '{step.name}' reaches '{rest.before}' without the rest in '{rest.stage}'.")
            if step.dest == rest.stage and step.source != rest.after:
                raise WorkflowError(f"{where}: the rest '{rest.stage}' must come straight after '{rest.after}'.")
            if step.source == rest.stage and not any(getattr(gd, "rest", None) == rest for gd in step.guards):
                raise WorkflowError(f"{where}: step '{step.name}' leaves the rest '{rest.stage}' without checking it.")


def _reachable(start: str, steps) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        here = todo.pop()
        for step in steps:
            if step.source == here and step.dest not in seen:
                seen.add(step.dest)
                todo.append(step.dest)
    return seen
