"""After placement on the fake Saxo: the paged order log, modify (PATCH), cancel (DELETE),
working orders and positions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.fixtures.fake_saxo import ACCOUNT_KEY, Reply
from workflows.core.types import BrokerError, OrderIntent, OrderType, Side
from workflows.saxo.broker import SaxoBroker
from workflows.saxo.errors import SaxoError

START = datetime(2026, 2, 20, 9, 0, tzinfo=UTC)


def intent(price: str = "22150", quantity: str = "20") -> OrderIntent:
    return OrderIntent(workflow_id="wf", workflow_name="zone", code="GER40.I",
                       price=Decimal(price), quantity=Decimal(quantity), side=Side.SELL,
                       order_type=OrderType.OPEN_STOP,
                       trigger_candle_time=START, close_price=Decimal("22200"))


@pytest.fixture
def broker(fake_saxo):
    fake_saxo.book.clock = lambda: START
    return SaxoBroker(fake_saxo.client())


def place(broker, n: int = 1) -> list[str]:
    return [broker.place(intent(), order_id=f"ours-{i}").broker_order_id for i in range(n)]


def test_the_order_log_is_one_paged_read_with_the_latest_state_of_each_order(fake_saxo, broker):
    ids = place(broker, 5)
    fake_saxo.book.clock = lambda: START + timedelta(minutes=5)
    fake_saxo.book.fill(ids[0], amount=5, price=22149.5)
    fake_saxo.book.fill(ids[1], price=22150)
    fake_saxo.book.cancel(ids[2])
    fake_saxo.book.page_size = 2
    fake_saxo.requests.clear()

    entries = broker.order_log(since=START - timedelta(days=7))

    assert {e.broker_order_id: e.status for e in entries} == {
        ids[0]: "Fill", ids[1]: "FinalFill", ids[2]: "Cancelled", ids[3]: "Working",
        ids[4]: "Working"}
    reads = fake_saxo.requests_to("cs/v1/audit/orderactivities")
    assert len(reads) == 3  # 5 entries, 2 a page
    assert reads[0].query["EntryType"] == "Last" and reads[0].query["AccountKey"] == ACCOUNT_KEY
    assert reads[0].query["FromDateTime"] == "2026-02-13T09:00:00Z"
    partial = next(e for e in entries if e.broker_order_id == ids[0])
    assert (partial.filled_amount, partial.price, partial.external_reference) == (
        Decimal("5"), Decimal("22149.5"), "ours-0")


def test_a_next_link_to_another_host_is_not_followed(fake_saxo, broker):
    fake_saxo.queue("GET", "cs/v1/audit/orderactivities", json={
        "Data": [], "__next": "https://evil.example/sim/openapi/cs/v1/audit/orderactivities"})

    with pytest.raises(SaxoError, match="outside the gateway"):
        broker.order_log(since=START)


def test_modify_patches_the_working_order_with_its_order_id(fake_saxo, broker):
    [order_id] = place(broker)

    placement = broker.modify(intent(price="22101.04", quantity="20"), broker_order_id=order_id,
                              order_id="ours-2")

    [patch] = fake_saxo.requests_to("trade/v2/orders", "PATCH")
    assert patch.json == {"AccountKey": ACCOUNT_KEY, "OrderId": order_id,
                          "AssetType": "CfdOnIndex", "Amount": 20, "OrderType": "StopIfTraded",
                          "OrderPrice": 22101.0,
                          "OrderDuration": {"DurationType": "GoodTillCancel"}}
    assert placement.broker_order_id == order_id
    assert len(fake_saxo.requests_to("trade/v2/orders", "POST")) == 1
    assert fake_saxo.book.order(order_id)["OrderPrice"] == 22101.0


def test_modifying_an_order_that_is_no_longer_working_raises_saxos_reason(fake_saxo, broker):
    [order_id] = place(broker)
    fake_saxo.book.fill(order_id, price=22150)

    with pytest.raises(BrokerError) as raised:
        broker.modify(intent(), broker_order_id=order_id, order_id="ours-2")
    assert raised.value.code == "OrderNotFound"


def test_cancel_deletes_once_and_a_second_cancel_is_refused(fake_saxo, broker):
    [order_id] = place(broker)

    broker.cancel(order_id)

    [delete] = fake_saxo.requests_to(f"trade/v2/orders/{order_id}", "DELETE")
    assert delete.query == {"AccountKey": ACCOUNT_KEY}
    assert fake_saxo.open_orders == []
    with pytest.raises(BrokerError, match="Order not found"):
        broker.cancel(order_id)


def test_working_orders_and_positions_carry_what_ties_them_to_our_orders(fake_saxo, broker):
    first, second = place(broker, 2)
    fake_saxo.book.fill(first, price=22150)

    [working] = broker.working_orders()
    [position] = broker.open_positions()

    assert (working.broker_order_id, working.external_reference, working.side) == (
        second, "ours-1", "Sell")
    assert working.price == Decimal("22150")
    assert (position.source_order_id, position.amount, position.open_price) == (
        first, Decimal("-20"), Decimal("22150"))


def test_a_server_error_on_cancel_is_a_broker_error(fake_saxo, broker):
    fake_saxo.queue("DELETE", "trade/v2/orders/42", Reply(status=503))

    with pytest.raises(BrokerError):
        broker.cancel("42")
