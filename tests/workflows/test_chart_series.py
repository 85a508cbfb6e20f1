"""The interactive chart's series (pure: hand-made candles, no database, no market data)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from tests.pages.fixtures import make_order
from tests.pages.test_charts import START, candles, spec
from workflows.chart_series import chart_series, epoch
from workflows.core.types import IndicatorName


def test_candles_oldest_first_and_the_moving_average_has_a_point_per_candle_it_can_compute():
    data = chart_series(spec(IndicatorName.MA50), candles(120 + 49), [], bars=120)
    assert len(data.candles) == 120 and data.candles[0].time < data.candles[-1].time
    [ma] = data.series
    assert ma.name == "MA50" and len(ma.points) == 120
    assert ma.points[-1] == (epoch(data.candles[-1].time),
                             round(sum(100.5 + i for i in range(119, 169)) / 50, 4))


def test_combo_draws_the_levels_it_decides_on():
    data = chart_series(spec(IndicatorName.COMBO), candles(60 + 49), [], bars=60)
    names = [s.name for s in data.series]
    assert names == ["MA50", "BB upper 2.5σ", "BB lower 2.5σ", "BB upper 2.0σ", "BB lower 2.0σ"]
    assert all(len(s.points) == 60 for s in data.series)
    up25, low25, up20, low20 = (s.points[-1][1] for s in data.series[1:])
    assert low25 < low20 < up20 < up25


def test_zone_and_polarity_are_levels():
    zone = chart_series(spec(IndicatorName.ZONE, value=Decimal("110"), zone_value=Decimal("105")),
                        candles(30), [], bars=30)
    assert [(lv.name, lv.price) for lv in zone.levels] == [("zone high", 110.0),
                                                           ("zone low", 105.0)]
    polarity = chart_series(spec(IndicatorName.POLARITE, value=Decimal("120")), candles(30), [],
                            bars=30)
    assert [lv.price for lv in polarity.levels] == [120.0] and polarity.series == []


def test_markers_sit_on_their_candle_tell_live_from_dry_and_carry_what_the_tooltip_shows():
    live = make_order(START + timedelta(hours=10, minutes=20), "SELL", broker="saxo",
                      broker_order_id="5001")
    dry = make_order(START + timedelta(hours=12), "BUY", dry_run=True, order_type="LIMIT",
                     order_price=Decimal("30.52"))
    notify = make_order(START + timedelta(hours=13), "SELL")
    before = make_order(START - timedelta(days=3), "BUY")
    data = chart_series(spec(IndicatorName.MA7), candles(30), [dry, before, live, notify], bars=24)
    assert [(m.direction, m.mode, m.status) for m in data.markers] == [
        ("SELL", "live", "Working"), ("BUY", "dry_run", "Dry run"), ("SELL", "notify", "Notified")]
    first = data.markers[0]
    assert first.time == epoch(START + timedelta(hours=10)) and first.broker_order_id == "5001"
    assert data.markers[1].price == Decimal("30.52") and data.markers[1].order_type == "LIMIT"
