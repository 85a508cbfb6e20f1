"""manage.py purge_decisions: delete decision log rows older than 7 days."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from workflows.engine.ledger import purge_decisions


class Command(BaseCommand):
    help = "Delete engine decision log rows written more than 7 days ago."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_decisions(now=timezone.now())
        self.stdout.write(f"Deleted {deleted} decision log rows.")
