"""Drill: `manage.py run_workflows` is SIGKILLed after the broker accepted an order and before
that order was recorded, then run again on the same candle.

Real processes: the runner places orders on the fake Saxo (the broker), notifies a Slack stub
that takes 3 s to answer (which holds the runner between "placed" and "recorded"), and records
to dynalite. The drill kills it -9 the moment the run ledger shows a claim at `placed`.
SPEC §10: nothing is placed twice; the re-run records the interrupted order with its claim's
id and handles every other workflow once.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from orders import services as order_services
from tests.fixtures.fake_saxo import ACCOUNT_KEY, STATIC_TOKEN
from tests.processes import manage, project_env, zone_workflows_yaml
from tests.shared import REPO
from tests.workflows.engine.conftest import write_sample_csv

from .conftest import SLACK_TOKEN
from .helpers import NOW

pytestmark = pytest.mark.slow

WORKFLOWS = 4
AT = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def env(tmp_path: Path, order_store, slack_stub, fake_saxo) -> dict[str, str]:
    return project_env(
        tmp_path, order_store=order_store, workflows_yaml=zone_workflows_yaml("crash", WORKFLOWS),
        KORDER_MARKET_DATA="csv", KORDER_CSV_DIR=str(write_sample_csv(tmp_path / "bars")),
        KORDER_BROKER="saxo", KORDER_SAXO_ENVIRONMENT="sim",
        KORDER_SAXO_ACCESS_TOKEN=STATIC_TOKEN, KORDER_SAXO_ACCOUNT_KEY=ACCOUNT_KEY,
        KORDER_SAXO_BASE_URL=fake_saxo.base_url, KORDER_SAXO_AUTH_URL=fake_saxo.auth_url,
        SLACK_BOT_TOKEN=SLACK_TOKEN, KORDER_SLACK_BASE_URL=slack_stub.base_url,
    )


def claims(db_path: Path) -> list[tuple[str, str, str, str]]:
    """(workflow_name, status, order_id, broker_order_id) of every claim; [] while locked."""
    try:
        with sqlite3.connect(db_path, timeout=0.2) as db:
            return db.execute("select workflow_name, status, order_id, broker_order_id "
                              "from workflows_runclaim order by workflow_name").fetchall()
    except sqlite3.OperationalError:
        return []


def kill_when_placed(runner: subprocess.Popen, db_path: Path, timeout: float = 60) -> str:
    """SIGKILL `runner` as soon as a claim is `placed`; return that workflow's name."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        placed = [name for name, status, *_ in claims(db_path) if status == "placed"]
        if placed:
            os.kill(runner.pid, signal.SIGKILL)
            runner.wait(timeout=10)
            return placed[0]
        assert runner.poll() is None, runner.stderr.read() if runner.stderr else ""
        time.sleep(0.02)
    runner.kill()
    pytest.fail("no claim reached `placed` in time")


def test_run_killed_after_placing_and_rerun_places_nothing_twice(
    env, tmp_path, slack_stub, fake_saxo
):
    db_path = tmp_path / "var" / "korder.sqlite3"
    slack_stub.delay = 3.0  # holds the runner between "placed" and "recorded"
    runner = subprocess.Popen([sys.executable, "manage.py", "run_workflows", "--at", AT],
                              cwd=REPO, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    killed = kill_when_placed(runner, db_path)

    assert runner.returncode == -signal.SIGKILL
    orders_before = fake_saxo.requests_to("trade/v2/orders", "POST")
    assert len(orders_before) == 1  # the interrupted order reached the broker

    slack_stub.delay = 0.0
    out = manage(env, "run_workflows", "--at", AT)

    assert f"placed {WORKFLOWS - 1} " in out, out
    posts = fake_saxo.requests_to("trade/v2/orders", "POST")
    references = [r.json["ExternalReference"] for r in posts]
    assert len(posts) == WORKFLOWS and len(set(references)) == WORKFLOWS  # once each
    rows = claims(db_path)
    assert [status for _, status, *_ in rows] == ["recorded"] * WORKFLOWS
    assert sorted(uid(order_id) for _, _, order_id, _ in rows) == sorted(map(uid, references))
    for name, _, order_id, broker_order_id in rows:
        [wid] = workflow_ids(db_path, name)
        records = order_services.list_workflow_orders(workflow_id=wid, now=NOW)
        assert [r.id for r in records] == [uid(order_id)]  # recorded once, with the claim's id
        assert records[0].broker_order_id == broker_order_id  # the broker's id, kept
    notified = [m["text"] for m in slack_stub.posts("#workflows")]
    for name, *_ in rows:
        expected = {1} if name != killed else {0, 1}  # its message may have left before -9
        assert sum(f"`{name}`" in text for text in notified) in expected


def uid(value: str) -> str:
    return str(uuid.UUID(value))


def workflow_ids(db_path: Path, name: str) -> list[str]:
    with sqlite3.connect(db_path) as db:
        found = db.execute("select id from workflows_workflow where name = ?", (name,))
        return [uid(row[0]) for row in found.fetchall()]
