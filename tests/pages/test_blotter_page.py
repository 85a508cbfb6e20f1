"""/blotter/ (every order, filters, cursor paging, CSV link) and the per-workflow history page's
paging over all 7 days, server-rendered."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(make_workflow, place_order, order_store, now):
    """Two workflows, 60 orders over 5 days (every third a dry run, every fourth a BUY)."""
    dax = make_workflow("dax ma50 h4 below")
    spx = make_workflow("spx zone", index="SPX.I", cfd="US500.I")
    placed = []
    for n in range(60):
        wf = dax if n % 2 else spx
        placed.append(place_order(wf, now - timedelta(minutes=1 + 120 * n),
                                  dry_run=n % 3 == 0,
                                  order_direction="BUY" if n % 4 == 0 else "SELL"))
    return dax, spx, placed


def older_link(html: str) -> str | None:
    found = re.search(r'href="([^"]+)" rel="next"', html)
    return unescape(found.group(1)) if found else None


def rows(html: str) -> int:
    table = html.split("data-blotter-table", 1)
    if len(table) < 2:
        return 0
    return table[1].split("<tbody>", 1)[1].split("</tbody>")[0].count("<tr>")


def test_the_blotter_pages_through_every_order_of_the_week(trader_client, orders) -> None:
    shown, url = 0, "/blotter/"
    while url:
        response = trader_client.get(url if url.startswith("/") else "/blotter/" + url)
        assert response.status_code == 200
        html = response.content.decode()
        shown += rows(html)
        url = older_link(html)
    assert shown == 60
    assert 'href="/blotter/" aria-current="page"' in html  # the nav marks the page


def test_the_blotter_filters_on_the_server_and_links_the_csv(trader_client, orders) -> None:
    dax, _, placed = orders

    response = trader_client.get(f"/blotter/?workflow_id={dax.id}&mode=dry&direction=SELL")

    html = response.content.decode()
    expected = [o for o in placed if o.workflow_id == str(dax.id) and o.dry_run
                and o.order_direction == "SELL"]
    assert rows(html) == len(expected) > 0
    assert f"/api/workflow/blotter/export.csv?workflow_id={dax.id}" in unescape(html)
    assert "live=false" in unescape(html) and "direction=SELL" in html
    assert older_link(html) is None


def test_the_day_filter_shows_one_utc_day(trader_client, orders, now) -> None:
    day = (now - timedelta(days=2)).date()
    placed = [o for o in orders[2] if o.placed_at.date() == day]

    html = trader_client.get(f"/blotter/?day={day.isoformat()}").content.decode()

    assert rows(html) == len(placed) > 0


def test_a_changed_cursor_shows_the_newest_page_with_a_note(trader_client, orders) -> None:
    response = trader_client.get("/blotter/?cursor=forged")

    html = response.content.decode()
    assert response.status_code == 200
    assert "data-cursor-error" in html and "cursor" in html
    assert rows(html) == 50


def test_the_history_page_pages_through_all_7_days(trader_client, make_workflow,
                                                   place_order, order_store, now) -> None:
    wf = make_workflow()
    placed = [place_order(wf, now - timedelta(minutes=30 * n + 1)) for n in range(230)]

    seen, url = [], f"/workflows/{wf.id}/orders/"
    while url:
        response = trader_client.get(url if url.startswith("/") else
                                     f"/workflows/{wf.id}/orders/" + url)
        seen += response.context["history"].orders
        url = older_link(response.content.decode())

    assert [o.id for o in seen] == [o.id for o in placed]
