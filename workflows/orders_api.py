"""The order-history operations that need workflow ids (mounted at /api/workflow/ beside
orders/api.py): one workflow's history, the latest order per workflow and its CSV export.

They live in `workflows` because they check or filter by workflow (names, archived state,
assets), and `orders` never imports `workflows`; the order-store-only operations (one order
by id) are in orders/api.py. This docstring is the one place that says so.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router

from korder_site import rows
from orders import services as order_services
from orders.schemas import (
    STORE_ERRORS,
    LatestOrdersOut,
    OrderHistoryOut,
    json_answer,
    orders_csv,
)
from workflows.models import Workflow
from workflows.schemas import OrderListQuery
from workflows.selectors import latest_workflow_orders
from workflows.services import WorkflowNotFound

router = Router()


@router.get(
    "/workflows/{workflow_id}/orders",
    response={200: OrderHistoryOut, **STORE_ERRORS},
    operation_id="getWorkflowOrderHistory",
)
def workflow_order_history(
    request: HttpRequest, workflow_id: UUID, limit: int = Query(20, ge=1, le=100),
    before: datetime | None = Query(  # noqa: B008 - ninja's parameter declaration
        None, description="Additive: only orders placed strictly before this time (pass the "
        "previous page's `next_before`); ISO-8601, UTC when no zone is given"),
) -> HttpResponse:
    """Newest first, at most `limit`; `total_count` counts the whole 7-day window; paging on
    with `before=<next_before>` reaches every order of the window exactly once."""
    if not rows.exists(Workflow, workflow_id):
        raise WorkflowNotFound(workflow_id)
    if before is not None and before.tzinfo is None:
        before = before.replace(tzinfo=UTC)
    wid, now = str(workflow_id), timezone.now()
    history = order_services.workflow_history(
        workflow_id=wid, now=now, limit=limit, before=before
    )
    return json_answer(OrderHistoryOut.model_validate(
        {"workflow_id": wid, "orders": history.orders, "total_count": history.total_count,
         "limit": limit, "next_before": history.next_before}
    ))


@router.get("/orders", response={200: LatestOrdersOut, **STORE_ERRORS})
def list_latest_orders(request: HttpRequest, query: Query[OrderListQuery]) -> LatestOrdersOut:
    """The latest order of each workflow in the 7-day window, newest first."""
    rows = latest_workflow_orders(filters=query.filters(), now=timezone.now())
    return LatestOrdersOut.model_validate(
        {"orders": rows[: query.limit], "total_count": len(rows), "limit": query.limit}
    )


@router.get(
    "/orders/export.csv",
    response={200: None, **STORE_ERRORS},
    openapi_extra={"responses": {200: {"description": "CSV", "content": {"text/csv": {}}}}},
)
def export_orders_csv(request: HttpRequest, query: Query[OrderListQuery]) -> HttpResponse:
    """The orders page as CSV: same filters, every matching row (`limit` applies too)."""
    rows = latest_workflow_orders(filters=query.filters(), now=timezone.now())
    response = HttpResponse(orders_csv(rows[: query.limit]), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="workflow-orders.csv"'
    return response
