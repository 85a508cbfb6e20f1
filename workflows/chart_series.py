"""The interactive chart's data (GET /api/workflow/workflows/{id}/chart, SPEC §7/§8): candles,
the indicator series of the first condition (the combo's MA50 and Bollinger levels too), fixed
levels (zone, polarity, combo signal) and the order markers, live and dry run told apart.

`chart_series` is pure; `workflow_chart_series` fetches candles from the configured market data
and the orders from the order store. Times are UTC epoch seconds (the browser shows them in
the viewer's zone).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from orders import services as order_services
from orders.errors import OrderStoreUnavailable
from orders.records import OrderRecord
from workflows.charts import inclined_line
from workflows.core.indicators import WORKFLOW_BB_K, IndicatorError, bollinger_f, sma_f
from workflows.core.types import Candle, IndicatorName, WorkflowSpec
from workflows.engine.deps import page_market_data
from workflows.engine.market_data import fetch_candles
from workflows.modes import order_mode

DEFAULT_BARS, MIN_BARS, MAX_BARS = 120, 10, 500
LOOKBACK = 49  # the longest rolling window (MA50) needs 49 candles before the first shown
MARKER_ORDERS = 100


@dataclass(frozen=True)
class Series:
    name: str
    points: list[tuple[int, float]]  # (epoch seconds, value)
    color: str = "#1565c0"


@dataclass(frozen=True)
class Level:
    name: str
    price: float
    color: str = "#1565c0"


@dataclass(frozen=True)
class OrderMarker:
    id: str
    time: int  # the start of the candle the order belongs to (its trigger candle)
    placed_at: datetime
    price: Decimal
    direction: str
    order_type: str
    quantity: Decimal
    mode: str  # dry_run | notify | live
    status: str
    broker_order_id: str | None


@dataclass
class ChartSeries:
    title: str
    unit_time: str
    candles: list[Candle] = field(default_factory=list)  # oldest first
    series: list[Series] = field(default_factory=list)
    levels: list[Level] = field(default_factory=list)
    markers: list[OrderMarker] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _rolling(newest_first: Sequence[float], shown: int,
             value: Callable[[Sequence[float]], float], period: int) -> list[float | None]:
    """value(window) for each of the `shown` newest candles, oldest first (None: too few)."""
    out: list[float | None] = []
    for i in reversed(range(shown)):
        window = newest_first[i:]
        v = value(window) if len(window) >= period else math.nan
        out.append(None if math.isnan(v) else round(v, 4))
    return out


def _series(name: str, shown: Sequence[Candle], values: Sequence[float | None],
            color: str) -> Series:
    points = [(epoch(c.time), v) for c, v in zip(shown, values, strict=True) if v is not None]
    return Series(name, points, color)


def _moving_series(spec: WorkflowSpec, closes: list[float], shown: list[Candle]) -> list[Series]:
    name, n = spec.condition.indicator.name, len(shown)
    if name in (IndicatorName.MA7, IndicatorName.MA50):
        period = 7 if name is IndicatorName.MA7 else 50
        return [_series(name.value.upper(), shown,
                        _rolling(closes, n, lambda w: sma_f(w, period), period), "#1565c0")]
    if name in (IndicatorName.BBB, IndicatorName.BBH):
        side = "bottom" if name is IndicatorName.BBB else "up"
        values = _rolling(closes, n, lambda w: getattr(bollinger_f(w, WORKFLOW_BB_K), side), 20)
        label = "BB lower (20, 2.5)" if side == "bottom" else "BB upper (20, 2.5)"
        return [_series(label, shown, values, "#1565c0")]
    if name is IndicatorName.COMBO:
        return _combo_series(closes, shown)
    if name is IndicatorName.INCLINED:
        return [_series("inclined line", shown, inclined_line(spec, shown), "#6a1b9a")]
    return []


def _combo_series(closes: list[float], shown: list[Candle]) -> list[Series]:
    """The levels combo decides on: MA50 and the Bollinger bands at 2.5 σ and 2.0 σ."""
    n = len(shown)

    def band(k: float, side: str) -> list[float | None]:
        return _rolling(closes, n, lambda w: getattr(bollinger_f(w, k), side), 20)

    return [
        _series("MA50", shown, _rolling(closes, n, lambda w: sma_f(w, 50), 50), "#1565c0"),
        _series("BB upper 2.5σ", shown, band(2.5, "up"), "#ef6c00"),
        _series("BB lower 2.5σ", shown, band(2.5, "bottom"), "#ef6c00"),
        _series("BB upper 2.0σ", shown, band(2.0, "up"), "#ffb74d"),
        _series("BB lower 2.0σ", shown, band(2.0, "bottom"), "#ffb74d"),
    ]


def _levels(spec: WorkflowSpec) -> list[Level]:
    ind = spec.condition.indicator
    if ind.name is IndicatorName.ZONE and ind.value is not None and ind.zone_value is not None:
        low, high = sorted((ind.value, ind.zone_value))
        return [Level("zone high", float(high)), Level("zone low", float(low))]
    if ind.name is IndicatorName.POLARITE and ind.value is not None:
        return [Level("polarity level", float(ind.value))]
    return []


def _markers(orders: Sequence[OrderRecord], shown: list[Candle]) -> list[OrderMarker]:
    """Each order at the shown candle containing its trigger candle time (or placed_at); the
    newest candle holds anything after its start (orders are at most 7 days old)."""
    if not shown:
        return []
    starts = [c.time for c in shown]
    out = []
    for o in orders:
        moment = o.trigger_candle_time or o.placed_at
        inside = [t for t in starts if t <= moment]
        if not inside:
            continue  # before the first shown candle
        out.append(OrderMarker(
            id=o.id, time=epoch(inside[-1]), placed_at=o.placed_at, price=o.order_price,
            direction=o.order_direction, order_type=o.order_type, quantity=o.order_quantity,
            mode=order_mode(dry_run=o.dry_run, broker=o.broker), status=o.status_label,
            broker_order_id=o.broker_order_id,
        ))
    return sorted(out, key=lambda m: m.time)


def chart_series(spec: WorkflowSpec, candles: Sequence[Candle], orders: Sequence[OrderRecord],
                 *, bars: int) -> ChartSeries:
    """The chart of `spec`'s first condition over newest-first `candles`, `bars` shown."""
    ind = spec.condition.indicator
    shown = list(reversed(candles[:bars]))
    closes = [float(c.close) for c in candles]
    data = ChartSeries(title=f"{spec.index} · {ind.ut.value.upper()}", unit_time=ind.ut.value,
                       candles=shown)
    data.series = _moving_series(spec, closes, shown)
    data.levels = _levels(spec)
    data.markers = _markers(orders, shown)
    return data


def workflow_chart_series(spec: WorkflowSpec, *, now: datetime, bars: int) -> ChartSeries:
    """Fetch and build. Raises MarketDataError / ImproperlyConfigured / IndicatorError when there
    is nothing to draw; the order store being down only drops the markers (with a note)."""
    ind = spec.condition.indicator
    candles = fetch_candles(page_market_data(), spec.index, ind.ut, bars + LOOKBACK, now,
                            spec.market)
    notes: list[str] = []
    try:
        orders = order_services.list_workflow_orders(workflow_id=spec.id, now=now,
                                                     limit=MARKER_ORDERS)
    except OrderStoreUnavailable:
        orders, notes = [], ["order markers unavailable (order store down)"]
    data = chart_series(spec, candles, orders, bars=bars)
    data.notes += notes
    if not data.candles:
        data.notes.append("no candles to draw")
    return data


__all__ = ["DEFAULT_BARS", "MAX_BARS", "MIN_BARS", "ChartSeries", "IndicatorError",
           "chart_series", "workflow_chart_series"]
