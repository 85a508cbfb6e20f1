"""The workflow page's chart: recent indicator candles, the indicator line and the order
markers, drawn as a self-contained SVG in Python (no JavaScript, no CDN).

`chart_data` and `render_svg` are pure; `workflow_chart_svg` fetches candles from the market data
it is given and the orders from the order store, and turns every failure into a message drawn
in the SVG (never made-up data).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from xml.sax.saxutils import escape

from orders import services as order_services
from orders.errors import OrderStoreUnavailable
from orders.records import OrderRecord
from workflows.core.conditions import inclined_value
from workflows.core.indicators import WORKFLOW_BB_K, IndicatorError, bollinger_f, sma_f
from workflows.core.types import (
    Candle,
    IndicatorName,
    MarketData,
    MarketDataError,
    WorkflowSpec,
)
from workflows.engine.market_data import fetch_candles

log = logging.getLogger(__name__)

SHOWN = 60
PERIODS = {IndicatorName.MA7: 7, IndicatorName.MA50: 50, IndicatorName.BBB: 20,
           IndicatorName.BBH: 20}
WIDTH, HEIGHT = 900, 320
LEFT, RIGHT, TOP, BOTTOM = 8, 72, 28, 24
UP, DOWN, LINE, ZONE = "#2e7d32", "#c62828", "#1565c0", "#1565c0"


@dataclass(frozen=True)
class Marker:
    time: datetime
    price: Decimal
    side: str  # BUY | SELL
    dry_run: bool


@dataclass
class ChartData:
    title: str
    candles: list[Candle]  # oldest first
    line: list[float | None] = field(default_factory=list)  # aligned with candles
    line_label: str = ""
    zone: tuple[float, float] | None = None
    markers: list[Marker] = field(default_factory=list)
    note: str = ""


# --- pure: series ----------------------------------------------------------------------------


def candles_needed(spec: WorkflowSpec) -> int:
    return SHOWN + PERIODS.get(spec.condition.indicator.name, 1) - 1


def chart_data(spec: WorkflowSpec, candles: Sequence[Candle], orders: Sequence[OrderRecord]
               ) -> ChartData:
    """The chart of `spec`'s first condition over `candles` (newest first, as fetched)."""
    ind = spec.condition.indicator
    shown = list(reversed(candles[:SHOWN]))
    data = ChartData(title=f"{spec.index} · {ind.ut.value.upper()}", candles=shown)
    period = PERIODS.get(ind.name)
    if period is not None:
        closes = [float(c.close) for c in candles]
        data.line = [_rolling(ind.name, closes[i:], period) for i in reversed(range(len(shown)))]
        data.line_label = {"ma7": "MA7", "ma50": "MA50", "bbb": "BB lower (20, 2.5)",
                           "bbh": "BB upper (20, 2.5)"}[ind.name.value]
    elif ind.name is IndicatorName.POLARITE and ind.value is not None:
        data.line, data.line_label = [float(ind.value)] * len(shown), f"level {ind.value}"
    elif ind.name is IndicatorName.ZONE and ind.value is not None and ind.zone_value is not None:
        data.zone = (float(ind.value), float(ind.zone_value))
    elif ind.name is IndicatorName.INCLINED:
        data.line, data.line_label = inclined_line(spec, shown), "inclined line"
    elif ind.name is IndicatorName.COMBO:
        data.note = "COMBO has no single line to draw"
    data.markers = [Marker(o.trigger_candle_time or o.placed_at, o.order_price,
                           o.order_direction, o.dry_run) for o in orders]
    return data


def _rolling(name: IndicatorName, closes: Sequence[float], period: int) -> float | None:
    if len(closes) < period:
        return None
    if name in (IndicatorName.BBB, IndicatorName.BBH):
        bands = bollinger_f(closes, WORKFLOW_BB_K, period)
        return bands.bottom if name is IndicatorName.BBB else bands.up
    return sma_f(closes, period)


