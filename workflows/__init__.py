"""Declarative workflow definitions and the one shared state machine per definition."""
from workflows.definitions import WORKFLOWS, get_workflow  # noqa: F401
from workflows.model import STAGE_LABELS, Rest, Step, Workflow, WorkflowError  # noqa: F401
