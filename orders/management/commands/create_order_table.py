"""manage.py create_order_table: create `workflow_orders` if missing (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from orders import services, store
from orders.errors import OrderStoreUnavailable

INDEX_NOTES = {
    "creating": "Adding count-index (AWS builds it in the background); total_count is counted "
    "on the table itself until it is ACTIVE.",
    "unsupported": "This server cannot add count-index to an existing table (dynalite cannot); "
    "total_count is counted on the table itself, which is slower. To rebuild a local table: "
    "stop the server, remove var/dynamodb (this drops the local order history) and run "
    "`make run` again.",
    "refused": "Adding count-index was refused ({reason}); total_count is counted on the "
    "table itself until it is added. On AWS the deploy role needs dynamodb:UpdateTable "
    "(docs/operations.md, IAM).",
}


class Command(BaseCommand):
    help = (
        "Create the order history table (PAY_PER_REQUEST, id-index, count-index, TTL) if it is "
        "missing; add count-index to an older table where the server can."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        binding = store.current_binding()
        where = f"{binding.table_name!r} at {binding.endpoint or 'AWS ' + binding.region}"
        try:
            created = services.create_order_table()
            index, reason = ("present", "") if created else services.ensure_count_index()
        except OrderStoreUnavailable as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Created table {where}." if created else f"Table {where} exists.")
        if index != "present":
            self.stdout.write(INDEX_NOTES[index].format(reason=reason))

