"""The registry of retention purges run by `manage.py purge_expired_orders`.

`orders` never imports `workflows`, so other apps register their own purges here from their
AppConfig.ready() (the engine's decision log does).
"""

from __future__ import annotations

from collections.abc import Callable

from orders import events, services

Purge = Callable[..., int]  # purge(now=...) -> rows deleted

PURGES: list[tuple[str, Purge]] = [
    ("order history rows", services.purge_expired_orders),
    ("flushed outbox records", services.purge_flushed_outbox),
    ("order lifecycle events", events.purge_events),
]


def register_purge(label: str, purge: Purge) -> None:
    """Add a purge (idempotent: registering the same label twice keeps one)."""
    if all(existing != label for existing, _ in PURGES):
        PURGES.append((label, purge))
