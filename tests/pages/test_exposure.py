"""Exposure and cancel (issue 18 item 6) and the order lifecycle page, through the test client
against the fake Saxo and the real local order store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from orders import services as order_services
from orders.models import OrderEvent
from tests.fixtures.fake_saxo import Reply
from workflows.engine import sync
from workflows.engine.deps import build_deps

pytestmark = pytest.mark.django_db
EXPOSURE = "/status/exposure/"


@pytest.fixture
def dealer_client(dealer) -> Client:
    client = Client()
    client.force_login(dealer)
    return client


@pytest.fixture
def working(make_workflow, saxo_order, order_store, now):
    """One working order k-order placed, one placed by someone else, one position of ours."""
    workflow = make_workflow("dax zone live")
    record, broker_id = saxo_order(workflow, now - timedelta(minutes=30))
    filled, filled_id = saxo_order(workflow, now - timedelta(minutes=90))
    return workflow, record, broker_id, filled_id


def test_the_panel_ties_working_orders_and_positions_to_their_workflow(
    dealer_client, working, saxo_live
):
    workflow, record, broker_id, filled_id = working
    saxo_live.book.fill(filled_id, price=22150.5)
    saxo_live.open_orders.append({**saxo_live.open_orders[0], "OrderId": "99", "Uic": 211,
                                  "ExternalReference": "manual"})  # placed by a human

    page = dealer_client.get(EXPOSURE).content.decode()

    assert f'data-broker-order="{broker_id}"' in page and 'data-broker-order="99"' in page
    assert page.count("not placed by k-order") == 1
    assert f"/workflows/{workflow.id}/" in page and f"/workflow-orders/{record.id}/" in page
    assert f'href="/status/exposure/orders/{broker_id}/cancel/"' in page
    assert "/status/exposure/orders/99/cancel/" not in page
    assert "data-open-positions" in page and "dax zone live" in page


def test_a_trader_cancels_after_confirming_and_saxo_sees_one_delete(
    dealer_client, working, saxo_live, now
):
    workflow, record, broker_id, _ = working
    url = f"/status/exposure/orders/{broker_id}/cancel/"

    confirm = dealer_client.get(url)
    assert confirm.status_code == 200 and b"data-confirm-cancel" in confirm.content
    assert saxo_live.requests_to(f"trade/v2/orders/{broker_id}") == []

    done = dealer_client.post(url, follow=True)
    again = dealer_client.post(url, follow=True)

    assert len(saxo_live.requests_to(f"trade/v2/orders/{broker_id}", "DELETE")) == 1
    assert b"cancelled at Saxo" in done.content and b"already cancelled" in again.content
    row = order_services.get_order(order_id=record.id, now=now + timedelta(minutes=1))
    assert row.status == "cancelled"
    event = OrderEvent.objects.get(order_id=record.id, status="cancelled")
    assert (event.source, event.previous_status) == ("trader", "working")
    assert "dealer" in event.detail


def test_a_viewer_sees_the_panel_but_cannot_cancel(viewer_client, working, saxo_live):
    _, _, broker_id, _ = working
    url = f"/status/exposure/orders/{broker_id}/cancel/"

    page = viewer_client.get(EXPOSURE)

    assert page.status_code == 200 and b"data-cancel" not in page.content
    assert viewer_client.get(url).status_code == 403
    assert viewer_client.post(url).status_code == 403
    assert saxo_live.requests_to(f"trade/v2/orders/{broker_id}", "DELETE") == []


def test_an_order_not_placed_by_k_order_cannot_be_cancelled_here(dealer_client, working):
    assert dealer_client.get("/status/exposure/orders/12345/cancel/").status_code == 404
    assert dealer_client.post("/status/exposure/orders/12345/cancel/").status_code == 404


def test_saxo_refusing_the_cancel_is_a_message_not_a_500(dealer_client, working, saxo_live):
    _, record, broker_id, _ = working
    saxo_live.queue("DELETE", f"trade/v2/orders/{broker_id}", json={"Orders": [
        {"OrderId": broker_id, "ErrorInfo": {"ErrorCode": "OrderNotFound",
                                             "Message": "Order already filled"}}]})

    page = dealer_client.post(f"/status/exposure/orders/{broker_id}/cancel/", follow=True)

    assert page.status_code == 200 and b"Order already filled" in page.content
    assert not OrderEvent.objects.filter(order_id=record.id, status="cancelled").exists()


def test_saxo_down_shows_an_error_in_the_panel(dealer_client, saxo_live, order_store):
    saxo_live.route("GET", "port/v1/orders/me", lambda request: Reply(status=503))

    page = dealer_client.get(EXPOSURE)

    assert page.status_code == 200 and b"data-exposure-error" in page.content


def test_with_the_notify_broker_the_panel_says_there_is_no_exposure(trader_client, settings):
    settings.KORDER_BROKER = "notify"
    assert b"data-exposure-notify" in trader_client.get(EXPOSURE).content


def test_the_order_page_shows_status_and_every_transition(
    trader_client, working, saxo_live, now, settings, tmp_path
):
    workflow, record, broker_id, _ = working
    saxo_live.book.fill(broker_id, price=22150.5)
    settings.KORDER_CSV_DIR = tmp_path  # build_deps wants market data; the sync reads none
    sync.sync_orders(build_deps(), now + timedelta(minutes=1))

    page = trader_client.get(f"/workflow-orders/{record.id}/").content.decode()
    assert 'data-order-status>Filled<' in page
    assert 'data-event="working"' in page and 'data-event="filled"' in page
    history = trader_client.get(f"/workflows/{workflow.id}/").content.decode()
    assert f'href="/workflow-orders/{record.id}/" data-order-status>Filled<' in history


def test_an_unknown_order_page_is_404(trader_client, order_store):
    assert trader_client.get(
        "/workflow-orders/0ff85e08-6908-4ddc-b53d-7be6bcb2eac9/").status_code == 404


def test_the_status_page_carries_the_panel_and_a_cancel_comes_back_to_it(
    dealer_client, working, saxo_live
):
    _, _, broker_id, _ = working

    page = dealer_client.get("/status/").content.decode()
    done = dealer_client.post(f"/status/exposure/orders/{broker_id}/cancel/")

    assert f'data-broker-order="{broker_id}"' in page and "data-cancel" in page
    assert done.status_code == 302 and done["Location"] == "/status/"
