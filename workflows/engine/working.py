"""One working order per workflow (SPEC §12).

A trigger while the workflow's previous order (same mode: live at this broker, or dry run) is
still open modifies that order instead of placing another: `PATCH /trade/v2/orders` at Saxo, no
call for notify and dry runs. The new history row names it in `replaces`; the old row becomes
`replaced`. While a position opened by one of the workflow's orders is open, nothing is placed.
The claim taken before any of this (ledger) keeps it exactly once.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from orders import events
from orders import services as order_services
from orders.errors import OrderStoreUnavailable
from orders.lifecycle import OPEN, Status, StatusChange, sequence
from orders.records import OrderRecord
from workflows.core.types import Broker, BrokerError, OrderIntent, Placement
from workflows.engine import ledger

log = logging.getLogger(__name__)

LOOKBACK = 20  # newest rows searched for the workflow's open order (other modes interleave)
POSITION_OPEN = "position_open"


def position_open(intent: OrderIntent, open_positions: frozenset[str] | None) -> str | None:
    """The broker order id whose position is still open, when one of the workflow's live
    orders opened it; None otherwise (dry runs and unknown positions never block)."""
    if intent.dry_run or not open_positions:
        return None
    opened = ledger.workflow_broker_order_ids(intent.workflow_id) & open_positions
    return min(opened) if opened else None


def predecessor(intent: OrderIntent, now: datetime, broker: Broker) -> OrderRecord | None:
    """The workflow's newest order of the same mode when it is still open (working, notified,
    dry run) with the same side and type; None otherwise, or when the store cannot tell."""
    try:
        order_services.raise_if_hung("Query")  # a frozen store: do not wait for it again
        rows = order_services.list_workflow_orders(workflow_id=intent.workflow_id, now=now,
                                                   limit=LOOKBACK)
    except OrderStoreUnavailable as exc:
        log.warning("previous order of %s unknown (%s): placing a new one",
                    intent.workflow_name, exc)
        return None
    for row in rows:
        if row.dry_run != intent.dry_run or row.broker != broker.name:
            continue
        if row.current_status == Status.REJECTED or row.placed_at >= now:
            continue  # never reached the broker / a replay's future row
        same = (row.order_direction, row.order_type) == (intent.side.record_name,
                                                          intent.order_type.value)
        live = row.current_status in OPEN and (broker.name == "notify" or row.broker_order_id)
        return row if same and live else None
    return None


def recovered_predecessor(intent: OrderIntent, placed_at: datetime, placement: Placement,
                          broker: Broker) -> OrderRecord | None:
    """For an order a crashed run placed but did not record: the order it modified. At the
    broker a modification keeps the broker order id; notify and dry runs replace any open
    predecessor (that is what the crashed run did)."""
    previous = predecessor(intent, placed_at, broker)
    if previous is not None and placement.broker_order_id \
            and previous.broker_order_id != placement.broker_order_id:
        return None
    return previous


def send(broker: Broker, intent: OrderIntent, *, order_id: str,
         previous: OrderRecord | None) -> Placement:
    """Place the order, or modify `previous` at the broker. Raises BrokerError."""
    if previous is None:
        return broker.place(intent, order_id=order_id)
    modify = getattr(broker, "modify", None)
    if modify is None or not previous.broker_order_id:
        return Placement(broker=broker.name)  # notify / dry run: nothing to send
    return modify(intent, broker_order_id=previous.broker_order_id, order_id=order_id)


def mark_replaced(previous: OrderRecord | None, record: OrderRecord) -> None:
    """The previous row becomes `replaced` (never backwards: a fill that the broker reported
    first wins). A store failure is logged: the new row still names it in `replaces`."""
    if previous is None:
        return
    change = StatusChange(order_id=previous.id, status=Status.REPLACED, at=record.placed_at,
                          source="engine", detail=f"replaced by order {record.id}")
    try:
        events.apply_change(key=events.key_of(previous), change=change)
    except OrderStoreUnavailable as exc:
        log.warning("order %s not marked replaced: %s", previous.id, exc)


def rejected_record(record: OrderRecord, exc: BrokerError) -> OrderRecord:
    """The history row of a placement (or modification) the broker refused."""
    error = f"{exc.code}: {exc.message}" if exc.code else exc.message
    return replace(record, status=Status.REJECTED.value, broker_error=error[:500],
                   broker_order_id=None,
                   status_seq=sequence(record.placed_at, Status.REJECTED))


def record_rejection(record: OrderRecord) -> None:
    """Keep a rejected order in the history; a store failure sends it to the outbox."""
    try:
        order_services.record_order(record=record)
    except Exception:  # noqa: BLE001 - the decision log and errors channel already have it
        log.exception("rejected order %s not recorded", record.id)
        return
    events.record_placement_event(record)
