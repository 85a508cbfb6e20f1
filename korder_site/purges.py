"""Retention purges across the apps, run by `manage.py purge_expired_orders`.

The site composes the apps: `orders` never imports `workflows`, so the list of what expires
(order rows, flushed outbox records, order lifecycle events, the engine's
decision log and run ledger) lives here, not in an app.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from orders import events as order_events
from orders import services as order_services
from workflows.engine.ledger import purge_decisions
from workflows.engine.runlog import purge_runs

Purge = Callable[..., int]  # purge(now=...) -> rows deleted

PURGES: tuple[tuple[str, Purge], ...] = (
    ("order history rows", order_services.purge_expired_orders),
    ("flushed outbox records", order_services.purge_flushed_outbox),
    ("order lifecycle events", order_events.purge_events),
    ("decision log rows", purge_decisions),
    ("engine run rows and heartbeats", purge_runs),
)


def purge_expired(*, now: datetime) -> list[tuple[str, int]]:
    """Run every purge in order; (label, rows deleted) per purge.

    Raises OrderStoreUnavailable when the order store is down (the purges after it do not run).
    """
    return [(label, purge(now=now)) for label, purge in PURGES]
