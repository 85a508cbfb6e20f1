"""Isolation: one workflow's failure never stops the others; each failure is reported once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from orders import services as order_services
from orders.models import OutboxRecord
from tests.fixtures.order_store import make_order_record
from workflows import engine
from workflows.core.types import BrokerError, OrderIntent, Placement
from workflows.models import ClaimStatus, Decision, RunClaim
from workflows.models import Outcome as LogOutcome

from .conftest import NOW

pytestmark = pytest.mark.django_db


def orders_of(workflow) -> list:
    return order_services.list_workflow_orders(workflow_id=str(workflow.id), now=NOW)


class StoreOutageDuring:
    """Wraps the real notifier: the order store is down while `workflow_name` is handled."""

    def __init__(self, notifier, order_store, workflow_name: str):
        self.notifier, self.order_store, self.workflow_name = notifier, order_store, workflow_name

    def order(self, intent: OrderIntent, **kwargs) -> None:
        self.notifier.order(intent, **kwargs)
        if intent.workflow_name == self.workflow_name:
            self.order_store.stop()
        else:
            self.order_store.start()

    def error(self, **kwargs) -> None:
        self.notifier.error(**kwargs)


def test_failed_fetch_and_failed_store_write_do_not_stop_the_others(
    slack_server, order_store, make_workflow, deps
):
    make_workflow("a no data", cfd="NODATA.I")
    outage = make_workflow("b store down")
    fine = make_workflow("c fine")
    notifier = StoreOutageDuring(deps.notifier, order_store, "b store down")

    summary = engine.run(NOW, deps=replace(deps, notifier=notifier))

    assert (summary.evaluated, summary.placed, summary.failed) == (3, 2, 1)
    assert len(orders_of(fine)) == 1
    errors = slack_server.messages("#errors")
    assert len(errors) == 2
    assert "`a no data`" in errors[0]["text"] and "NODATA.I" in errors[0]["text"]
    assert "`b store down`" in errors[1]["text"] and "outbox" in errors[1]["text"]
    assert OutboxRecord.objects.filter(flushed_at__isnull=True).count() == 1
    assert RunClaim.objects.get(workflow_name="b store down").status == ClaimStatus.OUTBOXED

    order_store.start()
    engine.run(NOW.replace(hour=15, minute=1), deps=deps)  # the next run lands the record

    [record] = orders_of(outage)
    assert record.placed_at == NOW
    assert OutboxRecord.objects.filter(flushed_at__isnull=True).count() == 0
    assert RunClaim.objects.get(workflow_name="b store down").status == ClaimStatus.RECORDED


class PointStoreAt:
    """Wraps the real notifier: after the order of `workflow_name` is notified, the order store
    points at `endpoint` (e.g. a server that never answers)."""

    def __init__(self, notifier, settings, endpoint: str, workflow_name: str):
        self.notifier, self.settings = notifier, settings
        self.endpoint, self.workflow_name = endpoint, workflow_name

    def order(self, intent: OrderIntent, **kwargs) -> None:
        self.notifier.order(intent, **kwargs)
        if intent.workflow_name == self.workflow_name:
            self.settings.KORDER_DYNAMODB_ENDPOINT = self.endpoint

    def error(self, **kwargs) -> None:
        self.notifier.error(**kwargs)


def test_any_failure_of_the_write_keeps_the_record_in_the_outbox_and_the_flush_lands_it(
    slack_server, order_store, make_workflow, deps, settings
):
    from tests.fixtures.broken_store import BrokenStore

    workflow = make_workflow("frozen store")
    settings.KORDER_DYNAMODB_READ_TIMEOUT_MS = 300
    frozen = BrokenStore("silent")  # reads the request, never answers: ReadTimeoutError
    notifier = PointStoreAt(deps.notifier, settings, frozen.endpoint, "frozen store")
    try:
        summary = engine.run(NOW, deps=replace(deps, notifier=notifier))
    finally:
        frozen.close()

    assert (summary.placed, summary.failed) == (1, 0)
    claim = RunClaim.objects.get(workflow_name="frozen store")
    assert claim.status == ClaimStatus.OUTBOXED
    assert OutboxRecord.objects.filter(flushed_at__isnull=True).count() == 1
    [error] = slack_server.messages("#errors")
    assert "outbox" in error["text"] and "not recorded" not in error["text"]

    order_store.start()
    call_command("flush_outbox", stdout=StringIO())

    [record] = orders_of(workflow)
    assert record.id == str(claim.order_id)
    assert RunClaim.objects.get(workflow_name="frozen store").status == ClaimStatus.RECORDED


def test_a_frozen_store_costs_a_run_one_timeout_not_one_per_triggered_workflow(
    slack_server, order_store, make_workflow, deps, settings
):
    from tests.fixtures.broken_store import BrokenStore

    workflows = [make_workflow(f"frozen {n}") for n in range(4)]
    settings.KORDER_DYNAMODB_READ_TIMEOUT_MS = 300
    frozen = BrokenStore("silent")
    settings.KORDER_DYNAMODB_ENDPOINT = frozen.endpoint
    try:
        summary = engine.run(NOW, deps=deps)
    finally:
        frozen.close()

    assert (summary.placed, summary.failed) == (4, 0)
    assert OutboxRecord.objects.filter(flushed_at__isnull=True).count() == 4
    # The first workflow's read of its previous order timed out (2 attempts); every later
    # read and write of the run, and the outcome step, skipped the store instead of timing
    # out again (was 16 requests, and 24 with the outcome step's reads).
    assert frozen.requests <= 4, frozen.requests
    order_store.start()
    settings.KORDER_DYNAMODB_ENDPOINT = order_store.endpoint
    call_command("flush_outbox", stdout=StringIO())
    assert all(len(orders_of(w)) == 1 for w in workflows)


def test_a_colliding_record_is_kept_in_the_outbox_not_dropped(
    slack_server, order_store, make_workflow, deps
):
    workflow = make_workflow("collides")
    intruder = make_order_record(workflow_id=str(workflow.id), placed_at=NOW)
    assert order_services.record_order(record=intruder) == "stored"

    # no outcome step: it would (rightly) add outcome_* to the intruder, and this compares it whole
    summary = engine.run(NOW, deps=deps, options=engine.RunOptions(measure_outcomes=False))

    assert (summary.placed, summary.failed) == (1, 0)
    [row] = OutboxRecord.objects.all()
    assert row.workflow_id == str(workflow.id) and "already holds key" in row.last_error
    assert RunClaim.objects.get().status == ClaimStatus.OUTBOXED
    assert [(r.id, r.order_price) for r in orders_of(workflow)] == [
        (intruder.id, intruder.order_price)]  # never overwritten


class RejectingBroker:
    name = "saxo"

    def __init__(self) -> None:
        self.placed: list[str] = []

    def asset_type(self, symbol: str) -> str | None:
        return "CfdOnIndex"

    def place(self, intent: OrderIntent, *, order_id: str) -> Placement:
        if intent.workflow_name.startswith("rejected"):
            raise BrokerError("Not enough margin", code="InsufficientMargin", status=400)
        if intent.workflow_name.startswith("boom"):
            raise RuntimeError("broker exploded")
        self.placed.append(order_id)
        return Placement(broker="saxo", broker_order_id=f"S-{len(self.placed)}")


def test_broker_rejection_and_unexpected_errors_are_logged_reported_and_isolated(
    slack_server, order_store, make_workflow, deps
):
    rejected = make_workflow("rejected one")
    boom = make_workflow("boom one")
    fine = make_workflow("z fine")
    broker = RejectingBroker()

    summary = engine.run(NOW, deps=replace(deps, broker=broker))

    assert (summary.placed, summary.failed) == (1, 2)
    [refused] = orders_of(rejected)  # SPEC §12: a rejection is in the history too
    assert (refused.status, refused.broker_error, refused.broker_order_id) == (
        "rejected", "InsufficientMargin: Not enough margin", None)
    assert orders_of(boom) == []
    [record] = orders_of(fine)
    assert (record.broker, record.broker_order_id) == ("saxo", "S-1")
    log = Decision.objects.get(workflow_id=rejected.id)
    assert log.outcome == LogOutcome.REJECTED
    assert "InsufficientMargin: Not enough margin" in log.broker_result
    assert RunClaim.objects.get(workflow_name="rejected one").status == ClaimStatus.FAILED
    assert Decision.objects.get(workflow_id=boom.id).outcome == LogOutcome.FAILED
    assert len(slack_server.messages("#errors")) == 2

    again = engine.run(NOW, deps=replace(deps, broker=broker))
    assert again.placed == 0 and len(broker.placed) == 1


def test_an_order_placed_but_not_recorded_by_a_crashed_run_is_recorded_once_next_run(
    order_store, make_workflow, deps
):
    workflow = make_workflow("crashed")
    crashed_at = datetime(2026, 2, 20, 14, 1, 5, 123456, tzinfo=UTC)
    RunClaim.objects.create(
        workflow_id=workflow.id, workflow_name=workflow.name,
        trigger_candle_time=datetime(2026, 2, 20, 14, 0, tzinfo=UTC), side="sell",
        order_id="3f1c6a52-63d0-4c59-9a8e-1b2a1f6f0d11", placed_at=crashed_at,
        status=ClaimStatus.PLACED, broker="notify", claimed_at=crashed_at, updated_at=crashed_at,
    )

    summary = engine.run(NOW, deps=deps)

    assert summary.placed == 0
    [record] = orders_of(workflow)
    assert record.id == "3f1c6a52-63d0-4c59-9a8e-1b2a1f6f0d11" and record.placed_at == crashed_at
    assert RunClaim.objects.get().status == ClaimStatus.RECORDED
    engine.run(NOW, deps=deps)
    assert len(orders_of(workflow)) == 1


def test_a_claim_left_without_outcome_is_never_placed_again(order_store, make_workflow, deps):
    workflow = make_workflow("claimed only")
    RunClaim.objects.create(
        workflow_id=workflow.id, workflow_name=workflow.name,
        trigger_candle_time=datetime(2026, 2, 20, 14, 0, tzinfo=UTC), side="sell",
        order_id="5b0e9c1e-4a4f-4d7e-9c36-3e1f7c0b2a22", placed_at=NOW,
        claimed_at=NOW, updated_at=NOW,
    )

    summary = engine.run(NOW, deps=deps)

    assert (summary.placed, summary.skipped) == (0, 1)
    assert orders_of(workflow) == []
    log = Decision.objects.get(workflow_id=workflow.id)
    assert log.outcome == LogOutcome.ALREADY_HANDLED and "(claimed)" in log.reason


def test_slack_failures_never_block_placing_or_recording(
    slack_server, order_store, make_workflow, deps
):
    workflow = make_workflow("dax zone below")
    slack_server.fail_with("channel_not_found")

    summary = engine.run(NOW, deps=deps)

    assert summary.placed == 1
    assert len(orders_of(workflow)) == 1


def test_rate_limited_slack_calls_are_retried(slack_server, order_store, make_workflow, deps):
    make_workflow("dax zone below")
    slack_server.rate_limit(1)

    engine.run(NOW, deps=deps)

    assert len(slack_server.messages("#workflows")) == 1
    assert [c["method"] for c in slack_server.calls] == ["chat.postMessage"] * 2
