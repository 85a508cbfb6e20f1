"""manage.py purge_expired_orders: delete what is older than the retention window.

Reads never depend on this (they apply the window); it keeps a local table small.
Each purge is one service call that returns a count; add new ones to PURGES.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from orders import services
from orders.errors import OrderStoreUnavailable

# (label, purge function taking `now=` and returning how many rows it deleted).
# The engine's decision log registers its own purge here (e.g. workflows.services.purge_...).
PURGES: list[tuple[str, Callable[..., int]]] = [
    ("order history rows", services.purge_expired_orders),
    ("flushed outbox records", services.purge_flushed_outbox),
]


class Command(BaseCommand):
    help = "Delete order history rows (and other logs) older than the retention window."

    def handle(self, *args: Any, **options: Any) -> None:
        now: datetime = timezone.now()
        for label, purge in PURGES:
            try:
                deleted = purge(now=now)
            except OrderStoreUnavailable as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"Deleted {deleted} {label}.")
