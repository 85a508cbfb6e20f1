"""Per-workflow order stats over the 7-day window (SPEC §12 "Stats").

`compute_stats` is plain Python over order records; the engine saves the result per workflow
after each run (`save_stats`), so pages and the API read one `WorkflowStats` row per workflow
instead of every order (`stats_for`).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal

from orders.records import OrderRecord
from workflows.models import Workflow, WorkflowStats

FILLED = {"filled", "partially_filled"}  # lifecycle statuses (orders.lifecycle) of a fill
PCT = Decimal("0.01")


@dataclass(frozen=True)
class StatsValues:
    """placed = live + notified + dry; triggered % of the measured orders; filled % of the
    live Saxo orders with a known status; medians of MFE/MAE in percent of the entry over
    triggered orders."""

    placed: int = 0
    live: int = 0
    notified: int = 0
    dry: int = 0
    measured: int = 0
    triggered: int = 0
    triggered_pct: Decimal | None = None
    filled_pct: Decimal | None = None
    median_mfe_pct: Decimal | None = None
    median_mae_pct: Decimal | None = None


def _pct(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * 100 / whole).quantize(PCT) if whole else None


def _median(values: Sequence[Decimal]) -> Decimal | None:
    return Decimal(statistics.median(values)).quantize(PCT) if values else None


def compute_stats(records: Iterable[OrderRecord]) -> StatsValues:
    """Stats of one workflow's orders (the caller picks the window). Filled % is over the live
    Saxo orders whose lifecycle `status` is known (rows without one are left out)."""
    rows = list(records)
    dry = [r for r in rows if r.dry_run]
    live = [r for r in rows if not r.dry_run and r.broker != "notify"]
    measured = [r for r in rows if r.outcome_triggered is not None]
    triggered = [r for r in measured if r.outcome_triggered]
    saxo = [r for r in live if r.broker == "saxo" and getattr(r, "status", None) is not None]
    filled = [r for r in saxo if r.status in FILLED]  # type: ignore[attr-defined]
    return StatsValues(
        placed=len(rows), live=len(live), notified=len(rows) - len(live) - len(dry),
        dry=len(dry), measured=len(measured), triggered=len(triggered),
        triggered_pct=_pct(len(triggered), len(measured)),
        filled_pct=_pct(len(filled), len(saxo)),
        median_mfe_pct=_median([p for r in triggered if (p := r.outcome_mfe_pct) is not None]),
        median_mae_pct=_median([p for r in triggered if (p := r.outcome_mae_pct) is not None]),
    )


def save_stats(*, workflow_id: str, values: StatsValues, now: datetime) -> None:
    """Replace the workflow's stats row (a workflow deleted meanwhile is skipped)."""
    updated = WorkflowStats.objects.filter(workflow_id=workflow_id).update(
        computed_at=now, **asdict(values))
    if not updated and Workflow.objects.filter(id=workflow_id).exists():
        WorkflowStats.objects.create(workflow_id=workflow_id, computed_at=now, **asdict(values))


def stats_for(workflow_ids: Iterable[str]) -> dict[str, WorkflowStats]:
    """workflow id -> its stats row (absent before the first run after its first order);
    one SQL query, no order-store request."""
    rows = WorkflowStats.objects.filter(workflow_id__in=list(workflow_ids))
    return {str(row.workflow_id): row for row in rows}
