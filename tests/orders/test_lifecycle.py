"""The order lifecycle: statuses only move forward, by conditional UpdateItem on real servers
(dynalite and moto), and every accepted transition leaves one event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from orders import events, services, store
from orders.lifecycle import Status, StatusChange, allowed_from, change_from_entry, sequence
from orders.models import OrderEvent
from tests.fixtures.order_store import make_order_record
from workflows.core.book import OrderLogEntry

NOW = datetime(2026, 2, 22, 15, 0, 0, tzinfo=UTC)


@pytest.fixture(params=["dynalite", "moto"])
def order_store_endpoint(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue(f"{request.param}_server")


def working_order(**fields: object):
    record = make_order_record(placed_at=NOW - timedelta(hours=1), broker="saxo",
                               broker_order_id="76288494", status="working",
                               status_at=NOW - timedelta(hours=1), **fields)
    assert services.record_order(record=record) == "stored"
    events.record_placement_event(record)
    return record


def change(record, status: Status, minutes: int, **fields: object) -> StatusChange:
    return StatusChange(order_id=record.id, status=status, at=NOW + timedelta(minutes=minutes),
                        source="sync", **fields)


def read(record):
    return services.get_order(order_id=record.id, now=NOW)


def test_a_fill_is_applied_with_its_price_and_kept_as_an_event(order_store, db) -> None:
    record = working_order()
    fill = change(record, Status.FILLED, 5, filled_price=Decimal("22150.5"),
                  filled_quantity=Decimal("0.1"))

    assert events.apply_change(key=events.key_of(record), change=fill)

    row = read(record)
    assert (row.status, row.filled_price, row.filled_quantity) == (
        "filled", Decimal("22150.5"), Decimal("0.1"))
    assert row.filled_at == fill.at and row.status_at == fill.at and row.status_seq == fill.seq
    assert [(e.previous_status, e.status) for e in events.order_events(order_id=record.id)] == [
        ("", "working"), ("working", "filled")]


def test_placement_facts_keys_and_ttl_never_change(order_store, db) -> None:
    record = working_order()
    before = store.WorkflowOrder.get(record.workflow_id, record.placed_at).attribute_values

    events.apply_change(key=events.key_of(record), change=change(record, Status.CANCELLED, 1))

    after = store.WorkflowOrder.get(record.workflow_id, record.placed_at).attribute_values
    lifecycle = {"status", "status_at", "status_seq"}
    assert {k: v for k, v in after.items() if k not in lifecycle} == {
        k: v for k, v in before.items() if k not in lifecycle}


@pytest.mark.parametrize("first, then", [
    (Status.FILLED, Status.WORKING),  # a replayed older entry
    (Status.FILLED, Status.CANCELLED),  # terminal is final
    (Status.PARTIALLY_FILLED, Status.WORKING),  # a fill is never undone
    (Status.REPLACED, Status.FILLED),
])
def test_a_status_never_moves_backwards(order_store, db, first, then) -> None:
    record = working_order()
    key = events.key_of(record)
    assert events.apply_change(key=key, change=change(record, first, 5))

    assert not events.apply_change(key=key, change=change(record, then, 10))
    assert read(record).status == first
    assert OrderEvent.objects.filter(order_id=record.id).count() == 2


def test_an_out_of_order_entry_is_ignored_and_a_replay_is_a_no_op(order_store, db) -> None:
    record = working_order()
    key = events.key_of(record)
    later = change(record, Status.PARTIALLY_FILLED, 10, filled_quantity=Decimal("0.05"))
    earlier = change(record, Status.PARTIALLY_FILLED, 5, filled_quantity=Decimal("0.02"))

    assert events.apply_change(key=key, change=later)
    assert not events.apply_change(key=key, change=earlier)
    assert not events.apply_change(key=key, change=later)
    assert read(record).filled_quantity == Decimal("0.05")


def test_an_update_never_creates_a_row(order_store, db) -> None:
    ghost = make_order_record(placed_at=NOW)

    assert not events.apply_change(key=events.key_of(ghost), change=change(ghost, Status.FILLED, 1))
    with pytest.raises(services.OrderNotFound):
        read(ghost)


def test_rows_without_status_read_as_placed_and_move_forward(order_store, db) -> None:
    saxo = make_order_record(placed_at=NOW - timedelta(hours=2), broker="saxo",
                             broker_order_id="1")
    notify = make_order_record(placed_at=NOW - timedelta(hours=1))
    dry = make_order_record(placed_at=NOW - timedelta(hours=1), dry_run=True)
    for record in (saxo, notify, dry):
        services.record_order(record=record)

    assert [read(r).current_status for r in (saxo, notify, dry)] == [
        Status.WORKING, Status.NOTIFIED, Status.DRY_RUN]
    assert events.apply_change(key=events.key_of(saxo), change=change(saxo, Status.FILLED, 1))
    assert events.order_events(order_id=saxo.id)[0].previous_status == "working"


@pytest.mark.parametrize("saxo, filled, expected", [
    ("Working", None, Status.WORKING), ("Placed", None, Status.WORKING),
    ("Changed", "5", Status.PARTIALLY_FILLED), ("Fill", "5", Status.PARTIALLY_FILLED),
    ("FinalFill", "10", Status.FILLED), ("Cancelled", None, Status.CANCELLED),
    ("Expired", None, Status.EXPIRED), ("DoneForDay", None, Status.EXPIRED),
])
def test_saxo_order_log_statuses_map_to_ours(saxo, filled, expected) -> None:
    entry = OrderLogEntry("1", "ref", saxo, NOW, Decimal(filled) if filled else None,
                        Decimal("100.5"))

    assert change_from_entry(entry, order_id="o").status == expected


@pytest.mark.parametrize("status", list(Status))
def test_the_sequence_encodes_allowed_from(status: Status) -> None:
    """`status_seq < seq` alone (the store's condition) admits exactly `allowed_from`."""
    later = NOW + timedelta(minutes=1)
    for before in Status:
        admitted = sequence(NOW, before) < sequence(later, status)
        assert admitted == (before in allowed_from(status)), (before, status)


def test_an_unknown_saxo_status_changes_nothing() -> None:
    assert change_from_entry(OrderLogEntry("1", None, "Mystery", NOW), order_id="o") is None


def test_events_are_pruned_with_the_rest_after_the_window(db) -> None:
    from korder_site.purges import PURGES

    keep, old = (OrderEvent.objects.create(
        order_id="3f1c6a52-63d0-4c59-9a8e-1b2a1f6f0d1" + str(i), workflow_id="wf",
        status="working", at=NOW, seq=i, source="placement", created_at=created)
        for i, created in ((1, NOW - timedelta(days=6)), (2, NOW - timedelta(days=8))))

    assert events.purge_events(now=NOW) == 1
    assert list(OrderEvent.objects.all()) == [keep] and old.pk is not None
    assert "order lifecycle events" in [label for label, _ in PURGES]
