"""Every vector of ../shared/parity/vectors.json, with fixtures loaded at run time."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.parity.conftest import load_fixture, load_vectors, parse_time, require_shared
from workflows.core import candles as cb
from workflows.core import indicators as ind
from workflows.core.types import Candle, Market, Side, UnitTime

VECTORS = load_vectors()


def vectors(section: str) -> list[Any]:
    return [
        v
        for v in VECTORS.get(section, [])
        if "fixture" in v or "expected" in v or "bars" in v or "fetch_up_to" in v
    ]


def ids(section: str) -> list[str]:
    return [f"{section}-{i}-{v.get('fixture', '')}" for i, v in enumerate(vectors(section))]


def test_parity_data_is_available() -> None:
    require_shared()


@pytest.mark.parametrize("vector", vectors("bollinger"), ids=ids("bollinger"))
def test_bollinger_uses_population_sigma_on_the_newest_period(vector: dict[str, Any]) -> None:
    bands = ind.bollinger_f(vector["closes_newest_first"], vector["k"], vector["period"])
    expected = vector["expected"]
    assert (bands.middle, bands.bottom, bands.up) == (
        expected["middle"],
        expected["bottom"],
        expected["up"],
    )


@pytest.mark.parametrize("vector", vectors("slope_percent"), ids=ids("slope_percent"))
def test_slope_percent_matches_the_original(vector: dict[str, Any]) -> None:
    got = ind.slope_percent(vector["x1"], vector["y1"], vector["x2"], vector["y2"])
    assert got == vector["expected"]


@pytest.mark.parametrize("vector", vectors("macd_zero_lag"), ids=ids("macd_zero_lag"))
def test_zero_lag_macd_matches_the_original(vector: dict[str, Any]) -> None:
    candles = load_fixture(vector["fixture"])
    expected = vector["expected"]
    assert ind.macd_zero_lag(candles) == (
        Decimal(str(expected["macd"])),
        Decimal(str(expected["signal"])),
    )


def test_zero_lag_macd_needs_235_candles() -> None:
    candles = load_fixture("macd0lag_cac_h1.json")
    ind.macd_zero_lag(candles[:235])
    with pytest.raises(ind.IndicatorError):
        ind.macd_zero_lag(candles[:234])


@pytest.mark.parametrize("vector", vectors("atr"), ids=ids("atr"))
def test_atr_matches_the_original(vector: dict[str, Any]) -> None:
    candles = load_fixture(vector["fixture"])
    assert ind.atr(candles, vector["period"]) == Decimal(str(vector["expected"]))


def _combo_input(vector: dict[str, Any]) -> list[Candle]:
    candles = load_fixture(vector["fixture"])
    return candles[: vector["truncate_to"]] if "truncate_to" in vector else candles


@pytest.mark.parametrize("vector", vectors("combo"), ids=ids("combo"))
def test_combo_signal_matches_the_original(vector: dict[str, Any]) -> None:
    signal = ind.combo(_combo_input(vector))
    expected = vector["expected"]
    if expected is None:
        assert signal is None
        return
    assert signal is not None
    assert signal.price == Decimal(str(expected["price"]))
    assert signal.triggered is expected["triggered"]
    assert signal.direction == Side(expected["direction"].lower())
    assert signal.strength.value == expected["strength"]
    assert vars(signal.details) == expected["details"]


@pytest.mark.parametrize("vector", [v for v in vectors("combo") if "intermediates" in v])
def test_combo_intermediates_match_the_original(vector: dict[str, Any]) -> None:
    levels = ind._Levels.of(ind._Series.of(_combo_input(vector)))
    want = vector["intermediates"]
    assert round(levels.ma50, 4) == want["ma50"]
    assert levels.ma50_slope == want["ma50_slope"]
    assert (levels.bb25.bottom, levels.bb25.up) == (want["bb25_bottom"], want["bb25_up"])
    assert (levels.bb20.bottom, levels.bb20.up) == (want["bb20_bottom"], want["bb20_up"])
    assert (levels.bbh_slope, levels.bbb_slope) == (want["bbh_slope"], want["bbb_slope"])


@pytest.mark.parametrize("vector", vectors("candle_builder"), ids=ids("candle_builder"))
def test_candle_builder_matches_the_original(vector: dict[str, Any]) -> None:
    bars = load_fixture(vector["fixture"])
    market = Market(vector["market"].lower())
    built = cb.build_from_30m(bars, market, UnitTime(vector["unit"]))
    got = [(c.time, c.open, c.high, c.low, c.close) for c in built[: len(vector["expected_first"])]]
    want = [
        (parse_time(e["time"]), *(Decimal(str(e[k])) for k in ("open", "high", "low", "close")))
        for e in vector["expected_first"]
    ]
    assert got == want


@pytest.mark.parametrize(
    "vector", vectors("fetch_sizing_30m_bars"), ids=ids("fetch_sizing_30m_bars")
)
def test_fetch_sizing_matches_the_original(vector: dict[str, Any]) -> None:
    market = Market(vector["market"].lower())
    assert cb.bars_to_fetch(market, UnitTime(vector["unit"]), vector["count"]) == vector["bars"]


@pytest.mark.parametrize("vector", vectors("session_anchor"), ids=ids("session_anchor"))
def test_session_anchor_matches_the_original(vector: dict[str, Any]) -> None:
    market = Market(vector["market"].lower())
    assert cb.session_anchor(parse_time(vector["now"]), market) == parse_time(vector["fetch_up_to"])
