"""The SVG chart (pure drawing: no database, no market data)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from tests.pages.fixtures import make_order
from workflows.charts import SHOWN, chart_data, render_svg
from workflows.core.types import (
    Candle,
    CloseSpec,
    ConditionSpec,
    Direction,
    IndicatorName,
    IndicatorSpec,
    Location,
    Point,
    Side,
    TriggerSpec,
    UnitTime,
    WorkflowSpec,
)

START = datetime(2026, 2, 2, 9, tzinfo=UTC)


def spec(name: IndicatorName, **indicator) -> WorkflowSpec:
    return WorkflowSpec(
        id="00000000-0000-4000-8000-000000000001", name="<script>alert(1)</script>",
        index="DAX.I", cfd="GER40.I",
        conditions=(ConditionSpec(IndicatorSpec(name, UnitTime.H1, **indicator),
                                  CloseSpec(Direction.BELOW, UnitTime.H1)),),
        trigger=TriggerSpec(UnitTime.H1, location=Location.LOWER, order_direction=Side.SELL,
                            quantity=Decimal("1")),
    )


def candles(count: int) -> list[Candle]:
    """Newest first, as market data returns them."""
    rows = [Candle(START + timedelta(hours=i), Decimal(100 + i), Decimal(101 + i),
                   Decimal(99 + i), Decimal(100.5 + i)) for i in range(count)]
    return rows[::-1]


def test_moving_average_line_has_a_point_per_shown_candle():
    data = chart_data(spec(IndicatorName.MA7), candles(SHOWN + 6), [])
    assert len(data.candles) == SHOWN and data.candles[0].time < data.candles[-1].time
    assert all(v is not None for v in data.line)
    assert data.line[-1] == sum(100.5 + i for i in range(SHOWN - 1, SHOWN + 6)) / 7
    svg = render_svg(data)
    assert svg.count("<polyline") == 1 and "MA7" in svg


def test_order_markers_sit_on_their_trigger_candle_and_other_orders_are_left_out():
    inside = make_order(START + timedelta(hours=10), "SELL")
    outside = make_order(START - timedelta(days=3), "BUY")
    data = chart_data(spec(IndicatorName.POLARITE, value=Decimal("120")), candles(20),
                      [inside, outside])
    svg = render_svg(data)
    assert svg.count('class="marker"') == 1 and "SELL 22,150.50" in svg


def test_zone_and_inclined_are_drawn_combo_says_it_has_no_line():
    zone = render_svg(chart_data(spec(IndicatorName.ZONE, value=Decimal("105"),
                                      zone_value=Decimal("110")), candles(20), []))
    assert 'class="zone"' in zone
    inclined = chart_data(spec(IndicatorName.INCLINED,
                               x1=Point(date(2026, 1, 5), Decimal("90")),
                               x2=Point(date(2026, 1, 26), Decimal("110"))), candles(20), [])
    assert inclined.line and all(v is not None for v in inclined.line)
    combo = render_svg(chart_data(spec(IndicatorName.COMBO), candles(20), []))
    assert "COMBO has no single line" in combo and "<polyline" not in combo


def test_text_is_escaped():
    data = chart_data(spec(IndicatorName.MA7), candles(20), [])
    data.note = "<script>alert(1)</script>"
    svg = render_svg(data)
    assert "<script" not in svg and "&lt;script&gt;" in svg
