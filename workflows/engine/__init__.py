"""The engine's entry points: `run(now, deps=build_deps(), options=RunOptions()) -> RunSummary`
and `run_now(now, deps=..., workflow_id=...) -> WorkflowDecision | None` ("Run now").

The implementation lives in `workflows.engine.runs`.
"""

from __future__ import annotations

from workflows.engine.decisions import RunOptions, RunSummary, WorkflowDecision
from workflows.engine.runs import UnknownWorkflowError, run, run_now

__all__ = [
    "RunOptions", "RunSummary", "UnknownWorkflowError", "WorkflowDecision", "run", "run_now",
]
