"""One shared `transitions` machine per workflow definition, built once at import.

Rounds are never added to a machine: a step is run with `event.trigger(round)`, which
checks the round is in the step's source stage and sets `round.stage`. Guards are
checked by the service before that, so every reason can be shown, not just the first.
"""
from __future__ import annotations

from transitions import Machine, MachineError

from workflows.definitions import WORKFLOWS
from workflows.model import CANCELLED, PAUSED, Workflow, WorkflowError


def build_machine(wf: Workflow) -> Machine:
    machine = Machine(model=None, states=[*wf.stages, PAUSED, CANCELLED], initial=None,
                      auto_transitions=False, model_attribute="stage", send_event=True)
    for step in wf.steps:
        machine.add_transition(step.name, step.source, step.dest)
    machine.add_transition("pause", list(wf.active), PAUSED)
    for stage in wf.active:
        machine.add_transition("resume", PAUSED, stage,
                               conditions=[lambda event, stage=stage: event.model.paused_from == stage])
    machine.add_transition("cancel", [s for s in wf.stages if s not in wf.final] + [PAUSED], CANCELLED)
    return machine


MACHINES: dict[str, Machine] = {name: build_machine(wf) for name, wf in WORKFLOWS.items()}


def fire(workflow_name: str, event: str, model) -> None:
    """Run one event on `model`; raise WorkflowError if its stage does not allow it."""
    machine = MACHINES[workflow_name]
    try:
        moved = machine.events[event].trigger(model)
    except MachineError:
        raise WorkflowError(f"The round cannot do '{event}' from stage '{model.stage}'.") from None
    if not moved:
        raise WorkflowError(f"The round cannot do '{event}' from stage '{model.stage}'.")


def mermaid(wf: Workflow) -> str:
    """The workflow as a Mermaid state diagram, for the README and `workflows show`."""
    lines = ["stateDiagram-v2", f"    [*] --> {wf.initial}"]
    for step in wf.steps:
        guard_names = ", ".join(g.__name__ for g in step.guards)
        lines.append(f"    {step.source} --> {step.dest}: {step.name}" + (f" [{guard_names}]" if guard_names else ""))
    for stage in wf.final:
        lines.append(f"    {stage} --> [*]")
    first_active = wf.active[0]
    lines.append(f"    {first_active} --> {PAUSED}: pause (from any active stage)")
    lines.append(f"    {PAUSED} --> {first_active}: resume (to the stage it left)")
    lines.append(f"    {PAUSED} --> {CANCELLED}: cancel (from any stage before the end)")
    lines.append(f"    {CANCELLED} --> [*]")
    for rest in wf.rests:
        lines.append(f"    note left of {rest.stage}: rest of at least {rest.days} days by default")
    return "\n".join(lines)
