"""Outcome attributes on the order row (SPEC §6.2, §12): a conditional UpdateItem that touches
only `outcome_*`, never creates a row, and stops once the outcome is final."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from orders import services, store
from tests.fixtures.order_store import make_order_record

NOW = datetime(2026, 2, 22, 15, 0, 0, tzinfo=UTC)
MEASURED = {
    "outcome_triggered": True, "outcome_triggered_at": NOW - timedelta(minutes=45),
    "outcome_entry": D("100.5"), "outcome_mfe": D("2.25"), "outcome_mae": D("0.5"),
    "outcome_mfe_1h": D("1.005"), "outcome_mae_1h": None, "outcome_final": False,
    "outcome_at": NOW,
}


@pytest.fixture(params=["dynalite", "moto"])
def order_store_endpoint(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue(f"{request.param}_server")


def stored(**fields):
    record = make_order_record(workflow_id="wf-1", placed_at=NOW - timedelta(hours=2), **fields)
    assert services.record_order(record=record) == "stored"
    return record


def test_an_outcome_is_stored_on_the_row_and_read_back_exactly(order_store) -> None:
    record = stored(order_price=D("100.5"))

    assert services.record_outcome(record=record, values=MEASURED)

    read = services.get_order(order_id=record.id, now=NOW)
    assert read.outcome_triggered is True and read.outcome_final is False
    assert (read.outcome_entry, read.outcome_mfe, read.outcome_mfe_1h) == (
        D("100.5"), D("2.25"), D("1.005"))
    assert read.outcome_mae_1h is None and read.outcome_at == NOW
    assert (read.outcome_mfe_pct, read.outcome_mfe_1h_pct) == (D("2.24"), D("1.00"))


def test_the_update_never_touches_keys_ttl_or_placement_facts(order_store) -> None:
    record = stored(broker="saxo", broker_order_id="5001")
    before = store.WorkflowOrder.get(record.workflow_id, record.placed_at, consistent_read=True)

    services.record_outcome(record=record, values=MEASURED)

    after = store.WorkflowOrder.get(record.workflow_id, record.placed_at, consistent_read=True)
    untouched = {k: v for k, v in after.attribute_values.items() if not k.startswith("outcome_")}
    assert untouched == before.attribute_values
    assert services.window_orders(workflow_id="wf-1", now=NOW)[0].id == record.id


def test_a_final_outcome_is_never_changed_again(order_store) -> None:
    record = stored()
    assert services.record_outcome(record=record, values={**MEASURED, "outcome_final": True})

    changed = services.record_outcome(record=record, values={**MEASURED, "outcome_mfe": D("9")})

    assert changed is False
    assert services.get_order(order_id=record.id, now=NOW).outcome_mfe == D("2.25")


def test_an_outcome_for_a_missing_row_creates_nothing(order_store) -> None:
    ghost = make_order_record(workflow_id="wf-1", placed_at=NOW - timedelta(hours=1))

    assert services.record_outcome(record=ghost, values=MEASURED) is False
    assert services.window_orders(workflow_id="wf-1", now=NOW) == []


def test_only_outcome_attributes_can_be_written(order_store) -> None:
    record = stored()
    with pytest.raises(ValueError, match="order_price"):
        services.record_outcome(record=record, values={"order_price": D("1")})


def test_the_window_read_pages_through_every_order_of_the_workflow(order_store) -> None:
    for minute in range(7):
        services.record_order(record=make_order_record(
            workflow_id="wf-1", placed_at=NOW - timedelta(minutes=minute)))
    services.record_order(record=make_order_record(
        workflow_id="wf-1", placed_at=NOW - timedelta(days=8)))  # outside the window

    rows = store.query_window(workflow_id="wf-1", since=NOW - timedelta(days=7), page_size=3)

    assert len(rows) == 7
    assert rows == sorted(rows, key=lambda r: r.placed_at, reverse=True)


def test_an_outcome_measured_earlier_never_overwrites_a_later_one(order_store) -> None:
    record = stored()
    assert services.record_outcome(record=record, values=MEASURED)

    earlier = {**MEASURED, "outcome_at": NOW - timedelta(minutes=30), "outcome_mfe": D("0.1")}

    assert services.record_outcome(record=record, values=earlier) is False
    assert services.get_order(order_id=record.id, now=NOW).outcome_mfe == D("2.25")
