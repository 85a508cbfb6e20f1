"""Reads across workflows and their order history, shared by the JSON API and the pages."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from orders import blotter
from orders import services as order_services
from orders.records import OrderRecord
from workflows.models import Condition, Workflow, WorkflowStats

STATUSES = ("all", "enabled", "disabled", "archived")
MODES = ("all", "dry_run", "live")
SORTS = ("name", "index", "end_date", "last_order", "triggered")


@dataclass(frozen=True)
class WorkflowFilters:
    """List filters; values outside the allowed sets are rejected by the caller's schema/form."""

    status: str = "all"
    dry_run: str = "all"
    index: str = ""
    indicator: str = ""
    sort: str = "name"
    order: str = "asc"


@dataclass(frozen=True)
class WorkflowRow:
    workflow: Workflow
    last_order: OrderRecord | None  # the latest LIVE order
    newer_dry_run: OrderRecord | None = None  # a dry-run order newer than it, shown beside it

    @property
    def stats(self) -> WorkflowStats | None:
        """The 7-day stats row, read with the workflow (select_related), None before any."""
        try:
            return self.workflow.stats
        except WorkflowStats.DoesNotExist:
            return None

    @property
    def primary(self) -> Condition | None:
        conditions = list(self.workflow.conditions.all())
        return conditions[0] if conditions else None


@dataclass
class WorkflowPage:
    rows: list[WorkflowRow]
    matched: int
    total: int
    page: int
    per_page: int
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max(1, math.ceil(self.matched / self.per_page))


def workflows_with_conditions() -> QuerySet[Workflow]:
    """Workflows with their conditions and their 7-day stats row (a join: no extra query)."""
    return Workflow.objects.select_related("stats").prefetch_related(
        Prefetch("conditions", queryset=Condition.objects.order_by("position"))
    )


def filter_workflows(filters: WorkflowFilters) -> QuerySet[Workflow]:
    rows = workflows_with_conditions()
    if filters.status == "archived":
        rows = rows.filter(archived_at__isnull=False)
    else:
        rows = rows.filter(archived_at__isnull=True)
        if filters.status in ("enabled", "disabled"):
            rows = rows.filter(enabled=filters.status == "enabled")
    if filters.dry_run in ("dry_run", "live"):
        rows = rows.filter(dry_run=filters.dry_run == "dry_run")
    if filters.index:
        rows = rows.filter(Q(index__icontains=filters.index) | Q(cfd__icontains=filters.index))
    if filters.indicator:
        rows = rows.filter(conditions__position=0, conditions__indicator_name=filters.indicator)
    return rows


def _sort_key(row: WorkflowRow, sort: str) -> tuple:
    wf = row.workflow
    if sort == "index":
        return (wf.index.lower(), wf.name.lower())
    if sort == "end_date":
        return (wf.end_date.isoformat() if wf.end_date else "", wf.name.lower())
    if sort == "triggered":
        stats = row.stats
        rate = stats.triggered_pct if stats and stats.triggered_pct is not None else -1
        return (rate, wf.name.lower())
    if sort == "last_order":
        live, dry = row.last_order, row.newer_dry_run
        return (live.placed_at.timestamp() if live else -math.inf,
                dry.placed_at.timestamp() if dry else -math.inf, wf.name.lower())
    return (wf.name.lower(),)


def list_workflows(
    *, filters: WorkflowFilters, page: int, per_page: int, now: datetime,
    with_last_orders: bool = True,
) -> WorkflowPage:
    """One page of workflows with their last live order and a newer dry run (`last_orders`:
    one Limit-1 query per shown workflow, concurrently, plus a filtered one for a workflow
    whose newest order is a dry run; sorting by last order needs every matched workflow's).
    Raises OrderStoreUnavailable when the order store is down. `with_last_orders=False` never
    touches the store (rows carry no last order; a last-order sort falls back to name)."""
    matched = list(filter_workflows(filters).distinct())
    total = Workflow.objects.filter(archived_at__isnull=True).count()
    reverse = filters.order == "desc"
    if filters.sort == "last_order" and with_last_orders:
        rows = _attach_last_orders(matched, now=now)
        rows.sort(key=lambda r: _sort_key(r, "last_order"), reverse=reverse)
        shown = rows[(page - 1) * per_page : page * per_page]
    else:
        sort = "name" if filters.sort == "last_order" else filters.sort
        plain = [WorkflowRow(workflow=wf, last_order=None) for wf in matched]
        plain.sort(key=lambda r: _sort_key(r, sort), reverse=reverse)
        shown = plain[(page - 1) * per_page : page * per_page]
        if with_last_orders:
            shown = _attach_last_orders([r.workflow for r in shown], now=now)
    return WorkflowPage(rows=shown, matched=len(matched), total=total, page=page, per_page=per_page)


def _attach_last_orders(workflows: Sequence[Workflow], *, now: datetime) -> list[WorkflowRow]:
    found = order_services.last_orders(workflow_ids=[str(w.id) for w in workflows], now=now)
    empty = order_services.LastOrders()
    pairs = [(w, found.get(str(w.id), empty)) for w in workflows]
    return [WorkflowRow(workflow=w, last_order=p.live, newer_dry_run=p.newer_dry_run)
            for w, p in pairs]


@dataclass(frozen=True)
class OrderFilters:
    workflow: str = ""  # workflow id
    direction: str = ""  # BUY | SELL
    asset: str = ""  # order code (cfd)


def latest_workflow_orders(*, filters: OrderFilters, now: datetime) -> list[OrderRecord]:
    """Latest order per workflow in the retention window (archived workflows included),
    newest first, filtered server-side: the newest rows through day-index, then Limit-1
    queries for the workflows not among them. Raises OrderStoreUnavailable."""
    ids = [str(pk) for pk in Workflow.objects.values_list("id", flat=True)]
    if filters.workflow:
        ids = [i for i in ids if i == filters.workflow]
    latest = blotter.latest_orders(workflow_ids=ids, now=now).values()
    rows = [
        r for r in latest
        if (not filters.direction or r.order_direction == filters.direction.upper())
        and (not filters.asset or r.order_code.lower() == filters.asset.lower())
    ]
    return sorted(rows, key=lambda r: r.placed_at, reverse=True)
