"""workflow_history: the newest page plus the window's total (two queries, run concurrently)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orders import services
from tests.fixtures.order_store import make_order_record

NOW = datetime(2026, 2, 20, 14, 31, tzinfo=UTC)


def _seed(n: int, workflow_id: str = "wf-1") -> None:
    for i in range(n):
        services.record_order(record=make_order_record(
            workflow_id=workflow_id, placed_at=NOW - timedelta(minutes=i + 1)))


def test_a_short_history_is_its_own_total_and_costs_two_queries_no_scan(order_store):
    _seed(3)
    services.record_order(record=make_order_record(
        workflow_id="wf-1", placed_at=NOW - timedelta(days=7, seconds=1)))
    order_store.reset_requests()
    history = services.workflow_history(workflow_id="wf-1", now=NOW, limit=20)
    assert (len(history.orders), history.total_count) == (3, 3)
    assert (order_store.request_count("Query"), order_store.request_count("Scan")) == (2, 0)


@pytest.mark.parametrize("n", [20, 25])
def test_a_full_page_counts_the_whole_window(order_store, n):
    _seed(n)
    order_store.reset_requests()
    history = services.workflow_history(workflow_id="wf-1", now=NOW, limit=20)
    assert (len(history.orders), history.total_count) == (20, n)
    assert order_store.request_count("Query") == 2
    assert order_store.index_request_count("count-index") == 1
    assert history.orders[0].placed_at > history.orders[-1].placed_at
