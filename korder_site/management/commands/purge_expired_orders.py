"""manage.py purge_expired_orders: delete what is older than the retention window.

Reads never depend on this (they apply the window); it keeps a local table small.
What expires is listed in korder_site/purges.py.
"""

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from korder_site.purges import purge_expired
from orders.errors import OrderStoreUnavailable


class Command(BaseCommand):
    help = "Delete order history rows (and other logs) older than the retention window."

    def handle(self, *args: Any, **options: Any) -> None:
        now: datetime = timezone.now()
        try:
            deleted = purge_expired(now=now)
        except OrderStoreUnavailable as exc:
            raise CommandError(str(exc)) from exc
        for label, count in deleted:
            self.stdout.write(f"Deleted {count} {label}.")
