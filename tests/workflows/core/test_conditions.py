"""Condition evaluation: every row of reference §5 and the §9.4 vectors."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal as D

import pytest

from workflows.core.conditions import (
    IndicatorError,
    IndicatorValue,
    evaluate,
    inclined_value,
    indicator_value,
)
from workflows.core.indicators import ComboDetails, ComboSignal, ComboStrength
from workflows.core.types import (
    Candle,
    CloseSpec,
    ConditionSpec,
    Direction,
    Element,
    IndicatorName,
    IndicatorSpec,
    Market,
    Point,
    Side,
    UnitTime,
)

T0 = datetime(2024, 6, 20, 8, tzinfo=UTC)
BELOW, ABOVE = Direction.BELOW, Direction.ABOVE


def candle(low: str, high: str, close: str, open_: str = "0") -> Candle:
    return Candle(T0, D(open_), D(high), D(low), D(close))


def condition(name: IndicatorName, direction: Direction, spread: str = "0", element=None):
    return ConditionSpec(
        IndicatorSpec(name, UnitTime.H1), CloseSpec(direction, UnitTime.H1, D(spread)), element
    )


def level(name: IndicatorName, value: str) -> IndicatorValue:
    return IndicatorValue(name, level=D(value))


LINES = [IndicatorName.MA7, IndicatorName.MA50, IndicatorName.BBB, IndicatorName.BBH]

# (direction, element, (low, high, close), holds) for a line at 100 with spread 2
LINE_CASES = [
    (BELOW, Element.CLOSE, ("0", "0", "98"), True),
    (BELOW, Element.CLOSE, ("0", "0", "100"), True),
    (BELOW, Element.CLOSE, ("0", "0", "97.99"), False),
    (BELOW, Element.HIGH, ("0", "99", "0"), True),
    (BELOW, Element.LOW, ("100.5", "0", "0"), False),
    (BELOW, None, ("90", "105", "99"), True),
    (BELOW, None, ("90", "99.5", "95"), True),
    (BELOW, None, ("90", "105", "95"), False),
    (ABOVE, Element.CLOSE, ("0", "0", "102"), True),
    (ABOVE, Element.CLOSE, ("0", "0", "102.01"), False),
    (ABOVE, Element.LOW, ("100", "0", "0"), True),
    (ABOVE, None, ("95", "110", "101"), True),
    (ABOVE, None, ("100.5", "110", "105"), True),
    (ABOVE, None, ("95", "110", "105"), False),
]


@pytest.mark.parametrize("name", LINES)
@pytest.mark.parametrize(("direction", "element", "prices", "holds"), LINE_CASES)
def test_moving_average_and_band_conditions_use_closed_intervals_under_or_over_the_line(
    name, direction, element, prices, holds
) -> None:
    result = evaluate(condition(name, direction, "2", element), level(name, "100"), candle(*prices))
    assert result.holds is holds
    assert result.reason


@pytest.mark.parametrize(
    ("direction", "element", "prices", "holds"),
    [
        (BELOW, Element.CLOSE, ("0", "0", "95"), True),
        (BELOW, None, ("80", "95", "85"), True),
        (BELOW, None, ("80", "89", "85"), False),
        (BELOW, None, ("80", "120", "101"), False),
        (ABOVE, None, ("95", "120", "115"), True),
        (ABOVE, None, ("80", "120", "101"), False),
        (ABOVE, Element.HIGH, ("0", "110", "0"), False),
    ],
)
def test_zone_condition_ignores_the_spread(direction, element, prices, holds) -> None:
    value = IndicatorValue(IndicatorName.ZONE, zone=(D("90"), D("100")))
    result = evaluate(
        condition(IndicatorName.ZONE, direction, "50", element), value, candle(*prices)
    )
    assert result.holds is holds


@pytest.mark.parametrize(
    ("direction", "element", "prices", "holds"),
    [
        (BELOW, Element.CLOSE, ("0", "0", "99"), True),
        (BELOW, Element.CLOSE, ("0", "0", "101"), False),
        (BELOW, None, ("95", "101", "99"), True),  # crossed and closed under
        (BELOW, None, ("95", "99.5", "96"), True),  # high within [P − s, P]
        (BELOW, None, ("95", "97", "96"), False),
        (BELOW, None, ("95", "103", "101"), False),  # closed over
        (ABOVE, Element.LOW, ("100.5", "0", "0"), True),
        (ABOVE, None, ("99", "105", "101"), True),
        (ABOVE, None, ("100.5", "105", "104"), True),
        (ABOVE, None, ("102", "105", "104"), False),
        (ABOVE, None, ("97", "105", "99"), False),
    ],
)
def test_polarite_holds_on_a_cross_or_a_touch_within_the_spread(direction, element, prices, holds):
    value = level(IndicatorName.POLARITE, "100")
    result = evaluate(
        condition(IndicatorName.POLARITE, direction, "1", element), value, candle(*prices)
    )
    assert result.holds is holds


def combo_signal(side: Side) -> ComboSignal:
    details = ComboDetails(True, False, True, False, False)
    return ComboSignal(D("10"), False, side, ComboStrength.MEDIUM, details)


@pytest.mark.parametrize(
    ("direction", "signal", "holds"),
    [
        (BELOW, combo_signal(Side.SELL), True),
        (BELOW, combo_signal(Side.BUY), False),
        (ABOVE, combo_signal(Side.BUY), True),
        (ABOVE, combo_signal(Side.SELL), False),
        (ABOVE, None, False),
        (BELOW, None, False),
    ],
)
def test_combo_condition_is_a_direction_match(direction, signal, holds) -> None:
    value = IndicatorValue(IndicatorName.COMBO, combo=signal)
    result = evaluate(
        condition(IndicatorName.COMBO, direction, "0", Element.HIGH), value, candle("1", "2", "1")
    )
    assert result.holds is holds


# Reference §9.4: line value forced to 105, spread 1.
@pytest.mark.parametrize(
    ("direction", "element", "prices", "holds"),
    [
        (BELOW, Element.CLOSE, ("0", "0", "105.5"), True),
        (BELOW, Element.CLOSE, ("0", "0", "105.0"), True),
        (BELOW, Element.CLOSE, ("0", "0", "106.5"), False),
        (BELOW, Element.CLOSE, ("0", "0", "104.0"), False),
        (BELOW, None, ("105.5", "110", "105.3"), True),
        (BELOW, None, ("108", "110", "109"), False),
        (ABOVE, Element.CLOSE, ("0", "0", "104.5"), True),
        (ABOVE, Element.CLOSE, ("0", "0", "105.0"), True),
        (ABOVE, Element.CLOSE, ("0", "0", "103.5"), False),
        (ABOVE, Element.CLOSE, ("0", "0", "106.0"), False),
        (ABOVE, None, ("100", "104.5", "104.2"), True),
        (ABOVE, None, ("100", "102", "101.5"), False),
    ],
)
def test_inclined_condition_is_inverted_relative_to_moving_averages(
    direction, element, prices, holds
):
    value = level(IndicatorName.INCLINED, "105")
    result = evaluate(
        condition(IndicatorName.INCLINED, direction, "1", element), value, candle(*prices)
    )
    assert result.holds is holds


@pytest.mark.parametrize("direction", [BELOW, ABOVE])
def test_inclined_without_a_line_value_never_holds(direction) -> None:
    value = IndicatorValue(IndicatorName.INCLINED, level=None)
    result = evaluate(
        condition(IndicatorName.INCLINED, direction, "1000"), value, candle("0", "999", "1")
    )
    assert result.holds is False


# Reference §9.4 engine vectors: C = (open 8.5, high 10.5, low 9, close 10.6).
@pytest.mark.parametrize("name", [IndicatorName.MA50, IndicatorName.MA7])
@pytest.mark.parametrize(
    ("line", "direction", "spread"), [("12", BELOW, "1.5"), ("10.5", ABOVE, "2")]
)
def test_engine_vector_close_candle_meets_the_forced_moving_average(name, line, direction, spread):
    c = candle("9", "10.5", "10.6", "8.5")
    result = evaluate(condition(name, direction, spread, Element.CLOSE), level(name, line), c)
    assert result.holds is True
    assert result.close_candle == c


EVENING = datetime(2024, 1, 1, 23, tzinfo=UTC)


def spec(name: IndicatorName, **kwargs) -> IndicatorSpec:
    return IndicatorSpec(name, UnitTime.H1, **kwargs)


def test_polarite_without_a_value_is_an_error() -> None:
    with pytest.raises(IndicatorError):
        indicator_value(spec(IndicatorName.POLARITE), [], now=EVENING, market=Market.EU)


def test_zone_value_is_sorted_bounds() -> None:
    value = indicator_value(
        spec(IndicatorName.ZONE, value=D("110"), zone_value=D("100")),
        [],
        now=datetime(2024, 1, 1, 23, tzinfo=UTC),
        market=Market.EU,
    )
    assert value.zone == (D("100"), D("110"))


def test_moving_average_with_too_few_candles_is_an_error() -> None:
    candles = [candle("1", "2", "1")] * 6
    with pytest.raises(IndicatorError):
        indicator_value(spec(IndicatorName.MA7), candles, now=EVENING, market=Market.EU)


def test_combo_with_too_few_candles_is_no_signal_not_an_error() -> None:
    value = indicator_value(
        spec(IndicatorName.COMBO),
        [candle("1", "2", "1")] * 10,
        now=datetime(2024, 1, 1, 23, tzinfo=UTC),
        market=Market.EU,
    )
    assert value.combo is None
    assert "no signal" in value.describe()


@pytest.mark.parametrize(
    ("x1", "x2", "today", "expected"),
    [
        (
            (date(2026, 1, 29), "131.8"),
            (date(2026, 2, 12), "129.7"),
            date(2026, 2, 27),
            D("127.39"),
        ),
        # Euronext closed 2026-04-03, 04-06 and 05-01: 19 and 50 open days.
        ((date(2026, 3, 9), "39.21"), (date(2026, 4, 7), "48.55"), date(2026, 5, 21), D("63.79")),
    ],
)
def test_inclined_line_projects_over_open_trading_days(x1, x2, today, expected) -> None:
    indicator = spec(IndicatorName.INCLINED, x1=Point(x1[0], D(x1[1])), x2=Point(x2[0], D(x2[1])))
    value = indicator_value(indicator, [], now=datetime.combine(today, time(23), UTC),
                            market=Market.EU)
    assert value.level is not None
    assert abs(value.level - expected) <= D("0.01")


# Mon 2026-02-02 .. Mon 2026-02-09: 5 open days apart (Euronext, no holiday in between).
@pytest.mark.parametrize(
    ("y1", "y2", "today", "expected"),
    [
        ("100", "110", date(2026, 2, 16), D("120")),  # two spans on
        ("100", "110", date(2026, 2, 2), D("100")),  # on the first point
        ("100", "110", date(2026, 2, 9), D("110")),  # on the second point
        ("110", "100", date(2026, 2, 16), D("90")),  # falling
    ],
)
def test_inclined_value_is_the_line_through_both_points(y1, y2, today, expected) -> None:
    indicator = spec(IndicatorName.INCLINED, x1=Point(date(2026, 2, 2), D(y1)),
                     x2=Point(date(2026, 2, 9), D(y2)))
    assert inclined_value(indicator, today=today, market=Market.EU) == expected


def test_an_inclined_line_within_one_open_day_is_an_error() -> None:
    indicator = spec(IndicatorName.INCLINED, x1=Point(date(2026, 2, 7), D("100")),
                     x2=Point(date(2026, 2, 8), D("110")))  # a weekend
    with pytest.raises(IndicatorError, match="span no open trading day"):
        inclined_value(indicator, today=date(2026, 2, 9), market=Market.EU)


def test_a_falling_inclined_line_is_below_its_start_on_the_second_point_day() -> None:
    indicator = spec(
        IndicatorName.INCLINED,
        x1=Point(date(2024, 9, 19), D("110")),
        x2=Point(date(2024, 9, 25), D("104")),
    )
    value = indicator_value(indicator, [], now=datetime(2024, 9, 25, 23, tzinfo=UTC),
                            market=Market.EU)
    assert value.level is not None and value.level < 110


LINE = {"x1": Point(date(2026, 1, 5), D("100")), "x2": Point(date(2026, 1, 12), D("105"))}


@pytest.mark.parametrize(
    ("market", "now", "expected"),
    [
        (Market.EU, datetime(2026, 1, 14, 5, 1, tzinfo=UTC), D("106")),  # EU pre-open
        (Market.EU, datetime(2026, 1, 14, 8, 1, tzinfo=UTC), D("107")),  # EU open (08:00 UTC)
        (Market.US, datetime(2026, 1, 14, 14, 1, tzinfo=UTC), D("106")),  # US pre-open
        (Market.US, datetime(2026, 1, 14, 14, 31, tzinfo=UTC), D("107")),  # US open (14:30 UTC)
    ],
)
def test_inclined_counts_today_only_once_todays_session_has_opened(market, now, expected) -> None:
    """Reference §4.3/§4.4, §10.20: today counts once today's daily bar exists."""
    value = indicator_value(spec(IndicatorName.INCLINED, **LINE), [], now=now, market=market)
    assert value.level == expected


