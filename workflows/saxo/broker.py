"""`SaxoBroker`: places the engine's orders on Saxo (`POST /trade/v2/orders`), and follows,
modifies and cancels them afterwards (workflows.core.book.OrderBook)."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import Any

from workflows.core.book import OpenPosition, OrderLogEntry, WorkingOrder
from workflows.core.types import BrokerError, OrderIntent, Placement
from workflows.saxo import book
from workflows.saxo.client import SaxoClient, SaxoTransportError
from workflows.saxo.errors import SaxoError
from workflows.saxo.instruments import account_key, find_instrument, instrument_details
from workflows.saxo.orders import order_body, order_id_from_reply, precheck_failure

log = logging.getLogger(__name__)


class SaxoBroker:
    """Breakout orders on Saxo: `Limit` or `StopIfTraded`, ManualOrder false, our order id as
    ExternalReference and X-Request-ID. Never re-sends an order whose outcome is unknown."""

    name = "saxo"

    def __init__(self, client: SaxoClient, *, duration: str = "GoodTillCancel",
                 precheck: bool = False):
        self.client = client
        self.duration = duration
        self.precheck = precheck

    def __repr__(self) -> str:
        return f"SaxoBroker({self.client!r}, precheck={self.precheck})"

    def asset_type(self, symbol: str) -> str | None:
        """Saxo's AssetType for `symbol`, or None when it cannot be looked up."""
        try:
            return find_instrument(self.client, symbol).asset_type
        except SaxoError as exc:
            log.warning("saxo asset type of %s unknown: %s", symbol, exc)
            return None

    def place(self, intent: OrderIntent, *, order_id: str) -> Placement:
        """Send the order and return Saxo's OrderId. Raises BrokerError with Saxo's code and
        message on any refusal; an unknown outcome is resolved from the open orders."""
        body = self._body(intent, order_id)
        if self.precheck:
            self._precheck(body)
        try:
            status, payload = self.client.post("trade/v2/orders", body, request_id=order_id)
        except SaxoTransportError as exc:
            if not exc.maybe_sent:
                raise _broker_error(exc) from exc
            return self._reconcile(order_id, exc)
        except SaxoError as exc:
            raise _broker_error(exc) from exc
        broker_order_id = order_id_from_reply(status, payload)
        log.info("saxo order %s placed for %s (OrderId %s)", order_id, intent.code,
                 broker_order_id)
        return Placement(broker=self.name, broker_order_id=broker_order_id)

    def _body(self, intent: OrderIntent, order_id: str) -> dict[str, Any]:
        try:
            instrument = find_instrument(self.client, intent.code)
            details = instrument_details(self.client, instrument)
            account = account_key(self.client, details)
        except SaxoError as exc:
            raise _broker_error(exc) from exc
        return order_body(intent, instrument=instrument, details=details, account_key=account,
                          order_id=order_id, duration=self.duration)

    def _precheck(self, body: dict[str, Any]) -> None:
        try:
            _, payload = self.client.post("trade/v2/orders/precheck", body,
                                          request_id=secrets.token_hex(8))
        except SaxoError as exc:
            raise _broker_error(exc) from exc
        failure = precheck_failure(payload)
        if failure:
            code, message = failure
            raise BrokerError(message, code=code)

    def _reconcile(self, order_id: str, cause: SaxoTransportError) -> Placement:
        """The POST may have been accepted: look for our ExternalReference among open orders."""
        try:
            reply = self.client.get("port/v1/orders/me", {"$top": 1000})
        except SaxoError as exc:
            raise BrokerError(f"Order outcome unknown ({cause}); open orders unreadable ({exc})",
                              code="OrderOutcomeUnknown", status=cause.status) from exc
        for order in (reply or {}).get("Data", []):
            if order.get("ExternalReference") == order_id and order.get("OrderId"):
                log.warning("saxo order %s found after %s", order_id, cause)
                return Placement(broker=self.name, broker_order_id=str(order["OrderId"]))
        raise BrokerError(f"Order outcome unknown ({cause}); not among open orders, not re-sent",
                          code="OrderOutcomeUnknown", status=cause.status)

    # --- after placement (workflows.core.book.OrderBook) ---

    def order_log(self, *, since: datetime) -> list[OrderLogEntry]:
        return book.order_log(self.client, account_key=account_key(self.client), since=since)

    def working_orders(self) -> list[WorkingOrder]:
        return book.working_orders(self.client)

    def open_positions(self) -> list[OpenPosition]:
        return book.open_positions(self.client)

    def modify(self, intent: OrderIntent, *, broker_order_id: str, order_id: str) -> Placement:
        """PATCH the working order to the intent's price and amount; Saxo keeps its OrderId.
        Raises BrokerError (the order may be filled or cancelled meanwhile)."""
        try:
            instrument = find_instrument(self.client, intent.code)
            details = instrument_details(self.client, instrument)
            body = book.modify_body(intent, broker_order_id=broker_order_id,
                                    account_key=account_key(self.client, details),
                                    asset_type=instrument.asset_type, details=details,
                                    duration=self.duration)
            status, payload = self.client.change("PATCH", "trade/v2/orders", body)
        except SaxoError as exc:
            raise _broker_error(exc) from exc
        modified = order_id_from_reply(status, payload)
        log.info("saxo order %s modified for %s (our %s)", modified, intent.code, order_id)
        return Placement(broker=self.name, broker_order_id=modified)

    def cancel(self, broker_order_id: str) -> None:
        try:
            key = account_key(self.client)
        except SaxoError as exc:
            raise _broker_error(exc) from exc
        book.cancel(self.client, broker_order_id=broker_order_id, account_key=key)


def _broker_error(exc: SaxoError) -> BrokerError:
    return BrokerError(exc.message, code=exc.code, status=exc.status)
