"""Outcomes and 7-day stats on the pages and in the workflows API (SPEC §8, §12)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal as D

import pytest

from orders import services as order_services
from workflows.models import WorkflowStats

pytestmark = pytest.mark.django_db


def stats_row(workflow, now, **values):
    defaults = {"placed": 4, "notified": 4, "measured": 4, "triggered": 3,
                "triggered_pct": D("75.00"), "median_mfe_pct": D("1.20"),
                "median_mae_pct": D("0.40")}
    return WorkflowStats.objects.create(workflow=workflow, computed_at=now,
                                        **{**defaults, **values})


def test_the_history_shows_each_orders_outcome(trader_client, make_workflow, place_order,
                                              order_store, now):
    workflow = make_workflow()
    measured = place_order(workflow, now - timedelta(hours=3), order_price=D("200"))
    place_order(workflow, now - timedelta(minutes=1))
    order_services.record_outcome(record=measured, values={
        "outcome_triggered": True, "outcome_entry": D("200"), "outcome_mfe": D("3"),
        "outcome_mae": D("1.5"), "outcome_final": False, "outcome_at": now})

    page = trader_client.get(f"/workflows/{workflow.id}/").content.decode()

    assert "Triggered · MFE <span data-mfe>+1.50%</span> / MAE <span data-mae>−0.75%</span>" in page
    assert "Not measured yet" in page


def test_the_detail_page_shows_the_7_day_stats(trader_client, make_workflow, order_store, now):
    workflow = make_workflow()
    stats_row(workflow, now)

    page = trader_client.get(f"/workflows/{workflow.id}/").content.decode()

    assert "75.00%" in page and "(3 of 4 measured)" in page
    assert "+1.20% / −0.40%" in page and "no live Saxo orders" in page


def test_the_list_has_a_sortable_triggered_column_without_extra_queries(
    trader_client, make_workflow, order_store, now, django_assert_max_num_queries
):
    low, high = make_workflow("a low"), make_workflow("b high")
    make_workflow("c none")
    stats_row(low, now, triggered_pct=D("10.00"))
    stats_row(high, now, triggered_pct=D("90.00"))
    trader_client.get("/workflows/")

    with django_assert_max_num_queries(8):  # 7 + the user's trade permission (SPEC §13)
        page = trader_client.get("/workflows/?sort=triggered&order=desc").content.decode()

    names = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', page)
    assert names == ["b high", "a low", "c none"]
    assert "90.00% of 4 triggered" in page and 'aria-sort="descending"' in page


def test_the_workflows_api_carries_the_stats(trader_client, make_workflow, order_store, now):
    workflow = make_workflow()
    stats_row(workflow, now)
    bare = make_workflow("no stats")

    listed = trader_client.get("/api/workflow/workflows?sort=triggered&order=desc").json()
    detail = trader_client.get(f"/api/workflow/workflows/{workflow.id}").json()

    assert [w["name"] for w in listed["workflows"]] == [workflow.name, bare.name]
    assert listed["workflows"][0]["stats"]["triggered_pct"] == 75.0
    assert listed["workflows"][1]["stats"] is None
    assert detail["stats"]["median_mfe_pct"] == 1.2 and detail["stats"]["placed"] == 4
