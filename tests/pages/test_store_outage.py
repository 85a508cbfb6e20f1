"""With the order store down, pages say so and still show the workflow definitions:
never a 500, never an empty history that pretends there are no orders."""

from __future__ import annotations

from datetime import timedelta

import pytest

pytestmark = pytest.mark.django_db

BANNER = "Order history is unavailable right now: "


@pytest.fixture
def down(make_workflow, place_order, order_store, now):
    wf = make_workflow("dax")
    place_order(wf, now - timedelta(hours=1))
    order_store.stop()
    return wf


def test_workflows_list_keeps_its_rows_and_shows_the_banner(trader_client, down):
    response = trader_client.get("/workflows/?sort=last_order")
    page = response.content.decode()
    assert response.status_code == 200 and BANNER in page
    assert ">dax</a>" in page and "No orders yet" not in page and "Unavailable" in page


def test_detail_shows_the_definition_and_the_banner_not_an_empty_history(trader_client, down):
    response = trader_client.get(f"/workflows/{down.id}/")
    page = response.content.decode()
    assert response.status_code == 200 and BANNER in page
    assert "Basic Information" in page and "No orders placed yet" not in page


def test_orders_page_shows_the_banner_not_the_empty_state(trader_client, down):
    for url in ("/workflow-orders/", f"/workflows/{down.id}/orders/"):
        response = trader_client.get(url)
        page = response.content.decode()
        assert response.status_code == 200 and BANNER in page, url
        assert "No recent workflow orders" not in page and "No orders placed yet" not in page


def test_the_banner_names_no_endpoint_or_table(trader_client, down, order_store):
    page = trader_client.get(f"/workflows/{down.id}/").content.decode()
    assert "the order store did not answer" in page
    assert "127.0.0.1" not in page and order_store.table_name not in page
