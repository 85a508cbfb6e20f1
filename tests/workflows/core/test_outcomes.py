"""Order outcomes from hand-made bars (SPEC §12): triggered, entry, MFE/MAE per horizon, final."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from workflows.core.outcomes import (
    OrderOutcome,
    PlacedOrder,
    measure,
    one_trading_day_after,
    percent_of,
)
from workflows.core.types import Bar, Market, OrderType, Side

PLACED = datetime(2026, 2, 17, 10, 1, tzinfo=UTC)  # a Tuesday, 11:01 in Paris
M15 = timedelta(minutes=15)
LATER = PLACED + timedelta(days=3)  # every horizon passed


def bar(hh_mm: str, o: str, h: str, lo: str, c: str, *, day: int = 17) -> Bar:
    hour, minute = (int(part) for part in hh_mm.split(":"))
    return Bar(datetime(2026, 2, day, hour, minute, tzinfo=UTC), D(o), D(h), D(lo), D(c))


def order(side: Side, order_type: OrderType, price: str = "100") -> PlacedOrder:
    return PlacedOrder(side, order_type, D(price), PLACED, Market.EU)


BUY_STOP = order(Side.BUY, OrderType.OPEN_STOP)
SELL_STOP = order(Side.SELL, OrderType.OPEN_STOP)
BUY_LIMIT = order(Side.BUY, OrderType.LIMIT)
SELL_LIMIT = order(Side.SELL, OrderType.LIMIT)


@pytest.mark.parametrize(
    ("placed", "first_bar", "entry", "mfe", "mae"),
    [
        # crossing without a gap: the crossing extreme and the close count, the other one not
        (BUY_STOP, bar("10:15", "99", "101", "95", "100.5"), "100", "1", "0"),
        (SELL_STOP, bar("10:15", "101", "105", "99", "99.5"), "100", "1", "0"),
        (BUY_LIMIT, bar("10:15", "102", "103", "99", "101"), "100", "1", "1"),
        (SELL_LIMIT, bar("10:15", "98", "101", "90", "99"), "100", "1", "1"),
        # gaps through the entry: filled at the open, the whole bar comes after it
        (BUY_STOP, bar("10:15", "103", "104", "102", "103.5"), "103", "1", "1"),
        (SELL_STOP, bar("10:15", "97", "98", "95", "96"), "97", "2", "1"),
        (BUY_LIMIT, bar("10:15", "98", "99.5", "96", "97"), "98", "1.5", "2"),
        (SELL_LIMIT, bar("10:15", "101", "102", "99", "100"), "101", "2", "1"),
        # touching the price exactly triggers
        (BUY_STOP, bar("10:15", "99", "100", "98", "99"), "100", "0", "1"),
    ],
)
def test_a_trigger_on_the_very_first_bar_sets_entry_and_excursions(
    placed, first_bar, entry, mfe, mae
) -> None:
    outcome = measure(placed, [first_bar], bar_length=M15, now=LATER)
    assert outcome.triggered and outcome.final
    assert outcome.triggered_at == first_bar.time
    assert (outcome.entry, outcome.mfe, outcome.mae) == (D(entry), D(mfe), D(mae))


@pytest.mark.parametrize(
    ("placed", "bars"),
    [
        (BUY_STOP, [bar("10:15", "98", "99.9", "97", "99"),
                    bar("10:30", "99", "99.99", "98", "99")]),
        (SELL_STOP, [bar("10:15", "101", "102", "100.1", "101")]),
        (BUY_LIMIT, [bar("10:15", "101", "102", "100.01", "101")]),
        (SELL_LIMIT, [bar("10:15", "98", "99.5", "97", "98")]),
    ],
)
def test_an_order_price_never_reaches_is_not_triggered(placed, bars) -> None:
    outcome = measure(placed, bars, bar_length=M15, now=LATER)
    assert outcome == OrderOutcome(measured_at=LATER, triggered=False, final=True)


def test_later_bars_count_whole_after_the_trigger_bar() -> None:
    bars = [
        bar("10:15", "99", "101", "95", "100.5"),  # triggers; its low 95 may be before the entry
        bar("10:30", "100.5", "103", "98", "102"),
        bar("10:45", "102", "102.5", "97.5", "98"),
    ]
    outcome = measure(BUY_STOP, bars, bar_length=M15, now=LATER)
    assert (outcome.mfe, outcome.mae) == (D("3"), D("2.5"))


def test_sell_excursions_are_measured_downwards() -> None:
    bars = [bar("10:15", "101", "101", "99", "99.5"), bar("10:30", "99.5", "100.75", "96", "97")]
    outcome = measure(SELL_STOP, bars, bar_length=M15, now=LATER)
    assert (outcome.entry, outcome.mfe, outcome.mae) == (D("100"), D("4"), D("0.75"))


def test_bars_before_the_placement_or_still_forming_are_ignored() -> None:
    bars = [
        bar("10:00", "99", "150", "99", "100"),  # starts before 10:01: the order did not exist
        bar("10:15", "99", "99.5", "98", "99"),
        bar("10:30", "99", "120", "99", "110"),  # ends 10:45, after `now`
    ]
    outcome = measure(BUY_STOP, bars, bar_length=M15, now=PLACED + timedelta(minutes=40))
    assert not outcome.triggered and not outcome.final


def test_a_trigger_after_the_first_bar_is_found_in_time_order() -> None:
    bars = [  # newest first, as the market data gives them
        bar("11:00", "100", "100.5", "99", "99.5"),
        bar("10:45", "99", "101", "98.5", "100.5"),
        bar("10:30", "98", "99", "97", "99"),
        bar("10:15", "97", "98", "96", "98"),
    ]
    outcome = measure(BUY_STOP, bars, bar_length=M15, now=LATER)
    assert outcome.triggered_at == datetime(2026, 2, 17, 10, 45, tzinfo=UTC)
    assert (outcome.mfe, outcome.mae) == (D("1"), D("1"))


def hourly_path() -> list[Bar]:
    """A BUY stop at 100 triggered at 10:15; then +2 within the hour, -3 by 13:00, +6 the next
    morning (inside one trading day), +50 two days later (outside it)."""
    return [
        bar("10:15", "99", "101", "99", "100"),
        bar("10:45", "100", "102", "100", "101"),  # ends 11:00, inside 1 h (ends 11:01)
        bar("11:00", "101", "101", "99.5", "100"),  # ends 11:15: outside 1 h
        bar("13:00", "100", "100", "97", "98"),  # ends 13:15, inside 4 h (ends 14:01)
        bar("14:00", "98", "98", "90", "92"),  # ends 14:15: outside 4 h
        bar("08:00", "99", "106", "99", "105", day=18),  # next day, before 10:01: inside 1 day
        bar("10:00", "105", "150", "105", "140", day=18),  # ends 10:15 > 10:01: outside 1 day
    ]


@pytest.mark.parametrize(
    ("hours_after", "final", "one_hour", "four_hours", "running"),
    [
        (0.5, False, None, None, ("1", "0")),
        (1, False, ("2", "0"), None, ("2", "0")),
        (4, False, ("2", "0"), ("2", "3"), ("2", "3")),
        (6, False, ("2", "0"), ("2", "3"), ("2", "10")),
        (24, True, ("2", "0"), ("2", "3"), ("6", "10")),
        (72, True, ("2", "0"), ("2", "3"), ("6", "10")),
    ],
)
def test_each_horizon_is_set_once_it_has_passed_and_never_changes(
    hours_after, final, one_hour, four_hours, running
) -> None:
    now = PLACED + timedelta(hours=hours_after)
    outcome = measure(BUY_STOP, hourly_path(), bar_length=M15, now=now)
    pair = lambda a, b: None if a is None else (str(a), str(b))  # noqa: E731
    assert outcome.final is final
    assert pair(outcome.mfe_1h, outcome.mae_1h) == one_hour
    assert pair(outcome.mfe_4h, outcome.mae_4h) == four_hours
    assert pair(outcome.mfe, outcome.mae) == running


def test_a_horizon_without_a_trigger_inside_it_has_no_excursion() -> None:
    bars = [bar("12:00", "99", "101", "99", "100.5")]  # triggers after the first hour
    outcome = measure(BUY_STOP, bars, bar_length=M15, now=LATER)
    assert outcome.triggered and outcome.mfe_1h is None and outcome.mfe_4h == D("1")


@pytest.mark.parametrize(
    ("placed", "market", "expected"),
    [
        # Tuesday -> Wednesday, same Paris wall-clock time
        ("2026-02-17T10:01:00+00:00", Market.EU, "2026-02-18T10:01:00+00:00"),
        # Friday -> Monday
        ("2026-02-20T15:31:00+00:00", Market.US, "2026-02-23T15:31:00+00:00"),
        # Maundy Thursday -> Tuesday: Good Friday and Easter Monday are Euronext holidays
        ("2026-04-02T08:01:00+00:00", Market.EU, "2026-04-07T08:01:00+00:00"),
        # across the US DST change (8 March 2026): same New York time, one hour less in UTC
        ("2026-03-06T15:01:00+00:00", Market.US, "2026-03-09T14:01:00+00:00"),
    ],
)
def test_one_trading_day_is_the_same_local_time_on_the_next_trading_day(
    placed, market, expected
) -> None:
    result = one_trading_day_after(datetime.fromisoformat(placed), market)
    assert result == datetime.fromisoformat(expected)


@pytest.mark.parametrize(
    ("move", "entry", "expected"),
    [("1", "100", "1.00"), ("2.5", "18500", "0.01"), ("0", "30.5", "0.00"),
     (None, "100", None), ("1", None, None), ("1", "0", None)],
)
def test_percent_is_of_the_entry_to_two_decimals(move, entry, expected) -> None:
    as_decimal = lambda v: None if v is None else D(v)  # noqa: E731
    assert percent_of(as_decimal(move), as_decimal(entry)) == as_decimal(expected)
