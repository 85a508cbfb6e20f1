"""Indicator formulas (SPEC §4, reference §4): SMA, Bollinger, slope, EMA, ATR, zero-lag MACD
and the combo signal. (The inclined line is `conditions.inclined_value`.)

Pure Python, no Django. Candle lists are newest first. Public functions take `Decimal` candles
and return `Decimal`; the float helpers (`*_f`) reproduce the original's float arithmetic and
rounding exactly and are what combo uses internally.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass
from decimal import Decimal
from enum import StrEnum

from workflows.core.types import Candle, Side

BB_PERIOD = 20
WORKFLOW_BB_K = 2.5
MACD_MIN_CANDLES = 9 * 9 + 26 * 6 - 2  # 235


class IndicatorError(ValueError):
    """Not enough candles (or points) for an indicator."""


def to_decimal(value: float) -> Decimal:
    """A float result as the Decimal of its shortest repr (7374.7654, not 7374.76539999…)."""
    return Decimal(repr(value))


def closes(candles: Sequence[Candle]) -> list[float]:
    return [float(c.close) for c in candles]


# --- moving averages and bands -------------------------------------------------------------------


def sma(candles: Sequence[Candle], period: int) -> Decimal:
    """Mean of the newest `period` closes, exact in Decimal. Raises IndicatorError if too few."""
    if len(candles) < period:
        raise IndicatorError(f"SMA{period} needs {period} candles, got {len(candles)}")
    return sum((c.close for c in candles[:period]), Decimal(0)) / period


def sma_f(values: Sequence[float], period: int) -> float:
    if len(values) < period:
        raise IndicatorError(f"SMA{period} needs {period} values, got {len(values)}")
    return sum(values[:period]) / period


@dataclass(frozen=True)
class Bands:
    bottom: float
    middle: float
    up: float


def bollinger_f(values: Sequence[float], k: float, period: int = BB_PERIOD) -> Bands:
    """Bollinger bands on the newest `period` values, population σ, rounded to 4 decimals."""
    window = values[:period]
    if not window:
        return Bands(math.nan, math.nan, math.nan)
    mean = sum(window) / len(window)
    sigma = math.sqrt(sum((v - mean) ** 2 for v in window) / len(window))
    return Bands(round(mean - k * sigma, 4), round(mean, 4), round(mean + k * sigma, 4))


def bollinger(
    candles: Sequence[Candle], k: float = WORKFLOW_BB_K, period: int = BB_PERIOD
) -> Bands:
    return bollinger_f(closes(candles), k, period)


def slope_percent(x1: float, y1: float, x2: float, y2: float) -> float:
    """Slope in percent per unit of x, rounded to 5 decimals (reference §4.3)."""
    return round(((100 - y1 * 100 / y2) / (x2 - x1)) * 100, 5)


# --- EMA, ATR, zero-lag MACD ---------------------------------------------------------------------


def _alpha(period: int) -> float:
    return 2 / (period + 1)


def ema_series(values: Sequence[float], period: int) -> list[float]:
    """Unrounded EMA of every suffix: out[o] == EMA(values[o:]) seeded with the oldest value.

    All suffixes share the same seed (the oldest element), so one oldest→newest pass gives them
    all — the original recomputes each suffix from scratch with the same float operations."""
    alpha = _alpha(period)
    keep = 1 - alpha
    out = [0.0] * len(values)
    e = values[-1]
    out[-1] = e
    for i in range(len(values) - 2, -1, -1):
        e = values[i] * alpha + e * keep
        out[i] = e
    return out


def ema_f(values: Sequence[float], period: int) -> float:
    """EMA over the whole newest-first list, seeded with the oldest value, rounded to 5."""
    if len(values) < 3 * period:
        raise IndicatorError(f"EMA{period} needs {3 * period} values, got {len(values)}")
    alpha = _alpha(period)
    keep = 1 - alpha
    e = values[-1]
    for i in range(len(values) - 2, -1, -1):
        e = values[i] * alpha + e * keep
    return round(e, 5)


def ema(candles: Sequence[Candle], period: int) -> Decimal:
    return to_decimal(ema_f(closes(candles), period))


def atr_f(
    highs: Sequence[float], lows: Sequence[float], cls: Sequence[float], period: int
) -> float:
    """Wilder's ATR over the whole list (reference §4.3), rounded to 5."""
    n = len(cls)
    if n < 3 * period:
        raise IndicatorError(f"ATR{period} needs {3 * period} candles, got {n}")
    trs = [
        max(highs[i] - lows[i], abs(highs[i] - cls[i + 1]), abs(lows[i] - cls[i + 1]))
        for i in range(n - 2, -1, -1)
    ]
    a = sum(trs[:period]) / period
    for tr in trs[period:]:
        a = (a * (period - 1) + tr) / period
    return round(a, 5)


