"""Per-run fetch sharing: one fetch per series, distinct series concurrently, errors cached."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from workflows.core.types import Bar, Market, MarketDataError, UnitTime
from workflows.engine.market_data import CsvMarketData
from workflows.engine.sharing import CandleRequest, SharedMarketData

from .conftest import NOW, write_sample_csv


class CountingSource:
    """Wraps CsvMarketData: counts bar requests per symbol, optional latency."""

    def __init__(self, directory: Path, delay: float = 0.0):
        self.csv = CsvMarketData(directory)
        self.delay = delay
        self.calls: Counter[str] = Counter()
        self.lock = threading.Lock()

    def bars(self, symbol: str, *, horizon: int, count: int, until: datetime) -> list[Bar]:
        with self.lock:
            self.calls[symbol] += 1
        time.sleep(self.delay)
        return self.csv.bars(symbol, horizon=horizon, count=count, until=until)


@pytest.fixture
def source(tmp_path: Path) -> CountingSource:
    return CountingSource(write_sample_csv(tmp_path))


def test_each_series_is_fetched_once_and_smaller_requests_reuse_bigger_ones(source):
    shared = SharedMarketData(source, now=NOW, workers=4)
    requests = [CandleRequest("DAX.I", UnitTime.H1, 55, Market.EU),
                CandleRequest("DAX.I", UnitTime.H1, 1, Market.EU),
                CandleRequest("DAX.I", UnitTime.H4, 1, Market.EU),
                CandleRequest("GER40.I", UnitTime.H1, 1, Market.EU)]

    shared.prefetch(requests * 3)
    candles = [shared.candles(r) for r in requests]

    assert source.calls == {"DAX.I": 1, "GER40.I": 1}
    assert candles[1][0] == candles[0][0]
    assert len(candles[0]) == 55


def test_the_biggest_bar_fetch_of_a_symbol_goes_first_so_it_is_fetched_once(tmp_path):
    # combo h1 and combo h4 both ask for 750 candles, but h4 needs three times the bars.
    directory = write_sample_csv(tmp_path)
    requests = [CandleRequest("DAX.I", UnitTime.H1, 750, Market.EU),
                CandleRequest("DAX.I", UnitTime.H4, 750, Market.EU),
                CandleRequest("DAX.I", UnitTime.DAILY, 12, Market.EU)]

    for _ in range(5):  # thread scheduling varies: every run must fetch once
        slow = CountingSource(directory, delay=0.02)
        SharedMarketData(slow, now=NOW, workers=8).prefetch(requests)
        assert slow.calls["DAX.I"] == 1


def test_distinct_series_are_fetched_concurrently(tmp_path):
    symbols = {f"SYM{i}.I": "100" for i in range(8)}
    slow = CountingSource(write_sample_csv(tmp_path, symbols), delay=0.2)
    shared = SharedMarketData(slow, now=NOW, workers=8)

    started = time.monotonic()
    shared.prefetch(CandleRequest(s, UnitTime.H1, 1, Market.EU) for s in symbols)

    assert time.monotonic() - started < 0.2 * 5  # one after the other: 0.2 * 8
    assert sum(slow.calls.values()) == 8


def test_a_failing_series_is_fetched_once_and_fails_every_caller(source):
    shared = SharedMarketData(source, now=NOW)
    request = CandleRequest("MISSING.I", UnitTime.H1, 12, Market.EU)

    shared.prefetch([request])
    for _ in range(3):
        with pytest.raises(MarketDataError, match="MISSING.I"):
            shared.candles(request)

    assert source.calls["MISSING.I"] == 1


def test_shared_bars_are_a_prefix_of_the_source(source):
    shared = SharedMarketData(source, now=NOW)
    big = shared.bars("DAX.I", horizon=30, count=100, until=NOW)
    small = shared.bars("DAX.I", horizon=30, count=10, until=NOW)
    assert small == big[:10] == source.csv.bars("DAX.I", horizon=30, count=10, until=NOW)
    assert all(isinstance(b.close, Decimal) for b in small)
