"""A Trader's walk in a real browser (issue 18): /status/ (its exposure panel: what works at
Saxo) -> the workflow -> the order's lifecycle, then cancelling the working order from /status/
(fake Saxo sees one DELETE) and finding the cancellation in the lifecycle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password"


def log_in_as_dealer(page, live_server, path: str) -> None:
    page.goto(f"{live_server.url}{path}")
    page.fill("#id_username", "dealer")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}{path}*")


def test_status_to_workflow_to_order_lifecycle_and_cancel(
    page, live_server, make_workflow, saxo_live, saxo_order, dealer, order_store, screenshot
):
    workflow = make_workflow("dax zone live")
    record, broker_id = saxo_order(workflow, datetime.now(UTC) - timedelta(minutes=20))

    log_in_as_dealer(page, live_server, "/status/")
    row = page.locator(f'[data-working-orders] tr[data-broker-order="{broker_id}"]')
    assert row.locator("[data-owner]").inner_text() == "dax zone live"
    screenshot(page, "lifecycle-exposure")

    row.locator("[data-owner]").click()
    page.wait_for_url(f"**/workflows/{workflow.id}/")
    status = page.locator(f'[data-history] a[href="/workflow-orders/{record.id}/"]')
    assert status.inner_text() == "Working"

    status.click()
    page.wait_for_url(f"**/workflow-orders/{record.id}/")
    assert page.locator("[data-order-status]").inner_text() == "Working"
    assert page.locator("[data-order-events] tr[data-event]").count() == 1

    page.goto(f"{live_server.url}/status/")
    page.locator(f'tr[data-broker-order="{broker_id}"] [data-cancel]').click()
    page.locator("[data-confirm-cancel]").click()
    page.wait_for_url("**/status/")
    assert "cancelled at Saxo" in page.locator(".messagelist").inner_text()
    assert page.locator(f'tr[data-broker-order="{broker_id}"]').count() == 0
    assert len(saxo_live.requests_to(f"trade/v2/orders/{broker_id}", "DELETE")) == 1

    page.goto(f"{live_server.url}/workflow-orders/{record.id}/")
    assert page.locator("[data-order-status]").inner_text() == "Cancelled"
    events = page.locator("[data-order-events] tr[data-event]")
    assert [events.nth(i).get_attribute("data-event") for i in range(events.count())] == [
        "working", "cancelled"]
    screenshot(page, "lifecycle-order-cancelled")
    assert page.watch.errors == []
