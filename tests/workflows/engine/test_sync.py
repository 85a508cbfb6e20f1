"""Sync with the fake Saxo's order log (SPEC §12): placed -> working -> filled / partially
filled / cancelled / expired, in one paged read; never backwards; never blocking placement."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from orders import services as order_services
from orders.models import OrderEvent
from tests.fixtures.fake_saxo import Reply
from tests.workflows.engine.conftest import NOW
from workflows import engine
from workflows.engine import sync
from workflows.engine.deps import build_deps

LATER = NOW + timedelta(minutes=30)


@pytest.fixture
def saxo_settings(settings, csv_dir, saxo_broker):  # csv_dir first: it sets the notify broker
    return settings


@pytest.fixture
def placed(saxo_settings, fake_saxo, order_store, make_workflow):
    """Five live workflows, each with one working order at the fake Saxo (placed at NOW)."""
    workflows = [make_workflow(f"zone {i}") for i in range(5)]
    fake_saxo.book.clock = lambda: NOW
    assert engine.run(NOW, deps=build_deps()).placed == 5
    by_name = {o["ExternalReference"]: o["OrderId"] for o in fake_saxo.open_orders}
    rows = [order_services.list_workflow_orders(workflow_id=str(w.id), now=NOW)[0]
            for w in workflows]
    assert all(row.status == "working" for row in rows)
    return [(row, by_name[row.id]) for row in rows]


def status_of(row):
    return order_services.get_order(order_id=row.id, now=LATER)


def test_the_order_log_moves_each_order_forward_in_one_paged_read(placed, fake_saxo):
    book = fake_saxo.book
    book.clock = lambda: NOW + timedelta(minutes=10)
    (filled, a), (partial, b), (cancelled, c), (expired, d), (working, _) = placed
    book.fill(a, price=22001.5)
    book.fill(b, amount=0.2, price=22002)
    book.cancel(c)
    book.expire(d)
    book.page_size = 2
    fake_saxo.requests.clear()

    result = sync.sync_orders(build_deps(), LATER)

    assert (result.read, result.matched, result.changed) == (5, 5, 4)
    assert len(fake_saxo.requests_to("cs/v1/audit/orderactivities")) == 3  # ⌈5 / 2⌉ pages
    assert [status_of(row).status for row, _ in placed] == [
        "filled", "partially_filled", "cancelled", "expired", "working"]
    assert (status_of(filled).filled_price, status_of(filled).filled_quantity) == (
        Decimal("22001.5"), Decimal("0.5"))
    assert status_of(partial).filled_quantity == Decimal("0.2")
    assert list(OrderEvent.objects.filter(order_id=partial.id).values_list(
        "previous_status", "status")) == [("", "working"), ("working", "partially_filled")]


def test_a_replayed_or_older_entry_never_moves_a_status_backwards(placed, fake_saxo):
    (row, broker_id), *_ = placed
    fake_saxo.book.clock = lambda: NOW + timedelta(minutes=10)
    fake_saxo.book.fill(broker_id, price=22001.5)
    deps = build_deps()
    sync.sync_orders(deps, LATER)
    stale = {"OrderId": broker_id, "ExternalReference": row.id, "Status": "Working",
             "ActivityTime": "2026-02-20T14:35:00Z", "FilledAmount": 0}
    fake_saxo.queue("GET", "cs/v1/audit/orderactivities", json={"Data": [stale]})

    again = sync.sync_orders(deps, LATER)
    replayed = sync.sync_orders(deps, LATER)

    assert again.changed == 0 and replayed.changed == 0
    assert status_of(row).status == "filled"
    assert OrderEvent.objects.filter(order_id=row.id).count() == 2


def test_each_engine_run_syncs_first_and_a_sync_failure_never_blocks_placing(
    placed, fake_saxo, make_workflow
):
    (row, broker_id), *_ = placed
    fake_saxo.book.fill(broker_id, price=22001.5)
    assert engine.run(LATER, deps=build_deps()) is not None
    assert status_of(row).status == "filled"

    make_workflow("zone new")
    fake_saxo.queue("GET", "cs/v1/audit/orderactivities", Reply(status=503))
    fake_saxo.queue("GET", "cs/v1/audit/orderactivities", Reply(status=503))
    fake_saxo.route("GET", "cs/v1/audit/orderactivities", lambda request: Reply(status=503))

    summary = engine.run(LATER + timedelta(hours=1), deps=build_deps())

    assert summary.placed >= 1  # the new workflow's order went out all the same


def test_sync_orders_command_prints_what_it_did(placed, fake_saxo):
    (_, broker_id), *_ = placed
    fake_saxo.book.cancel(broker_id)
    out = StringIO()

    call_command("sync_orders", "--at", LATER.isoformat(), stdout=out)

    assert out.getvalue().strip() == "order sync: read 5 / ours 5 / changed 1 / unchanged 4"


def test_sync_orders_with_the_notify_broker_says_there_is_nothing_to_sync(csv_dir, db):
    out = StringIO()
    call_command("sync_orders", stdout=out)
    assert "no broker orders to sync" in out.getvalue()
