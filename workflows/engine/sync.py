"""Sync with the broker (SPEC §12): read the latest state of the window's orders in one paged
call, match it to our orders, move each row forward, keep the transitions as events.

Called at the start of every engine run (never blocking it) and by `manage.py sync_orders`.
Matching: the broker's OrderId against the claims' broker order ids (the newest claim wins: a
modified order keeps its OrderId), else its ExternalReference against our order ids.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from orders import events
from orders import services as order_services
from orders.events import OrderKey
from orders.lifecycle import TERMINAL, StatusChange, change_from_entry
from orders.models import OrderEvent
from workflows.core.book import OrderLogEntry
from workflows.engine import ledger
from workflows.engine.deps import Deps
from workflows.models import RunClaim

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncResult:
    read: int = 0  # broker entries read
    matched: int = 0  # entries that are k-order's orders
    changed: int = 0  # rows moved forward
    unchanged: int = 0  # already known, replayed or older

    def line(self) -> str:
        return (f"read {self.read} / ours {self.matched} / changed {self.changed}"
                f" / unchanged {self.unchanged}")


def order_book(deps: Deps) -> Any | None:
    """The broker when it can report its orders (Saxo), else None (notify: nothing to sync)."""
    return deps.broker if hasattr(deps.broker, "order_log") else None


def sync_orders(deps: Deps, now: datetime) -> SyncResult | None:
    """Apply the broker's latest order states to the window's orders; None when the broker
    has no order log. Raises the broker's or the store's errors (see `sync_guarded`)."""
    book = order_book(deps)
    if book is None:
        return None
    since = order_services.window_start(now)
    entries = book.order_log(since=since)
    keys = _keys_by_entry(entries, ledger.broker_claims(broker=deps.broker.name, since=since))
    known = events.last_known([key.order_id for key in keys.values()])
    pending = [(key, change) for entry in entries
               if (key := keys.get(entry.broker_order_id)) is not None
               and (change := change_from_entry(entry, order_id=key.order_id)) is not None
               and _is_new(change, known.get(key.order_id))]
    changed = events.apply_changes(pending)
    return SyncResult(read=len(entries), matched=len(keys), changed=changed,
                      unchanged=len(keys) - changed)


def sync_guarded(deps: Deps, now: datetime) -> SyncResult | None:
    """`sync_orders`, with any failure logged: a sync never blocks placing orders."""
    try:
        result = sync_orders(deps, now)
    except Exception:  # noqa: BLE001 - broker or store down: the run goes on
        log.exception("order sync with %s failed; placing goes on", deps.broker.name)
        return None
    if result is not None:
        log.info("order sync: %s", result.line())
    return result


def _keys_by_entry(entries: list[OrderLogEntry], claims: list[RunClaim]
                   ) -> dict[str, OrderKey]:
    by_broker_id = {c.broker_order_id: c for c in claims if c.broker_order_id}  # newest wins
    by_ours = {str(c.order_id): c for c in claims}
    keys: dict[str, OrderKey] = {}
    for entry in entries:
        claim = by_broker_id.get(entry.broker_order_id) or by_ours.get(
            entry.external_reference or "")
        if claim is not None:
            keys[entry.broker_order_id] = OrderKey(str(claim.order_id), str(claim.workflow_id),
                                                   claim.placed_at, entry.broker_order_id)
    return keys


def _is_new(change: StatusChange, last: OrderEvent | None) -> bool:
    """False when the events already hold this state (skip the store round trip)."""
    if last is None:
        return True
    if last.seq >= change.seq or last.status in TERMINAL:
        return False
    return not (last.status == change.status.value
                and last.filled_quantity == change.filled_quantity)


def open_positions(deps: Deps) -> frozenset[str] | None:
    """Broker order ids whose positions are open now (one read), None when unknown."""
    book = order_book(deps)
    if book is None:
        return None
    try:
        return frozenset(p.source_order_id for p in book.open_positions() if p.source_order_id)
    except Exception:  # noqa: BLE001 - unknown positions never block placing
        log.exception("open positions at %s unreadable", deps.broker.name)
        return None
