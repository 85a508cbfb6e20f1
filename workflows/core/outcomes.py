"""What happened after an order was placed (SPEC §12 "Outcome"), from the bars that followed.

Pure Python: no Django, nothing of the project but `core/`.

* **Triggered**: price traded through the order's price — OPEN_STOP BUY high ≥ price, SELL
  low ≤ price; LIMIT BUY low ≤ price, SELL high ≥ price.
* **Entry**: the order's price, or the bar's open when that bar opened already through it (a
  gap: a stop fills worse, a limit better, at the open).
* **MFE / MAE**: the largest favourable / adverse move after the entry, as a positive number of
  price units (0 when price never moved that way) and as a percent of the entry. On the bar
  that triggered without a gap, only what certainly came after the entry counts: the extreme on
  the side price crossed the entry from (reached after the crossing) and the bar's close; the
  other extreme may have come before the entry. After that bar, every high and low counts.
* **Horizons**: 1 h, 4 h and 1 trading day after placement (the same wall-clock time on the
  market's next trading day). A horizon's figures are set once it has passed (they never change
  afterwards); the running `mfe`/`mae` cover everything seen up to 1 trading day, and the
  outcome is `final` once that day has passed.

Only bars that start at or after the placement and end by `now` (and by the horizon's end) are
read: nothing from before the order, nothing still forming, nothing from the future of a replay.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol
from zoneinfo import ZoneInfo

from workflows.core.candles import SESSIONS, is_trading_day
from workflows.core.types import Market, OrderType, Side

HOUR = timedelta(hours=1)
FOUR_HOURS = timedelta(hours=4)
PERCENT_PLACES = Decimal("0.01")
_MAX_DAYS_AHEAD = 15  # longer exchange closures than this do not exist


class PriceBar(Protocol):
    """A bar or candle: aware-UTC start `time` and OHLC prices (`Bar` and `Candle` both fit)."""

    @property
    def time(self) -> datetime: ...
    @property
    def open(self) -> Decimal: ...
    @property
    def high(self) -> Decimal: ...
    @property
    def low(self) -> Decimal: ...
    @property
    def close(self) -> Decimal: ...


@dataclass(frozen=True)
class PlacedOrder:
    """The facts of a placed order that its outcome depends on."""

    side: Side
    order_type: OrderType
    price: Decimal
    placed_at: datetime  # aware UTC
    market: Market


@dataclass(frozen=True)
class Excursion:
    """MFE and MAE in price units (≥ 0) relative to `entry`."""

    mfe: Decimal
    mae: Decimal


@dataclass(frozen=True)
class OrderOutcome:
    """The outcome as known at `measured_at`. Excursions are None until the order triggered
    within their horizon; the 1 h / 4 h ones also until that horizon has passed."""

    measured_at: datetime
    triggered: bool
    final: bool
    triggered_at: datetime | None = None
    entry: Decimal | None = None
    mfe: Decimal | None = None
    mae: Decimal | None = None
    mfe_1h: Decimal | None = None
    mae_1h: Decimal | None = None
    mfe_4h: Decimal | None = None
    mae_4h: Decimal | None = None


def percent_of(move: Decimal | None, entry: Decimal | None) -> Decimal | None:
    """`move` as a percent of `entry`, to 2 decimals (None when either is missing or entry 0)."""
    if move is None or not entry:
        return None
    return (move * 100 / entry).quantize(PERCENT_PLACES)


def one_trading_day_after(placed_at: datetime, market: Market) -> datetime:
    """The same exchange-local wall-clock time on the market's next trading day."""
    tz: ZoneInfo = SESSIONS[market].tz
    local = placed_at.astimezone(tz)
    day = local.date()
    for _ in range(_MAX_DAYS_AHEAD):
        day += timedelta(days=1)
        if is_trading_day(day, market):
            break
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tz).astimezone(
        placed_at.tzinfo
    )


def measure(
    order: PlacedOrder, bars: Iterable[PriceBar], *, bar_length: timedelta, now: datetime
) -> OrderOutcome:
    """The outcome of `order` as of `now`, from `bars` of `bar_length` (any order, any span:
    bars outside [placement, now] are ignored)."""
    day_end = one_trading_day_after(order.placed_at, order.market)
    seen_until = min(now, day_end)
    after = _bars_between(bars, order.placed_at, seen_until, bar_length)
    trigger = _trigger(order, after)
    final = now >= day_end
    if trigger is None:
        return OrderOutcome(measured_at=now, triggered=False, final=final)
    position, entry, gapped = trigger
    running = _excursion(order, after[position:], entry, gapped)

    def at(horizon: timedelta) -> Excursion | None:
        end = order.placed_at + horizon
        if now < end:
            return None
        inside = [bar for bar in after[position:] if bar.time + bar_length <= end]
        return _excursion(order, inside, entry, gapped) if inside else None

    one, four = at(HOUR), at(FOUR_HOURS)
    return OrderOutcome(
        measured_at=now, triggered=True, final=final, triggered_at=after[position].time,
        entry=entry, mfe=running.mfe, mae=running.mae,
        mfe_1h=one.mfe if one else None, mae_1h=one.mae if one else None,
        mfe_4h=four.mfe if four else None, mae_4h=four.mae if four else None,
    )


def _bars_between(
    bars: Iterable[PriceBar], start: datetime, end: datetime, bar_length: timedelta
) -> list[PriceBar]:
    """Bars starting at/after `start` and complete by `end`, oldest first."""
    chosen = [bar for bar in bars if bar.time >= start and bar.time + bar_length <= end]
    return sorted(chosen, key=lambda bar: bar.time)


def _crosses_up(order: PlacedOrder) -> bool:
    """Price reaches a BUY stop / SELL limit from below, a SELL stop / BUY limit from above."""
    return (order.side == Side.BUY) == (order.order_type == OrderType.OPEN_STOP)


def _trigger(order: PlacedOrder, bars: Sequence[PriceBar]) -> tuple[int, Decimal, bool] | None:
    """(index of the triggering bar, entry price, gapped through) or None."""
    up, price = _crosses_up(order), order.price
    for position, bar in enumerate(bars):
        if (bar.open >= price) if up else (bar.open <= price):
            return position, bar.open, True
        if (bar.high >= price) if up else (bar.low <= price):
            return position, price, False
    return None


def _excursion(
    order: PlacedOrder, bars: Sequence[PriceBar], entry: Decimal, gapped: bool
) -> Excursion:
    """MFE/MAE over `bars`, the first of which is the triggering bar."""
    first, rest = bars[0], bars[1:]
    if gapped:
        prices = [first.high, first.low, first.close]
    else:
        prices = [first.high if _crosses_up(order) else first.low, first.close]
    for bar in rest:
        prices.extend((bar.high, bar.low))
    sign = 1 if order.side == Side.BUY else -1
    moves = [sign * (price - entry) for price in prices]
    zero = Decimal(0)
    return Excursion(mfe=max([zero, *moves]), mae=max([zero, *(-m for m in moves)]))
