"""The blotter in a real browser: every order of the week in pages, filters applied on change,
no console errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.browser.test_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def week(make_workflow, place_order, order_store, trader):
    now = datetime.now(UTC)
    dax = make_workflow("dax ma50 h4 below")
    spx = make_workflow("spx zone", index="SPX.I", cfd="US500.I")
    for n in range(60):
        place_order(dax if n % 2 else spx, now - timedelta(minutes=1 + 120 * n),
                    dry_run=n % 3 == 0, order_direction="BUY" if n % 4 == 0 else "SELL")
    return {"dax": dax, "spx": spx}


def test_the_blotter_pages_and_filters_without_console_errors(page, live_server, week,
                                                             screenshot) -> None:
    log_in(page, live_server, "/blotter/")
    table = page.locator("[data-blotter-table] tbody tr")
    assert table.count() == 50
    assert page.locator("nav.korder-nav a[aria-current=page]").inner_text() == "Blotter"
    screenshot(page, "blotter-first-page")

    page.click("[data-older]")
    page.wait_for_url("**cursor=*")
    assert table.count() == 10
    assert page.locator("[data-older]").count() == 0
    page.click("[data-newest]")
    page.wait_for_url(lambda url: "/blotter/" in url and "cursor=" not in url)
    assert table.count() == 50

    page.select_option("select[name=workflow_id]", str(week["dax"].id))  # applies on change
    page.wait_for_url(f"**workflow_id={week['dax'].id}*")
    assert table.count() == 30
    assert set(page.locator("[data-blotter-table] tbody th").all_inner_texts()) == {
        "dax ma50 h4 below"}
    page.select_option("select[name=mode]", "dry")
    page.wait_for_url("**mode=dry*")
    assert table.count() == 10
    assert set(page.locator("[data-status]").all_inner_texts()) == {"Dry run"}
    assert "live=false" in page.locator("[data-export]").get_attribute("href")
    screenshot(page, "blotter-filtered")
    assert page.watch.errors == [] and page.watch.dialogs == []
