"""Order answers: the one-call JSON answer (`json_answer`) says exactly what ninja's own
validate-dump-encode round says for the same model (no server, no database)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from ninja.renderers import JSONRenderer

from orders.lifecycle import Status
from orders.schemas import BlotterOut, OrderHistoryOut, json_answer
from tests.fixtures.order_store import make_order_record


def ninja_json(model) -> object:
    """What ninja renders for `model` as a response (model_dump, then its JSON encoder)."""
    return json.loads(JSONRenderer().render(None, model.model_dump(), response_status=200))


def _orders() -> list:
    return [
        make_order_record(),  # microseconds: ninja shows milliseconds
        make_order_record(placed_at=datetime(2026, 2, 22, 14, 30, tzinfo=UTC),  # none at all
                          dry_run=True, broker_order_id="5000123", asset_type=None,
                          status=Status.FILLED.value, filled_price=None),
        make_order_record(placed_at=datetime(2026, 2, 22, 15, 30, 0, 999,
                                             tzinfo=timezone(timedelta(hours=2))),
                          order_price=1e-05, workflow_name="DAX «é» \"quoted\""),
    ]


@pytest.mark.parametrize("build", [
    lambda orders: OrderHistoryOut.model_validate({
        "workflow_id": orders[0].workflow_id, "orders": orders, "total_count": 7, "limit": 3,
        "next_before": orders[-1].placed_at}),
    lambda orders: BlotterOut.model_validate({
        "orders": orders, "next_cursor": None, "since": datetime(2026, 2, 15, tzinfo=UTC),
        "until": datetime(2026, 2, 22, 16, 0, 0, 5, tzinfo=UTC), "limit": 50}),
], ids=["history", "blotter"])
def test_the_one_call_answer_is_what_ninja_would_render(build) -> None:
    model = build(_orders())

    answer = json_answer(model)

    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(answer.content) == ninja_json(model)


def test_times_are_utc_with_milliseconds_at_most() -> None:
    model = OrderHistoryOut.model_validate({
        "workflow_id": "w", "orders": _orders(), "total_count": 3, "limit": 3,
        "next_before": None})

    placed = [order["placed_at"] for order in json.loads(json_answer(model).content)["orders"]]

    assert placed == ["2026-02-22T14:30:00.123Z", "2026-02-22T14:30:00Z",
                      "2026-02-22T13:30:00.000Z"]
