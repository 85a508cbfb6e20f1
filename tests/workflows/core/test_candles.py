"""Sessions, anchor, sizing and candle building (SPEC §3, reference §3)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest

from workflows.core import candles as cb
from workflows.core.types import Bar, Candle, Market, UnitTime


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("market", "day", "hours"),
    [
        (Market.EU, date(2024, 6, 20), (7, 15)),
        (Market.EU, date(2024, 1, 15), (8, 16)),
        (Market.US, date(2024, 6, 20), (13, 19)),
        (Market.US, date(2024, 1, 15), (14, 20)),
    ],
)
def test_session_hours_follow_daylight_saving_time(market, day, hours) -> None:
    assert cb.session_hours_utc(market, day) == hours


@pytest.mark.parametrize(
    ("market", "now", "anchor"),
    [
        (Market.EU, utc(2024, 6, 21, 19, 56), utc(2024, 6, 21, 15)),
        (Market.EU, utc(2024, 6, 21, 10, 31), utc(2024, 6, 21, 10, 31)),
        (Market.EU, utc(2024, 6, 21, 6, 59), utc(2024, 6, 20, 15)),  # before the open
        (Market.EU, utc(2024, 6, 23, 12), utc(2024, 6, 21, 15)),  # Sunday
        (Market.US, utc(2024, 6, 18, 21), utc(2024, 6, 18, 19)),
        (Market.US, utc(2024, 6, 18, 13, 29), utc(2024, 6, 17, 19)),
    ],
)
def test_the_fetch_anchor_is_the_last_session_close(market, now, anchor) -> None:
    assert cb.session_anchor(now, market) == anchor


@pytest.mark.parametrize(
    ("market", "now"),
    [
        (Market.EU, utc(2024, 5, 1, 12, 1)),  # Labour Day (Euronext closed)
        (Market.EU, utc(2024, 3, 29, 10, 31)),  # Good Friday
        (Market.EU, utc(2024, 4, 1, 12, 1)),  # Easter Monday
        (Market.EU, utc(2024, 12, 25, 12, 1)),  # Christmas
        (Market.EU, utc(2024, 12, 26, 9, 31)),  # Boxing Day
        (Market.US, utc(2024, 7, 4, 15, 1)),  # Independence Day
        (Market.US, utc(2024, 11, 28, 16, 31)),  # Thanksgiving
        (Market.US, utc(2024, 3, 29, 14, 1)),  # Good Friday
    ],
)
def test_the_fetch_anchor_skips_weekends_only_not_holidays(market, now) -> None:
    """Reference §3.2: on a full-day holiday the anchor is `now` like any weekday; the broker
    simply has no newer bars, so the newest candles are the last session's, complete."""
    assert cb.is_trading_day(now.date(), market) is False  # a real holiday
    assert cb.session_anchor(now, market) == now


def test_on_a_holiday_the_newest_candles_are_the_last_session_closing_ones() -> None:
    """Bars for Apr 29-30 2024 (09:00-17:30 Paris), run on May 1 (holiday) at 12:01 UTC."""
    bars = [bar for day in (date(2024, 4, 29), date(2024, 4, 30))
            for bar in cash_session_bars(day)]
    anchor = cb.session_anchor(utc(2024, 5, 1, 12, 1), Market.EU)
    known = sorted((b for b in bars if b.time <= anchor), key=lambda b: b.time, reverse=True)

    h1 = cb.build_from_30m(known, Market.EU, UnitTime.H1)
    daily = cb.build_from_30m(known, Market.EU, UnitTime.DAILY)

    assert h1[0].time == utc(2024, 4, 30, 15)  # the 17:00 Paris closing candle
    assert daily[0].time == utc(2024, 4, 30, 7) and daily[0].close == h1[0].close


def cash_session_bars(day: date) -> list[Bar]:
    """The 30-minute bars of one EU cash session, 09:00-17:30 Paris (07:00-15:30 UTC in May)."""
    start = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=7)
    return [Bar(start + timedelta(minutes=30 * i), D(100 + i), D(101 + i), D(99 + i), D(100 + i))
            for i in range(18)]


def test_exchange_holidays_come_from_the_calendar() -> None:
    assert cb.is_trading_day(date(2024, 12, 25), Market.EU) is False
    assert cb.is_trading_day(date(2024, 7, 4), Market.US) is False
    assert cb.is_trading_day(date(2024, 7, 4), Market.EU) is True
    assert cb.is_trading_day(date(2024, 7, 6), Market.EU) is False


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (date(2024, 6, 20), date(2024, 6, 21), 1),
        (date(2024, 6, 20), date(2024, 7, 1), 7),
        (date(2024, 6, 21), date(2024, 6, 20), 0),
    ],
)
def test_open_days_count_weekdays_after_the_start_up_to_the_end(start, end, days) -> None:
    assert cb.open_days_between(start, end, Market.EU) == days


