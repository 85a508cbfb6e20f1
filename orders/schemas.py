"""Out schemas of the order history (contract: reference/workflow-orders-api.yaml).

Prices and quantities leave as JSON numbers (`float` fields: DjangoJSONEncoder would write
Decimals as strings); datetimes are aware UTC and render as `2026-02-22T14:30:00Z`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, Field

from orders.records import OrderRecord


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDateTime = Annotated[datetime, AfterValidator(_utc)]


class ErrorOut(Schema):
    """Every error answer: `{"detail": "..."}` (shared by all routers)."""

    detail: str


class FieldErrorOut(Schema):
    field: str = Field(description="Path of the bad field, e.g. conditions[0].indicator.value")
    location: str = Field(description="query, path or body")
    message: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
STORE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 503: ErrorOut}


class OrderListItemOut(Schema):
    """The contract's WorkflowOrderListItem plus `order_type` and `dry_run`."""

    id: str
    workflow_id: str
    placed_at: UtcDateTime
    order_code: str
    order_price: float
    order_quantity: float
    order_direction: str = Field(description="BUY or SELL")
    order_type: str = Field(description="LIMIT or OPEN_STOP")
    dry_run: bool


class OrderHistoryOut(Schema):
    """The contract's WorkflowOrderHistoryResponse; `total_count` counts the whole window."""

    workflow_id: str
    orders: list[OrderListItemOut]
    total_count: int = Field(ge=0, description="Orders in the 7-day window (not limited)")
    limit: int


class LatestOrderOut(OrderListItemOut):
    workflow_name: str
    asset_type: str | None = None


class LatestOrdersOut(Schema):
    orders: list[LatestOrderOut]
    total_count: int = Field(ge=0, description="Workflows with an order matching the filters")
    limit: int


class OrderDetailOut(Schema):
    """The contract's WorkflowOrderDetail plus the dry-run, broker and trigger-candle fields."""

    id: str
    workflow_id: str
    workflow_name: str
    placed_at: UtcDateTime
    order_code: str
    order_price: float
    order_quantity: float
    order_direction: str
    order_type: str
    asset_type: str | None = None
    trigger_close: float | None = None
    trigger_candle_time: UtcDateTime | None = None
    execution_context: str | None = None
    dry_run: bool
    broker: str
    broker_order_id: str | None = None


CSV_COLUMNS = (
    "placed_at", "workflow_name", "workflow_id", "order_code", "order_direction", "order_type",
    "order_price", "order_quantity", "asset_type", "trigger_close", "dry_run", "broker",
    "broker_order_id", "id",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = str(value)
    # A name like "=HYPERLINK(...)" must not run as a formula in a spreadsheet.
    return "'" + text if isinstance(value, str) and text.startswith(_FORMULA_START) else text


def orders_csv(records: Iterable[OrderRecord]) -> str:
    """CSV text (header + one row per record); prices as exact decimals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow([_cell(getattr(record, column)) for column in CSV_COLUMNS])
    return out.getvalue()
