"""The engine's outcome step (SPEC §12): after a run's workflows, measure what happened after
every order of the window whose outcome is not final yet, store it on the order row, and
recompute each workflow's stats.

Reads: one paged window Query per workflow (archived ones included: their orders stay
visible), issued concurrently; bars once per traded symbol from the run's market data
(15-minute bars, 30-minute ones when a source has no 15-minute series). Writes: one
conditional UpdateItem per order whose outcome changed, one stats row per workflow.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from orders import services as order_services
from orders.records import OrderRecord
from workflows.core.outcomes import OrderOutcome, PlacedOrder, measure
from workflows.core.types import (
    US_SUFFIXES,
    Bar,
    Market,
    MarketData,
    MarketDataError,
    OrderType,
    Side,
)
from workflows.models import Workflow
from workflows.stats import compute_stats, save_stats

log = logging.getLogger(__name__)

BAR_MINUTES = (15, 30)
MAX_BARS = 1200  # one chart request at Saxo; 12 days of 15-minute bars
WORKERS = 8


@dataclass(frozen=True)
class OutcomeReport:
    orders: int = 0  # orders of the window
    measured: int = 0  # not final before this run, measured now
    updated: int = 0  # rows whose stored outcome changed
    no_data: int = 0  # orders whose symbol had no bars


def market_of(code: str, *, is_us: bool) -> Market:
    return Market.US if is_us or code.lower().endswith(US_SUFFIXES) else Market.EU


def measure_outcomes(now: datetime, *, market_data: MarketData,
                     workers: int = WORKERS) -> OutcomeReport:
    """Measure, store and count (see the module docstring) as of `now`; orders placed after
    `now` (a replay of the past) are left alone. Raises OrderStoreUnavailable."""
    workflows = {str(pk): is_us for pk, is_us in Workflow.objects.values_list("id", "is_us")}
    windows = _read_windows(list(workflows), now, workers)
    # An order younger than the shortest bar has no complete bar after it: nothing to measure.
    ready = now - timedelta(minutes=min(BAR_MINUTES))
    pending = [r for rows in windows.values() for r in rows
               if not r.outcome_final and r.placed_at <= ready]
    bars = _bars_by_symbol(pending, market_data, now, workers)
    measured: dict[str, OrderRecord] = {}
    updated = no_data = 0
    for record in pending:
        found = bars.get(record.order_code)
        if found is None:
            no_data += 1
            continue
        market = market_of(record.order_code, is_us=workflows.get(record.workflow_id, False))
        new = with_outcome(record, measure(_placed(record, market), found[0],
                                           bar_length=found[1], now=now))
        measured[record.id] = new
        if _changed(record, new):
            updated += int(order_services.record_outcome(record=record, values=_values(new)))
    for workflow_id, rows in windows.items():
        save_stats(workflow_id=workflow_id, now=now,
                   values=compute_stats(measured.get(r.id, r) for r in rows))
    return OutcomeReport(orders=sum(map(len, windows.values())), measured=len(measured),
                         updated=updated, no_data=no_data)


def _read_windows(ids: list[str], now: datetime, workers: int) -> dict[str, list[OrderRecord]]:
    """workflow id -> its orders placed in [now - window, now]."""
    if not ids:
        return {}
    order_services.raise_if_hung("Query")  # a store that just hung: not once per workflow
    with ThreadPoolExecutor(max_workers=min(workers, len(ids))) as pool:
        found = pool.map(lambda wid: order_services.window_orders(workflow_id=wid, now=now), ids)
        return {wid: [r for r in rows if r.placed_at <= now]
                for wid, rows in zip(ids, found, strict=True)}


def _bars_by_symbol(pending: Sequence[OrderRecord], source: MarketData, now: datetime,
                    workers: int) -> dict[str, tuple[list[Bar], timedelta]]:
    """symbol -> (bars since its oldest pending order, bar length), symbols fetched
    concurrently; symbols without bars are left out (logged)."""
    oldest: dict[str, datetime] = {}
    for record in pending:
        oldest[record.order_code] = min(oldest.get(record.order_code, now), record.placed_at)
    if not oldest:
        return {}
    with ThreadPoolExecutor(max_workers=min(workers, len(oldest))) as pool:
        found = pool.map(lambda item: _bars_of(source, item[0], item[1], now), oldest.items())
        return {symbol: bars for symbol, bars in zip(oldest, found, strict=True) if bars}


def _bars_of(source: MarketData, symbol: str, since: datetime,
             now: datetime) -> tuple[list[Bar], timedelta] | None:
    for minutes in BAR_MINUTES:
        count = min(MAX_BARS, math.ceil((now - since) / timedelta(minutes=minutes)) + 1)
        try:
            bars = source.bars(symbol, horizon=minutes, count=count, until=now)
        except MarketDataError as exc:
            log.info("outcomes: no %s-minute bars for %s: %s", minutes, symbol, exc)
            continue
        return bars, timedelta(minutes=minutes)
    return None


def _placed(record: OrderRecord, market: Market) -> PlacedOrder:
    return PlacedOrder(side=Side(record.order_direction.lower()),
                       order_type=OrderType(record.order_type), price=record.order_price,
                       placed_at=record.placed_at, market=market)


_OUTCOME_FIELDS = ("triggered", "triggered_at", "entry", "mfe", "mae", "mfe_1h", "mae_1h",
                   "mfe_4h", "mae_4h", "final")


def with_outcome(record: OrderRecord, outcome: OrderOutcome) -> OrderRecord:
    """`record` carrying `outcome` in its `outcome_*` fields."""
    values = {f"outcome_{name}": getattr(outcome, name) for name in _OUTCOME_FIELDS}
    return replace(record, outcome_at=outcome.measured_at, **values)


def _values(record: OrderRecord) -> dict[str, Any]:
    names = [f"outcome_{name}" for name in _OUTCOME_FIELDS] + ["outcome_at"]
    return {name: getattr(record, name) for name in names}


def _changed(old: OrderRecord, new: OrderRecord) -> bool:
    """Anything but the measuring time differs (an unchanged outcome is not rewritten)."""
    return any(getattr(old, f"outcome_{n}") != getattr(new, f"outcome_{n}")
               for n in _OUTCOME_FIELDS)
