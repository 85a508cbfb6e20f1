"""/workflows/: filters and sort in the query string, pagination, counts, last order."""

from __future__ import annotations

from datetime import timedelta

import pytest

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [row.workflow.name for row in response.context["result"].rows]


def test_login_is_required(client):
    response = client.get("/workflows/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_root_redirects_to_the_workflows_list(trader_client):
    response = trader_client.get("/")
    assert response.status_code == 302 and response.url == "/workflows/"


def test_last_order_column_shows_relative_time_direction_or_no_orders_yet(
    trader_client, make_workflow, place_order, order_store, now
):
    traded = make_workflow("traded")
    make_workflow("idle")
    place_order(traded, now - timedelta(hours=3), order_direction="BUY")
    page = trader_client.get("/workflows/").content.decode()
    assert ">3h ago</time> <span class=\"badge badge-buy\">BUY</span>" in page
    assert "No orders yet" in page
    assert "2 of 2 workflows" in page


def test_filters_and_sort_come_from_the_query_string(trader_client, make_workflow, order_store):
    make_workflow("b live", index="DAX.I")
    make_workflow("a dry", index="CAC.I", dry_run=True)
    make_workflow("c off", index="DAX.I", enabled=False)
    assert names(trader_client.get("/workflows/")) == ["a dry", "b live", "c off"]
    assert names(trader_client.get("/workflows/?sort=name&order=desc")) == [
        "c off", "b live", "a dry"]
    assert names(trader_client.get("/workflows/?status=enabled")) == ["a dry", "b live"]
    assert names(trader_client.get("/workflows/?dry_run=live&index=dax")) == ["b live", "c off"]
    response = trader_client.get("/workflows/?index=cac")
    assert "1 of 3 workflows" in response.content.decode()


def test_unknown_filter_values_fall_back_to_defaults(trader_client, make_workflow, order_store):
    make_workflow("only")
    response = trader_client.get("/workflows/?status=bogus&sort=evil&order=x&page=-3")
    assert response.status_code == 200 and names(response) == ["only"]


def test_sorting_by_last_order_puts_recent_orders_last_ascending(
    trader_client, make_workflow, place_order, order_store, now
):
    old, recent = make_workflow("old"), make_workflow("recent")
    make_workflow("never")
    place_order(old, now - timedelta(days=2))
    place_order(recent, now - timedelta(minutes=5))
    assert names(trader_client.get("/workflows/?sort=last_order&order=desc")) == [
        "recent", "old", "never"]


def test_twenty_per_page_with_previous_and_next(trader_client, make_workflow, order_store):
    for n in range(45):
        make_workflow(f"wf {n:02d}")
    first = trader_client.get("/workflows/")
    assert len(names(first)) == 20 and "Page 1 of 3" in first.content.decode()
    third = trader_client.get("/workflows/?page=3&sort=name")
    assert names(third) == [f"wf {n:02d}" for n in range(40, 45)]
    page = third.content.decode()
    assert "← Previous" in page and "Next →" not in page
    assert 'href="?page=2&amp;sort=name"' in page


def test_the_page_works_without_javascript_filters_are_a_get_form(trader_client, make_workflow,
                                                                   order_store):
    make_workflow("x")
    page = trader_client.get("/workflows/?sort=index&order=desc").content.decode()
    assert '<form method="get" class="korder-filters"' in page
    assert '<input type="hidden" name="sort" value="index"' in page
    assert '<button type="submit" class="button">Apply</button>' in page


def test_a_page_past_the_end_shows_the_last_page(trader_client, make_workflow, order_store):
    for n in range(21):
        make_workflow(f"wf {n:02d}")
    assert names(trader_client.get("/workflows/?page=99")) == ["wf 20"]
