"""Synthetic sample data: deterministic, labelled, readable by CsvMarketData."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from workflows.core.types import Market, UnitTime
from workflows.engine.market_data import CsvMarketData, fetch_candles
from workflows.sample_data import SymbolPlan, write_sample_data

UNTIL = datetime(2024, 6, 20, 19, tzinfo=UTC)
PLAN = SymbolPlan("ITP:xpar", Market.EU, "ITP:xpar", 30.5)


def generate(directory: Path) -> list[Path]:
    return list(write_sample_data([PLAN], directory, until=UNTIL, days=60, seed=7))


def test_sample_data_is_deterministic_and_labelled_synthetic(tmp_path: Path) -> None:
    first = {p.name: p.read_text() for p in generate(tmp_path / "a")}
    second = {p.name: p.read_text() for p in generate(tmp_path / "b")}
    assert first == second
    assert set(first) == {"README.txt", "ITP@xpar_15m.csv", "ITP@xpar_30m.csv"}
    assert all("SYNTHETIC" in text for text in first.values())


def test_sample_data_ends_on_the_target_price_at_the_anchor(tmp_path: Path) -> None:
    generate(tmp_path)
    source = CsvMarketData(tmp_path)
    h1 = fetch_candles(source, "ITP:xpar", UnitTime.H1, 750, UNTIL, Market.EU)
    assert h1[0].close == Decimal("30.5")
    assert len(h1) >= 500
    assert len(fetch_candles(source, "ITP:xpar", UnitTime.DAILY, 55, UNTIL, Market.EU)) == 55
    assert (
        fetch_candles(source, "ITP:xpar", UnitTime.M15, 1, UNTIL, Market.EU)[0].close == h1[0].close
    )
