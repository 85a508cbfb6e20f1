"""The order record: a plain, immutable value shared by the engine, the store and the pages.

Pure Python (no Django, no PynamoDB) so any layer can build or read one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from orders.lifecycle import LABELS, Status, status_of

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# --- outcome (SPEC §12) ---
OUTCOME_EXCURSIONS = (
    "outcome_mfe", "outcome_mae", "outcome_mfe_1h", "outcome_mae_1h", "outcome_mfe_4h",
    "outcome_mae_4h",
)
_OUTCOME_DECIMALS = ("outcome_entry", *OUTCOME_EXCURSIONS)
_OUTCOME_DATETIMES = ("outcome_triggered_at", "outcome_at")
# --- end outcome ---
_DECIMAL_FIELDS = ("order_price", "order_quantity", "trigger_close",
                   "filled_price", "filled_quantity")
_DATETIME_FIELDS = ("placed_at", "trigger_candle_time", "status_at", "filled_at")


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
    # --- outcome (SPEC §12; set later only by orders.store.update_outcome) ---
    outcome_triggered: bool | None = None  # None: not measured yet
    outcome_triggered_at: datetime | None = None
    outcome_entry: Decimal | None = None  # the order price, or the open of a gap through it
    outcome_mfe: Decimal | None = None  # price units, so far (up to 1 trading day)
    outcome_mae: Decimal | None = None
    outcome_mfe_1h: Decimal | None = None
    outcome_mae_1h: Decimal | None = None
    outcome_mfe_4h: Decimal | None = None
    outcome_mae_4h: Decimal | None = None
    outcome_final: bool | None = None  # True once a trading day after placement has passed
    outcome_at: datetime | None = None  # when it was measured (the run's `now`)
    # --- end outcome ---
    # --- lifecycle (SPEC §12; changed later only by orders.store.update_status) ---
    status: str | None = None  # orders.lifecycle.Status; None on rows older than the lifecycle
    status_at: datetime | None = None
    status_seq: int = 0
    filled_price: Decimal | None = None
    filled_quantity: Decimal | None = None
    filled_at: datetime | None = None
    replaces: str | None = None  # id of the order of this workflow that this one modified
    broker_error: str | None = None  # "Code: message" of a broker rejection
    # --- end lifecycle ---

    def __post_init__(self) -> None:
        if self.placed_at.tzinfo is None:
            raise ValueError("OrderRecord.placed_at must be timezone-aware")

    @property
    def current_status(self) -> Status:
        """`status`, or for rows written before the lifecycle, what they were when placed."""
        return status_of(self.status, dry_run=self.dry_run, broker=self.broker)

    @property
    def status_label(self) -> str:
        return LABELS[self.current_status]

    def ttl(self, retention: timedelta) -> int:
        """Epoch seconds after which DynamoDB may delete the row: floor(placed_at) + the
        retention window (`orders.services.retention()`, KORDER_ORDER_RETENTION_DAYS)."""
        return ttl_for(self.placed_at, retention)

    # --- outcome: excursions in percent of the entry ---
    def outcome_percent(self, name: str) -> Decimal | None:
        """`outcome_<name>` (e.g. "mfe_1h") as a percent of the entry, 2 decimals."""
        if not self.outcome_entry:  # not measured yet: most rows of a page, checked first
            return None
        move = getattr(self, f"outcome_{name}")
        if move is None:
            return None
        return (move * 100 / self.outcome_entry).quantize(Decimal("0.01"))

    @property
    def outcome_mfe_pct(self) -> Decimal | None:
        return self.outcome_percent("mfe")

    @property
    def outcome_mae_pct(self) -> Decimal | None:
        return self.outcome_percent("mae")

    @property
    def outcome_mfe_1h_pct(self) -> Decimal | None:
        return self.outcome_percent("mfe_1h")

    @property
    def outcome_mae_1h_pct(self) -> Decimal | None:
        return self.outcome_percent("mae_1h")

    @property
    def outcome_mfe_4h_pct(self) -> Decimal | None:
        return self.outcome_percent("mfe_4h")

    @property
    def outcome_mae_4h_pct(self) -> Decimal | None:
        return self.outcome_percent("mae_4h")
    # --- end outcome ---

    # --- blotter (day-index, SPEC §6.3) ---
    @property
    def placed_day(self) -> str:
        """The `day-index` hash key: the UTC date of `placed_at`, `YYYY-MM-DD`."""
        return day_of(self.placed_at)


def day_of(moment: datetime) -> str:
    """UTC date of an aware datetime as `YYYY-MM-DD` (the `placed_day` attribute)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


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
    for name in (*_DECIMAL_FIELDS, *_OUTCOME_DECIMALS):
        if values.get(name) is not None:
            values[name] = Decimal(str(values[name]))
    for name in (*_DATETIME_FIELDS, *_OUTCOME_DATETIMES):
        if values.get(name) is not None:
            values[name] = datetime.fromisoformat(values[name]).astimezone(UTC)
    return OrderRecord(**values)
