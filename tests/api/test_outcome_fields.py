"""History and single-order answers carry the outcome fields (SPEC §7, §12): additive, the
contract's fields unchanged."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.test import Client
from django.utils import timezone

from orders import services
from tests.api.contract import assert_matches
from tests.fixtures.order_store import make_order_record

pytestmark = pytest.mark.django_db


def measured_order(workflow):
    now = timezone.now()
    record = make_order_record(workflow_id=str(workflow.id), workflow_name=workflow.name,
                               placed_at=now - timedelta(hours=2), order_price=D("200"))
    services.record_order(record=record)
    services.record_outcome(record=record, values={
        "outcome_triggered": True, "outcome_triggered_at": now - timedelta(minutes=100),
        "outcome_entry": D("200"), "outcome_mfe": D("3"), "outcome_mae": D("1.5"),
        "outcome_mfe_1h": D("2"), "outcome_mae_1h": D("0"), "outcome_final": False,
        "outcome_at": now})
    return record


def test_history_items_carry_the_outcome_and_still_match_the_contract(api: Client, make_workflow,
                                                                     order_store) -> None:
    workflow = make_workflow()
    measured_order(workflow)

    body = api.get(f"/api/workflow/workflows/{workflow.id}/orders").json()

    assert_matches("WorkflowOrderHistoryResponse", body)
    [item] = body["orders"]
    assert_matches("WorkflowOrderListItem", item)
    assert item["outcome_triggered"] is True and item["outcome_final"] is False
    assert (item["outcome_entry"], item["outcome_mfe"], item["outcome_mae"]) == (200, 3, 1.5)
    assert (item["outcome_mfe_pct"], item["outcome_mae_pct"]) == (1.5, 0.75)
    assert (item["outcome_mfe_1h"], item["outcome_mfe_1h_pct"]) == (2, 1.0)
    assert item["outcome_mfe_4h"] is None and item["outcome_at"].endswith("Z")


def test_the_single_order_answer_carries_the_outcome(api: Client, make_workflow,
                                                     order_store) -> None:
    record = measured_order(make_workflow())

    body = api.get(f"/api/workflow/orders/{record.id}").json()

    assert_matches("WorkflowOrderDetail", body)
    assert body["outcome_triggered"] is True and body["outcome_mae_pct"] == 0.75


def test_an_order_not_measured_yet_has_null_outcome_fields(api: Client, make_workflow,
                                                           order_store) -> None:
    workflow = make_workflow()
    record = make_order_record(workflow_id=str(workflow.id), placed_at=timezone.now())
    services.record_order(record=record)

    body = api.get(f"/api/workflow/orders/{record.id}").json()

    assert_matches("WorkflowOrderDetail", body)
    assert body["outcome_triggered"] is None and body["outcome_mfe_pct"] is None
