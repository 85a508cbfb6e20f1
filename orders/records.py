"""The order record: a plain, immutable value shared by the engine, the store and the pages.

Pure Python (no Django, no PynamoDB) so any layer can build or read one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

DEFAULT_RETENTION = timedelta(days=7)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DECIMAL_FIELDS = ("order_price", "order_quantity", "trigger_close")
_DATETIME_FIELDS = ("placed_at", "trigger_candle_time")


@dataclass(frozen=True)
class OrderRecord:
    """One order a workflow placed (or would have placed, when `dry_run`)."""

    id: str  # UUID4 string
    workflow_id: str
    workflow_name: str
    placed_at: datetime  # aware UTC, microsecond precision
    order_code: str  # the cfd
    order_price: Decimal
    order_quantity: Decimal
    order_direction: str  # "BUY" | "SELL"
    order_type: str  # "LIMIT" | "OPEN_STOP"
    asset_type: str | None = None
    trigger_close: Decimal | None = None
    trigger_candle_time: datetime | None = None
    dry_run: bool = False
    broker: str = "notify"  # "notify" | "saxo"
    broker_order_id: str | None = None
    execution_context: str = ""

    def __post_init__(self) -> None:
        if self.placed_at.tzinfo is None:
            raise ValueError("OrderRecord.placed_at must be timezone-aware")

    @property
    def ttl(self) -> int:
        """Epoch seconds after which DynamoDB may delete the row: floor(placed_at) + 7 days."""
        return ttl_for(self.placed_at, DEFAULT_RETENTION)


def ttl_for(placed_at: datetime, retention: timedelta) -> int:
    """floor(placed_at epoch seconds) + retention, as whole epoch seconds."""
    return math.floor((placed_at - EPOCH).total_seconds()) + int(retention.total_seconds())


def record_to_dict(record: OrderRecord) -> dict[str, Any]:
    """JSON-safe dict of a record (decimals as strings, datetimes as ISO-8601)."""
    data: dict[str, Any] = {}
    for field in fields(record):
        value = getattr(record, field.name)
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat()
        data[field.name] = value
    return data


def record_from_dict(data: dict[str, Any]) -> OrderRecord:
    """Inverse of `record_to_dict`; unknown keys are ignored."""
    known = {field.name for field in fields(OrderRecord)}
    values = {key: value for key, value in data.items() if key in known}
    for name in _DECIMAL_FIELDS:
        if values.get(name) is not None:
            values[name] = Decimal(str(values[name]))
    for name in _DATETIME_FIELDS:
        if values.get(name) is not None:
            values[name] = datetime.fromisoformat(values[name]).astimezone(UTC)
    return OrderRecord(**values)
