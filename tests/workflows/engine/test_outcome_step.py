"""The engine's outcome step and run ledger (SPEC §12): later runs measure each order's outcome
from the run's market data and store it on the row; each run writes start/end/summary/host."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest

from orders import services as order_services
from workflows import engine
from workflows.core.types import Bar
from workflows.engine.decisions import RunOptions
from workflows.engine.market_data import csv_file_name, write_bars_csv
from workflows.models import EngineRun, WorkflowStats

from .conftest import NOW

pytestmark = pytest.mark.django_db
MONDAY_AFTER = NOW + timedelta(days=3, minutes=30)  # past one trading day (Mon 14:31 UTC)


def only_order(workflow, now=MONDAY_AFTER):
    [record] = order_services.window_orders(workflow_id=str(workflow.id), now=now)
    return record


def write_15m(csv_dir, symbol: str, rows: list[tuple[str, str, str, str, str]]) -> None:
    """15-minute bars from (minutes after NOW, open, high, low, close) offsets in price units."""
    bars = [Bar(NOW + timedelta(minutes=int(m)), D(o), D(h), D(lo), D(c))
            for m, o, h, lo, c in rows]
    (csv_dir / csv_file_name(symbol, 15)).write_text(write_bars_csv(bars))


def test_a_later_run_stores_the_outcome_of_an_earlier_order(order_store, make_workflow, deps,
                                                            csv_dir):
    workflow = make_workflow("dax zone below")
    engine.run(NOW, deps=deps)
    price = only_order(workflow, NOW).order_price  # a SELL stop below the trigger candle
    p = lambda offset: str(price + D(str(offset)))  # noqa: E731
    write_15m(csv_dir, "GER40.I", [
        ("-16", p(9), p(9), p(-50), p(9)),  # 14:15: before the order, ignored
        ("14", p(3), p(4), p(1), p(2)),  # 14:45: above the stop
        ("29", p(2), p(2.5), p(-3), p(-1)),  # 15:00: through the stop, low 3 under it
        ("59", p(-1), p(1.5), p(-2), p(0)),  # 15:30 (after 1 h): back up 1.5 above the entry
    ])

    engine.run(MONDAY_AFTER, deps=replace_market(deps))

    record = only_order(workflow)
    assert record.outcome_triggered is True and record.outcome_final is True
    assert record.outcome_triggered_at == NOW + timedelta(minutes=29)
    assert (record.outcome_entry, record.outcome_mfe, record.outcome_mae) == (
        price, D("3"), D("1.5"))
    assert (record.outcome_mfe_1h, record.outcome_mae_1h) == (D("3"), D("0"))
    assert record.outcome_at == MONDAY_AFTER
    stats = WorkflowStats.objects.get(workflow=workflow)
    assert (stats.placed, stats.notified, stats.live, stats.dry, stats.triggered) == (1, 1, 0, 0, 1)
    assert stats.triggered_pct == D("100.00") and stats.filled_pct is None
    assert stats.median_mfe_pct == record.outcome_mfe_pct


def replace_market(deps):
    """Fresh CSV market data (the files changed after the first run)."""
    from dataclasses import replace

    from workflows.engine.market_data import CsvMarketData

    return replace(deps, market_data=CsvMarketData(deps.market_data.directory))


def test_without_15_minute_bars_the_30_minute_series_is_used(order_store, make_workflow, deps):
    workflow = make_workflow("dax zone below")
    engine.run(NOW, deps=deps)

    engine.run(NOW + timedelta(hours=2), deps=deps)

    record = only_order(workflow)
    assert record.outcome_triggered is not None and record.outcome_final is False


def test_a_replay_of_an_earlier_moment_leaves_later_orders_alone(order_store, make_workflow,
                                                                 deps):
    workflow = make_workflow("dax zone below")
    engine.run(NOW, deps=deps)
    later = only_order(workflow, NOW)

    engine.run(NOW - timedelta(hours=1), deps=deps, options=RunOptions(source="replay"))

    assert order_services.get_order(order_id=later.id, now=NOW).outcome_at is None


def test_an_order_is_measured_once_a_whole_bar_can_follow_it(order_store, make_workflow, deps):
    workflow = make_workflow("dax zone below")
    engine.run(NOW, deps=deps)
    assert only_order(workflow, NOW).outcome_at is None  # placed just now: nothing to measure

    engine.run(NOW + timedelta(minutes=15), deps=deps)

    assert only_order(workflow, NOW).outcome_at == NOW + timedelta(minutes=15)


def test_an_order_store_outage_in_the_outcome_step_never_fails_the_run(order_store,
                                                                      make_workflow, deps):
    make_workflow("dax zone below")
    engine.run(NOW, deps=deps)
    order_store.stop()

    summary = engine.run(NOW + timedelta(hours=2), deps=deps)

    assert summary.evaluated == 1 and summary.failed == 0
    assert EngineRun.objects.filter(finished_at__isnull=False).count() == 2


def test_each_run_writes_its_start_end_summary_and_host(order_store, make_workflow, deps):
    make_workflow("dax zone below")

    summary = engine.run(NOW, deps=deps, options=RunOptions(source="loop"))

    [row] = EngineRun.objects.all()
    assert row.source == "loop" and row.evaluated_at == NOW and row.host
    assert row.started_at <= row.finished_at
    assert row.summary == {"evaluated": 1, "triggered": 1, "placed": summary.placed,
                           "skipped": 0, "failed": 0, "stopped": False}


def test_a_run_that_raises_is_closed_with_its_error(order_store, deps):
    with pytest.raises(engine.UnknownWorkflowError):
        engine.run(NOW, deps=deps, options=RunOptions(names_or_ids=["nope"]))

    [row] = EngineRun.objects.all()
    assert row.finished_at is not None and "UnknownWorkflowError" in row.error


def test_run_rows_and_heartbeats_are_purged_after_7_days(db):
    from workflows.engine.runlog import purge_runs
    from workflows.models import RunnerHeartbeat

    for age in (8, 1):
        EngineRun.objects.create(started_at=NOW - timedelta(days=age), evaluated_at=NOW,
                                 host="h")
        RunnerHeartbeat.objects.create(host="h", pid=age, started_at=NOW,
                                       beat_at=NOW - timedelta(days=age))

    assert purge_runs(now=NOW) == 2
    assert EngineRun.objects.count() == 1 and RunnerHeartbeat.objects.count() == 1
