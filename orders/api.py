"""Order-history operations that need nothing but the order store.

The per-workflow history, the latest-order list and the CSV export need workflow ids and live
in workflows/api.py (orders never imports workflows).
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from orders import events, services
from orders.records import OrderRecord
from orders.schemas import STORE_ERRORS, OrderDetailOut, OrderEventsOut

router = Router()


@router.get(
    "/orders/{order_id}",
    response={200: OrderDetailOut, **STORE_ERRORS},
    operation_id="getOrderDetail",
    summary="One order by id (404 when unknown or older than 7 days)",
)
def get_order(request: HttpRequest, order_id: UUID) -> OrderRecord:
    return services.get_order(order_id=str(order_id), now=timezone.now())


@router.get(
    "/orders/{order_id}/events",
    response={200: OrderEventsOut, **STORE_ERRORS},
    operation_id="getOrderEvents",
    summary="The order's lifecycle: every status it went through, oldest first",
)
def get_order_events(request: HttpRequest, order_id: UUID) -> OrderEventsOut:
    record = services.get_order(order_id=str(order_id), now=timezone.now())
    return OrderEventsOut.model_validate({
        "order_id": record.id, "status": record.current_status.value,
        "events": events.order_events(order_id=record.id)})
