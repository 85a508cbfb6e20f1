"""manage.py make_sample_data: write SYNTHETIC 15/30-minute bars for the workflows' symbols."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflows.core.symbols import SYMBOL_RULE, is_symbol
from workflows.models import Workflow
from workflows.sample_data import (
    DEFAULT_DAYS,
    DEFAULT_SEED,
    SymbolPlan,
    plans_from_symbols,
    plans_from_workflows,
    write_sample_data,
)
from workflows.specs import spec_from_workflow

FALLBACK_SYMBOLS = "DAX.I,GER40.I,CAC40.I,FRA40.I,US500.I,AAPL:xnas,ITP:xpar,TTE:xpar,MC:xpar"


def _until(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise CommandError(f"--until: not an ISO date/time: {text!r}") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Command(BaseCommand):
    help = (
        "Generate deterministic SYNTHETIC market data (15- and 30-minute CSV bars) for the "
        "symbols of the stored workflows (or --symbols) into KORDER_CSV_DIR."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--symbols", help="comma-separated symbols instead of the workflows'")
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="trading days")
        parser.add_argument("--until", help="last bar time (ISO, UTC when naive); default now")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--out", type=Path, help="output directory (default KORDER_CSV_DIR)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 1:
            raise CommandError("--days must be at least 1")
        until = _until(options["until"])
        out: Path = options["out"] or Path(settings.KORDER_CSV_DIR)
        if options["symbols"]:
            plans = plans_from_symbols(options["symbols"].split(","))
        else:
            rows = Workflow.objects.filter(archived_at__isnull=True).prefetch_related("conditions")
            specs = [spec_from_workflow(row) for row in rows if row.conditions.all()]
            plans = plans_from_workflows(specs, until) or plans_from_symbols(
                FALLBACK_SYMBOLS.split(",")
            )
        plans = self._safe(plans)
        paths = list(
            write_sample_data(plans, out, until=until, days=options["days"], seed=options["seed"])
        )
        self.stdout.write(
            f"wrote {len(paths) - 1} SYNTHETIC bar files for {len(plans)} symbols to {out}"
        )

    def _safe(self, plans: list[SymbolPlan]) -> list[SymbolPlan]:
        """Plans whose symbol can name a file; the others (rows stored before the symbol rule,
        a bad --symbols entry) are reported and skipped, never written outside the folder."""
        for plan in plans:
            if not is_symbol(plan.symbol):
                self.stderr.write(f"skipping {plan.symbol[:80]!r}: not a valid symbol "
                                  f"({SYMBOL_RULE})")
        return [plan for plan in plans if is_symbol(plan.symbol)]
