"""The lifecycle in the API (SPEC §7, §12): `status` on history and single-order answers (the
contract's fields unchanged), and `GET /api/workflow/orders/{id}/events`."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from orders import events, services
from orders.lifecycle import Status, StatusChange
from tests.api.contract import assert_matches
from tests.fixtures.order_store import make_order_record

pytestmark = pytest.mark.django_db
UNKNOWN = "0ff85e08-6908-4ddc-b53d-7be6bcb2eac9"


@pytest.fixture
def filled(make_workflow, order_store):
    """A saxo order placed 20 minutes ago and filled 5 minutes ago (through the services)."""
    workflow = make_workflow()
    placed_at = timezone.now() - timedelta(minutes=20)
    record = make_order_record(workflow_id=str(workflow.id), workflow_name=workflow.name,
                               placed_at=placed_at, broker="saxo", broker_order_id="76288494",
                               status="working", status_at=placed_at)
    services.record_order(record=record)
    events.record_placement_event(record)
    fill = StatusChange(order_id=record.id, status=Status.FILLED, source="sync",
                        at=timezone.now() - timedelta(minutes=5), detail="Saxo: FinalFill",
                        filled_price=Decimal("22150.5"), filled_quantity=Decimal("0.1"))
    assert events.apply_change(key=events.key_of(record), change=fill)
    return workflow, record


def test_history_items_carry_the_status_and_still_match_the_contract(api: Client, filled):
    workflow, record = filled
    legacy = make_order_record(workflow_id=str(workflow.id), placed_at=timezone.now())
    services.record_order(record=legacy)  # a row written before the lifecycle: no status

    body = api.get(f"/api/workflow/workflows/{workflow.id}/orders").json()

    for item in body["orders"]:
        assert_matches("WorkflowOrderListItem", item)
    assert [o["status"] for o in body["orders"]] == ["notified", "filled"]


def test_one_order_carries_status_and_fill(api: Client, filled):
    _, record = filled

    body = api.get(f"/api/workflow/orders/{record.id}").json()

    assert_matches("WorkflowOrderDetail", body)
    assert (body["status"], body["filled_price"], body["filled_quantity"]) == (
        "filled", 22150.5, 0.1)
    assert body["filled_at"].endswith("Z") and body["replaces"] is None


def test_events_list_every_transition_oldest_first(api: Client, filled):
    _, record = filled

    response = api.get(f"/api/workflow/orders/{record.id}/events")

    assert response.status_code == 200
    body = response.json()
    assert (body["order_id"], body["status"]) == (record.id, "filled")
    assert [(e["previous_status"], e["status"], e["source"]) for e in body["events"]] == [
        ("", "working", "placement"), ("working", "filled", "sync")]
    assert body["events"][1]["filled_price"] == 22150.5
    assert body["events"][1]["detail"] == "Saxo: FinalFill"


def test_events_of_an_unknown_or_malformed_order(api: Client, order_store):
    assert api.get(f"/api/workflow/orders/{UNKNOWN}/events").status_code == 404
    assert api.get("/api/workflow/orders/not-a-uuid/events").status_code == 422


def test_events_need_authentication(client: Client, order_store):
    assert client.get(f"/api/workflow/orders/{UNKNOWN}/events").status_code == 401
