from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.fixtures.fake_saxo import make_samples
from workflows.core.types import MarketDataError
from workflows.saxo.charts import parse_sample, parse_time
from workflows.saxo.market_data import SaxoMarketData

START = datetime(2024, 1, 2, 0, 0, tzinfo=UTC)


def test_bars_are_paged_by_1200_newest_first_without_duplicates_at_page_borders(fake_saxo):
    fake_saxo.set_samples(1373, 30, make_samples(START, 3000))
    until = START + timedelta(minutes=30 * 2999)

    bars = SaxoMarketData(fake_saxo.client()).bars("DAX.I", horizon=30, count=2600, until=until)

    assert len(bars) == 2600
    times = [b.time for b in bars]
    assert times == sorted(set(times), reverse=True)
    assert times[0] == until and times[-1] == until - timedelta(minutes=30 * 2599)
    charts = fake_saxo.requests_to("chart/v3/charts")
    assert [int(r.query["Count"]) for r in charts] == [1200, 1200, 202]
    assert all(r.query["Mode"] == "UpTo" and r.query["Uic"] == "1373" for r in charts)
    assert charts[1].query["Time"] == (until - timedelta(minutes=30 * 1199)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def test_paging_stops_when_history_runs_out(fake_saxo):
    fake_saxo.set_samples(1373, 30, make_samples(START, 1500))
    until = START + timedelta(days=100)

    bars = SaxoMarketData(fake_saxo.client()).bars("DAX.I", horizon=30, count=5000, until=until)

    assert len(bars) == 1500
    assert bars[-1].time == START


def test_bars_after_until_are_not_returned(fake_saxo):
    fake_saxo.set_samples(1373, 1440, make_samples(START, 10, horizon=1440))
    until = START + timedelta(days=4, hours=12)

    bars = SaxoMarketData(fake_saxo.client()).bars("DAX.I", horizon=1440, count=3, until=until)

    assert [b.time.day for b in bars] == [6, 5, 4]


def test_cfd_bid_ask_samples_become_mid_prices_rounded_to_4_decimals():
    sample = {"CloseAsk": 18148.51, "CloseBid": 18146.52, "HighAsk": 18173.36,
              "HighBid": 18172.36, "LowAsk": 18132.52, "LowBid": 18130.52, "OpenAsk": 18166.35,
              "OpenBid": 18165.35, "Time": "2024-07-02T14:15:00Z"}

    bar = parse_sample(sample)

    assert bar.open == Decimal("18165.8500")
    assert bar.close == Decimal("18147.5150")
    assert bar.high == Decimal("18172.8600") and bar.low == Decimal("18131.5200")


def test_plain_close_wins_over_bid_ask():
    sample = {"Open": 1.5, "High": 2, "Low": 1, "Close": 1.75, "CloseAsk": 9, "CloseBid": 9,
              "Time": "2024-06-13T08:00:00.000000Z"}

    assert parse_sample(sample).close == Decimal("1.75")


def test_plain_ohlc_samples_are_rounded_to_4_decimals():
    """Reference §1.2: every price mapped from the broker is rounded, not only the mids."""
    sample = {"Open": 1.23456, "High": 1.30004, "Low": 1.19995, "Close": 22150.123456,
              "Time": "2024-06-13T08:00:00.000000Z"}

    bar = parse_sample(sample)

    assert (bar.open, bar.high, bar.low, bar.close) == (
        Decimal("1.2346"), Decimal("1.3"), Decimal("1.2"), Decimal("22150.1235"))


def test_both_saxo_time_formats_parse_to_aware_utc():
    assert parse_time("2019-09-05T21:00:00.000000Z") == datetime(2019, 9, 5, 21, tzinfo=UTC)
    assert parse_time("2026-04-16T12:30:00Z") == datetime(2026, 4, 16, 12, 30, tzinfo=UTC)


def test_cfd_bars_served_as_bid_ask_come_back_as_mids(fake_saxo):
    fake_saxo.set_samples(4321, 15, make_samples(START, 4, horizon=15, bid_ask=True))

    bars = SaxoMarketData(fake_saxo.client()).bars(
        "GER40.I", horizon=15, count=4, until=START + timedelta(hours=1))

    plain = make_samples(START, 4, horizon=15)
    assert [b.close for b in bars] == [Decimal(str(s["Close"])) for s in reversed(plain)]


def test_unknown_symbol_is_a_market_data_error(fake_saxo):
    with pytest.raises(MarketDataError, match="Unknown symbol NOPE.I"):
        SaxoMarketData(fake_saxo.client()).bars("NOPE.I", horizon=30, count=5, until=START)


def test_no_bars_is_a_market_data_error(fake_saxo):
    with pytest.raises(MarketDataError, match="No data returned for DAX.I"):
        SaxoMarketData(fake_saxo.client()).bars("DAX.I", horizon=30, count=5, until=START)


def test_chart_403_means_no_data(fake_saxo):
    fake_saxo.queue("GET", "chart/v3/charts", status=403)

    with pytest.raises(MarketDataError, match="No data returned for DAX.I"):
        SaxoMarketData(fake_saxo.client()).bars("DAX.I", horizon=30, count=5, until=START)


def test_instrument_lookup_is_cached_per_client(fake_saxo):
    fake_saxo.set_samples(1373, 30, make_samples(START, 10))
    market_data = SaxoMarketData(fake_saxo.client())

    for _ in range(3):
        market_data.bars("DAX.I", horizon=30, count=5, until=START + timedelta(hours=5))

    assert len(fake_saxo.requests_to("ref/v1/instruments")) == 1
