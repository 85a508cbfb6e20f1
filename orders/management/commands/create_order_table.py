"""manage.py create_order_table: create `workflow_orders` if missing (idempotent), give an older
table the indexes it lacks, and (`--backfill`) add `placed_day` to rows without it."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orders import connection, services
from orders.errors import OrderStoreUnavailable
from orders.store_upgrade import UpgradeReport

INDEX_NOTES = {
    "creating": "Adding {index} (AWS builds it in the background). Until it is ACTIVE, "
    "total_count is counted on the table itself and the blotter answers 503.",
    "pending": "{index} is missing too: AWS builds one index at a time, so run "
    "`manage.py create_order_table` again once the index being built is ACTIVE.",
    "refused": "Adding {index} was refused ({reason}). On AWS the deploy role needs "
    "dynamodb:UpdateTable (docs/operations.md, IAM).",
}


class Command(BaseCommand):
    help = (
        "Create the order history table (PAY_PER_REQUEST, id-index, count-index, day-index, "
        "TTL) if it is missing; add missing indexes to an older table (UpdateTable, or a local "
        "rebuild that copies every row); --backfill writes placed_day on rows without it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--backfill", action="store_true",
            help="write placed_day on rows that lack it, so the blotter (day-index) sees them",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        binding = connection.current_binding()
        where = f"{binding.table_name!r} at {binding.endpoint or 'AWS ' + binding.region}"
        try:
            created = services.create_order_table()
            self.stdout.write(f"Created table {where}." if created else f"Table {where} exists.")
            # Even a new table: an interrupted rebuild left its rows in `<table>-rebuild`.
            self._report(services.upgrade_order_table())
            if options["backfill"]:
                written = services.backfill_placed_day()
                self.stdout.write(f"Backfilled placed_day on {written} row(s).")
        except OrderStoreUnavailable as exc:
            raise CommandError(str(exc)) from exc

    def _report(self, report: UpgradeReport) -> None:
        if report.copied is not None:
            rebuilt = ", ".join(r.index for r in report.indexes) or "its missing indexes"
            self.stdout.write(
                f"Rebuilt the local table with {rebuilt} (this server cannot add an index to "
                f"a table): {report.copied} row(s) copied out and back, counts checked."
            )
            return
        for index in report.indexes:
            if index.state in INDEX_NOTES:
                self.stdout.write(INDEX_NOTES[index.state].format(
                    index=index.index, reason=index.reason))
