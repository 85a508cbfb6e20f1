"""The blotter read (day-index, one Query per day, cursor paging, filters), the per-workflow
history's `before` paging and the latest order per workflow, against the real local store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orders import blotter, connection, services
from orders.blotter import BadCursor, BlotterFilters
from tests.fixtures.order_store import make_order_record

NOW = datetime(2026, 2, 22, 15, 0, 0, tzinfo=UTC)


def put(**fields):
    record = make_order_record(**fields)
    assert services.record_order(record=record) == "stored"
    return record


@pytest.fixture
def week(order_store):
    """45 orders of 3 workflows over 7.5 days (some outside the window), several sharing one
    second, and three at the very same microsecond in different workflows."""
    records = []
    for n in range(42):
        records.append(put(workflow_id=f"wf-{n % 3}", placed_at=NOW - timedelta(hours=4.5 * n),
                           order_direction="BUY" if n % 2 else "SELL", dry_run=n % 5 == 0,
                           order_code="GER40.I" if n % 4 else "US500.I"))
    same = NOW - timedelta(hours=30, microseconds=7)
    records += [put(workflow_id=f"wf-{k}", placed_at=same) for k in range(3)]
    order_store.reset_requests()
    return records


def in_window(records):
    oldest = NOW - timedelta(days=7)
    return sorted((r for r in records if r.placed_at >= oldest),
                  key=lambda r: (r.placed_at, r.workflow_id), reverse=True)


def assert_same_rows(seen, expected) -> None:
    """Same rows, newest first, none twice (rows of one instant may come in any order)."""
    assert [r.placed_at for r in seen] == [r.placed_at for r in expected]
    assert len({r.id for r in seen}) == len(seen)
    assert {r.id for r in seen} == {r.id for r in expected}


def all_pages(filters=None, limit=7):
    filters = filters or BlotterFilters()
    seen, cursor = [], None
    for _ in range(100):
        page = blotter.blotter_page(filters=filters, now=NOW, cursor=cursor, limit=limit)
        seen += page.orders
        cursor = page.next_cursor
        if cursor is None:
            return seen
    raise AssertionError("paging did not end")


def test_paging_reaches_every_order_of_the_window_exactly_once_newest_first(week) -> None:
    seen = all_pages()

    assert_same_rows(seen, in_window(week))
    assert len(seen) == 41  # 4 of the 45 are older than 7 days


def test_reads_are_queries_on_day_index_one_per_day_never_a_scan(week, order_store) -> None:
    page = blotter.blotter_page(filters=BlotterFilters(), now=NOW, limit=3)

    assert len(page.orders) == 3
    assert order_store.request_count() == order_store.request_count("Query") == 1
    assert order_store.index_request_count("day-index") == 1
    order_store.reset_requests()
    all_pages(limit=200)  # the whole window: 8 days
    assert order_store.request_count("Query") == order_store.index_request_count("day-index")
    assert order_store.request_count("Query") == 8
    assert order_store.request_count("Scan") == 0


@pytest.mark.parametrize(("filters", "keep"), [
    (BlotterFilters(direction="buy"), lambda r: r.order_direction == "BUY"),
    (BlotterFilters(asset="us500.i"), lambda r: r.order_code == "US500.I"),
    (BlotterFilters(live=True), lambda r: not r.dry_run),
    (BlotterFilters(live=False), lambda r: r.dry_run),
    (BlotterFilters(status="dry_run"), lambda r: r.dry_run),  # rows without a status
    (BlotterFilters(status="notified"), lambda r: not r.dry_run),
    (BlotterFilters(status="filled"), lambda r: False),
    (BlotterFilters(workflow_id="wf-1", direction="SELL"),
     lambda r: r.workflow_id == "wf-1" and r.order_direction == "SELL"),
    (BlotterFilters(since=NOW - timedelta(days=2), until=NOW - timedelta(days=1)),
     lambda r: NOW - timedelta(days=2) <= r.placed_at <= NOW - timedelta(days=1)),
])
def test_filters_apply_on_the_server_with_paging(week, filters, keep) -> None:
    seen = all_pages(filters, limit=4)

    assert_same_rows(seen, [r for r in in_window(week) if keep(r)])


@pytest.mark.parametrize("workflow_id", ["", "wf-1"])
def test_a_window_that_ends_before_it_starts_is_empty_not_an_error(week, workflow_id) -> None:
    filters = BlotterFilters(until=NOW - timedelta(days=30), workflow_id=workflow_id)

    assert blotter.blotter_page(filters=filters, now=NOW).orders == []


def test_a_workflow_filter_reads_that_workflows_partition(week, order_store) -> None:
    all_pages(BlotterFilters(workflow_id="wf-2"), limit=100)

    assert order_store.request_count("Query") == 1
    assert order_store.index_request_count("day-index") == 0


@pytest.mark.parametrize("cursor", ["", "abc", "W1siJ3Z-0", None])
def test_a_changed_cursor_is_refused(week, cursor) -> None:
    good = blotter.blotter_page(filters=BlotterFilters(), now=NOW, limit=2).next_cursor
    bad = cursor if cursor is not None else good[:-3] + ("AAA" if good[-3:] != "AAA" else "BBB")

    with pytest.raises(BadCursor, match="cursor"):
        blotter.blotter_page(filters=BlotterFilters(), now=NOW, cursor=bad or "x", limit=2)


def test_a_table_without_day_index_is_unavailable_with_the_fix(pre_day_index_table) -> None:
    from orders.errors import OrderStoreUnavailable

    with pytest.raises(OrderStoreUnavailable, match="create_order_table"):
        blotter.blotter_page(filters=BlotterFilters(), now=NOW)


def test_latest_per_workflow_still_works_on_a_table_without_day_index(
    pre_day_index_table,
) -> None:
    record = put(workflow_id="wf-1", placed_at=NOW - timedelta(hours=1))

    assert blotter.latest_orders(workflow_ids=["wf-1", "wf-2"], now=NOW) == {"wf-1": record}


def test_history_paging_with_before_reaches_every_order_exactly_once(order_store) -> None:
    second = NOW - timedelta(hours=1)
    records = [put(workflow_id="wf-1", placed_at=second + timedelta(microseconds=k))
               for k in range(5)]  # five orders in the same second
    records += [put(workflow_id="wf-1", placed_at=NOW - timedelta(hours=h)) for h in range(2, 9)]
    seen, before = [], None
    while True:
        page = services.workflow_history(workflow_id="wf-1", now=NOW, limit=3, before=before)
        assert page.total_count == 12
        seen += page.orders
        before = page.next_before
        if before is None:
            break

    expected = sorted(records, key=lambda r: r.placed_at, reverse=True)
    assert [r.id for r in seen] == [r.id for r in expected]


def test_the_last_history_page_has_no_next_before(order_store) -> None:
    for h in range(3):
        put(workflow_id="wf-1", placed_at=NOW - timedelta(hours=h))

    assert services.workflow_history(workflow_id="wf-1", now=NOW, limit=3).next_before is None
    assert services.workflow_history(workflow_id="wf-1", now=NOW, limit=2).next_before == \
        NOW - timedelta(hours=1)


def test_latest_per_workflow_through_day_index_matches_one_query_per_workflow(
    week, order_store
) -> None:
    quiet = put(workflow_id="wf-quiet", placed_at=NOW - timedelta(days=6))
    ids = ["wf-0", "wf-1", "wf-2", "wf-quiet", "wf-none"]
    order_store.reset_requests()

    latest = blotter.latest_orders(workflow_ids=ids, now=NOW)

    assert latest == services.latest_orders(workflow_ids=ids, now=NOW)
    assert latest["wf-quiet"] == quiet and "wf-none" not in latest
    assert order_store.request_count("Scan") == 0


def test_latest_per_workflow_reads_few_queries_when_every_workflow_trades(order_store) -> None:
    ids = [f"wf-{n:02d}" for n in range(40)]
    for k in range(5):
        for n, wid in enumerate(ids):
            put(workflow_id=wid, placed_at=NOW - timedelta(minutes=30 * k + n))
    order_store.reset_requests()

    latest = blotter.latest_orders(workflow_ids=ids, now=NOW)

    assert {wid: r.placed_at for wid, r in latest.items()} == {
        wid: NOW - timedelta(minutes=n) for n, wid in enumerate(ids)}
    assert order_store.request_count("Query") == 1
    assert connection.current_binding().table_name == order_store.table_name
