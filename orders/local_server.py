"""The local DynamoDB-compatible server (dynalite, SPEC §6.5): install, probe, command line.

Used by `manage.py dynamodb_local` and by the test fixtures; no Django import.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TOOL_DIR = Path(__file__).resolve().parent.parent / "tools" / "dynamodb-local"
CLI = TOOL_DIR / "node_modules" / "dynalite" / "cli.js"
SERVER = TOOL_DIR / "server.js"  # cli.js plus the iterator-leak fix (see that file)
HOST = "127.0.0.1"


class LocalServerError(Exception):
    """dynalite cannot be installed or started; the message says why."""


def ensure_installed() -> Path:
    """Run `npm ci` in tools/dynamodb-local when node_modules is missing; return the CLI path."""
    if CLI.exists():
        return CLI
    npm = shutil.which("npm")
    if npm is None:
        raise LocalServerError("npm is not installed (Node >= 20 is needed for dynalite)")
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"], cwd=TOOL_DIR, capture_output=True, text=True
    )
    if result.returncode != 0 or not CLI.exists():
        raise LocalServerError(f"npm ci failed in {TOOL_DIR}:\n{result.stderr.strip()}")
    return CLI


def command(*, port: int, data_dir: Path | None, fast_tables: bool = False) -> list[str]:
    """dynalite's command line; in memory when `data_dir` is None."""
    node = shutil.which("node")
    if node is None:
        raise LocalServerError("node is not installed (Node >= 20 is needed for dynalite)")
    args = [node, str(SERVER), "--host", HOST, "--port", str(port)]
    if data_dir is not None:
        args += ["--path", str(data_dir)]
    if fast_tables:
        args += ["--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"]
    return args


def port_in_use(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port(host: str = HOST) -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def wait_listening(process: subprocess.Popen, port: int, timeout: float = 15.0) -> None:
    """Block until `port` accepts connections; raise if the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while not port_in_use(port):
        if process.poll() is not None:
            raise LocalServerError(f"dynalite exited with code {process.returncode} on start")
        if time.monotonic() > deadline:
            raise LocalServerError(f"dynalite did not listen on {HOST}:{port} in {timeout:.0f}s")
        time.sleep(0.05)


def endpoint(port: int) -> str:
    return f"http://{HOST}:{port}"


@contextmanager
def running(*, data_dir: Path | None = None) -> Iterator[str]:
    """A dynalite on a free loopback port for the duration of the block; yields its endpoint.

    In memory unless `data_dir` is given; tables are created/deleted instantly. For tests and
    benchmarks (the dev server is `manage.py dynamodb_local`)."""
    ensure_installed()
    port = free_port()
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
    args = command(port=port, data_dir=data_dir, fast_tables=True)
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(process, port)
        yield endpoint(port)
    finally:
        stop(process)


def stop(process: subprocess.Popen, timeout: float = 5.0) -> None:
    """Terminate, then kill if it has not exited within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
