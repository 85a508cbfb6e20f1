"""Every way the client library can fail becomes OrderStoreUnavailable, quickly and boundedly.

The store here is a real loopback socket that never answers (a frozen dynalite: botocore raises
ReadTimeoutError with `response=None`), resets connections, throttles or answers 500.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from django.conf import settings

from orders import connection, services, store
from orders.errors import OrderStoreUnavailable
from orders.models import OutboxRecord
from tests.fixtures.broken_store import BrokenStore
from tests.fixtures.order_store import make_order_record

NOW = datetime(2026, 2, 22, 15, 0, 0, tzinfo=UTC)
# 2 attempts of <= 0.3 s (+ 0.5 s to connect) and botocore's jittered backoff (<= 2 s before
# a retry), with room for a loaded machine: the point is "fails in seconds", not "hangs".
BOUND_SECONDS = 8.0


def reads() -> dict:
    return {
        "history": lambda: services.list_workflow_orders(workflow_id="wf-1", now=NOW),
        "count": lambda: services.count_workflow_orders(workflow_id="wf-1", now=NOW),
        "history+count": lambda: services.workflow_history(workflow_id="wf-1", now=NOW),
        "latest": lambda: services.latest_orders(workflow_ids=["wf-1", "wf-2"], now=NOW),
        "by id": lambda: services.get_order(order_id="x", now=NOW),
        "probe": services.check_store,
    }


@pytest.mark.parametrize("read", list(reads()))
def test_every_read_maps_the_failure_to_unavailable(broken_store: BrokenStore, read) -> None:
    started = time.monotonic()

    with pytest.raises(OrderStoreUnavailable) as caught:
        reads()[read]()

    assert time.monotonic() - started < BOUND_SECONDS
    assert broken_store.endpoint in str(caught.value)
    assert "store" in caught.value.public


def test_a_write_maps_the_failure_to_unavailable(broken_store: BrokenStore) -> None:
    with pytest.raises(OrderStoreUnavailable):
        store.put_order(record=make_order_record(), ttl=0)


@pytest.mark.django_db
def test_a_record_that_cannot_be_written_goes_to_the_outbox(broken_store: BrokenStore) -> None:
    record = make_order_record()

    assert services.record_order(record=record) == "outboxed"

    [row] = OutboxRecord.objects.all()
    assert str(row.order_id) == record.id and row.last_error


def test_retries_are_bounded(broken_store: BrokenStore) -> None:
    with pytest.raises(OrderStoreUnavailable):
        store.query_history(workflow_id="wf-1", since=NOW, limit=1)

    assert broken_store.requests == 1 + settings.KORDER_DYNAMODB_MAX_RETRIES


def test_the_client_has_short_timeouts_and_bounded_retries_by_default() -> None:
    from orders.models import WorkflowOrder

    config = WorkflowOrder._get_connection().connection.client.meta.config
    assert config.connect_timeout <= 2 and config.read_timeout <= 5
    assert config.retries["total_max_attempts"] <= 3


@pytest.mark.django_db
@pytest.mark.parametrize("broken_store", ["silent"], indirect=True)
def test_after_a_timeout_the_engines_writes_skip_the_hung_store_for_a_while(
    broken_store: BrokenStore, monkeypatch
) -> None:
    assert services.record_order(record=make_order_record()) == "outboxed"
    tried = broken_store.requests

    started = time.monotonic()
    later = [make_order_record() for _ in range(5)]
    for record in later:
        assert services.record_order(record=record) == "outboxed"

    assert time.monotonic() - started < 2  # 5 timeouts: at least 5 x 2 x 0.3 s
    assert broken_store.requests == tried  # not tried at all
    assert OutboxRecord.objects.count() == 6
    outboxed = OutboxRecord.objects.get(order_id=later[0].id)
    assert "not tried: a call timed out" in outboxed.last_error
    with pytest.raises(OrderStoreUnavailable):  # pages and the API still try
        services.list_workflow_orders(workflow_id="wf-1", now=NOW)
    assert broken_store.requests > tried

    monkeypatch.setattr(connection, "HUNG_BACKOFF_SECONDS", 0.0)  # the backoff is over
    tried = broken_store.requests
    assert services.record_order(record=make_order_record()) == "outboxed"
    assert broken_store.requests > tried  # tried again


@pytest.mark.django_db
@pytest.mark.parametrize("broken_store", ["reset", "throttle", "error500"], indirect=True)
def test_a_store_that_refuses_quickly_is_tried_every_time(broken_store: BrokenStore) -> None:
    for _ in range(3):
        tried = broken_store.requests
        assert services.record_order(record=make_order_record()) == "outboxed"
        assert broken_store.requests > tried
