"""manage.py replay_sample --days N: run the engine at every :01/:31 weekday session slot of the
last N days of the sample CSV data, so the order history and decision log come from real runs.

Orders are never sent anywhere (notify-only broker, log notifications). Idempotent: it only
runs the slots after the newest run the decision log knows (a replay's or the loop's), so a
restart logs no decision twice and places no order back-dated before earlier ones; the claim
ledger still makes every order land once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflows import engine
from workflows.core.types import MarketDataError
from workflows.engine import ledger
from workflows.engine.deps import build_replay_deps
from workflows.engine.market_data import M30
from workflows.engine.runs import due_specs
from workflows.engine.schedule import session_slots


class Command(BaseCommand):
    help = "Replay the engine every 30 minutes over the last N days of the sample CSV data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=2, help="how many days back (default 2)")

    def handle(self, *args: Any, days: int, **opts: Any) -> None:
        try:
            deps = build_replay_deps()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        end = self.data_end(deps.market_data, datetime.now(UTC))
        start = end - timedelta(days=days)
        done = ledger.last_evaluated_at()
        if done is not None and done >= start:
            start = done + timedelta(minutes=1)
        slots = session_slots(start, end)
        totals = {"evaluated": 0, "placed": 0, "failed": 0}
        for slot in slots:
            # Outcomes once, at the last slot: every order is measured from the bars up to it.
            options = engine.RunOptions(source="replay", measure_outcomes=slot == slots[-1])
            summary = engine.run(slot, deps=deps, options=options)
            for key in totals:
                totals[key] += getattr(summary, key)
            if opts["verbosity"] > 1:
                self.stdout.write(f"{slot:%Y-%m-%d %H:%M} UTC: {summary.line()}")
        self.stdout.write(
            f"replayed {len(slots)} runs up to {end:%Y-%m-%d %H:%M} UTC: "
            f"{totals['evaluated']} evaluations, {totals['placed']} orders placed, "
            f"{totals['failed']} failed"
        )

    def data_end(self, market_data: Any, now: datetime) -> datetime:
        """The newest 30-minute bar of the enabled workflows' symbols (capped at now)."""
        newest: list[datetime] = []
        for spec in due_specs(now.date(), engine.RunOptions()):
            for symbol in {spec.index, spec.cfd}:
                try:
                    newest.append(market_data.bars(symbol, horizon=M30, count=1, until=now)[0].time)
                except MarketDataError:
                    continue
        if not newest:
            raise CommandError("no sample bars found: run `manage.py make_sample_data` first")
        return min(now, max(newest) + timedelta(minutes=31))
