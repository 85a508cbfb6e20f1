"""What each page shows, gathered with the order store's failures turned into a message.

A page never fails (and never pretends there are no orders) because the order store is down:
the panel carries `error` and the template shows the banner instead of the history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from orders import services as order_services
from orders.errors import OrderStoreUnavailable
from orders.records import OrderRecord
from workflows.models import Workflow
from workflows.page_forms import ORDERS_EXPORT_LIMIT, PER_PAGE
from workflows.selectors import (
    OrderFilters,
    WorkflowFilters,
    WorkflowPage,
    latest_workflow_orders,
    list_workflows,
)

ORDERS_PAGE_MAX = ORDERS_EXPORT_LIMIT  # like the original page; the CSV export matches it
DETAIL_ORDERS = 20
HISTORY_MAX = 500


@dataclass
class WorkflowListPanel:
    result: WorkflowPage
    error: str | None = None


def workflow_list_panel(*, filters: WorkflowFilters, page: int, now: datetime) -> WorkflowListPanel:
    """The workflows list; with the store down, the same rows without their last order."""
    try:
        return WorkflowListPanel(list_workflows(filters=filters, page=page, per_page=PER_PAGE,
                                                now=now))
    except OrderStoreUnavailable as exc:
        result = list_workflows(filters=filters, page=page, per_page=PER_PAGE, now=now,
                                with_last_orders=False)
        return WorkflowListPanel(result, error=str(exc))


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
        return OrdersPanel(error=str(exc))
    return OrdersPanel(orders=rows[:ORDERS_PAGE_MAX], matched=len(rows))


@dataclass
class HistoryPanel:
    orders: list[OrderRecord] = field(default_factory=list)
    total: int = 0
    error: str | None = None

    @property
    def more(self) -> bool:
        return self.total > len(self.orders)


def history_panel(*, workflow: Workflow, now: datetime, limit: int = DETAIL_ORDERS) -> HistoryPanel:
    """Newest `limit` orders of one workflow in the window and how many the window holds
    (the COUNT query only runs when the first page is full)."""
    wid = str(workflow.id)
    try:
        orders = order_services.list_workflow_orders(workflow_id=wid, now=now, limit=limit)
        total = len(orders)
        if total >= limit:
            total = order_services.count_workflow_orders(workflow_id=wid, now=now)
    except OrderStoreUnavailable as exc:
        return HistoryPanel(error=str(exc))
    return HistoryPanel(orders=orders, total=total)
