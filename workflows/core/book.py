"""What a broker knows after placement (SPEC §12): its order log, working orders, open
positions, and the verbs to modify and cancel an order. Pure data and protocols."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from workflows.core.types import OrderIntent, Placement


@dataclass(frozen=True)
class OrderLogEntry:
    """The latest state of one broker order (Saxo `orderactivities`, EntryType=Last)."""

    broker_order_id: str
    external_reference: str | None
    status: str  # the broker's word: Placed, Working, Changed, Fill, FinalFill, Cancelled, …
    at: datetime
    filled_amount: Decimal | None = None
    price: Decimal | None = None  # AveragePrice, else ExecutionPrice
    position_id: str | None = None


@dataclass(frozen=True)
class WorkingOrder:
    """An order working at the broker now (`/port/v1/orders/me`)."""

    broker_order_id: str
    external_reference: str | None
    symbol: str  # the broker's instrument label (Saxo: Uic + AssetType when no symbol)
    side: str
    amount: Decimal | None
    price: Decimal | None
    order_type: str
    status: str


@dataclass(frozen=True)
class OpenPosition:
    """An open position (`/port/v1/positions/me`); `source_order_id` opened it."""

    position_id: str
    source_order_id: str | None
    symbol: str
    amount: Decimal | None
    open_price: Decimal | None
    current_price: Decimal | None
    profit_loss: Decimal | None
    opened_at: datetime | None


class OrderBook(Protocol):
    """A broker that can tell what became of its orders and change them."""

    def order_log(self, *, since: datetime) -> list[OrderLogEntry]:
        """The latest entry of every order active since `since` (one paged read)."""
        ...

    def working_orders(self) -> list[WorkingOrder]:
        ...

    def open_positions(self) -> list[OpenPosition]:
        ...

    def modify(self, intent: OrderIntent, *, broker_order_id: str, order_id: str) -> Placement:
        """Move a working order to the intent's price and quantity (same broker order id)."""
        ...

    def cancel(self, broker_order_id: str) -> None:
        ...
