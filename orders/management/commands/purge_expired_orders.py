"""manage.py purge_expired_orders: delete what is older than the retention window.

Reads never depend on this (they apply the window); it keeps a local table small.
Each purge is one service call that returns a count; see orders/purges.py.
"""

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from orders.errors import OrderStoreUnavailable
from orders.purges import PURGES


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