def session_bars(day: date, market: Market, price: int = 100) -> list[Bar]:
    """Every 30-minute bar of one day 00:00–23:30 UTC (a near-24h CFD), newest first."""
    start = datetime.combine(day, datetime.min.time(), UTC)
    bars = []
    for i in range(48):
        p = D(price + i)
        bars.append(Bar(start + timedelta(minutes=30 * i), p, p + 1, p - 1, p + D("0.5")))
    return bars[::-1]


def test_eu_h1_candles_are_labelled_nine_to_seventeen_paris() -> None:
    h1 = cb.build_h1(session_bars(date(2024, 6, 20), Market.EU), Market.EU)
    assert [c.time.hour for c in h1] == list(range(15, 6, -1))
    assert h1[0].close == D(100 + 31) + D("0.5")  # the 15:30 UTC bar closes the 17:00 Paris hour
    assert h1[0].open == D(100 + 30)


def test_us_h1_candles_pair_the_half_hour_before_each_hour() -> None:
    h1 = cb.build_h1(session_bars(date(2024, 6, 20), Market.US), Market.US)
    assert [(c.time.hour, c.time.minute) for c in h1][:2] == [(19, 30), (18, 30)]
    assert h1[-1].time == utc(2024, 6, 20, 12, 30)  # the pre-market 08:30 NY candle


def test_eu_h4_blocks_are_three_four_and_two_hours() -> None:
    h1 = cb.build_h1(session_bars(date(2024, 6, 20), Market.EU), Market.EU)
    h4 = cb.build_h4(h1, Market.EU)
    assert [c.time.hour for c in h4] == [14, 10, 7]
    assert h4[1].high == max(c.high for c in h1[2:6])


def test_us_h4_blocks_are_four_and_three_hours() -> None:
    h1 = cb.build_h1(session_bars(date(2024, 6, 20), Market.US), Market.US)
    h4 = cb.build_h4(h1, Market.US)
    assert [(c.time.hour, c.time.minute) for c in h4] == [(17, 30), (13, 30)]  # 13:30, 09:30 NY


def test_eu_daily_candle_aggregates_nine_h1_and_is_dated_at_the_first() -> None:
    bars = session_bars(date(2024, 6, 20), Market.EU) + session_bars(date(2024, 6, 19), Market.EU)
    daily = cb.build_from_30m(bars, Market.EU, UnitTime.DAILY)
    assert [c.time for c in daily] == [utc(2024, 6, 20, 7), utc(2024, 6, 19, 7)]
    assert daily[0].ut == UnitTime.DAILY


def test_us_daily_candle_closes_with_the_14_30_new_york_hour() -> None:
    daily = cb.build_from_30m(session_bars(date(2024, 6, 20), Market.US), Market.US, UnitTime.DAILY)
    assert daily[0].time == utc(2024, 6, 20, 13, 30)
    assert daily[0].close == D(100 + 38) + D("0.5")  # the 19:00 UTC bar ends at 15:30 NY


def candle(t: datetime, o: str, h: str, lo: str, c: str, ut=UnitTime.DAILY) -> Candle:
    return Candle(t, D(o), D(h), D(lo), D(c), ut)


def test_the_current_week_candle_is_built_from_this_weeks_daily_candles() -> None:
    weekly = [candle(utc(2024, 6, 10), "1", "5", "1", "4", UnitTime.WEEKLY)]
    daily = [
        candle(utc(2024, 6, 19, 7), "12", "13", "11", "12.5"),
        candle(utc(2024, 6, 18, 7), "11", "14", "10", "12"),
        candle(utc(2024, 6, 17, 7), "10", "11", "9", "11"),
        candle(utc(2024, 6, 14, 7), "9", "99", "1", "10"),
    ]
    out = cb.with_current_week(weekly, daily, utc(2024, 6, 19, 16))
    assert out[0] == candle(utc(2024, 6, 17, 7), "10", "14", "9", "12.5", UnitTime.WEEKLY)
    assert out[1:] == weekly


def test_no_current_week_candle_on_weekends() -> None:
    weekly = [candle(utc(2024, 6, 10), "1", "5", "1", "4", UnitTime.WEEKLY)]
    daily = [candle(utc(2024, 6, 21, 7), "12", "13", "11", "12.5")]
    assert cb.with_current_week(weekly, daily, utc(2024, 6, 22, 10)) == weekly


def test_monthly_candles_group_daily_bars_by_calendar_month() -> None:
    bars = [
        Bar(utc(2024, 7, 2), D("5"), D("6"), D("4"), D("5.5")),
        Bar(utc(2024, 7, 1), D("4"), D("5"), D("3"), D("4.5")),
        Bar(utc(2024, 6, 28), D("3"), D("9"), D("2"), D("3.5")),
    ]
    monthly = cb.build_monthly(bars)
    assert monthly[0] == Candle(utc(2024, 7, 1), D("4"), D("6"), D("3"), D("5.5"), UnitTime.MONTHLY)
    assert monthly[1].time == utc(2024, 6, 28)
