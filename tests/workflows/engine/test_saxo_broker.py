"""KORDER_BROKER=saxo through build_deps(): orders reach the (fake) Saxo gateway once, with our
order id as ExternalReference and X-Request-ID; dry runs and re-runs never do."""

from __future__ import annotations

import pytest

from orders import services as order_services
from workflows import engine
from workflows.engine.deps import build_deps
from workflows.models import Decision
from workflows.models import Outcome as LogOutcome

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def saxo_settings(settings, csv_dir, saxo_broker):  # csv_dir first: it sets the notify broker
    return settings


def test_saxo_orders_carry_our_order_id_and_are_sent_once(
    saxo_settings, fake_saxo, order_store, make_workflow
):
    live = make_workflow("live dax")
    dry = make_workflow("dry dax", dry_run=True)
    deps = build_deps()

    engine.run(NOW, deps=deps)
    engine.run(NOW, deps=deps)

    [sent] = fake_saxo.requests_to("trade/v2/orders", "POST")
    [record] = order_services.list_workflow_orders(workflow_id=str(live.id), now=NOW)
    assert sent.json["ExternalReference"] == record.id
    assert sent.headers.get("x-request-id", sent.headers.get("X-Request-ID")) == record.id
    assert sent.json["ManualOrder"] is False
    assert record.broker == "saxo" and record.broker_order_id
    assert record.asset_type == "CfdOnIndex"
    [dry_record] = order_services.list_workflow_orders(workflow_id=str(dry.id), now=NOW)
    assert dry_record.dry_run is True and dry_record.broker_order_id is None


def test_a_saxo_rejection_is_in_the_decision_log_with_its_code(
    saxo_settings, fake_saxo, order_store, make_workflow
):
    workflow = make_workflow("live dax")
    fake_saxo.queue("POST", "trade/v2/orders", status=400,
                    json={"ErrorCode": "InsufficientMargin", "Message": "Not enough margin"})

    summary = engine.run(NOW, deps=build_deps())

    assert summary.failed == 1
    log = Decision.objects.get(workflow_id=workflow.id)
    assert log.outcome == LogOutcome.REJECTED
    assert "InsufficientMargin" in log.broker_result and "Not enough margin" in log.reason
    [row] = order_services.list_workflow_orders(workflow_id=str(workflow.id), now=NOW)
    assert row.status == "rejected"  # SPEC §12: the history shows what failed, with Saxo's error
    assert row.broker_error.startswith("InsufficientMargin: Not enough margin")
