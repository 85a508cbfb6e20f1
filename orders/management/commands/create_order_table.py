"""manage.py create_order_table: create `workflow_orders` if missing (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from orders import services, store
from orders.errors import OrderStoreUnavailable


class Command(BaseCommand):
    help = "Create the order history table (PAY_PER_REQUEST, id-index, TTL) if it is missing."

    def handle(self, *args: Any, **options: Any) -> None:
        binding = store.current_binding()
        where = f"{binding.table_name!r} at {binding.endpoint or 'AWS ' + binding.region}"
        try:
            created = services.create_order_table()
        except OrderStoreUnavailable as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Created table {where}." if created else f"Table {where} exists.")
