"""Truthful mode (issue 17 item 1): the broker mode in every page header, a workflow's mode
never a bare "Live" while the broker is notify, and Last order = the latest LIVE order with a
newer dry run beside it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

ZONE = [{"indicator": {"name": "zone", "ut": "h1", "value": "29", "zone_value": "31"},
         "close": {"direction": "above", "ut": "h1"}}]
BARE_LIVE = re.compile(r">\s*Live\s*<")
LIVE_WORD = re.compile(r"\bLive\b")


def header(html: str) -> str:
    return html.split('<main', 1)[0]


@pytest.mark.parametrize(("broker", "environment", "label", "key"), [
    ("notify", "sim", "Notify only — no broker orders", "notify"),
    ("saxo", "sim", "Saxo SIM", "sim"),
    ("saxo", "live", "Saxo LIVE", "live"),
])
def test_every_page_header_names_the_broker_mode(
    trader_client, make_workflow, order_store, settings, broker, environment, label, key
):
    settings.KORDER_BROKER, settings.KORDER_SAXO_ENVIRONMENT = broker, environment
    wf = make_workflow("dax")
    for url in ("/workflows/", f"/workflows/{wf.id}/", "/workflow-orders/",
                f"/workflows/{wf.id}/orders/", "/workflows/new/", "/blotter/", "/status/"):
        page = header(trader_client.get(url).content.decode())
        assert f'data-broker-mode="{key}"' in page and label in page, url
    assert "Notify only" in trader_client.get("/login/").content.decode() or broker == "saxo"


def test_with_the_notify_broker_no_page_says_a_bare_live(
    trader_client, make_workflow, place_order, order_store, settings, now
):
    settings.KORDER_BROKER = "notify"
    live = make_workflow("dax live")
    make_workflow("dax dry", dry_run=True)
    order = place_order(live, now - timedelta(hours=2), broker="notify")
    for url in ("/workflows/", f"/workflows/{live.id}/", "/workflow-orders/",
                f"/workflows/{live.id}/orders/", "/blotter/", f"/workflow-orders/{order.id}/"):
        html = trader_client.get(url).content.decode()
        assert not BARE_LIVE.search(html), url
        main = html.split("<main", 1)[1]
        found = LIVE_WORD.search(main)
        # nor "Live (notify)", nor "Live orders" in a legend
        assert not found, (url, main[max(0, found.start() - 150):found.end() + 60])
        assert 'data-mode="notify">Notify<' in html, url
    api = trader_client.get("/api/workflow/workflows").json()["workflows"]
    assert {w["name"]: w["mode"] for w in api} == {"dax live": "notify", "dax dry": "dry_run"}
    assert trader_client.get(f"/api/workflow/workflows/{live.id}").json()["mode"] == "notify"


def test_with_saxo_a_live_workflow_and_its_saxo_orders_read_live(
    trader_client, make_workflow, place_order, order_store, settings, now
):
    settings.KORDER_BROKER, settings.KORDER_SAXO_ENVIRONMENT = "saxo", "sim"
    wf = make_workflow("dax live")
    place_order(wf, now - timedelta(hours=2), broker="saxo", broker_order_id="5001")
    html = trader_client.get(f"/workflows/{wf.id}/").content.decode()
    assert html.count('data-mode="live">Live<') == 3  # title, basic info, the order's row
    assert trader_client.get("/api/workflow/workflows").json()["workflows"][0]["mode"] == "live"


def last_order_cell(html: str, name: str) -> str:
    row = next(r for r in html.split("<tr>") if f">{name}</a>" in r)
    return row.split("data-last-order>", 1)[1].split("</td>", 1)[0]


def test_run_now_leaves_last_order_on_the_live_order_with_the_dry_run_beside_it(
    trader_client, make_workflow, place_order, order_store, sample_data, now
):
    wf = make_workflow("itp zone", index="ITP:xpar", cfd="ITP:xpar", conditions=ZONE,
                       trigger={"ut": "h1", "location": "higher", "order_direction": "buy",
                                "quantity": "10"})
    place_order(wf, now - timedelta(hours=3), order_direction="SELL")
    call_command("make_sample_data", out=sample_data, days=5, verbosity=0)
    trader_client.post(f"/workflows/{wf.id}/run/")  # the real engine, dry run forced

    cell = last_order_cell(trader_client.get("/workflows/").content.decode(), "itp zone")
    live, dry = cell.split("data-dry-order", 1)
    assert "data-live-order" in live and ">3h ago<" in live and "SELL" in live
    assert "Just now" in dry and "BUY" in dry and "DRY RUN" in dry
    [api] = trader_client.get("/api/workflow/workflows").json()["workflows"]
    assert api["last_order"]["order_direction"] == "SELL" and not api["last_order"]["dry_run"]
    assert api["newer_dry_run_order"]["dry_run"] is True


def test_a_live_order_behind_many_dry_runs_is_still_the_last_order(
    trader_client, make_workflow, place_order, order_store, now
):
    wf = make_workflow("busy dry runs")
    place_order(wf, now - timedelta(days=2), order_direction="BUY", broker_order_id="1")
    for minutes in range(1, 26):  # more dry runs than the first Limit-10 page
        place_order(wf, now - timedelta(minutes=minutes), dry_run=True)
    only_dry = make_workflow("only dry runs", dry_run=True)
    place_order(only_dry, now - timedelta(minutes=7), dry_run=True)

    html = trader_client.get("/workflows/").content.decode()
    busy = last_order_cell(html, "busy dry runs")
    assert ">2d ago<" in busy.split("data-dry-order")[0] and "Just now" not in busy.split(
        "data-dry-order")[0]
    assert "1m ago" in busy.split("data-dry-order")[1]
    lonely = last_order_cell(html, "only dry runs")
    assert "No live order" in lonely and "7m ago" in lonely and "DRY RUN" in lonely


def test_sorting_by_last_order_uses_the_live_order(
    trader_client, make_workflow, place_order, order_store, now
):
    old_live = make_workflow("old live, new dry")
    place_order(old_live, now - timedelta(days=3))
    place_order(old_live, now - timedelta(minutes=1), dry_run=True)
    recent = make_workflow("recent live")
    place_order(recent, now - timedelta(hours=1))
    html = trader_client.get("/workflows/?sort=last_order&order=desc").content.decode()
    assert html.index(">recent live</a>") < html.index(">old live, new dry</a>")