def atr(candles: Sequence[Candle], period: int = 14) -> Decimal:
    highs = [float(c.high) for c in candles]
    lows = [float(c.low) for c in candles]
    return to_decimal(atr_f(highs, lows, closes(candles), period))


def _zero_lag_terms(values: Sequence[float], period: int, window: int, count: int) -> list[float]:
    """2·E(o) − EMA(E(o..o+window−1)) for o in 0..count−1, with E rounded like the original."""
    e = [round(v, 5) for v in ema_series(values, period)[: count + window - 1]]
    alpha = _alpha(period)
    keep = 1 - alpha
    terms = []
    for o in range(count):
        acc = e[o + window - 1]
        for j in range(o + window - 2, o - 1, -1):
            acc = e[j] * alpha + acc * keep
        terms.append(2 * e[o] - round(acc, 5))
    return terms


def macd_zero_lag_f(values: Sequence[float]) -> tuple[float, float]:
    """Zero-lag MACD (12, 26, 9) → (macd, signal), rounded to 5 (reference §4.3)."""
    if len(values) < MACD_MIN_CANDLES:
        raise IndicatorError(f"zero-lag MACD needs {MACD_MIN_CANDLES} candles, got {len(values)}")
    fast = _zero_lag_terms(values, 12, 36, 81)
    slow = _zero_lag_terms(values, 26, 78, 81)
    macd = [f - s for f, s in zip(fast, slow, strict=True)]
    signals = [round(v, 5) for v in ema_series(macd, 9)[:27]]
    signal = 2 * signals[0] - ema_f(signals, 9)
    return round(macd[0], 5), round(signal, 5)


def macd_zero_lag(candles: Sequence[Candle]) -> tuple[Decimal, Decimal]:
    macd, signal = macd_zero_lag_f(closes(candles))
    return to_decimal(macd), to_decimal(signal)


# --- combo (reference §4.5) ----------------------------------------------------------------------

COMBO_MIN_CANDLES = MACD_MIN_CANDLES
MA50_SLOPE_MIN = 3.0
MA50_SLOPE_STRONG = 10.0
BB_FLAT_MAX = 5.0
BB_BREACH_TOLERANCE = 0.001
BAND_TOLERANCE = 0.005
ATR_BAND_MARGIN = 0.3
ATR_MA50_MARGIN = 0.1
STRONG_CRITERIA = 4


class ComboStrength(StrEnum):
    WEAK = "WEAK"
    MEDIUM = "MEDIUM"
    STRONG = "STRONG"


@dataclass(frozen=True)
class ComboDetails:
    macd: bool
    ma50_over_bb: bool
    price_within_bb: bool
    strong_ma50: bool
    both_bb_flat: bool

    @property
    def count(self) -> int:
        return sum(astuple(self))


@dataclass(frozen=True)
class ComboSignal:
    price: Decimal
    triggered: bool
    direction: Side
    strength: ComboStrength
    details: ComboDetails


@dataclass(frozen=True)
class _Series:
    """Float columns of the candle list, newest first."""

    high: list[float]
    low: list[float]
    close: list[float]

    @classmethod
    def of(cls, candles: Sequence[Candle]) -> _Series:
        return cls(
            [float(c.high) for c in candles],
            [float(c.low) for c in candles],
            [float(c.close) for c in candles],
        )


@dataclass(frozen=True)
class _Levels:
    """Everything combo pre-computes before choosing a direction (reference §4.5 step 2)."""

    ma50: float
    ma50_slope: float
    bb25: Bands
    bb25p: Bands
    bb20: Bands
    bb20p: Bands
    bbh_slope: float
    bbb_slope: float
    margin_band: float
    margin_ma50: float

    @classmethod
    def of(cls, s: _Series) -> _Levels:
        ma50 = sma_f(s.close, 50)
        bb25, bbf = bollinger_f(s.close, 2.5), bollinger_f(s.close[2:], 2.5)
        atr14 = atr_f(s.high, s.low, s.close, 14)
        return cls(
            ma50=ma50,
            ma50_slope=slope_percent(0, sma_f(s.close[10:], 50), 10, ma50),
            bb25=bb25,
            bb25p=bollinger_f(s.close[1:], 2.5),
            bb20=bollinger_f(s.close, 2.0),
            bb20p=bollinger_f(s.close[1:], 2.0),
            bbh_slope=slope_percent(0, bbf.up, 3, bb25.up),
            bbb_slope=slope_percent(0, bbf.bottom, 3, bb25.bottom),
            margin_band=ATR_BAND_MARGIN * atr14,
            margin_ma50=ATR_MA50_MARGIN * atr14,
        )


