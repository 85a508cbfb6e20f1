"""What a trader sees in a real browser: log in, last orders, a detail, the orders page's
filters, the form's errors, the store-down banner; no console errors, no script injection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XSS = "<script>alert(1)</script>"
PASSWORD = "a-long-test-password"


@pytest.fixture
def seeded(make_workflow, place_order, order_store, trader, sample_data):
    """Four workflows (one named like a script tag), orders in the local store, and sample
    CSV market data for the charts and the engine."""
    now = datetime.now(UTC)
    dax = make_workflow("dax ma50 h4 below")
    itp = make_workflow(
        "sample buy zone daily interparfums", index="ITP:xpar", cfd="ITP:xpar", dry_run=True,
        conditions=[
            {"indicator": {"name": "zone", "ut": "daily", "value": "29.5", "zone_value": "31.5"},
             "close": {"direction": "above", "ut": "h1"}},
            {"indicator": {"name": "ma50", "ut": "h4"},
             "close": {"direction": "above", "ut": "h1"}},
        ],
        trigger={"ut": "h1", "location": "higher", "order_direction": "buy", "quantity": "10"},
    )
    evil = make_workflow(XSS, index="SPX.I", cfd="US500.I")
    make_workflow("never traded", index="CAC.I", cfd="FRA40.I", enabled=False)
    for hours in (3, 27, 50):
        place_order(dax, now - timedelta(hours=hours), broker_order_id=f"5012{hours}")
    place_order(itp, now - timedelta(minutes=5), order_direction="BUY", order_type="LIMIT",
                order_price=Decimal("30.52"), order_quantity=Decimal("10"),
                order_code="ITP:xpar", asset_type="Stock", dry_run=True)
    place_order(evil, now - timedelta(days=2), order_code="US500.I", order_direction="BUY")
    call_command("make_sample_data", out=sample_data, days=25, verbosity=0)
    return {"dax": dax, "itp": itp, "evil": evil}


def log_in(page, live_server, path: str = "/workflows/") -> None:
    page.goto(f"{live_server.url}{path}")
    assert "/login/" in page.url
    page.fill("#id_username", "trader")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}{path}*")


def test_trader_logs_in_and_sees_last_orders_then_a_detail(page, live_server, seeded, screenshot):
    log_in(page, live_server)
    rows = page.locator("[data-workflow-table] tbody tr")
    assert rows.count() == 4
    assert page.locator("[data-count]").inner_text() == "4 of 4 workflows"
    dax_row = rows.filter(has_text="dax ma50 h4 below")
    assert dax_row.locator("[data-last-order]").inner_text().strip() == "3h ago SELL"
    assert "5m ago BUY" in rows.filter(has_text="interparfums").inner_text()
    assert "No orders yet" in rows.filter(has_text="never traded").inner_text()
    screenshot(page, "01-workflows-list")

    page.click("text=sample buy zone daily interparfums")
    page.wait_for_url(f"{live_server.url}/workflows/{seeded['itp'].id}/")
    history = page.locator("[data-history]")
    assert "DRY RUN" in history.inner_text()
    assert "30.52" in history.inner_text()
    assert page.locator(".korder-condition.not-evaluated").count() == 1
    assert "not evaluated" in page.locator(".korder-condition").nth(1).inner_text()
    tv = page.locator("a", has_text="TradingView")
    assert tv.get_attribute("href") == "https://www.tradingview.com/chart/?symbol=EURONEXT:ITP"

    page.click("[data-run-now]")  # a real engine run, dry run forced, on the sample data
    page.wait_for_selector(".messagelist li")
    assert page.locator(".messagelist").inner_text().startswith("Run now (dry run): evaluated 1")
    assert page.locator("[data-decision-log] tbody tr").count() == 1
    wait_for_chart(page)
    screenshot(page, "02-workflow-detail")

    page.goto(f"{live_server.url}/workflows/{seeded['dax'].id}/")
    assert page.locator("[data-order-history] tbody tr").count() == 3
    assert "501227" in page.locator("[data-history]").inner_text()
    wait_for_chart(page)
    screenshot(page, "02b-workflow-detail-ma50")
    assert page.watch.errors == [] and page.watch.dialogs == []


def wait_for_chart(page) -> None:
    """The interactive chart drew its candles (or, without JavaScript, the SVG loaded)."""
    page.wait_for_function(
        "() => { const box = document.querySelector('[data-chart-ready]');"
        " if (box) { return box.querySelector('canvas') !== null; }"
        " const img = document.querySelector('img[data-chart]');"
        " return img && img.complete && img.naturalWidth > 0; }"
    )


def test_orders_page_filters_by_direction_in_the_query_string(
    page, live_server, seeded, screenshot
):
    log_in(page, live_server, "/workflow-orders/")
    table = page.locator("[data-orders-table] tbody tr")
    assert table.count() == 3
    assert "interparfums" in table.first.inner_text()  # newest first
    screenshot(page, "03-workflow-orders")

    page.select_option("select[name=direction]", "BUY")  # JS submits on change
    page.wait_for_url("**direction=BUY**")
    assert table.count() == 2
    assert "SELL" not in page.locator("[data-orders-table]").inner_text()
    export = page.locator("[data-export]").get_attribute("href")
    assert export.startswith("/api/workflow/orders/export.csv?") and "direction=BUY" in export
    screenshot(page, "04-workflow-orders-filtered")

    page.select_option("select[name=asset]", "FRA40.I")
    page.wait_for_url("**asset=FRA40.I**")
    assert page.locator(".korder-empty").inner_text() == "No recent workflow orders"
    assert page.watch.errors == []


def test_invalid_form_shows_the_shared_validation_errors(page, live_server, seeded, screenshot):
    log_in(page, live_server, "/workflows/new/")
    name = page.locator("#id_name")
    assert name.input_value() == "BUY BBB H1"
    assert page.locator("[data-field=zone_value]").is_hidden()
    page.select_option("#id_indicator_name", "zone")
    page.select_option("#id_indicator_ut", "daily")
    page.fill("#id_index", "ITP:xpar")
    page.fill("#id_cfd", "ITP:xpar")
    assert name.input_value() == "BUY ZONE DAILY ITP:xpar"
    assert page.locator("[data-field=zone_value]").is_visible()
    assert page.locator("[data-field=x1_date]").is_hidden()
    page.fill("#id_value", "29.5")
    page.fill("#id_trigger_quantity", "0")
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".errornote").is_visible()
    assert "zone_value is required" in page.locator("[data-field=zone_value]").inner_text()
    assert "greater than 0" in page.locator("[data-field=trigger_quantity]").inner_text()
    assert page.locator("#id_name").input_value() == "BUY ZONE DAILY ITP:xpar"
    screenshot(page, "05-workflow-form-errors")

    page.fill("#id_zone_value", "31.5")
    page.fill("#id_trigger_quantity", "10")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/workflows/*-*/")
    assert page.locator("[data-workflow-name]").inner_text() == "BUY ZONE DAILY ITP:xpar"
    assert page.watch.errors == []


def test_a_script_tag_name_is_shown_as_text_everywhere(page, live_server, seeded, screenshot):
    log_in(page, live_server)
    evil = seeded["evil"]
    assert page.get_by_role("link", name=XSS).count() == 1
    for path in (f"/workflows/{evil.id}/", f"/workflows/{evil.id}/edit/", "/workflow-orders/",
                 f"/workflows/{evil.id}/archive/"):
        page.goto(f"{live_server.url}{path}")
        assert XSS in page.locator("#content").inner_text(), path
    page.goto(f"{live_server.url}/workflows/{evil.id}/edit/")
    assert page.locator("#id_name").input_value() == XSS
    assert page.watch.dialogs == []
    assert page.watch.errors == []


def test_store_outage_shows_a_banner_and_still_lists_workflows(
    page, live_server, seeded, order_store, screenshot
):
    log_in(page, live_server)
    order_store.stop()
    page.goto(f"{live_server.url}/workflows/")
    banner = page.locator("[data-store-error]")
    assert banner.inner_text().startswith("Order history is unavailable right now:")
    assert page.locator("[data-workflow-table] tbody tr").count() == 4
    assert "No orders yet" not in page.locator("[data-workflow-table]").inner_text()
    screenshot(page, "06-workflows-list-store-down")
    page.goto(f"{live_server.url}/workflows/{seeded['dax'].id}/")
    assert page.locator("[data-store-error]").is_visible()
    assert "No orders placed yet" not in page.locator("#content").inner_text()
    screenshot(page, "07-workflow-detail-store-down")


def test_pages_fit_a_phone(browser, live_server, seeded, screenshot):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        log_in(page, live_server)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"page is {width}px wide on a 390px screen"
        screenshot(page, "08-phone-workflows-list")
        page.goto(f"{live_server.url}/workflows/{seeded['itp'].id}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "09-phone-workflow-detail")
        page.goto(f"{live_server.url}/workflows/new/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "10-phone-workflow-form")
    finally:
        context.close()


def test_list_filters_and_the_form_work_without_javascript(browser, live_server, seeded):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server)
        page.select_option("select[name=status]", "disabled")
        page.click("text=Apply")
        page.wait_for_url("**status=disabled**")
        assert page.locator("[data-workflow-table] tbody tr").count() == 1
        page.click("text=Last order")  # sorting is a plain link
        page.wait_for_url("**sort=last_order**")
        assert "status=disabled" in page.url
        page.goto(f"{live_server.url}/workflows/{seeded['dax'].id}/")
        wait_for_chart(page)  # the server-drawn SVG, from <noscript>
        assert page.locator("img[data-chart]").is_visible()
        assert page.locator("meta[http-equiv=refresh]").count() == 1  # reloads itself
        page.goto(f"{live_server.url}/workflows/new/")
        assert page.locator("[data-field=zone_value]").is_visible()  # nothing hidden
        page.fill("#id_index", "DAX.I")
        page.fill("#id_cfd", "GER40.I")
        page.fill("#id_trigger_quantity", "1")
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/workflows/*-*/")
        assert page.locator("[data-workflow-name]").inner_text() == "BUY BBB H1 GER40.I"
    finally:
        context.close()
