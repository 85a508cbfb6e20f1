"""GET /api/workflow/workflows/{id}/chart: candles, series, levels and markers for the
interactive chart, from the configured (sample CSV) market data and the real order store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from tests.pages.fixtures import place_order, sample_data  # noqa: F401

pytestmark = pytest.mark.django_db


def url(workflow_id) -> str:
    return f"/api/workflow/workflows/{workflow_id}/chart"


@pytest.fixture
def combo_dax(make_workflow, sample_data):  # noqa: F811
    wf = make_workflow(conditions=[{"indicator": {"name": "combo", "ut": "h1"},
                                    "close": {"direction": "above", "ut": "h1"}}],
                       trigger={"ut": "h1", "location": "higher", "order_direction": "buy",
                                "quantity": 1})
    call_command("make_sample_data", out=sample_data, days=20, verbosity=0)
    return wf


def test_chart_has_candles_the_combo_levels_and_live_and_dry_markers(
    api, combo_dax, order_store, place_order  # noqa: F811
):
    now = datetime.now(UTC)
    place_order(combo_dax, now - timedelta(hours=3), order_direction="BUY", broker="saxo",
                broker_order_id="5001", order_price=Decimal("18120.5"))
    place_order(combo_dax, now - timedelta(hours=2), order_direction="SELL", dry_run=True)
    body = api.get(url(combo_dax.id) + "?bars=80").json()
    assert len(body["candles"]) == 80 and body["unit_time"] == "h1"
    times = [c["time"] for c in body["candles"]]
    assert times == sorted(times) and len(set(times)) == 80
    assert [s["name"] for s in body["series"]][0] == "MA50" and len(body["series"]) == 5
    assert all(p["time"] in times for s in body["series"] for p in s["points"])
    assert {(m["direction"], m["mode"], m["status"]) for m in body["markers"]} == {
        ("BUY", "live", "Working"), ("SELL", "dry_run", "Dry run")}
    live = next(m for m in body["markers"] if m["mode"] == "live")
    assert live["price"] == 18120.5 and live["time"] in times and live["broker_order_id"] == "5001"
    assert live["placed_at"].endswith("Z")


@pytest.mark.parametrize("bars", ["0", "9", "501", "lots"])
def test_bars_out_of_range_is_a_422_naming_the_field(api, combo_dax, order_store, bars):
    response = api.get(url(combo_dax.id) + f"?bars={bars}")
    assert response.status_code == 422
    assert "bars" in response.content.decode()


def test_unknown_workflow_404_and_missing_market_data_says_why_with_no_candles(
    api, make_workflow, order_store, sample_data  # noqa: F811
):
    assert api.get(url("00000000-0000-4000-8000-000000000000")).status_code == 404
    wf = make_workflow(index="NODATA.I")
    response = api.get(url(wf.id))
    assert response.status_code == 200  # the page shows the reason, not a failed request
    body = response.json()
    assert body["candles"] == [] and body["markers"] == []
    assert body["unavailable"].startswith("market data unavailable for NODATA.I")


def test_order_store_down_keeps_the_candles_and_says_the_markers_are_missing(
    api, combo_dax, order_store
):
    order_store.stop()
    body = api.get(url(combo_dax.id)).json()
    assert len(body["candles"]) == 120 and body["markers"] == []
    assert body["notes"] == ["order markers unavailable (order store down)"]
