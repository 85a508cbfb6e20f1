"""Indicator values of a workflow condition and their evaluation against the close candle
(SPEC §4, reference §4.4 and §5). Pure Python, no Django.

`indicator_value()` turns candles into an `IndicatorValue` (raising `IndicatorError` when the
workflow must be skipped); `evaluate()` turns that value and the close candle into an
`Evaluation` that says whether the condition holds and why, for the decision log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from workflows.core import candles as cb
from workflows.core import indicators as ind
from workflows.core.indicators import ComboSignal, IndicatorError
from workflows.core.types import (
    Candle,
    ConditionSpec,
    Direction,
    Element,
    IndicatorName,
    IndicatorSpec,
    Market,
    Side,
)

__all__ = ["Evaluation", "IndicatorError", "IndicatorValue", "evaluate", "indicator_value"]

MA_PERIODS = {IndicatorName.MA7: 7, IndicatorName.MA50: 50}


@dataclass(frozen=True)
class IndicatorValue:
    """What an indicator computed. `level` for ma7/ma50/bbb/bbh/polarite/inclined (None when
    the inclined line has no value), `zone` for zone, `combo` for combo (None = no signal)."""

    name: IndicatorName
    level: Decimal | None = None
    zone: tuple[Decimal, Decimal] | None = None
    combo: ComboSignal | None = None
    note: str = ""

    def describe(self) -> str:
        if self.name == IndicatorName.COMBO:
            if self.combo is None:
                return f"combo: no signal{f' ({self.note})' if self.note else ''}"
            c = self.combo
            return f"combo {c.direction.value} {c.strength.value} at {c.price}"
        if self.zone is not None:
            return f"zone [{self.zone[0]}, {self.zone[1]}]"
        return f"{self.name.value} {shown(self.level) if self.level is not None else 'none'}"


def shown(number: Decimal) -> str:
    """A price for the decision log: at most 4 decimals (an SMA divides exactly and would
    print 28 digits); the comparison itself always uses the exact value."""
    return format(number.quantize(Decimal("0.0001")).normalize(), "f")


@dataclass(frozen=True)
class Evaluation:
    """A condition checked against the close candle: the decision log's "why"."""

    value: IndicatorValue
    close_candle: Candle
    holds: bool
    reason: str


# --- indicator values ----------------------------------------------------------------------------


def indicator_value(
    indicator: IndicatorSpec, candles: Sequence[Candle], *, now: datetime, market: Market
) -> IndicatorValue:
    """The indicator's value on newest-first `candles` (unused for polarite/zone/inclined) as
    of `now` (the inclined line counts today only once today's session has opened).

    Raises IndicatorError when the workflow must be skipped (too few candles for ma7/ma50,
    missing polarite/zone values, inclined points missing or spanning no open day). Combo with
    < 235 candles is "no signal"."""
    name = indicator.name
    if name in MA_PERIODS:
        return IndicatorValue(name, level=ind.sma(candles, MA_PERIODS[name]))
    if name in (IndicatorName.BBB, IndicatorName.BBH):
        bands = ind.bollinger(candles)
        level = bands.up if name == IndicatorName.BBH else bands.bottom
        return IndicatorValue(name, level=None if level != level else ind.to_decimal(level))
    if name == IndicatorName.COMBO:
        signal = ind.combo(candles)
        short = len(candles) < ind.COMBO_MIN_CANDLES
        return IndicatorValue(name, combo=signal, note=f"{len(candles)} candles" if short else "")
    if name == IndicatorName.POLARITE:
        if indicator.value is None:
            raise IndicatorError("polarite indicator has none value")
        return IndicatorValue(name, level=indicator.value)
    if name == IndicatorName.ZONE:
        if indicator.value is None or indicator.zone_value is None:
            raise IndicatorError("zone indicator needs value and zone_value")
        low, high = sorted((indicator.value, indicator.zone_value))
        return IndicatorValue(name, zone=(low, high))
    today = cb.last_counted_day(now, market)
    return IndicatorValue(name, level=inclined_value(indicator, today=today, market=market))


