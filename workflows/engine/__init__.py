"""The engine's one entry point: `run(now, deps=build_deps(), options=RunOptions()) -> RunSummary`.

The implementation lives in `workflows.engine.runs`.
"""

from __future__ import annotations

from workflows.engine.decisions import RunOptions, RunSummary, WorkflowDecision
from workflows.engine.runs import UnknownWorkflowError, run

__all__ = [
    "RunOptions", "RunSummary", "UnknownWorkflowError", "WorkflowDecision", "run",
]
