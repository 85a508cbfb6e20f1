"""Order history against real servers over HTTP: dynalite and moto's server mode."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from orders import connection, services
from orders.errors import OrderCollision, OrderNotFound, OrderStoreUnavailable
from orders.models import WorkflowOrder
from tests.fixtures.order_store import make_order_record

NOW = datetime(2026, 2, 22, 15, 0, 0, tzinfo=UTC)
WINDOW = timedelta(days=7)


@pytest.fixture(params=["dynalite", "moto"])
def order_store_endpoint(request: pytest.FixtureRequest) -> str:
    """Every test here runs once per backend, so nothing emulator-specific leaks in."""
    return request.getfixturevalue(f"{request.param}_server")


def record_at(workflow_id: str, placed_at: datetime, **fields: object):
    record = make_order_record(workflow_id=workflow_id, placed_at=placed_at, **fields)
    assert services.record_order(record=record) == "stored"
    return record


def test_two_orders_in_the_same_second_both_survive(order_store) -> None:
    first = record_at("wf-1", NOW.replace(microsecond=1))
    second = record_at("wf-1", NOW.replace(microsecond=2))

    history = services.list_workflow_orders(workflow_id="wf-1", now=NOW)

    assert [order.id for order in history] == [second.id, first.id]
    assert services.count_workflow_orders(workflow_id="wf-1", now=NOW) == 2


def test_a_replayed_record_is_a_no_op_success(order_store) -> None:
    record = record_at("wf-1", NOW - timedelta(minutes=5))

    assert services.record_order(record=record) == "duplicate"
    assert services.count_workflow_orders(workflow_id="wf-1", now=NOW) == 1


def test_a_different_record_on_the_same_key_raises_and_does_not_overwrite(order_store) -> None:
    original = record_at("wf-1", NOW - timedelta(minutes=5))
    intruder = make_order_record(workflow_id="wf-1", placed_at=original.placed_at)

    with pytest.raises(OrderCollision):
        services.record_order(record=intruder)
    assert services.list_workflow_orders(workflow_id="wf-1", now=NOW) == [original]


def test_every_field_round_trips_exactly(order_store) -> None:
    record = record_at(
        "wf-1",
        NOW - timedelta(seconds=1, microseconds=-654321),
        order_price=Decimal("22150.123456789"),
        order_quantity=Decimal("0.1"),
        dry_run=True,
        broker="saxo",
        broker_order_id="5002345",
        execution_context="",
    )

    assert services.get_order(order_id=record.id, now=NOW) == record
    assert services.list_workflow_orders(workflow_id="wf-1", now=NOW) == [record]


def test_optional_fields_may_be_absent(order_store) -> None:
    record = record_at(
        "wf-1", NOW, asset_type=None, trigger_close=None, trigger_candle_time=None
    )

    assert services.get_order(order_id=record.id, now=NOW) == record


def test_an_order_older_than_seven_days_is_invisible_everywhere(order_store) -> None:
    expired = record_at("wf-old", NOW - WINDOW - timedelta(seconds=1))
    edge = record_at("wf-edge", NOW - WINDOW)

    assert services.list_workflow_orders(workflow_id="wf-old", now=NOW) == []
    assert services.count_workflow_orders(workflow_id="wf-old", now=NOW) == 0
    assert services.latest_orders(workflow_ids=["wf-old", "wf-edge"], now=NOW) == {
        "wf-edge": edge
    }
    with pytest.raises(OrderNotFound):
        services.get_order(order_id=expired.id, now=NOW)
    assert services.get_order(order_id=edge.id, now=NOW) == edge


def test_history_honours_limit_with_300_orders_in_one_query(order_store) -> None:
    start = NOW - timedelta(hours=5)
    for minute in range(300):
        record_at("wf-busy", start + timedelta(seconds=minute * 60))
    order_store.reset_requests()

    history = services.list_workflow_orders(workflow_id="wf-busy", now=NOW, limit=20)

    assert len(history) == 20
    assert history[0].placed_at == start + timedelta(seconds=299 * 60)
    assert [o.placed_at for o in history] == sorted((o.placed_at for o in history), reverse=True)
    assert order_store.request_count() == 1
    assert services.count_workflow_orders(workflow_id="wf-busy", now=NOW) == 300


def test_latest_orders_costs_one_query_per_workflow_and_no_scan(order_store) -> None:
    expected = {}
    for number in range(12):
        workflow_id = f"wf-{number}"
        for age in (30, 20, 10):
            expected[workflow_id] = record_at(workflow_id, NOW - timedelta(minutes=age + number))
    order_store.reset_requests()

    latest = services.latest_orders(workflow_ids=[*expected, "wf-none"], now=NOW)

    assert latest == expected
    assert order_store.request_count("Query") == 13
    assert order_store.request_count("Scan") == 0
    assert order_store.request_count() == 13


def test_latest_orders_of_no_workflows_asks_nothing(order_store) -> None:
    assert services.latest_orders(workflow_ids=[], now=NOW) == {}
    assert order_store.request_count() == 0


def test_an_unknown_order_id_is_not_found(order_store) -> None:
    with pytest.raises(OrderNotFound):
        services.get_order(order_id="9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d", now=NOW)


def test_a_whole_second_row_from_another_tool_reads_correctly(order_store) -> None:
    record = record_at("wf-1", NOW.replace(minute=10, microsecond=0))

    assert services.list_workflow_orders(workflow_id="wf-1", now=NOW)[0].placed_at == (
        record.placed_at
    )


def test_purge_deletes_only_rows_older_than_the_window(order_store) -> None:
    record_at("wf-1", NOW - WINDOW - timedelta(seconds=1))
    record_at("wf-1", NOW - WINDOW - timedelta(days=2))
    kept = record_at("wf-1", NOW - timedelta(days=1))

    assert services.purge_expired_orders(now=NOW) == 2
    assert services.list_workflow_orders(workflow_id="wf-1", now=NOW - WINDOW * 3) == [kept]


def test_create_order_table_is_idempotent(order_store) -> None:
    assert services.create_order_table() is False
    services.check_store()


def test_a_missing_table_is_reported_as_unavailable(order_store, settings) -> None:
    settings.KORDER_DYNAMODB_TABLE = "no_such_table"

    with pytest.raises(OrderStoreUnavailable, match="does not exist"):
        services.check_store()


def test_every_read_raises_unavailable_quickly_when_the_store_is_down(order_store) -> None:
    order_store.stop()
    started = time.monotonic()

    for read in (
        lambda: services.list_workflow_orders(workflow_id="wf-1", now=NOW),
        lambda: services.count_workflow_orders(workflow_id="wf-1", now=NOW),
        lambda: services.latest_orders(workflow_ids=["wf-1", "wf-2"], now=NOW),
        lambda: services.get_order(order_id="x", now=NOW),
        services.check_store,
    ):
        with pytest.raises(OrderStoreUnavailable):
            read()

    assert time.monotonic() - started < 5 * 3
    assert connection.current_binding().endpoint != order_store.endpoint


def test_the_window_count_reads_the_keys_only_count_index(order_store) -> None:
    for minute in range(5):
        record_at("wf-1", NOW - timedelta(minutes=minute))
    order_store.reset_requests()

    assert services.count_workflow_orders(workflow_id="wf-1", now=NOW) == 5
    assert (order_store.request_count(), order_store.index_request_count("count-index")) == (1, 1)


# moto (like AWS) adds an index with UpdateTable; dynalite refuses: the table is rebuilt.
UPGRADE = {"dynalite": ("rebuilt", 2), "moto": ("present", None)}


def test_a_table_from_before_count_index_still_counts_and_gets_the_indexes(
    old_order_table, request
) -> None:
    backend = request.node.callspec.params["order_store_endpoint"]
    older = record_at("wf-1", NOW - timedelta(minutes=2))
    record_at("wf-1", NOW - timedelta(minutes=1))
    state, copied = UPGRADE[backend]

    assert services.count_workflow_orders(workflow_id="wf-1", now=NOW) == 2
    report = services.upgrade_order_table()
    assert [(r.index, r.state) for r in report.indexes] == [
        ("count-index", state), ("day-index", state)]
    assert report.copied == copied
    assert services.upgrade_order_table().indexes == []  # idempotent
    assert services.count_workflow_orders(workflow_id="wf-1", now=NOW) == 2
    assert services.get_order(order_id=older.id, now=NOW) == older


def test_a_stored_row_expires_after_the_configured_retention(order_store, settings) -> None:
    settings.KORDER_ORDER_RETENTION_DAYS = 30
    record = make_order_record(placed_at=datetime(2026, 2, 22, 14, 30, 0, 999999, tzinfo=UTC))
    services.record_order(record=record)
    row = WorkflowOrder.get(record.workflow_id, record.placed_at)
    assert row.ttl == datetime(2026, 3, 24, 14, 30, tzinfo=UTC)
