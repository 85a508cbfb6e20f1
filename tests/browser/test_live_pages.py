"""Issue 17 in a real browser: the interactive chart (candles, markers, tooltip, no external
request, no console error), times in the viewer's zone, Price on a 390-px phone, and the live
refresh picking up an order recorded while the page is open (list, detail, blotter)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.browser.conftest import SCREENSHOTS as SHOTS
from tests.browser.test_pages import log_in, seeded, wait_for_chart  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARIS = {"timezone_id": "Europe/Paris", "locale": "en-GB"}

# Pixels of the candle colours (#2e7d32 up, #c62828 down) and of the live sell arrow, across the
# chart's canvases: the chart really drew candles, not only an empty frame.
COUNT_PIXELS = """(box) => {
  const want = {up: [46, 125, 50], down: [198, 40, 40], dry: [181, 137, 0]};
  const seen = {up: 0, down: 0, dry: 0};
  for (const canvas of box.querySelectorAll('canvas')) {
    const ctx = canvas.getContext('2d');
    if (!ctx || !canvas.width || !canvas.height) continue;
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < data.length; i += 4) {
      for (const [name, rgb] of Object.entries(want)) {
        if (Math.abs(data[i] - rgb[0]) < 8 && Math.abs(data[i + 1] - rgb[1]) < 8
            && Math.abs(data[i + 2] - rgb[2]) < 8) seen[name] += 1;
      }
    }
  }
  return seen;
}"""


@pytest.fixture
def paris_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **PARIS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    from tests.browser.conftest import ConsoleWatch

    page.watch = ConsoleWatch(page)
    yield page
    context.close()


def watch_requests(page, live_server) -> list[str]:
    outside: list[str] = []

    def check(request) -> None:
        if not request.url.startswith((live_server.url, "data:", "blob:")):
            outside.append(request.url)

    page.on("request", check)
    return outside


def hover_until(page, box, text: str) -> str:
    """Move the mouse across the chart from the right edge until the tooltip says `text`."""
    box.scroll_into_view_if_needed()
    area = box.bounding_box()
    tooltip = page.locator("[data-chart-tooltip]")
    seen = ""
    for dx in range(70, int(area["width"]) - 10, 4):
        page.mouse.move(area["x"] + area["width"] - dx, area["y"] + area["height"] / 2)
        if tooltip.is_visible():
            seen = tooltip.inner_text()
            if text in seen:
                return seen
    raise AssertionError(f"no tooltip with {text!r}; the last one said {seen!r}; "
                         f"errors: {page.watch.errors}")


def test_chart_draws_candles_and_markers_and_shows_a_tooltip_with_no_external_request(
    paris_page, live_server, seeded, place_order, screenshot  # noqa: F811
):
    page, dax = paris_page, seeded["dax"]
    place_order(dax, datetime.now(UTC) - timedelta(hours=5), dry_run=True, order_direction="BUY",
                order_price=Decimal("22001.25"))
    outside = watch_requests(page, live_server)
    log_in(page, live_server, f"/workflows/{dax.id}/")
    wait_for_chart(page)
    box = page.locator("[data-chart-url]")
    candles = int(box.get_attribute("data-chart-ready"))
    assert candles > 60  # 25 days of sample H4 candles
    assert box.get_attribute("data-chart-markers") == "4"  # 3 live + 1 dry run
    assert page.locator("img[data-chart]").count() == 0  # the SVG stays a fallback
    pixels = box.evaluate(COUNT_PIXELS)
    assert pixels["up"] > 200 and pixels["down"] > 200, pixels
    assert pixels["dry"] > 10, pixels  # the dry-run marker's own colour
    status = page.locator("[data-chart-status]").inner_text()
    assert f"{candles} candles; times in CET (Europe/Paris)" in status
    screenshot(page, "11-interactive-chart")
    text = hover_until(page, box, "SELL")
    assert "Stop 0.1 @ 22,150.5 · Notify · Notified · placed" in text and "CET" in text
    text = hover_until(page, box, "DRY RUN")
    assert "BUY" in text and "22,001.25" in text
    page.locator(".korder-chart").screenshot(path=str(SHOTS / "11b-chart-tooltip.png"))
    page.mouse.wheel(0, -600)  # zoom in: still no error
    assert outside == [] and page.watch.errors == []


def test_times_say_their_zone_and_agree_across_tables(
    paris_page, live_server, seeded  # noqa: F811
):
    page = paris_page
    log_in(page, live_server, f"/workflows/{seeded['dax'].id}/")
    first = page.locator("[data-order-history] tbody tr").first.locator("time[data-local-datetime]")
    iso = first.get_attribute("datetime")
    utc = datetime.fromisoformat(iso)
    paris = (utc + timedelta(hours=1)).strftime("%H:%M")  # December: CET = UTC+1
    shown = first.inner_text()
    assert shown.endswith(f"{paris} CET"), shown
    assert first.get_attribute("title").endswith("UTC")
    page.goto(f"{live_server.url}/workflow-orders/")
    same = page.locator(f"[data-orders-table] time[data-local-datetime][datetime='{iso}']")
    assert same.inner_text() == shown


PHONE_PAGES = [
    ("list", "/workflows/", "[data-workflow-table]", ("Last order",)),
    ("detail", "/workflows/{dax}/", "[data-order-history]", ("Date", "Direction", "Price")),
    ("orders", "/workflow-orders/", "[data-orders-table]", ("Date", "Direction", "Price")),
    ("history", "/workflows/{dax}/orders/", "[data-order-history]", ("Date", "Direction",
                                                                      "Price")),
]


def test_phone_width_keeps_time_direction_and_price_on_screen(
    browser, live_server, seeded, screenshot  # noqa: F811
):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, **PARIS)
    page = context.new_page()
    try:
        log_in(page, live_server)
        for name, path, table, headers in PHONE_PAGES:
            page.goto(live_server.url + path.format(dax=seeded["dax"].id))
            screenshot(page, f"12-phone-{name}")
            heads = page.locator(f"{table} thead th")
            titles = [t.strip().lower() for t in heads.all_inner_texts()]
            row = page.locator(f"{table} tbody tr").first.locator(":scope > td, :scope > th")
            for header in headers:
                column = titles.index(header.lower())
                for cell in (heads.nth(column), row.nth(column)):
                    box = cell.bounding_box()
                    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (name, header)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
        page.goto(f"{live_server.url}/workflows/{seeded['dax'].id}/")
        wait_for_chart(page)
        assert page.locator("[data-chart-url]").bounding_box()["width"] <= 390
        rows = page.locator("[data-decisions] thead th")
        assert rows.count() == 0 or rows.last.bounding_box() is not None
    finally:
        context.close()


def test_refresh_picks_up_an_order_recorded_while_the_page_is_open(
    browser, live_server, seeded, place_order  # noqa: F811
):
    context = browser.new_context(viewport={"width": 1280, "height": 300}, **PARIS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.clock.install()
        log_in(page, live_server, "/workflows/?index=I&sort=name")
        page.evaluate("window.scrollTo(0, 150)")
        scrolled = page.evaluate("window.scrollY")
        assert scrolled > 50
        never = page.locator("tr", has_text="never traded").locator("[data-last-order]")
        assert never.inner_text() == "No orders yet"
        place_order(seeded["evil"].__class__.objects.get(name="never traded"),
                    datetime.now(UTC) - timedelta(minutes=2), order_direction="BUY")
        page.clock.run_for(61_000)
        page.wait_for_function(
            "() => !document.querySelector('tr:has(a[href]) [data-last-order]')"
            "|| [...document.querySelectorAll('[data-last-order]')]"
            ".some(td => td.innerText.includes('2m ago'))")
        assert "2m ago BUY" in never.inner_text()
        assert page.evaluate("window.scrollY") == scrolled
        assert page.url.endswith("/workflows/?index=I&sort=name")
        assert page.input_value("input[name=index]") == "I"
        assert "Updated" in page.locator("[data-refresh-status]").inner_text()

        detail = seeded["dax"]
        page.goto(f"{live_server.url}/workflows/{detail.id}/")
        rows = page.locator("[data-order-history] tbody tr")
        assert rows.count() == 3
        place_order(detail, datetime.now(UTC) - timedelta(minutes=1), broker_order_id="777")
        page.clock.run_for(61_000)
        page.wait_for_function(
            "() => document.querySelectorAll('[data-order-history] tbody tr').length === 4")
        assert "777" in rows.first.inner_text()

        page.goto(f"{live_server.url}/blotter/")
        blotter = page.locator("[data-blotter-table] tbody tr")
        before = blotter.count()
        place_order(detail, datetime.now(UTC) - timedelta(seconds=30), broker_order_id="888")
        page.clock.run_for(61_000)
        page.wait_for_function(
            f"() => document.querySelectorAll('[data-blotter-table] tbody tr').length > {before}")
        assert "888" in blotter.first.inner_text()
        assert "Updated" in page.locator("[data-refresh-status]").inner_text()
    finally:
        context.close()
