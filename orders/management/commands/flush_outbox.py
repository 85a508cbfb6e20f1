"""manage.py flush_outbox: write order records kept while the store was unavailable."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from orders import services


class Command(BaseCommand):
    help = "Write pending outbox records to the order store (same id and placed_at)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.flush_outbox()
        self.stdout.write(
            f"Written {result.written}, already present {result.duplicates}, "
            f"failed {result.failed}; {services.pending_outbox_count()} pending."
        )
        if result.failed:
            raise CommandError(f"{result.failed} outbox record(s) could not be written")
