"""Replays (`--at`) never see the future, at any unit time (SPEC §3, issue 14 item 3).

What a broker has published at an instant is the bars that started by then; a replay on CSV
data must answer exactly as it would if the files held nothing newer. The current day, week and
month are built from the bars known at the instant (reference §3.7), never from the whole file.
"""

from __future__ import annotations

import random
import tempfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.core.types import Bar, Market, MarketDataError, UnitTime
from workflows.engine.market_data import (
    DAY,
    WEEK,
    CsvMarketData,
    aggregate_bars,
    csv_file_name,
    day_start,
    fetch_candles,
    week_start,
    write_bars_csv,
)

START = datetime(2024, 5, 6, tzinfo=UTC)  # a Monday; 6 weeks of data across a month end
DAYS = 42
SYMBOL = "ITP:xpar"
COUNTS = {UnitTime.M15: 20, UnitTime.H1: 55, UnitTime.H4: 21, UnitTime.DAILY: 12,
          UnitTime.WEEKLY: 5, UnitTime.MONTHLY: 3}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def random_bars(seed: int, minutes: int, *, gaps: float = 0.03) -> list[Bar]:
    """Weekday bars of `minutes` over the whole period, a random walk, some bars missing."""
    rng = random.Random(seed)
    bars, price, moment = [], 100.0, START
    while moment < START + timedelta(days=DAYS):
        if moment.weekday() < 5 and rng.random() > gaps:
            close = max(1.0, price + rng.uniform(-1, 1))
            high = max(price, close) + rng.uniform(0, 0.5)
            low = min(price, close) - rng.uniform(0, 0.5)
            bars.append(Bar(moment, *(D(f"{p:.2f}") for p in (price, high, low, close))))
            price = close
        moment += timedelta(minutes=minutes)
    return bars


def write(directory: Path, series: dict[int, list[Bar]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for horizon, bars in series.items():
        (directory / csv_file_name(SYMBOL, horizon)).write_text(write_bars_csv(bars))
    return directory


def answer(directory: Path, ut: UnitTime, now: datetime, market: Market) -> object:
    try:
        return fetch_candles(CsvMarketData(directory), SYMBOL, ut, COUNTS[ut], now, market)
    except MarketDataError:
        return "no data"


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    offset=st.integers(0, DAYS * 24 * 60 - 1),
    market=st.sampled_from([Market.EU, Market.US]),
    broker_files=st.booleans(),
)
def test_a_replay_answers_as_if_nothing_after_its_instant_existed(
    seed: int, offset: int, market: Market, broker_files: bool
) -> None:
    """For a random instant, every unit time gives the same candles from the full files as
    from files cut at the instant (bars starting after it removed), and no candle starts after
    it. `broker_files`: daily and weekly files as a broker serves them (whole periods)."""
    now = START + timedelta(minutes=offset)
    bars30 = random_bars(seed, 30)
    series = {15: random_bars(seed + 1, 15), 30: bars30}
    if broker_files:
        series[DAY] = aggregate_bars(bars30[::-1], day_start)
        series[WEEK] = aggregate_bars(bars30[::-1], week_start)
    with tempfile.TemporaryDirectory() as tmp:
        full = write(Path(tmp) / "full", series)
        cut = write(Path(tmp) / "cut",
                    {h: [b for b in bars if b.time <= now] for h, bars in series.items()})
        for ut in COUNTS:
            seen = answer(full, ut, now, market)
            assert seen == answer(cut, ut, now, market), (ut, now)
            if seen != "no data":
                assert all(c.time <= now for c in seen), (ut, now)  # type: ignore[attr-defined]


def test_a_wednesday_replay_gets_the_week_so_far_not_fridays_close(tmp_path: Path) -> None:
    """The auditor's case: at Wed 2024-06-19 10:01 UTC the weekly and monthly closes are the
    last price known then, not Friday's."""
    bars = [Bar(utc(2024, 6, 17) + timedelta(minutes=30 * i), D(100 + i), D(101 + i), D(99 + i),
                D(100 + i)) for i in range(5 * 48)]  # Mon-Fri, rising all week
    write(tmp_path, {30: bars})
    now = utc(2024, 6, 19, 10, 1)
    known = [b for b in bars if b.time <= now]

    weekly = fetch_candles(CsvMarketData(tmp_path), SYMBOL, UnitTime.WEEKLY, 1, now, Market.EU)
    monthly = fetch_candles(CsvMarketData(tmp_path), SYMBOL, UnitTime.MONTHLY, 1, now, Market.EU)

    for candle in (weekly[0], monthly[0]):
        assert candle.close == known[-1].close != bars[-1].close
        assert candle.high == max(b.high for b in known)