def inclined_line(spec: WorkflowSpec, shown: Sequence[Candle]) -> list[float | None]:
    by_day: dict[date, float | None] = {}
    for candle in shown:
        day = candle.time.date()
        if day not in by_day:
            try:
                value = inclined_value(spec.condition.indicator, today=day, market=spec.market)
            except IndicatorError:
                value = None
            by_day[day] = float(value) if value is not None else None
    return [by_day[c.time.date()] for c in shown]


# --- pure: drawing ---------------------------------------------------------------------------


def _fmt(value: float) -> str:
    return f"{value:,.2f}" if abs(value) >= 10 else f"{value:,.4f}"


def render_svg(data: ChartData) -> str:
    """An SVG document; every text is escaped."""
    if not data.candles:
        return message_svg(data.note or "No candles to draw")
    prices = [float(p) for c in data.candles for p in (c.high, c.low)]
    prices += [v for v in data.line if v is not None] + list(data.zone or ())
    low, high = min(prices), max(prices)
    pad = (high - low) * 0.05 or abs(high) * 0.01 or 1.0
    low, high = low - pad, high + pad
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(data.candles)

    def y(price: float) -> float:
        return TOP + (high - price) / (high - low) * plot_h

    def x(index: int) -> float:
        return LEFT + step * (index + 0.5)

    parts = [_grid(low, high, y), _time_axis(data.candles, x)]
    if data.zone:
        top, bottom = y(max(data.zone)), y(min(data.zone))
        parts.append(f'<rect class="zone" x="{LEFT}" y="{top:.1f}" width="{plot_w}" '
                     f'height="{max(bottom - top, 1):.1f}" fill="{ZONE}" fill-opacity="0.12" '
                     f'stroke="{ZONE}" stroke-dasharray="4 3"/>')
    parts += [_candle(c, x(i), y, step) for i, c in enumerate(data.candles)]
    parts.append(_line(data.line, x, y))
    parts += _markers(data, x, y, step)
    parts.append(_legend(data))
    body = "".join(p for p in parts if p)
    return _document(body)


def _document(body: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" font-size="11" '
            f'role="img"><rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>{body}</svg>')


def message_svg(text: str) -> str:
    return _document(f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle" '
                     f'fill="#666" font-size="14">{escape(text)}</text>')


def _grid(low: float, high: float, y) -> str:  # noqa: ANN001 - local scale function
    rows = []
    for n in range(5):
        price = low + (high - low) * n / 4
        yy = y(price)
        rows.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}" '
                    f'stroke="#eee"/><text x="{WIDTH - RIGHT + 6}" y="{yy + 4:.1f}" '
                    f'fill="#666">{escape(_fmt(price))}</text>')
    return "".join(rows)


