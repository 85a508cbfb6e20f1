"""CsvMarketData and fetch_candles (SPEC §3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest

from workflows.core.types import Bar, Market, MarketDataError, UnitTime
from workflows.engine.market_data import (
    CsvMarketData,
    bar_from_row,
    csv_file_name,
    csv_path,
    fetch_candles,
    write_bars_csv,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def eu_day_bars(day: datetime, base: int) -> list[Bar]:
    """30-minute bars 09:00–17:30 Paris (07:00–15:30 UTC in June), oldest first."""
    return [
        Bar(
            day + timedelta(hours=7, minutes=30 * i),
            D(base + i),
            D(base + i + 1),
            D(base + i - 1),
            D(base + i),
        )
        for i in range(18)
    ]


@pytest.fixture
def csv_dir(tmp_path: Path) -> Path:
    bars = eu_day_bars(utc(2024, 6, 19), 100) + eu_day_bars(utc(2024, 6, 20), 200)
    (tmp_path / csv_file_name("ITP:xpar", 30)).write_text(write_bars_csv(bars, "SYNTHETIC"))
    return tmp_path


def test_bid_ask_rows_become_mid_prices_rounded_to_four_decimals() -> None:
    row = {"time": "2024-06-18T14:00:00Z", "OpenAsk": 1.00005, "OpenBid": 1.0, "HighAsk": 2,
           "HighBid": 2, "LowAsk": 1, "LowBid": 1, "CloseAsk": 1.5, "CloseBid": 1.25}  # fmt: skip
    bar = bar_from_row(row)
    assert (bar.open, bar.close) == (D("1.0"), D("1.375"))
    assert bar.time == utc(2024, 6, 18, 14)


def test_plain_prices_are_rounded_to_four_decimals_too() -> None:
    """Reference §1.2: every price mapped from the broker, not only bid/ask mids."""
    row = {"time": "2024-06-18T14:00:00Z", "open": 1.23456, "high": 1.30004, "low": "1.19995",
           "close": "22150.123456"}  # fmt: skip
    bar = bar_from_row(row)
    assert (bar.open, bar.high, bar.low, bar.close) == (
        D("1.2346"), D("1.3"), D("1.2"), D("22150.1235"))


def test_a_csv_file_with_long_prices_gives_rounded_candles(tmp_path: Path) -> None:
    text = "time,open,high,low,close\n2024-06-20T07:00:00Z,1.23456,1.30004,1.00001,1.11115\n"
    (tmp_path / csv_file_name("FX", 30)).write_text(text)
    [bar] = CsvMarketData(tmp_path).bars("FX", horizon=30, count=1, until=utc(2024, 6, 21))
    assert (bar.open, bar.high, bar.low) == (D("1.2346"), D("1.3"), D("1.0"))


def test_csv_source_returns_newest_first_bars_up_to_the_limit(csv_dir: Path) -> None:
    bars = CsvMarketData(csv_dir).bars("ITP:xpar", horizon=30, count=3, until=utc(2024, 6, 20, 8))
    assert [b.time for b in bars] == [
        utc(2024, 6, 20, 8),
        utc(2024, 6, 20, 7, 30),
        utc(2024, 6, 20, 7),
    ]


def test_as_of_hides_later_bars_for_replays(csv_dir: Path) -> None:
    source = CsvMarketData(csv_dir, as_of=utc(2024, 6, 19, 12))
    bars = source.bars("ITP:xpar", horizon=30, count=2, until=utc(2024, 6, 21))
    assert bars[0].time == utc(2024, 6, 19, 12)


def test_a_source_reads_bars_appended_to_its_files_later(csv_dir: Path) -> None:
    """The engine loop of `make run` keeps one source while sample bars are appended."""
    source = CsvMarketData(csv_dir)
    until = utc(2024, 6, 22)
    assert source.bars("ITP:xpar", horizon=30, count=1, until=until)[0].time.day == 20
    assert source.bars("ITP:xpar", horizon=1440, count=1, until=until)[0].time.day == 20
    path = csv_dir / csv_file_name("ITP:xpar", 30)
    newer = write_bars_csv(eu_day_bars(utc(2024, 6, 21), 300)).split("\n", 1)[1]
    with path.open("a") as out:
        out.write(newer)
    assert source.bars("ITP:xpar", horizon=30, count=1, until=until)[0].time == utc(2024, 6, 21,
                                                                                    15, 30)
    assert source.bars("ITP:xpar", horizon=1440, count=1, until=until)[0].time.day == 21


def test_an_unknown_symbol_is_a_market_data_error(csv_dir: Path) -> None:
    with pytest.raises(MarketDataError):
        CsvMarketData(csv_dir).bars("NOPE", horizon=30, count=1, until=utc(2024, 6, 21))


def test_daily_bars_are_derived_from_the_30_minute_file(csv_dir: Path) -> None:
    bars = CsvMarketData(csv_dir).bars("ITP:xpar", horizon=1440, count=5, until=utc(2024, 6, 21))
    assert [b.time for b in bars] == [utc(2024, 6, 20), utc(2024, 6, 19)]
    assert (bars[0].open, bars[0].close, bars[0].high) == (D(200), D(217), D(218))


def test_fetch_candles_builds_h1_from_30_minute_bars_at_the_anchor(csv_dir: Path) -> None:
    now = utc(2024, 6, 20, 19)  # after the close: anchored at 15:00 UTC, the 15:00 bar dropped
    h1 = fetch_candles(CsvMarketData(csv_dir), "ITP:xpar", UnitTime.H1, 2, now, Market.EU)
    assert [c.time for c in h1] == [utc(2024, 6, 20, 14), utc(2024, 6, 20, 13)]
    assert all(c.ut == UnitTime.H1 for c in h1)


def test_fetch_candles_builds_daily_candles(csv_dir: Path) -> None:
    now = utc(2024, 6, 21, 8)
    daily = fetch_candles(CsvMarketData(csv_dir), "ITP:xpar", UnitTime.DAILY, 5, now, Market.EU)
    assert [c.time for c in daily] == [utc(2024, 6, 20, 7), utc(2024, 6, 19, 7)]
    assert daily[0].close == D(217)


def test_fetch_candles_weekly_adds_no_second_candle_for_the_current_week(csv_dir: Path) -> None:
    now = utc(2024, 6, 21, 8)
    weekly = fetch_candles(CsvMarketData(csv_dir), "ITP:xpar", UnitTime.WEEKLY, 3, now, Market.EU)
    assert [c.time for c in weekly] == [utc(2024, 6, 17)]


def test_fetch_candles_monthly_groups_daily_bars(csv_dir: Path) -> None:
    monthly = fetch_candles(
        CsvMarketData(csv_dir), "ITP:xpar", UnitTime.MONTHLY, 1, utc(2024, 6, 21), Market.EU
    )
    assert monthly[0].ut == UnitTime.MONTHLY and monthly[0].low == D(99)


def test_fifteen_minute_candles_need_a_15_minute_file(csv_dir: Path) -> None:
    with pytest.raises(MarketDataError):
        fetch_candles(
            CsvMarketData(csv_dir), "ITP:xpar", UnitTime.M15, 1, utc(2024, 6, 21), Market.EU
        )


@pytest.mark.parametrize("symbol", ["../outside", "/etc/passwd", "..", "a/../../b", "x\x00y"])
def test_a_stored_symbol_that_would_leave_the_folder_is_refused_at_the_point_of_use(
    tmp_path: Path, symbol: str
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (tmp_path / "outside_30m.csv").write_text("time,open,high,low,close\n")
    with pytest.raises(MarketDataError, match="refusing symbol"):
        CsvMarketData(folder).bars(symbol, horizon=30, count=1, until=utc(2024, 6, 20))


def test_csv_path_keeps_a_valid_symbol_in_its_folder(tmp_path: Path) -> None:
    path = csv_path(tmp_path, "AAPL:xnas", 15)
    assert path == tmp_path.resolve() / "AAPL@xnas_15m.csv"