def within_bands(price: float, outer: float, inner: float, side: Side) -> bool:
    """Strictly between the 2.5 band (outer) and the 2.0 band (inner), with 0.5 % tolerance."""
    if side == Side.BUY:
        return outer * (1 - BAND_TOLERANCE) < price < inner * (1 + BAND_TOLERANCE)
    return inner * (1 - BAND_TOLERANCE) < price < outer * (1 + BAND_TOLERANCE)


def far_from_levels(
    s: _Series, inner: float, ma50: float, margin_band: float, margin_ma50: float, side: Side
) -> bool:
    """True when the two newest closes and lows (BUY) / highs (SELL) are all clear of both the
    inner band and the MA50 by their ATR margins. Raises IndicatorError with < 2 candles."""
    if len(s.close) < 2:
        raise IndicatorError("far-from-levels needs 2 candles")
    if side == Side.BUY:
        prices = [*s.close[:2], *s.low[:2]]
        return all(p > inner + margin_band and p > ma50 + margin_ma50 for p in prices)
    prices = [*s.close[:2], *s.high[:2]]
    return all(p < inner - margin_band and p < ma50 - margin_ma50 for p in prices)


def _combo_direction(lv: _Levels) -> Side | None:
    if abs(lv.bbh_slope) > BB_FLAT_MAX and abs(lv.bbb_slope) > BB_FLAT_MAX:
        return None
    if lv.ma50_slope > MA50_SLOPE_MIN:
        return Side.BUY
    if lv.ma50_slope < -MA50_SLOPE_MIN:
        return Side.SELL
    return None


def _band(bands: Bands, side: Side) -> float:
    return bands.bottom if side == Side.BUY else bands.up


def _details(s: _Series, lv: _Levels, side: Side, macd: tuple[float, float]) -> ComboDetails:
    sign = 1 if side == Side.BUY else -1
    band, inner = _band(lv.bb25, side), _band(lv.bb20, side)
    return ComboDetails(
        macd=sign * macd[0] > sign * macd[1],
        ma50_over_bb=sign * lv.ma50 < sign * band,
        price_within_bb=within_bands(s.close[1], _band(lv.bb25p, side), _band(lv.bb20p, side), side)
        or within_bands(s.close[0], band, inner, side),
        strong_ma50=sign * lv.ma50_slope > MA50_SLOPE_STRONG,
        both_bb_flat=abs(lv.bbh_slope) < BB_FLAT_MAX and abs(lv.bbb_slope) < BB_FLAT_MAX,
    )


def _strength(count: int) -> ComboStrength:
    if count == 0:
        return ComboStrength.WEAK
    return ComboStrength.STRONG if count >= STRONG_CRITERIA else ComboStrength.MEDIUM


def combo(
    candles: Sequence[Candle], *, macd: Callable[[list[float]], tuple[float, float]] | None = None
) -> ComboSignal | None:
    """The combo signal of a newest-first candle list, or None for "no signal" (fewer than 235
    candles, trending bands, flat MA50, wrong side of MA50 or band, far from levels).
    `macd` overrides the zero-lag MACD (tests); it is computed only when needed."""
    if len(candles) < COMBO_MIN_CANDLES:
        return None
    s = _Series.of(candles)
    lv = _Levels.of(s)
    side = _combo_direction(lv)
    if side is None:
        return None
    sign = 1 if side == Side.BUY else -1
    c0 = s.close[0]
    band = _band(lv.bb25, side)
    if sign * c0 < sign * lv.ma50 or sign * c0 < sign * band * (1 - sign * BB_BREACH_TOLERANCE):
        return None
    if far_from_levels(s, _band(lv.bb20, side), lv.ma50, lv.margin_band, lv.margin_ma50, side):
        return None
    details = _details(s, lv, side, (macd or macd_zero_lag_f)(s.close))
    trigger_level, pending = (
        (s.high[1], candles[0].high) if side == Side.BUY else (s.low[1], candles[0].low)
    )
    triggered = sign * c0 > sign * trigger_level
    return ComboSignal(
        price=candles[0].close if triggered else pending,
        triggered=triggered,
        direction=side,
        strength=_strength(details.count),
        details=details,
    )
