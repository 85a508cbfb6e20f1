"""/workflow-orders/: latest order per workflow, server-side filters, CSV export link."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(make_workflow, place_order, order_store, now):
    dax, itp = make_workflow("dax"), make_workflow("itp", index="ITP:xpar", cfd="ITP:xpar")
    gone = make_workflow("gone")
    place_order(dax, now - timedelta(days=3))
    place_order(dax, now - timedelta(hours=2))  # the latest of dax
    place_order(itp, now - timedelta(minutes=5), order_direction="BUY", order_code="ITP:xpar",
                order_price=Decimal("30.52"))
    place_order(gone, now - timedelta(days=1))
    trader_archives = gone
    trader_archives.archived_at = now
    trader_archives.save()
    return {"dax": dax, "itp": itp, "gone": gone}


def shown(response) -> list[str]:
    return [o.workflow_name for o in response.context["panel"].orders]


def test_latest_order_per_workflow_newest_first_archived_included(trader_client, orders):
    response = trader_client.get("/workflow-orders/")
    assert shown(response) == ["itp", "dax", "gone"]
    page = response.content.decode()
    assert "3 workflows" in page and "30.52" in page


def test_filters_are_server_side_and_in_the_query_string(trader_client, orders):
    assert shown(trader_client.get("/workflow-orders/?direction=SELL")) == ["dax", "gone"]
    assert shown(trader_client.get("/workflow-orders/?asset=ITP:xpar")) == ["itp"]
    wid = orders["dax"].id
    response = trader_client.get(f"/workflow-orders/?workflow_id={wid}&direction=SELL")
    assert shown(response) == ["dax"]
    assert (f'href="/api/workflow/orders/export.csv?workflow_id={wid}&amp;direction=SELL'
            '&amp;limit=100"') in response.content.decode()


def test_empty_state(trader_client, orders):
    response = trader_client.get("/workflow-orders/?direction=BUY&asset=GER40.I")
    assert "No recent workflow orders" in response.content.decode()


def test_the_export_link_returns_what_is_shown_as_csv(trader_client, orders):
    page = trader_client.get("/workflow-orders/?direction=SELL")
    href = page.content.decode().split('data-export')[0].rsplit('href="', 1)[1].split('"')[0]
    csv = trader_client.get(href.replace("&amp;", "&"))
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().strip().splitlines()
    assert len(lines) == 1 + 2 and "itp" not in csv.content.decode()
