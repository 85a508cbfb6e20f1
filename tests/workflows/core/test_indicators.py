"""Indicator pieces pinned by reference §9.2 that need no fixture file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from workflows.core import indicators as ind
from workflows.core.types import Candle, Side


def candles_from_closes(values: list[float]) -> list[Candle]:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    return [
        Candle(start - timedelta(days=i), D(str(v)), D(str(v)), D(str(v)), D(str(v)))
        for i, v in enumerate(values)
    ]


def test_sma_is_the_exact_mean_of_the_newest_closes() -> None:
    assert ind.sma(candles_from_closes([3, 2, 1, 100]), 3) == D(2)


def test_sma_with_too_few_candles_is_an_error() -> None:
    with pytest.raises(ind.IndicatorError):
        ind.sma(candles_from_closes([1, 2]), 3)


def test_ema_series_equals_the_ema_of_every_suffix() -> None:
    values = [float(v) for v in range(40, 0, -1)]
    series = ind.ema_series(values, 5)
    for offset in range(0, 25):
        assert round(series[offset], 5) == ind.ema_f(values[offset:], 5)


def test_ema_needs_three_periods_of_values() -> None:
    with pytest.raises(ind.IndicatorError):
        ind.ema_f([1.0] * 14, 5)


@pytest.mark.parametrize("side", [Side.BUY, Side.SELL])
@pytest.mark.parametrize(
    ("price", "within"),
    [(996, True), (995.5, True), (994, False), (1050, True), (1105, True), (1106, False)],
)
def test_within_bands_tolerates_half_a_percent_on_both_sides(side, price, within) -> None:
    outer, inner = (1000, 1100) if side == Side.BUY else (1100, 1000)
    assert ind.within_bands(price, outer, inner, side) is within


def series(rows: list[tuple[float, float, float]]) -> ind._Series:
    """(low, high, close) rows, newest first."""
    return ind._Series([r[1] for r in rows], [r[0] for r in rows], [r[2] for r in rows])


@pytest.mark.parametrize(
    ("band", "rows", "far"),
    [
        (960, [(1010, 0, 1020), (1008, 0, 1015)], True),
        (960, [(999, 0, 1020), (1008, 0, 1015)], False),
        (960, [(1010, 0, 1020), (1000.5, 0, 1015)], False),
        (1000, [(1002, 0, 1020), (1008, 0, 1015)], False),
        (1000, [(1004, 0, 1020), (1008, 0, 1015)], True),
        (960, [(1010, 0, 1020), (1008, 0, 1015), (1, 0, 1)], True),
    ],
)
def test_far_from_levels_for_a_buy_looks_at_two_closes_and_lows(band, rows, far) -> None:
    assert ind.far_from_levels(series(rows), band, 1000, 3, 1, Side.BUY) is far


@pytest.mark.parametrize(
    ("band", "rows", "far"),
    [
        (1040, [(0, 990, 980), (0, 992, 985)], True),
        (1040, [(0, 1000, 980), (0, 992, 985)], False),
        (1040, [(0, 990, 980), (0, 999.5, 985)], False),
        (990, [(0, 990, 980), (0, 985, 985)], False),
        (990, [(0, 986, 980), (0, 985, 984)], True),
    ],
)
def test_far_from_levels_for_a_sell_looks_at_two_closes_and_highs(band, rows, far) -> None:
    assert ind.far_from_levels(series(rows), band, 1000, 3, 1, Side.SELL) is far


def test_far_from_levels_needs_two_candles() -> None:
    with pytest.raises(ind.IndicatorError):
        ind.far_from_levels(series([(1, 1, 1)]), 1, 1, 1, 1, Side.BUY)


def test_combo_on_identical_closes_is_no_signal_without_computing_the_macd() -> None:
    def macd(_: list[float]) -> tuple[float, float]:
        raise AssertionError("MACD computed")

    assert ind.combo(candles_from_closes([100.0] * 260), macd=macd) is None
