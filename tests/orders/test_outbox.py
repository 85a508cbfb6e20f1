"""Outbox: records survive a store outage and are written later exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from orders import services
from orders.models import OutboxRecord
from orders.records import record_to_dict
from tests.fixtures.order_store import make_order_record

NOW = datetime(2026, 2, 22, 15, 0, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def test_an_order_recorded_during_an_outage_is_flushed_exactly_once(order_store) -> None:
    record = make_order_record(workflow_id="wf-1", placed_at=NOW - timedelta(minutes=1))
    order_store.stop()

    assert services.record_order(record=record) == "outboxed"
    assert services.pending_outbox_count() == 1

    order_store.start()
    assert services.flush_outbox(now=NOW) == services.FlushResult(written=1)
    assert services.flush_outbox(now=NOW) == services.FlushResult()
    assert services.list_workflow_orders(workflow_id="wf-1", now=NOW) == [record]
    assert services.pending_outbox_count() == 0


def test_a_flush_after_a_partial_failure_doubles_nothing(order_store) -> None:
    stored = make_order_record(workflow_id="wf-1", placed_at=NOW - timedelta(minutes=2))
    services.record_order(record=stored)
    _outbox(stored)  # e.g. the put reached the store but its answer timed out
    pending = make_order_record(workflow_id="wf-1", placed_at=NOW - timedelta(minutes=1))
    _outbox(pending)

    result = services.flush_outbox(now=NOW)

    assert result == services.FlushResult(written=1, duplicates=1)
    history = services.list_workflow_orders(workflow_id="wf-1", now=NOW)
    assert [order.id for order in history] == [pending.id, stored.id]


def test_a_flush_while_the_store_is_still_down_keeps_everything_pending(order_store) -> None:
    order_store.stop()
    for minute in (3, 2, 1):
        services.record_order(record=make_order_record(placed_at=NOW - timedelta(minutes=minute)))

    result = services.flush_outbox(now=NOW)

    assert result == services.FlushResult(failed=3)
    assert services.pending_outbox_count() == 3
    oldest = OutboxRecord.objects.order_by("placed_at").first()
    assert oldest.attempts == 2 and "failed" in oldest.last_error


def test_recording_the_same_order_twice_during_an_outage_keeps_one_outbox_row(order_store):
    record = make_order_record()
    order_store.stop()

    services.record_order(record=record)
    services.record_order(record=record)

    assert OutboxRecord.objects.count() == 1


def test_flush_outbox_command_reports_counts(order_store) -> None:
    order_store.stop()
    services.record_order(record=make_order_record(placed_at=NOW))
    with pytest.raises(CommandError, match="1 outbox record"):
        call_command("flush_outbox")

    order_store.start()
    out = _run("flush_outbox")
    assert "Written 1" in out and "0 pending" in out


def test_purge_command_deletes_old_orders_and_flushed_outbox_rows(order_store) -> None:
    now = datetime.now(UTC)
    old = make_order_record(placed_at=now - timedelta(days=8))
    services.record_order(record=old)
    _outbox(old, flushed_at=now - timedelta(days=8))
    _outbox(make_order_record(placed_at=now - timedelta(days=9)))  # pending: never purged

    out = _run("purge_expired_orders")

    assert "Deleted 1 order history rows" in out
    assert "Deleted 1 flushed outbox records" in out
    assert services.pending_outbox_count() == 1


def _outbox(record, flushed_at=None) -> None:
    OutboxRecord.objects.create(
        order_id=record.id,
        workflow_id=record.workflow_id,
        workflow_name=record.workflow_name,
        placed_at=record.placed_at,
        payload=record_to_dict(record),
        created_at=NOW,
        flushed_at=flushed_at,
    )


def _run(name: str) -> str:
    out = StringIO()
    call_command(name, stdout=out)
    return out.getvalue()
