"""Acceptance: Saxo and CSV sources give the same candles for the same 30-minute bars."""

import csv
from datetime import UTC, datetime, timedelta

import pytest

from tests.fixtures.fake_saxo import make_samples
from workflows.core.types import Market, UnitTime
from workflows.engine.market_data import CsvMarketData, csv_file_name, fetch_candles
from workflows.saxo.market_data import SaxoMarketData

NOW = datetime(2024, 7, 5, 14, 31, tzinfo=UTC)  # a Friday inside the EU session


def weekday_samples(uic_start: datetime, days: int, *, bid_ask: bool) -> list[dict]:
    start = uic_start.replace(hour=0, minute=0)
    samples = make_samples(start, days * 48, horizon=30, bid_ask=bid_ask, price=18401.37)
    for sample in samples:  # odd spreads: mids with a third decimal exercise the rounding
        for key in [k for k in sample if k.endswith("Ask")]:
            sample[key] = round(sample[key] + 0.01, 2)
    return [s for s in samples
            if datetime.fromisoformat(s["Time"].replace("Z", "+00:00")).weekday() < 5]


def write_csv(directory, symbol: str, samples: list[dict]) -> None:
    columns = [k for k in samples[0] if k != "Time"]
    with open(directory / csv_file_name(symbol, 30), "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["time", *columns])
        for s in samples:
            writer.writerow([s["Time"], *(repr(s[c]) for c in columns)])


@pytest.mark.parametrize("symbol, uic, bid_ask", [("GER40.I", 4321, True),
                                                   ("DAX.I", 1373, False)])
@pytest.mark.parametrize("ut, count", [(UnitTime.H1, 55), (UnitTime.H4, 21)])
def test_saxo_source_builds_the_same_candles_as_the_csv_source(
        fake_saxo, tmp_path, symbol, uic, bid_ask, ut, count):
    samples = weekday_samples(NOW - timedelta(days=60), 61, bid_ask=bid_ask)
    fake_saxo.set_samples(uic, 30, samples)
    write_csv(tmp_path, symbol, samples)

    from_saxo = fetch_candles(SaxoMarketData(fake_saxo.client()), symbol, ut, count, NOW,
                              Market.EU)
    from_csv = fetch_candles(CsvMarketData(tmp_path), symbol, ut, count, NOW, Market.EU)

    assert len(from_saxo) == count
    assert from_saxo == from_csv


def test_us_session_h1_candles_match_too(fake_saxo, tmp_path):
    samples = weekday_samples(NOW - timedelta(days=20), 21, bid_ask=False)
    fake_saxo.set_samples(211, 30, samples)
    write_csv(tmp_path, "AAPL:xnas", samples)

    from_saxo = fetch_candles(SaxoMarketData(fake_saxo.client()), "AAPL:xnas", UnitTime.H1, 12,
                              NOW, Market.US)

    assert from_saxo == fetch_candles(CsvMarketData(tmp_path), "AAPL:xnas", UnitTime.H1, 12, NOW,
                                      Market.US)
    assert len(from_saxo) == 12
