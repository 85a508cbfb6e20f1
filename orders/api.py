"""Order-history operations that need nothing but the order store: one order, the blotter
and its CSV.

The per-workflow history, the latest-order list and its CSV export need workflow ids and live
in workflows/orders_api.py (orders never imports workflows).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from itertools import chain
from uuid import UUID

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from ninja import Query, Router
from ninja.errors import ValidationError

from orders import blotter, events, services
from orders.errors import OrderStoreUnavailable
from orders.records import OrderRecord
from orders.schemas import (
    STORE_ERRORS,
    BlotterOut,
    BlotterQuery,
    OrderDetailOut,
    OrderEventsOut,
    csv_lines,
    json_answer,
)

log = logging.getLogger(__name__)
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


@router.get(
    "/blotter",
    response={200: BlotterOut, **STORE_ERRORS},
    summary="Every order of the 7-day window across workflows, newest first, cursor-paged",
)
def get_blotter(request: HttpRequest, query: Query[BlotterQuery]) -> HttpResponse:
    """Read through `day-index` (one Query per day, never a Scan); filters apply on the
    server before paging. A cursor not given out by this server → 422."""
    now = timezone.now()
    try:
        page = blotter.blotter_page(filters=query.filters(), now=now, cursor=query.cursor,
                                    limit=query.limit)
    except blotter.BadCursor as exc:
        raise ValidationError([{"field": "cursor", "location": "query",
                                "message": str(exc)}]) from exc
    return json_answer(BlotterOut.model_validate(
        {"orders": page.orders, "next_cursor": page.next_cursor, "since": page.since,
         "until": page.until, "limit": query.limit}))


@router.get(
    "/blotter/export.csv",
    response={200: None, **STORE_ERRORS},
    openapi_extra={"responses": {200: {"description": "CSV", "content": {"text/csv": {}}}}},
    summary="The blotter's filtered rows as CSV (every page), streamed",
)
def export_blotter_csv(request: HttpRequest, query: Query[BlotterQuery]) -> StreamingHttpResponse:
    """Same filters as the blotter (`cursor` and `limit` are ignored). The first Query runs
    before the answer starts, so a store outage is a 503; a failure later ends the file with a
    line saying it is incomplete."""
    rows = blotter.blotter_rows(filters=query.filters(), now=timezone.now())
    head = next(rows, None)
    body = chain([head], rows) if head is not None else iter(())
    response = StreamingHttpResponse(_guarded(csv_lines(body, status=True)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="blotter.csv"'
    return response


def _guarded(lines: Iterator[str]) -> Iterator[str]:
    try:
        yield from lines
    except OrderStoreUnavailable as exc:
        log.warning("blotter CSV cut short: %s", exc)
        yield f"# incomplete: {exc.public}\r\n"
