"""manage.py sync_orders: bring the order history up to date with the broker's order log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflows.engine import sync
from workflows.engine.deps import build_deps
from workflows.engine.schedule import parse_at


class Command(BaseCommand):
    help = ("Read the latest state of the window's orders from the broker (one paged call) "
            "and move the order history forward (working, filled, cancelled, expired).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", type=parse_at, metavar="DATETIME",
                            help="the window ends at this time (ISO-8601, naive = UTC)")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            deps = build_deps(context="sync_orders")
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        try:
            result = sync.sync_orders(deps, opts["at"] or datetime.now(UTC))
        except Exception as exc:  # noqa: BLE001 - one clear line, never a traceback
            raise CommandError(f"order sync with {deps.broker.name} failed: {exc}") from exc
        if result is None:
            self.stdout.write(f"broker {deps.broker.name}: no broker orders to sync")
            return
        self.stdout.write(f"order sync: {result.line()}")
