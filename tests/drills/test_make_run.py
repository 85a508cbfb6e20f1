"""`make run`'s whole flow in real processes (python -m korder_site.run_local, as
tools/run-dev.sh runs it): quiet start ending with the login box, a second start that refuses,
SIGTERM stopping every process, and a warm restart that replays nothing twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from orders import local_server
from tests.drills.test_supervisor import alive, children_of
from tests.shared import REPO

pytestmark = pytest.mark.slow


def start(env: dict[str, str], port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "korder_site.run_local", "--port", str(port), "--sample-days",
         "60", "--replay-days", "1"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def until_box(run: subprocess.Popen, timeout: float = 240.0) -> list[str]:
    """Output lines up to the box's closing line."""
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    assert run.stdout is not None
    while time.monotonic() < deadline:
        line = run.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.startswith("+-") and sum(x.startswith("+-") for x in lines) == 2:
            return lines
    raise AssertionError(f"no login box: {lines}")


def stop(run: subprocess.Popen) -> float:
    """SIGTERM the supervisor; seconds until it and every child are gone."""
    family = [run.pid, *children_of(run.pid)]
    started = time.monotonic()
    run.send_signal(signal.SIGTERM)
    run.wait(timeout=15)
    while any(alive(pid) for pid in family) and time.monotonic() - started < 15:
        time.sleep(0.05)
    assert not [pid for pid in family if alive(pid)]
    return time.monotonic() - started


def decisions(var: Path) -> int:
    with sqlite3.connect(var / "korder.sqlite3") as db:
        return db.execute("select count(*) from workflows_decision").fetchone()[0]


def test_make_run_starts_quietly_refuses_a_second_and_stops_on_sigterm(tmp_path: Path) -> None:
    port, store_port = local_server.free_port(), local_server.free_port()
    var = tmp_path / "var"
    env = {**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
           "KORDER_ENV_FILE": "", "KORDER_VAR_DIR": str(var), "DJANGO_DEBUG": "1",
           "KORDER_DYNAMODB_ENDPOINT": "", "KORDER_DYNAMODB_LOCAL_PORT": str(store_port),
           "KORDER_MARKET_DATA": "csv", "KORDER_CSV_DIR": str(var / "sample-data"),
           "KORDER_BROKER": "notify", "SLACK_BOT_TOKEN": "", "PYTHONUNBUFFERED": "1"}
    first = start(env, port)
    lines = until_box(first)
    assert len(lines) <= 9  # store line, replay summary, the 7-line box
    assert f"| k-order is running: http://127.0.0.1:{port}/ " in lines[-6]
    assert f"| API docs:  http://127.0.0.1:{port}/api/docs" in lines[-3]
    password = (var / "admin-login.txt").read_text().strip()
    assert any(password in line for line in lines[-5:])
    assert any(line.startswith("replayed ") for line in lines)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as reply:
        assert reply.status == 200
    counted = decisions(var)

    started = time.monotonic()
    second = subprocess.run([sys.executable, "-m", "korder_site.run_local", "--port", str(port)],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=30)
    assert time.monotonic() - started < 5 and second.returncode == 3
    assert second.stderr.count("\n") == 1 and f"pid {first.pid}" in second.stderr

    assert stop(first) < 10
    assert not local_server.port_in_use(port) and not local_server.port_in_use(store_port)

    again = start(env, port)
    lines = until_box(again)
    assert any(line.startswith("replayed 0 runs") for line in lines)
    assert f"unchanged since first run; see {var / 'admin-login.txt'}" in lines[-4]
    assert decisions(var) == counted
    stop(again)
