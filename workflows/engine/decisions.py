"""What one engine run decided: per-workflow `WorkflowDecision`s, the `RunSummary`, the
`RunOptions`.

The ledger writes a WorkflowDecision as a `workflows.models.Decision` row (the decision log);
`Outcome` is that model's outcome column, the one enum of what happened.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from workflows.core.types import OrderIntent
from workflows.models import Outcome


@dataclass(frozen=True)
class WorkflowDecision:
    """One evaluated workflow: what was seen, what was decided, what happened.

    `error` is set when the errors channel must hear about it (fetch failure, broker
    rejection, record kept in the outbox, unexpected exception); `reason` is for people.
    """

    workflow_id: str
    workflow_name: str
    evaluated_at: datetime
    outcome: Outcome = Outcome.NO_ORDER
    reason: str = ""
    skip_code: str = ""
    indicator_value: str = ""
    close_price: Decimal | None = None
    condition_holds: bool | None = None
    candles: dict[str, Any] = field(default_factory=dict)
    intent: OrderIntent | None = None
    order_id: str | None = None
    broker_result: str = ""
    dry_run: bool = False
    error: str | None = None

    @property
    def triggered(self) -> bool:
        """The condition held and an order was built (whatever happened next)."""
        return self.intent is not None


@dataclass(frozen=True)
class RunOptions:
    """How to run: which workflows (`names_or_ids`, `shard` = (k, n), 1-based), forced dry run,
    a `stop` event checked between workflows, a `progress` callback per decision, the run's
    `source` in the run ledger, and whether to measure order outcomes afterwards."""

    names_or_ids: Sequence[str] = ()
    dry_run: bool = False
    shard: tuple[int, int] | None = None
    stop: threading.Event | None = None
    progress: Callable[[WorkflowDecision], None] | None = None
    # --- engine status (SPEC §12): what the run ledger calls this run; outcome step or not ---
    source: str = "once"  # workflows.models.RunSource
    measure_outcomes: bool = True


@dataclass(frozen=True)
class RunSummary:
    evaluated: int = 0
    triggered: int = 0
    placed: int = 0
    skipped: int = 0
    failed: int = 0
    stopped: bool = False

    @classmethod
    def of(cls, decisions: Sequence[WorkflowDecision], *, stopped: bool = False) -> RunSummary:
        """placed = ordered; skipped = no order or already handled; failed = the rest."""
        outcomes = [d.outcome for d in decisions]
        skipped = outcomes.count(Outcome.NO_ORDER) + outcomes.count(Outcome.ALREADY_HANDLED)
        return cls(
            evaluated=len(decisions),
            triggered=sum(1 for d in decisions if d.triggered),
            placed=outcomes.count(Outcome.ORDERED),
            skipped=skipped,
            failed=outcomes.count(Outcome.REJECTED) + outcomes.count(Outcome.FAILED),
            stopped=stopped,
        )

    def line(self) -> str:
        text = (
            f"evaluated {self.evaluated} / triggered {self.triggered} / placed {self.placed}"
            f" / skipped {self.skipped} / failed {self.failed}"
        )
        return f"{text} (stopped early)" if self.stopped else text
