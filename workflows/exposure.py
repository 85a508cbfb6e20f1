"""Exposure at the broker (SPEC §12, issue 18 item 6): the account's working orders and open
positions read from Saxo, each tied to the workflow whose order it is, and the Trader's cancel.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings

from orders import events
from orders import services as order_services
from orders.errors import OrderNotFound, OrderStoreUnavailable
from orders.events import OrderKey
from orders.lifecycle import TERMINAL, Status, StatusChange
from workflows.core.book import OpenPosition, WorkingOrder
from workflows.core.types import BrokerError
from workflows.engine import ledger
from workflows.models import RunClaim

log = logging.getLogger(__name__)


class CancelRefused(Exception):
    """The order cannot be cancelled from k-order (not ours, already done, broker refused)."""


@dataclass(frozen=True)
class Owner:
    """The k-order order behind a broker order: our id and its workflow."""

    order_id: str
    workflow_id: str
    workflow_name: str


@dataclass(frozen=True)
class ExposureRow:
    item: WorkingOrder | OpenPosition
    owner: Owner | None


@dataclass
class ExposurePanel:
    broker: str
    orders: list[ExposureRow] = field(default_factory=list)
    positions: list[ExposureRow] = field(default_factory=list)
    error: str | None = None

    @property
    def live(self) -> bool:
        return self.broker == "saxo"


def order_book() -> Any | None:
    """The Saxo broker when KORDER_BROKER=saxo, else None (notify places no broker orders)."""
    if settings.KORDER_BROKER != "saxo":
        return None
    from workflows.saxo import build_saxo_client
    from workflows.saxo.broker import SaxoBroker

    return SaxoBroker(build_saxo_client(settings))


def owner_of(broker_order_id: str | None) -> Owner | None:
    claim = ledger.claim_of_broker_order(broker_order_id) if broker_order_id else None
    return _owner(claim) if claim else None


def _owner(claim: RunClaim) -> Owner:
    return Owner(str(claim.order_id), str(claim.workflow_id), claim.workflow_name)


def exposure_panel() -> ExposurePanel:
    """Working orders (`/port/v1/orders/me`) and open positions (`/port/v1/positions/me`);
    a broker failure becomes the panel's `error`, never an exception."""
    panel = ExposurePanel(broker=settings.KORDER_BROKER)
    try:
        book = order_book()
        if book is None:
            return panel
        panel.orders = [ExposureRow(o, owner_of(o.broker_order_id)) for o in book.working_orders()]
        panel.positions = [ExposureRow(p, owner_of(p.source_order_id))
                           for p in book.open_positions()]
    except Exception as exc:  # noqa: BLE001 - the page says what is wrong, never a 500
        log.warning("exposure unreadable: %s", exc)
        panel.error = f"Saxo did not answer: {exc}"
    return panel


def cancel_order(*, broker_order_id: str, by: str, now: datetime) -> Owner:
    """Cancel a working order that k-order placed (`DELETE /trade/v2/orders/{id}`) and record
    it in the order's lifecycle. Raises CancelRefused with the reason."""
    claim = ledger.claim_of_broker_order(broker_order_id)
    if claim is None:
        raise CancelRefused(f"order {broker_order_id} was not placed by k-order")
    owner = _owner(claim)
    _refuse_if_done(owner, now)
    book = order_book()
    if book is None:
        raise CancelRefused("the broker is not Saxo: there is no broker order to cancel")
    try:
        book.cancel(broker_order_id)
    except BrokerError as exc:
        raise CancelRefused(f"Saxo refused the cancel: {exc}") from exc
    change = StatusChange(order_id=owner.order_id, status=Status.CANCELLED, at=now,
                          source="trader", detail=f"cancelled by {by} from k-order")
    key = OrderKey(owner.order_id, owner.workflow_id, claim.placed_at, broker_order_id)
    try:
        events.apply_change(key=key, change=change)
    except OrderStoreUnavailable as exc:
        log.warning("order %s cancelled at Saxo, not yet in the history: %s", owner.order_id, exc)
    return owner


def _refuse_if_done(owner: Owner, now: datetime) -> None:
    """A second confirmation (double submit, back button) never sends a second DELETE."""
    try:
        record = order_services.get_order(order_id=owner.order_id, now=now)
    except (OrderNotFound, OrderStoreUnavailable):
        return  # the broker decides
    if record.current_status in TERMINAL:
        raise CancelRefused(f"order {owner.order_id} is already {record.status_label.lower()}")
