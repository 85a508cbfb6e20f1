"""The engine's one entry point: `run(now, deps=build_deps(), options=RunOptions()) -> RunSummary`.

The implementation lives in `workflows.engine.runs`; it is imported lazily because
`workflows.models` imports `workflows.engine.types` while Django loads the apps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from workflows.engine.decisions import Decision, Outcome, RunOptions, RunSummary

if TYPE_CHECKING:
    from workflows.engine.runs import UnknownWorkflowError, run

__all__ = ["Decision", "Outcome", "RunOptions", "RunSummary", "UnknownWorkflowError", "run"]


def __getattr__(name: str) -> Any:
    if name in ("run", "UnknownWorkflowError"):
        from workflows.engine import runs

        return getattr(runs, name)
    raise AttributeError(f"module 'workflows.engine' has no attribute {name!r}")