def inclined_value(indicator: IndicatorSpec, *, today: date, market: Market) -> Decimal:
    """The inclined line through x1 and x2 projected to `today` (counted), with open trading
    days as the X axis (reference §4.4). Raises IndicatorError when x1 and x2 are not at least
    one open day apart (the reference fails too; never a line that silently never fires).
    The one inclined-line projection: engine, /asset, chart and sample data use it."""
    if indicator.x1 is None or indicator.x2 is None:
        raise IndicatorError("inclined indicator needs two points")
    x1, x2 = indicator.x1, indicator.x2
    span = cb.open_days_between(x1.date, x2.date, market)
    if span == 0:
        raise IndicatorError(
            f"inclined points {x1.date} and {x2.date} span no open trading day")
    elapsed = cb.open_days_between(x1.date, today, market)
    slope = (x2.price - x1.price) / Decimal(span)
    return slope * Decimal(elapsed) + x1.price


# --- evaluation (reference §5) -------------------------------------------------------------------


def _within(price: Decimal, low: Decimal, high: Decimal) -> bool:
    return low <= price <= high


def _interval(
    value: IndicatorValue, direction: Direction, spread: Decimal
) -> tuple[Decimal, Decimal]:
    """The closed interval the price must touch. Inclined is inverted relative to MA/BB."""
    if value.zone is not None:
        return value.zone
    assert value.level is not None
    under = direction == Direction.BELOW
    if value.name == IndicatorName.INCLINED:
        under = not under
    return (value.level - spread, value.level) if under else (value.level, value.level + spread)


def _element_price(candle: Candle, element: Element) -> Decimal:
    return {Element.CLOSE: candle.close, Element.HIGH: candle.high, Element.LOW: candle.low}[
        element
    ]


def _polarite_cross(level: Decimal, direction: Direction, c: Candle) -> bool:
    """Polarite's touch rule: the candle crossed the level and closed on the given side."""
    if direction == Direction.BELOW:
        return c.high >= level and c.close <= level
    return c.low <= level and c.close >= level


def _evaluate_combo(value: IndicatorValue, direction: Direction, close: Candle) -> Evaluation:
    wanted = Side.SELL if direction == Direction.BELOW else Side.BUY
    holds = value.combo is not None and value.combo.direction == wanted
    reason = f"{value.describe()}; {direction.value} needs a {wanted.value} signal"
    return Evaluation(value, close, holds, reason)


def evaluate(condition: ConditionSpec, value: IndicatorValue, close: Candle) -> Evaluation:
    """Whether `condition` holds for the close candle (closed intervals, element, spread;
    zone ignores the spread; combo is a direction match; inclined is inverted)."""
    direction = condition.close.direction
    if value.name == IndicatorName.COMBO:
        return _evaluate_combo(value, direction, close)
    if value.level is None and value.zone is None:
        return Evaluation(value, close, False, f"{value.describe()}: no value to compare")
    low, high = _interval(value, direction, condition.close.spread)
    span = f"[{shown(low)}, {shown(high)}]"
    if condition.element is not None:
        price = _element_price(close, condition.element)
        holds = _within(price, low, high)
        reason = f"{condition.element.value} {price} {'in' if holds else 'not in'} {span}"
        return Evaluation(value, close, holds, f"{value.describe()}; {reason}")
    return _evaluate_touch(value, direction, close, low, high)


def _evaluate_touch(
    value: IndicatorValue, direction: Direction, close: Candle, low: Decimal, high: Decimal
) -> Evaluation:
    """No element: the close or the extreme on the line's side must touch the interval; for
    polarite only the extreme, or the candle crossing the level and closing on its side."""
    from_under = (direction == Direction.BELOW) != (value.name == IndicatorName.INCLINED)
    extreme = ("high", close.high) if from_under else ("low", close.low)
    tested = (
        dict([extreme])
        if value.name == IndicatorName.POLARITE
        else dict([("close", close.close), extreme])
    )
    holds = any(_within(p, low, high) for p in tested.values())
    crossed = (
        value.name == IndicatorName.POLARITE
        and value.level is not None
        and _polarite_cross(value.level, direction, close)
    )
    prices = ", ".join(f"{k} {v}" for k, v in tested.items())
    if crossed:
        return Evaluation(value, close, True, f"{value.describe()}; crossed, close {close.close}")
    verdict = "in" if holds else "not in"
    return Evaluation(
        value, close, holds, f"{value.describe()}; {prices} {verdict} [{shown(low)}, {shown(high)}]"
    )
