"""Reference §9.2/§9.3 cases that vectors.json does not list (fixtures read at run time)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from tests.parity.conftest import load_fixture
from workflows.core import candles as cb
from workflows.core import indicators as ind
from workflows.core.types import Market, Side, UnitTime


@pytest.mark.parametrize(
    ("fixture", "period", "expected"),
    [
        ("candles_viridien_super_trend.json", 14, "2.79457"),
        ("candles_viridien_super_trend.json", 10, "2.99427"),
    ],
)
def test_atr_on_more_reference_files(fixture, period, expected) -> None:
    assert ind.atr(load_fixture(fixture), period) == D(expected)


@pytest.mark.parametrize(
    ("fixture", "price", "triggered", "side", "details"),
    [
        ("combo_sell_daily_aca.json", "13.91", False, Side.SELL, (True, False, False, True, False)),
        (
            "combo_sell_h1_sp500.json",
            "5472.895",
            False,
            Side.SELL,
            (True, False, True, False, True),
        ),
    ],
)
def test_combo_on_more_reference_files(fixture, price, triggered, side, details) -> None:
    signal = ind.combo(load_fixture(fixture))
    assert signal is not None
    assert (signal.price, signal.triggered, signal.direction) == (D(price), triggered, side)
    assert signal.strength == ind.ComboStrength.MEDIUM
    assert tuple(vars(signal.details).values()) == details


def test_combo_without_a_signal_on_vie() -> None:
    assert ind.combo(load_fixture("no_combo_daily_vie.json")) is None


def test_combo_reports_the_macd_criterion_when_the_macd_is_over_its_signal() -> None:
    signal = ind.combo(load_fixture("combo_buy_daily_cac.json"), macd=lambda _: (1.0, 0.0))
    assert signal is not None and signal.details.macd is True


def test_combo_tests_the_previous_close_against_the_previous_bands() -> None:
    candles = load_fixture("combo_buy_h4_dax.json")
    candles[0] = replace(
        candles[0], low=D("18670"), high=D("18730"), open=D("18690"), close=D("18700")
    )
    candles[1] = replace(
        candles[1], low=D("18355"), high=D("18415"), open=D("18395"), close=D("18385")
    )
    signal = ind.combo(candles)
    assert signal is not None and signal.details.price_within_bb is True


def test_us_h1_across_a_weekend_keeps_the_friday_candles() -> None:
    h1 = cb.build_from_30m(load_fixture("bug_switch_day_sp500.json"), Market.US, UnitTime.H1)
    assert [c.time for c in h1[:3]] == [
        datetime(2024, 7, 29, 12, 30, tzinfo=UTC),
        datetime(2024, 7, 26, 19, 30, tzinfo=UTC),
        datetime(2024, 7, 26, 18, 30, tzinfo=UTC),
    ]
    assert (h1[0].open, h1[0].high, h1[0].low, h1[0].close) == (
        D("5486.9048"),
        D("5495.665"),
        D("5472.895"),
        D("5475.415"),
    )
