"""The engine's one entry point: `run(now, deps=build_deps(), options=RunOptions()) -> RunSummary`.

The implementation lives in `workflows.engine.runs`.
"""

from __future__ import annotations

from workflows.engine.decisions import Decision, Outcome, RunOptions, RunSummary
from workflows.engine.runs import UnknownWorkflowError, run

__all__ = ["Decision", "Outcome", "RunOptions", "RunSummary", "UnknownWorkflowError", "run"]