def test_inclined_never_counts_a_holiday_even_after_the_usual_open() -> None:
    holiday = datetime(2026, 1, 19, 16, tzinfo=UTC)  # Martin Luther King Jr. Day, NYSE closed
    value = indicator_value(spec(IndicatorName.INCLINED, **LINE), [], now=holiday,
                            market=Market.US)
    assert value.level == D("105") + 4  # Jan 13, 14, 15, 16; not the 19th


def test_inclined_points_without_an_open_day_between_are_an_error_not_silence() -> None:
    """Friday -> Saturday spans no open day: the reference fails (division by zero) and the
    workflow is skipped with the reason; it never silently never fires."""
    flat = spec(IndicatorName.INCLINED, x1=Point(date(2026, 1, 9), D("100")),
                x2=Point(date(2026, 1, 10), D("105")))
    with pytest.raises(IndicatorError, match="no open trading day"):
        indicator_value(flat, [], now=datetime(2026, 1, 14, 12, tzinfo=UTC), market=Market.EU)


def test_inclined_without_points_is_an_error() -> None:
    with pytest.raises(IndicatorError):
        indicator_value(spec(IndicatorName.INCLINED), [], now=EVENING, market=Market.EU)


def test_the_decision_log_text_shows_at_most_four_decimals_but_compares_exactly():
    from workflows.core.conditions import shown

    level = D(53146) / D(7)  # an SMA: 7592.285714285714285714285714
    assert IndicatorValue(IndicatorName.MA7, level=level).describe() == "ma7 7592.2857"
    assert shown(D("22150.50")) == "22150.5"