def _time_axis(candles: Sequence[Candle], x) -> str:  # noqa: ANN001
    intraday = candles[-1].time - candles[0].time < timedelta(days=len(candles) / 2)
    every = max(1, len(candles) // 6)
    labels = []
    for i in range(every // 2, len(candles), every):
        text = candles[i].time.strftime("%d %b %H:%M" if intraday else "%d %b %Y")
        labels.append(f'<text x="{x(i):.1f}" y="{HEIGHT - 6}" text-anchor="middle" '
                      f'fill="#666">{escape(text)}</text>')
    return "".join(labels)


def _candle(c: Candle, cx: float, y, step: float) -> str:  # noqa: ANN001
    color = UP if c.close >= c.open else DOWN
    top, bottom = y(float(max(c.open, c.close))), y(float(min(c.open, c.close)))
    w = max(step * 0.6, 1)
    return (f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(float(c.high)):.1f}" '
            f'y2="{y(float(c.low)):.1f}" stroke="{color}"/>'
            f'<rect x="{cx - w / 2:.1f}" y="{top:.1f}" width="{w:.1f}" '
            f'height="{max(bottom - top, 1):.1f}" fill="{color}"/>')


def _line(values: Sequence[float | None], x, y) -> str:  # noqa: ANN001
    runs, run = [], []
    for i, value in enumerate(values):
        if value is None:
            runs, run = (runs + [run] if run else runs), []
        else:
            run.append(f"{x(i):.1f},{y(value):.1f}")
    runs = runs + [run] if run else runs
    return "".join(f'<polyline class="indicator" fill="none" stroke="{LINE}" stroke-width="2" '
                   f'points="{" ".join(r)}"/>' for r in runs if len(r) > 1)


def _markers(data: ChartData, x, y, step: float) -> list[str]:  # noqa: ANN001
    start = data.candles[0].time
    end = data.candles[-1].time + (data.candles[-1].time - data.candles[-2].time
                                   if len(data.candles) > 1 else timedelta(hours=1))
    out = []
    for m in data.markers:
        if not start <= m.time < end:
            continue
        index = max(i for i, c in enumerate(data.candles) if c.time <= m.time)
        s = max(min(step * 0.6, 9), 5)
        # An order price is on the CFD; clamp it into the plot when the index is far apart.
        raw = y(float(m.price))
        cx, cy = x(index), min(max(raw, TOP + s), HEIGHT - BOTTOM - s)
        off_chart = cy != raw
        buy = m.side == "BUY"
        points = (f"{cx:.1f},{cy - s:.1f} {cx - s:.1f},{cy + s:.1f} {cx + s:.1f},{cy + s:.1f}"
                  if buy else
                  f"{cx:.1f},{cy + s:.1f} {cx - s:.1f},{cy - s:.1f} {cx + s:.1f},{cy - s:.1f}")
        label = (f"{m.side} {_fmt(float(m.price))}{' DRY RUN' if m.dry_run else ''}"
                 f"{' (price off the chart)' if off_chart else ''}")
        color = UP if buy else DOWN
        fill = "none" if off_chart else color  # hollow: the CFD price is beyond the scale
        out.append(f'<polygon class="marker" points="{points}" fill="{fill}" stroke="{color}" '
                   f'stroke-width="1.5"><title>{escape(label)}</title></polygon>')
    return out


def _legend(data: ChartData) -> str:
    items = [escape(data.title)]
    if data.line_label:
        items.append(f'<tspan fill="{LINE}">━ {escape(data.line_label)}</tspan>')
    if data.zone:
        items.append(f'<tspan fill="{ZONE}">▭ zone {escape(_fmt(min(data.zone)))}–'
                     f'{escape(_fmt(max(data.zone)))}</tspan>')
    if data.markers:
        items.append(f'<tspan fill="{UP}">▲ buy</tspan> <tspan fill="{DOWN}">▼ sell</tspan>')
    if data.note:
        items.append(f'<tspan fill="#666">{escape(data.note)}</tspan>')
    return f'<text x="{LEFT}" y="16" fill="#333">{"   ".join(items)}</text>'


# --- I/O ---------------------------------------------------------------------------------------

def workflow_chart_svg(spec: WorkflowSpec, *, now: datetime, market_data: MarketData) -> str:
    """The chart as SVG text, candles from `market_data`; failures become a drawn message."""
    if not spec.conditions:
        return message_svg("No condition to chart")
    ind = spec.condition.indicator
    try:
        candles = fetch_candles(market_data, spec.index, ind.ut, candles_needed(spec), now,
                                spec.market)
    except (MarketDataError, IndicatorError) as exc:
        return message_svg(f"Chart unavailable: {exc}")
    note = ""
    try:
        orders = order_services.list_workflow_orders(workflow_id=spec.id, now=now, limit=100)
    except OrderStoreUnavailable:
        orders, note = [], "order markers unavailable (order store down)"
    data = chart_data(spec, candles, orders)
    data.note = data.note or note
    return render_svg(data)


__all__ = ["ChartData", "Marker", "chart_data", "message_svg", "render_svg", "workflow_chart_svg"]
