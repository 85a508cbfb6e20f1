"""After placement (reference/saxo-openapi.md §8, §8a): the order log, working orders, open
positions, modify (`PATCH /trade/v2/orders`) and cancel (`DELETE /trade/v2/orders/{id}`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl, urlparse

from workflows.core.book import OpenPosition, OrderLogEntry, WorkingOrder
from workflows.core.types import BrokerError, OrderIntent
from workflows.saxo.client import SaxoClient
from workflows.saxo.errors import SaxoError, error_info
from workflows.saxo.orders import SAXO_ORDER_TYPES, number, round_to_tick

ORDER_LOG = "cs/v1/audit/orderactivities"
PAGE_SIZE = 1000
MAX_PAGES = 100  # 100 000 entries: far beyond a 7-day window; stops a runaway __next loop


def pages(client: SaxoClient, path: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every `Data` row of a paged read, following `__next` (on the same gateway only)."""
    for _ in range(MAX_PAGES):
        reply = client.get(path, params) or {}
        yield from reply.get("Data", [])
        following = reply.get("__next")
        if not following:
            return
        path, params = _next_page(client, following)
    raise SaxoError(f"{path}: more than {MAX_PAGES} pages", code="TooManyPages")


def _next_page(client: SaxoClient, url: str) -> tuple[str, dict[str, Any]]:
    gateway = urlparse(client.gateway)
    target = urlparse(url)
    if (target.scheme, target.netloc) != (gateway.scheme, gateway.netloc) or not \
            target.path.startswith(gateway.path):
        raise SaxoError("__next points outside the gateway; not followed", code="BadNextLink")
    return target.path[len(gateway.path):], dict(parse_qsl(target.query))


def order_log(client: SaxoClient, *, account_key: str, since: datetime) -> list[OrderLogEntry]:
    """The latest state of every order of the account active since `since`: one paged GET
    (`EntryType=Last`)."""
    params = {"AccountKey": account_key, "EntryType": "Last", "$top": PAGE_SIZE,
              "FromDateTime": since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    return [entry for row in pages(client, ORDER_LOG, params)
            if (entry := _entry(row)) is not None]


def _entry(row: dict[str, Any]) -> OrderLogEntry | None:
    if not row.get("OrderId") or not row.get("Status") or not row.get("ActivityTime"):
        return None
    return OrderLogEntry(
        broker_order_id=str(row["OrderId"]), external_reference=row.get("ExternalReference"),
        status=str(row["Status"]), at=_time(row["ActivityTime"]),
        filled_amount=_decimal(row.get("FilledAmount")),
        price=_decimal(row.get("AveragePrice")) or _decimal(row.get("ExecutionPrice")),
        position_id=str(row["PositionId"]) if row.get("PositionId") else None)


def working_orders(client: SaxoClient) -> list[WorkingOrder]:
    params = {"$top": PAGE_SIZE, "FieldGroups": "DisplayAndFormat"}
    return [WorkingOrder(
        broker_order_id=str(row.get("OrderId")), external_reference=row.get("ExternalReference"),
        symbol=_symbol(row), side=str(row.get("BuySell", "")),
        amount=_decimal(row.get("Amount")), price=_decimal(row.get("Price",
                                                                   row.get("OrderPrice"))),
        order_type=str(row.get("OpenOrderType") or row.get("OrderType") or ""),
        status=str(row.get("Status", "")),
    ) for row in pages(client, "port/v1/orders/me", params)]


def open_positions(client: SaxoClient) -> list[OpenPosition]:
    params = {"$top": PAGE_SIZE, "FieldGroups": "PositionBase,PositionView,DisplayAndFormat"}
    positions = []
    for row in pages(client, "port/v1/positions/me", params):
        base, view = row.get("PositionBase") or {}, row.get("PositionView") or {}
        opened = base.get("ExecutionTimeOpen")
        positions.append(OpenPosition(
            position_id=str(row.get("PositionId")),
            source_order_id=str(base["SourceOrderId"]) if base.get("SourceOrderId") else None,
            symbol=_symbol({**base, **row}), amount=_decimal(base.get("Amount")),
            open_price=_decimal(base.get("OpenPrice")),
            current_price=_decimal(view.get("CurrentPrice")),
            profit_loss=_decimal(view.get("ProfitLossOnTrade")),
            opened_at=_time(opened) if opened else None))
    return positions


def modify_body(intent: OrderIntent, *, broker_order_id: str, account_key: str,
                asset_type: str, details: Any, duration: str) -> dict[str, Any]:
    """`PATCH /trade/v2/orders`: the working order moves to the intent's price and amount."""
    return {"AccountKey": account_key, "OrderId": broker_order_id, "AssetType": asset_type,
            "Amount": number(intent.quantity), "OrderType": SAXO_ORDER_TYPES[intent.order_type],
            "OrderPrice": number(round_to_tick(intent.price, details)),
            "OrderDuration": {"DurationType": duration}}


def cancel(client: SaxoClient, *, broker_order_id: str, account_key: str) -> None:
    """`DELETE /trade/v2/orders/{id}`. Raises BrokerError with Saxo's reason (e.g. the order
    was already filled or cancelled)."""
    try:
        _, reply = client.change("DELETE", f"trade/v2/orders/{broker_order_id}",
                                 params={"AccountKey": account_key})
    except SaxoError as exc:
        raise BrokerError(exc.message, code=exc.code, status=exc.status) from exc
    for order in (reply or {}).get("Orders", []) if isinstance(reply, dict) else []:
        found = error_info(order)
        if found:
            raise BrokerError(found[1] or "Cancel refused", code=found[0])


def _symbol(row: dict[str, Any]) -> str:
    shown = (row.get("DisplayAndFormat") or {}).get("Symbol")
    return str(shown or f"{row.get('AssetType', '')} {row.get('Uic', '')}".strip())


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
