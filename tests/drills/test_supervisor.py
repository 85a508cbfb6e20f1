"""`make run`'s supervisor (korder_site/supervisor.py, korder_site/run_local.py) with real
processes: a real dynalite as the store, real signals, real kills."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from korder_site import supervisor
from orders import local_server
from tests.shared import REPO

pytestmark = pytest.mark.slow

DRIVER = """
import sys
from pathlib import Path
from korder_site import supervisor
from orders import local_server

logs, port, crashing = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "crash"
sup = supervisor.Supervisor(say=lambda line: print(line, flush=True),
                            log=supervisor.rotating_logger("supervisor", logs / "run.log"))
sup.install_signals()
store = local_server.command(port=port, data_dir=None)
sup.start(supervisor.Child("order store", store, logs / "store.log",
                           ready=lambda p: local_server.wait_listening(p, port)))
sleeper = [sys.executable, "-c", "import sys, time; sys.exit(3) if %r else time.sleep(600)"
           % crashing]
sup.start(supervisor.Child("engine loop", sleeper, logs / "engine.log"))
print("ready", flush=True)
code = sup.run()
if sup.failed:
    print(sup.failed, flush=True)
sys.exit(code)
"""


class Driven:
    """The driver process, its output lines and its children."""

    def __init__(self, tmp_path: Path, mode: str) -> None:
        self.port = local_server.free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-c", DRIVER, str(tmp_path), str(self.port), mode], cwd=REPO,
            stdout=subprocess.PIPE, text=True,
        )
        self.lines: list[str] = []

    def read_until(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.lines.append(line.strip())
            if text in line:
                return line.strip()
        raise AssertionError(f"no {text!r} in {self.lines}")

    def children(self) -> list[int]:
        return children_of(self.process.pid)


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def driven(tmp_path: Path) -> Iterator[Driven]:
    run = Driven(tmp_path, "sleep")
    run.read_until("ready")
    yield run
    if run.process.poll() is None:
        run.process.kill()
        run.process.wait()
    for pid in run.children():
        os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_stop_signal_stops_every_child_within_ten_seconds(driven: Driven, sig) -> None:
    children = driven.children()
    assert len(children) == 2
    started = time.monotonic()
    driven.process.send_signal(sig)
    assert driven.process.wait(timeout=10) == 0
    while any(alive(pid) for pid in children) and time.monotonic() - started < 10:
        time.sleep(0.05)
    assert not [pid for pid in children if alive(pid)]


def test_a_killed_store_is_restarted_with_a_line_saying_so(driven: Driven) -> None:
    [store] = [pid for pid in driven.children() if b"node" in Path(f"/proc/{pid}/cmdline")
               .read_bytes()]
    os.kill(store, signal.SIGKILL)
    started = time.monotonic()
    line = driven.read_until("order store restarted", timeout=10)
    assert time.monotonic() - started < 5
    assert f"order store (pid {store}) exited with code -9; restarting it" in driven.lines
    assert local_server.port_in_use(driven.port)
    assert str(store) not in line


def test_a_child_failing_again_and_again_stops_everything_with_one_message(
    tmp_path: Path,
) -> None:
    run = Driven(tmp_path, "crash")
    assert run.process.wait(timeout=60) == 1
    assert run.process.stdout is not None
    out = run.process.stdout.read().splitlines()
    assert out[-1].startswith("k-order stopped: the engine loop exited 6 times in 120 s")
    assert sum("restarting it" in line for line in out) == supervisor.MAX_RESTARTS
    assert not local_server.port_in_use(run.port)  # the store was stopped too


def test_a_second_make_run_in_the_checkout_refuses_at_once_naming_the_first(
    tmp_path: Path,
) -> None:
    held = supervisor.RunLock(tmp_path / "run.lock")
    held.acquire("serving http://127.0.0.1:8000/ from here")
    env = {**os.environ, "KORDER_VAR_DIR": str(tmp_path), "KORDER_ENV_FILE": ""}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "korder_site.run_local", "--port", "1"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=30)
    assert time.monotonic() - started < 5
    assert done.returncode == 3 and done.stdout == ""
    assert done.stderr.strip() == (
        f"k-order is already running in this checkout (pid {os.getpid()}, serving "
        "http://127.0.0.1:8000/ from here); not starting another"
    )
    held.release()


def test_child_output_goes_to_rotated_logs_that_stop_growing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(supervisor, "LOG_BYTES", 20_000)
    chatty = [sys.executable, "-c", "import sys\nfor i in range(20000): print('x' * 60, i)"]
    sup = supervisor.Supervisor(say=print, log=supervisor.rotating_logger("t", tmp_path / "t.log"))
    child = supervisor.Child("chatty", chatty, tmp_path / "log" / "chatty.log")
    sup.start(child)
    assert child.process is not None and child.process.wait(timeout=60) == 0
    deadline = time.monotonic() + 10
    while "19999" not in (tmp_path / "log" / "chatty.log").read_text():
        assert time.monotonic() < deadline, "the last line never reached the log"
        time.sleep(0.05)
    files = sorted((tmp_path / "log").iterdir())
    assert [f.name for f in files] == ["chatty.log", *(f"chatty.log.{i}" for i in (1, 2, 3))]
    assert all(f.stat().st_size <= 20_000 for f in files)  # 1.4 MB written, 80 kB kept
