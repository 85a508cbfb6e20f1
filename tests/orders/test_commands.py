"""Management commands: create_order_table and the local dynalite server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError

from orders import connection, local_server, services, store
from orders.errors import OrderStoreUnavailable
from orders.services import retention
from tests.fixtures.order_store import make_order_record

MANAGE = Path(django_settings.BASE_DIR) / "manage.py"


def test_create_order_table_command_is_idempotent(order_store, settings) -> None:
    settings.KORDER_DYNAMODB_TABLE = f"{order_store.table_name}_cmd"
    try:
        assert "Created table" in _call("create_order_table")
        output = _call("create_order_table")
        assert "exists" in output
        assert "count-index" not in output  # nothing to add: no note
    finally:
        store.delete_table()


def test_create_order_table_rebuilds_an_older_local_table_with_every_row(
    old_order_table,
) -> None:
    records = [make_order_record(workflow_id="wf-1") for _ in range(3)]
    for n, record in enumerate(records):
        store.put_order(record=replace(record, placed_at=record.placed_at.replace(
            microsecond=n)), ttl=record.ttl(retention()))

    output = _call("create_order_table")

    assert "exists" in output
    assert "Rebuilt the local table with count-index, day-index" in output
    assert "3 row(s) copied out and back" in output
    assert services.count_workflow_orders(workflow_id="wf-1", now=records[0].placed_at) == 3
    assert "Rebuilt" not in _call("create_order_table")  # nothing left to do


def test_create_order_table_names_the_reason_when_adding_count_index_is_refused(
    old_order_table, monkeypatch
) -> None:
    # dynalite really refuses the UpdateTable; seen as a remote server (as on AWS), that
    # refusal is reported with its reason instead of as "a local server cannot".
    monkeypatch.setattr(connection, "is_local_endpoint", lambda endpoint: False)

    output = _call("create_order_table")

    assert "Adding count-index was refused" in output
    assert "Adding day-index was refused" in output
    assert "UpdateTable operation" in output and "ValidationException" in output
    assert "dynamodb:UpdateTable" in output


def test_create_order_table_command_fails_clearly_when_the_store_is_down(order_store) -> None:
    order_store.stop()

    with pytest.raises(CommandError, match="order store"):
        call_command("create_order_table")


@pytest.mark.slow
@pytest.mark.django_db
def test_dynamodb_local_keeps_data_across_a_restart_and_the_outbox_bridges_it(
    tmp_path, settings
) -> None:
    port = local_server.free_port()
    settings.KORDER_DYNAMODB_ENDPOINT = local_server.endpoint(port)
    settings.KORDER_DYNAMODB_TABLE = "workflow_orders"
    before, during = make_order_record(), make_order_record()

    with _dynamodb_local(tmp_path, port):
        assert services.record_order(record=before) == "stored"
    with pytest.raises(OrderStoreUnavailable):
        services.check_store()
    assert services.record_order(record=during) == "outboxed"  # the server is really down
    with _dynamodb_local(tmp_path, port):
        assert services.get_order(order_id=before.id, now=before.placed_at) == before
        assert services.flush_outbox() == services.FlushResult(written=1)
        assert services.flush_outbox() == services.FlushResult()
        assert services.count_workflow_orders(
            workflow_id=during.workflow_id, now=during.placed_at
        ) == 1

    assert (tmp_path / "dynamodb").is_dir()


@pytest.mark.slow
def test_dynamodb_local_refuses_a_busy_port(tmp_path) -> None:
    port = local_server.free_port()
    with _dynamodb_local(tmp_path, port):
        second = subprocess.run(
            [sys.executable, str(MANAGE), "dynamodb_local"],
            env=_env(tmp_path, port), capture_output=True, text=True, timeout=30,
        )
    assert second.returncode != 0
    assert f"port {port} is already in use" in second.stderr


class _dynamodb_local:
    """Runs `manage.py dynamodb_local` until its table is ready; SIGTERM on exit."""

    def __init__(self, var_dir: Path, port: int) -> None:
        self.var_dir, self.port = var_dir, port

    def __enter__(self) -> subprocess.Popen:
        self.process = subprocess.Popen(
            [sys.executable, str(MANAGE), "dynamodb_local"],
            env=_env(self.var_dir, self.port), stdout=subprocess.PIPE, text=True,
        )
        for line in self.process.stdout:  # "Table ... created/exists." then "dynalite on ..."
            if line.startswith("dynalite on"):
                return self.process
        raise AssertionError(f"dynamodb_local exited with {self.process.wait()}")

    def __exit__(self, *exc: object) -> None:
        self.process.send_signal(signal.SIGTERM)
        assert self.process.wait(timeout=10) == 0
        deadline = time.monotonic() + 5
        while local_server.port_in_use(self.port) and time.monotonic() < deadline:
            time.sleep(0.05)


def _env(var_dir: Path, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        KORDER_VAR_DIR=str(var_dir),
        KORDER_DYNAMODB_LOCAL_PORT=str(port),
        KORDER_DYNAMODB_TABLE="workflow_orders",
        DJANGO_SECRET_KEY=os.environ["DJANGO_SECRET_KEY"],
        PYTHONUNBUFFERED="1",
    )
    env.pop("KORDER_DYNAMODB_ENDPOINT", None)
    env.pop("AWS_ACCESS_KEY_ID", None)
    env.pop("AWS_PROFILE", None)
    return env


def _call(name: str) -> str:
    out = StringIO()
    call_command(name, stdout=out)
    return out.getvalue()
