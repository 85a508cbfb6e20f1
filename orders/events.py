"""Lifecycle services: apply a status change to an order row and keep the transition as an
event (SPEC §12). The row is the truth (conditional UpdateItem, never backwards); the event
rows (Django DB, 7 days) are its history, written only for changes the row accepted.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from orders import store
from orders.lifecycle import Status, StatusChange, status_of
from orders.models import OrderEvent
from orders.records import OrderRecord

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OrderKey:
    """What locates one order row: its keys and its id (the update's condition)."""

    order_id: str
    workflow_id: str
    placed_at: datetime
    broker_order_id: str = ""


def key_of(record: OrderRecord) -> OrderKey:
    return OrderKey(record.id, record.workflow_id, record.placed_at, record.broker_order_id or "")


def apply_change(*, key: OrderKey, change: StatusChange) -> bool:
    """Move the row forward to `change` and keep the event. False when the row refused it
    (replayed, older, terminal). Raises OrderStoreUnavailable."""
    old = store.update_status(workflow_id=key.workflow_id, placed_at=key.placed_at,
                              change=change)
    if old is None:
        return False
    before = store.previous_status(old) or _inferred(old)
    _save_event(key, change, previous=before)
    return True


def apply_changes(pending: list[tuple[OrderKey, StatusChange]], *, workers: int = 8) -> int:
    """`apply_change` for many orders: the UpdateItems run concurrently, the events are written
    here (one thread for the database). Returns how many rows moved forward."""
    if not pending:
        return 0
    store.warm_up()

    def update(item: tuple[OrderKey, StatusChange]) -> dict | None:
        key, change = item
        return store.update_status(workflow_id=key.workflow_id, placed_at=key.placed_at,
                                   change=change)

    with ThreadPoolExecutor(max_workers=min(workers, len(pending))) as pool:
        olds = list(pool.map(update, pending))
    applied = 0
    for (key, change), old in zip(pending, olds, strict=True):
        if old is not None:
            _save_event(key, change, previous=store.previous_status(old) or _inferred(old))
            applied += 1
    return applied


def _inferred(old: dict) -> str:
    dry_run = bool(old.get("dry_run", {}).get("BOOL", False))
    broker = str(old.get("broker", {}).get("S", "notify"))
    return status_of(None, dry_run=dry_run, broker=broker).value


def record_placement_event(record: OrderRecord) -> None:
    """The first event of a new order (its status at placement)."""
    status = record.current_status
    change = StatusChange(order_id=record.id, status=status, at=record.placed_at,
                          source="placement", detail=_placement_detail(record),
                          broker_error=record.broker_error)
    _save_event(key_of(record), change, previous="", seq=record.status_seq)


def _placement_detail(record: OrderRecord) -> str:
    if record.current_status == Status.REJECTED:
        return f"rejected by {record.broker}: {record.broker_error or 'no reason given'}"
    if record.replaces:
        return f"modified order {record.replaces} ({record.broker})"
    if record.broker_order_id:
        return f"placed at {record.broker}, order {record.broker_order_id}"
    return "dry run: not sent to a broker" if record.dry_run else "notified only, no broker order"


def _save_event(key: OrderKey, change: StatusChange, *, previous: str,
                seq: int | None = None) -> None:
    try:
        with transaction.atomic():
            OrderEvent.objects.create(
                order_id=key.order_id, workflow_id=key.workflow_id, status=change.status.value,
                previous_status=previous, at=change.at,
                seq=change.seq if seq is None else seq, source=change.source,
                detail=change.detail[:500], broker_order_id=key.broker_order_id,
                filled_price=change.filled_price, filled_quantity=change.filled_quantity,
                created_at=timezone.now())
    except IntegrityError:
        log.debug("event %s %s of %s already kept", change.status, change.seq, key.order_id)


def order_events(*, order_id: str) -> list[OrderEvent]:
    """The transitions of one order, oldest first."""
    return list(OrderEvent.objects.filter(order_id=order_id).order_by("seq", "id"))


def last_known(order_ids: list[str]) -> dict[str, OrderEvent]:
    """order id -> its newest event (one query): lets a sync skip entries that change nothing."""
    newest: dict[str, OrderEvent] = {}
    rows = OrderEvent.objects.filter(order_id__in=order_ids).order_by("seq", "id")
    for event in rows.iterator(chunk_size=1000):
        newest[str(event.order_id)] = event
    return newest


def purge_events(*, now: datetime) -> int:
    """Delete events written before the retention window; returns the count."""
    cutoff = now - timedelta(days=settings.KORDER_ORDER_RETENTION_DAYS)
    deleted, _ = OrderEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted
