"""What each page shows, gathered with the order store's failures turned into a message.

A page never fails (and never pretends there are no orders) because the order store is down:
the panel carries `error` and the template shows the banner instead of the history.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured

from orders import services as order_services
from orders.errors import OrderStoreUnavailable
from orders.records import OrderRecord
from workflows import engine
from workflows.decision_words import DecisionRow, collapse_decisions
from workflows.engine import ledger
from workflows.engine.decisions import RunSummary
from workflows.engine.deps import build_deps
from workflows.models import Workflow
from workflows.selectors import (
    OrderFilters,
    WorkflowFilters,
    WorkflowPage,
    filter_workflows,
    latest_workflow_orders,
    list_workflows,
)
from workflows.views.forms import ORDERS_EXPORT_LIMIT, PER_PAGE

log = logging.getLogger(__name__)

ORDERS_PAGE_MAX = ORDERS_EXPORT_LIMIT  # like the original page; the CSV export matches it
DETAIL_ORDERS = 20
HISTORY_PAGE = 100


def store_error(exc: OrderStoreUnavailable) -> str:
    """The banner text (no endpoints or table names); the details go to the log."""
    log.warning("order store unavailable: %s", exc)
    return f"{exc.public}. Orders being placed are kept and recorded once it is back."


@dataclass
class WorkflowListPanel:
    result: WorkflowPage
    error: str | None = None


def workflow_list_panel(*, filters: WorkflowFilters, page: int, now: datetime) -> WorkflowListPanel:
    """The workflows list; with the store down, the same rows without their last order.
    A page past the end shows the last page."""
    matched = filter_workflows(filters).distinct().count()
    page = max(1, min(page, math.ceil(matched / PER_PAGE)))
    try:
        return WorkflowListPanel(list_workflows(filters=filters, page=page, per_page=PER_PAGE,
                                                now=now))
    except OrderStoreUnavailable as exc:
        result = list_workflows(filters=filters, page=page, per_page=PER_PAGE, now=now,
                                with_last_orders=False)
        return WorkflowListPanel(result, error=store_error(exc))


@dataclass
class OrdersPanel:
    orders: list[OrderRecord] = field(default_factory=list)
    matched: int = 0
    error: str | None = None

    @property
    def truncated(self) -> bool:
        return self.matched > len(self.orders)


def latest_orders_panel(*, filters: OrderFilters, now: datetime) -> OrdersPanel:
    """The latest order per workflow (newest first, at most ORDERS_PAGE_MAX rows)."""
    try:
        rows = latest_workflow_orders(filters=filters, now=now)
    except OrderStoreUnavailable as exc:
        return OrdersPanel(error=store_error(exc))
    return OrdersPanel(orders=rows[:ORDERS_PAGE_MAX], matched=len(rows))


@dataclass
class HistoryPanel:
    orders: list[OrderRecord] = field(default_factory=list)
    total: int = 0
    error: str | None = None
    next_before: datetime | None = None  # placed_at of the last order shown, when more follow

    @property
    def more(self) -> bool:
        return self.total > len(self.orders)


def history_panel(*, workflow: Workflow, now: datetime, limit: int = DETAIL_ORDERS,
                  before: datetime | None = None) -> HistoryPanel:
    """Newest `limit` orders of one workflow in the window (placed before `before`, when
    given) and how many the window holds."""
    try:
        history = order_services.workflow_history(
            workflow_id=str(workflow.id), now=now, limit=limit, before=before
        )
    except OrderStoreUnavailable as exc:
        return HistoryPanel(error=store_error(exc))
    return HistoryPanel(orders=history.orders, total=history.total_count,
                        next_before=history.next_before)


RECENT_DECISIONS = 10  # rows shown, after collapsing
DECISIONS_READ = 200  # decision log rows read to fill them (a day of 15-minute runs, twice)


def recent_decisions(*, workflow: Workflow) -> list[DecisionRow]:
    """The decision log's newest rows for the workflow ("why didn't it trade?"), in plain
    words, identical consecutive outcomes collapsed into one row with a count."""
    rows = ledger.recent_decisions(workflow_id=str(workflow.id), limit=DECISIONS_READ)
    return collapse_decisions(rows, limit=RECENT_DECISIONS)


@dataclass(frozen=True)
class RunNowResult:
    level: int  # a django.contrib.messages level
    text: str


def run_now(*, workflow: Workflow, now: datetime) -> RunNowResult:
    """Run the engine for this one workflow as of `now`, dry run forced, synchronously."""
    if workflow.is_archived:
        return RunNowResult(messages.WARNING, "Run now: this workflow is archived; it no "
                            "longer runs.")
    if not workflow.enabled:
        return RunNowResult(messages.WARNING, "Run now: this workflow is disabled. Enable it "
                            "first.")
    try:
        deps = build_deps(context="run_now")
    except ImproperlyConfigured as exc:
        return RunNowResult(messages.ERROR, f"Run now is not possible: {exc}")
    decision = engine.run_now(now, deps=deps, workflow_id=str(workflow.id))
    if decision is None:
        return RunNowResult(messages.WARNING, "Run now (dry run): not evaluated (the workflow "
                            "is past its end date).")
    summary = RunSummary.of([decision])
    level = messages.ERROR if summary.failed else messages.SUCCESS
    return RunNowResult(level, f"Run now (dry run): {summary.line()}."
                               + (f" {decision.reason}" if decision.reason else ""))
