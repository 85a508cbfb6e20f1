"""engine.run end to end: evaluate, claim, place, notify (loopback Slack), record (dynalite),
explain (decision log)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from orders import services as order_services
from workflows import engine
from workflows.engine.decisions import RunOptions
from workflows.models import ClaimStatus, Decision, RunClaim
from workflows.models import Outcome as LogOutcome

from .conftest import NOW

pytestmark = pytest.mark.django_db


def orders_of(workflow) -> list:
    return order_services.list_workflow_orders(workflow_id=str(workflow.id), now=NOW)


def test_triggered_workflow_is_placed_notified_recorded_and_logged(
    slack_server, order_store, make_workflow, deps
):
    hit = make_workflow("dax zone below")
    miss = make_workflow("dax zone far away", low=1000, high=2000)

    summary = engine.run(NOW, deps=deps)

    assert (summary.evaluated, summary.triggered, summary.placed, summary.skipped,
            summary.failed) == (2, 1, 1, 1, 0)
    [record] = orders_of(hit)
    assert orders_of(miss) == []
    assert (record.order_direction, record.order_type, record.order_code) == (
        "SELL", "OPEN_STOP", "GER40.I")
    assert record.asset_type == "CfdOnIndex" and record.broker == "notify"
    assert record.placed_at == NOW and record.execution_context.startswith("run_workflows@")
    [message] = slack_server.messages("#workflows")
    assert message["text"] == (
        f"Workflow `dax zone below` will trigger an order Sell for 0.5 GER40.I at "
        f"{record.order_price.normalize():f}: last price {record.trigger_close.normalize():f}"
    )
    assert [b["type"] for b in message["blocks"]] == ["header", "section", "context"]
    assert slack_server.messages("#errors") == []


def test_decision_log_explains_every_evaluated_workflow(order_store, make_workflow, deps):
    hit = make_workflow("dax zone below")
    miss = make_workflow("dax zone far away", low=1000, high=2000)

    engine.run(NOW, deps=deps)

    ordered = Decision.objects.get(workflow_id=hit.id)
    skipped = Decision.objects.get(workflow_id=miss.id)
    assert ordered.outcome == LogOutcome.ORDERED and ordered.condition_holds is True
    assert ordered.order["side"] == "SELL" and ordered.order_id is not None
    assert skipped.outcome == LogOutcome.NO_ORDER and skipped.condition_holds is False
    assert skipped.skip_code == "condition_false"
    assert skipped.indicator_value == "zone [1000, 2000]"
    assert "not in [1000, 2000]" in skipped.reason
    assert skipped.close_price == Decimal(str(skipped.close_price))
    assert skipped.candles["close"]["time"] == "2026-02-20T14:00:00+00:00"
    assert skipped.candles["trigger"]["ut"] == "h1"
    assert skipped.evaluated_at == NOW


def test_a_second_run_on_the_same_candle_places_and_records_nothing_again(
    slack_server, order_store, make_workflow, deps
):
    hit = make_workflow("dax zone below")

    first = engine.run(NOW, deps=deps)
    second = engine.run(NOW.replace(minute=45), deps=deps)

    assert (first.placed, second.placed, second.skipped) == (1, 0, 1)
    assert len(orders_of(hit)) == 1
    assert len(slack_server.messages()) == 1
    claim = RunClaim.objects.get()
    assert claim.status == ClaimStatus.RECORDED
    latest = Decision.objects.filter(workflow_id=hit.id).order_by("-evaluated_at").first()
    assert latest.outcome == LogOutcome.ALREADY_HANDLED
    assert str(claim.order_id) in latest.reason


def test_stock_orders_go_to_the_stock_channel(slack_server, order_store, make_workflow, deps):
    make_workflow("itp zone", index="ITP:xpar", cfd="ITP:xpar", low=100, high=200)

    engine.run(NOW, deps=deps)

    [message] = slack_server.messages("#workflows-stock")
    assert "ITP:xpar" in message["text"]
    assert slack_server.messages("#workflows") == []


def test_dry_run_is_notified_and_recorded_but_never_reaches_the_broker(
    slack_server, order_store, make_workflow, deps
):
    class ExplodingBroker:
        name = "saxo"

        def asset_type(self, symbol: str) -> str | None:
            raise AssertionError("dry run must not reach the broker")

        def place(self, intent, *, order_id):
            raise AssertionError("dry run must not reach the broker")

    live = make_workflow("dax zone below")
    summary = engine.run(NOW, deps=replace(deps, broker=ExplodingBroker()),
                         options=RunOptions(dry_run=True))

    assert summary.placed == 1
    [record] = orders_of(live)
    assert record.dry_run is True and record.broker == "notify"
    [message] = slack_server.messages()
    assert message["text"].startswith("[DRY RUN] Workflow `dax zone below`")


def test_workflow_selection_by_name_or_id_and_shards(make_workflow, deps):
    a = make_workflow("a")
    b = make_workflow("b", enabled=False)
    make_workflow("c")

    names = [s.name for s in engine.runs.due_specs(NOW.date(), RunOptions(names_or_ids=[
        "a", str(b.id)]))]
    assert names == ["a"]  # b is disabled: never due
    shards = [engine.runs.due_specs(NOW.date(), RunOptions(shard=(k, 2))) for k in (1, 2)]
    assert sorted(s.name for part in shards for s in part) == ["a", "c"]
    with pytest.raises(engine.UnknownWorkflowError, match="nope"):
        engine.runs.due_specs(NOW.date(), RunOptions(names_or_ids=["nope"]))
    assert a.id


def test_recent_decisions_lists_a_workflows_newest_decisions_first(order_store, make_workflow,
                                                                   deps):
    workflow = make_workflow("dax zone below")
    for minute in (31, 45):  # the same trigger candle (13:00)
        engine.run(NOW.replace(hour=13, minute=minute), deps=deps)

    rows = engine.ledger.recent_decisions(workflow_id=str(workflow.id), limit=5)

    assert [r.evaluated_at.minute for r in rows] == [45, 31]
    assert [r.outcome for r in rows] == [LogOutcome.ALREADY_HANDLED, LogOutcome.ORDERED]


def test_a_forced_dry_run_does_not_use_up_the_live_order_of_the_candle(
    order_store, make_workflow, deps
):
    live = make_workflow("dax zone below")

    rehearsal = engine.run(NOW, deps=deps, options=RunOptions(dry_run=True))
    real = engine.run(NOW.replace(minute=40), deps=deps)
    again = engine.run(NOW.replace(minute=50), deps=deps)

    assert (rehearsal.placed, real.placed, again.placed) == (1, 1, 0)
    records = orders_of(live)
    assert sorted(r.dry_run for r in records) == [False, True]
    assert RunClaim.objects.filter(workflow_id=live.id).count() == 2
