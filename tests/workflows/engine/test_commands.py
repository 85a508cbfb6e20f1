"""manage.py run_workflows / replay_sample / purge_decisions."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from orders import services as order_services
from workflows.engine.schedule import next_slot, parse_at, session_slots
from workflows.models import Decision

from .conftest import NOW

pytestmark = pytest.mark.django_db
AT = "2026-02-20T14:31:00Z"


def command(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_run_workflows_at_a_time_records_orders_and_prints_a_summary(
    order_store, make_workflow, csv_dir
):
    workflow = make_workflow("dax zone below")
    make_workflow("dax zone far away", low=1000, high=2000)

    out = command("run_workflows", "--at", AT, "-v", "2")

    assert "evaluated 2 / triggered 1 / placed 1 / skipped 1 / failed 0" in out
    assert "- dax zone far away: no_order (" in out  # progress line per workflow
    [record] = order_services.list_workflow_orders(workflow_id=str(workflow.id), now=NOW)
    assert record.placed_at == NOW


def test_run_workflows_selects_dry_runs_and_rejects_unknown_names(
    order_store, make_workflow, csv_dir
):
    chosen = make_workflow("chosen")
    make_workflow("other")

    out = command("run_workflows", "--at", AT, "--workflow", "chosen", "--dry-run")

    assert "evaluated 1 /" in out
    [record] = order_services.list_workflow_orders(workflow_id=str(chosen.id), now=NOW)
    assert record.dry_run is True
    with pytest.raises(CommandError, match="unknown workflow"):
        command("run_workflows", "--at", AT, "--workflow", "nope")
    with pytest.raises(CommandError):
        command("run_workflows", "--at", AT, "--loop")


def test_replay_sample_populates_history_from_engine_runs(order_store, make_workflow, csv_dir):
    workflow = make_workflow("dax zone below")

    out = command("replay_sample", "--days", "1")

    assert "replayed" in out and "orders placed" in out
    assert order_services.list_workflow_orders(workflow_id=str(workflow.id), now=NOW)
    assert Decision.objects.filter(workflow_id=workflow.id).count() > 10


def test_replay_sample_again_runs_no_slot_twice(order_store, make_workflow, csv_dir):
    workflow = make_workflow("dax zone below")
    command("replay_sample", "--days", "1")
    decisions = list(Decision.objects.values_list("workflow_id", "evaluated_at"))
    orders = order_services.list_workflow_orders(workflow_id=str(workflow.id), now=NOW)

    again = command("replay_sample", "--days", "1")

    assert "replayed 0 runs" in again
    assert list(Decision.objects.values_list("workflow_id", "evaluated_at")) == decisions
    assert len(set(decisions)) == len(decisions) > 10
    assert order_services.list_workflow_orders(workflow_id=str(workflow.id), now=NOW) == orders


def test_replay_sample_starts_after_the_newest_run(order_store, make_workflow, csv_dir):
    make_workflow("dax zone below")
    command("run_workflows", "--at", "2026-02-20T13:01:00Z")  # e.g. the loop, before a stop

    out = command("replay_sample", "--days", "1")

    assert "replayed 4 runs up to 2026-02-20 15:01" in out  # 13:31 .. 15:01 (bars to 14:30)
    times = sorted(Decision.objects.values_list("evaluated_at", flat=True))
    assert times == [parse_at(f"2026-02-20T{t}") for t in ("13:01", "13:31", "14:01", "14:31",
                                                           "15:01")]


def test_purge_decisions_deletes_rows_older_than_seven_days(order_store, make_workflow, csv_dir):
    make_workflow("dax zone below")
    command("run_workflows", "--at", AT)
    Decision.objects.update(created_at=timezone.now() - timedelta(days=8))
    command("run_workflows", "--at", "2026-02-20T15:01:00Z")

    assert "Deleted 1 decision log rows." in command("purge_decisions")
    assert Decision.objects.count() == 1


def test_loop_slots_are_01_and_31_on_weekdays():
    assert next_slot(parse_at("2026-02-20T14:31:00")) == parse_at("2026-02-20T15:01")
    assert next_slot(parse_at("2026-02-20T23:45+00:00")) == parse_at("2026-02-23T00:01Z")
    slots = session_slots(parse_at("2026-02-20T00:00"), parse_at("2026-02-23T08:00"))
    assert len(slots) == 30 + 2 and slots[0] == parse_at("2026-02-20T07:01")
