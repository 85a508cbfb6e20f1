"""Order bodies for `POST /trade/v2/orders` and reading Saxo's replies to them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from workflows.core.types import BrokerError, OrderIntent, OrderType, Side
from workflows.saxo.errors import error_info
from workflows.saxo.instruments import Instrument, InstrumentDetails

SAXO_ORDER_TYPES = {OrderType.LIMIT: "Limit", OrderType.OPEN_STOP: "StopIfTraded"}
SAXO_SIDES = {Side.BUY: "Buy", Side.SELL: "Sell"}
MAX_EXTERNAL_REFERENCE = 50


def round_to_tick(price: Decimal, details: InstrumentDetails) -> Decimal:
    """The nearest price on the instrument's tick grid (half up); unchanged without a tick."""
    tick = details.tick_size(price)
    if not tick:
        return price
    return (price / tick).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * tick


def order_body(intent: OrderIntent, *, instrument: Instrument, details: InstrumentDetails,
               account_key: str, order_id: str, duration: str = "GoodTillCancel"
               ) -> dict[str, Any]:
    """The exact JSON body Saxo receives. Raises BrokerError for an unusable reference."""
    if len(order_id) > MAX_EXTERNAL_REFERENCE:
        raise BrokerError(f"Order id {order_id!r} is longer than 50 characters",
                          code="ExternalReferenceTooLong")
    return {
        "AccountKey": account_key,
        "Uic": instrument.uic,
        "AssetType": instrument.asset_type,
        "BuySell": SAXO_SIDES[intent.side],
        "Amount": number(intent.quantity),
        "OrderType": SAXO_ORDER_TYPES[intent.order_type],
        "OrderPrice": number(round_to_tick(intent.price, details)),
        "OrderDuration": {"DurationType": duration},
        "ManualOrder": False,
        "ExternalReference": order_id,
    }


def number(value: Decimal) -> int | float:
    # JSON has no decimals; integral values go as ints, others as the nearest float.
    return int(value) if value == value.to_integral_value() else float(value)


def order_id_from_reply(status: int, payload: Any) -> str:
    """Saxo's OrderId from a 2xx reply. Raises BrokerError for an ErrorInfo or no OrderId."""
    found = error_info(payload)
    if found:
        code, message = found
        raise BrokerError(message or "Order rejected", code=code, status=status)
    if not isinstance(payload, dict) or not payload.get("OrderId"):
        raise BrokerError("Saxo reply carries no OrderId", code="NoOrderId", status=status)
    return str(payload["OrderId"])


def precheck_failure(payload: Any) -> tuple[str | None, str] | None:
    """`(code, message)` when a precheck failed (`ErrorInfo` wins even with `PreCheckResult` Ok)."""
    found = error_info(payload)
    if found:
        return found
    if isinstance(payload, dict) and payload.get("PreCheckResult") not in (None, "Ok"):
        return payload.get("PreCheckResult"), "Order precheck failed"
    return None
