"""One working order per workflow (SPEC §12), replayed on the sample data with the fake Saxo:
the zone workflow that used to stack a SELL stop every hour now modifies one order (PATCH), its
history shows the replaced chain, and an open position from it blocks later triggers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command

from orders import services as order_services
from orders.models import OrderEvent
from tests.workflows.engine.conftest import NOW
from workflows import engine
from workflows.engine.brokers import NotifyOnlyBroker
from workflows.engine.decisions import RunOptions
from workflows.engine.deps import Deps
from workflows.engine.market_data import CsvMarketData
from workflows.engine.notifiers import LogNotifier
from workflows.engine.schedule import session_slots
from workflows.models import ClaimStatus, Decision, RunClaim, Workflow
from workflows.saxo.broker import SaxoBroker

pytestmark = pytest.mark.django_db
ZONE = "sample sell zone h1 totalenergies"
SAMPLE = Path(__file__).resolve().parents[3] / "sample" / "workflows.yml"
UNTIL = datetime(2026, 2, 20, 16, 0, tzinfo=UTC)  # a Friday, end of the sample walk


@pytest.fixture
def replay(tmp_path, settings, order_store, fake_saxo):
    """The sample workflows, 25 days of sample bars up to UNTIL, the Saxo broker on the fake."""
    settings.KORDER_BROKER = "saxo"
    call_command("import_workflows", str(SAMPLE), verbosity=0)
    call_command("make_sample_data", out=tmp_path, days=25, until=UNTIL.isoformat(),
                 verbosity=0)
    fake_saxo.add_instrument("TTE:xpar", 1940, "Stock", description="TotalEnergies",
                             exchange_id="PAR")
    deps = Deps(market_data=CsvMarketData(tmp_path), broker=SaxoBroker(fake_saxo.client()),
                notifier=LogNotifier(), execution_context="test")
    workflow = Workflow.objects.get(name=ZONE)

    def run(slot: datetime):
        fake_saxo.book.clock = lambda: slot
        return engine.run(slot, deps=deps, options=RunOptions(names_or_ids=[ZONE]))

    return workflow, run


def history(workflow: Workflow, now: datetime):
    return order_services.list_workflow_orders(workflow_id=str(workflow.id), now=now, limit=100)


def test_two_days_of_triggers_leave_one_working_order_modified_by_patches(replay, fake_saxo):
    workflow, run = replay
    slots = session_slots(UNTIL - timedelta(days=2), UNTIL)
    for slot in slots:
        run(slot)
        assert len(fake_saxo.open_orders) <= 1, f"stacked orders at {slot}"

    rows = history(workflow, UNTIL)
    assert len(rows) >= 3, "the sample zone workflow should trigger repeatedly"
    assert len(fake_saxo.requests_to("trade/v2/orders", "POST")) == 1
    assert len(fake_saxo.requests_to("trade/v2/orders", "PATCH")) == len(rows) - 1
    newest, *older = rows
    assert newest.status == "working" and newest.replaces == older[0].id
    assert all(row.status == "replaced" for row in older)
    assert [row.replaces for row in rows[:-1]] == [row.id for row in rows[1:]]
    assert rows[-1].replaces is None
    assert {row.broker_order_id for row in rows} == {fake_saxo.open_orders[0]["OrderId"]}
    assert OrderEvent.objects.filter(order_id=older[0].id, status="replaced").count() == 1


def test_a_fill_is_synced_and_the_open_position_blocks_later_triggers(replay, fake_saxo):
    workflow, run = replay
    slots = session_slots(UNTIL - timedelta(days=2), UNTIL)
    triggered = [slot for slot in slots if run(slot).placed]
    first, later = triggered[0], slots[slots.index(triggered[0]) + 1:]
    [order] = fake_saxo.open_orders
    fake_saxo.book.clock = lambda: first + timedelta(minutes=10)
    fake_saxo.book.fill(order["OrderId"], price=order["OrderPrice"])

    fake_saxo.requests.clear()
    summaries = [run(slot) for slot in later]

    assert sum(s.placed for s in summaries) == 0
    assert fake_saxo.requests_to("trade/v2/orders") == []
    [row] = [r for r in history(workflow, UNTIL) if r.broker_order_id == order["OrderId"]
             and r.status != "replaced"]
    assert (row.status, row.filled_quantity) == ("filled", 20)
    assert row.filled_at == first + timedelta(minutes=10)
    blocked = Decision.objects.filter(workflow_id=workflow.id, skip_code="position_open")
    assert blocked.exists() and "position open" in blocked.first().reason
    events = OrderEvent.objects.filter(order_id=row.id).values_list("status", flat=True)
    assert list(events) == ["working", "filled"]


def test_notify_and_dry_run_histories_follow_the_same_rule(replay, tmp_path):
    workflow, _ = replay
    deps = Deps(market_data=CsvMarketData(tmp_path), broker=NotifyOnlyBroker(),
                notifier=LogNotifier(), execution_context="test")
    for slot in session_slots(UNTIL - timedelta(days=1), UNTIL):
        for dry_run in (False, True):  # a second apart: one key (workflow, placed_at) each
            engine.run(slot + timedelta(seconds=dry_run), deps=deps,
                       options=RunOptions(names_or_ids=[ZONE], dry_run=dry_run))

    rows = history(workflow, UNTIL)
    for mode, open_status in ((False, "notified"), (True, "dry_run")):
        chain = [row for row in rows if row.dry_run is mode]
        assert len(chain) >= 2
        assert chain[0].status == open_status
        assert {row.status for row in chain[1:]} == {"replaced"}
        assert [row.replaces for row in chain[:-1]] == [row.id for row in chain[1:]]


def test_an_order_recorded_after_a_crash_still_replaces_its_predecessor(
    order_store, make_workflow, deps
):
    workflow = make_workflow("crashed zone")
    engine.run(NOW - timedelta(hours=1), deps=deps)
    [first] = history(workflow, NOW)
    crashed_at = NOW.replace(minute=1, second=5)
    RunClaim.objects.create(  # placed (a modification: notify sends nothing), not recorded
        workflow_id=workflow.id, workflow_name=workflow.name,
        trigger_candle_time=NOW.replace(minute=0), side="sell",
        order_id="3f1c6a52-63d0-4c59-9a8e-1b2a1f6f0d11", placed_at=crashed_at,
        status=ClaimStatus.PLACED, broker="notify", claimed_at=crashed_at, updated_at=crashed_at)

    engine.run(NOW, deps=deps)

    recovered, old = history(workflow, NOW)
    assert (recovered.id, recovered.replaces, recovered.status) == (
        "3f1c6a52-63d0-4c59-9a8e-1b2a1f6f0d11", first.id, "notified")
    assert old.id == first.id and old.status == "replaced"
