"""Two `manage.py run_workflows` processes on the same candle, the same SQLite file and the same
order store (dynalite) place, notify and record every triggered order exactly once."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from orders import services as order_services
from tests.processes import project_env, zone_workflows_yaml
from tests.shared import REPO

from .conftest import NOW, write_sample_csv

WORKFLOWS = 6
AT = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def env(tmp_path: Path, order_store, slack_server) -> dict[str, str]:
    return project_env(
        tmp_path, order_store=order_store, workflows_yaml=zone_workflows_yaml("race", WORKFLOWS),
        KORDER_MARKET_DATA="csv", KORDER_CSV_DIR=str(write_sample_csv(tmp_path / "bars")),
        KORDER_BROKER="notify", SLACK_BOT_TOKEN="xoxb-test-token",
        KORDER_SLACK_BASE_URL=slack_server.base_url,
    )


def test_two_concurrent_runners_on_the_same_candle_handle_each_order_once(
    env, tmp_path, slack_server
):
    runners = [subprocess.Popen([sys.executable, "manage.py", "run_workflows", "--at", AT],
                                cwd=REPO, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [runner.communicate(timeout=120) for runner in runners]

    assert [r.returncode for r in runners] == [0, 0], [err for _, err in outputs]
    placed = [int(out.split("placed ")[1].split(" ")[0]) for out, _ in outputs]
    assert sum(placed) == WORKFLOWS
    with sqlite3.connect(tmp_path / "var" / "korder.sqlite3") as db:
        claims = db.execute("select workflow_id, status from workflows_runclaim").fetchall()
        decisions = db.execute("select count(*) from workflows_decision").fetchone()[0]
    assert len(claims) == WORKFLOWS and {status for _, status in claims} == {"recorded"}
    assert decisions == 2 * WORKFLOWS
    for workflow_id, _ in claims:
        wid = str(uuid.UUID(workflow_id))
        assert len(order_services.list_workflow_orders(workflow_id=wid, now=NOW)) == 1
    assert len(slack_server.messages("#workflows")) == WORKFLOWS


def wait_for_handler(pid: int, sig: signal.Signals, timeout: float = 60) -> None:
    """Wait until process `pid` catches `sig` (Linux: the SigCgt mask in /proc), so a slow start
    on a loaded machine is not mistaken for a process that ignores the signal."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = Path(f"/proc/{pid}/status").read_text()
        caught = int(status.split("SigCgt:")[1].split()[0], 16)
        if caught & (1 << (sig - 1)):
            return
        time.sleep(0.1)
    raise AssertionError(f"process {pid} never installed a handler for {sig.name}")


def heartbeats(tmp_path: Path) -> list[tuple]:
    with sqlite3.connect(tmp_path / "var" / "korder.sqlite3") as db:
        return db.execute("select beat_at, stopped_at from workflows_runnerheartbeat").fetchall()


def test_the_loop_beats_and_stops_cleanly_on_sigterm(env, tmp_path):
    runner = subprocess.Popen([sys.executable, "manage.py", "run_workflows", "--loop"],
                              cwd=REPO, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        wait_for_handler(runner.pid, signal.SIGTERM)  # Django set up, waiting for :01/:31
        deadline = time.monotonic() + 60
        while not heartbeats(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.2)  # the first beat comes once the signal handlers are in place
        [(_, stopped_at)] = heartbeats(tmp_path)
        assert stopped_at is None
        runner.send_signal(signal.SIGTERM)
        assert runner.wait(timeout=10) == 0
        [(_, stopped_at)] = heartbeats(tmp_path)
        assert stopped_at is not None  # a clean stop is not a dead runner
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait()
